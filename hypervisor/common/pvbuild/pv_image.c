/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing a Xen PV kernel and building its start-of-day memory. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/pv_image.h>
#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/xen.h>

/* ELF64, as the System V ABI defines it (only what a loader reads). */
struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD    1
#define PT_NOTE    4
#define EM_X86_64  62

/* Bits of a page-table entry the bootstrap tables use. */
#define PTE_P    0x001UL
#define PTE_RW   0x002UL
#define PTE_US   0x004UL
#define PTE_A    0x020UL
#define PTE_D    0x040UL
#define PTE_ADDR 0x000ffffffffff000UL

#define SLACK     (512UL << 10) /* the ABI promises 512 KiB after the stack */
#define ROUND_END (4UL << 20)   /* the region ends on a 4 MiB boundary */
#define L2_SPAN   (1UL << 30)   /* one L2 maps 1 GiB: the whole region */

static const struct {
    const char *name;
    unsigned int bit;
} feature_names[] = {
    {"writable_page_tables", XENFEAT_writable_page_tables},
    {"writable_descriptor_tables", XENFEAT_writable_descriptor_tables},
    {"auto_translated_physmap", XENFEAT_auto_translated_physmap},
    {"supervisor_mode_kernel", XENFEAT_supervisor_mode_kernel},
    {"pae_pgdir_above_4gb", XENFEAT_pae_pgdir_above_4gb},
    {"hvm_callback_vector", XENFEAT_hvm_callback_vector},
    {"dom0", XENFEAT_dom0},
};

static bool in_image(const struct pv_kernel *k, uint64_t off, uint64_t len)
{
    return off <= k->len && len <= k->len - off;
}

/* "a|!b|c": '!' marks what the kernel cannot run without. */
static int parse_features(const char *s, size_t len, struct pv_kernel *k)
{
    size_t i = 0;

    while ( i < len && s[i] )
    {
        size_t start = i, n;
        bool required = s[i] == '!';
        unsigned int f;

        if ( required )
            start = ++i;
        while ( i < len && s[i] && s[i] != '|' )
            i++;
        n = i - start;
        for ( f = 0; f < ARRAY_SIZE(feature_names); f++ )
            if ( strlen(feature_names[f].name) == n &&
                 !memcmp(s + start, feature_names[f].name, n) )
            {
                k->features_supported |= 1u << feature_names[f].bit;
                if ( required )
                    k->features_required |= 1u << feature_names[f].bit;
                break;
            }
        /* An unknown name is a feature Xenia does not offer. */
        if ( f == ARRAY_SIZE(feature_names) && required )
            return -EOPNOTSUPP;
        if ( i < len && s[i] == '|' )
            i++;
    }
    return 0;
}

static uint64_t note_number(const uint8_t *d, uint32_t n)
{
    uint64_t v = 0;

    memcpy(&v, d, MIN(n, 8u));
    return n == 4 ? (uint32_t)v : n == 2 ? (uint16_t)v : n == 1 ? (uint8_t)v : v;
}

struct notes {
    bool have_version, generic_loader, linux_guest, have_entry, have_virt_base,
        have_paddr_offset;
};

static int one_note(struct pv_kernel *k, struct notes *n, uint32_t type,
                    const uint8_t *d, uint32_t dlen, const char **why)
{
    switch ( type )
    {
    case XEN_ELFNOTE_ENTRY:
        k->entry = note_number(d, dlen), n->have_entry = true;
        break;
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        k->hypercall_page = note_number(d, dlen);
        break;
    case XEN_ELFNOTE_VIRT_BASE:
        k->virt_base = note_number(d, dlen), n->have_virt_base = true;
        break;
    case XEN_ELFNOTE_PADDR_OFFSET:
        k->paddr_offset = note_number(d, dlen), n->have_paddr_offset = true;
        break;
    case XEN_ELFNOTE_XEN_VERSION:
        n->have_version = dlen >= 7 && !memcmp(d, "xen-3.0", 7);
        break;
    case XEN_ELFNOTE_LOADER:
        n->generic_loader = dlen >= 7 && !memcmp(d, "generic", 7);
        break;
    case XEN_ELFNOTE_GUEST_OS:
        n->linux_guest = dlen >= 5 && !memcmp(d, "linux", 5);
        break;
    case XEN_ELFNOTE_FEATURES:
        if ( parse_features((const char *)d, dlen, k) )
        {
            *why = "it requires a feature Xenia does not provide";
            return -EOPNOTSUPP;
        }
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        k->features_supported |= (uint32_t)note_number(d, dlen);
        k->has_supported_note = true;
        break;
    case XEN_ELFNOTE_MOD_START_PFN:
        k->mod_start_pfn = note_number(d, dlen) != 0;
        break;
    case XEN_ELFNOTE_INIT_P2M:
        k->init_p2m = note_number(d, dlen);
        break;
    default:
        break; /* GUEST_VERSION, PAE_MODE, BSD_SYMTAB, PHYS32_ENTRY, ... */
    }
    return 0;
}

