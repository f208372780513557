/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor console: levels, line prefixes, the ring, the serial port. */
#include <xenia/acpi.h>
#include <xenia/boot_param.h>
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/serial.h>
#include <xenia/spinlock.h>

/*
 * Every message goes into the ring whatever its level, so the whole log
 * can be read back later; only messages at or below the threshold reach
 * the serial line, which is slow and which a guest must not flood.
 */
static char ring[CONFIG_CONSOLE_RING_KB * 1024];
static uint64_t ring_prod; /* bytes ever written */

static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;
static bool serial_enabled = true;

static unsigned int loglvl = CONFIG_LOGLVL;
static unsigned int guest_loglvl = CONFIG_GUEST_LOGLVL;

static struct serial_config com1 = {
    .baud = CONFIG_SERIAL_BAUD,
    .data_bits = 8,
    .parity = 'n',
    .stop_bits = 1,
    .io_base = CONFIG_SERIAL_COM1_PORT,
    .irq = 4,
};

static int parse_loglvl_value(const char *s, unsigned int *out)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    size_t len = strchr(s, '/') ? (size_t)(strchr(s, '/') - s) : strlen(s);
    unsigned int i;

    /* Xen's form is <level>[/<rate-limited level>]; Xenia has one level. */
    if ( len == 4 && !strncmp(s, "none", 4) )
        return *out = 0, 0; /* errors still print: they explain a halt */
    if ( len == 3 && !strncmp(s, "all", 3) )
        return *out = LOG_DEBUG, 0;
    for ( i = 0; i < ARRAY_SIZE(names); i++ )
        if ( strlen(names[i]) == len && !strncmp(s, names[i], len) )
            return *out = i, 0;
    return -EINVAL;
}

static int parse_loglvl(const char *s)
{
    return parse_loglvl_value(s, &loglvl);
}
custom_param("loglvl", parse_loglvl);

static int parse_guest_loglvl(const char *s)
{
    return parse_loglvl_value(s, &guest_loglvl);
}
custom_param("guest_loglvl", parse_guest_loglvl);

static int parse_com1(const char *s)
{
    return serial_parse_config(s, &com1);
}
custom_param("com1", parse_com1);

/*
 * console= lists the outputs. Xenia has no VGA console, so com1 is the
 * default and "vga" is accepted (for Xen's grub.cfg lines) but unused.
 */
static int parse_console(const char *s)
{
    bool com = false;

    while ( *s )
    {
        const char *e = strchr(s, ',') ? strchr(s, ',') : s + strlen(s);
        size_t len = e - s;

        if ( len == 4 && !strncmp(s, "com1", 4) )
            com = true;
        else if ( !((len == 3 && !strncmp(s, "vga", 3)) ||
                    (len == 4 && !strncmp(s, "none", 4))) )
            return -EINVAL;
        s = *e ? e + 1 : e;
    }
    serial_enabled = com;
    return 0;
}
custom_param("console", parse_console);

/* Xen options about the console that Xenia satisfies or does not need. */
ignored_param("sync_console");   /* output is always synchronous */
ignored_param("console_to_ring");
ignored_param("conring_size");   /* sized by Kconfig */
ignored_param("console_timestamps");
ignored_param("vga");
ignored_param("com2");

static void emit(char c, bool to_serial)
{
    ring[ring_prod++ % sizeof(ring)] = c;
    if ( !to_serial )
        return;
    if ( c == '\n' )
        ns16550_putc('\r');
    ns16550_putc(c);
}

static void emit_str(const char *s, bool to_serial)
{
    while ( *s )
        emit(*s++, to_serial);
}

/* Strip the level prefixes; returns the level that decides the output. */
static const char *parse_level(const char *fmt, unsigned int *lvl, bool *guest)
{
    *guest = false;
    *lvl = LOG_WARNING; /* Xen's default for unprefixed messages */
    if ( !strncmp(fmt, XENLOG_GUEST, 3) )
    {
        *guest = true;
        fmt += 3;
    }
    if ( fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '3' && fmt[2] == '>' )
    {
        *lvl = fmt[1] - '0';
        fmt += 3;
    }
    return fmt;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    unsigned int lvl;
    bool guest, to_serial;
    unsigned long flags;
    const char *p;

    fmt = parse_level(fmt, &lvl, &guest);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    to_serial = serial_enabled && lvl <= (guest ? guest_loglvl : loglvl);

    flags = spin_lock_irqsave(&console_lock);
    for ( p = buf; *p; p++ )
    {
        if ( at_line_start )
            emit_str("(XENIA) ", to_serial);
        emit(*p, to_serial);
        at_line_start = *p == '\n';
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void console_write_raw(const char *s, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    size_t i;

    for ( i = 0; i < len; i++ )
    {
        emit(s[i], serial_enabled);
        at_line_start = s[i] == '\n';
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

size_t console_ring_read(char *buf, size_t len, uint64_t *pos)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);
    uint64_t start = *pos, n = 0;

    /* Anything older than one ring's worth has been overwritten. */
    if ( ring_prod > sizeof(ring) && start < ring_prod - sizeof(ring) )
        start = ring_prod - sizeof(ring);
    while ( start + n < ring_prod && n < len )
    {
        buf[n] = ring[(start + n) % sizeof(ring)];
        n++;
    }
    *pos = start + n;
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

uint64_t console_ring_end(void)
{
    return __atomic_load_n(&ring_prod, __ATOMIC_ACQUIRE);
}

void console_force_unlock(void)
{
    console_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
}

void console_init_irq(unsigned int vector, uint32_t apic_id)
{
    if ( !serial_enabled )
        return;
    if ( io_apic_route_isa_irq(com1.irq, vector, apic_id) )
    {
        printk(XENLOG_WARNING "com1: IRQ %u has no IO-APIC pin: no serial "
                              "input\n",
               com1.irq);
        return;
    }
    ns16550_rx_irq_enable();
    console_serial_interrupt(); /* bytes typed before now */
}

void console_init_early(void)
{
    ns16550_init(&com1);
}

void console_init_postparse(void)
{
    if ( ns16550_init(&com1) )
    {
        com1.baud = CONFIG_SERIAL_BAUD;
        ns16550_init(&com1);
        printk(XENLOG_WARNING "com1: bad settings, using %u,8n1\n",
               com1.baud);
    }
}
