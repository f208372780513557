/* SPDX-License-Identifier: GPL-2.0-only */
/* Console output through HYPERVISOR_console_io or a DomU's ring, and a small printf. */
#include "guest.h"
#include <xen/io/console.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    bool left, zero, alt, neg;
    unsigned int width;
    int precision;
};

static void put_padded(struct out *o, const struct spec *sp, const char *s,
                       size_t len, const char *prefix)
{
    size_t plen = strlen(prefix), pad = 0;

    if ( sp->width > len + plen )
        pad = sp->width - len - plen;
    if ( !sp->left && !sp->zero )
        for ( ; pad; pad-- )
            put(o, ' ');
    while ( *prefix )
        put(o, *prefix++);
    if ( !sp->left && sp->zero )
        for ( ; pad; pad-- )
            put(o, '0');
    while ( len-- )
        put(o, *s++);
    for ( ; pad; pad-- )
        put(o, ' ');
}

static void put_number(struct out *o, const struct spec *sp, uint64_t v,
                       unsigned int base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = sizeof(tmp);
    const char *prefix = "";

    do
    {
        tmp[--n] = digits[v % base];
        v /= base;
    } while ( v );
    if ( sp->neg )
        prefix = "-";
    else if ( sp->alt && base == 16 )
        prefix = "0x";
    put_padded(o, sp, tmp + n, sizeof(tmp) - n, prefix);
}

/* Fetches an integer argument of the size the length modifier names. */
static uint64_t fetch(va_list *ap, int longs, bool is_signed, bool *neg)
{
    int64_t s;

    *neg = false;
    if ( !is_signed )
        return longs ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
    s = longs ? va_arg(*ap, int64_t) : va_arg(*ap, int);
    if ( s < 0 )
    {
        *neg = true;
        return -(uint64_t)s;
    }
    return s;
}

static const char *parse_spec(const char *fmt, struct spec *sp, int *longs)
{
    memset(sp, 0, sizeof(*sp));
    sp->precision = -1;
    for ( ;; fmt++ )
    {
        if ( *fmt == '-' )
            sp->left = true;
        else if ( *fmt == '0' )
            sp->zero = true;
        else if ( *fmt == '#' )
            sp->alt = true;
        else
            break;
    }
    while ( *fmt >= '0' && *fmt <= '9' )
        sp->width = sp->width * 10 + (*fmt++ - '0');
    if ( *fmt == '.' )
    {
        sp->precision = 0;
        for ( fmt++; *fmt >= '0' && *fmt <= '9'; fmt++ )
            sp->precision = sp->precision * 10 + (*fmt - '0');
    }
    for ( *longs = 0; *fmt == 'l' || *fmt == 'z'; fmt++ )
        (*longs)++;
    return fmt;
}

/* Formats one %-conversion; *fmt points after the '%'. */
static void put_conversion(struct out *o, const char **fmt, va_list *ap)
{
    struct spec sp;
    const char *s;
    char c;
    int longs;

    *fmt = parse_spec(*fmt, &sp, &longs);
    c = *(*fmt)++;
    switch ( c )
    {
    case 'd':
    case 'i':
        put_number(o, &sp, fetch(ap, longs, true, &sp.neg), 10, false);
        break;
    case 'u':
        put_number(o, &sp, fetch(ap, longs, false, &sp.neg), 10, false);
        break;
    case 'x':
    case 'X':
        put_number(o, &sp, fetch(ap, longs, false, &sp.neg), 16, c == 'X');
        break;
    case 'p':
        sp.alt = true;
        put_number(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, false);
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        put_padded(o, &sp, &c, 1, "");
        break;
    case 's':
        s = va_arg(*ap, const char *);
        if ( !s )
            s = "(null)";
        put_padded(
            o, &sp, s,
            strnlen(s, sp.precision < 0 ? (size_t)-1 : (size_t)sp.precision),
            "");
        break;
    case '%':
        put(o, '%');
        break;
    default:
        put(o, '%');
        if ( c )
            put(o, c);
        else
            (*fmt)--;
        break;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size};
    va_list aq;

    va_copy(aq, ap);
    while ( *fmt )
    {
        if ( *fmt != '%' )
            put(&o, *fmt++);
        else
        {
            fmt++;
            put_conversion(&o, &fmt, &aq);
        }
    }
    va_end(aq);
    if ( size )
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/*
 * A DomU may not use console_io (Xen refuses it outside debug builds):
 * its console is the ring page the builder gave it, read by Dom0.
 */
static struct xencons_interface *cons_ring;
static evtchn_port_t cons_port;

void console_use_ring(void *ring, evtchn_port_t port)
{
    cons_port = port;
    cons_ring = ring;
}

static void ring_notify(void)
{
    struct evtchn_send send = {.port = cons_port};

    hypercall_event_channel_op(EVTCHNOP_send, &send);
}

static void ring_write(const char *s, size_t len)
{
    volatile struct xencons_interface *r = cons_ring;
    XENCONS_RING_IDX prod = r->out_prod;

    while ( len )
    {
        /* Full: the reader runs when we yield (a kick first, to wake it). */
        if ( prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) >=
             sizeof(r->out) )
        {
            __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
            ring_notify();
            hypercall_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        r->out[prod++ % sizeof(r->out)] = *s++;
        len--;
    }
    __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    ring_notify();
}

bool is_domu(void)
{
    return start_info && !(start_info->flags & SIF_INITDOMAIN) &&
           start_info->console.domU.evtchn;
}

void console_write(const char *s, size_t len)
{
    /* A DomU's builder put the ring in the bootstrap mapping: find it by the M2P. */
    if ( !cons_ring && is_domu() )
        console_use_ring((void *)(GUEST_VIRT_BASE +
                                  (M2P[start_info->console.domU.mfn] << 12)),
                         start_info->console.domU.evtchn);
    if ( cons_ring )
        ring_write(s, len);
    else /* through whichever hypercall path is currently selected */
        hypercall_console_io(CONSOLEIO_write, len, s);
}

void printk(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ( n > (int)sizeof(buf) - 1 )
        n = sizeof(buf) - 1;
    console_write(buf, n);
}
