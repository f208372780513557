/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the PV kernel parser and start-of-day builder (common/pvbuild/). */
#include "check.h"
#include "../../hypervisor/common/pvbuild/pv_image.c"
#include "../../hypervisor/common/pvbuild/pv_build.c"

#define VBASE 0xffffffff80000000UL
#define LOAD_PADDR 0x100000UL
#define ALL_FEATURES ((1u << XENFEAT_writable_page_tables) | \
                      (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0))

static uint8_t img[32768];
static size_t img_len;
static bool domu_notes; /* INIT_P2M and MOD_START_PFN, as Linux has */

#define INIT_P2M_VA 0x8000000000UL

static size_t put_note(size_t off, uint32_t type, const void *desc, uint32_t len)
{
    uint32_t namesz = 4;

    memcpy(img + off, &namesz, 4);
    memcpy(img + off + 4, &len, 4);
    memcpy(img + off + 8, &type, 4);
    memcpy(img + off + 12, "Xen", 4);
    memcpy(img + off + 16, desc, len);
    return off + 16 + ROUNDUP(len, 4);
}

static size_t put_num(size_t off, uint32_t type, uint64_t v, uint32_t size)
{
    return put_note(off, type, &v, size);
}

/* An ELF64 image: headers, one PT_LOAD (0x3000 bytes, 0x5000 in memory), notes. */
static void make_image(const char *features, bool with_loader, uint64_t vaddr)
{
    struct elf64_ehdr *eh = (void *)img;
    struct elf64_phdr *ph = (void *)(img + 64);
    size_t n = 0x1000, i;

    memset(img, 0, sizeof(img));
    memcpy(eh->ident, "\177ELF", 4);
    eh->ident[4] = 2;
    eh->ident[5] = 1;
    eh->machine = EM_X86_64;
    eh->phoff = 64;
    eh->phentsize = sizeof(*ph);
    eh->phnum = 2;
    eh->entry = LOAD_PADDR; /* the native entry: must not be used */
    n = put_note(n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
    if ( with_loader )
        n = put_note(n, XEN_ELFNOTE_LOADER, "generic", 8);
    n = put_num(n, XEN_ELFNOTE_VIRT_BASE, VBASE, 8);
    n = put_num(n, XEN_ELFNOTE_PADDR_OFFSET, 0, 4);
    n = put_num(n, XEN_ELFNOTE_ENTRY, VBASE + LOAD_PADDR + 0x10, 8);
    n = put_num(n, XEN_ELFNOTE_HYPERCALL_PAGE, VBASE + LOAD_PADDR + 0x1000, 8);
    if ( features )
        n = put_note(n, XEN_ELFNOTE_FEATURES, features, strlen(features) + 1);
    if ( domu_notes )
    {
        n = put_num(n, XEN_ELFNOTE_INIT_P2M, INIT_P2M_VA, 8);
        n = put_num(n, XEN_ELFNOTE_MOD_START_PFN, 1, 4);
    }
    ph[0].type = PT_NOTE;
    ph[0].offset = 0x1000;
    ph[0].filesz = n - 0x1000;
    ph[1].type = PT_LOAD;
    ph[1].offset = 0x2000;
    ph[1].vaddr = vaddr;
    ph[1].paddr = LOAD_PADDR;
    ph[1].filesz = 0x3000;
    ph[1].memsz = 0x5000;
    for ( i = 0; i < 0x3000; i++ )
        img[0x2000 + i] = (uint8_t)(i * 7 + 1);
    img_len = 0x5000;
}

static void test_parse(void)
{
    struct pv_kernel k;
    const char *why;

    make_image("!writable_page_tables|pae_pgdir_above_4gb", true, 0);
    /* p_vaddr 0 (as Linux's per-CPU segment): placement follows p_paddr. */
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
    CHECK_EQ(k.virt_base, VBASE);
    CHECK_EQ(k.entry, VBASE + LOAD_PADDR + 0x10);
    CHECK_EQ(k.hypercall_page, VBASE + LOAD_PADDR + 0x1000);
    CHECK_EQ(k.nr_segments, 1);
    CHECK_EQ(k.seg[0].vaddr, VBASE + LOAD_PADDR);
    CHECK_EQ(k.virt_kend, VBASE + LOAD_PADDR + 0x5000);
    CHECK(k.features_required & (1u << XENFEAT_writable_page_tables));
    CHECK(!(k.features_required & (1u << XENFEAT_pae_pgdir_above_4gb)));
    CHECK(k.features_supported & (1u << XENFEAT_pae_pgdir_above_4gb));

    /* Each refusal, with its reason. */
    CHECK_EQ(pv_kernel_parse(img, img_len, 0, &k, &why), -EOPNOTSUPP);
    make_image("!no_such_feature", true, 0);
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EOPNOTSUPP);
    make_image(NULL, false, 0);
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EINVAL);
    CHECK_STR(why, "it has no Xen notes (not a PV kernel)");
    make_image(NULL, true, 0);
    img[4] = 1; /* 32-bit class */
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EINVAL);
    make_image(NULL, true, 0);
    img[0] = 'X';
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EINVAL);
    CHECK_STR(why, "it is not an ELF image");
    make_image(NULL, true, 0);
    ((struct elf64_phdr *)(img + 64))[1].filesz = 0x100000; /* past the file */
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EINVAL);
    make_image(NULL, true, 0);
    ((struct elf64_phdr *)(img + 64))[1].paddr = ~0UL - 10; /* wraps */
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), -EINVAL);
}

