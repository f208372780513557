/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of command-line parsing (common/cmdline.c). */
#include "check.h"
#include "../../hypervisor/common/cmdline.c"

static bool opt_a = true, opt_b, opt_dup1, opt_dup2, opt_realmode;
static unsigned int opt_n;
static uint64_t opt_sz;
static char opt_str[8];
static char custom_seen[64];
static int custom_calls;

static int custom_fn(const char *val)
{
    custom_calls++;
    snprintf(custom_seen, sizeof(custom_seen), "%s", val);
    return strcmp(val, "bad") ? 0 : -EINVAL;
}

static const struct kernel_param params[] = {
    {"a", PARAM_BOOL, &opt_a, 0, NULL},
    {"b", PARAM_BOOL, &opt_b, 0, NULL},
    {"n", PARAM_UINT, &opt_n, 0, NULL},
    {"sz", PARAM_SIZE, &opt_sz, 0, NULL},
    {"str", PARAM_STRING, opt_str, sizeof(opt_str), NULL},
    {"fn", PARAM_CUSTOM, NULL, 0, custom_fn},
    {"iommu", PARAM_IGNORED, NULL, 0, NULL},
    {"no-real-mode", PARAM_IGNORED, NULL, 0, NULL},
    {"real-mode", PARAM_BOOL, &opt_realmode, 0, NULL},
    {"dup", PARAM_BOOL, &opt_dup1, 0, NULL},
    {"dup", PARAM_BOOL, &opt_dup2, 0, NULL},
};

static struct {
    enum param_problem what;
    char opt[600];
} reports[16];
static int nr_reports;

static void report(enum param_problem what, const char *option)
{
    if ( nr_reports < (int)ARRAY_SIZE(reports) )
    {
        reports[nr_reports].what = what;
        snprintf(reports[nr_reports].opt, sizeof(reports[0].opt), "%s", option);
    }
    nr_reports++;
}

static const char *dom0;

static int parse(const char *s)
{
    nr_reports = 0;
    dom0 = "untouched";
    return cmdline_parse(s, params, ARRAY_SIZE(params), report, &dom0);
}

static void test_size(void)
{
    static const struct {
        const char *s;
        int rc;
        uint64_t bytes;
        size_t used;
    } cases[] = {
        {"1", 0, 1024, 1},
        {"1K", 0, 1024, 2},
        {"1k", 0, 1024, 2},
        {"3M", 0, 3 << 20, 2},
        {"3m", 0, 3 << 20, 2},
        {"2G", 0, 2ULL << 30, 2},
        {"2g", 0, 2ULL << 30, 2},
        {"5T", 0, 5ULL << 40, 2},
        {"5t", 0, 5ULL << 40, 2},
        {"512B", 0, 512, 4},
        {"512b", 0, 512, 4},
        {"0x10M", 0, 16 << 20, 5},
        {"0X10m", 0, 16 << 20, 5},
        {"010", 0, 8 << 10, 3},
        {"08", 0, 0, 1},              /* octal: stops at the 8 */
        {"0x", 0, 0, 1},              /* "0", then an 'x' that is not a unit */
        {"0x10B", 0, 0x10b << 10, 5}, /* hex digits take the B */
        {"16M,max:1G", 0, 16 << 20, 3},
        {"7Mx", 0, 7 << 20, 2},
        {"18446744073709551615B", 0, UINT64_MAX, 21},
        {"16777215T", 0, 16777215ULL << 40, 9},
        {"18014398509481983", 0, 18014398509481983ULL << 10, 17},
        {"18446744073709551616B", -EINVAL, 0, 0},
        {"16777216T", -EINVAL, 0, 0},
        {"18014398509481984", -EINVAL, 0, 0},
        {"0x10000000000000000B", -EINVAL, 0, 0},
        {"", -EINVAL, 0, 0},
        {"M", -EINVAL, 0, 0},
        {"-1", -EINVAL, 0, 0},
        {"+1", -EINVAL, 0, 0},
        {" 1", -EINVAL, 0, 0},
    };

    for ( size_t i = 0; i < ARRAY_SIZE(cases); i++ )
    {
        const char *end = NULL;
        uint64_t bytes = 0xdead;
        int rc = parse_size_and_unit(cases[i].s, &end, &bytes);

        CHECK_EQ(rc, cases[i].rc);
        if ( rc )
        {
            CHECK_EQ(bytes, 0xdead);
            continue;
        }
        CHECK_EQ(bytes, cases[i].bytes);
        CHECK_EQ(end - cases[i].s, cases[i].used);
    }
    {
        uint64_t b;

        CHECK_EQ(parse_size_and_unit("4G", NULL, &b), 0);
        CHECK_EQ(b, 4ULL << 30);
    }
}

