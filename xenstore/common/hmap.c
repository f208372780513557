/* SPDX-License-Identifier: GPL-2.0-only */
/* A string-keyed open-addressing hash map whose keys live in the values. */
#include "hmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t hmap_hash(const char *key)
{
    uint64_t h = 1469598103934665603ULL;

    while ( *key )
    {
        h ^= (unsigned char)*key++;
        h *= 1099511628211ULL;
    }
    return h ? h : 1; /* 0 marks an empty slot */
}

void hmap_init(struct hmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

void hmap_free(struct hmap *m)
{
    free(m->slots);
    hmap_init(m);
}

static size_t find_slot(const struct hmap *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1, i = h & mask;

    while ( m->slots[i].hash )
    {
        if ( m->slots[i].hash == h && !strcmp(m->slots[i].key, key) )
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

void *hmap_get(const struct hmap *m, const char *key)
{
    size_t i;
    uint64_t h;

    if ( !m->len )
        return NULL;
    h = hmap_hash(key);
    i = find_slot(m, key, h);
    return m->slots[i].hash ? m->slots[i].val : NULL;
}

static int grow(struct hmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 16, i;
    struct hmap_slot *old = m->slots, *ns = calloc(ncap, sizeof(*ns));

    if ( !ns )
        return -ENOMEM;
    for ( i = 0; i < m->cap; i++ )
    {
        size_t j;

        if ( !old[i].hash )
            continue;
        j = old[i].hash & (ncap - 1);
        while ( ns[j].hash )
            j = (j + 1) & (ncap - 1);
        ns[j] = old[i];
    }
    free(old);
    m->slots = ns;
    m->cap = ncap;
    return 0;
}

int hmap_put(struct hmap *m, const char *key, void *val)
{
    uint64_t h = hmap_hash(key);
    size_t i;

    /* Keep the load under 3/4 so probe sequences stay short. */
    if ( (m->len + 1) * 4 > m->cap * 3 && grow(m) )
        return -ENOMEM;
    i = find_slot(m, key, h);
    if ( !m->slots[i].hash )
        m->len++;
    m->slots[i].hash = h;
    m->slots[i].key = key;
    m->slots[i].val = val;
    return 0;
}

void *hmap_del(struct hmap *m, const char *key)
{
    size_t mask, i, j;
    void *val;

    if ( !m->len )
        return NULL;
    mask = m->cap - 1;
    i = find_slot(m, key, hmap_hash(key));
    if ( !m->slots[i].hash )
        return NULL;
    val = m->slots[i].val;
    m->slots[i].hash = 0;
    m->len--;
    /* Backward-shift deletion keeps lookups tombstone-free. */
    for ( j = (i + 1) & mask; m->slots[j].hash; j = (j + 1) & mask )
    {
        size_t home = m->slots[j].hash & mask;

        if ( ((j - home) & mask) >= ((j - i) & mask) )
        {
            m->slots[i] = m->slots[j];
            m->slots[j].hash = 0;
            i = j;
        }
    }
    return val;
}

int hmap_next(const struct hmap *m, size_t *iter, const char **key, void **val)
{
    while ( *iter < m->cap )
    {
        size_t i = (*iter)++;

        if ( m->slots[i].hash )
        {
            if ( key )
                *key = m->slots[i].key;
            if ( val )
                *val = m->slots[i].val;
            return 1;
        }
    }
    return 0;
}
