/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot 1 and 2 entry: from 32-bit protected mode into 64-bit C. */
#include <asm/config.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>

#define MB1_HEADER_MAGIC 0x1badb002
#define MB1_HEADER_FLAGS 0x00000003 /* page-align modules, memory info */
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0
#define MB1_LOADER_MAGIC 0x2badb002
#define MB2_LOADER_MAGIC 0x36d76289

#define BOOT_CS64 0x08
#define BOOT_DS   0x10

        .section .text.head, "ax", @progbits
        .code32
        .globl  start
start:
        jmp     __start

        /* Multiboot 1 (QEMU -kernel, older loaders). */
        .balign 4
multiboot1_header:
        .long   MB1_HEADER_MAGIC
        .long   MB1_HEADER_FLAGS
        .long   -(MB1_HEADER_MAGIC + MB1_HEADER_FLAGS)

        /* Multiboot 2 (GRUB2's multiboot2 command). */
        .balign 8
multiboot2_header:
        .long   MB2_HEADER_MAGIC
        .long   MB2_ARCH_I386
        .long   multiboot2_header_end - multiboot2_header
        .long   -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + \
                  (multiboot2_header_end - multiboot2_header))
        /* Information request: all optional, so any loader can boot us. */
        .balign 8
mb2_info_req:
        .short  1, 1
        .long   mb2_info_req_end - mb2_info_req
        .long   1, 2, 3, 6, 14, 15 /* cmdline, loader, modules, mmap, RSDPs */
mb2_info_req_end:
        /* Page-align modules: Dom0's kernel and initrd are handed over by page. */
        .balign 8
        .short  6, 0
        .long   8
        .balign 8
        .short  0, 0
        .long   8
multiboot2_header_end:

        /* Say why we stop, on COM1, before anything else works. */
early_fail:
        mov     $0x3f8 + 5, %dx
1:      in      %dx, %al
        test    $0x20, %al
        jz      1b
        mov     $0x3f8, %dx
        lodsb
        test    %al, %al
        jz      2f
        out     %al, %dx
        jmp     early_fail
2:      cli
        hlt
        jmp     2b

__start:
        cld
        cli
        mov     %eax, %ebp      /* loader magic */
        mov     %ebx, %esi      /* loader info, physical */

        /* The loader may not clear .bss; the boot stack lives there. */
        mov     $sym_phys(__bss_start), %edi
        mov     $sym_phys(__bss_end), %ecx
        sub     %edi, %ecx
        xor     %eax, %eax
        rep stosb

        mov     %ebp, sym_phys(boot_mb_magic)
        mov     %esi, sym_phys(boot_mb_info)
        mov     $sym_phys(cpu0_stack) + STACK_SIZE - CPU_STACK_TOP, %esp

        cmp     $MB1_LOADER_MAGIC, %ebp
        je      1f
        cmp     $MB2_LOADER_MAGIC, %ebp
        je      1f
        mov     $sym_phys(msg_no_multiboot), %esi
        jmp     early_fail
1:
        /* Long mode is the one CPU feature we cannot do without. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebx      /* keep NX (bit 20) for EFER below */

        mov     $(X86_CR4_PAE | X86_CR4_PSE), %eax
        mov     %eax, %cr4
        mov     $sym_phys(idle_l4), %eax
        mov     %eax, %cr3

        mov     $MSR_EFER, %ecx
        rdmsr
        or      $(EFER_LME | EFER_SCE), %eax
        bt      $20, %ebx
        jnc     2f
        or      $EFER_NXE, %eax
2:      wrmsr

        mov     $(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP), %eax
        mov     %eax, %cr0
        lgdt    sym_phys(boot_gdtr)
        ljmp    $BOOT_CS64, $sym_phys(start64_low)

no_long_mode:
        mov     $sym_phys(msg_no_long_mode), %esi
        jmp     early_fail

        .code64
start64_low:
        /* Still running at the physical address: leap to the image's VA. */
        movabs  $start64, %rax
        jmp     *%rax
start64:
        lgdt    boot_gdtr_va(%rip)
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        movabs  $cpu0_stack + STACK_SIZE - CPU_STACK_TOP, %rsp
        mov     boot_mb_magic(%rip), %edi
        mov     boot_mb_info(%rip), %esi
        xor     %ebp, %ebp      /* ends the frame-pointer chain */
        call    start_xenia
        ud2

        .section .rodata.boot, "a", @progbits
msg_no_multiboot:
        .asciz  "Xenia: not started by a Multiboot loader; halting.\r\n"
msg_no_long_mode:
        .asciz  "Xenia: this CPU has no 64-bit long mode; halting.\r\n"

        .section .data.boot, "aw", @progbits
        .balign 8
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff /* 64-bit ring-0 code */
        .quad   0x00cf92000000ffff /* ring-0 data */
boot_gdt_end:
        .word   0, 0, 0
boot_gdtr:
        .word   boot_gdt_end - boot_gdt - 1
        .long   sym_phys(boot_gdt)
        .long   0
        .word   0, 0, 0
boot_gdtr_va:
        .word   boot_gdt_end - boot_gdt - 1
        .quad   boot_gdt

        .globl  boot_mb_magic, boot_mb_info
boot_mb_magic:  .long 0
boot_mb_info:   .long 0

/*
 * Boot page tables. The low 4 GiB are mapped three times with 2 MiB
 * pages: identity (to survive enabling paging; removed in C), as the
 * start of the direct map, and the first 1 GiB at XEN_VIRT_START for the
 * image. C code extends the direct map over all RAM later and keeps
 * idle_l4 as the hypervisor's own page table.
 */
        .section .data.page_aligned, "aw", @progbits
        .balign 4096
        .globl  idle_l4
idle_l4:
        .quad   sym_phys(l3_dmap) + PAGE_TABLE_ENTRY   /* identity, slot 0 */
        .fill   260, 8, 0
        .quad   sym_phys(l3_xen) + PAGE_TABLE_ENTRY    /* slot 261 */
        .quad   sym_phys(l3_dmap) + PAGE_TABLE_ENTRY   /* slot 262 */
        .fill   512 - 263, 8, 0

        .globl  l3_dmap
l3_dmap:
        .quad   sym_phys(l2_dmap) + 0x0000 + PAGE_TABLE_ENTRY
        .quad   sym_phys(l2_dmap) + 0x1000 + PAGE_TABLE_ENTRY
        .quad   sym_phys(l2_dmap) + 0x2000 + PAGE_TABLE_ENTRY
        .quad   sym_phys(l2_dmap) + 0x3000 + PAGE_TABLE_ENTRY
        .fill   508, 8, 0

        .globl  l3_xen
l3_xen:
        .fill   322, 8, 0       /* (XEN_VIRT_START >> 30) & 511; checked in C */
        .quad   sym_phys(l2_dmap) + PAGE_TABLE_ENTRY
        .fill   511 - 322, 8, 0

l2_dmap:
        .set    i, 0
        .rept   2048
        .quad   (i << 21) + PAGE_HYPERVISOR_RW + _PAGE_PSE
        .set    i, i + 1
        .endr
