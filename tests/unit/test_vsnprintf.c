/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of lib/vsnprintf.c, mostly by comparison with the host's printf. */
#include "check.h"

/* Renamed so that the host's snprintf() stays available as the reference. */
#define vsnprintf xenia_vsnprintf
#define snprintf  xenia_snprintf
#include "../../hypervisor/lib/vsnprintf.c"
#undef vsnprintf
#undef snprintf

static int bad_;

/* Both implementations, full buffer and a truncating one, must agree. */
#define SAME(fmt, ...)                                                         \
    do                                                                         \
    {                                                                          \
        /* Not a literal: some formats test flags gcc would warn about. */     \
        const char *f_ = (fmt);                                                \
        char a_[256], b_[256], c_[5];                                          \
        int na_ = xenia_snprintf(a_, sizeof(a_), f_, __VA_ARGS__);             \
        int nb_ = snprintf(b_, sizeof(b_), f_, __VA_ARGS__);                   \
        int nc_ = xenia_snprintf(c_, sizeof(c_), f_, __VA_ARGS__);             \
        if ( na_ != nb_ || strcmp(a_, b_) || nc_ != nb_ ||                     \
             strncmp(c_, b_, sizeof(c_) - 1) || strlen(c_) > sizeof(c_) - 1 )  \
        {                                                                      \
            bad_++;                                                            \
            fprintf(stderr,                                                    \
                    "%s:%d: \"%s\": got \"%s\" (%d), want \"%s\" (%d)\n",      \
                    __FILE__, __LINE__, fmt, a_, na_, b_, nb_);                \
        }                                                                      \
        else                                                                   \
            check_passed_++;                                                   \
    } while ( 0 )

static void test_fixed(void)
{
    SAME("%s", "plain");
    SAME("%d %i %u", -42, 17, 3000000000u);
    SAME("%x %X %o", 0xdeadbeefu, 0xcafeu, 0777u);
    SAME("%5d|%-5d|%05d|%+d|% d|%+5d", 42, 42, 42, 42, 42, -42);
    SAME("%.3d|%.0d|%.0d|%8.3d|%-8.3d|%08.3d", 7, 0, 1, -7, 7, 7);
    SAME("%#x|%#X|%#o|%#o|%#x|%#.0o|%#.3o", 255u, 255u, 8u, 0u, 0u, 0u, 8u);
    SAME("%#08x|%#-8x|%0#8o", 255u, 255u, 8u);
    SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
    SAME("%ld %lu %lx", -1L, ~0UL, ~0UL);
    SAME("%lld %llu %llx %llo", (long long)(-0x7fffffffffffffffLL - 1), ~0ULL,
         0x123456789abcdefULL, ~0ULL);
    SAME("%zu %zx %zd", (size_t)123456789, ~(size_t)0, (size_t)-5);
    SAME("%d %d", (int)(-0x7fffffff - 1), 0x7fffffff);
    SAME("%c%c%c|%3c|%-3c|", 'a', 'b', 'c', 'x', 'y');
    SAME("%s|%10s|%-10s|%.2s|%10.2s|%-10.2s|", "abc", "abc", "abc", "abc",
         "abc", "abc");
    SAME("%%|%d%%", 5);
    SAME("%*d|%-*d|%*d|%.*d|%.*d|%*.*d", 6, 1, 6, 2, -6, 3, 4, 5, -1, 6, 8, 3,
         7);
    SAME("%.*s|%.*s", 2, "abcdef", -1, "abcdef");
    SAME("%p %p", (void *)0x1234, (void *)~0UL);
    SAME("%20p|%-20p|", (void *)0xabc, (void *)0xabc);
    SAME("%p", (void *)NULL);
    SAME("%s", "");
    SAME("%+.0d|% .0d|%+u", 0, 0, 5u);
    SAME("%0-5d|%-05d|", 3, 3);
    SAME("%00005d|%--5d|%++d|%  d", 1, 2, 3, 4);
    SAME("x%cy", '\0');
    CHECK_EQ(bad_, 0);
}

