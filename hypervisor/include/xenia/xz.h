/* SPDX-License-Identifier: GPL-2.0-only */
/* XZ decompression in one call: the .xz container, LZMA2, the x86 BCJ filter. */
#ifndef XENIA_XZ_H
#define XENIA_XZ_H

#include <xenia/types.h>

/*
 * Pure code: no allocation, no printing, no hardware; everything it
 * touches is passed in. The whole input and the whole output are in
 * memory at once, which is what keeps it simple: the output buffer is
 * also LZMA's dictionary (matches copy from earlier output), and the x86
 * BCJ filter runs over each block's output once LZMA2 has finished it.
 *
 * Errors are negative errno values with *why set to a static sentence:
 *  -EINVAL     malformed or corrupt input, including truncation;
 *  -EBADMSG    a CRC (of a header, the index or the data) does not match;
 *  -EOPNOTSUPP valid XZ this decoder lacks: SHA-256 or reserved checks,
 *              filters other than x86 BCJ and LZMA2;
 *  -ENOSPC     the output does not fit in the buffer.
 * On error the output buffer holds garbage up to its capacity.
 */

/*
 * LZMA's adaptive bit probabilities, 11-bit fixed point. LZMA2 limits
 * lc + lp to 4, which bounds the literal coder at 16 contexts of 0x300.
 */
#define LZMA_STATES      12
#define LZMA_POS_STATES  16 /* 1 << pb, pb <= 4 */
#define LZMA_LIT_PROBS   (0x300 << 4)

struct lzma_len_probs {
    uint16_t choice, choice2;
    uint16_t low[LZMA_POS_STATES][8], mid[LZMA_POS_STATES][8];
    uint16_t high[256];
};

struct lzma_probs {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES];
    uint16_t is_rep[LZMA_STATES], is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES], is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES];
    uint16_t dist_slot[4][64];
    uint16_t dist_special[114]; /* slots 4..13: 2^bits - 1 each */
    uint16_t dist_align[16];
    struct lzma_len_probs match_len, rep_len;
    uint16_t literal[LZMA_LIT_PROBS];
};

/* What an LZMA2 stream carries from chunk to chunk (about 28 KiB). */
struct lzma2_dec {
    struct lzma_probs probs;
    uint32_t rep[4];
    unsigned int state, lc, lp, pb;
};

/* The caller's scratch space, so that nothing big lives on the stack. */
struct xz_workspace {
    struct lzma2_dec lzma2;
};

/*
 * Decode the .xz file in[0, in_len) (one or more streams, with stream
 * padding between them) into out[0, out_cap); *out_len is the size
 * decoded. Every check the format has is verified; CRC32, CRC64 and "none"
 * checks are accepted.
 */
int xz_decode(const void *in, size_t in_len, void *out, size_t out_cap,
              size_t *out_len, struct xz_workspace *ws, const char **why);

/*
 * The pieces, for xz_decode and tests. lzma2_decode decodes one LZMA2
 * stream (a block's compressed data, up to and including its end byte)
 * from in[0, in_len) into out[0, out_cap), refusing matches further back
 * than dict_size. *in_used and *out_len say how much it read and wrote.
 */
int lzma2_decode(struct lzma2_dec *s, uint32_t dict_size, const uint8_t *in,
                 size_t in_len, size_t *in_used, uint8_t *out, size_t out_cap,
                 size_t *out_len, const char **why);

/*
 * Undo the x86 BCJ filter in place over one block's whole output; start
 * is the filter's start offset (0 unless its properties say otherwise).
 */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start);

#endif /* XENIA_XZ_H */
