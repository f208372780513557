/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks 32-bit user space in a 64-bit PV guest: compat SYSCALL, SYSENTER and int $0x80 bounces, their frames and callbacks. */
#include "guest.h"
#include <xen/callback.h>

const char test_title[] = "compat32: syscall32/sysenter callbacks, 32-bit "
                          "user mode on FLAT_RING3_CS32";

/* Mapped only in the user L4 (slot 0), below 4 GiB for compat mode. */
#define USER_CODE_VA  0x400000UL
#define USER_DATA_VA  0x401000UL
#define USER_STACK_VA 0x402000UL /* top of the data page */

#define SYS_EXIT  2
#define EXIT_CODE 0x600d

#define EFLAGS_TF 0x100UL
#define EFLAGS_IF 0x200UL
#define EFLAGS_DF 0x400UL

#define XSTR(x) STR(x)
#define STR(x)  #x

/*
 * The 32-bit user program, copied to USER_CODE_VA. Each test entry puts a
 * value in %edi, asks for an "echo" (eax 1: the kernel answers edi + 1)
 * by one of the three system call instructions, stores the answer in the
 * data page and exits by int $0x80 (eax 2). After SYSENTER the kernel
 * resumes at the landing pad that follows it, on the stack in %ebp, as
 * Linux's vDSO arranges.
 */
asm(".pushsection .rodata\n"
    ".code32\n"
    "u32_start:\n"
    "u32_syscall_test:\n\t"
    "mov $" XSTR(USER_DATA_VA) ", %ebx\n\t"
    "mov $1, %eax\n\t"
    "mov $41, %edi\n\t"
    "std\n"
    "u32_syscall:\n\t"
    "syscall\n"
    "u32_after_syscall:\n\t"
    "cld\n\t"
    "mov %eax, 0(%ebx)\n\t"
    "jmp u32_exit\n"
    "u32_sysenter_test:\n\t"
    "mov $" XSTR(USER_DATA_VA) ", %ebx\n\t"
    "mov $1, %eax\n\t"
    "mov $51, %edi\n\t"
    "mov $0x5e5e, %ecx\n\t"
    "mov %esp, %ebp\n"
    "u32_sysenter:\n\t"
    "sysenter\n"
    "u32_after_sysenter:\n\t"
    "mov %eax, 4(%ebx)\n\t"
    "jmp u32_exit\n"
    "u32_int80_test:\n\t"
    "mov $" XSTR(USER_DATA_VA) ", %ebx\n\t"
    "mov $1, %eax\n\t"
    "mov $61, %edi\n"
    "u32_int80:\n\t"
    "int $0x80\n"
    "u32_after_int80:\n\t"
    "mov %eax, 8(%ebx)\n\t"
    "jmp u32_exit\n"
    /* SYSENTER with TF set: the single step lands in the hypervisor. */
    "u32_sysenter_tf_test:\n\t"
    "mov $" XSTR(USER_DATA_VA) ", %ebx\n\t"
    "mov $1, %eax\n\t"
    "mov $71, %edi\n\t"
    "mov %esp, %ebp\n\t"
    "pushf\n\t"
    "orl $0x100, (%esp)\n\t"
    "popf\n\t"
    "sysenter\n"
    "u32_after_sysenter_tf:\n\t"
    "mov %eax, 12(%ebx)\n\t"
    "jmp u32_exit\n"
    "u32_exit:\n\t"
    "mov $" XSTR(SYS_EXIT) ", %eax\n\t"
    "mov $" XSTR(EXIT_CODE) ", %edi\n\t"
    "int $0x80\n\t"
    "ud2\n"
    "u32_end:\n"
    ".code64\n"
    ".popsection");
extern const char u32_start[], u32_end[], u32_syscall_test[], u32_syscall[],
    u32_after_syscall[], u32_sysenter_test[], u32_sysenter[],
    u32_after_sysenter[],
    u32_int80_test[], u32_after_int80[], u32_sysenter_tf_test[],
    u32_after_sysenter_tf[];

