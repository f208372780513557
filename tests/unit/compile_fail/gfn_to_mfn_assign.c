/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a guest frame assigned to a machine frame. */
#include <xenia/types.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    mfn_t m = _mfn(1); (void)m;
#else
    mfn_t m = _gfn(1); (void)m;
#endif
}
