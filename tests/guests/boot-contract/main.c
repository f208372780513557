/* SPDX-License-Identifier: GPL-2.0-only */
/* placeholder */
#include "guest.h"

const char test_title[] = "boot contract";

void test_main(void)
{
    test_pass("hello");
}
