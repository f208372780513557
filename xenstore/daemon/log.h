/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging to syslog or stderr, and the optional trace file. */
#ifndef XSD_LOG_H
#define XSD_LOG_H

#include <stdbool.h>
#include <stdint.h>

#define XS_TRACE_MAX 4096

void log_init(bool to_stderr);
void xlog(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The trace file (-T, CONTROL log/logfile): one line per message. */
int trace_open(const char *path);
void trace_set_enabled(bool on);
bool trace_enabled(void);
const char *trace_path(void);
void trace_msg(const char *dir, uint64_t conn, uint32_t type, uint32_t req,
               uint32_t tx, const char *payload, uint32_t len);
void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
