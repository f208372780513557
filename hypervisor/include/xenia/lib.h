/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers every file may use: sizes, alignment, string functions. */
#ifndef XENIA_LIB_H
#define XENIA_LIB_H

#include <xenia/types.h>

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a)   (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))
#define KB(x)           ((uint64_t)(x) << 10)
#define MB(x)           ((uint64_t)(x) << 20)
#define GB(x)           ((uint64_t)(x) << 30)

#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __packed   __attribute__((packed))
#define __aligned(a) __attribute__((aligned(a)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused   __attribute__((unused))

/*
 * ASSERT() is for invariants Xenia guarantees itself, never for guest
 * data. The hypervisor panics with file:line; host tests abort.
 */
void __noreturn assert_failed(const char *expr, const char *file, int line);
#if defined(CONFIG_DEBUG) || defined(XENIA_HOST)
#define ASSERT(p)                                                              \
    do                                                                         \
    {                                                                          \
        if ( unlikely(!(p)) )                                                  \
            assert_failed(#p, __FILE__, __LINE__);                             \
    } while ( 0 )
#else
#define ASSERT(p)                                                              \
    do                                                                         \
    {                                                                          \
        (void)sizeof(p);                                                       \
    } while ( 0 )
#endif

#ifdef XENIA_HOST
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* glibc gained strlcpy only in 2.38; pure code may use it everywhere. */
#if !defined(strlcpy) && !(defined(__GLIBC__) && __GLIBC_PREREQ(2, 38))
static inline size_t xenia_host_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if ( size )
    {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#define strlcpy xenia_host_strlcpy
#endif
#else
#include <stdarg.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
#endif

#endif /* XENIA_LIB_H */
