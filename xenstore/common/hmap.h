/* SPDX-License-Identifier: GPL-2.0-only */
/* A string-keyed open-addressing hash map whose keys live in the values. */
#ifndef XS_HMAP_H
#define XS_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_slot {
    uint64_t hash;
    const char *key;
    void *val;
};

struct hmap {
    struct hmap_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t len;
};

uint64_t hmap_hash(const char *key);
void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
void *hmap_get(const struct hmap *m, const char *key);
/* Inserts or replaces; the key must stay valid while it is in the map. */
int hmap_put(struct hmap *m, const char *key, void *val);
void *hmap_del(struct hmap *m, const char *key);

/* Iteration: for ( i = 0; hmap_next(m, &i, &k, &v); ) */
int hmap_next(const struct hmap *m, size_t *iter, const char **key, void **val);

#endif
