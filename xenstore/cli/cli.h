/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared pieces of the xenstore-* command line tools. */
#ifndef XSC_CLI_H
#define XSC_CLI_H

#include <stdbool.h>

#include <xenia/xs.h>

/* Values are shown with C-like escapes (\n, \t, \\, \xNN, \NNN). */
const char *escape_value(const char *val, unsigned int len);
/* The reverse, in place into out (strlen(in)+1 bytes); sets *len. */
void unescape_value(char *out, unsigned int *len, const char *in);

struct ls_opts {
    int max_width;
    int desired_width;
    bool whole_path;
    bool perms;
};

void do_ls(struct xs_handle *h, const char *path, int depth,
           const struct ls_opts *o);

#endif
