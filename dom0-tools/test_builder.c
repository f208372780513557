/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host tests of the DomU builder's work that needs no hypervisor: loading
 * kernels (ELF, bzImage through liblzma) and the errors for bad ones, the
 * DomU layout of Debian's kernel, and the cost of writing a 128 MiB
 * image; plus libhcall's message when there is no privcmd.
 */
#include <errno.h>
#include <glob.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"
#include "../libhcall/src/internal.h"
#include <fcntl.h>
#include <sys/mman.h>

#include <xenia/bzimage.h>
#include <xenia/pv_image.h>

static unsigned int passed, failed, skipped;

#define CHECK(c, ...)                                                          \
    do                                                                         \
    {                                                                          \
        if ( c )                                                               \
            passed++;                                                          \
        else                                                                   \
        {                                                                      \
            failed++;                                                          \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                        \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while ( 0 )

static char tmpdir[] = "/tmp/test_builder.XXXXXX";

static const char *write_tmp(const char *name, const void *data, size_t len)
{
    static char path[4][256];
    static unsigned int next;
    char *p = path[next++ % 4];
    FILE *f;

    snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
    f = fopen(p, "wb");
    if ( !f || fwrite(data, 1, len, f) != len )
        abort();
    fclose(f);
    return p;
}

/* A bzImage around xz-compressed payload bytes, as Linux lays one out. */
static uint8_t *make_bzimage(const uint8_t *xz, size_t xzlen, uint32_t size,
                             size_t *len)
{
    size_t setup = 5 * 512, off = 0x100;
    uint8_t *b = calloc(1, setup + off + xzlen + 4 + 64);
    uint32_t plen = (uint32_t)(xzlen + 4), poff = (uint32_t)off;
    uint16_t ver = 0x20f;

    b[0x1f1] = 4;
    memcpy(b + 0x202, "HdrS", 4);
    memcpy(b + 0x206, &ver, 2);
    memcpy(b + 0x248, &poff, 4);
    memcpy(b + 0x24c, &plen, 4);
    memcpy(b + setup + off, xz, xzlen);
    memcpy(b + setup + off + xzlen, &size, 4);
    *len = setup + off + xzlen + 4 + 64;
    return b;
}

static void test_load(void)
{
    static uint8_t elf[200000], xz[220000];
    char msg[256];
    uint8_t *img, *bz;
    size_t len, xzlen = 0, bzlen, i;
    const char *path;

    CHECK(domu_load_kernel("/nonexistent/kernel", &img, &len, msg,
                           sizeof(msg)) == -1 &&
              errno == ENOENT &&
              strstr(msg, "/nonexistent/kernel: No such file"),
          "missing file: %s", msg);
    CHECK(domu_load_kernel(tmpdir, &img, &len, msg, sizeof(msg)) == -1 &&
              strstr(msg, "not a regular file"),
          "directory: %s", msg);
    /* Plain files come back as they are. */
    for ( i = 0; i < sizeof(elf); i++ )
        elf[i] = (uint8_t)(i % 251 ^ i / 997);
    memcpy(elf, "\177ELF", 4);
    path = write_tmp("vmlinux", elf, sizeof(elf));
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == 0 &&
              len == sizeof(elf) && !memcmp(img, elf, len),
          "plain ELF: %s", msg);
    domu_free_kernel(img, len);

    if ( lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, elf, sizeof(elf),
                                 xz, &xzlen, sizeof(xz)) != LZMA_OK )
        abort();
    bz = make_bzimage(xz, xzlen, sizeof(elf), &bzlen);
    path = write_tmp("bz", bz, bzlen);
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == 0 &&
              len == sizeof(elf) && !memcmp(img, elf, len),
          "bzImage unpacked by liblzma: %s", msg);
    domu_free_kernel(img, len);
    /* Truncated: the payload runs past the end of the file. */
    path = write_tmp("bz-trunc", bz, bzlen / 2);
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == -1 &&
              strstr(msg, "bzImage payload lies outside the image"),
          "truncated bzImage: %s", msg);
    /* A size trailer that lies, either way. */
    free(bz);
    bz = make_bzimage(xz, xzlen, sizeof(elf) - 100, &bzlen);
    path = write_tmp("bz-big", bz, bzlen);
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == -1 &&
              strstr(msg, "larger than the size appended"),
          "payload larger than stated: %s", msg);
    free(bz);
    bz = make_bzimage(xz, xzlen, sizeof(elf) + 100, &bzlen);
    path = write_tmp("bz-small", bz, bzlen);
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == -1 &&
              strstr(msg, "smaller than the size appended"),
          "payload smaller than stated: %s", msg);
    free(bz);
    /* Corrupt compressed data. */
    xz[xzlen / 2] ^= 0x55;
    bz = make_bzimage(xz, xzlen, sizeof(elf), &bzlen);
    path = write_tmp("bz-bad", bz, bzlen);
    CHECK(domu_load_kernel(path, &img, &len, msg, sizeof(msg)) == -1 &&
              (strstr(msg, "corrupt") || strstr(msg, "truncated")),
          "corrupt payload: %s", msg);
    free(bz);
}

