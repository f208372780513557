/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV guest's debug registers: one set of rules for hypercalls and moves. */
#ifndef ASM_DEBUGREG_H
#define ASM_DEBUGREG_H

#include <xenia/types.h>

#define DR6_RESERVED_ONES  0xffff0ff0UL
#define DR6_RESERVED_ZERO  0x1000UL /* bit 12 */
#define DR7_RESERVED_ONES  0x400UL
#define DR7_KEEP           0xffff27ffUL /* bits 11, 12, 14, 15 read as 0 */
#define DR7_GENERAL_DETECT 0x2000UL
#define DR7_ENABLES        0xffUL

struct vcpu;

/*
 * Pure: the register a guest's number names (DR4/DR5 are the old aliases
 * of DR6/DR7: PV guests never get CR4.DE), or -ENODEV (#UD for a move).
 */
int debugreg_index(unsigned int reg);
/*
 * Pure: the value to keep for a write of value to register index, or
 * -EPERM (not a guest's to set: a Xenia address, general detect, I/O
 * breakpoints) / -EINVAL (reserved bits); both are #GP for a move.
 */
int debugreg_check(unsigned int index, unsigned long value,
                   unsigned long *keep);

/* The running vCPU's registers, for set/get_debugreg and mov to/from %drN. */
int pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value);
int pv_get_debugreg(const struct vcpu *v, unsigned int reg,
                    unsigned long *value);

#endif /* ASM_DEBUGREG_H */