/* Every prefix of a valid image fails cleanly (ASan watches the reads). */
static void test_truncation(void)
{
    struct pv_kernel k;
    const char *why;
    size_t len;
    int accepted = 0;

    make_image("!writable_page_tables", true, 0);
    for ( len = 0; len < img_len; len++ )
    {
        uint8_t *copy = malloc(len ? len : 1);

        memcpy(copy, img, len);
        if ( pv_kernel_parse(copy, len, ALL_FEATURES, &k, &why) == 0 )
            accepted++;
        free(copy);
    }
    /* Only prefixes that still hold all of the segment's file bytes parse. */
    CHECK_EQ(accepted, 0);
}

#define NR_PAGES 8192 /* 32 MiB */
static uint8_t *mem;

static unsigned long perm(unsigned long pfn) /* pfn -> mfn, not identity */
{
    return (pfn ^ 0x155) + 0x10000;
}

static unsigned long unperm(unsigned long mfn)
{
    return (mfn - 0x10000) ^ 0x155;
}

/*
 * This test's side of pv_image.h's memory seam: mem, permuted mfns; with
 * listed, each page mapped that is not in it is counted in unlisted.
 */
static uint8_t *listed;
static unsigned long unlisted;

struct pv_build_mem {
    unsigned long nr_pages;
    bool count_unlisted;
};

void *pv_build_map_pfn(const struct pv_build_mem *m, unsigned long pfn)
{
    CHECK(pfn < m->nr_pages);
    if ( m->count_unlisted && pfn < m->nr_pages && !listed[pfn] )
        unlisted++;
    return mem + pfn * PAGE_SIZE;
}

uint64_t pv_build_pfn_to_mfn(const struct pv_build_mem *m, unsigned long pfn)
{
    CHECK(pfn < m->nr_pages);
    return perm(pfn);
}

/* Walk the built tables from the L4 (pt_base) like the MMU would. */
static bool walk(const struct pv_layout *l, uint64_t va, uint64_t *pte_out)
{
    uint64_t *t = (uint64_t *)(mem + pv_va_to_pfn(l, l->pt_start) * PAGE_SIZE);
    int level;

    for ( level = 4; level >= 1; level-- )
    {
        uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

        if ( !(e & PTE_P) || !(e & PTE_US) )
            return false;
        if ( level == 1 )
        {
            *pte_out = e;
            return true;
        }
        t = (uint64_t *)(mem + unperm((e & PTE_ADDR) >> 12) * PAGE_SIZE);
    }
    return false;
}

