/* SPDX-License-Identifier: GPL-2.0-only */
/* A Linux x86 bzImage: finding the compressed kernel inside and unpacking it. */
#ifndef XENIA_BZIMAGE_H
#define XENIA_BZIMAGE_H

#include <xenia/types.h>
#include <xenia/xz.h>

/*
 * Pure code, like xz.h. A bzImage is real-mode setup code followed by a
 * self-decompressing kernel; boot protocol 2.08 and later say where the
 * compressed payload (an ELF vmlinux, relocations appended) lies, so a
 * hypervisor can unpack it itself as Xen does, and load the ELF.
 */
struct bzimage {
    const uint8_t *payload;  /* the compressed data ... */
    size_t payload_len;      /* ... without the size Linux appends to it */
    size_t uncompressed_len; /* that appended size */
    const char *format;      /* "XZ", "gzip", ...: for messages */
    uint16_t version;        /* boot protocol, 0x208 for 2.08 */
};

/* Is it a bzImage at all ("HdrS" in its setup header)? */
bool bzimage_probe(const void *img, size_t len);

/*
 * Check the setup header and find the payload. -EINVAL for a broken
 * image, -EOPNOTSUPP for a valid one we cannot unpack (a protocol older
 * than 2.08, a compressor other than XZ); *why says which.
 */
int bzimage_parse(const void *img, size_t len, struct bzimage *bz,
                  const char **why);

/*
 * Unpack the payload into out, which must hold bz->uncompressed_len
 * bytes; the result must be exactly that size. Errors as xz_decode(),
 * but a payload that does not match its stated size is -EINVAL.
 */
int bzimage_decompress(const struct bzimage *bz, void *out, size_t out_cap,
                       struct xz_workspace *ws, const char **why);

#endif /* XENIA_BZIMAGE_H */