/* Random decimal/hex numbers with units, against 128-bit arithmetic. */
static void test_size_random(void)
{
    static const char units[] = "KkMmGgTtBb ";
    int bad = 0;

    srand(9);
    for ( int k = 0; k < 20000; k++ )
    {
        unsigned __int128 v = 0, want;
        char buf[64];
        int n = 1 + rand() % 22, p = 0, hex = rand() % 3 == 0;
        char unit = units[rand() % (sizeof(units) - 1)];
        unsigned int shift = 10;
        uint64_t got;
        const char *end;
        bool overflow = false;
        int rc;

        /* After hex digits a 'b' would be one more digit (as in Xen). */
        if ( hex && (unit | 0x20) == 'b' )
            unit = ' ';
        if ( hex )
            p += sprintf(buf, "0x");
        for ( int i = 0; i < n; i++ )
        {
            int d =
                (i == 0 && !hex) ? 1 + rand() % 9 : rand() % (hex ? 16 : 10);

            buf[p++] = "0123456789abcdef"[d];
            v = v * (hex ? 16 : 10) + d;
            overflow |= v > UINT64_MAX;
        }
        if ( unit != ' ' )
            buf[p++] = unit;
        buf[p] = '\0';
        if ( strchr("Tt", unit) )
            shift = 40;
        else if ( strchr("Gg", unit) )
            shift = 30;
        else if ( strchr("Mm", unit) )
            shift = 20;
        else if ( strchr("Bb", unit) )
            shift = 0;
        want = v << shift;
        overflow |= v > UINT64_MAX || want > UINT64_MAX;
        rc = parse_size_and_unit(buf, &end, &got);
        if ( overflow )
            bad += rc != -EINVAL;
        else
            bad += rc || got != (uint64_t)want || *end;
    }
    CHECK_EQ(bad, 0);
}

static void test_bool(void)
{
    static const char *const yes[] = {"1", "yes", "on", "true", "enable"};
    static const char *const no[] = {"0", "no", "off", "false", "disable"};
    const char *s = "yesno";

    for ( size_t i = 0; i < ARRAY_SIZE(yes); i++ )
    {
        CHECK_EQ(parse_bool(yes[i], NULL), 1);
        CHECK_EQ(parse_bool(no[i], NULL), 0);
    }
    CHECK_EQ(parse_bool(s, s + 3), 1);
    CHECK_EQ(parse_bool(s + 3, s + 5), 0);
    CHECK_EQ(parse_bool(s, s + 2), -EINVAL);
    CHECK_EQ(parse_bool(s, NULL), -EINVAL);
    CHECK_EQ(parse_bool("", NULL), -EINVAL);
    CHECK_EQ(parse_bool("Yes", NULL), -EINVAL);
    CHECK_EQ(parse_bool("2", NULL), -EINVAL);
    CHECK_EQ(parse_bool("enabled", NULL), -EINVAL);
}

static void test_values(void)
{
    CHECK_EQ(parse("a=0 b n=0x10 sz=64M str=hello fn=x=y"), 0);
    CHECK_EQ(nr_reports, 0);
    CHECK_EQ(opt_a, false);
    CHECK_EQ(opt_b, true);
    CHECK_EQ(opt_n, 16);
    CHECK_EQ(opt_sz, 64 << 20);
    CHECK_STR(opt_str, "hello");
    CHECK_STR(custom_seen, "x=y");
    CHECK(dom0 == NULL);

    /* Booleans: every spelling, and "no-". */
    CHECK_EQ(parse("a=on no-b"), 0);
    CHECK(opt_a && !opt_b);
    CHECK_EQ(parse("no-a b=enable"), 0);
    CHECK(!opt_a && opt_b);
    CHECK_EQ(parse("no-a=0"), 0); /* Xen: a double negative */
    CHECK(opt_a);
    CHECK_EQ(parse("a=maybe"), 1);
    CHECK_EQ(reports[0].what, PARAM_INVALID);
    CHECK_STR(reports[0].opt, "a=maybe");
    CHECK(opt_a);

    /* Unsigned integers: bases, limits, junk. */
    CHECK_EQ(parse("n=010"), 0);
    CHECK_EQ(opt_n, 8);
    CHECK_EQ(parse("n=4294967295"), 0);
    CHECK_EQ(opt_n, 4294967295u);
    opt_n = 7;
    CHECK_EQ(parse("n=4294967296 n=0x100000000 n=-1 n= n n=12abc n=08 "
                   "n=99999999999999999999999"),
             8);
    CHECK_EQ(nr_reports, 8);
    for ( int i = 0; i < 8; i++ )
        CHECK_EQ(reports[i].what, PARAM_INVALID);
    CHECK_STR(reports[4].opt, "n");
    CHECK_EQ(opt_n, 7);

    /* Sizes must be consumed whole. */
    CHECK_EQ(parse("sz=2G"), 0);
    CHECK_EQ(opt_sz, 2ULL << 30);
    CHECK_EQ(parse("sz=64Q sz sz= sz=99999999999T"), 4);
    CHECK_EQ(opt_sz, 2ULL << 30);
    CHECK_EQ(parse("sz=4096"), 0);
    CHECK_EQ(opt_sz, 4096 << 10);

    /* Strings: what does not fit is refused, the old value kept. */
    CHECK_EQ(parse("str=1234567"), 0);
    CHECK_STR(opt_str, "1234567");
    CHECK_EQ(parse("str=12345678"), 1);
    CHECK_EQ(reports[0].what, PARAM_INVALID);
    CHECK_STR(opt_str, "1234567");
    CHECK_EQ(parse("str"), 0);
    CHECK_STR(opt_str, "");

    /* Custom: "" when absent, the function's verdict counts. */
    custom_calls = 0;
    CHECK_EQ(parse("fn fn=bad fn=good"), 1);
    CHECK_EQ(custom_calls, 3);
    CHECK_STR(custom_seen, "good");
    CHECK_EQ(reports[0].what, PARAM_INVALID);
    CHECK_STR(reports[0].opt, "fn=bad");
    CHECK_EQ(parse("fn"), 0);
    CHECK_STR(custom_seen, "");
}

