/* SPDX-License-Identifier: GPL-2.0-only */
/* Formatted output into a bounded buffer: the C subset Xenia uses. */
#include <xenia/lib.h>

enum {
    F_LEFT = 1,  /* '-': pad on the right */
    F_ZERO = 2,  /* '0': pad numbers with zeros */
    F_ALT = 4,   /* '#': 0x prefix, leading octal 0 */
    F_PLUS = 8,  /* '+': sign on positive numbers */
    F_SPACE = 16 /* ' ': blank where the sign would go */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z };

struct spec {
    unsigned int flags;
    int width;
    int prec; /* -1: none given */
    enum length len;
    char conv;
};

/*
 * Output goes through one sink that stores what fits, keeping the last
 * byte for the terminator, and counts everything, so the return value is
 * the length the whole string would have had.
 */
struct sink {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct sink *o, char c)
{
    if ( o->len + 1 < o->size )
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct sink *o, char c, long n)
{
    for ( ; n > 0; n-- )
        put(o, c);
}

static void put_str(struct sink *o, const struct spec *sp, const char *s)
{
    size_t n;

    if ( !s )
        s = "(null)";
    n = sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s);
    if ( !(sp->flags & F_LEFT) )
        pad(o, ' ', (long)sp->width - (long)n);
    for ( size_t i = 0; i < n; i++ )
        put(o, s[i]);
    if ( sp->flags & F_LEFT )
        pad(o, ' ', (long)sp->width - (long)n);
}

/* One integer: [sign][prefix][precision zeros][digits], padded to width. */
static void put_num(struct sink *o, const struct spec *sp, unsigned long long v,
                    bool neg)
{
    static const char lower[] = "0123456789abcdef",
                      upper[] = "0123456789ABCDEF";
    const char *dig = sp->conv == 'X' ? upper : lower;
    unsigned int base = 10;
    char digits[24], sign = 0;
    const char *prefix = "";
    long nd = 0, zeros, total;

    if ( sp->conv == 'o' )
        base = 8;
    else if ( sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p' )
        base = 16;
    if ( (sp->flags & F_ALT) && base == 16 && v )
        prefix = sp->conv == 'X' ? "0X" : "0x";
    /* Only signed conversions have a sign to show. */
    if ( neg )
        sign = '-';
    else if ( sp->conv != 'd' && sp->conv != 'i' )
        sign = 0;
    else if ( sp->flags & F_PLUS )
        sign = '+';
    else if ( sp->flags & F_SPACE )
        sign = ' ';
    for ( ; v; v /= base )
        digits[nd++] = dig[v % base];

    zeros = (sp->prec < 0 ? 1 : sp->prec) - nd;
    if ( zeros < 0 )
        zeros = 0;
    /* '#' with octal: the first digit must be 0, even for the value 0. */
    if ( (sp->flags & F_ALT) && base == 8 && !zeros )
        zeros = 1;
    total = (sign != 0) + (long)strlen(prefix) + zeros + nd;
    if ( (sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0 &&
         sp->width > total )
    {
        zeros += sp->width - total;
        total = sp->width;
    }

    if ( !(sp->flags & F_LEFT) )
        pad(o, ' ', sp->width - total);
    if ( sign )
        put(o, sign);
    while ( *prefix )
        put(o, *prefix++);
    pad(o, '0', zeros);
    while ( nd )
        put(o, digits[--nd]);
    if ( sp->flags & F_LEFT )
        pad(o, ' ', sp->width - total);
}

static long long get_signed(va_list *ap, enum length len)
{
    switch ( len )
    {
    case LEN_HH:
        return (signed char)va_arg(*ap, int);
    case LEN_H:
        return (short)va_arg(*ap, int);
    case LEN_L:
        return va_arg(*ap, long);
    case LEN_LL:
        return va_arg(*ap, long long);
    case LEN_Z:
        /* The signed type of size_t's width. */
        return (ptrdiff_t)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long get_unsigned(va_list *ap, enum length len)
{
    switch ( len )
    {
    case LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:
        return va_arg(*ap, unsigned long);
    case LEN_LL:
        return va_arg(*ap, unsigned long long);
    case LEN_Z:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static int parse_int(const char **fmt)
{
    int n = 0;

    /* Saturate rather than overflow on absurd widths. */
    for ( ; **fmt >= '0' && **fmt <= '9'; (*fmt)++ )
        if ( n <= (__INT_MAX__ - 9) / 10 )
            n = n * 10 + (**fmt - '0');
    return n;
}

/* Flags, width, precision and length after a '%'; fmt ends on the conv. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
    const char *f = *fmt;
    const char *flag_chars = "-0#+ ";
    const char *c;

    sp->flags = 0;
    while ( *f && (c = strchr(flag_chars, *f)) != NULL )
    {
        sp->flags |= 1u << (c - flag_chars);
        f++;
    }
    sp->width = 0;
    if ( *f == '*' )
    {
        int w = va_arg(*ap, int);

        f++;
        /* A negative '*' width means '-' and its magnitude. */
        if ( w < 0 )
            sp->flags |= F_LEFT;
        sp->width = w < 0 ? (w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w) : w;
    }
    else
        sp->width = parse_int(&f);
    sp->prec = -1;
    if ( *f == '.' )
    {
        f++;
        if ( *f == '*' )
        {
            f++;
            sp->prec = va_arg(*ap, int);
            if ( sp->prec < 0 )
                sp->prec = -1; /* as if omitted */
        }
        else
            sp->prec = parse_int(&f);
    }
    sp->len = LEN_NONE;
    if ( *f == 'h' )
        sp->len = *++f == 'h' ? (f++, LEN_HH) : LEN_H;
    else if ( *f == 'l' )
        sp->len = *++f == 'l' ? (f++, LEN_LL) : LEN_L;
    else if ( *f == 'z' )
        f++, sp->len = LEN_Z;
    sp->conv = *f;
    *fmt = f;
}

static void convert(struct sink *o, struct spec *sp, va_list *ap)
{
    long long s;
    void *p;

    switch ( sp->conv )
    {
    case 'd':
    case 'i':
        s = get_signed(ap, sp->len);
        put_num(o, sp, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
                s < 0);
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        put_num(o, sp, get_unsigned(ap, sp->len), false);
        break;
    case 'p':
        p = va_arg(*ap, void *);
        if ( !p )
        {
            sp->prec = -1;
            put_str(o, sp, "(nil)");
            break;
        }
        sp->flags |= F_ALT;
        put_num(o, sp, (uintptr_t)p, false);
        break;
    case 's':
        put_str(o, sp, va_arg(*ap, const char *));
        break;
    case 'c':
        /* Not through put_str(): '\0' is a character to print here. */
        if ( !(sp->flags & F_LEFT) )
            pad(o, ' ', (long)sp->width - 1);
        put(o, (char)va_arg(*ap, int));
        if ( sp->flags & F_LEFT )
            pad(o, ' ', (long)sp->width - 1);
        break;
    default:
        /* '%%', or an unknown conversion, which is printed as written. */
        put(o, '%');
        if ( sp->conv != '%' )
            put(o, sp->conv);
        break;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sink o = {buf, size, 0};
    struct spec sp;
    va_list args;

    va_copy(args, ap);
    for ( ; *fmt; fmt++ )
    {
        if ( *fmt != '%' )
        {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        parse_spec(&fmt, &args, &sp);
        if ( !sp.conv )
        {
            put(&o, '%'); /* a lone '%' at the very end */
            break;
        }
        convert(&o, &sp, &args);
    }
    va_end(args);
    if ( size )
        buf[MIN(o.len, size - 1)] = '\0';
    return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
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
