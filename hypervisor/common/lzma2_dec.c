/* SPDX-License-Identifier: GPL-2.0-only */
/* LZMA2: chunks of LZMA (or stored) data, and the LZMA range decoder. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/xz.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

#define PROB_BITS  11
#define PROB_INIT  (1u << (PROB_BITS - 1))
#define MOVE_BITS  5
#define RC_TOP     (1u << 24)
#define MATCH_MIN  2
#define LIT_STATES 7 /* states below this follow a literal */

/*
 * The range decoder reads one chunk's compressed bytes, whose end is
 * known. Past the end it reads zeros and keeps counting, so the hot path
 * has no error exit: the chunk is refused afterwards unless it consumed
 * exactly its bytes. Corrupt data cannot loop for long either, as every
 * symbol produces output and the chunk's output size is bounded.
 */
struct rc {
    uint32_t range, code;
    const uint8_t *in;
    size_t pos, end;
};

static ALWAYS_INLINE void rc_normalize(struct rc *rc)
{
    if ( rc->range < RC_TOP )
    {
        rc->range <<= 8;
        rc->code = (rc->code << 8) | (rc->pos < rc->end ? rc->in[rc->pos] : 0);
        rc->pos++;
    }
}

static ALWAYS_INLINE unsigned int rc_bit(struct rc *rc, uint16_t *p)
{
    uint32_t bound = (rc->range >> PROB_BITS) * *p;
    unsigned int bit;

    if ( rc->code < bound )
    {
        rc->range = bound;
        *p += ((1u << PROB_BITS) - *p) >> MOVE_BITS;
        bit = 0;
    }
    else
    {
        rc->range -= bound;
        rc->code -= bound;
        *p -= *p >> MOVE_BITS;
        bit = 1;
    }
    rc_normalize(rc);
    return bit;
}

/* Most significant bit first; p[1..2^n - 1] form the tree. */
static ALWAYS_INLINE unsigned int rc_tree(struct rc *rc, uint16_t *p,
                                          unsigned int nbits)
{
    unsigned int m = 1, i;

    for ( i = 0; i < nbits; i++ )
        m = (m << 1) | rc_bit(rc, &p[m]);
    return m - (1u << nbits);
}

/* Least significant bit first, as the low bits of distances are coded. */
static ALWAYS_INLINE unsigned int rc_tree_rev(struct rc *rc, uint16_t *p,
                                              unsigned int nbits)
{
    unsigned int m = 1, v = 0, i, bit;

    for ( i = 0; i < nbits; i++ )
    {
        bit = rc_bit(rc, &p[m]);
        m = (m << 1) | bit;
        v |= bit << i;
    }
    return v;
}

/* Bits of even probability, for the middle of long distances. */
static uint32_t rc_direct(struct rc *rc, unsigned int nbits)
{
    uint32_t v = 0;

    while ( nbits-- )
    {
        rc->range >>= 1;
        if ( rc->code >= rc->range )
        {
            rc->code -= rc->range;
            v = (v << 1) | 1;
        }
        else
            v <<= 1;
        rc_normalize(rc);
    }
    return v;
}

static ALWAYS_INLINE unsigned int decode_len(struct rc *rc,
                                             struct lzma_len_probs *l,
                                             unsigned int ps)
{
    if ( !rc_bit(rc, &l->choice) )
        return MATCH_MIN + rc_tree(rc, l->low[ps], 3);
    if ( !rc_bit(rc, &l->choice2) )
        return MATCH_MIN + 8 + rc_tree(rc, l->mid[ps], 3);
    return MATCH_MIN + 16 + rc_tree(rc, l->high, 8);
}

/*
 * A distance is a 6-bit slot (chosen by length, short matches being
 * nearer), then for slots >= 4 extra bits: modelled ones for slots below
 * 14, else direct bits and 4 modelled alignment bits.
 */
static uint32_t decode_dist(struct rc *rc, struct lzma_probs *pr,
                            unsigned int len)
{
    unsigned int slot = rc_tree(rc, pr->dist_slot[MIN(len - MATCH_MIN, 3u)], 6);
    unsigned int nbits;
    uint32_t base;

    if ( slot < 4 )
        return slot;
    nbits = (slot >> 1) - 1;
    base = (2u | (slot & 1)) << nbits;
    if ( slot < 14 )
        return base + rc_tree_rev(rc, pr->dist_special + base - slot - 1, nbits);
    base += rc_direct(rc, nbits - 4) << 4;
    return base + rc_tree_rev(rc, pr->dist_align, 4);
}

