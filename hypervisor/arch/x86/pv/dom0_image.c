/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0's image: checking the kernel module and laying it out in memory. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <asm/config.h>
#include <asm/pv_dom0.h>

/*
 * The start-of-day layout (kernel, initrd, start_info, p2m, bootstrap
 * page tables) is being written as a hardware-independent builder shared
 * with the toolstack. Until it is in, Dom0 construction checks what it
 * was given and says plainly that it cannot go further.
 */
int dom0_build_image(struct domain *d, const struct boot_module *kernel,
                     const struct boot_module *initrd, const char *cmdline,
                     const unsigned long *p2m, unsigned long nr,
                     struct dom0_image *img)
{
    const uint8_t *k = __va(kernel->start);

    (void)d, (void)initrd, (void)cmdline, (void)p2m, (void)nr, (void)img;
    if ( kernel->size < 64 || memcmp(k, "\177ELF", 4) )
    {
        printk(XENLOG_ERR "Dom0 kernel is not an ELF image (Xenia needs a "
                          "64-bit Xen PV kernel)\n");
        return -EINVAL;
    }
    printk(XENLOG_ERR "Dom0: building a PV image is not implemented yet\n");
    return -ENOSYS;
}
