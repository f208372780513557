/* SPDX-License-Identifier: GPL-2.0-only */
/* Halting and resetting the machine, and panic(). */
#include <xenia/acpi.h>
#include <xenia/boot_param.h>
#include <xenia/console.h>
#include <xenia/shutdown.h>
#include <xenia/time.h>
#include <asm/current.h>
#include <asm/io.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

static bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);

void halt_this_cpu(void)
{
    /* An NMI can wake hlt; go straight back to sleep. */
    for ( ;; )
        asm volatile("cli; hlt" ::: "memory");
}

void machine_halt(void)
{
    smp_send_stop();
    printk(XENLOG_ERR "System halted.\n");
    halt_this_cpu();
}

void machine_power_off(void)
{
    printk(XENLOG_INFO "Powering off\n");
    local_irq_disable();
    smp_send_stop();
    acpi_enter_s5();
    {
        /* The chipset may take a moment to cut power: don't cry wolf. */
        s_time_t end = NOW() + MILLISECS(500);

        while ( NOW() < end )
            cpu_relax();
    }
    printk(XENLOG_WARNING "ACPI power-off unavailable\n");
    machine_halt();
}

void machine_restart(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed null_idt = {0, 0};
    unsigned int i;

    local_irq_disable();
    smp_send_stop();
    /* Pulse the reset line through the keyboard controller. */
    for ( i = 0; i < 100; i++ )
    {
        unsigned int spin = 100000;

        while ( (inb(0x64) & 0x02) && --spin )
            ;
        outb(0xfe, 0x64);
    }
    /* Failing that, a triple fault resets any x86. */
    asm volatile("lidt %0; int3" ::"m"(null_idt));
    halt_this_cpu();
}

void machine_fatal_stop(void)
{
    if ( opt_noreboot || !time_is_calibrated() )
    {
        printk(XENLOG_ERR "Manual reset required ('noreboot' specified%s)\n",
               opt_noreboot ? "" : " or timer not running");
        machine_halt();
    }
    printk(XENLOG_ERR "Reboot in five seconds...\n");
    udelay(5 * 1000 * 1000);
    machine_restart();
}

void panic(const char *fmt, ...)
{
    static bool in_panic;
    char buf[256];
    va_list ap;

    local_irq_disable();
    if ( __atomic_exchange_n(&in_panic, true, __ATOMIC_SEQ_CST) )
        halt_this_cpu(); /* another CPU is reporting: leave it the console */
    smp_send_stop();
    console_force_unlock();

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);

    show_stack_here();
    printk(XENLOG_ERR "\n****************************************\n");
    printk(XENLOG_ERR "Panic on CPU %u:\n", smp_processor_id());
    printk(XENLOG_ERR "%s", buf);
    if ( !*buf || buf[strlen(buf) - 1] != '\n' )
        printk(XENLOG_ERR "\n");
    printk(XENLOG_ERR "****************************************\n\n");
    machine_fatal_stop();
}

void assert_failed(const char *expr, const char *file, int line)
{
    panic("Assertion '%s' failed at %s:%d\n", expr, file, line);
}
