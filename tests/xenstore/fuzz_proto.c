/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: arbitrary bytes from two clients into the parser. */
#include <stddef.h>
#include <stdint.h>

#include "fake.h"

static struct fake *priv_c, *dom_c;

static void setup(void)
{
    if ( xsd.tree.nnodes > 20000 )
        tree_free(&xsd.tree);
    if ( !xsd.tree.nnodes )
        fake_store(NULL);
    if ( !priv_c )
        priv_c = fake_client(0, true);
    if ( !dom_c )
        dom_c = fake_client(9, false);
}

static void settle(struct fake **f)
{
    fake_drain(*f);
    (*f)->len = 0;
    if ( (*f)->c->dead )
    {
        conn_free((*f)->c);
        free(*f);
        *f = NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    setup();
    /* Each chunk: one byte picks the client and length, then bytes. */
    while ( off < size )
    {
        struct fake *f = (data[off] & 1) ? dom_c : priv_c;
        size_t n = (size_t)(data[off] >> 1) * 8 + 1;

        off++;
        if ( n > size - off )
            n = size - off;
        if ( f && !f->c->dead )
            conn_feed(f->c, data + off, n);
        off += n;
        if ( priv_c )
            settle(&priv_c);
        if ( dom_c )
            settle(&dom_c);
        setup();
    }
    return 0;
}
