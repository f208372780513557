/* SPDX-License-Identifier: GPL-2.0-only */
/* Verdict bookkeeping: one line per check and exactly one final "Test result:" line. */
#include "guest.h"

static unsigned int nr_pass, nr_fail, nr_skip;
static bool finished;

static void vreport(const char *tag, const char *fmt, va_list ap)
{
    char buf[400];

    vsnprintf(buf, sizeof(buf), fmt, ap);
    printk("  %-4s %s\n", tag, buf);
}

void test_pass(const char *fmt, ...)
{
    va_list ap;

    nr_pass++;
    va_start(ap, fmt);
    vreport("ok", fmt, ap);
    va_end(ap);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    nr_fail++;
    va_start(ap, fmt);
    vreport("FAIL", fmt, ap);
    va_end(ap);
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    nr_skip++;
    va_start(ap, fmt);
    vreport("skip", fmt, ap);
    va_end(ap);
}

void test_note(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("info", fmt, ap);
    va_end(ap);
}

bool test_check(bool ok, const char *fmt, ...)
{
    va_list ap;

    if ( ok )
        nr_pass++;
    else
        nr_fail++;
    va_start(ap, fmt);
    vreport(ok ? "ok" : "FAIL", fmt, ap);
    va_end(ap);
    return ok;
}

const char *errno_name(long rc)
{
    static const struct {
        long rc;
        const char *name;
    } names[] = {
        {0, "0"},
        {-XEN_EPERM, "-EPERM"},
        {-XEN_ENOENT, "-ENOENT"},
        {-XEN_ESRCH, "-ESRCH"},
        {-XEN_EIO, "-EIO"},
        {-XEN_ENXIO, "-ENXIO"},
        {-XEN_E2BIG, "-E2BIG"},
        {-XEN_EBADF, "-EBADF"},
        {-XEN_EAGAIN, "-EAGAIN"},
        {-XEN_ENOMEM, "-ENOMEM"},
        {-XEN_EACCES, "-EACCES"},
        {-XEN_EFAULT, "-EFAULT"},
        {-XEN_EBUSY, "-EBUSY"},
        {-XEN_EEXIST, "-EEXIST"},
        {-XEN_EXDEV, "-EXDEV"},
        {-XEN_ENODEV, "-ENODEV"},
        {-XEN_EINVAL, "-EINVAL"},
        {-XEN_ENOSPC, "-ENOSPC"},
        {-XEN_ERANGE, "-ERANGE"},
        {-XEN_ENOSYS, "-ENOSYS"},
        {-XEN_EOPNOTSUPP, "-EOPNOTSUPP"},
        {-XEN_ENOEXEC, "-ENOEXEC"},
        {-XEN_EDOM, "-EDOM"},
        {-XEN_ENODATA, "-ENODATA"},
        {-XEN_EOVERFLOW, "-EOVERFLOW"},
        {-XEN_EMLINK, "-EMLINK"},
        {-XEN_ETIME, "-ETIME"},
    };
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(names); i++ )
    {
        if ( names[i].rc == rc )
            return names[i].name;
    }
    return rc < 0 ? "-E?" : "positive";
}

bool test_rc(long rc, long want, const char *fmt, ...)
{
    char what[300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if ( rc == want )
        return test_check(true, "%s: %ld (%s)", what, rc, errno_name(rc));
    return test_check(false, "%s: got %ld (%s), want %ld (%s)", what, rc,
                      errno_name(rc), want, errno_name(want));
}

static void __attribute__((noreturn)) shutdown(const char *verdict)
{
    struct sched_shutdown sd = {.reason = SHUTDOWN_poweroff};

    finished = true;
    /* The runner keys on this exact line; nothing may follow on it. */
    printk("Test result: %s\n", verdict);
    hypercall_sched_op(SCHEDOP_shutdown, &sd);
    for ( ;; )
        hypercall_sched_op(SCHEDOP_yield, NULL);
}

void test_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("ERR", fmt, ap);
    va_end(ap);
    if ( finished )
        for ( ;; )
            hypercall_sched_op(SCHEDOP_yield, NULL);
    shutdown("ERROR");
}

void test_finish(void)
{
    printk("%u passed, %u failed, %u skipped\n", nr_pass, nr_fail, nr_skip);
    if ( nr_fail )
        shutdown("FAILURE");
    if ( !nr_pass && nr_skip )
        shutdown("SKIP");
    shutdown("SUCCESS");
}
