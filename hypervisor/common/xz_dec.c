/* SPDX-License-Identifier: GPL-2.0-only */
/* The .xz container: streams, blocks, the index, and their checks. */
#include <xenia/crc.h>
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/xz.h>

#define HEADER_SIZE   12
#define FOOTER_SIZE   12
#define VLI_MAX_BYTES 9

#define CHECK_NONE   0x00
#define CHECK_CRC32  0x01
#define CHECK_CRC64  0x04
#define CHECK_SHA256 0x0a

#define FILTER_X86   0x04
#define FILTER_LZMA2 0x21

static const uint8_t header_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0x00};

/*
 * The index lists every block's sizes after the blocks. Rather than keep
 * a list, both the blocks as decoded and the index records feed one of
 * these, and the two must agree.
 */
struct record_hash {
    uint64_t count, unpadded, uncompressed;
    uint64_t crc;
};

static void hash_record(struct record_hash *h, uint64_t unpadded,
                        uint64_t uncompressed)
{
    uint8_t rec[16];
    unsigned int i;

    for ( i = 0; i < 8; i++ )
    {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
    }
    h->count++;
    h->unpadded += unpadded;
    h->uncompressed += uncompressed;
    h->crc = crc64(h->crc, rec, sizeof(rec));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The check's size by its ID: the format reserves sizes for unknown IDs. */
static size_t check_size(unsigned int id)
{
    static const uint8_t size[16] = {0,  4,  4,  4,  8,  8,  8,  16,
                                     16, 16, 32, 32, 32, 64, 64, 64};

    return size[id & 15];
}

/*
 * A variable-length integer: 7 bits a byte, low first, at most 9 bytes
 * (63 bits), and no superfluous trailing zero byte.
 */
static int get_vli(const uint8_t *p, size_t end, size_t *pos, uint64_t *v,
                   const char **why)
{
    unsigned int i;

    *v = 0;
    for ( i = 0; i < VLI_MAX_BYTES; i++ )
    {
        uint8_t b;

        if ( *pos >= end )
        {
            *why = "truncated integer in a header or the index";
            return -EINVAL;
        }
        b = p[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << (7 * i);
        if ( !(b & 0x80) )
        {
            if ( !b && i )
                break;
            return 0;
        }
    }
    *why = "malformed integer in a header or the index";
    return -EINVAL;
}

static int check_data(unsigned int id, const uint8_t *data, size_t len,
                      const uint8_t *stored, const char **why)
{
    bool ok = true;

    if ( id == CHECK_CRC32 )
        ok = crc32(0, data, len) == get_le32(stored);
    else if ( id == CHECK_CRC64 )
    {
        uint64_t c = crc64(0, data, len);

        ok = (uint32_t)c == get_le32(stored) &&
             (uint32_t)(c >> 32) == get_le32(stored + 4);
    }
    if ( !ok )
    {
        *why = "data integrity check failed (corrupt data)";
        return -EBADMSG;
    }
    return 0;
}

/* What a block header asks for. */
struct block_header {
    size_t size;
    uint64_t csize, usize; /* ~0: not given */
    uint32_t dict_size;
    bool bcj;
    uint32_t bcj_start;
};

static int parse_filter(struct block_header *bh, uint64_t id,
                        const uint8_t *props, uint64_t psize, bool last,
                        const char **why)
{
    if ( id == FILTER_LZMA2 )
    {
        unsigned int d = props[0];

        if ( !last )
            goto bad_chain;
        if ( psize != 1 || d > 40 )
        {
            *why = "invalid LZMA2 filter properties";
            return -EINVAL;
        }
        bh->dict_size = d == 40 ? 0xffffffffu : (2u | (d & 1)) << (d / 2 + 11);
        return 0;
    }
    if ( id == FILTER_X86 )
    {
        if ( last )
            goto bad_chain;
        if ( bh->bcj )
        {
            *why = "more than one x86 BCJ filter is not supported";
            return -EOPNOTSUPP;
        }
        if ( psize != 0 && psize != 4 )
        {
            *why = "invalid x86 BCJ filter properties";
            return -EINVAL;
        }
        bh->bcj = true;
        bh->bcj_start = psize ? get_le32(props) : 0;
        return 0;
    }
    *why = "unsupported filter (only x86 BCJ and LZMA2 are)";
    return -EOPNOTSUPP;

bad_chain:
    *why = "invalid filter chain (LZMA2 must come last)";
    return -EINVAL;
}

static int parse_block_header(const uint8_t *h, size_t avail,
                              struct block_header *bh, const char **why)
{
    size_t pos = 2, end;
    unsigned int flags, i, nr;
    int rc;

    bh->size = ((size_t)h[0] + 1) * 4;
    if ( bh->size > avail )
    {
        *why = "truncated block header";
        return -EINVAL;
    }
    end = bh->size - 4;
    if ( crc32(0, h, end) != get_le32(h + end) )
    {
        *why = "block header CRC32 mismatch";
        return -EBADMSG;
    }
    flags = h[1];
    if ( flags & 0x3c )
    {
        *why = "unsupported block header flags";
        return -EOPNOTSUPP;
    }
    bh->csize = bh->usize = ~(uint64_t)0;
    if ( flags & 0x40 )
    {
        rc = get_vli(h, end, &pos, &bh->csize, why);
        if ( rc )
            return rc;
        if ( !bh->csize )
        {
            *why = "block header gives a compressed size of 0";
            return -EINVAL;
        }
    }
    if ( (flags & 0x80) && (rc = get_vli(h, end, &pos, &bh->usize, why)) )
        return rc;
    bh->bcj = false;
    nr = (flags & 3) + 1;
    for ( i = 0; i < nr; i++ )
    {
        uint64_t id, psize;

        if ( (rc = get_vli(h, end, &pos, &id, why)) ||
             (rc = get_vli(h, end, &pos, &psize, why)) )
            return rc;
        if ( psize > end - pos )
        {
            *why = "truncated filter properties in a block header";
            return -EINVAL;
        }
        /* A property-less filter still gets a readable byte to look at. */
        rc = parse_filter(bh, id, h + (psize ? pos : 0), psize, i == nr - 1,
                          why);
        if ( rc )
            return rc;
        pos += psize;
    }
    for ( ; pos < end; pos++ )
        if ( h[pos] )
        {
            *why = "non-zero padding in a block header";
            return -EINVAL;
        }
    return 0;
}

/* Where decoding is, across blocks and streams. */
struct xz_state {
    const uint8_t *in;
    size_t in_len, ip;
    uint8_t *out;
    size_t out_cap, op;
    unsigned int check;
    struct record_hash blocks;
    struct lzma2_dec *lzma2;
};

static int decode_block(struct xz_state *x, const char **why)
{
    struct block_header bh;
    const uint8_t *data;
    uint8_t *out = x->out + x->op;
    size_t in_avail, out_avail, used, produced, csize, pos, n;
    int rc;

    rc = parse_block_header(x->in + x->ip, x->in_len - x->ip, &bh, why);
    if ( rc )
        return rc;
    data = x->in + x->ip + bh.size;
    in_avail = x->in_len - x->ip - bh.size;
    out_avail = x->out_cap - x->op;
    if ( bh.csize != ~(uint64_t)0 )
    {
        if ( bh.csize > in_avail )
        {
            *why = "truncated block";
            return -EINVAL;
        }
        in_avail = bh.csize;
    }
    if ( bh.usize != ~(uint64_t)0 )
    {
        if ( bh.usize > out_avail )
        {
            *why = "output buffer too small";
            return -ENOSPC;
        }
        out_avail = bh.usize;
    }
    rc = lzma2_decode(x->lzma2, bh.dict_size, data, in_avail, &used, out,
                      out_avail, &produced, why);
    if ( rc )
        return rc;
    if ( (bh.csize != ~(uint64_t)0 && used != bh.csize) ||
         (bh.usize != ~(uint64_t)0 && produced != bh.usize) )
    {
        *why = "block sizes do not match its header";
        return -EINVAL;
    }
    if ( bh.bcj )
        bcj_x86_decode(out, produced, bh.bcj_start);

    /* Padding to a multiple of four, then the check of the data. */
    csize = used;
    pos = x->ip + bh.size + used;
    n = check_size(x->check);
    for ( ; csize & 3; csize++, pos++ )
        if ( pos >= x->in_len || x->in[pos] )
        {
            *why = pos >= x->in_len ? "truncated block" :
                                      "non-zero block padding";
            return -EINVAL;
        }
    if ( n > x->in_len - pos )
    {
        *why = "truncated block check";
        return -EINVAL;
    }
    rc = check_data(x->check, out, produced, x->in + pos, why);
    if ( rc )
        return rc;
    hash_record(&x->blocks, bh.size + used + n, produced);
    x->ip = pos + n;
    x->op += produced;
    return 0;
}

static int decode_index(struct xz_state *x, const char **why)
{
    struct record_hash idx = {0};
    size_t start = x->ip, pos = x->ip + 1;
    uint64_t count, i;
    int rc;

    rc = get_vli(x->in, x->in_len, &pos, &count, why);
    if ( rc )
        return rc;
    if ( count != x->blocks.count )
        goto mismatch;
    for ( i = 0; i < count; i++ )
    {
        uint64_t unpadded, uncompressed;

        if ( (rc = get_vli(x->in, x->in_len, &pos, &unpadded, why)) ||
             (rc = get_vli(x->in, x->in_len, &pos, &uncompressed, why)) )
            return rc;
        hash_record(&idx, unpadded, uncompressed);
    }
    if ( idx.unpadded != x->blocks.unpadded ||
         idx.uncompressed != x->blocks.uncompressed ||
         idx.crc != x->blocks.crc )
        goto mismatch;
    for ( ; (pos - start) & 3; pos++ )
        if ( pos >= x->in_len || x->in[pos] )
        {
            *why = pos >= x->in_len ? "truncated index" : "non-zero index padding";
            return -EINVAL;
        }
    if ( x->in_len - pos < 4 )
    {
        *why = "truncated index";
        return -EINVAL;
    }
    if ( crc32(0, x->in + start, pos - start) != get_le32(x->in + pos) )
    {
        *why = "index CRC32 mismatch";
        return -EBADMSG;
    }
    x->ip = pos + 4;
    return 0;

mismatch:
    *why = "the index does not match the blocks";
    return -EINVAL;
}

static int decode_stream(struct xz_state *x, bool first, const char **why)
{
    const uint8_t *h = x->in + x->ip, *f;
    size_t index_start;
    int rc;

    if ( x->in_len - x->ip < HEADER_SIZE || memcmp(h, header_magic, 6) )
    {
        *why = !first ? "data after the end of the XZ stream" :
               x->in_len - x->ip < HEADER_SIZE && x->in_len - x->ip >= 6 &&
                       !memcmp(h, header_magic, 6)
                   ? "truncated stream header"
                   : "not XZ data (bad magic)";
        return -EINVAL;
    }
    if ( crc32(0, h + 6, 2) != get_le32(h + 8) )
    {
        *why = "stream header CRC32 mismatch";
        return -EBADMSG;
    }
    if ( h[6] || (h[7] & 0xf0) )
    {
        *why = "unsupported stream flags";
        return -EOPNOTSUPP;
    }
    x->check = h[7];
    if ( x->check != CHECK_NONE && x->check != CHECK_CRC32 &&
         x->check != CHECK_CRC64 )
    {
        *why = x->check == CHECK_SHA256
                   ? "SHA-256 integrity check not supported (use CRC32 or CRC64)"
                   : "unknown integrity check type";
        return -EOPNOTSUPP;
    }
    memset(&x->blocks, 0, sizeof(x->blocks));
    x->ip += HEADER_SIZE;
    for ( ;; )
    {
        if ( x->ip >= x->in_len )
        {
            *why = "truncated stream";
            return -EINVAL;
        }
        if ( !x->in[x->ip] )
            break; /* the index indicator */
        rc = decode_block(x, why);
        if ( rc )
            return rc;
    }
    index_start = x->ip;
    rc = decode_index(x, why);
    if ( rc )
        return rc;

    if ( x->in_len - x->ip < FOOTER_SIZE )
    {
        *why = "truncated stream footer";
        return -EINVAL;
    }
    f = x->in + x->ip;
    if ( f[10] != 'Y' || f[11] != 'Z' )
    {
        *why = "bad stream footer magic";
        return -EINVAL;
    }
    if ( crc32(0, f + 4, 6) != get_le32(f) )
    {
        *why = "stream footer CRC32 mismatch";
        return -EBADMSG;
    }
    if ( ((uint64_t)get_le32(f + 4) + 1) * 4 != x->ip - index_start ||
         f[8] != h[6] || f[9] != h[7] )
    {
        *why = "stream footer does not match its header or index";
        return -EINVAL;
    }
    x->ip += FOOTER_SIZE;
    return 0;
}

int xz_decode(const void *in, size_t in_len, void *out, size_t out_cap,
              size_t *out_len, struct xz_workspace *ws, const char **why)
{
    struct xz_state x = {
        .in = in, .in_len = in_len, .out = out, .out_cap = out_cap,
        .lzma2 = &ws->lzma2,
    };
    bool first = true;
    int rc;

    *out_len = 0;
    if ( !in_len )
    {
        *why = "empty input";
        return -EINVAL;
    }
    do
    {
        size_t pad = 0;

        rc = decode_stream(&x, first, why);
        if ( rc )
            return rc;
        first = false;
        /* Stream padding: zeros, a multiple of four of them. */
        while ( x.ip + pad < in_len && !x.in[x.ip + pad] )
            pad++;
        if ( pad & 3 )
        {
            *why = "stream padding is not a multiple of four bytes";
            return -EINVAL;
        }
        x.ip += pad;
    } while ( x.ip < in_len );
    *out_len = x.op;
    return 0;
}
