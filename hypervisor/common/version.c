/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_xen_version: what a guest may learn about the hypervisor. */
#include <xenia/arch.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xenia/version.h>
#include <xen/features.h>
#include <xen/version.h>

/*
 * Xenia implements the interface of Xen 4.17, so it reports that version
 * (guests compare it against the features they use) and says what it
 * really is in the extra version.
 */
#define ABI_MAJOR 4
#define ABI_MINOR 17


/*
 * The XENFEAT bits Xenia honours for 64-bit PV guests. Linux panics
 * without mmu_pt_update_preserve_ad and gnttab_map_avail_bits; it must
 * not see writable_page_tables, which Xen reports only for translated
 * guests (shared/research/linux-pv-abi.md, section 0).
 */
static uint32_t pv_features(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1u << XENFEAT_gnttab_map_avail_bits) |
                 (1u << XENFEAT_pae_pgdir_above_4gb);

    if ( d->is_privileged )
        f |= 1u << XENFEAT_dom0;
    return f;
}

static long copy_string(unsigned long arg, const char *s, size_t size)
{
    char buf[1024] = "";

    strlcpy(buf, s, MIN(size, sizeof(buf)));
    return copy_to_guest(arg, buf, size) ? -EFAULT : 0;
}

long do_xen_version(unsigned int cmd, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;

    switch ( cmd )
    {
    case XENVER_version:
        return (ABI_MAJOR << 16) | ABI_MINOR;
    case XENVER_extraversion:
        return copy_string(arg, "-xenia-" XENIA_VERSION,
                           sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string(arg, "xen-3.0-x86_64 ", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, "xenia", sizeof(xen_changeset_info_t));
    case XENVER_compile_info:
    {
        struct xen_compile_info ci;

        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "xenia", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "xenia", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
        return copy_to_guest(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
    }
    case XENVER_platform_parameters:
    {
        xen_platform_parameters_t p = {.virt_start = HYPERVISOR_VIRT_START};

        return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }
    case XENVER_get_features:
    {
        xen_feature_info_t fi;

        if ( copy_from_guest(&fi, arg, sizeof(fi)) )
            return -EFAULT;
        if ( fi.submap_idx >= XENFEAT_NR_SUBMAPS )
            return -EINVAL;
        fi.submap = pv_features(d);
        return copy_to_guest(arg, &fi, sizeof(fi)) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
    {
        xen_domain_handle_t h;

        memset(h, 0, sizeof(h));
        h[15] = (uint8_t)d->domain_id;
        return copy_to_guest(arg, h, sizeof(h)) ? -EFAULT : 0;
    }
    case XENVER_commandline:
        if ( !d->is_privileged )
            return -EPERM;
        return copy_string(arg, hypervisor_cmdline(),
                           sizeof(xen_commandline_t));
    case XENVER_build_id:
        return -ENODATA; /* no build id note in the image */
    default:
        return -ENOSYS;
    }
}
