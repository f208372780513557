/* SPDX-License-Identifier: GPL-2.0-only */
/* A vCPU's FPU/SSE/AVX state: XSAVE when the CPU has it, FXSAVE otherwise. */
#ifndef ASM_XSTATE_H
#define ASM_XSTATE_H

#include <xenia/types.h>

#define X86_CR4_OSXSAVE 0x00040000

#define XSTATE_FP     (1ULL << 0)
#define XSTATE_SSE    (1ULL << 1)
#define XSTATE_YMM    (1ULL << 2)
#define XSTATE_FP_SSE (XSTATE_FP | XSTATE_SSE)
/* What Xenia can hold for a guest: x87, SSE and AVX in the standard format. */
#define XSTATE_XENIA  (XSTATE_FP_SSE | XSTATE_YMM)

/* Legacy region, XSAVE header, AVX upper halves at their fixed offset. */
#define XSAVE_HDR_OFFSET 512
#define XSAVE_YMM_OFFSET 576
#define XSAVE_AREA_SIZE  (XSAVE_YMM_OFFSET + 256)

struct vcpu;

/*
 * The components a guest may enable in XCR0: the CPU's, limited to
 * XSTATE_XENIA. 0 when the CPU has no XSAVE: guests then get FXSAVE
 * only, and CPUID hides XSAVE from them.
 */
extern uint64_t xstate_xcr0_max;
/* Bytes of the standard-format area for xstate_xcr0_max (CPUID 0xd.0 ECX). */
extern uint32_t xstate_size_max;

/* Each CPU at boot, after CR4.OSFXSR: CR4.OSXSAVE and a neutral XCR0. */
void xstate_init_cpu(unsigned int cpu);

/* A new vCPU's state: the FPU as after FNINIT, SSE/AVX at reset, XCR0 x87|SSE. */
void fpu_vcpu_init(struct vcpu *v);
/* VCPUOP_initialise's FXSAVE image, made safe to load. */
void fpu_vcpu_set_fxsave(struct vcpu *v, const void *fxsave_image);
/*
 * Context switch halves. Both run with CR0.TS clear whatever the guest
 * chose; fpu_restore leaves the vCPU's virtual TS in CR0.
 */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);

/*
 * XSETBV from the guest kernel (index, value): 0, or -EINVAL for a
 * register or a combination the CPU or Xenia does not allow (#GP).
 */
int xstate_guest_xsetbv(struct vcpu *v, uint32_t index, uint64_t value);

/* Pure: is xcr0 a combination the architecture accepts within max? */
bool xcr0_valid(uint64_t xcr0, uint64_t max);

#endif /* ASM_XSTATE_H */