/* Walk one PT_NOTE segment; only notes named "Xen" count. */
static int parse_notes(struct pv_kernel *k, struct notes *n, uint64_t off,
                       uint64_t size, const char **why)
{
    uint64_t end = off + size;

    while ( off + 12 <= end )
    {
        const uint8_t *h = k->image + off;
        uint32_t namesz, descsz, type;
        uint64_t name_off = off + 12, desc_off;
        int rc;

        memcpy(&namesz, h, 4);
        memcpy(&descsz, h + 4, 4);
        memcpy(&type, h + 8, 4);
        desc_off = name_off + ROUNDUP((uint64_t)namesz, 4);
        if ( desc_off > end || descsz > end - desc_off )
        {
            *why = "a note runs past its segment";
            return -EINVAL;
        }
        if ( namesz == 4 && !memcmp(k->image + name_off, "Xen", 4) )
        {
            rc = one_note(k, n, type, k->image + desc_off, descsz, why);
            if ( rc )
                return rc;
        }
        off = desc_off + ROUNDUP((uint64_t)descsz, 4);
    }
    return 0;
}

static int read_phdrs(struct pv_kernel *k, const struct elf64_ehdr *eh,
                      struct notes *n, const char **why)
{
    uint64_t pmin = ~0UL, pmax = 0;
    unsigned int i;
    int rc;

    for ( i = 0; i < eh->phnum; i++ )
    {
        struct elf64_phdr ph;

        memcpy(&ph, k->image + eh->phoff + (uint64_t)i * eh->phentsize, sizeof(ph));
        if ( ph.type == PT_NOTE && in_image(k, ph.offset, ph.filesz) )
        {
            if ( (rc = parse_notes(k, n, ph.offset, ph.filesz, why)) )
                return rc;
        }
        if ( ph.type != PT_LOAD || !ph.memsz )
            continue;
        if ( !in_image(k, ph.offset, ph.filesz) || ph.filesz > ph.memsz ||
             ph.paddr + ph.memsz < ph.paddr || k->nr_segments == PV_MAX_SEGMENTS )
        {
            *why = "a loadable segment lies outside the file or wraps";
            return -EINVAL;
        }
        k->seg[k->nr_segments].vaddr = ph.paddr; /* fixed up below */
        k->seg[k->nr_segments].file_off = ph.offset;
        k->seg[k->nr_segments].filesz = ph.filesz;
        k->seg[k->nr_segments].memsz = ph.memsz;
        k->nr_segments++;
        pmin = MIN(pmin, ph.paddr);
        pmax = MAX(pmax, ph.paddr + ph.memsz);
    }
    if ( !k->nr_segments )
    {
        *why = "it has nothing to load";
        return -EINVAL;
    }
    k->virt_kstart = pmin;
    k->virt_kend = pmax;
    return 0;
}

/* Segments must not overlap: they are copied in any order. */
static bool segments_disjoint(const struct pv_kernel *k)
{
    unsigned int i, j;

    for ( i = 0; i < k->nr_segments; i++ )
        for ( j = i + 1; j < k->nr_segments; j++ )
            if ( k->seg[i].vaddr < k->seg[j].vaddr + k->seg[j].memsz &&
                 k->seg[j].vaddr < k->seg[i].vaddr + k->seg[i].memsz )
                return false;
    return true;
}

int pv_kernel_parse(const void *image, size_t len, uint32_t supported,
                    struct pv_kernel *k, const char **why)
{
    const struct elf64_ehdr *eh = image;
    struct notes n = {0};
    uint64_t offset;
    unsigned int i;
    int rc;