static void test_names(void)
{
    /* Unknown, ignored, and "no-" on what is not a boolean. */
    CHECK_EQ(parse("bogus iommu=no-igfx no-n no-bogus x=1"), 4);
    CHECK_EQ(nr_reports, 5);
    CHECK_EQ(reports[0].what, PARAM_UNKNOWN);
    CHECK_STR(reports[0].opt, "bogus");
    CHECK_EQ(reports[1].what, PARAM_IGNORE);
    CHECK_STR(reports[1].opt, "iommu=no-igfx");
    CHECK_EQ(reports[2].what, PARAM_INVALID);
    CHECK_STR(reports[2].opt, "no-n");
    CHECK_EQ(reports[3].what, PARAM_UNKNOWN);
    CHECK_STR(reports[3].opt, "no-bogus");
    CHECK_EQ(reports[4].what, PARAM_UNKNOWN);
    CHECK_STR(reports[4].opt, "x=1");

    /* An exact name wins over the "no-" reading. */
    opt_realmode = true;
    CHECK_EQ(parse("no-real-mode"), 0);
    CHECK_EQ(nr_reports, 1);
    CHECK_EQ(reports[0].what, PARAM_IGNORE);
    CHECK(opt_realmode);
    /* Names match whole, not as prefixes. */
    CHECK_EQ(parse("aa s st=1 str2=x"), 4);
    /* Every parameter of a name is set. */
    CHECK_EQ(parse("dup"), 0);
    CHECK(opt_dup1 && opt_dup2);
    CHECK_EQ(parse("no-dup"), 0);
    CHECK(!opt_dup1 && !opt_dup2);
}

static void test_layout(void)
{
    char long_opt[700];

    /* Blanks of every kind, at both ends. */
    CHECK_EQ(parse("  \ta=1 \t\n b=0  "), 0);
    CHECK(opt_a && !opt_b);
    CHECK_EQ(parse(""), 0);
    CHECK(dom0 == NULL);
    CHECK_EQ(parse("   "), 0);
    CHECK_EQ(cmdline_parse(NULL, params, ARRAY_SIZE(params), report, &dom0), 0);
    CHECK(dom0 == NULL);

    /* "--" hands the rest to Dom0, blanks before it skipped. */
    CHECK_EQ(parse("a=0 --   console=hvc0  root=/dev/xvda1 b=1"), 0);
    CHECK_STR(dom0, "console=hvc0  root=/dev/xvda1 b=1");
    CHECK(!opt_a && !opt_b);
    CHECK_EQ(parse("-- a=1"), 0);
    CHECK_STR(dom0, "a=1");
    CHECK(!opt_a);
    CHECK_EQ(parse("a=1 --"), 0);
    CHECK(dom0 == NULL);
    CHECK_EQ(parse("a=1 --   "), 0);
    CHECK(dom0 == NULL);
    /* Only a lone "--" counts. */
    CHECK_EQ(parse("--x --=1 b=--"), 3);
    CHECK(dom0 == NULL);
    CHECK_EQ(cmdline_parse("a -- x", params, ARRAY_SIZE(params), NULL, NULL),
             0);

    /* An option too long to hold is refused; the rest still counts. */
    memset(long_opt, 'x', sizeof(long_opt));
    memcpy(long_opt, "str=", 4);
    strcpy(long_opt + 600, " b=1 zz");
    opt_b = false;
    CHECK_EQ(parse(long_opt), 2);
    CHECK(opt_b);
    CHECK_EQ(reports[0].what, PARAM_INVALID);
    CHECK_EQ(strlen(reports[0].opt), OPT_MAX - 1);
    CHECK_STR(reports[1].opt, "zz");
    /* No report function: problems are still counted. */
    CHECK_EQ(cmdline_parse("zz a=2", params, ARRAY_SIZE(params), NULL, &dom0),
             2);
}

static void run_tests(void)
{
    test_size();
    test_size_random();
    test_bool();
    test_values();
    test_names();
    test_layout();
}
