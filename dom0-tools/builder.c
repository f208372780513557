/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a PV DomU from Dom0, in the order Xen's libxenguest does it:
 * create, size, allocate, write the image through foreign mappings, pin
 * the L4 for the guest, reset shared_info, seed the reserved grants, set
 * vCPU 0 and unpause. Any failure after the create destroys the domain.
 */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"

#include <xenia/bzimage.h>
#include <xenia/pv_image.h>
#include <xen/features.h>
#include <xen/version.h>

/* What a DomU may ask for: never XENFEAT_dom0. */
#define DOMU_FEATURES                                                          \
    ((1u << XENFEAT_writable_page_tables) |                                    \
     (1u << XENFEAT_writable_descriptor_tables) |                              \
     (1u << XENFEAT_pae_pgdir_above_4gb))

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *msg, size_t len, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    errno = err;
    return -1;
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Files are mapped, not read: a kernel is tens of MB and is only read once. */
static int map_file(const char *path, uint8_t **data, size_t *len, char *msg,
                    size_t msg_len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    void *p;

    if ( fd < 0 )
        return fail(msg, msg_len, errno, "%s: %s", path, strerror(errno));
    if ( fstat(fd, &st) || !S_ISREG(st.st_mode) )
    {
        close(fd);
        return fail(msg, msg_len, EINVAL, "%s: not a regular file", path);
    }
    if ( !st.st_size )
    {
        close(fd);
        return fail(msg, msg_len, EINVAL, "%s: empty file", path);
    }
    *len = (size_t)st.st_size;
    p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if ( p == MAP_FAILED )
        return fail(msg, msg_len, errno, "%s: cannot map it: %s", path,
                    strerror(errno));
    *data = p;
    return 0;
}

void domu_free_kernel(uint8_t *image, size_t len)
{
    if ( image )
        munmap(image, len);
}

/* liblzma, as Xen's own builder uses, rather than the hypervisor's decoder. */
static int unxz(const struct bzimage *bz, uint8_t *out, const char *path,
                char *msg, size_t msg_len)
{
    lzma_stream s = LZMA_STREAM_INIT;
    lzma_ret r = lzma_stream_decoder(&s, UINT64_MAX, 0);
    size_t avail_out;
    uint64_t total;

    if ( r != LZMA_OK )
        return fail(msg, msg_len, ENOMEM, "%s: liblzma cannot start (error %d)",
                    path, (int)r);
    s.next_in = bz->payload;
    s.avail_in = bz->payload_len;
    s.next_out = out;
    s.avail_out = bz->uncompressed_len;
    r = lzma_code(&s, LZMA_FINISH);
    avail_out = s.avail_out;
    total = s.total_out;
    lzma_end(&s);
    if ( r == LZMA_STREAM_END && total == bz->uncompressed_len )
        return 0;
    if ( r == LZMA_STREAM_END )
        return fail(msg, msg_len, EINVAL,
                    "%s: bzImage payload smaller than the size appended to it",
                    path);
    if ( (r == LZMA_OK || r == LZMA_BUF_ERROR) && !avail_out )
        return fail(msg, msg_len, EINVAL,
                    "%s: bzImage payload larger than the size appended to it",
                    path);
    if ( r == LZMA_OK || r == LZMA_BUF_ERROR )
        return fail(msg, msg_len, EINVAL, "%s: bzImage payload is truncated",
                    path);
    return fail(msg, msg_len, EINVAL,
                "%s: bzImage payload is corrupt (liblzma error %d)", path,
                (int)r);
}

