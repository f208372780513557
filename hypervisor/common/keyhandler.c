/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Debug keys: what an admin types (after Ctrl-A three times) to see what
 * a hung or misbehaving guest is doing. The letters are Xen's where Xen
 * has the same dump, so muscle memory carries over.
 */
#include <xenia/console.h>
#include <xenia/keyhandler.h>
#include <xenia/page_alloc.h>
#include <xenia/shutdown.h>
#include <xenia/time.h>

static void show_help(void);

static void dump_time(void)
{
    s_time_t now = NOW();

    printk(XENLOG_INFO "System time %lu.%09lu s, TSC at %lu kHz\n",
           (unsigned long)(now / 1000000000), (unsigned long)(now % 1000000000),
           (unsigned long)tsc_khz());
}

static void dump_memory(void)
{
    printk(XENLOG_INFO "Free memory: %luk\n", page_alloc_free_frames() * 4);
}

static void reboot_now(void)
{
    printk(XENLOG_INFO "'R' pressed: rebooting\n");
    machine_restart();
}

static const struct {
    char key;
    void (*fn)(void);
    const char *what;
} keys[] = {
    {'h', show_help, "show this list"},
    {'q', dump_domains, "dump domains and their vCPUs"},
    {'r', dump_runqueues, "dump what each CPU runs and queues"},
    {'e', dump_evtchn, "dump event channels"},
    {'g', dump_grant_tables, "print grant table usage"},
    {'t', dump_time, "show system time"},
    {'m', dump_memory, "show free memory"},
    {'R', reboot_now, "reboot the machine"},
};

static void show_help(void)
{
    printk(XENLOG_INFO "'h' pressed -> showing installed handlers\n");
    for ( unsigned int i = 0; i < ARRAY_SIZE(keys); i++ )
        printk(XENLOG_INFO " key '%c' (ascii '%02x') => %s\n", keys[i].key,
               keys[i].key, keys[i].what);
}

void handle_keypress(char key)
{
    for ( unsigned int i = 0; i < ARRAY_SIZE(keys); i++ )
        if ( keys[i].key == key )
        {
            if ( key != 'h' )
                printk(XENLOG_INFO "'%c' pressed -> %s\n", key, keys[i].what);
            keys[i].fn();
            return;
        }
    printk(XENLOG_INFO "key '%c' (ascii '%02x'): no handler; 'h' lists them\n",
           key >= 0x20 && key < 0x7f ? key : '?', (unsigned char)key);
}