static void reset_state(struct lzma2_dec *s)
{
    uint16_t *p = (uint16_t *)&s->probs;
    size_t i, n = offsetof(struct lzma_probs, literal) / sizeof(uint16_t) +
                  (0x300u << (s->lc + s->lp));

    /* Only the literal contexts that lc and lp make reachable. */
    for ( i = 0; i < n; i++ )
        p[i] = PROB_INIT;
    s->state = 0;
    s->rep[0] = s->rep[1] = s->rep[2] = s->rep[3] = 0;
}

/* Copy within the output; the source may overlap what is being written. */
static ALWAYS_INLINE void copy_match(uint8_t *out, size_t pos, uint32_t rep0,
                                     unsigned int len)
{
    uint8_t *dst = out + pos;
    const uint8_t *src = dst - rep0 - 1;

    /* Eight at a time is safe when each word read lies wholly behind. */
    if ( rep0 >= 7 )
        for ( ; len >= 8; len -= 8, dst += 8, src += 8 )
        {
            uint64_t w;

            __builtin_memcpy(&w, src, 8);
            __builtin_memcpy(dst, &w, 8);
        }
    while ( len-- )
        *dst++ = *src++;
}

/*
 * One LZMA chunk: out[pos, end) from in[0, in_len). dict_start is where
 * the dictionary was last reset: nothing before it may be referred to,
 * and positions (for pb and lp) count from it.
 */
static int lzma_chunk(struct lzma2_dec *s, uint32_t dict_size,
                      const uint8_t *in, size_t in_len, uint8_t *out,
                      size_t pos, size_t end, size_t dict_start,
                      const char **why)
{
    struct lzma_probs *pr = &s->probs;
    struct rc rc = {0xffffffffu, 0, in, 5, in_len};
    unsigned int state = s->state, lc = s->lc;
    uint32_t rep0 = s->rep[0], rep1 = s->rep[1], rep2 = s->rep[2],
             rep3 = s->rep[3];
    size_t pb_mask = (1u << s->pb) - 1, lp_mask = (1u << s->lp) - 1;
    int rc_val = 0;

    if ( in_len < 5 || in[0] )
    {
        *why = "corrupt LZMA2 data (bad range coder start)";
        return -EINVAL;
    }
    rc.code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
              (uint32_t)in[3] << 8 | in[4];

    while ( pos < end )
    {
        size_t dpos = pos - dict_start;
        unsigned int ps = dpos & pb_mask, len;

        if ( !rc_bit(&rc, &pr->is_match[state][ps]) )
        {
            unsigned int prev = dpos ? out[pos - 1] : 0, sym = 1;
            uint16_t *lit = pr->literal +
                            0x300 * (((dpos & lp_mask) << lc) + (prev >> (8 - lc)));

            if ( state < LIT_STATES )
                do
                    sym = (sym << 1) | rc_bit(&rc, &lit[sym]);
                while ( sym < 0x100 );
            else
            {
                /*
                 * After a match the byte at rep0 predicts this one, bit
                 * by bit, until the first bit that differs from it.
                 */
                unsigned int mb = out[pos - rep0 - 1], mbit, bit;

                do
                {
                    mbit = (mb >> 7) & 1;
                    mb <<= 1;
                    bit = rc_bit(&rc, &lit[0x100 + (mbit << 8) + sym]);
                    sym = (sym << 1) | bit;
                } while ( sym < 0x100 && bit == mbit );
                while ( sym < 0x100 )
                    sym = (sym << 1) | rc_bit(&rc, &lit[sym]);
            }
            out[pos++] = (uint8_t)sym;
            state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
            continue;
        }

        if ( !rc_bit(&rc, &pr->is_rep[state]) )
        {
            len = decode_len(&rc, &pr->match_len, ps);
            state = state < LIT_STATES ? 7 : 10;
            rep3 = rep2;
            rep2 = rep1;
            rep1 = rep0;
            rep0 = decode_dist(&rc, pr, len);
            if ( rep0 == 0xffffffffu )
            {
                /* LZMA's end marker: LZMA2 chunks have sizes instead. */
                *why = "corrupt LZMA2 data (end marker inside a chunk)";
                rc_val = -EINVAL;
                break;
            }
        }
        else
        {
            if ( !rc_bit(&rc, &pr->is_rep0[state]) )
            {
                if ( !rc_bit(&rc, &pr->is_rep0_long[state][ps]) )
                {
                    /* A single byte from rep0. */
                    if ( !dpos || rep0 >= dpos )
                    {
                        *why = "corrupt LZMA2 data (distance beyond the dictionary)";
                        rc_val = -EINVAL;
                        break;
                    }
                    state = state < LIT_STATES ? 9 : 11;
                    out[pos] = out[pos - rep0 - 1];
                    pos++;
                    continue;
                }
            }
            else
            {
                uint32_t d;

                if ( !rc_bit(&rc, &pr->is_rep1[state]) )
                    d = rep1;
                else
                {
                    if ( !rc_bit(&rc, &pr->is_rep2[state]) )
                        d = rep2;
                    else
                    {
                        d = rep3;
                        rep3 = rep2;
                    }
                    rep2 = rep1;
                }
                rep1 = rep0;
                rep0 = d;
            }
            len = decode_len(&rc, &pr->rep_len, ps);
            state = state < LIT_STATES ? 8 : 11;
        }

        if ( rep0 >= dpos || rep0 >= dict_size )
        {
            *why = "corrupt LZMA2 data (distance beyond the dictionary)";
            rc_val = -EINVAL;
            break;
        }
        if ( len > end - pos )
        {
            *why = "corrupt LZMA2 data (match runs past its chunk)";
            rc_val = -EINVAL;
            break;
        }
        copy_match(out, pos, rep0, len);
        pos += len;
    }

    if ( !rc_val && (rc.pos != rc.end || rc.code) )
    {
        *why = "corrupt LZMA2 data (chunk size does not match its contents)";
        rc_val = -EINVAL;
    }
    s->state = state;
    s->rep[0] = rep0;
    s->rep[1] = rep1;
    s->rep[2] = rep2;
    s->rep[3] = rep3;
    return rc_val;
}

