/* SPDX-License-Identifier: GPL-2.0-only */
/* Basic types shared by hypervisor and host builds of Xenia's pure code. */
#ifndef XENIA_TYPES_H
#define XENIA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef int64_t s_time_t; /* nanoseconds of system time */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/*
 * Frame numbers get their own types so that mixing a machine frame with a
 * guest frame, or either with a plain number, does not compile (the files
 * in tests/unit/compile_fail/ check that they don't). They are structs in
 * every build: the cost is nil and the check is worth more than a
 * debug-only variant. A guest value becomes one where it is read
 * (_mfn(op.mfn)), and a plain number again only where the ABI or the
 * hardware wants one (mfn_x() in a PTE, a guest-visible field).
 */
#define TYPE_SAFE(type_, name_)                                                \
    typedef struct {                                                           \
        type_ name_;                                                           \
    } name_##_t;                                                               \
    static inline name_##_t _##name_(type_ n)                                  \
    {                                                                          \
        return (name_##_t){n};                                                 \
    }                                                                          \
    static inline type_ name_##_x(name_##_t n)                                 \
    {                                                                          \
        return n.name_;                                                        \
    }

TYPE_SAFE(unsigned long, mfn); /* machine frame */
TYPE_SAFE(unsigned long, gfn); /* guest (pseudo-physical) frame */

#define INVALID_MFN_RAW (~0UL)
#define INVALID_MFN     _mfn(INVALID_MFN_RAW)
#define INVALID_GFN_RAW (~0UL)
#define INVALID_GFN     _gfn(INVALID_GFN_RAW) /* an M2P entry of no frame */

static inline bool mfn_eq(mfn_t a, mfn_t b)
{
    return mfn_x(a) == mfn_x(b);
}

static inline bool gfn_eq(gfn_t a, gfn_t b)
{
    return gfn_x(a) == gfn_x(b);
}

/* The frame i after m (frames of one extent are contiguous). */
static inline mfn_t mfn_add(mfn_t m, unsigned long i)
{
    return _mfn(mfn_x(m) + i);
}

static inline gfn_t gfn_add(gfn_t g, unsigned long i)
{
    return _gfn(gfn_x(g) + i);
}

static inline paddr_t mfn_to_maddr(mfn_t m)
{
    return (paddr_t)mfn_x(m) << PAGE_SHIFT;
}

static inline mfn_t maddr_to_mfn(paddr_t pa)
{
    return _mfn((unsigned long)(pa >> PAGE_SHIFT));
}

#endif /* XENIA_TYPES_H */
