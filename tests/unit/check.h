/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal host test harness: CHECK() counts, SKIP() records a check that
 * could not run here (counted apart, never as a pass), main() prints the
 * verdict.
 */
#ifndef XENIA_TEST_CHECK_H
#define XENIA_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_passed_, check_failed_, check_skipped_;

#define CHECK(cond)                                                            \
    do                                                                         \
    {                                                                          \
        if ( cond )                                                            \
            check_passed_++;                                                   \
        else                                                                   \
        {                                                                      \
            check_failed_++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while ( 0 )

#define CHECK_EQ(a, b)                                                         \
    do                                                                         \
    {                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if ( a_ == b_ )                                                        \
            check_passed_++;                                                   \
        else                                                                   \
        {                                                                      \
            check_failed_++;                                                   \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld vs %lld)\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                       \
        }                                                                      \
    } while ( 0 )

#define CHECK_STR(a, b)                                                        \
    do                                                                         \
    {                                                                          \
        const char *a_ = (a), *b_ = (b);                                       \
        if ( a_ && b_ && !strcmp(a_, b_) )                                     \
            check_passed_++;                                                   \
        else                                                                   \
        {                                                                      \
            check_failed_++;                                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" vs \"%s\"\n",     \
                    __FILE__, __LINE__, a_ ? a_ : "(null)",                    \
                    b_ ? b_ : "(null)");                                       \
        }                                                                      \
    } while ( 0 )

#define SKIP(why)                                                              \
    do                                                                         \
    {                                                                          \
        check_skipped_++;                                                      \
        printf("SKIP %s:%d: %s\n", __FILE__, __LINE__, why);                   \
    } while ( 0 )

/* The pure code's ASSERT() lands here in host builds. */
void assert_failed(const char *expr, const char *file, int line)
{
    fprintf(stderr, "%s:%d: ASSERT failed: %s\n", file, line, expr);
    abort();
}

/* Each test program defines run_tests() and lets this main() report. */
static void run_tests(void);

int main(void)
{
    run_tests();
    printf("%d passed, %d failed, %d skipped\n", check_passed_, check_failed_,
           check_skipped_);
    return check_failed_ ? 1 : 0;
}

#endif /* XENIA_TEST_CHECK_H */
