/* SPDX-License-Identifier: GPL-2.0-only */
/* Creating domains, giving them memory, and shutting them down. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/grant_table.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/sched.h>
#include <xenia/shutdown.h>
#include <xenia/time.h>
#include <xenia/xmalloc.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/smp.h>
#include <xenia/arch.h>
#include <xenia/keyhandler.h>

static void domain_free(struct domain *d);

static LIST_HEAD(domains);
static DEFINE_SPINLOCK(domains_lock);
static struct domain *dom0;

struct domain *hardware_domain(void)
{
    return dom0;
}

/* The last reference went: no new one can be taken. */
#define DOMAIN_DESTROYED (1u << 31)

static void domain_destroy(struct domain *d);

bool domain_get_ref(struct domain *d)
{
    unsigned int x = __atomic_load_n(&d->refcnt, __ATOMIC_ACQUIRE);

    do
    {
        if ( (x & DOMAIN_DESTROYED) || !x )
            return false;
    } while ( !__atomic_compare_exchange_n(&d->refcnt, &x, x + 1, false,
                                           __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    return true;
}

/* With domains_lock held. */
static struct domain *find_locked(domid_t id)
{
    struct domain *d;

    list_for_each_entry(d, &domains, domain_list)
        if ( d->domain_id == id )
            return d;
    return NULL;
}

static struct domain *get_by_id(domid_t id, bool dying_too)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    struct domain *d = find_locked(id);

    if ( d && ((!dying_too && d->is_dying) || !domain_get_ref(d)) )
        d = NULL;
    spin_unlock_irqrestore(&domains_lock, flags);
    return d;
}

struct domain *domain_get(domid_t id)
{
    return get_by_id(id, false);
}

struct domain *domain_get_any(domid_t id)
{
    return get_by_id(id, true);
}

void domain_put(struct domain *d)
{
    unsigned int x = __atomic_load_n(&d->refcnt, __ATOMIC_ACQUIRE), nx;

    do
    {
        ASSERT(x && !(x & DOMAIN_DESTROYED));
        nx = x == 1 ? DOMAIN_DESTROYED : x - 1;
    } while ( !__atomic_compare_exchange_n(&d->refcnt, &x, nx, false,
                                           __ATOMIC_ACQ_REL,
                                           __ATOMIC_ACQUIRE) );
    if ( nx == DOMAIN_DESTROYED )
        domain_destroy(d);
}

int domain_target(struct domain *caller, domid_t id, struct domain **out)
{
    struct domain *d;

    *out = NULL;
    if ( id == DOMID_SELF || id == caller->domain_id )
        d = domain_get_ref(caller) ? caller : NULL;
    else
        d = domain_get(id);
    if ( !d )
        return -ESRCH;
    if ( d != caller && !caller->is_privileged )
    {
        domain_put(d);
        return -EPERM;
    }
    *out = d;
    return 0;
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = xzalloc(struct vcpu);

    if ( !v )
        return NULL;
    v->domain = d;
    v->vcpu_id = id;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->vcpu_info->evtchn_upcall_mask = 1; /* as the ABI promises at start */
    v->pause_flags = id ? VPF_down : 0;
    v->processor = sched_pick_cpu(d->domain_id, id);
    /* Xen starts every vCPU with a 100 Hz tick until the guest stops it. */
    v->periodic_period = MILLISECS(10);
    vcpu_timers_init(v);
    arch_vcpu_init(v);
    return v;
}

/*
 * Wall time at system time 0, published the pvclock way: an odd version
 * while the fields change, so a guest reading concurrently retries.
 */
void domain_update_wallclock(struct domain *d)
{
    uint64_t ns = wallclock_at_boot_ns();
    struct shared_info *si = d->shared_info;

    si->wc_version |= 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    si->wc_sec = (uint32_t)(ns / 1000000000ULL);
    si->wc_nsec = (uint32_t)(ns % 1000000000ULL);
    si->wc_sec_hi = (uint32_t)(ns / 1000000000ULL >> 32);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    si->wc_version++;
}

void domains_update_wallclock(void)
{
    struct domain *d;
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    list_for_each_entry(d, &domains, domain_list)
        domain_update_wallclock(d);
    spin_unlock_irqrestore(&domains_lock, flags);
}

struct domain *domain_create(domid_t id, bool privileged,
                             unsigned int max_vcpus)
{
    struct domain *d;
    unsigned int i;
    unsigned long flags;

    if ( !max_vcpus || max_vcpus > MAX_VCPUS )
        return NULL;
    d = xzalloc(struct domain);
    if ( !d )
        return NULL;
    d->domain_id = id;
    d->refcnt = 1; /* creation's, dropped when the kill ends */
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->page_alloc_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    d->mm_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    INIT_LIST_HEAD(&d->page_list);

    d->shared_info = alloc_xenheap_pages(0);
    if ( !d->shared_info )
        goto fail;
    memset(d->shared_info, 0, PAGE_SIZE);
    d->shared_info_mfn = __pa(d->shared_info) >> PAGE_SHIFT;
    /* The guest maps shared_info itself, so it must look like its own. */
    frame_table[d->shared_info_mfn].owner = id;
    frame_table[d->shared_info_mfn].count_info = PGC_allocated | 1;

    domain_update_wallclock(d);
    /* Every slot starts masked, used or not, as the ABI promises. */
    for ( i = 0; i < MAX_VCPUS; i++ )
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    for ( i = 0; i < max_vcpus; i++ )
        if ( !(d->vcpu[i] = vcpu_create(d, i)) )
            goto fail;
    if ( evtchn_domain_create(d) )
        goto fail;
    if ( gnttab_domain_create(d) )
        goto fail;

    /* The id is taken until the domain is freed, dying or not. */
    flags = spin_lock_irqsave(&domains_lock);
    if ( find_locked(id) )
    {
        spin_unlock_irqrestore(&domains_lock, flags);
        goto fail;
    }
    list_add_tail(&d->domain_list, &domains);
    if ( id == 0 )
        dom0 = d;
    spin_unlock_irqrestore(&domains_lock, flags);
    return d;

fail:
    domain_free(d);
    return NULL;
}

/* Everything domain_create() allocated, once nothing can reach it. */
static void domain_free(struct domain *d)
{
    unsigned int i;

    if ( d->grant_table )
    {
        gnttab_free(d->grant_table);
        xfree(d->grant_table);
    }
    xfree(d->evtchn);
    for ( i = 0; i < d->max_vcpus; i++ )
        xfree(d->vcpu[i]);
    xfree(d->guest_memmap);
    if ( d->shared_info )
    {
        frame_table[d->shared_info_mfn].owner = DOMID_XEN;
        frame_table[d->shared_info_mfn].count_info = 0;
        free_xenheap_pages(d->shared_info, 0);
    }
    xfree(d);
}

static void domain_free_rcu(struct rcu_head *head)
{
    struct domain *d = container_of(head, struct domain, rcu);

    domain_free(d);
}

/*
 * The last reference went. Lookups already fail; the memory goes once
 * every CPU has left what it was doing, since some may have found the
 * domain by id without a reference just before.
 */
static void domain_destroy(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    list_del(&d->domain_list);
    spin_unlock_irqrestore(&domains_lock, flags);
    call_rcu(&d->rcu, domain_free_rcu);
}

int domain_alloc_pages(struct domain *d, unsigned int order,
                       unsigned int max_addr_bits, mfn_t *mfn_out)
{
    unsigned long n = 1UL << order, i, flags;
    mfn_t mfn;

    flags = spin_lock_irqsave(&d->page_alloc_lock);
    if ( d->tot_pages + n > d->max_pages )
    {
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        return -ENOMEM;
    }
    d->tot_pages += n;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);

    mfn = alloc_domheap_pages(order, max_addr_bits);
    if ( mfn_eq(mfn, INVALID_MFN) )
    {
        flags = spin_lock_irqsave(&d->page_alloc_lock);
        d->tot_pages -= n;
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        return -ENOMEM;
    }
    flags = spin_lock_irqsave(&d->page_alloc_lock);
    for ( i = 0; i < n; i++ )
    {
        struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + i));

        pg->owner = d->domain_id;
        pg->count_info = PGC_allocated | 1;
        pg->type_info = 0;
        list_add_tail(&pg->list, &d->page_list);
    }
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    *mfn_out = mfn;
    return 0;
}

