/* SPDX-License-Identifier: GPL-2.0-only */
/* Constants and structure offsets shared by the runtime's assembly and C. */
#ifndef GUEST_ASM_H
#define GUEST_ASM_H

#define PAGE_SIZE 4096

/* Virtual address of pseudo-physical frame 0 (XEN_ELFNOTE_VIRT_BASE). */
#define GUEST_VIRT_BASE 0xffffffff80000000
/* Where the image is linked: 1 MiB above VIRT_BASE, like Linux's 16 MiB. */
#define GUEST_LINK_ADDR 0xffffffff80100000

/* The runtime's own kernel stack (setup.c). */
#define BOOT_STACK_SIZE 16384

/* Pseudo-vectors for callbacks that arrive through trap_common. */
#define VEC_EVENT   256
#define VEC_SYSCALL 257

/* struct boot_regs (entry register state), one 8-byte slot each. */
#define BR_RAX    0
#define BR_RBX    8
#define BR_RCX    16
#define BR_RDX    24
#define BR_RSI    32
#define BR_RDI    40
#define BR_RBP    48
#define BR_RSP    56
#define BR_R8     64
#define BR_R9     72
#define BR_R10    80
#define BR_R11    88
#define BR_R12    96
#define BR_R13    104
#define BR_R14    112
#define BR_R15    120
#define BR_RFLAGS 128
#define BR_CS     136
#define BR_SS     144
#define BR_DS     152
#define BR_ES     160
#define BR_FS     168
#define BR_GS     176

/* struct user_ctx (user_enter/user_return). */
#define UC_RBX    0
#define UC_RBP    8
#define UC_R12    16
#define UC_R13    24
#define UC_R14    32
#define UC_R15    40
#define UC_KSP    48
#define UC_RIP    56
#define UC_USP    64
#define UC_RFLAGS 72
#define UC_ARG    80

#ifdef __ASSEMBLY__
#define GLOBAL(name)                                                           \
    .globl name;                                                               \
name:
#endif

#endif