    memset(k, 0, sizeof(*k));
    k->image = image;
    k->len = len;
    *why = "";
    if ( len < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) )
        return *why = "it is not an ELF image", -EINVAL;
    if ( eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64 )
        return *why = "it is not a 64-bit x86 ELF image", -EINVAL;
    if ( eh->phentsize < sizeof(struct elf64_phdr) || eh->phnum > 64 ||
         !in_image(k, eh->phoff, (uint64_t)eh->phnum * eh->phentsize) )
        return *why = "its program headers are truncated", -EINVAL;
    if ( (rc = read_phdrs(k, eh, &n, why)) )
        return rc;
    if ( !n.generic_loader && !n.linux_guest )
        return *why = "it has no Xen notes (not a PV kernel)", -EINVAL;
    if ( !n.have_version )
        return *why = "its XEN_VERSION note is not xen-3.0", -EINVAL;
    if ( k->features_required & ~supported )
        return *why = "it requires a feature Xenia does not provide", -EOPNOTSUPP;
    /* Xen's libelf rules: defaults, then load by p_paddr (not p_vaddr). */
    if ( !n.have_virt_base )
        k->virt_base = 0;
    if ( !n.have_paddr_offset )
        k->paddr_offset = k->virt_base;
    offset = k->virt_base - k->paddr_offset;
    for ( i = 0; i < k->nr_segments; i++ )
        k->seg[i].vaddr += offset;
    k->virt_kstart += offset;
    k->virt_kend += offset;
    if ( !n.have_entry )
        k->entry = eh->entry;
    if ( k->virt_kstart < k->virt_base || !segments_disjoint(k) )
        return *why = "its segments overlap or lie below VIRT_BASE", -EINVAL;
    if ( k->entry < k->virt_kstart || k->entry >= k->virt_kend )
        return *why = "its entry point is outside the image", -EINVAL;
    if ( k->hypercall_page && (k->hypercall_page < k->virt_kstart ||
                               k->hypercall_page >= k->virt_kend ||
                               (k->hypercall_page & (PAGE_SIZE - 1))) )
        return *why = "its hypercall page is not a page of the image", -EINVAL;
    /* One L4 slot of its own, canonical, in the guest's half. */
    if ( k->init_p2m && ((k->init_p2m & (L2_SPAN - 1)) ||
                         k->init_p2m >= (1UL << 47) ||
                         (k->init_p2m >> 39) == (k->virt_base >> 39)) )
        return *why = "its INIT_P2M address is unusable", -EINVAL;
    return 0;
}

/*
 * The p2m at INIT_P2M: nr pages of it, then one L3, the L2s and the L1s
 * mapping them. Xen's tools count these frames as part of the p2m.
 */
static void p2m_tables(struct pv_layout *l, unsigned long nr_pages)
{
    uint64_t bytes = ROUNDUP((uint64_t)nr_pages * 8, PAGE_SIZE);

    l->nr_p2m_pages = (unsigned long)(bytes >> PAGE_SHIFT);
    l->nr_p2m_l1 = (unsigned long)((bytes + (L2_SPAN / 512) - 1) / (L2_SPAN / 512));
    l->nr_p2m_l2 = (unsigned long)((bytes + L2_SPAN - 1) / L2_SPAN);
}