void domain_free_extent(struct domain *d, mfn_t mfn, unsigned int order)
{
    unsigned long n = 1UL << order, i, flags;

    flags = spin_lock_irqsave(&d->page_alloc_lock);
    for ( i = 0; i < n; i++ )
    {
        struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + i));

        ASSERT(pg->count_info == (PGC_allocated | 1));
        list_del(&pg->list);
        pg->count_info = 0;
        pg->owner = DOMID_INVALID;
    }
    d->tot_pages -= n;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    free_domheap_pages(mfn, order);
}

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

/* Dom0's end is the machine's, as on Xen. */
static void __noreturn hardware_domain_shutdown(unsigned int reason)
{
    switch ( reason )
    {
    case SHUTDOWN_poweroff:
        printk(XENLOG_INFO "Hardware Dom0 halted: halting machine\n");
        machine_power_off();
    case SHUTDOWN_reboot:
        printk(XENLOG_INFO "Hardware Dom0 shutdown: rebooting machine\n");
        machine_restart();
    default:
        printk(XENLOG_ERR "Hardware Dom0 %s: stopping machine\n",
               reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason]
                   ? shutdown_names[reason]
                   : "shutdown");
        machine_fatal_stop();
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    unsigned int i;

    if ( d->is_shutting_down )
        return;
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    printk(XENLOG_INFO "Domain %u shutdown: reason %u (%s)\n", d->domain_id,
           reason,
           reason < ARRAY_SIZE(shutdown_names) && shutdown_names[reason]
               ? shutdown_names[reason]
               : "unknown");
    for ( i = 0; i < d->max_vcpus; i++ )
        sched_sleep(d->vcpu[i]);
    if ( d == dom0 )
        hardware_domain_shutdown(reason);
    /* The toolstack learns of it through Dom0's VIRQ_DOM_EXC. */
    if ( dom0 && !dom0->is_shutting_down )
        send_guest_vcpu_virq(dom0->vcpu[0], VIRQ_DOM_EXC);
}