/* The user address of a label in the 32-bit program. */
static unsigned long uva(const char *label)
{
    return USER_CODE_VA + (unsigned long)(label - u32_start);
}

/*
 * long user_enter32(struct user_ctx *ctx): as user_enter (head.S), but
 * irets to the compat code segment FLAT_USER_CS32; user_return() comes
 * back here.
 */
long user_enter32(struct user_ctx *ctx);
asm(".pushsection .text\n"
    "user_enter32:\n\t"
    "mov %rbx, " XSTR(UC_RBX) "(%rdi)\n\t"
    "mov %rbp, " XSTR(UC_RBP) "(%rdi)\n\t"
    "mov %r12, " XSTR(UC_R12) "(%rdi)\n\t"
    "mov %r13, " XSTR(UC_R13) "(%rdi)\n\t"
    "mov %r14, " XSTR(UC_R14) "(%rdi)\n\t"
    "mov %r15, " XSTR(UC_R15) "(%rdi)\n\t"
    "mov %rsp, " XSTR(UC_KSP) "(%rdi)\n\t"
    "pushq $" XSTR(FLAT_RING3_SS32) "\n\t"
    "pushq " XSTR(UC_USP) "(%rdi)\n\t"
    "pushq " XSTR(UC_RFLAGS) "(%rdi)\n\t"
    "pushq $" XSTR(FLAT_RING3_CS32) "\n\t"
    "pushq " XSTR(UC_RIP) "(%rdi)\n\t"
    "xor %eax, %eax\n\t"
    "xor %ecx, %ecx\n\t"
    "xor %r11d, %r11d\n\t"
    "jmp hypercall_iret_frame\n"
    ".popsection");

static uint8_t kstack[8192] __attribute__((aligned(16)));
static struct user_ctx uctx;
static uint32_t *udata;

/* A callback or trap frame as the kernel found it. */
struct frame_record {
    unsigned int count;
    uint64_t rip, cs, rflags, rsp, ss, rcx, r11, rbp, error_code;
    uint64_t entry_rsp, kernel_rflags;
    uint8_t mask_at_entry;
};
static struct frame_record sc32, sysent, int80, ud, gp;
static unsigned int debug_traps;

static void record(struct frame_record *f, const struct trap_regs *r)
{
    f->count++;
    f->rip = r->rip;
    f->cs = r->cs;
    f->rflags = r->rflags;
    f->rsp = r->rsp;
    f->ss = r->ss;
    f->rcx = r->rcx;
    f->r11 = r->r11;
    f->rbp = r->rbp;
    f->error_code = r->error_code;
    f->entry_rsp = trap_entry_rsp;
    f->kernel_rflags = read_rflags();
    f->mask_at_entry = vcpu0->evtchn_upcall_mask;
}

/*
 * The syscall, syscall32 and sysenter callbacks all enter through
 * syscall_callback_entry; the frame's CS tells them apart (SYSENTER
 * leaves a null ring-3 selector there, as Xen does).
 */
static unsigned long sysenter_landing;

static bool syscall_hook(struct trap_regs *r)
{
    bool sysenter = (r->cs & 0xffff) == 3;

    record(sysenter ? &sysent : &sc32, r);
    r->rax = (uint32_t)r->rdi + 1;
    if ( sysenter )
    {
        /* What Linux does: back to the vDSO's landing pad, on %ebp. */
        r->rip = sysenter_landing;
        r->rsp = (uint32_t)r->rbp;
        r->cs = FLAT_USER_CS32;
        r->ss = FLAT_USER_SS32;
        r->rflags &= ~EFLAGS_TF;
    }
    return true;
}

/*
 * Ends the user program: the hook's HYPERVISOR_iret goes to user_return()
 * in kernel mode (RPL 0 in the frame's CS) with events masked, so that
 * trap_dispatch() unwinds as after any other trap.
 */
static bool leave_user(struct trap_regs *r, long value)
{
    r->rip = (unsigned long)user_return;
    r->cs = FLAT_KERNEL_CS & ~3;
    r->ss = FLAT_KERNEL_SS;
    r->rsp = (uctx.ksp - 256) & ~15UL;
    r->rflags = 0x2;
    r->rdi = (unsigned long)&uctx;
    r->rsi = (unsigned long)value;
    return true;
}