int pv_layout_compute(const struct pv_kernel *k,
                      const struct pv_build_params *p, struct pv_layout *l,
                      const char **why)
{
    uint64_t va, fixed_end;
    unsigned long nr_l1 = 1, prev = 0, pfn;

    memset(l, 0, sizeof(*l));
    l->v_start = k->virt_base;
    l->kernel_start = k->virt_kstart;
    l->kernel_end = ROUNDUP(k->virt_kend, PAGE_SIZE);
    l->initrd_by_pfn = p->domu && k->mod_start_pfn && p->initrd_len;
    l->p2m_outside = p->domu && k->init_p2m;
    va = l->kernel_end;
    if ( p->initrd_len && !l->initrd_by_pfn )
    {
        l->initrd_start = va;
        va += ROUNDUP((uint64_t)p->initrd_len, PAGE_SIZE);
    }
    if ( !l->p2m_outside )
    {
        l->p2m_start = va;
        va += ROUNDUP((uint64_t)p->nr_pages * 8, PAGE_SIZE);
    }
    l->start_info = va;
    va += PAGE_SIZE;
    if ( p->domu )
    {
        l->store_page = va;
        l->console_page = va + PAGE_SIZE;
        va += 2 * PAGE_SIZE;
    }
    l->pt_start = va;
    fixed_end = va;
    /* The tables map the region, which holds the tables: grow to a fixed point. */
    while ( nr_l1 != prev )
    {
        prev = nr_l1;
        l->nr_pt_frames = 3 + nr_l1; /* L4, L3, L2, L1s */
        l->stack_start = fixed_end + l->nr_pt_frames * PAGE_SIZE;
        l->v_end = ROUNDUP(l->stack_start + PAGE_SIZE + SLACK, ROUND_END);
        nr_l1 = (unsigned long)((l->v_end - ROUNDDOWN(l->v_start, L2_SPAN / 512)) +
                                (L2_SPAN / 512) - 1) / (L2_SPAN / 512);
    }
    l->stack_top = l->stack_start + PAGE_SIZE;
    l->entry = k->entry;
    if ( ROUNDDOWN(l->v_start, L2_SPAN) != ROUNDDOWN(l->v_end - 1, L2_SPAN) )
        return *why = "its start-of-day region does not fit one 1 GiB L2", -EINVAL;
    /* Past the mapped region: the initrd by pfn, then the p2m and its tables. */
    pfn = (unsigned long)((l->v_end - l->v_start) >> PAGE_SHIFT);
    if ( l->initrd_by_pfn )
    {
        l->initrd_pfn = pfn;
        pfn += (unsigned long)(ROUNDUP((uint64_t)p->initrd_len, PAGE_SIZE) >> PAGE_SHIFT);
    }
    if ( l->p2m_outside )
    {
        p2m_tables(l, p->nr_pages);
        l->p2m_start = k->init_p2m;
        l->p2m_pfn = pfn;
        pfn += l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1;
        if ( l->nr_p2m_l2 > 512 )
            return *why = "its p2m does not fit one L4 slot", -ENOMEM;
    }
    l->nr_used = pfn;
    if ( pfn > p->nr_pages )
        return *why = "the domain has too little memory for its image", -ENOMEM;
    return 0;
}

static void *page_of(const struct pv_build_mem *m, const struct pv_layout *l,
                     uint64_t va)
{
    return m->map_pfn(m->ctx, pv_va_to_pfn(l, va));
}

static uint64_t mfn_of(const struct pv_build_mem *m, const struct pv_layout *l,
                       uint64_t va)
{
    return m->pfn_to_mfn(m->ctx, pv_va_to_pfn(l, va));
}

/* Copy len bytes to offset off of the pages from pfn on, a page at a time. */
static void copy_to_pfn(const struct pv_build_mem *m, unsigned long pfn,
                        uint64_t off, const uint8_t *src, uint64_t len)
{
    pfn += (unsigned long)(off >> PAGE_SHIFT);
    off &= PAGE_SIZE - 1;
    while ( len )
    {
        uint64_t n = MIN(len, PAGE_SIZE - off);

        memcpy((uint8_t *)m->map_pfn(m->ctx, pfn) + off, src, n);
        pfn++, off = 0, src += n, len -= n;
    }
}

/* Copy len bytes to guest va in the mapped region. */
static void copy_in(const struct pv_build_mem *m, const struct pv_layout *l,
                    uint64_t va, const uint8_t *src, uint64_t len)
{
    copy_to_pfn(m, pv_va_to_pfn(l, va), va & (PAGE_SIZE - 1), src, len);
}

/* Zero [from, to) of the region, a page at a time through map_pfn. */
static void zero_range(const struct pv_build_mem *m, const struct pv_layout *l,
                       uint64_t from, uint64_t to)
{
    while ( from < to )
    {
        uint64_t off = from & (PAGE_SIZE - 1), n = MIN(to - from, PAGE_SIZE - off);

        memset((uint8_t *)page_of(m, l, from) + off, 0, n);
        from += n;
    }
}

/* The segments in address order (they are few and disjoint). */
static void sort_segments(const struct pv_kernel *k,
                          const struct pv_segment *order[PV_MAX_SEGMENTS])
{
    unsigned int i, j;

    for ( i = 0; i < k->nr_segments; i++ )
    {
        for ( j = i; j && order[j - 1]->vaddr > k->seg[i].vaddr; j-- )
            order[j] = order[j - 1];
        order[j] = &k->seg[i];
    }
}

