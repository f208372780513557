/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's virtual memory layout and fixed sizes (C and assembly). */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

/*
 * Everything Xenia maps lives in L4 slots 256-271, the range the Xen
 * x86-64 PV ABI reserves for the hypervisor (HYPERVISOR_VIRT_START to
 * HYPERVISOR_VIRT_END in <xen/arch-x86/xen-x86_64.h>), so that 64-bit PV
 * guests own the rest of the address space. The slots are copied into
 * every guest L4. Addresses follow Xen's own choices where the ABI or
 * guests can see them, so that guests find things where they expect:
 *
 *  slot 256  0xffff800000000000  read-only M2P table (MACH2PHYS_VIRT_START)
 *  slot 257  0xffff808000000000  writable alias of the M2P (hypervisor only)
 *  slot 260  0xffff820000000000  per-domain mappings (GDT/LDT), later
 *  slot 261  0xffff82c000000000  ioremap area (MMIO: APIC, IO-APIC, HPET)
 *            0xffff82d080000000  hypervisor image (phys 0..1 GiB alias)
 *  slot 262+ 0xffff830000000000  direct map of all RAM, up to slot 271
 */
#define L4_SLOT_VA(s) (0xffff000000000000 | ((s) << 39))

#define HYPERVISOR_L4_FIRST 256
#define HYPERVISOR_L4_LAST  271

#define RO_MPT_VIRT_START   0xffff800000000000
#define RO_MPT_VIRT_END     0xffff804000000000 /* 256 GiB: 2^35 entries */
#define RDWR_MPT_VIRT_START 0xffff808000000000 /* slot 257, hypervisor-only */
#define RDWR_MPT_VIRT_END   0xffff80c000000000
#define PERDOMAIN_VIRT_START 0xffff820000000000
#define IOREMAP_VIRT_START  0xffff82c000000000
#define IOREMAP_VIRT_END    0xffff82c040000000 /* 1 GiB */
#define XEN_VIRT_START      0xffff82d080000000
#define XEN_IMAGE_MAX       0x0000000040000000 /* one boot L2: 1 GiB */
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_VIRT_END  0xffff880000000000 /* 5 TiB of RAM at most */

/* Where the boot loader puts the image (the ELF's physical address). */
#define XEN_LOAD_PHYS 0x200000

/*
 * Each CPU has one naturally aligned stack block. The IST stacks for
 * #DF, NMI, #MC and #DB sit at its bottom so that every handler, on
 * whichever stack it runs, finds struct cpu_info at the top of the block
 * by masking its stack pointer.
 */
#define STACK_ORDER 3
#define STACK_SIZE  (4096 << STACK_ORDER)
#define IST_DF_PAGE  0
#define IST_NMI_PAGE 1
#define IST_MC_PAGE  2
#define IST_DB_PAGE  3

/*
 * GDT: guests own the first 14 pages; Xenia's entries start at 0xe000
 * (FIRST_RESERVED_GDT_* in the ABI's <xen/arch-x86/xen.h>).
 */
#define GDT_ENTRIES 8192 /* 16 pages */

/*
 * Xenia's selectors. The ring-3 ones are the ABI's FLAT_RING3_* values
 * (desc.c checks that they agree); their order (CS32, DS, CS64) is what
 * SYSRET needs with STAR = 0xe023.
 */
#define __HYPERVISOR_CS   0xe008
#define __HYPERVISOR_DS   0xe010
#define __HYPERVISOR_CS32 0xe018
#define __RING3_CS32      0xe023
#define __RING3_DS        0xe02b
#define __RING3_CS64      0xe033
/* The ABI's guest selectors, for assembly (xen.h is C-only). */
#define FLAT_KERNEL_CS_ASM   0xe033
#define FLAT_KERNEL_SS_ASM   0xe02b
#define FLAT_RING3_CS32_ASM  0xe023
#define TSS_SELECTOR      0xe040 /* 16-byte system descriptor */
#define LDT_SELECTOR      0xe050 /* 16-byte system descriptor */

/*
 * struct cpu_info sits in the top CPU_INFO_RESERVE bytes of each stack
 * block; the boot code needs the size before C runs. In 64-bit mode the
 * CPU aligns the stack to 16 bytes before pushing an interrupt frame, so
 * the end of the guest frame's ss slot (TSS.RSP0, 0xa8 bytes into
 * cpu_info) must be 16-aligned, or frames from guests land 8 bytes low
 * and the exit path never sees them: hence 8 mod 16. C stacks start
 * CPU_STACK_TOP below the block's end, 16-aligned as the ABI wants.
 */
#define CPU_INFO_RESERVE 520
#define CPU_STACK_TOP    (CPU_INFO_RESERVE + 8)

#ifdef __ASSEMBLY__
#define sym_phys(s) ((s) - XEN_VIRT_START)
#else
#define __va(pa) ((void *)((unsigned long)(pa) + DIRECTMAP_VIRT_START))
#define __pa(va) ((paddr_t)((unsigned long)(va) - DIRECTMAP_VIRT_START))
/* A frame in the direct map, and back. */
#define mfn_to_virt(mfn) __va(mfn_to_maddr(mfn))
#define virt_to_mfn(va)  maddr_to_mfn(__pa(va))
#define xen_va_to_phys(va) ((paddr_t)((unsigned long)(va) - XEN_VIRT_START))
/* Either kind of hypervisor address: the image's, or the direct map's. */
#define virt_to_maddr(va)                                                      \
    ((unsigned long)(va) < DIRECTMAP_VIRT_START ? xen_va_to_phys(va)          \
                                                : __pa(va))
#endif

#endif /* ASM_CONFIG_H */
