/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a raw number as the frame of a grant PTE. */
#include <asm/grant_pte.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    (void)grant_pte(_mfn(7), 0, false);
#else
    (void)grant_pte(7, 0, false);
#endif
}
