/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a raw number handed to the allocator as a frame. */
#include <xenia/page_alloc.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    free_heap_pages(_mfn(5), 0);
#else
    free_heap_pages(5UL, 0);
#endif
}