static void test_build(void)
{
    struct pv_kernel k;
    struct pv_layout l;
    struct pv_build_mem m = {NR_PAGES, false};
    static const uint8_t initrd[10000] = {1, 2, 3};
    struct pv_build_params p = {
        .nr_pages = NR_PAGES, .initrd_len = sizeof(initrd),
        .cmdline = "root=/dev/xvda1 console=hvc0", .shared_info_maddr = 0x1234000,
        .si_flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    };
    const start_info_t *si;
    const char *why;
    uint64_t va, pte, *p2m;
    unsigned long bad_map = 0, bad_rw = 0, i;
    bool ok;

    make_image("!writable_page_tables", true, 0);
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), 0);
    CHECK_EQ(l.v_start, VBASE);
    CHECK_EQ(l.initrd_start, ROUNDUP(VBASE + LOAD_PADDR + 0x5000, PAGE_SIZE));
    CHECK(l.p2m_start >= l.initrd_start + sizeof(initrd));
    CHECK(l.start_info > l.p2m_start && l.pt_start > l.start_info);
    CHECK_EQ(l.nr_pt_frames, 5); /* L4, L3, L2 and two L1s for 4 MiB */
    CHECK_EQ(l.stack_top, l.pt_start + 5 * PAGE_SIZE + PAGE_SIZE);
    CHECK(l.v_end - l.stack_top >= (512UL << 10));
    CHECK_EQ(l.v_end & ((4UL << 20) - 1), 0);
    CHECK_EQ(l.entry, VBASE + LOAD_PADDR + 0x10);

    mem = calloc(NR_PAGES, PAGE_SIZE);
    memset(mem, 0xee, (size_t)NR_PAGES * PAGE_SIZE); /* stale contents */
    CHECK_EQ(pv_build(&k, &p, &l, &m, initrd, &why), 0);

    /* Every page of the region maps its own frame; only tables read-only. */
    for ( va = l.v_start; va < l.v_end; va += PAGE_SIZE )
    {
        ok = walk(&l, va, &pte);
        if ( !ok || unperm((pte & PTE_ADDR) >> 12) != pv_va_to_pfn(&l, va) )
            bad_map++;
        else if ( !!(pte & PTE_RW) ==
                  (va >= l.pt_start && va < l.pt_start + l.nr_pt_frames * PAGE_SIZE) )
            bad_rw++;
    }
    CHECK_EQ(bad_map, 0);
    CHECK_EQ(bad_rw, 0);
    CHECK(!walk(&l, l.v_end, &pte)); /* nothing past the region */

    si = (const start_info_t *)(mem + pv_va_to_pfn(&l, l.start_info) * PAGE_SIZE);
    CHECK_STR(si->magic, "xen-3.0-x86_64");
    CHECK_EQ(si->nr_pages, NR_PAGES);
    CHECK_EQ(si->shared_info, 0x1234000);
    CHECK_EQ(si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    CHECK_EQ(si->pt_base, l.pt_start);
    CHECK_EQ(si->nr_pt_frames, 5);
    CHECK_EQ(si->mfn_list, l.p2m_start);
    CHECK_EQ(si->mod_start, l.initrd_start);
    CHECK_EQ(si->mod_len, sizeof(initrd));
    CHECK_STR((const char *)si->cmd_line, "root=/dev/xvda1 console=hvc0");

    p2m = (uint64_t *)(mem + pv_va_to_pfn(&l, l.p2m_start) * PAGE_SIZE);
    for ( ok = true, i = 0; i < NR_PAGES; i++ )
        ok &= p2m[i] == perm(i);
    CHECK(ok);
    /* The segment's bytes, then zeroes to memsz; the initrd copied. */
    {
        const uint8_t *kb = mem + pv_va_to_pfn(&l, VBASE + LOAD_PADDR) * PAGE_SIZE;

        CHECK(!memcmp(kb, img + 0x2000, 0x3000));
        CHECK(kb[0x3000] == 0 && kb[0x4fff] == 0);
        CHECK(!memcmp(mem + pv_va_to_pfn(&l, l.initrd_start) * PAGE_SIZE, initrd,
                      sizeof(initrd)));
    }
    free(mem);
}

