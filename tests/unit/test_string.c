/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the freestanding string functions (lib/string.c) against libc. */
#include "check.h"

/*
 * lib/string.c defines the libc names. Renamed here, it becomes a second
 * implementation that can be compared with the host's own.
 */
#define memcpy   xenia_memcpy
#define memmove  xenia_memmove
#define memset   xenia_memset
#define memcmp   xenia_memcmp
#define strlen   xenia_strlen
#define strnlen  xenia_strnlen
#define strcmp   xenia_strcmp
#define strncmp  xenia_strncmp
#define strchr   xenia_strchr
#define strlcpy  xenia_strlcpy
#define strtoul  xenia_strtoul
#define strtoull xenia_strtoull
#include "../../hypervisor/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy
#undef strtoul
#undef strtoull

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* Every offset/length combination in a small window, against a reference. */
static void test_mem_copy_set(void)
{
    unsigned char src[64], a[80], b[80];
    int bad_cpy = 0, bad_set = 0, bad_move = 0;

    for ( size_t i = 0; i < sizeof(src); i++ )
        src[i] = (unsigned char)(i * 7 + 3);
    for ( size_t off = 0; off < 8; off++ )
        for ( size_t n = 0; n <= 64; n++ )
        {
            memset(a, 0x5a, sizeof(a));
            memset(b, 0x5a, sizeof(b));
            CHECK(xenia_memcpy(a + off, src, n) == a + off);
            memcpy(b + off, src, n);
            bad_cpy += memcmp(a, b, sizeof(a)) != 0;

            CHECK(xenia_memset(a + off, 0x100 + (int)n, n) == a + off);
            memset(b + off, 0x100 + (int)n, n);
            bad_set += memcmp(a, b, sizeof(a)) != 0;
        }
    /* Overlap in both directions, every distance. */
    for ( size_t d = 0; d < 16; d++ )
        for ( size_t n = 0; n <= 48; n++ )
            for ( int dir = 0; dir < 2; dir++ )
            {
                unsigned char *as = dir ? a + d : a, *ad = dir ? a : a + d;
                unsigned char *bs = dir ? b + d : b, *bd = dir ? b : b + d;

                for ( size_t i = 0; i < sizeof(a); i++ )
                    a[i] = b[i] = (unsigned char)i;
                CHECK(xenia_memmove(ad, as, n) == ad);
                memmove(bd, bs, n);
                bad_move += memcmp(a, b, sizeof(a)) != 0;
            }
    CHECK_EQ(bad_cpy, 0);
    CHECK_EQ(bad_set, 0);
    CHECK_EQ(bad_move, 0);
}

static void test_compare(void)
{
    static const char *const s[] = {"",  "a",    "ab",   "abc", "abd",   "abcd",
                                    "b", "\x80", "\x7f", "A",   "ab\xff"};
    int bad = 0;

    for ( size_t i = 0; i < ARRAY_SIZE(s); i++ )
        for ( size_t j = 0; j < ARRAY_SIZE(s); j++ )
        {
            bad += sign(xenia_strcmp(s[i], s[j])) != sign(strcmp(s[i], s[j]));
            for ( size_t n = 0; n < 6; n++ )
                bad += sign(xenia_strncmp(s[i], s[j], n)) !=
                       sign(strncmp(s[i], s[j], n));
            size_t n = MIN(strlen(s[i]), strlen(s[j])) + 1;
            bad += sign(xenia_memcmp(s[i], s[j], n)) !=
                   sign(memcmp(s[i], s[j], n));
        }
    CHECK_EQ(bad, 0);
    /* Bytes compare as unsigned char. */
    CHECK(xenia_memcmp("\x80", "\x01", 1) > 0);
    CHECK(xenia_strcmp("\xff", "a") > 0);
    CHECK_EQ(xenia_memcmp("abc", "abd", 2), 0);
    CHECK_EQ(xenia_memcmp(NULL, NULL, 0), 0);
}

