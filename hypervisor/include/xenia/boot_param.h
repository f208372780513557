/* SPDX-License-Identifier: GPL-2.0-only */
/* Registering command-line options where the code that uses them lives. */
#ifndef XENIA_BOOT_PARAM_H
#define XENIA_BOOT_PARAM_H

#include <xenia/param.h>

/* Each option is one entry in .data.param, which setup.c parses. */
#define PARAM_ENTRY_(id, n, t, v, l, f)                                        \
    static const struct kernel_param id                                        \
        __attribute__((used, section(".data.param"), aligned(8))) = {          \
            n, t, v, l, f}
#define PARAM_ID2_(a, b) a##b
#define PARAM_ID_(c)     PARAM_ID2_(param_entry_, c)

#define boolean_param(n, v)                                                    \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_BOOL, &(v), 0, NULL)
#define integer_param(n, v)                                                    \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_UINT, &(v), 0, NULL)
#define size_param(n, v)                                                       \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_SIZE, &(v), 0, NULL)
#define string_param(n, v)                                                     \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_STRING, (v), sizeof(v), NULL)
#define custom_param(n, fn)                                                    \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_CUSTOM, NULL, 0, fn)
/* A Xen option Xenia accepts so that Xen's grub.cfg lines work unchanged. */
#define ignored_param(n)                                                       \
    PARAM_ENTRY_(PARAM_ID_(__COUNTER__), n, PARAM_IGNORED, NULL, 0, NULL)

#endif /* XENIA_BOOT_PARAM_H */
