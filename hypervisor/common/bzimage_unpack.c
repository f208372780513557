/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unpacking a bzImage's XZ payload with the hypervisor's own decoder. It
 * is apart from pvbuild/bzimage.c because the tools decompress with
 * liblzma and must not link the freestanding decoder.
 */
#include <xenia/bzimage.h>
#include <xenia/errno.h>
#include <xenia/lib.h>

int bzimage_decompress(const struct bzimage *bz, void *out, size_t out_cap,
                       struct xz_workspace *ws, const char **why)
{
    size_t done;
    int rc;

    if ( out_cap < bz->uncompressed_len )
    {
        *why = "output buffer too small";
        return -ENOSPC;
    }
    rc = xz_decode(bz->payload, bz->payload_len, out, bz->uncompressed_len,
                   &done, ws, why);
    /* The buffer was sized from the trailer, so the image is at fault. */
    if ( rc == -ENOSPC )
    {
        *why = "payload larger than the size appended to it";
        rc = -EINVAL;
    }
    if ( rc )
        return rc;
    if ( done != bz->uncompressed_len )
    {
        *why = "payload smaller than the size appended to it";
        return -EINVAL;
    }
    return 0;
}
