/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of the device layer's pure part (devid.c). */
#include <stdio.h>

#include "devid.h"
#include "check.h"

int main(void)
{
    unsigned int v = 99;
    char *none[] = {NULL};
    char *some[] = {"0", "51712", "3", "junk", "-1", "007", "2147483648"};
    char *top[] = {"2147483647"};

    check(devid_parse("0", &v) && v == 0, "devid 0");
    check(devid_parse("51712", &v) && v == 51712, "devid 51712");
    check(devid_parse("2147483647", &v) && v == 2147483647u, "devid INT_MAX");
    check(!devid_parse("2147483648", &v), "devid above INT_MAX refused");
    check(!devid_parse("", &v) && !devid_parse("01", &v) &&
              !devid_parse("1a", &v) && !devid_parse("-1", &v) &&
              !devid_parse(NULL, &v),
          "devid: empty, leading zero, junk, sign refused");
    check(devid_next(none, 0) == 0, "next devid with none is 0");
    check(devid_next(some, 7) == 51713, "next devid skips non-devids");
    check(devid_next(top, 1) == -1, "next devid after INT_MAX: none");
    return check_summary();
}