static const char *debian_kernel(void)
{
    static char path[512];
    const char *env = getenv("XENIA_TEST_BZIMAGE");
    glob_t g;

    if ( env )
        return env;
    if ( !access("../build/linux-cache/vmlinuz", R_OK) )
        return "../build/linux-cache/vmlinuz";
    if ( glob("/boot/vmlinuz-*-amd64", 0, NULL, &g) == 0 )
    {
        snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
        globfree(&g);
        return path;
    }
    return NULL;
}

/*
 * Debian's kernel as a 512 MiB DomU with a 7612-page initrd, against the
 * layout toolstack-abi.md §2.4 reads from Xen's tools: 41 page-table
 * frames, INIT_P2M with 256 + 3 frames, the initrd after the region.
 */
static void test_debian_layout(void)
{
    const char *path = debian_kernel();
    struct pv_build_params p = {.nr_pages = 512 << 8,
                                .initrd_len = 7612 * 4096UL,
                                .domu = true,
                                .cmdline = ""};
    struct pv_kernel k;
    struct pv_layout l;
    char msg[256];
    const char *why;
    uint8_t *img;
    size_t len;

    if ( !path )
    {
        printf("skip: no Debian kernel to lay out\n");
        skipped++;
        return;
    }
    if ( domu_load_kernel(path, &img, &len, msg, sizeof(msg)) )
    {
        CHECK(0, "loading %s: %s", path, msg);
        return;
    }
    CHECK(pv_kernel_parse(img, len, 1u << 0 | 1u << 2 | 1u << 4, &k, &why) == 0,
          "%s: %s", path, why);
    CHECK(k.init_p2m == 0x8000000000UL && k.mod_start_pfn,
          "notes INIT_P2M and MOD_START_PFN");
    CHECK(pv_layout_compute(&k, &p, &l, &why) == 0, "layout: %s", why);
    CHECK(l.start_info == l.kernel_end, "start_info right after the kernel");
    CHECK(l.nr_pt_frames ==
              3 + ((l.v_end - 1 - 0xffffffff80000000UL) >> 21) + 1,
          "%lu page-table frames for a region ending at %#lx", l.nr_pt_frames,
          (unsigned long)l.v_end);
    CHECK(l.initrd_by_pfn && l.initrd_pfn == (l.v_end - l.v_start) >> 12,
          "initrd by pfn at %#lx", l.initrd_pfn);
    CHECK(l.p2m_outside && l.p2m_pfn == l.initrd_pfn + 7612 &&
              l.nr_p2m_pages + 1 + l.nr_p2m_l2 + l.nr_p2m_l1 == 259,
          "p2m at pfn %#lx, %lu frames", l.p2m_pfn,
          l.nr_p2m_pages + 1 + l.nr_p2m_l2 + l.nr_p2m_l1);
    printf("info: %s as a 512 MiB DomU: kernel to %#lx, %lu pt frames, region "
           "to %#lx, "
           "initrd pfn %#lx, p2m pfn %#lx\n",
           path, (unsigned long)l.kernel_end, l.nr_pt_frames,
           (unsigned long)l.v_end, l.initrd_pfn, l.p2m_pfn);
    domu_free_kernel(img, len);
}

