/* SPDX-License-Identifier: GPL-2.0-only */
/* Xenia's version and build identity. */
#ifndef XENIA_VERSION_H
#define XENIA_VERSION_H

#define XENIA_VERSION "0.1-dev"

#ifdef CONFIG_DEBUG
#define IS_ENABLED_DEBUG 1
#else
#define IS_ENABLED_DEBUG 0
#endif

#ifdef CONFIG_SELF_TESTS
#define IS_ENABLED_SELF_TESTS 1
#else
#define IS_ENABLED_SELF_TESTS 0
#endif

#endif /* XENIA_VERSION_H */