static bool int80_hook(struct trap_regs *r)
{
    if ( (uint32_t)r->rax == SYS_EXIT )
        return leave_user(r, (uint32_t)r->rdi);
    record(&int80, r);
    r->rax = (uint32_t)r->rdi + 1;
    return true;
}

/* #UD and #GP from the user program end it. */
static bool ud_hook(struct trap_regs *r)
{
    if ( (r->cs & 3) != 3 )
        return false;
    record(&ud, r);
    return leave_user(r, -6);
}

static bool gp_hook(struct trap_regs *r)
{
    if ( (r->cs & 3) != 3 )
        return false;
    record(&gp, r);
    return leave_user(r, -13);
}

static bool debug_hook(struct trap_regs *r)
{
    (void)r;
    debug_traps++;
    return false; /* not expected at all: unexpected() reports it */
}

/* L3 -> L2 -> L1 -> the code and data pages, the tables read-only. */
static uint64_t build_user_slot0(void)
{
    uint64_t *l3 = alloc_page(), *l2 = alloc_page(), *l1 = alloc_page();
    const uint64_t f = PTE_P | PTE_RW | PTE_US | PTE_A;
    uint8_t *code = alloc_page();

    memcpy(code, u32_start, (size_t)(u32_end - u32_start));
    udata = alloc_page();
    l1[pt_index(USER_CODE_VA, 1)] =
        ((uint64_t)virt_to_mfn(code) << 12) | PTE_P | PTE_US | PTE_A;
    l1[pt_index(USER_DATA_VA, 1)] =
        ((uint64_t)virt_to_mfn(udata) << 12) | f | PTE_D;
    l2[pt_index(USER_CODE_VA, 2)] = ((uint64_t)virt_to_mfn(l1) << 12) | f;
    l3[pt_index(USER_CODE_VA, 3)] = ((uint64_t)virt_to_mfn(l2) << 12) | f;
    if ( set_page_rw(l1, false) || set_page_rw(l2, false) ||
         set_page_rw(l3, false) )
        test_error("cannot make the user page tables read-only");
    return ((uint64_t)virt_to_mfn(l3) << 12) | f;
}

static void setup_user(void)
{
    uint64_t *ul4 = alloc_page();
    const uint64_t *kl4 = mfn_to_virt(cur_l4_mfn);
    unsigned long mfn;

    ul4[0] = build_user_slot0();
    ul4[511] = kl4[511];
    if ( set_page_rw(ul4, false) )
        test_error("cannot make the user L4 read-only");
    mfn = virt_to_mfn(ul4);
    test_rc(pin_table(4, mfn), 0, "pin the user L4");
    test_rc(mmuext_simple(MMUEXT_NEW_USER_BASEPTR, mfn), 0,
            "MMUEXT_NEW_USER_BASEPTR");
    test_rc(hypercall_stack_switch(FLAT_KERNEL_SS,
                                   (unsigned long)kstack + sizeof(kstack)),
            0, "stack_switch to the kernel stack for user bounces");
    trap_set_hook(VEC_SYSCALL, syscall_hook);
    trap_set_hook(128, int80_hook);
    trap_set_hook(6, ud_hook);
    trap_set_hook(13, gp_hook);
    trap_set_hook(1, debug_hook);
}

static long run32(const char *entry)
{
    long ret;

    uctx.rip = uva(entry);
    uctx.usp = USER_STACK_VA;
    uctx.rflags = 0x202;
    ret = user_enter32(&uctx);
    test_check(vcpu0->evtchn_upcall_mask == 1, "back in the kernel with "
               "events masked");
    return ret;
}

static long callback(unsigned int cmd, unsigned int type, unsigned long addr,
                     unsigned int flags)
{
    struct callback_register reg = {
        .type = type, .flags = flags, .address = addr};
    struct callback_unregister unreg = {.type = type};

    return hypercall_callback_op(cmd, cmd == CALLBACKOP_register
                                          ? (const void *)&reg
                                          : (const void *)&unreg);
}

