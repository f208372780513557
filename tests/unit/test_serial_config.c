/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the com1= parser against Xen's syntax. */
#include "check.h"
#include "../../hypervisor/common/serial_config.c"

static struct serial_config defaults(void)
{
    return (struct serial_config){115200, 8, 'n', 1, 0x3f8, 4};
}

static void run_tests(void)
{
    struct serial_config c = defaults();

    CHECK_EQ(serial_parse_config("9600", &c), 0);
    CHECK_EQ(c.baud, 9600);
    CHECK_EQ(c.io_base, 0x3f8);

    c = defaults();
    CHECK_EQ(serial_parse_config("115200,7e2", &c), 0);
    CHECK_EQ(c.data_bits, 7);
    CHECK_EQ(c.parity, 'e');
    CHECK_EQ(c.stop_bits, 2);

    c = defaults();
    CHECK_EQ(serial_parse_config("57600,8n1,0x2f8,3", &c), 0);
    CHECK_EQ(c.baud, 57600);
    CHECK_EQ(c.io_base, 0x2f8);
    CHECK_EQ(c.irq, 3);

    c = defaults();
    CHECK_EQ(serial_parse_config("auto,8o1", &c), 0);
    CHECK_EQ(c.baud, 115200);
    CHECK_EQ(c.parity, 'o');

    c = defaults();
    CHECK_EQ(serial_parse_config("115200/1843200,8n1", &c), 0);
    CHECK_EQ(c.baud, 115200);

    /* Empty DPS keeps it: "<baud>,,<port>". */
    c = defaults();
    CHECK_EQ(serial_parse_config("38400,,0x3e8", &c), 0);
    CHECK_EQ(c.io_base, 0x3e8);
    CHECK_EQ(c.data_bits, 8);

    /* Bad input leaves the configuration untouched. */
    {
        static const char *const bad[] = {
            "", "fast", "0", "115200,9n1", "115200,8x1", "115200,8n3",
            "115200,8n1,0x10000", "115200,8n1,0x3f8,256", "115200,8n1,",
            "115200 ", "115200,8n1,0x3f8,4,5", "99999999", "115200,8n1,0",
        };
        unsigned int i;

        for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
        {
            c = defaults();
            CHECK_EQ(serial_parse_config(bad[i], &c), -EINVAL);
            CHECK_EQ(c.baud, 115200);
            CHECK_EQ(c.io_base, 0x3f8);
        }
    }
}