void vcpu_wake(struct vcpu *v)
{
    v->poll_port = 0;
    stop_timer(&v->poll_timer);
    __atomic_fetch_and(&v->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST);
    sched_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
    if ( v->is_running )
        smp_send_event_check(v->processor);
}

void vcpu_block(struct vcpu *v)
{
    __atomic_fetch_or(&v->pause_flags, VPF_blocked, __ATOMIC_SEQ_CST);
    /* An event that arrived meanwhile must not be slept through. */
    if ( v->vcpu_info->evtchn_upcall_pending )
    {
        __atomic_fetch_and(&v->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST);
        return;
    }
    sched_sleep(v);
}

static const char *const runstate_names[] = {
    [RUNSTATE_running] = "running", [RUNSTATE_runnable] = "runnable",
    [RUNSTATE_blocked] = "blocked", [RUNSTATE_offline] = "offline",
};

/* 'q': enough per vCPU to tell a spinning guest from a sleeping one. */
void dump_domains(void)
{
    struct domain *d;
    unsigned int i;

    /* No lock: a debug dump must work while something else holds it. */
    list_for_each_entry(d, &domains, domain_list)
    {
        printk(XENLOG_INFO "Domain %u: %lu/%lu pages, %u vCPUs%s%s\n",
               d->domain_id, d->tot_pages, d->max_pages, d->max_vcpus,
               d->is_privileged ? ", privileged" : "",
               d->is_shutting_down ? ", shutting down" : "");
        for ( i = 0; i < d->max_vcpus; i++ )
        {
            const struct vcpu *v = d->vcpu[i];
            const struct vcpu_info *vi = v->vcpu_info;
            const struct cpu_user_regs *r = &v->arch.user_regs;

            printk(XENLOG_INFO "  (d%uv%u) CPU %u %s%s pause_flags %#x "
                               "upcall pending %u mask %u sel %#lx poll %u\n",
                   d->domain_id, i, v->processor,
                   runstate_names[v->runstate.state & 3],
                   v->is_running ? " (on CPU)" : "", v->pause_flags,
                   vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
                   (unsigned long)vi->evtchn_pending_sel, v->poll_port);
            /* This CPU's vCPU has its registers in the CPU's guest frame. */
            if ( v->is_running && v == current_vcpu() )
                r = &get_cpu_info()->guest_cpu_user_regs;
            if ( !v->is_running || v == current_vcpu() )
                printk(XENLOG_INFO "    rip %04x:%016lx rsp %016lx rflags "
                                   "%08lx %s mode\n",
                       r->cs, (unsigned long)r->rip, (unsigned long)r->rsp,
                       (unsigned long)r->rflags,
                       v->arch.kernel_mode ? "kernel" : "user");
        }
    }
}
