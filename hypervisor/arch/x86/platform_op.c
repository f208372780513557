/* SPDX-License-Identifier: GPL-2.0-only */
/* platform_op: Dom0's window on the machine (CPUs, firmware, time of day). */
#include <xenia/acpi.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/time.h>
#include <asm/pv.h>
#include <xen/platform.h>

static long get_cpuinfo(struct xenpf_pcpuinfo *ci)
{
    unsigned int n = acpi_info.nr_cpus ? acpi_info.nr_cpus : 1;

    ci->max_present = n - 1;
    if ( ci->xen_cpuid >= n )
    {
        ci->flags = XEN_PCPU_FLAGS_INVALID;
        return 0;
    }
    ci->flags = XEN_PCPU_FLAGS_ONLINE;
    ci->apic_id = acpi_info.cpu_apic_id[ci->xen_cpuid];
    ci->acpi_id = acpi_info.cpu_acpi_id[ci->xen_cpuid];
    return 0;
}

/*
 * Xenia keeps no BIOS data from boot: no keyboard flags beyond zero, no
 * EDD disks (-ESRCH ends Linux's scan as on a machine without any), and
 * it is not booted from EFI.
 */
static long firmware_info(struct xenpf_firmware_info *fi)
{
    switch ( fi->type )
    {
    case XEN_FW_KBD_SHIFT_FLAGS:
        fi->u.kbd_shift_flags = 0;
        return 0;
    case XEN_FW_DISK_INFO:
    case XEN_FW_DISK_MBR_SIGNATURE:
        return -ESRCH;
    case XEN_FW_VBEDDC_INFO:
    case XEN_FW_EFI_INFO:
        return -ENOSYS;
    default:
        return -EINVAL;
    }
}

long do_platform_op(unsigned long arg)
{
    struct vcpu *v = current_vcpu();
    struct xen_platform_op op;
    long rc;

    if ( !v->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XENPF_INTERFACE_VERSION )
        return -EACCES;

    switch ( op.cmd )
    {
    case XENPF_get_cpuinfo:
        rc = get_cpuinfo(&op.u.pcpu_info);
        break;
    case XENPF_firmware_info:
        rc = firmware_info(&op.u.firmware_info);
        break;
    case XENPF_settime64:
        if ( op.u.settime64.mbz )
            return -EINVAL;
        /* fall through */
    case XENPF_settime32:
        if ( op.cmd == XENPF_settime64 )
            wallclock_set(op.u.settime64.secs, op.u.settime64.nsecs,
                          op.u.settime64.system_time);
        else
            wallclock_set(op.u.settime32.secs, op.u.settime32.nsecs,
                          op.u.settime32.system_time);
        domains_update_wallclock();
        return 0;
    default:
        return -ENOSYS;
    }
    if ( !rc && copy_to_guest(arg, &op, sizeof(op)) )
        return -EFAULT;
    return rc;
}
