/* SPDX-License-Identifier: GPL-2.0-only */
/* Writable page-table emulation: guest writes straight into its own L1s. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <asm/flushtlb.h>
#include <asm/config.h>
#include <asm/pv.h>
#include <asm/regs.h>
#include <asm/pv_mm.h>

/*
 * Linux writes L1 entries of pinned tables with plain instructions (mov
 * while building, xchg in ptep_get_and_clear, lock and / lock btr to
 * clear bits; shared/research/linux-pv-abi.md, section 3.4). The table is
 * mapped read-only, so each such write faults; Xenia decodes it, computes
 * the new entry and installs it through the same checks as mmu_update.
 */

struct insn {
    unsigned int len;      /* bytes to skip */
    unsigned int opsize;   /* 1, 4 or 8 */
    int reg;               /* ModRM.reg with REX.R: the register operand */
    uint64_t imm;
    enum { OP_MOV, OP_XCHG, OP_CMPXCHG, OP_AND, OP_OR, OP_BTR, OP_BTS } op;
};

/* Length of a ModRM memory operand (ModRM byte included) at p. */
static int modrm_len(const uint8_t *p, unsigned int avail)
{
    unsigned int mod = p[0] >> 6, rm = p[0] & 7, n = 1;

    if ( mod == 3 )
        return -1; /* a register operand: not a memory write */
    if ( rm == 4 )
    {
        if ( avail < 2 )
            return -1;
        n++;
        if ( mod == 0 && (p[1] & 7) == 5 )
            n += 4; /* SIB with no base: disp32 */
    }
    if ( mod == 0 && rm == 5 )
        n += 4; /* RIP-relative */
    else if ( mod == 1 )
        n += 1;
    else if ( mod == 2 )
        n += 4;
    return n <= avail ? (int)n : -1;
}

static bool decode(const uint8_t *b, unsigned int avail, struct insn *in)
{
    unsigned int i = 0, rex = 0;
    int m;

    bool opsize16 = false;

    /*
     * lock, operand size, and segment overrides: the address comes from
     * CR2, and Linux on one CPU patches its lock prefixes into ds (0x3e).
     */
    while ( i < avail && (b[i] == 0xf0 || b[i] == 0x66 || b[i] == 0x2e ||
                          b[i] == 0x36 || b[i] == 0x3e || b[i] == 0x26 ||
                          b[i] == 0x64 || b[i] == 0x65) )
        opsize16 |= b[i++] == 0x66;
    if ( i < avail && (b[i] & 0xf0) == 0x40 )
        rex = b[i++];
    if ( i + 2 > avail )
        return false;
    in->opsize = (rex & 8) ? 8 : opsize16 ? 2 : 4;
    in->imm = 0;
    if ( b[i] == 0x0f ) /* two-byte opcodes */
    {
        uint8_t op2 = b[i + 1];

        i += 2;
        if ( i >= avail || (m = modrm_len(b + i, avail - i)) < 0 )
            return false;
        in->reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
        if ( op2 == 0xb1 )
            in->op = OP_CMPXCHG;
        else if ( op2 == 0xb3 || op2 == 0xab )
            in->op = op2 == 0xb3 ? OP_BTR : OP_BTS;
        else if ( op2 == 0xba && (((b[i] >> 3) & 7) == 6 || ((b[i] >> 3) & 7) == 5) )
        {
            in->op = ((b[i] >> 3) & 7) == 6 ? OP_BTR : OP_BTS;
            in->reg = -1;
            if ( i + m >= avail )
                return false;
            in->imm = b[i + m];
            m++;
        }
        else
            return false;
        in->len = i + m;
        return true;
    }
    {
        uint8_t op = b[i++];

        if ( (m = modrm_len(b + i, avail - i)) < 0 )
            return false;
        in->reg = ((b[i] >> 3) & 7) | ((rex & 4) ? 8 : 0);
        switch ( op )
        {
        case 0x89:
            in->op = OP_MOV;
            break;
        case 0x87:
            in->op = OP_XCHG;
            break;
        case 0xc7: /* mov $imm32 (sign-extended), or $imm16 */
        {
            unsigned int isz = in->opsize == 2 ? 2 : 4;

            if ( ((b[i] >> 3) & 7) || i + m + isz > avail )
                return false;
            in->op = OP_MOV;
            in->reg = -1;
            in->imm = isz == 2 ? *(const uint16_t *)(b + i + m)
                               : (uint64_t)(int64_t) * (const int32_t *)(b + i + m);
            m += isz;
            break;
        }
        case 0x80: /* and/or $imm8 on a byte */
            if ( i + m + 1 > avail )
                return false;
            if ( ((b[i] >> 3) & 7) == 4 )
                in->op = OP_AND;
            else if ( ((b[i] >> 3) & 7) == 1 )
                in->op = OP_OR;
            else
                return false;
            in->opsize = 1;
            in->reg = -1;
            in->imm = b[i + m];
            m++;
            break;
        default:
            return false;
        }
        in->len = i + m;
        return true;
    }
}

/*
 * The two forms every fault and every unmap of a Linux guest write with
 * (set_pte's mov and ptep_get_and_clear's xchg: REX.W, 0x89 or 0x87, a
 * register and a [base] or [base+disp] operand), decoded without
 * decode()'s walk over prefixes and opcodes. Any other form, prefix or
 * addressing (SIB, RIP-relative) is left to decode(); the result for
 * these is the same as decode()'s.
 */
static bool decode_common(const uint8_t *b, unsigned int avail,
                          struct insn *in)
{
    unsigned int mod, rm, len;