/*
 * SYSENTER leads into the hypervisor only on CPUs that have it in long
 * mode (Intel's and their kin; not AMD's, where Xen does not set it up).
 * QEMU's default CPU is an AMD one; compat32-intel boots this test on an
 * Intel one so that the sysenter callback is tested too.
 */
static enum {
    SYSENTER_FAULTS,   /* an AMD CPU: the instruction faults in user mode */
    SYSENTER_CALLBACK, /* an Intel CPU: into the hypervisor, to the guest */
    SYSENTER_NOT_RUN,  /* the command line says not to try */
} sysenter_mode;

static bool sysenter_in_long_mode(void)
{
    static const char *const vendors[] = {"GenuineIntel", "CentaurHauls",
                                          "  Shanghai  "};
    uint32_t a, b, c, d, v[3];
    unsigned int i;

    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0));
    v[0] = b, v[1] = d, v[2] = c;
    for ( i = 0; i < ARRAY_SIZE(vendors); i++ )
        if ( !memcmp(v, vendors[i], sizeof(v)) )
            return true;
    return false;
}

/*
 * Elsewhere SYSENTER is just an instruction that faults in user mode:
 * #UD on AMD's CPUs, #GP(0) under QEMU (which lets it run with a null
 * MSR_IA32_SYSENTER_CS), on the instruction either way.
 */
static void check_sysenter_faults(long ret, const char *when)
{
    test_check((ret == -13 && gp.rip == uva(u32_sysenter) &&
                gp.error_code == 0) ||
                   (ret == -6 && ud.rip == uva(u32_sysenter)),
               "sysenter %s on this CPU: the CPU's fault on the "
               "instruction (%ld)",
               when, ret);
}

/* Before any 32-bit callback exists: what a CPU without them would do. */
static void without_callbacks(void)
{
    long ret;

    ret = run32(u32_syscall_test);
    test_check(ret == -6 && ud.count == 1 && ud.rip == uva(u32_syscall),
               "compat syscall with no syscall32 callback: #UD on the "
               "instruction (rip %#lx, want %#lx)",
               ud.rip, uva(u32_syscall));
    test_check((ud.cs & 0xffff) == FLAT_USER_CS32,
               "#UD frame cs %#lx is FLAT_USER_CS32", ud.cs & 0xffff);

    if ( sysenter_mode == SYSENTER_NOT_RUN )
        return;
    ret = run32(u32_sysenter_test);
    if ( sysenter_mode == SYSENTER_CALLBACK )
        /* Xen's SYSENTER entry saves no %eip: the #GP says rip 0, cs 3. */
        test_check(ret == -13 && gp.count == 1 && gp.error_code == 0 &&
                       gp.rip == 0 && (gp.cs & 0xffff) == 3,
                   "sysenter with no callback: #GP(%#lx) at %#lx cs %#lx "
                   "(Xen: #GP(0) at 0, cs 3)",
                   gp.error_code, gp.rip, gp.cs & 0xffff);
    else
        check_sysenter_faults(ret, "with no callback");
}

