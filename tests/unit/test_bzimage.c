/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of bzImage unpacking (common/pvbuild/bzimage.c), on made-up and real kernels. */
#include "check.h"
#include "xz_host.h"
#include "../../hypervisor/lib/crc.c"
#include "../../hypervisor/common/bcj_x86.c"
#include "../../hypervisor/common/lzma2_dec.c"
#include "../../hypervisor/common/xz_dec.c"
#include "../../hypervisor/common/pvbuild/bzimage.c"
#include "../../hypervisor/common/bzimage_unpack.c"
#include "../../hypervisor/common/pvbuild/pv_image.c"

/*
 * Debian's stock kernel: tests/unit/run points XENIA_TEST_BZIMAGE at the
 * vmlinuz that tests/linux/fetch.sh downloads.
 */

static struct xz_workspace ws;

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/*
 * A bzImage as Linux lays one out: setup sectors, then the protected-mode
 * part holding the payload (compressed data and its size) at an offset.
 */
static uint8_t *make_bzimage(unsigned int setup_sects, uint32_t off,
                             const uint8_t *x, size_t xlen, uint32_t size,
                             size_t *len)
{
    size_t setup = ((setup_sects ? setup_sects : 4) + 1) * 512;
    uint8_t *b;

    *len = setup + off + xlen + 4 + 100;
    b = calloc(1, *len);
    b[0x1f1] = (uint8_t)setup_sects;
    b[0x1fe] = 0x55, b[0x1ff] = 0xaa;
    memcpy(b + 0x202, "HdrS", 4);
    b[0x206] = 0x0f, b[0x207] = 0x02; /* 2.15 */
    put32(b + 0x248, off);
    put32(b + 0x24c, (uint32_t)xlen + 4);
    memcpy(b + setup + off, x, xlen);
    put32(b + setup + off + xlen, size);
    return b;
}

static void test_synthetic(void)
{
    uint8_t *d = make_text(20000), *x, *img, *out = malloc(20001);
    size_t xlen, len, n;
    struct bzimage bz;
    const char *why;
    int bad = 0, rc;

    x = host_xz("--check=crc32 --x86 --lzma2", d, 20000, &xlen);
    CHECK(x != NULL);
    if ( !x )
        return;

    img = make_bzimage(27, 0x2cc, x, xlen, 20000, &len);
    CHECK(bzimage_probe(img, len));
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK_EQ(bz.version, 0x20f);
    CHECK_STR(bz.format, "XZ");
    CHECK(bz.payload == img + 28 * 512 + 0x2cc);
    CHECK_EQ(bz.payload_len, xlen);
    CHECK_EQ(bz.uncompressed_len, 20000);
    CHECK_EQ(bzimage_decompress(&bz, out, 20000, &ws, &why), 0);
    CHECK(!memcmp(out, d, 20000));
    CHECK_EQ(bzimage_decompress(&bz, out, 19999, &ws, &why), -ENOSPC);
    CHECK_EQ(bzimage_decompress(&bz, out, 20001, &ws, &why), 0);

    /* Every truncation fails to parse or to unpack. */
    for ( n = 0; n < 28 * 512 + 0x2cc + xlen + 4; n++ )
    {
        rc = bzimage_parse(img, n, &bz, &why);
        if ( !rc && !bzimage_decompress(&bz, out, 20000, &ws, &why) )
            bad++;
    }
    CHECK_EQ(bad, 0);

    /* The appended size must be the truth. */
    put32(img + 28 * 512 + 0x2cc + xlen, 19999);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK_EQ(bzimage_decompress(&bz, out, 20001, &ws, &why), -EINVAL);
    CHECK_STR(why, "payload larger than the size appended to it");
    put32(img + 28 * 512 + 0x2cc + xlen, 20001);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK_EQ(bzimage_decompress(&bz, out, 20001, &ws, &why), -EINVAL);
    CHECK_STR(why, "payload smaller than the size appended to it");
    put32(img + 28 * 512 + 0x2cc + xlen, 0);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    free(img);

    /* setup_sects 0 means 4. */
    img = make_bzimage(0, 0, x, xlen, 20000, &len);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK(bz.payload == img + 5 * 512);
    CHECK_EQ(bzimage_decompress(&bz, out, 20000, &ws, &why), 0);
    CHECK(!memcmp(out, d, 20000));
    /* A corrupt payload is the decoder's to report. */
    img[5 * 512 + xlen / 2] ^= 0x10;
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK(bzimage_decompress(&bz, out, 20000, &ws, &why) < 0);
    free(img);
    free(x), free(d), free(out);
}

