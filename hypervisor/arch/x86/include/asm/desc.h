/* SPDX-License-Identifier: GPL-2.0-only */
/* GDT, IDT and TSS of each CPU. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <xenia/types.h>

struct __attribute__((packed, aligned(16))) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[n - 1] is IST stack n */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_DB  4

/* Vectors Xenia owns (exceptions are 0-31). */
#define LEGACY_PIC_VECTOR_BASE 0x20 /* masked; only spurious ones arrive */
#define SERIAL_VECTOR          0x40 /* COM1 input, through the IO-APIC */
#define LOCAL_TIMER_VECTOR     0xf0
/* IPIs (smp.c): higher vectors are served first. */
#define STOP_VECTOR            0xfa /* halt for good (shutdown, panic) */
#define TIMER_IPI_VECTOR       0xfb /* a remote set_timer changed our head */
#define EVENT_CHECK_VECTOR     0xfc /* look at softirqs and events on exit */
#define INVALIDATE_TLB_VECTOR  0xfd /* flush the TLB (flushtlb.c) */
#define ERROR_APIC_VECTOR      0xfe
#define SPURIOUS_APIC_VECTOR   0xff

/* Load this CPU's GDT, IDT and TSS; stack_block is its aligned stack. */
void desc_init_cpu(unsigned int cpu, void *gdt, unsigned long stack_block);

extern const unsigned long entry_stubs[256];

#endif /* ASM_DESC_H */
