/* SPDX-License-Identifier: GPL-2.0-only */
/* Port I/O and uncached MMIO accessors. */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <xenia/types.h>

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint8_t v, uint16_t port)
{
    asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t v, uint16_t port)
{
    asm volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint32_t mmio_read32(const volatile void *addr)
{
    return *(const volatile uint32_t *)addr;
}

static inline void mmio_write32(volatile void *addr, uint32_t v)
{
    *(volatile uint32_t *)addr = v;
}

static inline uint64_t mmio_read64(const volatile void *addr)
{
    return *(const volatile uint64_t *)addr;
}

static inline void mmio_write64(volatile void *addr, uint64_t v)
{
    *(volatile uint64_t *)addr = v;
}

/* Map MMIO uncached in the ioremap area; NULL when the area is full. */
void *ioremap(paddr_t pa, size_t len);

#endif /* ASM_IO_H */
