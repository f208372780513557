/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dom0's /dev/xen from user space, as the toolstack will use it: a
 * hypercall through privcmd, an event channel between two processes, and
 * a page granted with gntalloc and mapped back with gntdev. Prints
 * "CHECK-PASS name" or "CHECK-FAIL name: why" per check.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/version.h>
#include <xen/sys/evtchn.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>
#include <xen/sys/privcmd.h>

static int failures;

static void check(int ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    if ( ok )
    {
        printf("CHECK-PASS %s\n", name);
        return;
    }
    failures++;
    printf("CHECK-FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf(" (errno %d: %s)\n", errno, strerror(errno));
}

static long read_sysfs_long(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;

    if ( f )
    {
        if ( fscanf(f, "%ld", &v) != 1 )
            v = -1;
        fclose(f);
    }
    return v;
}

static void read_sysfs_str(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");

    buf[0] = '\0';
    if ( f )
    {
        if ( !fgets(buf, (int)len, f) )
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = '\0';
}

static long hypercall(int fd, unsigned long op, unsigned long a0,
                      unsigned long a1)
{
    privcmd_hypercall_t h = {.op = op, .arg = {a0, a1, 0, 0, 0}};

    return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
}

/* The version privcmd reports is the one Linux found at boot (sysfs). */
static void test_privcmd(void)
{
    int fd = open("/dev/xen/privcmd", O_RDWR);
    long v, major, minor;
    char extra[XEN_EXTRAVERSION_LEN + 1] = "", sys_extra[64];

    check(fd >= 0, "privcmd-open", "open /dev/xen/privcmd");
    if ( fd < 0 )
        return;
    v = hypercall(fd, __HYPERVISOR_xen_version, XENVER_version, 0);
    major = read_sysfs_long("/sys/hypervisor/version/major");
    minor = read_sysfs_long("/sys/hypervisor/version/minor");
    check(v > 0 && (v >> 16) == major && (v & 0xffff) == minor,
          "privcmd-version", "xen_version = %#lx, sysfs says %ld.%ld", v,
          major, minor);
    /* A pointer from user space: the hypervisor writes into our buffer. */
    v = hypercall(fd, __HYPERVISOR_xen_version, XENVER_extraversion,
                  (unsigned long)extra);
    read_sysfs_str("/sys/hypervisor/version/extra", sys_extra,
                   sizeof(sys_extra));
    check(v == 0 && !strcmp(extra, sys_extra), "privcmd-extraversion",
          "rc %ld, '%s' vs sysfs '%s'", v, extra, sys_extra);
    errno = 0;
    v = hypercall(fd, 63, 0, 0); /* no such hypercall */
    check(v == -1 && errno == ENOSYS, "privcmd-enosys",
          "unknown hypercall returned %ld", v);
    close(fd);
}

static int wait_event_ms(int fd, unsigned int want, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    unsigned int port = 0;

    if ( poll(&p, 1, ms) != 1 || read(fd, &port, sizeof(port)) != 4 ||
         port != want )
        return 0;
    /* Reading leaves the port masked; writing it back unmasks. */
    return write(fd, &port, sizeof(port)) == 4;
}

static int wait_event(int fd, unsigned int want)
{
    return wait_event_ms(fd, want, 5000);
}

static int notify(int fd, unsigned int port)
{
    struct ioctl_evtchn_notify n = {.port = port};

    return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n) == 0;
}

/*
 * Two processes, one channel: A allocates an unbound port for Dom0, B
 * binds to it, and each notifies the other once. Pipes carry the port
 * numbers and the verdicts.
 */
static void test_evtchn(void)
{
    int to_b[2], to_a[2], fd = open("/dev/xen/evtchn", O_RDWR);
    struct ioctl_evtchn_bind_unbound_port u = {.remote_domain = 0};
    int port_a, ok_b = 0;
    pid_t pid;

    check(fd >= 0, "evtchn-open", "open /dev/xen/evtchn");
    if ( fd < 0 || pipe(to_b) || pipe(to_a) )
        return;
    port_a = ioctl(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &u);
    check(port_a > 0, "evtchn-bind-unbound", "port %d", port_a);
    if ( port_a <= 0 )
        return;
    pid = fork();
    if ( pid == 0 )
    {
        int fd_b = open("/dev/xen/evtchn", O_RDWR), port_b, ok = 0, got;
        struct ioctl_evtchn_bind_interdomain b = {.remote_domain = 0,
                                                  .remote_port = port_a};

        port_b = fd_b >= 0 ? ioctl(fd_b, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b)
                           : -1;
        /*
         * Xen raises a freshly bound interdomain port once, in case an
         * event was lost while it was unbound: take that one first.
         */
        if ( port_b > 0 )
            wait_event_ms(fd_b, port_b, 500);
        if ( port_b > 0 && notify(fd_b, port_b) &&
             read(to_b[0], &got, sizeof(got)) == sizeof(got) )
            ok = wait_event(fd_b, port_b);
        if ( write(to_a[1], &ok, sizeof(ok)) != sizeof(ok) )
            _exit(2);
        _exit(0);
    }
    check(wait_event(fd, port_a), "evtchn-b-to-a",
          "no event on A's port %d from the other process", port_a);
    if ( notify(fd, port_a) )
    {
        int go = 1;

        if ( write(to_b[1], &go, sizeof(go)) != sizeof(go) ||
             read(to_a[0], &ok_b, sizeof(ok_b)) != sizeof(ok_b) )
            ok_b = 0;
    }
    check(ok_b, "evtchn-a-to-b", "the other process saw no event");
    waitpid(pid, NULL, 0);
    close(fd);
}

/* GNTTABOP_copy through gntdev: the hypervisor copies out of the grant. */
static int grant_copy_out(int gd, uint32_t ref, char *buf, uint16_t len)
{
    struct ioctl_gntdev_grant_copy_segment seg;
    struct ioctl_gntdev_grant_copy c = {.count = 1, .segments = &seg};

    memset(&seg, 0, sizeof(seg));
    seg.source.foreign.ref = ref;
    seg.source.foreign.domid = 0;
    seg.dest.virt = buf;
    seg.len = len;
    seg.flags = GNTCOPY_source_gref;
    return ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &c) == 0 && seg.status == 0;
}