/* The Dom0-side cost of writing a 128 MiB DomU's image (no hypervisor). */
static void test_build_cost(void)
{
    const char *path = debian_kernel();
    struct pv_build_params p = {
        .nr_pages = 128 << 8, .domu = true, .cmdline = ""};
    /* The builder's own memory seam, over host memory and made-up mfns. */
    struct pv_build_mem m = {.nr_mapped = 128 << 8};
    xen_pfn_t *p2m = NULL;
    unsigned long i;
    struct timespec a, b;
    struct pv_kernel k;
    struct pv_layout l;
    char msg[256];
    const char *why;
    uint8_t *img;
    size_t len;

    if ( !path || domu_load_kernel(path, &img, &len, msg, sizeof(msg)) )
        return;
    m.base = calloc(m.nr_mapped, 4096);
    p2m = calloc(m.nr_mapped, sizeof(*p2m));
    if ( !m.base || !p2m )
        abort();
    for ( i = 0; i < m.nr_mapped; i++ )
        p2m[i] = i + 0x100000;
    m.p2m = p2m;
    if ( pv_kernel_parse(img, len, 1u << 0 | 1u << 2 | 1u << 4, &k, &why) ||
         pv_layout_compute(&k, &p, &l, &why) )
        abort();
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(pv_build(&k, &p, &l, &m, NULL, &why) == 0, "build: %s", why);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("info: writing a 128 MiB DomU image of %s: %.1f ms (ASan build)\n",
           path, (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    free(m.base);
    free(p2m);
    domu_free_kernel(img, len);
}

static void test_no_privcmd(void)
{
    hcall_t *h;

    if ( !access("/dev/xen/privcmd", F_OK) )
        return; /* running in Dom0: nothing to check here */
    h = hcall_open();
    CHECK(!h && errno == ENOENT &&
              strstr(hcall_open_error(), "/dev/xen/privcmd"),
          "open without privcmd: %s", hcall_open_error());
}

/*
 * libhcall's wrappers against a device that answers every ioctl with
 * ENOTTY (/dev/null): each fails with errno and a message naming what it
 * tried; bad domids are refused before any hypercall.
 */
static void test_wrappers(void)
{
    struct hcall *h = calloc(1, sizeof(*h));
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl_physinfo pi;
    vcpu_guest_context_t ctx;
    xen_pfn_t frames[4] = {0, 1, 2, 3};
    evtchn_port_t port;
    uint32_t domid = DOMID_INVALID + 1;
    struct xen_domctl_createdomain cfg = {0};

    h->fd = open("/dev/null", O_RDWR);
    h->buf_fd = -1;
    h->scratch = hcall_buf_alloc(h, 4096);
    CHECK(h->fd >= 0 && h->scratch, "set-up: %s", h->msg);
    if ( !h->scratch )
        return;
    CHECK(hcall_domain_pause(h, 5) == -1 && errno == ENOTTY &&
              strstr(hcall_error(h), "domctl pausedomain on domain 5"),
          "pause: %s", hcall_error(h));
    CHECK(hcall_domain_destroy(h, DOMID_SELF) == -1 && errno == EINVAL &&
              strstr(hcall_error(h), "is not a domain id"),
          "destroy DOMID_SELF: %s", hcall_error(h));
    CHECK(hcall_domain_create(h, &domid, &cfg) == -1 && errno == EINVAL,
          "create with a bad id: %s", hcall_error(h));
    CHECK(hcall_domain_getinfo(h, 1, &info) == -1 && errno == ENOTTY,
          "getinfo: %s", hcall_error(h));
    CHECK(hcall_physinfo(h, &pi) == -1 &&
              strstr(hcall_error(h), "sysctl physinfo"),
          "physinfo: %s", hcall_error(h));
    memset(&ctx, 0, sizeof(ctx));
    CHECK(hcall_vcpu_setcontext(h, 3, 0, &ctx) == -1 &&
              strstr(hcall_error(h), "setvcpucontext on domain 3"),
          "setvcpucontext: %s", hcall_error(h));
    CHECK(hcall_populate_physmap(h, 3, 4, 0, frames) == -1 &&
              strstr(hcall_error(h),
                     "populate_physmap of 4 pages for domain 3") &&
              frames[3] == 3,
          "populate: %s", hcall_error(h));
    CHECK(hcall_evtchn_alloc_unbound(h, 3, 0, &port) == -1 &&
              strstr(hcall_error(h), "alloc_unbound in domain 3"),
          "alloc_unbound: %s", hcall_error(h));
    CHECK(hcall_domain_list(h, 0, 8, &info) == -1, "list: %s", hcall_error(h));
    CHECK(!hcall_map_foreign(h, 3, PROT_READ, frames, NULL, 0) &&
              errno == EINVAL,
          "map 0 frames: %s", hcall_error(h));
    CHECK(!hcall_map_resource(h, 3, 1, 0, 0, 1, PROT_READ) &&
              strstr(hcall_error(h), "resource of domain 3"),
          "map_resource: %s", hcall_error(h));
    hcall_close(h);
}

int main(void)
{
    char cmd[64];

    if ( !mkdtemp(tmpdir) )
        abort();
    test_load();
    test_debian_layout();
    test_build_cost();
    test_no_privcmd();
    test_wrappers();
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if ( system(cmd) )
        printf("warning: could not remove %s\n", tmpdir);
    printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
    return failed != 0;
}
