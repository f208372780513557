/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a machine frame compared with a guest frame. */
#include <xenia/types.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    (void)mfn_eq(_mfn(1), _mfn(1));
#else
    (void)mfn_eq(_mfn(1), _gfn(1));
#endif
}
