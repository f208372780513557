/* SPDX-License-Identifier: GPL-2.0-only */
/* Logging to syslog or stderr, and the optional trace file. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../common/xalloc.h"

static bool use_stderr = true;
static int trace_fd = -1;
static char *trace_file;
static bool trace_on = true;

void log_init(bool to_stderr)
{
    use_stderr = to_stderr;
    if ( !to_stderr )
        openlog("xenstored", LOG_PID, LOG_DAEMON);
}

void xlog(int prio, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if ( use_stderr )
    {
        fputs("xenstored: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    else
        vsyslog(prio, fmt, ap);
    va_end(ap);
}

int trace_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

    if ( fd < 0 )
        return -errno;
    if ( trace_fd >= 0 )
        close(trace_fd);
    trace_fd = fd;
    if ( path != trace_file )
    {
        free(trace_file);
        trace_file = xstrdup(path);
    }
    trace_on = true;
    return 0;
}

void trace_set_enabled(bool on)
{
    trace_on = on;
    if ( on && trace_fd < 0 && trace_file )
        trace_open(trace_file);
}

bool trace_enabled(void)
{
    return trace_on && trace_fd >= 0;
}

const char *trace_path(void)
{
    return trace_file;
}

void trace(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    int n;

    if ( !trace_enabled() )
        return;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( n > (int)sizeof(buf) - 1 )
        n = sizeof(buf) - 1;
    if ( n > 0 && write(trace_fd, buf, (size_t)n) < 0 )
        trace_on = false;
}

void trace_msg(const char *dir, uint64_t conn, uint32_t type, uint32_t req,
               uint32_t tx, const char *payload, uint32_t len)
{
    char body[XS_TRACE_MAX + 1];
    struct tm tm;
    time_t now;
    uint32_t i;

    if ( !trace_enabled() )
        return;
    for ( i = 0; i < len && i < XS_TRACE_MAX; i++ )
        body[i] = (payload[i] >= 0x20 && payload[i] < 0x7f) ? payload[i] : ' ';
    body[i] = 0;
    now = time(NULL);
    localtime_r(&now, &tm);
    trace("io: %s conn%llu %04d%02d%02d %02d:%02d:%02d type %u req %u tx %u "
          "(%s)\n",
          dir, (unsigned long long)conn, tm.tm_year + 1900, tm.tm_mon + 1,
          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, type, req, tx, body);
}