int domu_load_kernel(const char *path, uint8_t **image, size_t *len, char *msg,
                     size_t msg_len)
{
    struct bzimage bz;
    const char *why;
    uint8_t *file, *out;
    size_t flen;

    if ( map_file(path, &file, &flen, msg, msg_len) )
        return -1;
    if ( !bzimage_probe(file, flen) )
    {
        *image = file;
        *len = flen;
        return 0;
    }
    if ( bzimage_parse(file, flen, &bz, &why) )
    {
        munmap(file, flen);
        return fail(msg, msg_len, EINVAL, "%s: %s", path, why);
    }
    /* A stated size beyond 1 GiB is a broken header, not a kernel. */
    out = bz.uncompressed_len > (1UL << 30)
              ? MAP_FAILED
              : mmap(NULL, bz.uncompressed_len, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ( out == MAP_FAILED )
    {
        munmap(file, flen);
        return fail(msg, msg_len, EINVAL,
                    "%s: bzImage claims %zu bytes uncompressed", path,
                    bz.uncompressed_len);
    }
    if ( unxz(&bz, out, path, msg, msg_len) )
    {
        int err = errno;

        munmap(out, bz.uncompressed_len);
        munmap(file, flen);
        errno = err;
        return -1;
    }
    *image = out;
    *len = bz.uncompressed_len;
    munmap(file, flen);
    return 0;
}

void *pv_build_map_pfn(const struct pv_build_mem *g, unsigned long pfn)
{
    unsigned long at = pfn;

    /* The layout keeps every write to named pages below nr_used: anything
     * else is a bug. */
    if ( pfn >= g->nr_mapped || (g->slot && (at = g->slot[pfn]) == ~0UL) )
        abort();
    return g->base + at * PAGE_SIZE;
}

struct page_marks {
    unsigned long *slot, nr;
};

/* Pages past the image stay unmarked: pv_build_map_pfn() then stops the build. */
static void mark_pages(void *ctx, unsigned long first, unsigned long n)
{
    struct page_marks *m = ctx;

    for ( ; n && first < m->nr; n--, first++ )
        m->slot[first] = 0;
}

/*
 * Xenia clears every frame it gives a domain, so the image needs only its
 * non-zero pages written (and mapped: mapping and unmapping the rest cost
 * more than the writes). Xen 4.17 leaves a frame a running domain gave
 * back as it was, so there the builder clears everything, as libxenguest.
 */
static bool frames_come_zeroed(hcall_t *h)
{
    char extra[XEN_EXTRAVERSION_LEN] = "";

    return hcall_xen_version(h, XENVER_extraversion, extra,
                             sizeof(extra)) >= 0 &&
           !strncmp(extra, "-xenia", 6);
}

uint64_t pv_build_pfn_to_mfn(const struct pv_build_mem *g, unsigned long pfn)
{
    return g->p2m[pfn];
}

/* grant_entry_v1 0 (console) and 1 (xenstore), for back ends in Dom0. */
static void seed_entries(grant_entry_v1_t *g, const struct domu *d)
{
    g[GNTTAB_RESERVED_CONSOLE].domid = 0;
    g[GNTTAB_RESERVED_CONSOLE].frame = (uint32_t)d->console_mfn;
    g[GNTTAB_RESERVED_XENSTORE].domid = 0;
    g[GNTTAB_RESERVED_XENSTORE].frame = (uint32_t)d->store_mfn;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    g[GNTTAB_RESERVED_CONSOLE].flags = GTF_permit_access;
    g[GNTTAB_RESERVED_XENSTORE].flags = GTF_permit_access;
}

static int seed_grants(hcall_t *h, const struct domu *d, int by_setup_table,
                       char *msg, size_t len)
{
    xen_pfn_t frame;
    void *g = NULL;

    errno = EOPNOTSUPP;
    if ( !by_setup_table )
        g = hcall_map_resource(h, (domid_t)d->domid,
                               XENMEM_resource_grant_table,
                               XENMEM_resource_grant_table_id_shared, 0, 1,
                               PROT_READ | PROT_WRITE);
    if ( g )
    {
        seed_entries(g, d);
        return hcall_unmap(h, g, 1);
    }
    /* libxenguest's fallback, only when the resource is not supported. */
    if ( errno != EOPNOTSUPP )
        return fail(msg, len, errno, "seeding grants: %s", hcall_error(h));
    if ( hcall_gnttab_setup_table(h, d->domid, 1, &frame) )
        return fail(msg, len, errno, "seeding grants: %s", hcall_error(h));
    g = hcall_map_foreign(h, (domid_t)d->domid, PROT_READ | PROT_WRITE, &frame,
                          NULL, 1);
    if ( !g )
        return fail(msg, len, errno, "seeding grants: %s", hcall_error(h));
    seed_entries(g, d);
    return hcall_unmap(h, g, 1);
}

/* Zeroed, with every vCPU's upcalls masked until the guest unmasks them. */
static int reset_shared_info(hcall_t *h, uint32_t domid, xen_pfn_t frame)
{
    shared_info_t *s = hcall_map_foreign(
        h, (domid_t)domid, PROT_READ | PROT_WRITE, &frame, NULL, 1);
    unsigned int i;

    if ( !s )
        return -1;
    memset(s, 0, PAGE_SIZE);
    for ( i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        s->vcpu_info[i].evtchn_upcall_mask = 1;
    return hcall_unmap(h, s, 1);
}

static void vcpu0_context(vcpu_guest_context_t *c, const struct pv_layout *l,
                          xen_pfn_t l4_mfn)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.rip = l->entry;
    c->user_regs.rsp = l->stack_top;
    c->user_regs.rsi = l->start_info;
    c->user_regs.rflags = 0x200;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.fs = c->user_regs.gs = FLAT_KERNEL_DS;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = l->stack_top;
    c->ctrlreg[3] = l4_mfn << 12;
    c->debugreg[6] = 0xffff0ff0;
    c->debugreg[7] = 0x400;
}

struct build {
    hcall_t *h;
    const struct domu_config *cfg;
    struct domu *d;
    char *msg;
    size_t msg_len;
    uint8_t *kimage, *initrd;
    size_t klen, initrd_len;
    xen_pfn_t *p2m;
    struct pv_kernel k;
    struct pv_layout l;
    struct pv_build_params p;
};

static int hfail(struct build *b, const char *what)
{
    return fail(b->msg, b->msg_len, errno, "%s: %s", what, hcall_error(b->h));
}

static int check_request(struct build *b)
{
    struct xen_sysctl_physinfo pi;
    unsigned long want = b->cfg->memory_mib << 8;

    if ( !b->cfg->vcpus || b->cfg->vcpus > XEN_LEGACY_MAX_VCPUS )
        return fail(b->msg, b->msg_len, EINVAL, "%u vCPUs: a DomU has 1 to %u",
                    b->cfg->vcpus, XEN_LEGACY_MAX_VCPUS);
    if ( !b->cfg->memory_mib )
        return fail(b->msg, b->msg_len, EINVAL, "0 MiB of memory");
    if ( hcall_physinfo(b->h, &pi) )
        return hfail(b, "host memory");
    if ( want > pi.total_pages )
        return fail(b->msg, b->msg_len, ENOMEM,
                    "%lu MiB is more memory than the host has (%lu MiB)",
                    b->cfg->memory_mib, (unsigned long)(pi.total_pages >> 8));
    if ( want > pi.free_pages )
        return fail(b->msg, b->msg_len, ENOMEM,
                    "%lu MiB is more memory than the host has free (%lu MiB)",
                    b->cfg->memory_mib, (unsigned long)(pi.free_pages >> 8));
    return 0;
}

static int parse_and_lay_out(struct build *b)
{
    const char *why;
    int rc;

    rc = pv_kernel_parse(b->kimage, b->klen, DOMU_FEATURES, &b->k, &why);
    if ( rc )
        return fail(b->msg, b->msg_len, -rc, "%s: not a usable PV kernel: %s",
                    b->cfg->kernel, why);
    if ( b->k.has_supported_note &&
         (b->k.features_required & (1u << XENFEAT_dom0)) )
        return fail(b->msg, b->msg_len, EINVAL,
                    "%s: the kernel can only be Dom0", b->cfg->kernel);
    b->p.nr_pages = b->cfg->memory_mib << 8;
    b->p.initrd_len = b->initrd_len;
    b->p.cmdline = b->cfg->cmdline ? b->cfg->cmdline : "";
    b->p.domu = true;
    b->p.zeroed = frames_come_zeroed(b->h);
    rc = pv_layout_compute(&b->k, &b->p, &b->l, &why);
    if ( rc )
        return fail(b->msg, b->msg_len, -rc, "%s in %lu MiB: %s",
                    b->cfg->kernel, b->cfg->memory_mib, why);
    return 0;
}

static int create(struct build *b)
{
    struct xen_domctl_createdomain c = {
        .max_vcpus = b->cfg->vcpus,
        .max_evtchn_port = 1023,
        .max_grant_frames = 32,
        .max_maptrack_frames = 1024,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
    uint32_t domid = b->cfg->domid;

    if ( hcall_domain_create(b->h, &domid, &c) )
        return hfail(b, "creating the domain");
    b->d->domid = domid;
    if ( hcall_domain_max_vcpus(b->h, domid, b->cfg->vcpus) )
        return hfail(b, "setting its vCPUs");
    /* As libxenguest: a 64-bit PV guest, said before its memory is built. */
    if ( hcall_domain_set_address_size(b->h, domid, 64) )
        return hfail(b, "making it a 64-bit guest");
    /* As libxl: a MiB of slack above the memory it is given. */
    if ( hcall_domain_max_mem(b->h, domid, (b->cfg->memory_mib + 1) << 10) )
        return hfail(b, "setting its memory limit");
    if ( hcall_evtchn_alloc_unbound(b->h, domid, 0, &b->d->store_port) ||
         hcall_evtchn_alloc_unbound(b->h, domid, 0, &b->d->console_port) )
        return hfail(b, "its xenstore and console ports");
    return 0;
}

static int populate(struct build *b)
{
    unsigned long n = b->p.nr_pages, i;
    long done;

    b->p2m = malloc(n * sizeof(*b->p2m));
    if ( !b->p2m )
        return fail(b->msg, b->msg_len, ENOMEM,
                    "no memory for a p2m of %lu pages", n);
    for ( i = 0; i < n; i++ )
        b->p2m[i] = i;
    done = hcall_populate_physmap(b->h, b->d->domid, n, 0, b->p2m);
    if ( done < 0 )
        return hfail(b, "allocating its memory");
    if ( (unsigned long)done != n )
        return fail(
            b->msg, b->msg_len, ENOMEM,
            "allocating its memory: the hypervisor gave %ld of %lu pages", done,
            n);
    b->d->nr_pages = n;
    return 0;
}

/*
 * The frames to map for the image, in pfn order: all of [0, nr_used), or
 * with p.zeroed those pv_build() writes (slot then says where each is).
 */
static xen_pfn_t *image_frames(struct build *b, unsigned long **slot_out,
                               unsigned long *n_out)
{
    unsigned long n = b->l.nr_used, i, k = 0, *slot;
    xen_pfn_t *mfns;

    *slot_out = NULL;
    *n_out = n;
    if ( !b->p.zeroed )
        return b->p2m;
    slot = malloc(n * sizeof(*slot));
    mfns = malloc(n * sizeof(*mfns));
    if ( !slot || !mfns )
    {
        free(slot);
        free(mfns);
        return NULL;
    }
    memset(slot, 0xff, n * sizeof(*slot));
    pv_build_pages(&b->k, &b->p, &b->l, mark_pages,
                   &(struct page_marks){slot, n});
    for ( i = 0; i < n; i++ )
        if ( !slot[i] )
        {
            slot[i] = k;
            mfns[k++] = b->p2m[i];
        }
    *slot_out = slot;
    *n_out = k;
    return mfns;
}

static int write_image(struct build *b, xen_pfn_t *si_frame)
{
    struct xen_domctl_getdomaininfo info;
    struct pv_build_mem g = {.p2m = b->p2m, .nr_mapped = b->l.nr_used};
    unsigned long *slot, n;
    xen_pfn_t *frames;
    const char *why;
    int rc;

    if ( hcall_domain_getinfo(b->h, b->d->domid, &info) )
        return hfail(b, "reading its shared_info frame");
    *si_frame = info.shared_info_frame;
    b->d->store_mfn = b->p2m[pv_va_to_pfn(&b->l, b->l.store_page)];
    b->d->console_mfn = b->p2m[pv_va_to_pfn(&b->l, b->l.console_page)];
    b->p.shared_info_maddr = (uint64_t)*si_frame << PAGE_SHIFT;
    b->p.xs_mfn = b->d->store_mfn;
    b->p.xs_evtchn = b->d->store_port;
    b->p.cons_mfn = b->d->console_mfn;
    b->p.cons_evtchn = b->d->console_port;
    frames = image_frames(b, &slot, &n);
    if ( !frames )
        return fail(b->msg, b->msg_len, ENOMEM, "no memory for its page list");
    g.slot = slot;
    g.base = hcall_map_foreign(b->h, (domid_t)b->d->domid,
                               PROT_READ | PROT_WRITE, frames, NULL, n);
    if ( frames != b->p2m )
        free(frames);
    if ( !g.base )
    {
        free(slot);
        return hfail(b, "mapping its memory");
    }
    rc = pv_build(&b->k, &b->p, &b->l, &g, b->initrd, &why);
    free(slot);
    /* Page tables cannot be pinned while we still map them writable. */
    if ( hcall_unmap(b->h, g.base, n) )
        return hfail(b, "unmapping its memory");
    if ( rc )
        return fail(b->msg, b->msg_len, -rc, "writing its image: %s", why);
    return 0;
}

static int finish(struct build *b, xen_pfn_t si_frame)
{
    xen_pfn_t l4 = b->p2m[pv_va_to_pfn(&b->l, b->l.pt_start)];
    vcpu_guest_context_t ctx;

    if ( b->k.hypercall_page &&
         hcall_domain_hypercall_init(
             b->h, b->d->domid,
             b->p2m[pv_va_to_pfn(&b->l, b->k.hypercall_page)]) )
        return hfail(b, "writing its hypercall page");
    if ( hcall_mmuext(b->h, b->d->domid, MMUEXT_PIN_L4_TABLE, l4) )
        return hfail(b, "pinning its page tables");
    if ( reset_shared_info(b->h, b->d->domid, si_frame) )
        return hfail(b, "resetting its shared_info");
    if ( seed_grants(b->h, b->d, b->cfg->grants_by_setup_table, b->msg,
                     b->msg_len) )
        return -1;
    vcpu0_context(&ctx, &b->l, l4);
    if ( hcall_vcpu_setcontext(b->h, b->d->domid, 0, &ctx) )
        return hfail(b, "setting vCPU 0's context");
    if ( !b->cfg->start_paused && hcall_domain_unpause(b->h, b->d->domid) )
        return hfail(b, "starting it");
    return 0;
}

int domu_build(hcall_t *h, const struct domu_config *cfg, struct domu *out,
               char *msg, size_t msg_len)
{
    struct build b = {
        .h = h, .cfg = cfg, .d = out, .msg = msg, .msg_len = msg_len};
    xen_pfn_t si_frame = 0;
    uint64_t t0 = now_us(), t1, t2, t3, t4;
    int rc = -1, err;

    memset(out, 0, sizeof(*out));
    out->domid = DOMID_INVALID;
    if ( check_request(&b) ||
         domu_load_kernel(cfg->kernel, &b.kimage, &b.klen, msg, msg_len) ||
         (cfg->initrd &&
          map_file(cfg->initrd, &b.initrd, &b.initrd_len, msg, msg_len)) ||
         parse_and_lay_out(&b) )
        goto out;
    t1 = now_us();
    if ( create(&b) )
        goto out;
    t2 = now_us();
    if ( populate(&b) )
        goto out;
    t3 = now_us();
    if ( write_image(&b, &si_frame) )
        goto out;
    t4 = now_us();
    if ( finish(&b, si_frame) )
        goto out;
    out->us_load = t1 - t0;
    out->us_create = t2 - t1;
    out->us_populate = t3 - t2;
    out->us_build = t4 - t3;
    out->us_finish = now_us() - t4;
    rc = 0;
out:
    err = errno;
    if ( rc && out->domid != DOMID_INVALID )
    {
        /* Leave nothing half-built behind; the first error is the one to report. */
        hcall_domain_destroy(h, out->domid);
        out->domid = DOMID_INVALID;
    }
    free(b.p2m);
    domu_free_kernel(b.kimage, b.klen);
    if ( b.initrd )
        munmap(b.initrd, b.initrd_len);
    errno = err;
    return rc;
}
