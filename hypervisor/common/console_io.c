/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_console_io: a guest's writes to the hypervisor console. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/preempt.h>
#include <xenia/sched.h>

#define CHUNK 128

/*
 * Dom0's console is the machine's: its bytes go out as they are, as on
 * Xen. Other domains' output goes out line by line with a "(dN) " prefix
 * under the guest log level, so a guest cannot flood the console;
 * partial lines wait in a small buffer until their newline.
 */
static void guest_console_write(const struct vcpu *v, const char *s, size_t n)
{
    /* One line buffer for all: vCPUs on several CPUs take turns. */
    static DEFINE_SPINLOCK(line_lock);
    static char line[256];
    static size_t len;
    unsigned long flags;
    size_t i;

    if ( v->domain->is_privileged )
    {
        console_write_raw(s, n);
        return;
    }
    flags = spin_lock_irqsave(&line_lock);
    for ( i = 0; i < n; i++ )
    {
        char c = s[i];

        if ( c == '\r' )
            continue;
        /* Control characters could drive the admin's terminal: drop them. */
        if ( c != '\n' && (c < 0x20 || c == 0x7f) )
            c = '?';
        if ( c != '\n' )
            line[len++] = c;
        if ( c == '\n' || len == sizeof(line) - 1 )
        {
            line[len] = '\0';
            printk(XENLOG_G_INFO "(d%u) %s\n", v->domain->domain_id, line);
            len = 0;
        }
    }
    spin_unlock_irqrestore(&line_lock, flags);
}

long do_console_io(unsigned int cmd, unsigned int count, unsigned long buf)
{
    struct vcpu *v = current_vcpu();
    char chunk[CHUNK];
    unsigned int done = 0;

    /*
     * Xen's default policy (release builds): only the control domain has
     * the hypervisor console; a DomU's console is its ring.
     */
    if ( !v->domain->is_privileged )
        return -EPERM;
    switch ( cmd )
    {
    case CONSOLEIO_write:
        while ( done < count )
        {
            unsigned int n = MIN(count - done, (unsigned int)CHUNK);

            if ( copy_from_guest(chunk, buf + done, n) )
                return -EFAULT;
            guest_console_write(v, chunk, n);
            done += n;
            /* Big writes continue later when the CPU is wanted. */
            if ( done < count && hypercall_preempt_check() )
            {
                hypercall_set_arg(1, count - done);
                hypercall_set_arg(2, buf + done);
                return -ERESTART;
            }
        }
        return 0;
    case CONSOLEIO_read:
        if ( !v->domain->is_privileged )
            return -EPERM;
        if ( count > 0x7fffffffu )
            return -E2BIG; /* the result is an int count, as in Xen */
        while ( done < count )
        {
            size_t n = console_read_input(chunk, MIN(count - done,
                                                     (unsigned int)CHUNK));

            if ( !n )
                break;
            if ( copy_to_guest(buf + done, chunk, n) )
                return -EFAULT;
            done += n;
        }
        return done;
    default:
        return -ENOSYS;
    }
}
