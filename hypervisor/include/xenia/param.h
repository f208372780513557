/* SPDX-License-Identifier: GPL-2.0-only */
/* Command-line options: a table of named parameters and their parser. */
#ifndef XENIA_PARAM_H
#define XENIA_PARAM_H

#include <xenia/types.h>

enum param_type {
    PARAM_BOOL,   /* name, name=<bool>, no-name */
    PARAM_UINT,   /* name=<n> (0x.. hex, 0.. octal, decimal), var is a uint */
    PARAM_SIZE,   /* name=<n>[KMGTB] (bare number is KiB, as in Xen) */
    PARAM_STRING, /* name=<s>, copied into a char[len] */
    PARAM_CUSTOM, /* name=<s> passed to fn, which returns 0 or -EINVAL */
    PARAM_IGNORED /* a Xen option Xenia accepts but does not act on */
};

struct kernel_param {
    const char *name;
    enum param_type type;
    void *var;   /* bool *, unsigned int *, uint64_t *, char[len] */
    size_t len;  /* PARAM_STRING: buffer size */
    int (*fn)(const char *val); /* PARAM_CUSTOM; val is "" when absent */
};

/* What cmdline_parse() tells its caller about each option it could not use. */
enum param_problem {
    PARAM_UNKNOWN, /* no such option */
    PARAM_INVALID, /* the value did not parse or fn() refused it */
    PARAM_IGNORE   /* a PARAM_IGNORED option: accepted, not acted on */
};
typedef void (*param_report_fn)(enum param_problem what, const char *option);

/*
 * Parse the hypervisor part of a command line (options are separated by
 * spaces; quoting is not supported, as in Xen). Stops at a lone "--":
 * what follows is for Dom0 and is returned through *dom0_args (NULL when
 * absent). Returns the number of options that were unknown or invalid.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *params,
                  size_t nr_params, param_report_fn report,
                  const char **dom0_args);

/*
 * "<n>[KMGTB]": a bare number is KiB. Stores the size in bytes and where
 * parsing stopped; -EINVAL if there is no number or it overflows.
 */
int parse_size_and_unit(const char *s, const char **end, uint64_t *bytes);

/* 1/0, yes/no, on/off, true/false, enable/disable; -EINVAL otherwise. */
int parse_bool(const char *s, const char *end);

#endif /* XENIA_PARAM_H */
