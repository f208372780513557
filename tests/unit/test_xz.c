/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the XZ decoder (common/xz_dec.c, lzma2_dec.c, bcj_x86.c, lib/crc.c). */
#include "check.h"
#include "xz_host.h"
#include "../../hypervisor/lib/crc.c"
#include "../../hypervisor/common/bcj_x86.c"
#include "../../hypervisor/common/lzma2_dec.c"
#include "../../hypervisor/common/xz_dec.c"

static struct xz_workspace ws;

/* Decode in[0, len) into a buffer of exactly cap bytes (so ASan sees overruns). */
static int decode(const uint8_t *in, size_t len, size_t cap, uint8_t **out,
                  size_t *out_len, const char **why)
{
    *out = malloc(cap ? cap : 1);
    *why = NULL;
    return xz_decode(in, len, *out, cap, out_len, &ws, why);
}

static void test_crc(void)
{
    CHECK_EQ(crc32(0, "123456789", 9), 0xcbf43926u);
    CHECK_EQ(crc64(0, "123456789", 9), 0x995dc9bbdf1939faull);
    CHECK_EQ(crc32(crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    CHECK_EQ(crc64(crc64(0, "12345", 5), "6789", 4), 0x995dc9bbdf1939faull);
    CHECK_EQ(crc32(0, "", 0), 0);
}

/* Compress with opts, decode, compare; also one byte short of room. */
static void round_trip(const char *opts, const uint8_t *data, size_t len,
                       const char *what)
{
    size_t xlen, olen;
    uint8_t *x = host_xz(opts, data, len, &xlen), *out;
    const char *why;
    int rc;

    CHECK(x != NULL);
    if ( !x )
        return;
    rc = decode(x, xlen, len, &out, &olen, &why);
    if ( rc || olen != len || memcmp(out, data, len) )
        fprintf(stderr, "round trip of %s with '%s': rc %d (%s), %zu of %zu bytes\n",
                what, opts, rc, why ? why : "-", olen, len);
    CHECK_EQ(rc, 0);
    CHECK_EQ(olen, len);
    CHECK(!memcmp(out, data, len));
    free(out);
    /* Room to spare is fine too. */
    CHECK_EQ(decode(x, xlen, len + 100, &out, &olen, &why), 0);
    CHECK_EQ(olen, len);
    free(out);
    if ( len )
    {
        CHECK_EQ(decode(x, xlen, len - 1, &out, &olen, &why), -ENOSPC);
        CHECK_STR(why, "output buffer too small");
        free(out);
    }
    free(x);
}

static void test_round_trips(void)
{
    static const char *opts[] = {
        "--check=crc32",
        "--check=crc64",
        "--check=none",
        "--check=crc32 --x86 --lzma2",
        /* what Linux's scripts/xz_wrap.sh asks for on x86 */
        "--check=crc32 --x86 --lzma2=preset=6e,dict=32MiB",
        "--check=crc64 --lzma2=preset=0",
        "--lzma2=preset=1,dict=4KiB",
        "--lzma2=lc=0,lp=4,pb=4",
        "--lzma2=lc=4,lp=0,pb=0",
        "--lzma2=lc=1,lp=2,pb=1,mode=fast,nice=8",
        "--lzma2=preset=9e,dict=1MiB,nice=273",
        "-T1 --block-size=65536 --check=crc64",
        "-T2 --block-size=40000 --x86 --lzma2", /* sizes in block headers */
        "--x86=start=4099 --lzma2",
    };
    struct {
        const char *name;
        uint8_t *data;
        size_t len;
    } sets[8];
    size_t n = 0, i, j, len;
    uint8_t *mixed;

    sets[n].name = "empty", sets[n].data = malloc(1), sets[n++].len = 0;
    sets[n].name = "one byte", sets[n].data = make_text(1), sets[n++].len = 1;
    sets[n].name = "text", sets[n].data = make_text(200000), sets[n++].len = 200000;
    sets[n].name = "random", sets[n].data = make_random(150000), sets[n++].len = 150000;
    sets[n].name = "x86-ish", sets[n].data = make_x86ish(150000), sets[n++].len = 150000;
    /* Stored chunks between LZMA chunks, in both orders. */
    mixed = malloc(300000);
    for ( i = 0; i < 300000; i += 60000 )
    {
        uint8_t *part = (i / 60000) & 1 ? make_text(60000) : make_random(60000);

        memcpy(mixed + i, part, 60000);
        free(part);
    }
    sets[n].name = "mixed", sets[n].data = mixed, sets[n++].len = 300000;
    sets[n].data = read_file("/proc/self/exe", 400000, &len);
    if ( sets[n].data )
        sets[n].name = "this program", sets[n++].len = len;

    for ( i = 0; i < n; i++ )
        for ( j = 0; j < ARRAY_SIZE(opts); j++ )
            round_trip(opts[j], sets[i].data, sets[i].len, sets[i].name);
    for ( i = 0; i < n; i++ )
        free(sets[i].data);
}

/* Incompressible data past one LZMA2 chunk (2 MiB), and text past several. */
static void test_large(void)
{
    uint8_t *r = make_random(2500000), *t = make_text(5000000);

    round_trip("--check=crc32 --lzma2=preset=0", r, 2500000, "2.5 MB random");
    round_trip("--check=crc64 --x86 --lzma2=preset=2", t, 5000000, "5 MB text");
    free(r);
    free(t);
}

static void test_streams(void)
{
    uint8_t *a = make_text(5000), *b = make_x86ish(7000), *in, *out;
    size_t alen, blen, olen, n;
    uint8_t *xa = host_xz("--check=crc32", a, 5000, &alen);
    uint8_t *xb = host_xz("--check=crc64 --x86 --lzma2", b, 7000, &blen);
    const char *why;

    CHECK(xa && xb);
    if ( !xa || !xb )
        return;
    in = calloc(1, alen + blen + 64);
    /* Two streams with padding between and after. */
    memcpy(in, xa, alen);
    memcpy(in + alen + 8, xb, blen);
    n = alen + 8 + blen + 4;
    CHECK_EQ(decode(in, n, 12000, &out, &olen, &why), 0);
    CHECK_EQ(olen, 12000);
    CHECK(!memcmp(out, a, 5000) && !memcmp(out + 5000, b, 7000));
    free(out);
    /* Padding that is not a multiple of four. */
    CHECK_EQ(decode(in, alen + 3, 5000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "stream padding is not a multiple of four bytes");
    free(out);
    /* Something other than a stream after one. */
    in[alen + 4] = 1;
    CHECK_EQ(decode(in, alen + 8, 5000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "data after the end of the XZ stream");
    free(out);
    /* Only padding, or nothing. */
    CHECK_EQ(decode(in + alen, 4, 10, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "not XZ data (bad magic)");
    free(out);
    CHECK_EQ(decode(in, 0, 10, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "empty input");
    free(out);
    free(in), free(a), free(b), free(xa), free(xb);
}

static void test_unsupported(void)
{
    uint8_t *d = make_text(3000), *x, *out;
    size_t xlen, olen;
    const char *why;

    x = host_xz("--check=sha256", d, 3000, &xlen);
    CHECK_EQ(decode(x, xlen, 3000, &out, &olen, &why), -EOPNOTSUPP);
    CHECK_STR(why, "SHA-256 integrity check not supported (use CRC32 or CRC64)");
    free(out), free(x);
    x = host_xz("--delta=dist=4 --lzma2", d, 3000, &xlen);
    CHECK_EQ(decode(x, xlen, 3000, &out, &olen, &why), -EOPNOTSUPP);
    CHECK_STR(why, "unsupported filter (only x86 BCJ and LZMA2 are)");
    free(out), free(x);
    x = host_xz("--x86 --x86 --lzma2", d, 3000, &xlen);
    CHECK_EQ(decode(x, xlen, 3000, &out, &olen, &why), -EOPNOTSUPP);
    free(out), free(x);
    x = host_xz("--format=lzma", d, 3000, &xlen);
    CHECK_EQ(decode(x, xlen, 3000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "not XZ data (bad magic)");
    free(out), free(x);
    free(d);
}

/* Every proper prefix of a multi-block stream is refused. */
static void test_truncation(void)
{
    uint8_t *d = make_text(3000), *x, *out;
    size_t xlen, olen, n;
    const char *why;
    int bad = 0;

    x = host_xz("-T1 --block-size=1000 --check=crc32 --x86 --lzma2", d, 3000,
                &xlen);
    CHECK(x != NULL);
    if ( !x )
        return;
    for ( n = 0; n < xlen; n++ )
    {
        if ( !decode(x, n, 3000, &out, &olen, &why) )
            bad++;
        free(out);
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(decode(x, xlen, 3000, &out, &olen, &why), 0);
    free(out), free(x), free(d);
}

/*
 * Flip each bit of a stream in turn. With a check, every flip must be
 * caught (or, in principle, decode to the very same data); without one,
 * the decoder must merely survive, which ASan and UBSan watch.
 */
static void flip_all(const char *opts, bool checked)
{
    uint8_t *d = make_x86ish(1500), *x, *out;
    size_t xlen, olen, i;
    const char *why;
    int missed = 0, bit;

    x = host_xz(opts, d, 1500, &xlen);
    CHECK(x != NULL);
    if ( !x )
        return;
    for ( i = 0; i < xlen; i++ )
        for ( bit = 0; bit < 8; bit++ )
        {
            int rc;

            x[i] ^= 1u << bit;
            rc = decode(x, xlen, 1500, &out, &olen, &why);
            if ( !rc && (olen != 1500 || memcmp(out, d, 1500)) && checked )
                missed++;
            if ( rc )
                CHECK(why != NULL); /* every error has its reason */
            free(out);
            x[i] ^= 1u << bit;
        }
    CHECK_EQ(missed, 0);
    free(x), free(d);
}

static void test_bit_flips(void)
{
    flip_all("-T1 --block-size=700 --check=crc32 --x86 --lzma2", true);
    flip_all("--check=crc64 --lzma2=lc=2,lp=2,pb=3", true);
    flip_all("--check=none --x86 --lzma2", false);
}

/* Random damage inside the compressed data of an unchecked stream. */
static void test_mutations(void)
{
    size_t len, xlen, olen, i, hsize;
    uint8_t *code = read_file("/proc/self/exe", 8192, &len);
    uint8_t *x = code ? host_xz("--check=none --x86 --lzma2", code, len, &xlen)
                      : NULL;
    uint8_t *m, *out;
    const char *why;

    CHECK(x != NULL);
    if ( !x )
        return;
    m = malloc(xlen);
    hsize = (x[12] + 1) * 4;
    for ( i = 0; i < 3000; i++ )
    {
        unsigned int k, nr = 1 + rng() % 4;

        memcpy(m, x, xlen);
        for ( k = 0; k < nr; k++ )
            m[12 + hsize + rng() % (xlen - 12 - hsize - 40)] = (uint8_t)rng();
        decode(m, xlen, len, &out, &olen, &why);
        CHECK(olen <= len);
        free(out);
    }
    free(m), free(x), free(code);
}

/* Recompute a block header's CRC32 after editing it. */
static void reseal_header(uint8_t *h)
{
    size_t size = (h[0] + 1) * 4;
    uint32_t c = crc32(0, h, size - 4);

    memcpy(h + size - 4, &c, 4);
}

static void test_wrong_sizes(void)
{
    uint8_t *d = make_text(50000), *x, *out;
    size_t xlen, olen, pos;
    uint64_t v;
    const char *why;
    uint8_t *h, *idx;
    uint32_t c;

    x = host_xz("-T2 --block-size=20000 --check=crc32", d, 50000, &xlen);
    CHECK(x != NULL);
    if ( !x )
        return;
    h = x + 12;
    CHECK_EQ(h[1] & 0xc0, 0xc0); /* both sizes present */

    /* Uncompressed size off by one, the header CRC kept valid. */
    pos = 2;
    CHECK_EQ(get_vli(h, 64, &pos, &v, &why), 0); /* compressed size */
    h[pos] ^= 1;
    reseal_header(h);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "block sizes do not match its header");
    free(out);
    h[pos] ^= 1;
    /* Compressed size off by one. */
    h[2] ^= 1;
    reseal_header(h);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EINVAL);
    free(out);
    h[2] ^= 1;
    reseal_header(h);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), 0);
    free(out);
    /* The same header with a broken CRC. */
    h[2] ^= 1;
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EBADMSG);
    CHECK_STR(why, "block header CRC32 mismatch");
    free(out);
    h[2] ^= 1;

    /* An index record that disagrees, with the index CRC kept valid. */
    c = (uint32_t)x[xlen - 8] | (uint32_t)x[xlen - 7] << 8;
    idx = x + xlen - 12 - (c + 1) * 4;
    CHECK_EQ(idx[0], 0);
    CHECK_EQ(idx[1], 3); /* three records */
    pos = 2;
    CHECK_EQ(get_vli(idx, 64, &pos, &v, &why), 0); /* unpadded size */
    idx[pos] ^= 1; /* the uncompressed size */
    c = crc32(0, idx, (size_t)(x + xlen - 16 - idx));
    memcpy(x + xlen - 16, &c, 4);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "the index does not match the blocks");
    free(out);
    idx[pos] ^= 1;
    /* The record count too. */
    idx[1] = 2;
    c = crc32(0, idx, (size_t)(x + xlen - 16 - idx));
    memcpy(x + xlen - 16, &c, 4);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "the index does not match the blocks");
    free(out);
    idx[1] = 3;
    c = crc32(0, idx, (size_t)(x + xlen - 16 - idx));
    memcpy(x + xlen - 16, &c, 4);

    /* The footer's backward size, its CRC kept valid. */
    x[xlen - 8]++;
    c = crc32(0, x + xlen - 8, 6);
    memcpy(x + xlen - 12, &c, 4);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), -EINVAL);
    CHECK_STR(why, "stream footer does not match its header or index");
    free(out);
    x[xlen - 8]--;
    c = crc32(0, x + xlen - 8, 6);
    memcpy(x + xlen - 12, &c, 4);
    CHECK_EQ(decode(x, xlen, 50000, &out, &olen, &why), 0);
    free(out);
    /* No room at all. */
    CHECK_EQ(decode(x, xlen, 0, &out, &olen, &why), -ENOSPC);
    free(out), free(x), free(d);
}

