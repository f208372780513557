/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: arithmetic on a frame without mfn_add(). */
#include <xenia/types.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    mfn_t m = mfn_add(_mfn(1), 1); (void)m;
#else
    mfn_t m = _mfn(1); m = m + 1;
#endif
}
