/* SPDX-License-Identifier: GPL-2.0-only */
/* Test data for the XZ decoder: made here, compressed by the host's xz. */
#ifndef XENIA_TEST_XZ_HOST_H
#define XENIA_TEST_XZ_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deterministic, so that a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static inline bool have_host_xz(void)
{
    static int have = -1;

    if ( have < 0 )
        have = system("xz --version >/dev/null 2>&1") == 0;
    return have;
}

/* The host's xz run on data with opts; NULL if that fails. Free the result. */
static inline uint8_t *host_xz(const char *opts, const void *data, size_t len,
                        size_t *out_len)
{
    const char *tmp = getenv("TMPDIR");
    char path[256], cmd[512];
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0, got;
    FILE *p;
    int fd;

    snprintf(path, sizeof(path), "%s/xenia-xz-XXXXXX", tmp ? tmp : "/tmp");
    fd = mkstemp(path);
    if ( fd < 0 )
        return NULL;
    if ( len && write(fd, data, len) != (ssize_t)len )
        len = ~(size_t)0;
    close(fd);
    if ( len == ~(size_t)0 )
        goto out;
    snprintf(cmd, sizeof(cmd), "xz -q -c %s < '%s'", opts, path);
    p = popen(cmd, "r");
    if ( !p )
        goto out;
    do
    {
        if ( n == cap )
        {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, p);
        n += got;
    } while ( got );
    if ( pclose(p) )
    {
        free(buf);
        buf = NULL;
    }
    *out_len = n;
out:
    unlink(path);
    return buf;
}

/* English-like text: compresses well, with matches at all distances. */
static inline uint8_t *make_text(size_t len)
{
    static const char *words[] = {
        "the ", "hypervisor ", "boots ", "a ", "kernel ", "from ", "its ",
        "module, ", "page ", "tables ", "and ", "event ", "channels. ",
        "Xenia ", "decodes ", "LZMA2 ", "chunks ", "with ", "care ", "\n",
    };
    uint8_t *b = malloc(len + 1);
    size_t n = 0;

    while ( n < len )
    {
        const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
        size_t l = strlen(w);

        memcpy(b + n, w, l < len - n ? l : len - n);
        n += l < len - n ? l : len - n;
    }
    return b;
}

static inline uint8_t *make_random(size_t len)
{
    uint8_t *b = malloc(len + 1);
    size_t i;

    for ( i = 0; i < len; i++ )
        b[i] = (uint8_t)rng();
    return b;
}

/*
 * Dense in E8/E9 opcodes and 00/ff bytes, so that the x86 BCJ filter
 * meets every arrangement of its history, and some repetition.
 */
static inline uint8_t *make_x86ish(size_t len)
{
    static const uint8_t pick[] = {0xe8, 0xe9, 0x00, 0xff, 0x00, 0xff, 0x48};
    uint8_t *b = malloc(len + 1);
    size_t i;

    for ( i = 0; i < len; i++ )
    {
        uint32_t r = rng();

        if ( i >= 64 && r % 8 == 0 )
            b[i] = b[i - 1 - (r >> 8) % 64];
        else if ( r % 4 )
            b[i] = pick[(r >> 8) % sizeof(pick)];
        else
            b[i] = (uint8_t)(r >> 16);
    }
    return b;
}

/* Up to len bytes of a file (real x86 code, say); NULL if unreadable. */
static inline uint8_t *read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;

    if ( !f )
        return NULL;
    b = malloc(max + 1);
    *len = fread(b, 1, max, f);
    fclose(f);
    return b;
}

#endif /* XENIA_TEST_XZ_HOST_H */
