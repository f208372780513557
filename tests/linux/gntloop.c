/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0 grants a page to itself (gntalloc), maps and copies it (gntdev). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
/* Xen's grant_table.h first: gntdev.h uses its types without including it. */
#include <xen/grant_table.h>
#include <xen/gntalloc.h>
#include <xen/gntdev.h>

#define PAGE 4096

/*
 * Linux's own loopback of grant tables: gntalloc makes a grant of a
 * fresh page to domain 0, gntdev maps that grant (a contains_pte map of
 * the user PTE, with the avail bit Linux marks it special by) and copies
 * from it (GNTTABOP_copy). Prints one CHECK line per step for /init.
 */
static int fail(const char *what)
{
    printf("CHECK-FAIL grant-%s\n", what);
    perror(what);
    return 1;
}

static int copy_check(int dev, uint32_t ref, const char *want)
{
    char buf[16] = "";
    struct ioctl_gntdev_grant_copy copy;
    struct gntdev_grant_copy_segment seg;

    memset(&seg, 0, sizeof(seg));
    seg.source.foreign.ref = ref;
    seg.source.foreign.domid = 0;
    seg.source.foreign.offset = 0;
    seg.dest.virt = buf;
    seg.len = sizeof(buf);
    seg.flags = GNTCOPY_source_gref;
    copy.count = 1;
    copy.segments = &seg;
    if ( ioctl(dev, IOCTL_GNTDEV_GRANT_COPY, &copy) || seg.status )
        return 1;
    return memcmp(buf, want, strlen(want) + 1) != 0;
}

int main(void)
{
    struct ioctl_gntalloc_alloc_gref a = {
        .domid = 0, .flags = GNTALLOC_FLAG_WRITABLE, .count = 1};
    struct ioctl_gntdev_map_grant_ref m = {.count = 1};
    struct ioctl_gntdev_unmap_grant_ref u = {.count = 1};
    struct ioctl_gntalloc_dealloc_gref d = {.count = 1};
    int alloc = open("/dev/xen/gntalloc", O_RDWR);
    int dev = open("/dev/xen/gntdev", O_RDWR);
    char *mine, *theirs;

    if ( alloc < 0 || dev < 0 )
        return fail("open");
    if ( ioctl(alloc, IOCTL_GNTALLOC_ALLOC_GREF, &a) )
        return fail("alloc");
    mine = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, alloc, a.index);
    if ( mine == MAP_FAILED )
        return fail("alloc-mmap");
    strcpy(mine, "granted by d0");

    m.refs[0].domid = 0;
    m.refs[0].ref = a.gref_ids[0];
    if ( ioctl(dev, IOCTL_GNTDEV_MAP_GRANT_REF, &m) )
        return fail("map");
    theirs = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, dev, m.index);
    if ( theirs == MAP_FAILED )
        return fail("map-mmap");
    if ( strcmp(theirs, "granted by d0") )
        return fail("map-read");
    strcpy(theirs, "written back");
    if ( strcmp(mine, "written back") )
        return fail("map-write");
    printf("CHECK-PASS grant-map\n");
    if ( copy_check(dev, a.gref_ids[0], "written back") )
        return fail("copy");
    printf("CHECK-PASS grant-copy\n");

    if ( munmap(theirs, PAGE) )
        return fail("unmap");
    u.index = m.index;
    if ( ioctl(dev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) )
        return fail("unmap");
    munmap(mine, PAGE);
    d.index = a.index;
    if ( ioctl(alloc, IOCTL_GNTALLOC_DEALLOC_GREF, &d) )
        return fail("dealloc");
    printf("CHECK-PASS grant-unmap\n");
    return 0;
}