static int lzma2(const char *in, size_t len, uint32_t dict, uint8_t *out,
                 size_t cap, size_t *olen, const char **why)
{
    size_t used;

    return lzma2_decode(&ws.lzma2, dict, (const uint8_t *)in, len, &used, out,
                        cap, olen, why);
}

/* Hand-made LZMA2 streams for the rules about chunk order. */
static void test_lzma2_chunks(void)
{
    uint8_t out[64];
    size_t olen;
    const char *why;

    CHECK_EQ(lzma2("\x00", 1, 4096, out, 64, &olen, &why), 0);
    CHECK_EQ(olen, 0);
    CHECK_EQ(lzma2("\x01\x00\x02" "abc" "\x02\x00\x00" "d" "\x00", 11, 4096,
                   out, 64, &olen, &why), 0);
    CHECK_EQ(olen, 4);
    CHECK(!memcmp(out, "abcd", 4));
    CHECK_EQ(lzma2("\x01\x00\x02" "abc" "\x00", 7, 4096, out, 2, &olen, &why),
             -ENOSPC);
    CHECK_EQ(lzma2("\x02\x00\x00" "a" "\x00", 5, 4096, out, 64, &olen, &why),
             -EINVAL);
    CHECK_STR(why, "corrupt LZMA2 data (no dictionary reset at its start)");
    CHECK_EQ(lzma2("\x03", 1, 4096, out, 64, &olen, &why), -EINVAL);
    CHECK_STR(why, "corrupt LZMA2 data (invalid control byte)");
    CHECK_EQ(lzma2("\x01\x00\x00" "a" "\xa0\x00\x00\x00\x04" "\x00\x00\x00\x00\x00" "\x00",
                   15, 4096, out, 64, &olen, &why), -EINVAL);
    CHECK_STR(why, "corrupt LZMA2 data (LZMA chunk without properties)");
    CHECK_EQ(lzma2("\xe0\x00\x00\x00\x04\xe1" "\x00\x00\x00\x00\x00" "\x00", 12,
                   4096, out, 64, &olen, &why), -EINVAL);
    CHECK_STR(why, "corrupt LZMA2 data (invalid lc/lp/pb)");
    CHECK_EQ(lzma2("\xe0\x00\x00\x00\x04\x05" "\x00\x00\x00\x00\x00" "\x00", 12,
                   4096, out, 64, &olen, &why), -EINVAL); /* lc 5 */
    CHECK_EQ(lzma2("\xe0\x00\x00\x00\x00\x5d" "\x00" "\x00", 8, 4096, out, 64,
                   &olen, &why), -EINVAL); /* 1 compressed byte */
    CHECK_STR(why, "corrupt LZMA2 data (bad range coder start)");
    CHECK_EQ(lzma2("\xe0\x00\x00\x00\x04\x5d" "\x01\x00\x00\x00\x00" "\x00", 12,
                   4096, out, 64, &olen, &why), -EINVAL);
    CHECK_EQ(lzma2("\x01\x00\x05" "ab", 5, 4096, out, 64, &olen, &why), -EINVAL);
    CHECK_STR(why, "truncated LZMA2 data");
    CHECK_EQ(lzma2("\x01\x00\x00" "a", 4, 4096, out, 64, &olen, &why), -EINVAL);
    CHECK_EQ(lzma2("\xe0\x00", 2, 4096, out, 64, &olen, &why), -EINVAL);
    CHECK_EQ(lzma2("", 0, 4096, out, 64, &olen, &why), -EINVAL);
}

