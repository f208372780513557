/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl.cfg: Xen's domain configuration file syntax (KEY = VALUE lines;
 * strings in double or single quotes, numbers, [lists]; '#' comments;
 * ';' between settings; lists and backslash-newline continue a line) and
 * the keys this toolstack understands. Pure code, unit-tested on the host.
 */
#ifndef DOM0_TOOLS_XLCFG_H
#define DOM0_TOOLS_XLCFG_H

#include <stddef.h>

#include "diskspec.h"
#include "vifspec.h"

enum xlcfg_action {
    XLCFG_DESTROY,
    XLCFG_RESTART,
    XLCFG_PRESERVE,
    XLCFG_RENAME_RESTART,
    XLCFG_COREDUMP_DESTROY,
    XLCFG_COREDUMP_RESTART,
    XLCFG_SOFT_RESET,
};

struct xlcfg {
    char *name, *kernel, *ramdisk, *cmdline, *extra, *root, *cpus, *uuid;
    unsigned long memory_mib, maxmem_mib; /* maxmem 0: as memory */
    unsigned int vcpus, maxvcpus;         /* maxvcpus 0: as vcpus */
    enum xlcfg_action on_poweroff, on_reboot, on_crash, on_watchdog;
    struct diskspec *disks; /* disk = [...], parsed */
    unsigned int ndisks;
    struct vifspec *vifs; /* vif = [...], devids filled in */
    unsigned int nvifs;
};

/* Defaults as xl's: 128 MiB, 1 vCPU, destroy/restart/destroy/destroy. */
void xlcfg_init(struct xlcfg *c);
void xlcfg_free(struct xlcfg *c);

/*
 * Parses text (from file, for messages) into c, on top of what is there.
 * 0, or -1 with "FILE:LINE: what is wrong" in err.
 */
int xlcfg_parse(struct xlcfg *c, const char *file, const char *text, char *err,
                size_t errlen);

/* A KEY=VALUE from xl's command line, in the file's syntax. */
int xlcfg_override(struct xlcfg *c, const char *kv, char *err, size_t errlen);

/* After parsing: required keys and consistency. 0 or -1 with err. */
int xlcfg_check(const struct xlcfg *c, const char *file, char *err,
                size_t errlen);

/* The kernel command line libxl gives a PV guest: cmdline, else root= extra. */
char *xlcfg_kernel_cmdline(const struct xlcfg *c);

const char *xlcfg_action_name(enum xlcfg_action a);

#endif