/* The p2m's own mapping at INIT_P2M, hung off the region's L4. */
static void build_p2m_tables(const struct pv_build_mem *m,
                             const struct pv_layout *l)
{
    const uint64_t table = PTE_P | PTE_RW | PTE_US | PTE_A;
    unsigned long l3_pfn = l->p2m_pfn + l->nr_p2m_pages;
    unsigned long l2_pfn = l3_pfn + 1, l1_pfn = l2_pfn + l->nr_p2m_l2, i;
    uint64_t *l4 = page_of(m, l, l->pt_start);
    uint64_t *l3 = m->map_pfn(m->ctx, l3_pfn);

    /* INIT_P2M is 1 GiB aligned: the tables start at index 0 of each. */
    l4[(l->p2m_start >> 39) & 511] = (m->pfn_to_mfn(m->ctx, l3_pfn) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_p2m_l2; i++ )
        l3[((l->p2m_start >> 30) & 511) + i] =
            (m->pfn_to_mfn(m->ctx, l2_pfn + i) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_p2m_l1; i++ )
    {
        uint64_t *l2 = m->map_pfn(m->ctx, l2_pfn + i / 512);

        l2[i % 512] = (m->pfn_to_mfn(m->ctx, l1_pfn + i) << PAGE_SHIFT) | table;
    }
    for ( i = 0; i < l->nr_p2m_pages; i++ )
    {
        uint64_t *l1 = m->map_pfn(m->ctx, l1_pfn + i / 512);

        l1[i % 512] = (m->pfn_to_mfn(m->ctx, l->p2m_pfn + i) << PAGE_SHIFT) |
                      PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D;
    }
}

static void build_page_tables(const struct pv_build_mem *m,
                              const struct pv_layout *l)
{
    uint64_t *l4 = page_of(m, l, l->pt_start);
    uint64_t *l3 = page_of(m, l, l->pt_start + PAGE_SIZE);
    uint64_t *l2 = page_of(m, l, l->pt_start + 2 * PAGE_SIZE);
    uint64_t pt_end = l->pt_start + l->nr_pt_frames * PAGE_SIZE, va;
    const uint64_t table = PTE_P | PTE_RW | PTE_US | PTE_A;
    unsigned long i;

    l4[(l->v_start >> 39) & 511] = (mfn_of(m, l, l->pt_start + PAGE_SIZE) << PAGE_SHIFT) | table;
    l3[(l->v_start >> 30) & 511] = (mfn_of(m, l, l->pt_start + 2 * PAGE_SIZE) << PAGE_SHIFT) | table;
    for ( i = 0; i < l->nr_pt_frames - 3; i++ )
        l2[((l->v_start >> 21) & 511) + i] =
            (mfn_of(m, l, l->pt_start + (3 + i) * PAGE_SIZE) << PAGE_SHIFT) | table;
    /* Every page of the region, read-only if it is one of the tables. */
    for ( va = l->v_start; va < l->v_end; va += PAGE_SIZE )
    {
        unsigned long idx = (va - ROUNDDOWN(l->v_start, 2UL << 20)) >> PAGE_SHIFT;
        uint64_t *l1 = page_of(m, l, l->pt_start + (3 + idx / 512) * PAGE_SIZE);
        bool is_pt = va >= l->pt_start && va < pt_end;

        l1[idx % 512] = (mfn_of(m, l, va) << PAGE_SHIFT) | PTE_P | PTE_US |
                        PTE_A | PTE_D | (is_pt ? 0 : PTE_RW);
    }
}

static void fill_start_info(const struct pv_build_params *p,
                            const struct pv_layout *l, start_info_t *si)
{
    memset(si, 0, sizeof(*si));
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = p->nr_pages;
    si->shared_info = p->shared_info_maddr;
    si->flags = p->si_flags;
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m_start;
    si->mod_start = l->initrd_start;
    si->mod_len = p->initrd_len;
    if ( l->initrd_by_pfn )
    {
        /* Xen's tools hand it over in whole pages. */
        si->flags |= SIF_MOD_START_PFN;
        si->mod_start = l->initrd_pfn;
        si->mod_len = ROUNDUP((uint64_t)p->initrd_len, PAGE_SIZE);
    }
    if ( l->p2m_outside )
    {
        si->first_p2m_pfn = l->p2m_pfn;
        si->nr_p2m_frames = l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1;
    }
    if ( p->domu )
    {
        si->store_mfn = p->xs_mfn;
        si->store_evtchn = p->xs_evtchn;
        si->console.domU.mfn = p->cons_mfn;
        si->console.domU.evtchn = p->cons_evtchn;
    }
    if ( p->cmdline )
        strlcpy((char *)si->cmd_line, p->cmdline, sizeof(si->cmd_line));
}