static void test_limits(void)
{
    struct pv_kernel k;
    struct pv_layout l;
    struct pv_build_params p = {.nr_pages = 100};
    const char *why;
    char longcmd[2000];

    make_image(NULL, true, 0);
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), -ENOMEM);
    CHECK_STR(why, "the domain has too little memory for its image");
    /* A command line longer than the ABI's field is cut, terminated. */
    memset(longcmd, 'c', sizeof(longcmd) - 1);
    longcmd[sizeof(longcmd) - 1] = '\0';
    {
        start_info_t si;
        struct pv_build_params q = {.nr_pages = 1, .cmdline = longcmd};

        fill_start_info(&q, &l, &si);
        CHECK_EQ(strlen((const char *)si.cmd_line), MAX_GUEST_CMDLINE - 1);
    }
    /* domU pages come in the layout and in start_info. */
    {
        struct pv_build_params q = {.nr_pages = 8192, .domu = true,
                                    .xs_mfn = 77, .xs_evtchn = 3,
                                    .cons_mfn = 78, .cons_evtchn = 4};
        start_info_t si;

        CHECK_EQ(pv_layout_compute(&k, &q, &l, &why), 0);
        CHECK_EQ(l.console_page, l.store_page + PAGE_SIZE);
        CHECK_EQ(l.pt_start, l.console_page + PAGE_SIZE);
        fill_start_info(&q, &l, &si);
        CHECK_EQ(si.store_mfn, 77);
        CHECK_EQ(si.console.domU.evtchn, 4);
    }
}

/*
 * A DomU of a kernel with INIT_P2M and MOD_START_PFN gets the layout Xen's
 * tools give it: start_info right after the kernel, the initrd by pfn past
 * the mapped region, the p2m after it at INIT_P2M with tables of its own.
 */