static void register_callbacks(void)
{
    unsigned long entry = (unsigned long)syscall_callback_entry;

    test_rc(callback(CALLBACKOP_register, CALLBACKTYPE_syscall, entry,
                     CALLBACKF_mask_events),
            0, "register the syscall callback, masking events");
    /* The 64-bit syscall flag applies to syscall32 too (checked below). */
    test_rc(callback(CALLBACKOP_register, CALLBACKTYPE_syscall32, entry, 0),
            0, "register CALLBACKTYPE_syscall32 without mask_events");
    test_rc(callback(CALLBACKOP_register, CALLBACKTYPE_sysenter, entry,
                     CALLBACKF_mask_events),
            0, "register CALLBACKTYPE_sysenter, masking events");
    test_rc(callback(CALLBACKOP_register, CALLBACKTYPE_syscall32,
                     0x0000800000000000UL, 0),
            -XEN_EINVAL, "a non-canonical syscall32 callback is refused");
    test_rc(callback(CALLBACKOP_register, CALLBACKTYPE_sysenter,
                     0xffff7fffffff0000UL, 0),
            -XEN_EINVAL, "a non-canonical sysenter callback is refused");
    test_rc(callback(CALLBACKOP_unregister, CALLBACKTYPE_syscall32, 0, 0),
            -XEN_EINVAL, "syscall32 cannot be unregistered (as in Xen)");
    test_rc(callback(CALLBACKOP_unregister, CALLBACKTYPE_sysenter, 0, 0),
            -XEN_EINVAL, "sysenter cannot be unregistered (as in Xen)");
    test_rc(callback(CALLBACKOP_unregister, CALLBACKTYPE_syscall, 0, 0),
            -XEN_EINVAL, "syscall cannot be unregistered (as in Xen)");
}

static void check_syscall32(void)
{
    unsigned long top = (unsigned long)kstack + sizeof(kstack);
    long ret = run32(u32_syscall_test);

    test_check(ret == EXIT_CODE && udata[0] == 42,
               "compat syscall reached the syscall32 callback and returned "
               "%u to 32-bit user mode (exit %#lx)",
               udata[0], ret);
    test_check(sc32.count == 1 && sc32.rip == uva(u32_after_syscall) &&
                   (uint32_t)sc32.rcx == sc32.rip,
               "syscall32 frame rip = rcx = after the syscall (%#lx)",
               sc32.rip);
    test_check((sc32.cs & 0xffff) == FLAT_USER_CS32 &&
                   sc32.ss == FLAT_USER_SS32,
               "syscall32 frame cs %#lx ss %#lx are FLAT_USER_CS32/SS32",
               sc32.cs & 0xffff, sc32.ss);
    test_check(sc32.rsp == USER_STACK_VA, "syscall32 frame rsp %#lx",
               sc32.rsp);
    test_check(sc32.r11 == sc32.rflags && (sc32.rflags & EFLAGS_IF) &&
                   (sc32.rflags & EFLAGS_DF),
               "syscall32 frame: r11 = user rflags %#lx (IF and DF set)",
               sc32.rflags);
    test_check(!(sc32.kernel_rflags & EFLAGS_DF),
               "the syscall32 callback runs with DF clear");
    test_check(sc32.mask_at_entry == 1 && ((sc32.cs >> 32) & 0xff) == 0,
               "syscall32 bounce masked events by the syscall callback's "
               "flag (mask %u, saved %lu)",
               sc32.mask_at_entry, (sc32.cs >> 32) & 0xff);
    test_check(sc32.entry_rsp == top - 7 * 8,
               "syscall32 frame on the stack_switch stack (top - %#lx)",
               top - sc32.entry_rsp);
}

