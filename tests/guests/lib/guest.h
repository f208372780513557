/* SPDX-License-Identifier: GPL-2.0-only */
/* The API a guest test kernel uses: start of day, console, verdicts, traps, memory. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/errno.h>
#include "asm.h"
#include "hypercall.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- provided by each test ---- */

/* One line naming what the test covers, printed first. */
extern const char test_title[];
void test_main(void);

/* ---- start of day (setup.c) ---- */

struct boot_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rflags, cs, ss, ds, es, fs, gs;
};

/* Registers as the domain builder left them at _start. */
extern struct boot_regs boot_regs;
extern start_info_t *start_info;
/* Mapped by the runtime before test_main() runs. */
extern shared_info_t *shared_info;
extern vcpu_info_t *vcpu0;

/* ---- console (console.c) ---- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t len);
/*
 * From now on write the console to a DomU's console ring (struct
 * xencons_interface) and signal port, instead of console_io.
 */
void console_use_ring(void *ring, evtchn_port_t port);
/* Built by a toolstack (no SIF_INITDOMAIN, a console ring): output goes there. */
bool is_domu(void);

/* ---- verdicts (report.c) ---- */

/*
 * Each check prints one line. The run ends with exactly one
 * "Test result: SUCCESS|FAILURE|SKIP|ERROR" line, the most severe wins:
 * ERROR (the test itself or its environment broke) > FAILURE > SUCCESS
 * > SKIP (nothing could be checked).
 */