static void test_domu_layout(void)
{
    struct pv_kernel k;
    struct pv_layout l;
    struct pv_build_mem m = {NR_PAGES, false};
    static uint8_t initrd[10000];
    struct pv_build_params p = {
        .nr_pages = NR_PAGES, .initrd_len = sizeof(initrd), .cmdline = "",
        .domu = true, .xs_mfn = 7, .xs_evtchn = 1, .cons_mfn = 8, .cons_evtchn = 2,
    };
    const start_info_t *si;
    const uint8_t *r;
    const char *why;
    unsigned long i, bad = 0;
    uint64_t pte;

    for ( i = 0; i < sizeof(initrd); i++ )
        initrd[i] = (uint8_t)(i * 13 + 5);
    domu_notes = true;
    make_image(NULL, true, 0);
    domu_notes = false;
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
    CHECK_EQ(k.init_p2m, INIT_P2M_VA);
    CHECK(k.mod_start_pfn);
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), 0);
    CHECK(l.initrd_by_pfn && l.p2m_outside);
    CHECK_EQ(l.initrd_start, 0);
    CHECK_EQ(l.start_info, ROUNDUP(VBASE + LOAD_PADDR + 0x5000, PAGE_SIZE));
    CHECK_EQ(l.store_page, l.start_info + PAGE_SIZE);
    CHECK_EQ(l.pt_start, l.console_page + PAGE_SIZE);
    CHECK_EQ(l.initrd_pfn, (l.v_end - l.v_start) >> PAGE_SHIFT);
    CHECK_EQ(l.p2m_start, INIT_P2M_VA);
    CHECK_EQ(l.p2m_pfn, l.initrd_pfn + 3); /* 10000 bytes: 3 pages */
    CHECK_EQ(l.nr_p2m_pages, NR_PAGES * 8 / PAGE_SIZE);
    CHECK_EQ(l.nr_p2m_l2, 1);
    CHECK_EQ(l.nr_p2m_l1, 1);
    CHECK_EQ(l.nr_used, l.p2m_pfn + l.nr_p2m_pages + 3);

    mem = calloc(NR_PAGES, PAGE_SIZE);
    memset(mem, 0xee, (size_t)NR_PAGES * PAGE_SIZE);
    CHECK_EQ(pv_build(&k, &p, &l, &m, initrd, &why), 0);
    si = (const start_info_t *)(mem + pv_va_to_pfn(&l, l.start_info) * PAGE_SIZE);
    CHECK_EQ(si->flags, SIF_MOD_START_PFN);
    CHECK_EQ(si->mod_start, l.initrd_pfn);
    CHECK_EQ(si->mod_len, 3 * PAGE_SIZE);
    CHECK_EQ(si->mfn_list, INIT_P2M_VA);
    CHECK_EQ(si->first_p2m_pfn, l.p2m_pfn);
    CHECK_EQ(si->nr_p2m_frames, l.nr_p2m_pages + 3);
    CHECK_EQ(si->store_mfn, 7);
    CHECK_EQ(si->console.domU.mfn, 8);
    /* The initrd by pfn, its last page's tail cleared of stale bytes. */
    r = mem + l.initrd_pfn * PAGE_SIZE;
    CHECK(!memcmp(r, initrd, sizeof(initrd)));
    CHECK(r[sizeof(initrd)] == 0 && r[3 * PAGE_SIZE - 1] == 0);
    CHECK(!walk(&l, VBASE + ((uint64_t)l.initrd_pfn << PAGE_SHIFT), &pte));
    /* The p2m through its own mapping: writable, pfn i's entry is its mfn. */
    for ( i = 0; i < NR_PAGES; i++ )
    {
        uint64_t va = INIT_P2M_VA + i * 8;

        if ( !walk(&l, va, &pte) || !(pte & PTE_RW) ||
             ((uint64_t *)(mem + unperm((pte & PTE_ADDR) >> 12) * PAGE_SIZE))
                     [(va & (PAGE_SIZE - 1)) / 8] != perm(i) )
            bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK(!walk(&l, INIT_P2M_VA + l.nr_p2m_pages * PAGE_SIZE, &pte));
    free(mem);

    /* Too little memory for what lies past the region. */
    p.nr_pages = (unsigned long)((l.v_end - l.v_start) >> PAGE_SHIFT) + 3;
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), -ENOMEM);
    CHECK_STR(why, "the domain has too little memory for its image");
    /* Dom0 keeps its own layout whatever the notes say. */
    p.nr_pages = NR_PAGES;
    p.domu = false;
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), 0);
    CHECK(!l.initrd_by_pfn && !l.p2m_outside && l.initrd_start && l.p2m_start < l.v_end);
    /* INIT_P2M inside the kernel's own L4 slot is refused. */
    {
        static uint8_t copy[sizeof(img)];
        uint8_t *note;
        uint64_t bad_va = VBASE;

        domu_notes = true;
        make_image(NULL, true, 0);
        domu_notes = false;
        memcpy(copy, img, sizeof(img));
        note = memmem(copy, img_len, "\0\0\0\0\x80\0\0\0", 8);
        CHECK(note != NULL);
        if ( note )
        {
            memcpy(note, &bad_va, 8);
            CHECK_EQ(pv_kernel_parse(copy, img_len, ALL_FEATURES, &k, &why), -EINVAL);
            CHECK_STR(why, "its INIT_P2M address is unusable");
        }
    }
}

/* Segments listed out of address order, one with no file bytes: each
 * byte of the region ends up as the file's or as zero. */
static void test_segment_order(void)
{
    struct elf64_phdr *ph = (void *)(img + 64);
    struct pv_kernel k;
    struct pv_layout l;
    struct pv_build_mem m = {NR_PAGES, false};
    struct pv_build_params p = {.nr_pages = NR_PAGES, .cmdline = ""};
    const uint8_t *at;
    const char *why;
    unsigned long stale = 0;
    uint64_t va;

    make_image(NULL, true, 0);
    ((struct elf64_ehdr *)img)->phnum = 4;
    ph[2] = ph[1]; /* below the first: 0x1000 bytes of file, 0x2000 in memory */
    ph[2].paddr = LOAD_PADDR - 0x3000;
    ph[2].filesz = 0x1000;
    ph[2].memsz = 0x2000;
    ph[3] = ph[1]; /* above it, nothing but bss */
    ph[3].paddr = LOAD_PADDR + 0x7000;
    ph[3].filesz = 0;
    ph[3].memsz = 0x1800;
    CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
    CHECK_EQ(k.nr_segments, 3);
    CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), 0);
    mem = calloc(NR_PAGES, PAGE_SIZE);
    memset(mem, 0xee, (size_t)NR_PAGES * PAGE_SIZE);
    CHECK_EQ(pv_build(&k, &p, &l, &m, NULL, &why), 0);
    at = mem + pv_va_to_pfn(&l, VBASE + LOAD_PADDR - 0x3000) * PAGE_SIZE;
    CHECK(!memcmp(at, img + 0x2000, 0x1000));
    CHECK(!memcmp(mem + pv_va_to_pfn(&l, VBASE + LOAD_PADDR) * PAGE_SIZE, img + 0x2000,
                  0x3000));
    /* Nothing stale anywhere in the region. */
    for ( va = l.v_start; va < l.v_end; va += 8 )
        if ( *(uint64_t *)(mem + pv_va_to_pfn(&l, va) * PAGE_SIZE + (va & 0xfff)) ==
             0xeeeeeeeeeeeeeeeeUL )
            stale++;
    CHECK_EQ(stale, 0);
    free(mem);
}