static void check_sysenter(void)
{
    unsigned long top = (unsigned long)kstack + sizeof(kstack);
    long ret;

    if ( sysenter_mode == SYSENTER_NOT_RUN )
        return;
    sysenter_landing = uva(u32_after_sysenter);
    ret = run32(u32_sysenter_test);
    if ( sysenter_mode == SYSENTER_FAULTS )
    {
        check_sysenter_faults(ret, "with a callback");
        test_note("no SYSENTER in long mode on this CPU: callback not "
                  "checked");
        return;
    }
    test_check(ret == EXIT_CODE && udata[1] == 52,
               "sysenter reached the sysenter callback and returned %u to "
               "the landing pad (exit %#lx)",
               udata[1], ret);
    test_check(sysent.count == 1 && sysent.rip == 0 && sysent.rsp == 0 &&
                   (sysent.cs & 0xffff) == 3 && sysent.ss == FLAT_USER_SS,
               "sysenter frame rip %#lx cs %#lx rsp %#lx ss %#lx (Xen: 0, 3, "
               "0, FLAT_USER_SS)",
               sysent.rip, sysent.cs & 0xffff, sysent.rsp, sysent.ss);
    test_check((uint32_t)sysent.rcx == 0x5e5e &&
                   (uint32_t)sysent.rbp == USER_STACK_VA,
               "sysenter leaves the user's registers (ecx %#x, ebp %#x)",
               (uint32_t)sysent.rcx, (uint32_t)sysent.rbp);
    test_check((sysent.rflags & EFLAGS_IF) && !(sysent.rflags & EFLAGS_TF),
               "sysenter frame rflags %#lx has IF", sysent.rflags);
    test_check(sysent.mask_at_entry == 1 && ((sysent.cs >> 32) & 0xff) == 0,
               "sysenter bounce masked events (mask %u, saved %lu)",
               sysent.mask_at_entry, (sysent.cs >> 32) & 0xff);
    test_check(sysent.entry_rsp == top - 7 * 8,
               "sysenter frame on the stack_switch stack (top - %#lx)",
               top - sysent.entry_rsp);

    /* The user's TF single-steps into the hypervisor's SYSENTER entry. */
    sysenter_landing = uva(u32_after_sysenter_tf);
    ret = run32(u32_sysenter_tf_test);
    test_check(ret == EXIT_CODE && udata[3] == 72 && sysent.count == 2 &&
                   (sysent.rflags & EFLAGS_TF) && debug_traps == 0,
               "sysenter with TF set: callback frame rflags %#lx keeps TF, "
               "no #DB reached the guest",
               sysent.rflags);
}

static void check_int80(void)
{
    struct trap_info dpl0[] = {
        {128, 0, FLAT_KERNEL_CS, (unsigned long)trap_entry_128},
        {0, 0, 0, 0},
    };
    struct trap_info dpl3[] = {
        {128, 3, FLAT_KERNEL_CS, (unsigned long)trap_entry_128},
        {0, 0, 0, 0},
    };
    long ret = run32(u32_int80_test);

    test_check(ret == EXIT_CODE && udata[2] == 62 && int80.count == 1,
               "int $0x80 from 32-bit user mode bounced and returned %u",
               udata[2]);
    test_check(int80.rip == uva(u32_after_int80) &&
                   (int80.cs & 0xffff) == FLAT_USER_CS32 &&
                   int80.ss == FLAT_USER_SS32 && int80.rsp == USER_STACK_VA,
               "int $0x80 frame rip %#lx cs %#lx ss %#lx rsp %#lx",
               int80.rip, int80.cs & 0xffff, int80.ss, int80.rsp);

    /*
     * Xen gives int $0x80 a DPL-3 gate of its own that bounces to the
     * guest's handler without looking at the DPL the guest gave it.
     */
    test_rc(hypercall_set_trap_table(dpl0), 0, "trap 0x80 with DPL 0");
    udata[2] = 0;
    ret = run32(u32_int80_test);
    test_check(ret == EXIT_CODE && udata[2] == 62 && int80.count == 2,
               "int $0x80 reaches a DPL-0 handler too, as on Xen (exit "
               "%ld)",
               ret);
    test_rc(hypercall_set_trap_table(dpl3), 0, "trap 0x80 back to DPL 3");
}

void test_main(void)
{
    sysenter_mode =
        sysenter_in_long_mode() ? SYSENTER_CALLBACK : SYSENTER_FAULTS;
    test_note("this CPU %s SYSENTER in long mode",
              sysenter_mode == SYSENTER_CALLBACK ? "has" : "lacks");
    /*
     * Xen 4.17 under QEMU with an Intel CPU double-faults in its own
     * SYSENTER entry: its MSR_IA32_SYSENTER_ESP still points at the boot
     * stack it left. compat32-intel/boot.conf says so on Xen.
     */
    if ( strstr((const char *)start_info->cmd_line, "no-sysenter") )
    {
        sysenter_mode = SYSENTER_NOT_RUN;
        test_skip("sysenter not run here (no-sysenter on the command line: "
                  "Xen 4.17 on QEMU's Intel CPU would crash)");
    }
    setup_user();
    without_callbacks();
    register_callbacks();
    check_syscall32();
    check_sysenter();
    check_int80();
}