static void test_lengths_and_search(void)
{
    const char *s = "hello, world";
    char unterminated[4] = {'a', 'b', 'c', 'd'};

    CHECK_EQ(xenia_strlen(""), 0);
    CHECK_EQ(xenia_strlen(s), 12);
    CHECK_EQ(xenia_strnlen(s, 5), 5);
    CHECK_EQ(xenia_strnlen(s, 100), 12);
    CHECK_EQ(xenia_strnlen(s, 0), 0);
    /* strnlen must not read past max (ASan would catch it). */
    CHECK_EQ(xenia_strnlen(unterminated, sizeof(unterminated)), 4);
    CHECK(xenia_strchr(s, 'o') == s + 4);
    CHECK(xenia_strchr(s, 'z') == NULL);
    CHECK(xenia_strchr(s, '\0') == s + 12);
    CHECK(xenia_strchr(s, 'w' + 256) == s + 7); /* converted to char */
    CHECK(xenia_strchr("\xe9t\xe9", 0xe9) != NULL);
}

static void test_strlcpy(void)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(xenia_strlcpy(buf, "abc", sizeof(buf)), 3);
    CHECK_STR(buf, "abc");
    CHECK_EQ(xenia_strlcpy(buf, "0123456789", sizeof(buf)), 10);
    CHECK_STR(buf, "0123456");
    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(xenia_strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'x');
    CHECK_EQ(xenia_strlcpy(buf, "abc", 1), 3);
    CHECK_EQ(buf[0], '\0');
    CHECK_EQ(buf[1], 'x');
    CHECK_EQ(xenia_strlcpy(buf, "", sizeof(buf)), 0);
    CHECK_STR(buf, "");
}

/* strtoul/strtoull, compared with libc on fixed and random inputs. */
static void compare_strtoul(const char *s, int base, int *bad)
{
    char *e1, *e2;
    unsigned long long a = xenia_strtoull(s, &e1, base);
    unsigned long long b = strtoull(s, &e2, base);
    unsigned long c = xenia_strtoul(s, NULL, base);

    if ( a != b || e1 != e2 || c != strtoul(s, NULL, base) )
    {
        (*bad)++;
        fprintf(stderr, "strtoull(\"%s\", %d): %llu/%td vs %llu/%td\n", s, base,
                a, e1 - s, b, e2 - s);
    }
}

static void test_strtoul(void)
{
    static const char *const fixed[] = {"0",
                                        "123",
                                        "  42abc",
                                        "\t\n-17",
                                        "+5",
                                        "0x1f",
                                        "0X1F",
                                        "0x",
                                        "0xg",
                                        "017",
                                        "08",
                                        "0",
                                        "",
                                        "   ",
                                        "-",
                                        "+",
                                        "zz",
                                        "18446744073709551615",
                                        "18446744073709551616",
                                        "99999999999999999999999",
                                        "-1",
                                        "-18446744073709551615",
                                        "-18446744073709551616",
                                        "0x10000000000000000",
                                        "0xffffffffffffffff",
                                        "1777777777777777777777",
                                        "2000000000000000000000",
                                        "ZZZ",
                                        "-0x10",
                                        "0b101",
                                        "  +0x7fz"};
    static const int bases[] = {0, 2, 8, 10, 16, 36};
    static const char alphabet[] = " +-0123456789abcdefxzXZ\t";
    char buf[40];
    int bad = 0;

    for ( size_t i = 0; i < ARRAY_SIZE(fixed); i++ )
        for ( size_t j = 0; j < ARRAY_SIZE(bases); j++ )
            compare_strtoul(fixed[i], bases[j], &bad);
    srand(1);
    for ( int k = 0; k < 20000; k++ )
    {
        size_t n = rand() % 30;

        for ( size_t i = 0; i < n; i++ )
            buf[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
        buf[n] = '\0';
        compare_strtoul(buf, bases[rand() % ARRAY_SIZE(bases)], &bad);
    }
    CHECK_EQ(bad, 0);
    /* Bad bases parse nothing. */
    {
        const char *s = "123";
        char *e;

        CHECK_EQ(xenia_strtoull(s, &e, 1), 0);
        CHECK(e == s);
        CHECK_EQ(xenia_strtoull(s, &e, 37), 0);
        CHECK(e == s);
    }
}

static void run_tests(void)
{
    test_mem_copy_set();
    test_compare();
    test_lengths_and_search();
    test_strlcpy();
    test_strtoul();
}