/* Matches further back than the filter's dictionary size are refused. */
static void test_lzma2_dict_limit(void)
{
    uint8_t *d = make_random(40000), *x, *out = malloc(80000);
    size_t xlen, used, olen;
    const char *why;

    memcpy(d + 20000, d, 20000); /* a 20000-byte match, 20000 back */
    x = host_xz("--format=raw --lzma2=dict=64KiB", d, 40000, &xlen);
    CHECK(x != NULL);
    if ( !x )
        return;
    CHECK_EQ(lzma2_decode(&ws.lzma2, 65536, x, xlen, &used, out, 80000, &olen,
                          &why), 0);
    CHECK_EQ(used, xlen);
    CHECK_EQ(olen, 40000);
    CHECK(!memcmp(out, d, 40000));
    CHECK_EQ(lzma2_decode(&ws.lzma2, 16384, x, xlen, &used, out, 80000, &olen,
                          &why), -EINVAL);
    CHECK_STR(why, "corrupt LZMA2 data (distance beyond the dictionary)");
    free(x), free(d), free(out);
}

static void test_bcj(void)
{
    uint8_t b[16] = {0xe8, 0, 0, 0, 0, 0x90, 0xe9, 0x10, 0, 0, 0};
    uint8_t s[4] = {0xe8, 0, 0, 0};

    /* Absolute 0 from the call at 0 is -5 relative; 0x10 at 6 is 5. */
    bcj_x86_decode(b, sizeof(b), 0);
    CHECK_EQ(b[1] | b[2] << 8 | b[3] << 16 | (uint32_t)b[4] << 24, 0xfffffffbu);
    CHECK_EQ(b[7] | b[8] << 8 | b[9] << 16 | (uint32_t)b[10] << 24, 5);
    /* Too short for an operand: untouched. */
    bcj_x86_decode(s, sizeof(s), 0);
    CHECK(!memcmp(s, "\xe8\0\0\0", 4));
}

static void run_tests(void)
{
    test_crc();
    test_bcj();
    test_lzma2_chunks();
    if ( !have_host_xz() )
    {
        SKIP("no xz binary on this host: round-trip tests");
        return;
    }
    test_round_trips();
    test_large();
    test_streams();
    test_unsupported();
    test_truncation();
    test_bit_flips();
    test_mutations();
    test_wrong_sizes();
    test_lzma2_dict_limit();
}
