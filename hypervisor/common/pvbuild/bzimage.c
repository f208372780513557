/* SPDX-License-Identifier: GPL-2.0-only */
/* The Linux x86 boot protocol's setup header, as far as a loader of bzImage needs. */
#include <xenia/bzimage.h>
#include <xenia/errno.h>
#include <xenia/lib.h>

/* Offsets in the image (Documentation/arch/x86/boot.rst in Linux). */
#define SETUP_SECTS     0x1f1
#define HEADER_MAGIC    0x202 /* "HdrS" */
#define VERSION         0x206
#define PAYLOAD_OFFSET  0x248 /* from the end of the setup code */
#define PAYLOAD_LENGTH  0x24c
#define HEADER_END      0x250
#define SECTOR          512
#define MIN_VERSION     0x208 /* the first to give the payload's place */

static uint32_t le32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

bool bzimage_probe(const void *img, size_t len)
{
    return len >= HEADER_MAGIC + 4 &&
           !memcmp((const uint8_t *)img + HEADER_MAGIC, "HdrS", 4);
}

/* Linux's compressors, known by their first bytes, to name what we refuse. */
static const char *payload_format(const uint8_t *p, size_t len)
{
    static const struct {
        const char *name;
        uint8_t len, magic[6];
    } formats[] = {
        {"XZ", 6, {0xfd, '7', 'z', 'X', 'Z', 0x00}},
        {"gzip", 2, {0x1f, 0x8b}},
        {"bzip2", 3, {'B', 'Z', 'h'}},
        {"LZMA", 3, {0x5d, 0x00, 0x00}},
        {"LZO", 4, {0x89, 'L', 'Z', 'O'}},
        {"LZ4", 4, {0x02, 0x21, 0x4c, 0x18}},
        {"zstd", 4, {0x28, 0xb5, 0x2f, 0xfd}},
        {"uncompressed ELF", 4, {0x7f, 'E', 'L', 'F'}},
    };
    size_t i;

    for ( i = 0; i < ARRAY_SIZE(formats); i++ )
        if ( len >= formats[i].len && !memcmp(p, formats[i].magic, formats[i].len) )
            return formats[i].name;
    return "unknown";
}

int bzimage_parse(const void *img, size_t len, struct bzimage *bz,
                  const char **why)
{
    const uint8_t *p = img;
    uint64_t setup_len, off, plen;

    bz->format = NULL;
    if ( !bzimage_probe(img, len) )
    {
        *why = "not a bzImage (no HdrS setup header)";
        return -EINVAL;
    }
    if ( len < HEADER_END )
    {
        *why = "bzImage truncated inside its setup header";
        return -EINVAL;
    }
    bz->version = (uint16_t)(p[VERSION] | p[VERSION + 1] << 8);
    if ( bz->version < MIN_VERSION )
    {
        *why = "bzImage boot protocol older than 2.08 (payload not locatable)";
        return -EOPNOTSUPP;
    }
    /* 0 sectors means 4, for the sake of ancient loaders. */
    setup_len = (uint64_t)((p[SETUP_SECTS] ? p[SETUP_SECTS] : 4) + 1) * SECTOR;
    off = le32_at(p + PAYLOAD_OFFSET);
    plen = le32_at(p + PAYLOAD_LENGTH);
    if ( setup_len > len || off > len - setup_len ||
         plen > len - setup_len - off )
    {
        *why = "bzImage payload lies outside the image";
        return -EINVAL;
    }
    if ( plen <= 4 )
    {
        *why = "bzImage payload too short";
        return -EINVAL;
    }
    bz->payload = p + setup_len + off;
    bz->payload_len = plen - 4;
    bz->uncompressed_len = le32_at(bz->payload + bz->payload_len);
    bz->format = payload_format(bz->payload, bz->payload_len);
    if ( strcmp(bz->format, "XZ") )
    {
        *why = "bzImage payload is not XZ-compressed (the only kind supported)";
        return -EOPNOTSUPP;
    }
    if ( !bz->uncompressed_len )
    {
        *why = "bzImage payload claims an uncompressed size of 0";
        return -EINVAL;
    }
    return 0;
}