static void test_bad_headers(void)
{
    static const uint8_t gzip[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0};
    uint8_t *img;
    size_t len;
    struct bzimage bz;
    const char *why;

    img = make_bzimage(1, 0x100, gzip, sizeof(gzip), 1000, &len);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EOPNOTSUPP);
    CHECK_STR(bz.format, "gzip");
    CHECK_STR(why, "bzImage payload is not XZ-compressed (the only kind supported)");

    /* An old protocol does not say where the payload is. */
    img[0x206] = 0x07, img[0x207] = 0x02;
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EOPNOTSUPP);
    img[0x206] = 0x08;
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EOPNOTSUPP); /* still gzip */

    /* Offsets and lengths outside the image, overflowing ones included. */
    put32(img + 0x248, (uint32_t)(len - 1024) - 11);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    CHECK_STR(why, "bzImage payload lies outside the image");
    put32(img + 0x248, 0xffffffffu);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    put32(img + 0x248, 0x100);
    put32(img + 0x24c, 0xfffffff0u);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    put32(img + 0x24c, (uint32_t)(len - 1024 - 0x100) + 1);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    put32(img + 0x24c, (uint32_t)(len - 1024 - 0x100));
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EOPNOTSUPP); /* fits */
    put32(img + 0x24c, 4);
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    CHECK_STR(why, "bzImage payload too short");
    img[0x1f1] = 0xff; /* setup beyond the end */
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);

    /* Not a bzImage; too short for the fields the probe passed. */
    CHECK_EQ(bzimage_parse(img, 0x24f, &bz, &why), -EINVAL);
    CHECK_STR(why, "bzImage truncated inside its setup header");
    CHECK(!bzimage_probe(img, 0x205));
    CHECK(bzimage_probe(img, 0x206));
    img[0x202] = 'h';
    CHECK(!bzimage_probe(img, len));
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), -EINVAL);
    CHECK_STR(why, "not a bzImage (no HdrS setup header)");
    free(img);
}

/* The kernel this work is for: a Debian bzImage, if one is at hand. */
static void test_debian_kernel(void)
{
    const char *path = getenv("XENIA_TEST_BZIMAGE");
    size_t len;
    uint8_t *img, *out;
    struct bzimage bz;
    struct pv_kernel k;
    const char *why = NULL;
    int rc;

    if ( !path )
    {
        SKIP("XENIA_TEST_BZIMAGE is not set: no real kernel to unpack");
        return;
    }
    img = read_file(path, 64 << 20, &len);
    CHECK(img);
    if ( !img )
    {
        fprintf(stderr, "%s: cannot read it\n", path);
        return;
    }
    CHECK(bzimage_probe(img, len));
    CHECK_EQ(bzimage_parse(img, len, &bz, &why), 0);
    CHECK(bz.version >= 0x208);
    CHECK(bz.uncompressed_len > bz.payload_len);
    out = malloc(bz.uncompressed_len);
    rc = bzimage_decompress(&bz, out, bz.uncompressed_len, &ws, &why);
    if ( rc )
        fprintf(stderr, "%s: %s\n", path, why);
    CHECK_EQ(rc, 0);
    /* An ELF64 x86-64 vmlinux whose Xen notes make it a PV Dom0 kernel. */
    CHECK(!memcmp(out, "\177ELF\2\1", 6));
    rc = pv_kernel_parse(out, bz.uncompressed_len,
                         (1u << XENFEAT_writable_page_tables) |
                             (1u << XENFEAT_pae_pgdir_above_4gb) |
                             (1u << XENFEAT_dom0),
                         &k, &why);
    if ( rc )
        fprintf(stderr, "%s: %s\n", path, why);
    CHECK_EQ(rc, 0);
    CHECK(k.entry > k.virt_base && k.nr_segments > 0);
    CHECK(k.features_supported & (1u << XENFEAT_dom0));
    printf("note: %s: %zu -> %zu bytes, Xen entry %#llx\n", path,
           bz.payload_len, bz.uncompressed_len, (unsigned long long)k.entry);
    free(out), free(img);
}

static void run_tests(void)
{
    test_bad_headers();
    test_debian_kernel();
    if ( !have_host_xz() )
    {
        SKIP("no xz binary on this host: synthetic bzImage tests");
        return;
    }
    test_synthetic();
}