void test_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the test at once with ERROR. */
void test_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)))
__attribute__((noreturn));
bool test_check(bool ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Pass iff rc == want; prints both as numbers and errno names. */
bool test_rc(long rc, long want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *errno_name(long rc);
void test_finish(void) __attribute__((noreturn));

/* ---- traps and callbacks (traps.c) ---- */

struct trap_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* Bounce frame written by the hypervisor. */
    uint64_t rip, cs, rflags, rsp, ss;
};

struct trap_record {
    unsigned int count;
    uint64_t vector, error_code, rip, cs, rflags, rsp, cr2;
    uint64_t rcx, r11;
    uint64_t entry_rsp; /* rsp at the first instruction of the stub */
};

/* The last exception that hit an exception-table entry. */
extern struct trap_record last_trap;
/* rsp at the entry of the most recent stub (head.S). */
extern uint64_t trap_entry_rsp;

/*
 * Per-vector hook: return true if the trap was handled (regs may be
 * changed and are resumed through HYPERVISOR_iret).
 */
typedef bool (*trap_hook_t)(struct trap_regs *regs);
void trap_set_hook(unsigned int vector, trap_hook_t hook);

/*
 * Exception table: a faulting instruction at label 1 resumes at label 2.
 * EXTABLE(1b, 2b) inside an asm statement records the pair.
 */
#define EXTABLE(fault, fixup)                                                  \
    ".pushsection .ex_table, \"a\"\n\t"                                        \
    ".quad " #fault ", " #fixup "\n\t"                                         \
    ".popsection\n\t"

/* Reads or writes memory, returning the vector of a fault or -1. */
int probe_read(const volatile void *p, uint64_t *val_out);
int probe_write(volatile void *p, uint64_t val);

void traps_init(void);
/*
 * A secondary vCPU's start state for VCPUOP_initialise: kernel mode at
 * entry on its own stack, on the current page tables, upcalls masked.
 */
struct vcpu_guest_context;
void vcpu_context_init(struct vcpu_guest_context *c, void (*entry)(void),
                       void *stack, unsigned long stack_size);
/* The trap table traps_init() registers, for another vCPU's context. */
void traps_copy_table(struct trap_info *dst, unsigned int n);
/* Event channel upcall handling (events.c). */
void events_init(void);

extern void trap_entry_0(void), trap_entry_1(void), trap_entry_2(void);
extern void trap_entry_3(void), trap_entry_4(void), trap_entry_5(void);
extern void trap_entry_6(void), trap_entry_7(void), trap_entry_8(void);
extern void trap_entry_9(void), trap_entry_10(void), trap_entry_11(void);
extern void trap_entry_12(void), trap_entry_13(void), trap_entry_14(void);
extern void trap_entry_16(void), trap_entry_17(void), trap_entry_18(void);
extern void trap_entry_19(void), trap_entry_20(void), trap_entry_21(void);
extern void trap_entry_128(void);
extern void event_callback_entry(void), failsafe_callback_entry(void);
extern void syscall_callback_entry(void);

/* ---- user mode (head.S) ---- */

struct user_ctx {
    uint64_t rbx, rbp, r12, r13, r14, r15, ksp;
    uint64_t rip, usp, rflags, arg;
};
long user_enter(struct user_ctx *ctx);
void user_return(struct user_ctx *ctx, long value) __attribute__((noreturn));

/* ---- events (events.c) ---- */

/* Called from the upcall for each pending, unmasked port (after clearing). */
typedef void (*event_hook_t)(evtchn_port_t port);
void event_set_hook(event_hook_t hook);
extern volatile unsigned int upcall_count;
extern volatile unsigned int event_count[64];
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask_local(evtchn_port_t port);
void evtchn_clear(evtchn_port_t port);
bool evtchn_is_pending(evtchn_port_t port);

/* ---- memory (mm.c) ---- */

#define PTE_P        0x001ULL
#define PTE_RW       0x002ULL
#define PTE_US       0x004ULL
#define PTE_A        0x020ULL
#define PTE_D        0x040ULL
#define PTE_PS       0x080ULL
#define PTE_NX       (1ULL << 63)
#define PTE_MFN_MASK 0x000ffffffffff000ULL
#define PTE_MFN(pte) (((pte)&PTE_MFN_MASK) >> 12)

static inline unsigned int pt_index(unsigned long va, unsigned int level)
{
    return (va >> (12 + 9 * (level - 1))) & 511;
}

/* The machine-to-phys table, read-only at MACH2PHYS_VIRT_START. */
#define M2P ((const unsigned long *)MACH2PHYS_VIRT_START)

/* The p2m the builder wrote (start_info->mfn_list). */
unsigned long pfn_to_mfn(unsigned long pfn);
/* After the guest swapped a frame (populate, exchange): record it. */
void p2m_set(unsigned long pfn, unsigned long mfn);
/* VA in the bootstrap mapping of a pseudo-physical frame / the reverse. */
void *pfn_to_virt(unsigned long pfn);
unsigned long virt_to_pfn(const void *va);
unsigned long virt_to_mfn(const void *va);
uint64_t virt_to_maddr(const void *va);
/* VA of a machine frame in the bootstrap mapping (via the M2P), or NULL. */
void *mfn_to_virt(unsigned long mfn);

/* The current top-level table (kernel mode) and a walk through it. */
extern unsigned long cur_l4_mfn;
/* The entry of 'level' that maps va, or NULL if a higher level is absent. */
uint64_t *pt_entry(unsigned long va, unsigned int level);
uint64_t *l1_entry(unsigned long va);

/* Fresh zeroed, writable pages from the free area after the boot stack. */
void *alloc_page(void);
unsigned long alloc_pages_left(void);

/* update_va_mapping of va to mfn with flags (PTE_P added). */
long map_mfn(unsigned long va, unsigned long mfn, uint64_t flags);
long set_page_rw(const void *va, bool writable);
long mmuext_simple(unsigned int cmd, unsigned long arg);
long pin_table(unsigned int level, unsigned long mfn);
long unpin_table(unsigned long mfn);
/*
 * Zero the page and see whether it can become a page table: only if no
 * writable mapping or type reference of it is left anywhere (a check for
 * leaked references).
 */
bool no_writable_refs(void *page);
long mmu_update_one(uint64_t ptr, uint64_t val);

void mm_init(void);

/* ---- small libc (string.c) ---- */

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *h, const char *n);
size_t strlcpy(char *dst, const char *src, size_t size);

/* ---- CPU helpers ---- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;

    asm volatile("pushfq; pop %0" : "=r"(f));
    return f;
}

static inline void barrier(void)
{
    asm volatile("" ::: "memory");
}

/* pvclock: guest-visible system time in ns from vcpu_info time (time.c). */
uint64_t pvclock_read(const vcpu_time_info_t *t);
uint64_t system_time_ns(void);

#endif
