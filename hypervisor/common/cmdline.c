/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing the hypervisor's command line against a table of options. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/param.h>

/* The longest option, "name=value", that can be acted on. */
#define OPT_MAX 512

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static unsigned int digit_value(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    c |= 0x20; /* lower case */
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    return 16;
}

/*
 * A number as C (and Xen's simple_strtoull) writes it: "0x" for hex, a
 * leading 0 for octal, else decimal. No sign. -EINVAL without a digit or
 * on overflow; *end is where the digits stop.
 */
static int parse_u64(const char *s, const char **end, uint64_t *out)
{
    unsigned int base = 10, d;
    uint64_t v = 0;

    if ( s[0] == '0' && (s[1] | 0x20) == 'x' && digit_value(s[2]) < 16 )
    {
        base = 16;
        s += 2;
    }
    else if ( s[0] == '0' )
        base = 8;
    if ( digit_value(*s) >= base )
        return -EINVAL;
    for ( ; (d = digit_value(*s)) < base; s++ )
    {
        if ( v > (UINT64_MAX - d) / base )
            return -EINVAL;
        v = v * base + d;
    }
    *end = s;
    *out = v;
    return 0;
}

int parse_size_and_unit(const char *s, const char **end, uint64_t *bytes)
{
    unsigned int shift = 10; /* a bare number is KiB, as in Xen */
    const char *p;
    uint64_t v;

    if ( parse_u64(s, &p, &v) )
        return -EINVAL;
    switch ( *p | 0x20 )
    {
    case 't':
        shift = 40;
        p++;
        break;
    case 'g':
        shift = 30;
        p++;
        break;
    case 'm':
        shift = 20;
        p++;
        break;
    case 'k':
        shift = 10;
        p++;
        break;
    case 'b':
        shift = 0;
        p++;
        break;
    }
    if ( v > (UINT64_MAX >> shift) )
        return -EINVAL;
    *bytes = v << shift;
    if ( end )
        *end = p;
    return 0;
}

int parse_bool(const char *s, const char *end)
{
    static const char *const words[][2] = {
        {"0", "1"},        {"no", "yes"},         {"off", "on"},
        {"false", "true"}, {"disable", "enable"},
    };
    size_t len = end ? (size_t)(end - s) : strlen(s);
    unsigned int i, v;

    for ( i = 0; i < ARRAY_SIZE(words); i++ )
        for ( v = 0; v < 2; v++ )
            if ( strlen(words[i][v]) == len && !strncmp(s, words[i][v], len) )
                return v;
    return -EINVAL;
}

/* Set one option from val (NULL: no '='); negated for a "no-" boolean. */
static int apply(const struct kernel_param *p, const char *val, bool negated)
{
    const char *end;
    uint64_t v;
    int b;

    switch ( p->type )
    {
    case PARAM_BOOL:
        b = val ? parse_bool(val, NULL) : 1;
        if ( b < 0 )
            return -EINVAL;
        /* As in Xen, "no-x=0" means x is on. */
        *(bool *)p->var = negated ? !b : b;
        return 0;
    case PARAM_UINT:
        if ( !val || parse_u64(val, &end, &v) || *end || v > ~0u )
            return -EINVAL;
        *(unsigned int *)p->var = v;
        return 0;
    case PARAM_SIZE:
        if ( !val || parse_size_and_unit(val, &end, &v) || *end )
            return -EINVAL;
        *(uint64_t *)p->var = v;
        return 0;
    case PARAM_STRING:
        /* A value that would be cut short is refused, not truncated. */
        if ( !val )
            val = "";
        if ( strlen(val) >= p->len )
            return -EINVAL;
        memcpy(p->var, val, strlen(val) + 1);
        return 0;
    case PARAM_CUSTOM:
        return p->fn && !p->fn(val ? val : "") ? 0 : -EINVAL;
    default:
        return -EINVAL;
    }
}

/*
 * One "name[=value]" (modifiable: the '=' is cut). Every parameter of
 * that name is set; "no-name" falls back to a boolean called name.
 * Returns 1 if the option counts as a problem, else 0.
 */
static int parse_one(char *opt, const struct kernel_param *params,
                     size_t nr_params, param_report_fn report)
{
    char *eq = strchr(opt, '=');
    const char *val = eq ? eq + 1 : NULL, *name = opt;
    bool found = false, invalid = false, ignored = false, negated = false;
    size_t i;

    if ( eq )
        *eq = '\0';
    for ( int pass = 0; pass < 2 && !found; pass++ )
    {
        if ( pass == 1 )
        {
            if ( strncmp(opt, "no-", 3) )
                break;
            name = opt + 3;
            negated = true;
        }
        for ( i = 0; i < nr_params; i++ )
        {
            const struct kernel_param *p = &params[i];

            if ( strcmp(p->name, name) )
                continue;
            found = true;
            if ( p->type == PARAM_IGNORED )
                ignored = true;
            else if ( (negated && p->type != PARAM_BOOL) ||
                      apply(p, val, negated) )
                invalid = true;
        }
    }
    if ( eq )
        *eq = '=';
    if ( !found || invalid || ignored )
    {
        enum param_problem what = !found    ? PARAM_UNKNOWN
                                  : invalid ? PARAM_INVALID
                                            : PARAM_IGNORE;

        if ( report )
            report(what, opt);
        return what != PARAM_IGNORE;
    }
    return 0;
}

int cmdline_parse(const char *cmdline, const struct kernel_param *params,
                  size_t nr_params, param_report_fn report,
                  const char **dom0_args)
{
    char opt[OPT_MAX];
    int problems = 0;

    if ( dom0_args )
        *dom0_args = NULL;
    while ( cmdline && *cmdline )
    {
        const char *start;
        size_t len;

        while ( is_blank(*cmdline) )
            cmdline++;
        start = cmdline;
        while ( *cmdline && !is_blank(*cmdline) )
            cmdline++;
        len = cmdline - start;
        if ( !len )
            break;
        if ( len == 2 && start[0] == '-' && start[1] == '-' )
        {
            /* The rest is Dom0's; nothing after "--" is no arguments. */
            while ( is_blank(*cmdline) )
                cmdline++;
            if ( dom0_args && *cmdline )
                *dom0_args = cmdline;
            break;
        }
        memcpy(opt, start, MIN(len, sizeof(opt) - 1));
        opt[MIN(len, sizeof(opt) - 1)] = '\0';
        if ( len >= sizeof(opt) )
        {
            if ( report )
                report(PARAM_INVALID, opt); /* shown cut short */
            problems++;
            continue;
        }
        problems += parse_one(opt, params, nr_params, report);
    }
    return problems;
}