static void test_edges(void)
{
    char buf[16];
    int n;

    /* NULL strings print "(null)", precision applies to it. */
    n = xenia_snprintf(buf, sizeof(buf), "%s", (char *)NULL);
    CHECK_EQ(n, 6);
    CHECK_STR(buf, "(null)");
    xenia_snprintf(buf, sizeof(buf), "[%.3s]", (char *)NULL);
    CHECK_STR(buf, "[(nu]");
    xenia_snprintf(buf, sizeof(buf), "[%8s]", (char *)NULL);
    CHECK_STR(buf, "[  (null)]");

    /* size 0 writes nothing, but still counts. */
    memset(buf, 'q', sizeof(buf));
    CHECK_EQ(xenia_snprintf(buf, 0, "%d", 12345), 5);
    CHECK_EQ(buf[0], 'q');
    CHECK_EQ(xenia_snprintf(NULL, 0, "%s-%s", "ab", "cd"), 5);
    /* size 1 gives just the terminator. */
    CHECK_EQ(xenia_snprintf(buf, 1, "%d", 12345), 5);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'q');
    /* Truncation keeps the prefix and always terminates. */
    memset(buf, 'q', sizeof(buf));
    CHECK_EQ(xenia_snprintf(buf, 4, "%s", "abcdef"), 6);
    CHECK_STR(buf, "abc");
    CHECK_EQ(buf[4], 'q');
    /* A %c of NUL is a character, counted like any other. */
    CHECK_EQ(xenia_snprintf(buf, sizeof(buf), "a%cb", '\0'), 3);
    CHECK_EQ(buf[1], '\0');
    CHECK_EQ(buf[2], 'b');
    /* Unknown conversions are copied; a trailing '%' stays. */
    CHECK_EQ(xenia_snprintf(buf, sizeof(buf), "%y|%"), 4);
    CHECK_STR(buf, "%y|%");
    /* Huge widths saturate instead of overflowing, and still count. */
    CHECK_EQ(xenia_snprintf(buf, sizeof(buf), "%100000d", 1), 100000);
    CHECK_EQ(strlen(buf), sizeof(buf) - 1);
}

/* Random single conversions, compared with the host. */
static void test_random(void)
{
    static const char convs[] = "diuxXoscp";
    static const char *const lens[] = {"", "hh", "h", "l", "ll", "z"};
    static const char *const strs[] = {"", "a", "hello", "a longer string"};
    char fmt[64], a[512], b[512];
    int bad = 0;

    srand(7);
    for ( int k = 0; k < 50000; k++ )
    {
        char conv = convs[rand() % (sizeof(convs) - 1)];
        bool is_int = strchr("diuxXo", conv) != NULL;
        const char *len = is_int ? lens[rand() % ARRAY_SIZE(lens)] : "";
        int star_w = rand() % 4 == 0, star_p = rand() % 4 == 0;
        int w = rand() % 25 - (star_w ? 12 : 0),
            p = rand() % 22 - (star_p ? 4 : 0);
        unsigned long long v = (unsigned long long)rand() << 33 ^ rand();
        const char *str = strs[rand() % ARRAY_SIZE(strs)];
        int ch = 'A' + rand() % 26;
        char *f = fmt;
        int na, nb;

        v >>= rand() % 64;
        if ( rand() % 2 )
            v = -v;
        f += sprintf(f, "<%%");
        for ( const char *fl = "-0#+ "; *fl; fl++ )
            if ( rand() % 4 == 0 )
                *f++ = *fl;
        /* Flags the C standard leaves undefined for these conversions. */
        if ( conv == 's' || conv == 'c' || conv == 'p' )
            for ( char *q = fmt + 2; q < f; q++ )
                if ( *q != '-' )
                    *q = '-';
        if ( star_w )
            *f++ = '*';
        else if ( rand() % 2 )
            f += sprintf(f, "%d", w < 0 ? -w : w);
        if ( conv != 'c' && conv != 'p' && rand() % 2 )
            f += star_p ? sprintf(f, ".*") : sprintf(f, ".%d", p < 0 ? 0 : p);
        else
            star_p = 0;
        f += sprintf(f, "%s%c>", len, conv);

#define BOTH(...)                                                              \
    do                                                                         \
    {                                                                          \
        na = xenia_snprintf(a, sizeof(a), fmt, __VA_ARGS__);                   \
        nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);                         \
    } while ( 0 )
#define ARGS(x)                                                                \
    do                                                                         \
    {                                                                          \
        if ( star_w && star_p )                                                \
            BOTH(w, p, x);                                                     \
        else if ( star_w )                                                     \
            BOTH(w, x);                                                        \
        else if ( star_p )                                                     \
            BOTH(p, x);                                                        \
        else                                                                   \
            BOTH(x);                                                           \
    } while ( 0 )

        if ( conv == 's' )
            ARGS(str);
        else if ( conv == 'c' )
            ARGS(ch);
        else if ( conv == 'p' )
            ARGS((void *)(uintptr_t)(v | 1));
        else if ( !strcmp(len, "ll") )
            ARGS(v);
        else if ( !strcmp(len, "l") )
            ARGS((unsigned long)v);
        else if ( !strcmp(len, "z") )
            ARGS((size_t)v);
        else
            ARGS((unsigned int)v);
        if ( na != nb || strcmp(a, b) )
        {
            if ( bad++ < 10 )
                fprintf(stderr, "\"%s\": got \"%s\" (%d), want \"%s\" (%d)\n",
                        fmt, a, na, b, nb);
        }
    }
    CHECK_EQ(bad, 0);
}

static void run_tests(void)
{
    test_fixed();
    test_edges();
    test_random();
}