/*
 * Memory known to be zero (a DomU's frames on Xenia): the build writes
 * only the pages pv_build_pages() names, and the image is the one a full
 * build makes, for a DomU's layout (initrd by pfn, p2m outside) and for
 * Dom0's (everything in the region).
 */
static void t_add(void *ctx, unsigned long first, unsigned long n)
{
    (void)ctx;
    CHECK(first + n <= NR_PAGES);
    for ( unsigned long i = first; i < first + n && i < NR_PAGES; i++ )
        listed[i] = 1;
}

static void test_zeroed_build(void)
{
    static uint8_t initrd[10000];
    struct pv_build_mem full = {NR_PAGES, false};
    struct pv_build_mem only = {NR_PAGES, true};
    struct pv_kernel k;
    struct pv_layout l;
    const char *why;
    uint8_t *a;

    for ( size_t i = 0; i < sizeof(initrd); i++ )
        initrd[i] = (uint8_t)(i * 7 + 1);
    for ( int domu = 0; domu < 2; domu++ )
    {
        struct pv_build_params p = {
            .nr_pages = NR_PAGES, .initrd_len = sizeof(initrd),
            .cmdline = "zeroed", .domu = domu, .xs_mfn = 7, .cons_mfn = 8};
        unsigned long n = 0;

        domu_notes = domu;
        make_image(NULL, true, 0);
        domu_notes = false;
        CHECK_EQ(pv_kernel_parse(img, img_len, ALL_FEATURES, &k, &why), 0);
        CHECK_EQ(pv_layout_compute(&k, &p, &l, &why), 0);
        CHECK_EQ(l.initrd_by_pfn, domu);
        a = calloc(NR_PAGES, PAGE_SIZE);
        mem = a;
        CHECK_EQ(pv_build(&k, &p, &l, &full, initrd, &why), 0);

        p.zeroed = true;
        listed = calloc(NR_PAGES, 1);
        pv_build_pages(&k, &p, &l, t_add, NULL);
        for ( unsigned long i = 0; i < NR_PAGES; i++ )
            n += listed[i];
        /* The kernel's pages, the initrd, the p2m, start_info, the tables. */
        CHECK(n > 0 && n < l.nr_used / 2);
        mem = calloc(NR_PAGES, PAGE_SIZE);
        unlisted = 0;
        CHECK_EQ(pv_build(&k, &p, &l, &only, initrd, &why), 0);
        CHECK_EQ(unlisted, 0);
        CHECK(!memcmp(a, mem, (size_t)NR_PAGES * PAGE_SIZE));
        free(mem);
        free(a);
        free(listed);
        /* Without zeroed, every page of the image is named. */
        p.zeroed = false;
        listed = calloc(NR_PAGES, 1);
        pv_build_pages(&k, &p, &l, t_add, NULL);
        n = 0;
        for ( unsigned long i = 0; i < NR_PAGES; i++ )
            n += listed[i];
        CHECK_EQ(n, l.nr_used);
        free(listed);
    }
}

static void run_tests(void)
{
    test_zeroed_build();
    test_segment_order();
    test_domu_layout();
    test_parse();
    test_truncation();
    test_build();
    test_limits();
}
