/* SPDX-License-Identifier: GPL-2.0-only */
/* Which XCR0 values a guest may set: the architecture's rules (no hardware). */
#include <xenia/types.h>
#include <asm/xstate.h>

bool xcr0_valid(uint64_t xcr0, uint64_t max)
{
    /* x87 is always on; AVX needs SSE; nothing beyond what is offered. */
    if ( !(xcr0 & XSTATE_FP) || (xcr0 & ~max) )
        return false;
    if ( (xcr0 & XSTATE_YMM) && !(xcr0 & XSTATE_SSE) )
        return false;
    return true;
}
