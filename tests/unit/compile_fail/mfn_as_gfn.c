/* SPDX-License-Identifier: GPL-2.0-only */
/* Must not compile: a machine frame stored as the M2P's guest frame. */
#include <xenia/mm.h>

void compile_fail(void);
void compile_fail(void)
{
#ifdef COMPILE_FAIL_CONTROL
    set_gpfn_from_mfn(_mfn(1), _gfn(2));
#else
    set_gpfn_from_mfn(_mfn(1), _mfn(2));
#endif
}
