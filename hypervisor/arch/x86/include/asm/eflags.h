/* SPDX-License-Identifier: GPL-2.0-only */
/* The RFLAGS bits Xenia reads or sets on its own and its guests' behalf. */
#ifndef ASM_EFLAGS_H
#define ASM_EFLAGS_H

#define X86_EFLAGS_TF   0x00000100
#define X86_EFLAGS_IF   0x00000200
#define X86_EFLAGS_DF   0x00000400
#define X86_EFLAGS_IOPL 0x00003000
#define X86_EFLAGS_NT   0x00004000
#define X86_EFLAGS_RF   0x00010000
#define X86_EFLAGS_VM   0x00020000
#define X86_EFLAGS_AC   0x00040000

#endif /* ASM_EFLAGS_H */
