/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing a Xen PV kernel and laying out its start-of-day memory. */
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