/* lc, lp and pb packed as (pb * 5 + lp) * 9 + lc. */
static int set_props(struct lzma2_dec *s, unsigned int b, const char **why)
{
    if ( b >= 9 * 5 * 5 )
        goto bad;
    s->lc = b % 9;
    b /= 9;
    s->lp = b % 5;
    s->pb = b / 5;
    if ( s->pb > 4 || s->lc + s->lp > 4 )
        goto bad;
    return 0;
bad:
    *why = "corrupt LZMA2 data (invalid lc/lp/pb)";
    return -EINVAL;
}

int lzma2_decode(struct lzma2_dec *s, uint32_t dict_size, const uint8_t *in,
                 size_t in_len, size_t *in_used, uint8_t *out, size_t out_cap,
                 size_t *out_len, const char **why)
{
    size_t ip = 0, op = 0, dict_start = 0;
    bool need_dict_reset = true, need_props = true;
    int rc;

    *in_used = *out_len = 0;
    for ( ;; )
    {
        unsigned int ctl;
        size_t usize, csize, hdr;

        if ( ip >= in_len )
            goto truncated;
        ctl = in[ip];
        if ( !ctl )
            break;
        if ( ctl >= 0x03 && ctl < 0x80 )
        {
            *why = "corrupt LZMA2 data (invalid control byte)";
            return -EINVAL;
        }
        /*
         * 0x01 and 0xe0..0xff reset the dictionary, which the first chunk
         * must do; after any reset the next LZMA chunk must say lc/lp/pb.
         */
        if ( ctl == 0x01 || ctl >= 0xe0 )
        {
            need_dict_reset = false;
            need_props = true;
            dict_start = op;
        }
        else if ( need_dict_reset )
        {
            *why = "corrupt LZMA2 data (no dictionary reset at its start)";
            return -EINVAL;
        }
        hdr = ctl >= 0xc0 ? 6 : ctl >= 0x80 ? 5 : 3;
        if ( in_len - ip < hdr )
            goto truncated;
        if ( ctl < 0x80 )
        {
            /* Stored: the bytes as they are, into the dictionary too. */
            usize = ((size_t)in[ip + 1] << 8 | in[ip + 2]) + 1;
            ip += hdr;
            if ( usize > in_len - ip )
                goto truncated;
            if ( usize > out_cap - op )
                goto no_space;
            memcpy(out + op, in + ip, usize);
            ip += usize;
            op += usize;
            continue;
        }
        usize = ((size_t)(ctl & 0x1f) << 16 | (size_t)in[ip + 1] << 8 |
                 in[ip + 2]) + 1;
        csize = ((size_t)in[ip + 3] << 8 | in[ip + 4]) + 1;
        if ( ctl >= 0xc0 )
        {
            rc = set_props(s, in[ip + 5], why);
            if ( rc )
                return rc;
            need_props = false;
            reset_state(s);
        }
        else if ( need_props )
        {
            *why = "corrupt LZMA2 data (LZMA chunk without properties)";
            return -EINVAL;
        }
        else if ( ctl >= 0xa0 )
            reset_state(s);
        ip += hdr;
        if ( csize > in_len - ip )
            goto truncated;
        if ( usize > out_cap - op )
            goto no_space;
        rc = lzma_chunk(s, dict_size, in + ip, csize, out, op, op + usize,
                        dict_start, why);
        if ( rc )
            return rc;
        ip += csize;
        op += usize;
    }
    *in_used = ip + 1;
    *out_len = op;
    return 0;

truncated:
    *why = "truncated LZMA2 data";
    return -EINVAL;
no_space:
    *why = "output buffer too small";
    return -ENOSPC;
}
