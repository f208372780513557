/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a guest frame where the frame table wants a machine frame. */
#include <xenia/mm.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    (void)mfn_to_page(_mfn(1));
#else
    (void)mfn_to_page(_gfn(1));
#endif
}
