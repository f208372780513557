/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xl's disk specification (xl-disk-configuration(5)): positional
 * "target,format,vdev,access", key=value items, flags, the deprecated
 * "prefix:target,vdev[:devtype],access" form; and the vdev -> virtual-device
 * number encoding (xen-vbd-interface(7)).  Pure code, unit-tested on the
 * host (test_diskspec.c).
 */
#ifndef DOM0_TOOLS_DISKSPEC_H
#define DOM0_TOOLS_DISKSPEC_H

#include <stdbool.h>
#include <stddef.h>

struct diskspec {
    char *target;        /* path; "/dev/" prepended to a bare name; "" empty cdrom */
    char *vdev;          /* as written: goes into BE dev */
    unsigned int devid;  /* the virtual-device number */
    bool readonly, cdrom, discard, trusted;
};

/* xvd*, hd*, sd*, dNpM or a number (0x.., 0.., decimal); -1 if bad. */
int vdev_number(const char *vdev, unsigned int *out);

/*
 * Parses one spec into d (freed with diskspec_free, also after failure).
 * 0, or -1 with a one-line reason in err (without any FILE:LINE prefix).
 */
int diskspec_parse(const char *spec, struct diskspec *d, char *err,
                   size_t errlen);
void diskspec_free(struct diskspec *d);

#endif
