/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-side Linux microbenchmarks, run by tests/bench/linux/init on native
 * Linux, on Xen 4.17's Dom0 and on Xenia's Dom0 alike.
 *
 *   ubench [tiny-program]      (default /bin/tiny, the fork+exec target)
 *
 * Prints "BENCH <name> <time per op> ns" per benchmark, or
 * "BENCH-FAIL <name>: <reason>" and goes on with the next one, so that one
 * operation a hypervisor gets wrong does not hide the others' figures.
 * BENCH_SCALE=<factor> in the environment (Linux passes unknown kernel
 * parameters to init's environment) scales every iteration count.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE 4096UL
/* Large enough that mmap/munmap's own cost is small per page, small enough
 * to fit Dom0's 512 MiB many times over. */
#define FAULT_CHUNK_PAGES 1024UL
#define MAP_BYTES (64UL * 1024)
/* Each benchmark runs this many timed batches and reports the median batch,
 * so one host stall in plain TCG moves at most one batch. */
#define BATCHES 5

static const char *tiny_path = "/bin/tiny";
static char fail_reason[128];

static uint64_t now_ns(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Returns -1 so that a benchmark can "return fail(...)". */
static int64_t fail(const char *what)
{
    snprintf(fail_reason, sizeof(fail_reason), "%s: %s", what, strerror(errno));
    return -1;
}

static int64_t fail_plain(const char *what)
{
    snprintf(fail_reason, sizeof(fail_reason), "%s", what);
    return -1;
}

/*
 * Each benchmark does n operations and returns the nanoseconds they took,
 * leaving set-up and tear-down that are not the operation outside the
 * timed span, or -1 with fail_reason set.
 */

static int64_t b_null_syscall(long n)
{
    uint64_t t0 = now_ns();

    /* getppid takes no lock and cannot be cached by the C library. */
    for ( long i = 0; i < n; i++ )
        syscall(SYS_getppid);
    return (int64_t)(now_ns() - t0);
}

static int64_t reap(pid_t pid, const char *what)
{
    int status;

    if ( waitpid(pid, &status, 0) != pid )
        return fail("waitpid");
    if ( !WIFEXITED(status) || WEXITSTATUS(status) != 0 )
    {
        snprintf(fail_reason, sizeof(fail_reason), "%s: child status 0x%x",
                 what, (unsigned int)status);
        return -1;
    }
    return 0;
}

static int64_t b_fork_exit(long n)
{
    uint64_t t0 = now_ns();

    for ( long i = 0; i < n; i++ )
    {
        pid_t pid = fork();

        if ( pid < 0 )
            return fail("fork");
        if ( pid == 0 )
            _exit(0);
        if ( reap(pid, "fork+exit") < 0 )
            return -1;
    }
    return (int64_t)(now_ns() - t0);
}

static int64_t b_fork_exec(long n)
{
    char *argv[] = { (char *)tiny_path, NULL };
    char *envp[] = { NULL };
    uint64_t t0 = now_ns();

    for ( long i = 0; i < n; i++ )
    {
        pid_t pid = fork();

        if ( pid < 0 )
            return fail("fork");
        if ( pid == 0 )
        {
            execve(tiny_path, argv, envp);
            _exit(127);
        }
        if ( reap(pid, "fork+exec (127: execve failed)") < 0 )
            return -1;
    }
    return (int64_t)(now_ns() - t0);
}

/* n is in pages; every page is written once, so each costs one fault. */
static int64_t b_page_fault(long n)
{
    uint64_t t0 = now_ns();

    for ( long done = 0; done < n; )
    {
        unsigned long pages = (unsigned long)(n - done);
        size_t len;
        volatile char *p;

        if ( pages > FAULT_CHUNK_PAGES )
            pages = FAULT_CHUNK_PAGES;
        len = pages * PAGE_SIZE;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if ( p == MAP_FAILED )
            return fail("mmap");
        /*
         * Debian's kernel has transparent huge pages "always": natively one
         * fault would fill 512 pages, which a PV guest cannot do. A kernel
         * built without them (the lean guest kernel) refuses the advice
         * with EINVAL: there is nothing to turn off.
         */
        if ( madvise((void *)p, len, MADV_NOHUGEPAGE) < 0 && errno != EINVAL )
            return fail("madvise");
        for ( unsigned long i = 0; i < pages; i++ )
            p[i * PAGE_SIZE] = 1;
        if ( munmap((void *)p, len) < 0 )
            return fail("munmap");
        done += (long)pages;
    }
    return (int64_t)(now_ns() - t0);
}

static int64_t b_pipe_roundtrip(long n)
{
    int to_child[2], to_parent[2];
    pid_t pid;
    char c = 'x';
    uint64_t t0, t;

    if ( pipe(to_child) < 0 || pipe(to_parent) < 0 )
        return fail("pipe");
    pid = fork();
    if ( pid < 0 )
        return fail("fork");
    if ( pid == 0 )
    {
        close(to_child[1]);
        close(to_parent[0]);
        /* Echo until the parent closes its end. */
        while ( read(to_child[0], &c, 1) == 1 )
            if ( write(to_parent[1], &c, 1) != 1 )
                _exit(1);
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);

    t0 = now_ns();
    for ( long i = 0; i < n; i++ )
    {
        if ( write(to_child[1], &c, 1) != 1 )
            return fail("pipe write");
        if ( read(to_parent[0], &c, 1) != 1 )
            return fail_plain("pipe read: the echoing child went away");
    }
    t = now_ns() - t0;

    close(to_child[1]);
    close(to_parent[0]);
    if ( reap(pid, "pipe echo child") < 0 )
        return -1;
    return (int64_t)t;
}

static int64_t b_mmap_munmap(long n)
{
    uint64_t t0 = now_ns();

    for ( long i = 0; i < n; i++ )
    {
        void *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if ( p == MAP_FAILED )
            return fail("mmap");
        if ( munmap(p, MAP_BYTES) < 0 )
            return fail("munmap");
    }
    return (int64_t)(now_ns() - t0);
}

static volatile uint64_t cpu_sink;

/*
 * No system call, no memory traffic: only the timer ticks the kernel takes
 * meanwhile separate the hypervisors, so its ratios should be ~1.0.
 */
static int64_t b_cpu_loop(long n)
{
    uint64_t x = 88172645463325252u;
    uint64_t t0 = now_ns();

    /* xorshift64: each step depends on the last, so it cannot be folded. */
    for ( long i = 0; i < n; i++ )
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    cpu_sink = x;
    return (int64_t)(now_ns() - t0);
}

struct bench {
    const char *name;
    int64_t (*fn)(long n);
    long ops;                   /* over all batches, before BENCH_SCALE */
};

/* Sized for a few seconds in all under QEMU TCG on the slowest hypervisor. */
static const struct bench benches[] = {
    { "null_syscall",   b_null_syscall,   20000 },
    { "fork_exit",      b_fork_exit,      200 },
    { "fork_exec",      b_fork_exec,      100 },
    { "page_fault",     b_page_fault,     10 * FAULT_CHUNK_PAGES },
    { "pipe_roundtrip", b_pipe_roundtrip, 5000 },
    { "mmap_munmap",    b_mmap_munmap,    5000 },
    { "cpu_loop",       b_cpu_loop,       50000000 },
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

static void run(const struct bench *b, double scale)
{
    long per_batch = (long)((double)b->ops * scale / BATCHES);
    double ns[BATCHES];

    if ( per_batch < 1 )
        per_batch = 1;
    /* Warm up: fault in code, C library paths and kernel caches first. */
    if ( b->fn(per_batch / 10 + 1) < 0 )
        goto failed;
    for ( int i = 0; i < BATCHES; i++ )
    {
        int64_t t = b->fn(per_batch);

        if ( t < 0 )
            goto failed;
        ns[i] = (double)t / (double)per_batch;
    }
    qsort(ns, BATCHES, sizeof(ns[0]), cmp_double);
    printf("BENCH %s %.1f ns\n", b->name, ns[BATCHES / 2]);
    /* The spread tells a reader how far one figure can be trusted. */
    printf("BENCH-INFO %s batches of %ld: %.1f..%.1f ns\n",
           b->name, per_batch, ns[0], ns[BATCHES - 1]);
    fflush(stdout);
    return;

 failed:
    printf("BENCH-FAIL %s: %s\n", b->name, fail_reason);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *s = getenv("BENCH_SCALE");
    double scale = s ? strtod(s, NULL) : 1.0;

    if ( argc > 1 )
        tiny_path = argv[1];
    if ( !(scale > 0) )
    {
        fprintf(stderr, "ubench: BENCH_SCALE=%s is not a positive number\n", s);
        return 2;
    }
    /* Announce each benchmark first: if one hangs, the log says which. */
    for ( size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++ )
    {
        printf("BENCH-START %s\n", benches[i].name);
        fflush(stdout);
        run(&benches[i], scale);
    }
    return 0;
}