/* A page Dom0 grants to itself, mapped back through gntdev. */
static void test_grants(void)
{
    struct ioctl_gntalloc_alloc_gref a = {.domid = 0,
                                          .flags = GNTALLOC_FLAG_WRITABLE,
                                          .count = 1};
    struct ioctl_gntdev_map_grant_ref m = {.count = 1};
    struct ioctl_gntdev_unmap_grant_ref um = {.count = 1};
    int ga = open("/dev/xen/gntalloc", O_RDWR);
    int gd = open("/dev/xen/gntdev", O_RDWR);
    struct ioctl_gntalloc_dealloc_gref da = {.count = 1};
    char *mine, *theirs, copied[32] = "";

    check(ga >= 0 && gd >= 0, "gnt-open", "open gntalloc %d, gntdev %d", ga,
          gd);
    if ( ga < 0 || gd < 0 )
        return;
    check(ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &a) == 0, "gntalloc-alloc",
          "IOCTL_GNTALLOC_ALLOC_GREF");
    mine = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ga, a.index);
    check(mine != MAP_FAILED, "gntalloc-mmap", "mmap the granted page");
    if ( mine == MAP_FAILED )
        return;
    strcpy(mine, "granted by gntalloc");
    m.refs[0].domid = 0;
    m.refs[0].ref = a.gref_ids[0];
    check(ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) == 0, "gntdev-map-ref",
          "IOCTL_GNTDEV_MAP_GRANT_REF of gref %u", a.gref_ids[0]);
    theirs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, gd, m.index);
    check(theirs != MAP_FAILED, "gntdev-mmap", "mmap gref %u",
          a.gref_ids[0]);
    if ( theirs != MAP_FAILED )
    {
        check(!strcmp(theirs, "granted by gntalloc"), "gnt-read",
              "the mapping shows '%.20s'", theirs);
        strcpy(theirs, "written through gntdev");
        check(!strcmp(mine, "written through gntdev"), "gnt-write",
              "the granter sees '%.24s'", mine);
        munmap(theirs, 4096);
    }
    um.index = m.index;
    check(ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um) == 0, "gntdev-unmap",
          "IOCTL_GNTDEV_UNMAP_GRANT_REF");
    check(grant_copy_out(gd, a.gref_ids[0], copied, sizeof(copied)) &&
              !strcmp(copied, "written through gntdev"),
          "gnt-copy", "GNTTABOP_copy gave '%.24s'", copied);

    /* A reference nobody granted: the mapping fails, nothing breaks. */
    m.refs[0].ref = 0x7ffff;
    if ( ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) == 0 )
    {
        theirs = mmap(NULL, 4096, PROT_READ, MAP_SHARED, gd, m.index);
        check(theirs == MAP_FAILED, "gntdev-bad-ref",
              "mapping an ungranted reference succeeded");
        if ( theirs != MAP_FAILED )
            munmap(theirs, 4096);
    }
    else
        check(1, "gntdev-bad-ref", "");
    munmap(mine, 4096);
    da.index = a.index;
    check(ioctl(ga, IOCTL_GNTALLOC_DEALLOC_GREF, &da) == 0, "gntalloc-dealloc",
          "IOCTL_GNTALLOC_DEALLOC_GREF");
    close(gd);
    close(ga);
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";

    setvbuf(stdout, NULL, _IONBF, 0);
    if ( !*only || !strcmp(only, "privcmd") )
        test_privcmd();
    if ( !*only || !strcmp(only, "evtchn") )
        test_evtchn();
    if ( !*only || !strcmp(only, "grants") )
        test_grants();
    return failures ? 1 : 0;
}