int pv_build(const struct pv_kernel *k, const struct pv_build_params *p,
             const struct pv_layout *l, const struct pv_build_mem *mem,
             const void *initrd, const char **why)
{
    const struct pv_segment *order[PV_MAX_SEGMENTS];
    uint64_t va;
    unsigned long pfn;
    unsigned int i;

    *why = "";
    /*
     * Every byte of the region is written once: segment contents where the
     * file has them, zeroes everywhere else (the pages may hold anything,
     * unless they are known to be zero already).
     */
    sort_segments(k, order);
    va = l->v_start;
    for ( i = 0; i < k->nr_segments; i++ )
    {
        const struct pv_segment *sg = order[i];

        if ( !p->zeroed )
            zero_range(mem, l, va, sg->vaddr);
        copy_in(mem, l, sg->vaddr, k->image + sg->file_off, sg->filesz);
        va = sg->vaddr + sg->filesz;
    }
    if ( !p->zeroed )
        zero_range(mem, l, va, l->v_end);
    if ( l->initrd_by_pfn )
    {
        /* The tail of the last page is the guest's to see: clear it. */
        copy_to_pfn(mem, l->initrd_pfn, 0, initrd, p->initrd_len);
        if ( !p->zeroed && (p->initrd_len & (PAGE_SIZE - 1)) )
        {
            pfn = l->initrd_pfn + (unsigned long)(p->initrd_len >> PAGE_SHIFT);
            memset((uint8_t *)mem->map_pfn(mem->ctx, pfn) +
                       (p->initrd_len & (PAGE_SIZE - 1)),
                   0, PAGE_SIZE - (p->initrd_len & (PAGE_SIZE - 1)));
        }
    }
    else if ( p->initrd_len )
        copy_in(mem, l, l->initrd_start, initrd, p->initrd_len);
    if ( l->p2m_outside && !p->zeroed )
    {
        unsigned long n = l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1;

        for ( pfn = l->p2m_pfn; pfn < l->p2m_pfn + n; pfn++ )
            memset(mem->map_pfn(mem->ctx, pfn), 0, PAGE_SIZE);
    }
    for ( pfn = 0; pfn < p->nr_pages; pfn++ )
    {
        uint64_t mfn = mem->pfn_to_mfn(mem->ctx, pfn);

        if ( l->p2m_outside )
            copy_to_pfn(mem, l->p2m_pfn, (uint64_t)pfn * 8, (const uint8_t *)&mfn, 8);
        else
            copy_in(mem, l, l->p2m_start + pfn * 8, (const uint8_t *)&mfn, 8);
    }
    fill_start_info(p, l, page_of(mem, l, l->start_info));
    build_page_tables(mem, l);
    if ( l->p2m_outside )
        build_p2m_tables(mem, l);
    return 0;
}

/* add() for the pages under [va, va + len) of the region. */
static void add_va_range(const struct pv_layout *l, uint64_t va, uint64_t len,
                         void (*add)(void *, unsigned long, unsigned long),
                         void *ctx)
{
    unsigned long first = pv_va_to_pfn(l, va);

    if ( len )
        add(ctx, first, pv_va_to_pfn(l, va + len - 1) - first + 1);
}

void pv_build_pages(const struct pv_kernel *k, const struct pv_build_params *p,
                    const struct pv_layout *l,
                    void (*add)(void *ctx, unsigned long first, unsigned long n),
                    void *ctx)
{
    unsigned int i;

    if ( !p->zeroed )
    {
        add(ctx, 0, l->nr_used);
        return;
    }
    for ( i = 0; i < k->nr_segments; i++ )
        add_va_range(l, k->seg[i].vaddr, k->seg[i].filesz, add, ctx);
    if ( l->initrd_by_pfn && p->initrd_len )
        add(ctx, l->initrd_pfn,
            (unsigned long)((p->initrd_len + PAGE_SIZE - 1) >> PAGE_SHIFT));
    else if ( !l->initrd_by_pfn )
        add_va_range(l, l->initrd_start, p->initrd_len, add, ctx);
    if ( l->p2m_outside )
        add(ctx, l->p2m_pfn, l->nr_p2m_pages + 1 + l->nr_p2m_l2 + l->nr_p2m_l1);
    else
        add_va_range(l, l->p2m_start, (uint64_t)p->nr_pages * 8, add, ctx);
    add(ctx, pv_va_to_pfn(l, l->start_info), 1);
    add(ctx, pv_va_to_pfn(l, l->pt_start), l->nr_pt_frames);
}
