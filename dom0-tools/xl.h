/* SPDX-License-Identifier: GPL-2.0-only */
/* xl: the pieces its command files share. */
#ifndef DOM0_TOOLS_XL_H
#define DOM0_TOOLS_XL_H

#include <stdbool.h>
#include <stdint.h>

#include "hcall.h"
#include "xlcfg.h"
#include <xenia/xs.h>

extern hcall_t *xl_hc;
extern struct xs_handle *xl_xs;

/* One line "xl: ..." on stderr. */
void xl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens the hypervisor and xenstore on first use; exits on failure. */
hcall_t *xl_hcall(void);
struct xs_handle *xl_store(void);
/* A name or a number; -1 with "... is an invalid domain identifier". */
int xl_find_domain(const char *q, uint32_t *domid);
/* The same without the message. */
int xl_find_domain_quiet(const char *q, uint32_t *domid);
char *xl_domain_name(uint32_t domid);
/* xenstore helpers: "/local/domain/N/leaf". */
char *xl_read(uint32_t domid, const char *leaf);
bool xl_write(uint32_t domid, const char *leaf, const char *val);
/* Removes the toolstack's nodes of a domain (/local/domain/N, /vm, /libxl). */
void xl_forget(uint32_t domid);
int xl_destroy_domain(uint32_t domid);
/* The console of domid on this terminal until Ctrl-] or the domain goes. */
int xl_console(uint32_t domid);

int xl_cmd_create(int argc, char **argv);

#endif
