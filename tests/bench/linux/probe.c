/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest half of tests/bench/linux/breakdown: does each operation of
 * the benchmark SAMPLES times, each between probe_go() and probe_end(), for
 * the host's gdb and QEMU to trace; then hands over the kernel's symbols.
 *
 *   probe          (as PID 1's child, as ubench is)
 *
 * Between probe_go() and probe_end() QEMU logs every instruction, in the
 * guest, the hypervisor and other processes alike. Each operation is
 * warmed up first, so that the trace shows the steady state (no first-touch
 * faults in the C library, the kernel's caches filled). Prints "PROBE-DONE" at the end, or "PROBE-FAIL <why>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE 4096UL
#define SAMPLES 3
#define WARMUP 50
#define FAULT_PAGES 256UL
/* /proc/kallsyms of a Debian kernel is about 10 MiB; its text lines less. */
#define SYMS_BYTES (16UL << 20)


/*
 * gdb breaks on probe_begin() and probe_stop() and has QEMU trace all in
 * between; probe_go() and probe_end() only mark the samples in the trace
 * (breakdown_gdb.py finds them by address), so that no stop of the VM
 * falls inside a sample. Breakpoints match the address in every process
 * (busybox is static too), so a stop carries PROBE_MAGIC to say it is ours.
 * noinline and not empty, so each has its own address.
 */
#define PROBE_MAGIC 0x50524f4245UL
__attribute__((noinline)) void probe_begin(unsigned long magic);
__attribute__((noinline)) void probe_go(void);
__attribute__((noinline)) void probe_end(void);
__attribute__((noinline)) void probe_stop(unsigned long magic);
__attribute__((noinline)) void probe_symbols(const char *buf, size_t len,
                                             unsigned long magic);

void probe_begin(unsigned long magic)
{
    __asm__ volatile("" ::"r"(magic) : "memory");
}

void probe_go(void)
{
    __asm__ volatile("" ::: "memory");
}

void probe_end(void)
{
    __asm__ volatile("" ::: "memory");
}

void probe_stop(unsigned long magic)
{
    __asm__ volatile("" ::"r"(magic) : "memory");
}

void probe_symbols(const char *buf, size_t len, unsigned long magic)
{
    __asm__ volatile("" ::"r"(buf), "r"(len), "r"(magic) : "memory");
}

static void die(const char *why)
{
    printf("PROBE-FAIL %s\n", why);
    exit(1);
}

static void null_syscall(void)
{
    syscall(SYS_getppid);
}

static void fork_exit(void)
{
    int status;
    pid_t pid = fork();

    if ( pid < 0 )
        die("fork");
    if ( pid == 0 )
        _exit(0);
    if ( waitpid(pid, &status, 0) != pid || status != 0 )
        die("waitpid");
}

static int to_child[2], to_parent[2];

static void pipe_roundtrip(void)
{
    char c = 'x';

    if ( write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1 )
        die("pipe");
}

static void start_echo(void)
{
    char c;

    if ( pipe(to_child) < 0 || pipe(to_parent) < 0 )
        die("pipe");
    switch ( fork() )
    {
    case -1:
        die("fork");
        break;
    case 0:
        while ( read(to_child[0], &c, 1) == 1 )
            if ( write(to_parent[1], &c, 1) != 1 )
                _exit(1);
        _exit(0);
    }
}

static volatile char *fault_area;
static unsigned long fault_next;

static void page_fault(void)
{
    fault_area[fault_next++ * PAGE_SIZE] = 1;
}

static void map_fault_area(void)
{
    size_t len = FAULT_PAGES * PAGE_SIZE;

    fault_area = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    /* EINVAL: a kernel without transparent huge pages (the lean one). */
    if ( fault_area == MAP_FAILED ||
         (madvise((void *)fault_area, len, MADV_NOHUGEPAGE) < 0 &&
          errno != EINVAL) )
        die("mmap");
}

/*
 * The other half of run's page_fault figure: each page's share of the
 * munmap that follows the faults (an emulated PTE clear per page, the
 * flush, the pages freed). munmap_prepare maps and faults the area in
 * before each sample, outside the window; per page is the sample / 64.
 * The area lies inside a reserved, inaccessible 2 MiB-aligned stretch, so
 * that its L1 page table always outlives the munmap (where mmap would put
 * it, as ASLR decides, the L1 would be freed with it on some boots only).
 */
#define MUNMAP_PAGES 64UL
#define MUNMAP_RESERVE (4UL << 20)
static char *munmap_area;

static void munmap_prepare(void)
{
    size_t len = MUNMAP_PAGES * PAGE_SIZE;
    void *p;

    if ( !munmap_area )
    {
        p = mmap(NULL, MUNMAP_RESERVE, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if ( p == MAP_FAILED )
            die("mmap");
        /* 2 MiB-aligned, then one page in: reserved space on both sides. */
        munmap_area = (char *)((((unsigned long)p + (2UL << 20) - 1) &
                                ~((2UL << 20) - 1)) + PAGE_SIZE);
    }
    p = mmap(munmap_area, len, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if ( p != munmap_area || madvise(p, len, MADV_NOHUGEPAGE) < 0 )
        die("mmap");
    for ( unsigned long i = 0; i < MUNMAP_PAGES; i++ )
        ((volatile char *)munmap_area)[i * PAGE_SIZE] = 1;
}

static void munmap_pages(void)
{
    if ( munmap(munmap_area, MUNMAP_PAGES * PAGE_SIZE) < 0 )
        die("munmap");
}

/* In enum op's order: breakdown_gdb.py numbers the samples so. */
static void (*const ops[])(void) = {null_syscall, page_fault, fork_exit,
                                    pipe_roundtrip, munmap_pages};
/* What an operation needs done before each sample, outside the window. */
static void (*const prepare[])(void) = {NULL, NULL, NULL, NULL,
                                        munmap_prepare};

/* Only the text symbols, which are what the steps land in. */
static void hand_over_symbols(void)
{
    static char syms[SYMS_BYTES];
    FILE *f = fopen("/proc/kallsyms", "r");
    char line[512];
    size_t len = 0;

    if ( !f )
        die("/proc/kallsyms");
    while ( fgets(line, sizeof(line), f) )
    {
        size_t n = strlen(line);
        char *type = strchr(line, ' ');

        if ( !type || (type[1] != 't' && type[1] != 'T') )
            continue;
        if ( len + n >= sizeof(syms) )
            break;
        memcpy(syms + len, line, n);
        len += n;
    }
    fclose(f);
    probe_symbols(syms, len, PROBE_MAGIC);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    start_echo();
    map_fault_area();
    /* The first faults also allocate page tables: warm-ups, like the rest. */
    for ( unsigned int op = 0; op < sizeof(ops) / sizeof(ops[0]); op++ )
        for ( int i = 0; i < WARMUP; i++ )
        {
            if ( prepare[op] )
                prepare[op]();
            ops[op]();
        }
    probe_begin(PROBE_MAGIC);
    for ( unsigned int op = 0; op < sizeof(ops) / sizeof(ops[0]); op++ )
        for ( int s = 0; s < SAMPLES; s++ )
        {
            if ( prepare[op] )
                prepare[op]();
            probe_go();
            ops[op]();
            probe_end();
        }
    probe_stop(PROBE_MAGIC);
    close(to_child[1]);
    hand_over_symbols();
    printf("PROBE-DONE\n");
    return 0;
}
