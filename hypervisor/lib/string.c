/* SPDX-License-Identifier: GPL-2.0-only */
/* The C string and memory functions the freestanding hypervisor needs. */
#include <xenia/lib.h>

/*
 * The compiler turns byte loops into calls to memcpy()/memset()/memmove()
 * when it recognises them, which inside those very functions would
 * recurse forever. An empty asm with a memory clobber in the loop body
 * keeps each loop a loop; the x86 string instructions do the bulk work.
 */
#define LOOP_BARRIER() __asm__ volatile("" ::: "memory")

/*
 * Eight bytes a step, then the tail byte by byte: a step of a rep string
 * instruction is an instruction to QEMU's icount (and costs as much under
 * TCG), so clearing or copying a page by qwords is 512 steps, not 4096.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t q = n / 8, r = n % 8;

    __asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    /* Forward copying is safe unless dst starts inside [src, src + n). */
    if ( d <= s || d >= s + n )
        return memcpy(dst, src, n);
    while ( n-- )
    {
        d[n] = s[n];
        LOOP_BARRIER();
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t q = n / 8, r = n % 8;
    uint64_t v = (unsigned char)c * 0x0101010101010101ULL;

    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;

    for ( ; n; n--, p++, q++ )
        if ( *p != *q )
            return *p - *q;
    return 0;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while ( *p )
        p++;
    return p - s;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while ( n < max && s[n] )
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while ( *p && *p == *q )
        p++, q++;
    return *p - *q;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for ( ; n; n--, p++, q++ )
        if ( *p != *q || !*p )
            return *p - *q;
    return 0;
}

char *strchr(const char *s, int c)
{
    /* The terminator counts as part of the string, as C specifies. */
    for ( ;; s++ )
    {
        if ( *s == (char)c )
            return (char *)s;
        if ( !*s )
            return NULL;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if ( size )
    {
        size_t n = MIN(len, size - 1);

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'z' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'Z' )
        return c - 'A' + 10;
    return 36;
}

/*
 * C's strtoull() without errno: whitespace, an optional sign, a base
 * prefix when base is 0 or 16, then digits. Overflow saturates at
 * ULLONG_MAX; a minus sign negates in unsigned arithmetic, as C says.
 */
unsigned long long strtoull(const char *s, char **end, int base)
{
    const char *p = s;
    unsigned long long v = 0;
    bool neg = false, any = false, overflow = false;

    if ( base < 0 || base == 1 || base > 36 )
        goto out;
    while ( *p == ' ' || (*p >= '\t' && *p <= '\r') )
        p++;
    if ( *p == '+' || *p == '-' )
        neg = *p++ == '-';
    /* "0x" only counts as a prefix when a hex digit follows it. */
    if ( (base == 0 || base == 16) && p[0] == '0' &&
         (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16 )
    {
        p += 2;
        base = 16;
    }
    else if ( base == 0 )
        base = p[0] == '0' ? 8 : 10;
    for ( ; digit_value(*p) < base; p++ )
    {
        unsigned int d = digit_value(*p);

        any = true;
        if ( v > (~0ULL - d) / base )
            overflow = true;
        else
            v = v * base + d;
    }
out:
    if ( end )
        *end = (char *)(any ? p : s);
    if ( overflow )
        return ~0ULL;
    return neg ? -v : v;
}

/* x86-64 is LP64: strtoul() is strtoull() under another name. */
BUILD_BUG_ON(sizeof(unsigned long) != sizeof(unsigned long long));

unsigned long strtoul(const char *s, char **end, int base)
{
    return strtoull(s, end, base);
}
