/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 32-bit static program for Dom0 (built with gcc -m32 -static): runs on
 * the kernel's IA32 emulation, so its system calls enter the guest kernel
 * through the hypervisor's 32-bit paths. glibc and the explicit calls
 * below go through the vDSO's __kernel_vsyscall, which uses SYSENTER on
 * Intel CPUs and SYSCALL on AMD ones when the kernel could register the
 * matching callback (Linux falls back to int $0x80 when it could not), and
 * through int $0x80 directly. A signal handler's return (sigreturn by int
 * $0x80 in the vDSO) takes HYPERVISOR_iret back to 32-bit mode.
 * Prints what it found and exits 0 if everything was as on Xen.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("compat32: %s %s\n", ok ? "ok  " : "FAIL", what);
    if ( !ok )
        failures++;
}

/* A system call by int $0x80, as a 32-bit program without the vDSO. */
static long int80(long nr, long a, long b, long c)
{
    long ret;

    asm volatile("int $0x80"
                 : "=a"(ret)
                 : "0"(nr), "b"(a), "c"(b), "d"(c)
                 : "memory");
    return ret;
}

/* A system call through the vDSO's entry point (AT_SYSINFO). */
static long vsyscall(unsigned long entry, long nr, long a, long b, long c)
{
    long ret;

    asm volatile("call *%[entry]"
                 : "=a"(ret)
                 : [entry] "r"(entry), "0"(nr), "b"(a), "c"(b), "d"(c)
                 : "memory");
    return ret;
}

/* Which instruction the kernel patched into __kernel_vsyscall. */
static const char *vdso_entry_kind(unsigned long entry)
{
    const unsigned char *p = (const unsigned char *)entry;
    unsigned int i;

    for ( i = 0; i + 1 < 16; i++ )
    {
        if ( p[i] == 0x0f && p[i + 1] == 0x34 )
            return "sysenter";
        if ( p[i] == 0x0f && p[i + 1] == 0x05 )
            return "syscall";
        if ( p[i] == 0xcd && p[i + 1] == 0x80 )
            return "int80";
    }
    return "unknown";
}

static const char *cpu_vendor(char buf[13])
{
    unsigned int a, b, c, d;

    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0));
    memcpy(buf, &b, 4);
    memcpy(buf + 4, &d, 4);
    memcpy(buf + 8, &c, 4);
    buf[12] = 0;
    return buf;
}

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

int main(void)
{
    static const char msg[] = "compat32: hello by int $0x80\n";
    static const char msg2[] = "compat32: hello through the vDSO\n";
    unsigned long entry = getauxval(AT_SYSINFO);
    char vendor[13];
    const char *kind, *want;

    setvbuf(stdout, NULL, _IONBF, 0); /* in order with the raw writes */
    check(sizeof(long) == 4, "running as a 32-bit program");
    check(int80(__NR_write, 1, (long)msg, sizeof(msg) - 1) ==
              (long)sizeof(msg) - 1,
          "write by int $0x80");
    check(int80(__NR_getpid, 0, 0, 0) == getpid(), "getpid by int $0x80");
    check(entry != 0, "the vDSO's AT_SYSINFO entry is there");
    if ( !entry )
        return 1;

    /* Linux picks SYSENTER on Intel, SYSCALL on AMD, if Xen took it. */
    cpu_vendor(vendor);
    kind = vdso_entry_kind(entry);
    want = !strcmp(vendor, "GenuineIntel") ? "sysenter"
           : !strcmp(vendor, "AuthenticAMD") ? "syscall"
                                             : kind;
    printf("compat32: CPU %s, the vDSO enters the kernel by %s\n", vendor,
           kind);
    check(!strcmp(kind, want), "the vDSO uses the fast entry for this CPU");

    check(vsyscall(entry, __NR_write, 1, (long)msg2, sizeof(msg2) - 1) ==
              (long)sizeof(msg2) - 1,
          "write through the vDSO");
    check(vsyscall(entry, __NR_getppid, 0, 0, 0) == getppid(),
          "getppid through the vDSO");

    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    check(got_signal == SIGUSR1, "a signal handler ran and returned");

    printf("compat32: %s\n", failures ? "FAILED" : "all ok");
    return failures != 0;
}