    if ( avail < 3 || (b[0] & 0xf8) != 0x48 || (b[1] != 0x89 && b[1] != 0x87) )
        return false;
    mod = b[2] >> 6;
    rm = b[2] & 7;
    if ( mod == 3 || rm == 4 || (mod == 0 && rm == 5) )
        return false;
    len = 3 + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
    if ( len > avail )
        return false;
    in->len = len;
    in->opsize = 8;
    in->reg = ((b[2] >> 3) & 7) | ((b[0] & 4) ? 8 : 0);
    in->imm = 0;
    in->op = b[1] == 0x87 ? OP_XCHG : OP_MOV;
    return true;
}

/*
 * What the instruction does to the guest's registers, applied only once
 * the entry is written: a refused write must leave them as they were.
 */
struct insn_effects {
    int reg;          /* the register xchg or cmpxchg loads, or -1 */
    uint64_t reg_val;
    uint64_t rflags;
};

/* Apply the instruction to the 8-byte entry; false for unsupported forms. */
static bool compute(struct cpu_user_regs *regs, const struct insn *in,
                    unsigned int byte, uint64_t old, uint64_t *new,
                    struct insn_effects *fx)
{
    uint64_t src = in->reg >= 0 ? *guest_gpr(regs, in->reg) : in->imm;
    uint64_t mask, cur;

    if ( in->opsize == 1 )
    {
        mask = 0xffUL << (byte * 8);
        cur = (old & mask) >> (byte * 8);
        cur = in->op == OP_AND ? (cur & src) : (cur | src);
        *new = (old & ~mask) | ((cur & 0xff) << (byte * 8));
        return true;
    }
    if ( in->op == OP_MOV && (byte || in->opsize != 8) )
    {
        /* A partial write (movl of one half, say): merge into the entry. */
        if ( byte + in->opsize > 8 )
            return false;
        mask = (in->opsize == 8 ? ~0UL : (1UL << (in->opsize * 8)) - 1)
               << (byte * 8);
        *new = (old & ~mask) | ((src << (byte * 8)) & mask);
        return true;
    }
    if ( byte || in->opsize != 8 )
        return false; /* the read-modify-write forms Linux uses are 64-bit */
    switch ( in->op )
    {
    case OP_MOV:
        *new = src;
        return true;
    case OP_XCHG:
        *new = src;
        fx->reg = in->reg;
        fx->reg_val = old;
        return true;
    case OP_CMPXCHG:
        if ( regs->rax != old )
        {
            /* compare failed: ZF clear, nothing written */
            fx->reg = 0; /* rax */
            fx->reg_val = old;
            fx->rflags &= ~0x40UL;
            *new = old;
            return true;
        }
        fx->rflags |= 0x40UL;
        *new = src;
        return true;
    case OP_BTR:
    case OP_BTS:
        src &= 63;
        fx->rflags = (fx->rflags & ~1UL) | ((old >> src) & 1); /* CF */
        *new = in->op == OP_BTR ? old & ~(1UL << src) : old | (1UL << src);
        return true;
    default:
        return false;
    }
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs,
                     unsigned long addr, uint32_t ec)
{
    /*
     * 16 bytes, one more than an instruction may have: two 8-byte steps
     * for raw_copy rather than one and seven single ones. decode() still
     * sees at most 15.
     */
    uint8_t bytes[16];
    unsigned int avail = sizeof(bytes);
    struct page_info *pg;
    struct insn in = {0};
    struct insn_effects fx = {.reg = -1, .rflags = regs->rflags};
    pte_t *map, *target;
    uint64_t old, new;
    mfn_t mfn;
    bool ok;

    /* A write to a present read-only page, from the guest kernel. */
    if ( (ec & 3) != 3 || !v->arch.kernel_mode ||
         !guest_range_ok(addr, 1) || !(map = pv_guest_l1e(v, addr, NULL)) ||
         !(*map & _PAGE_PRESENT) )
        return false;
    mfn = pte_mfn(*map);
    if ( !mfn_valid(mfn) )
        return false;
    pg = mfn_to_page(mfn);
    /* Whether it is an L1 is asked once, under the lock below. */
    if ( !get_page(pg, v->domain->domain_id) )
        return false;
    while ( avail && copy_from_guest(bytes, regs->rip, avail) )
        avail--;
    ok = decode_common(bytes, avail, &in) ||
         (avail && decode(bytes, avail < 15 ? avail : 15, &in));
    target = (pte_t *)((char *)mfn_to_virt(mfn) + (addr & (PAGE_SIZE - 8)));
    /*
     * Read, compute and write under the lock, so that an emulated
     * cmpxchg or xchg is atomic against other vCPUs' updates, and the
     * frame is still an L1 when it is written.
     */
    spin_lock(&v->domain->mm_lock);
    ok = ok && pv_page_table_level(pg) == 1;
    old = *target;
    ok = ok && compute(regs, &in, addr & 7, old, &new, &fx);
    if ( ok && new != old )
        ok = pv_mod_entry(v->domain, v->domain, target, 1, new, false) == 0;
    spin_unlock(&v->domain->mm_lock);
    put_page(pg);
    if ( !ok )
        return false; /* bounced to the guest as the #PF it was */
    if ( fx.reg >= 0 )
        *guest_gpr(regs, fx.reg) = fx.reg_val;
    regs->rflags = fx.rflags;
    regs->rip += in.len;
    /* No flush: as after mmu_update, stale entries are the guest's call. */
    return true;
}
