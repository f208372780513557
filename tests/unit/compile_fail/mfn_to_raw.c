/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a frame read as a plain number without mfn_x(). */
#include <xenia/types.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    unsigned long x = mfn_x(_mfn(3)); (void)x;
#else
    unsigned long x = _mfn(3); (void)x;
#endif
}
