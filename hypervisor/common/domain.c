/* SPDX-License-Identifier: GPL-2.0-only */
/* Creating domains, giving them memory, and shutting them down. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/domain_state.h>
#include <xenia/errno.h>
#include <xenia/event.h>
#include <xenia/event_channel.h>
#include <xenia/grant_domain.h>
#include <xenia/guest_log.h>
#include <xenia/page_type.h>
#include <xenia/softirq.h>
#include <xenia/grant_table.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/page_type.h>
#include <xenia/sched.h>
#include <xenia/shutdown.h>
#include <xenia/time.h>
#include <xenia/vcpu_timer.h>
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
    if ( domid_is_self(caller, id) )
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

static struct vcpu *vcpu_create(struct domain *d, unsigned int id,
                                bool guest)
{
    struct vcpu *v = xzalloc(struct vcpu);

    if ( !v )
        return NULL;
    v->domain = d;
    v->vcpu_id = id;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->vcpu_info->evtchn_upcall_mask = 1; /* as the ABI promises at start */
    /* A built guest's vCPUs wait for their context and the unpause. */
    v->pause_flags = guest ? VPF_down | VPF_paused : id ? VPF_down : 0;
    v->processor = sched_pick_cpu(d->domain_id, id);
    /* Not running until the scheduler says so: no time in any state yet. */
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = NOW();
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
    /* settimeoffset shifts a guest's wall clock, in whole seconds. */
    uint64_t ns = wallclock_at_boot_ns() +
                  (uint64_t)d->time_offset_seconds * 1000000000ULL;
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

static int create(domid_t id, bool privileged, bool guest,
                  unsigned int max_vcpus, int max_grant_frames,
                  int max_maptrack_frames, struct domain **out)
{
    struct domain *d, *other;
    unsigned int i;
    unsigned long flags;
    int rc;

    if ( !max_vcpus || max_vcpus > MAX_VCPUS )
        return -EINVAL;
    d = xzalloc(struct domain);
    if ( !d )
        return -ENOMEM;
    d->domain_id = id;
    d->refcnt = 1; /* creation's, dropped when the kill ends */
    d->is_privileged = privileged;
    d->max_vcpus = max_vcpus;
    d->page_alloc_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    d->mm_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    INIT_LIST_HEAD(&d->page_list);
    INIT_LIST_HEAD(&d->relinquish_list);
    d->max_evtchn_port = EVTCHN_FIFO_NR_CHANNELS - 1; /* Xen's, for Dom0 */
    d->sched_weight = 256; /* Xen's credit default */
    /* Born paused: the toolstack's unpause starts it, as on Xen. */
    d->pause_count = d->controller_pause_count = guest;

    d->shared_info = alloc_xenheap_pages(0);
    if ( !d->shared_info )
        goto fail;
    memset(d->shared_info, 0, PAGE_SIZE);
    d->shared_info_mfn = maddr_to_mfn(__pa(d->shared_info));
    /* The guest maps shared_info itself, so it must look like its own. */
    share_xen_frame(mfn_to_page(d->shared_info_mfn), id);

    domain_update_wallclock(d);
    /* Every slot starts masked, used or not, as the ABI promises. */
    for ( i = 0; i < MAX_VCPUS; i++ )
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    for ( i = 0; i < max_vcpus; i++ )
        if ( !(d->vcpu[i] = vcpu_create(d, i, guest)) )
            goto fail;
    if ( evtchn_domain_create(d) )
        goto fail;
    rc = gnttab_domain_create(d, max_grant_frames, max_maptrack_frames);
    if ( rc )
    {
        domain_free(d);
        return rc;
    }

    /* The id is taken until the domain is freed, dying or not. */
    flags = spin_lock_irqsave(&domains_lock);
    if ( find_locked(id) )
    {
        spin_unlock_irqrestore(&domains_lock, flags);
        domain_free(d);
        return -EEXIST;
    }
    /* In id order: getdomaininfo walks them from an id upwards. */
    list_for_each_entry(other, &domains, domain_list)
        if ( other->domain_id > id )
            break;
    list_add_tail(&d->domain_list, &other->domain_list);
    if ( id == 0 )
        dom0 = d;
    spin_unlock_irqrestore(&domains_lock, flags);
    *out = d;
    return 0;

fail:
    domain_free(d);
    return -ENOMEM;
}

struct domain *domain_create(domid_t id, bool privileged,
                             unsigned int max_vcpus)
{
    struct domain *d;

    return create(id, privileged, false, max_vcpus, -1, -1, &d) ? NULL : d;
}

int domain_create_guest(domid_t id, unsigned int max_vcpus,
                        int max_grant_frames, int max_maptrack_frames,
                        struct domain **out)
{
    int rc = create(id, false, true, max_vcpus, max_grant_frames,
                    max_maptrack_frames, out);

    if ( !rc )
        gdprintk(XENLOG_INFO, *out, "created: %u vCPU%s, paused\n",
                 max_vcpus, max_vcpus == 1 ? "" : "s");
    return rc;
}

bool domain_id_is_free(domid_t id)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    bool taken = find_locked(id) != NULL;

    spin_unlock_irqrestore(&domains_lock, flags);
    return !taken;
}

struct domain *domain_get_next(domid_t id)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);
    struct domain *d, *found = NULL;

    list_for_each_entry(d, &domains, domain_list)
        if ( d->domain_id >= id && domain_get_ref(d) )
        {
            found = d;
            break;
        }
    spin_unlock_irqrestore(&domains_lock, flags);
    return found;
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
    if ( d->evtchn )
        evtchn_free_buckets(d->evtchn);
    xfree(d->evtchn);
    for ( i = 0; i < d->max_vcpus; i++ )
        xfree(d->vcpu[i]);
    xfree(d->guest_memmap);
    xfree(d->cpu_policy);
    if ( d->shared_info )
        domain_release_shared_frame(d->shared_info);
    xfree(d);
}

static void domain_free_rcu(struct rcu_head *head)
{
    struct domain *d = container_of(head, struct domain, rcu);
    bool killed = d->is_dying;

    if ( killed )
        gdprintk(XENLOG_INFO, d, "destroyed\n");
    domain_free(d);
    /* The toolstack learns that the id is free again. */
    if ( killed )
        domain_notify_exception();
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
    /*
     * Frames come back from other domains as they were left: nothing of
     * theirs may reach this one. Dom0 is built from memory no guest has
     * used yet (and is trusted with all of it anyway).
     */
    if ( d != dom0 )
        for ( i = 0; i < n; i++ )
            memset(__va(mfn_to_maddr(mfn_add(mfn, i))), 0, PAGE_SIZE);
    flags = spin_lock_irqsave(&d->page_alloc_lock);
    /* A kill already went over its pages: these would be missed. */
    if ( d->is_dying )
    {
        d->tot_pages -= n;
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        free_domheap_pages(mfn, order);
        return -ENOMEM;
    }
    for ( i = 0; i < n; i++ )
    {
        struct page_info *pg = mfn_to_page(mfn_add(mfn, i));

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
        struct page_info *pg = mfn_to_page(mfn_add(mfn, i));

        ASSERT(pg->count_info == (PGC_allocated | 1));
        list_del(&pg->list);
        pg->count_info = 0;
        pg->owner = DOMID_INVALID;
    }
    d->tot_pages -= n;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    free_domheap_pages(mfn, order);
}

/*
 * Take a frame from d for good, only if d's allocation is its one and
 * only reference: then nothing maps or uses it, and nothing can start to
 * (get_page needs PGC_allocated). The caller then holds that reference.
 */
bool domain_steal_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg;
    uint64_t x = PGC_allocated | 1;
    unsigned long flags;

    if ( !mfn_valid(mfn) )
        return false;
    pg = mfn_to_page(mfn);
    /* Never one Xenia shares: Xen's steal_page refuses those too. */
    if ( pg->owner != d->domain_id || (pg->count_info & PGC_xen_heap) ||
         !__atomic_compare_exchange_n(&pg->count_info, &x, 1, false,
                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
        return false;
    flags = spin_lock_irqsave(&d->page_alloc_lock);
    list_del(&pg->list);
    d->tot_pages--;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    return true;
}

/* Undo domain_steal_page(): nobody can have taken a reference meanwhile. */
void domain_unsteal_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long flags = spin_lock_irqsave(&d->page_alloc_lock);

    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages++;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    __atomic_store_n(&pg->count_info, PGC_allocated | 1, __ATOMIC_RELEASE);
}

/*
 * Room for one more frame in d (a grant transfer's), taken now and filled
 * by domain_assign_page() or given back by domain_unreserve_page(): false
 * if d is dying or at its max_pages.
 */
bool domain_reserve_page(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->page_alloc_lock);
    bool ok = !d->is_dying && d->tot_pages < d->max_pages;

    if ( ok )
        d->tot_pages++;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    return ok;
}

void domain_unreserve_page(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->page_alloc_lock);
    bool last = !--d->tot_pages;

    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    /* A kill that counted the room kept d for it, as for a frame. */
    if ( last && __atomic_exchange_n(&d->holds_page_ref, false,
                                     __ATOMIC_ACQ_REL) )
        domain_put(d);
}

/*
 * A stolen frame (the caller's reference its only one) becomes d's in the
 * room reserved for it; the reference becomes d's allocation reference.
 * false, with the frame and the room untouched, if d started dying.
 */
bool domain_assign_page(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    unsigned long flags = spin_lock_irqsave(&d->page_alloc_lock);

    /* A kill already went over its pages: this one would be missed. */
    if ( d->is_dying )
    {
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        return false;
    }
    pg->owner = d->domain_id;
    pg->type_info = 0;
    list_add_tail(&pg->list, &d->page_list);
    __atomic_store_n(&pg->count_info, PGC_allocated | 1, __ATOMIC_RELEASE);
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    return true;
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
    domain_notify_exception();
}

void domain_notify_exception(void)
{
    if ( dom0 && !dom0->is_shutting_down )
        send_guest_vcpu_virq(dom0->vcpu[0], VIRQ_DOM_EXC);
}

/*
 * A frame the hypervisor allocated for a domain to map as its own
 * (shared_info, grant-table frames): drop the allocation's reference. It
 * is freed now, or when the last domain that still maps it lets go.
 */
void domain_release_shared_frame(void *va)
{
    struct page_info *pg = mfn_to_page(maddr_to_mfn(__pa(va)));

    if ( __atomic_fetch_and(&pg->count_info, ~PGC_allocated,
                            __ATOMIC_ACQ_REL) & PGC_allocated )
    {
        /* The writable type it held for life (share_xen_frame). */
        if ( pg->count_info & PGC_xen_heap )
            put_page_type(pg);
        put_page(pg);
    }
}

/* ---- pausing ---- */

/* Wait until v's registers are saved, wherever it ran. */
static void vcpu_sleep_sync(struct vcpu *v)
{
    while ( __atomic_load_n(&v->is_running, __ATOMIC_ACQUIRE) ||
            __atomic_load_n(&v->ctxt_loaded, __ATOMIC_ACQUIRE) )
        cpu_relax();
}

void domain_pause(struct domain *d)
{
    unsigned int i;

    ASSERT(!current_vcpu() || d != current_vcpu()->domain);
    if ( !__atomic_fetch_add(&d->pause_count, 1, __ATOMIC_ACQ_REL) )
        for ( i = 0; i < d->max_vcpus; i++ )
        {
            __atomic_fetch_or(&d->vcpu[i]->pause_flags, VPF_paused,
                              __ATOMIC_SEQ_CST);
            /* A vCPU on another CPU is told at once, by IPI. */
            sched_sleep(d->vcpu[i]);
        }
    for ( i = 0; i < d->max_vcpus; i++ )
        vcpu_sleep_sync(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    unsigned int i;

    if ( __atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_ACQ_REL) )
        return;
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        __atomic_fetch_and(&d->vcpu[i]->pause_flags, ~VPF_paused,
                           __ATOMIC_SEQ_CST);
        sched_wake(d->vcpu[i]);
    }
}

int domain_pause_by_controller(struct domain *d)
{
    int rc = controller_pause(&d->controller_pause_count);

    if ( !rc )
        domain_pause(d);
    return rc;
}

int domain_unpause_by_controller(struct domain *d)
{
    bool first;
    int rc = controller_unpause(&d->controller_pause_count,
                                &d->creation_finished, &first);

    if ( rc )
        return rc;
    if ( first )
        gdprintk(XENLOG_INFO, d, "started\n");
    domain_unpause(d);
    return 0;
}

/* ---- destruction ---- */

enum kill_stage {
    KILL_START,
    KILL_VCPUS,   /* timers, registered vcpu_info, page tables, GDTs */
    KILL_GRANTS,  /* the grant mappings it holds of others' frames */
    KILL_EVTCHN,  /* its ports; peers' ends become unbound */
    KILL_UNPIN,   /* pinned tables: their trees devalidate */
    KILL_CYCLES,  /* tables still validated reference themselves */
    KILL_RELEASE, /* the allocation reference of every frame */
    KILL_DONE,
};

/*
 * Long passes stop when the CPU has other work or has spent a while
 * here, and continue from where they were (the hypercall restarts).
 */
#define KILL_CHECK_EVERY 256
#define KILL_SLICE       MILLISECS(1)

static bool kill_should_yield(s_time_t start)
{
    return softirq_pending(smp_processor_id(), SCHEDULE_SOFTIRQ) ||
           NOW() - start >= KILL_SLICE;
}

/*
 * fn on every frame d owns, preemptibly: a frame moves to
 * relinquish_list before fn sees it (fn may free it, which unlinks it
 * from either list), and all go back to page_list when the pass ends.
 */
static int pages_pass(struct domain *d,
                      void (*fn)(struct domain *d, struct page_info *pg))
{
    s_time_t start = NOW();
    unsigned int n = 0;
    struct page_info *pg;
    unsigned long flags;

    for ( ;; )
    {
        flags = spin_lock_irqsave(&d->page_alloc_lock);
        if ( list_empty(&d->page_list) )
        {
            while ( !list_empty(&d->relinquish_list) )
            {
                pg = list_first_entry(&d->relinquish_list, struct page_info,
                                      list);
                list_del(&pg->list);
                list_add_tail(&pg->list, &d->page_list);
            }
            spin_unlock_irqrestore(&d->page_alloc_lock, flags);
            return 0;
        }
        pg = list_first_entry(&d->page_list, struct page_info, list);
        list_del(&pg->list);
        list_add_tail(&pg->list, &d->relinquish_list);
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        fn(d, pg);
        if ( !(++n % KILL_CHECK_EVERY) && kill_should_yield(start) )
            return -ERESTART;
    }
}

static void unpin_one(struct domain *d, struct page_info *pg)
{
    (void)d;
    arch_page_unpin(pg);
}

static void break_cycles_one(struct domain *d, struct page_info *pg)
{
    (void)d;
    arch_page_break_cycles(pg);
}

/*
 * Give up the allocation reference. A frame nobody else uses is freed at
 * once; one another domain still maps stays, counted in tot_pages and
 * listed, until domain_dying_page_freed().
 */
static void release_one(struct domain *d, struct page_info *pg)
{
    (void)d;
    __atomic_fetch_or(&pg->count_info, PGC_dying, __ATOMIC_ACQ_REL);
    set_gpfn_from_mfn(page_to_mfn(pg), INVALID_GFN);
    if ( __atomic_fetch_and(&pg->count_info, ~PGC_allocated,
                            __ATOMIC_ACQ_REL) & PGC_allocated )
        put_page(pg);
}

void domain_dying_page_freed(struct page_info *pg)
{
    struct domain *d = domain_get_any(pg->owner);
    unsigned long flags;
    bool last;

    ASSERT(d); /* its frames hold it */
    if ( !d )
        return;
    flags = spin_lock_irqsave(&d->page_alloc_lock);
    list_del(&pg->list);
    last = !--d->tot_pages;
    spin_unlock_irqrestore(&d->page_alloc_lock, flags);
    if ( last && __atomic_exchange_n(&d->holds_page_ref, false,
                                     __ATOMIC_ACQ_REL) )
        domain_put(d);
    domain_put(d);
}

static void kill_vcpus(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        kill_timer(&v->singleshot_timer);
        kill_timer(&v->periodic_timer);
        kill_timer(&v->poll_timer);
        arch_vcpu_relinquish(v);
    }
}

int domain_kill(struct domain *d)
{
    unsigned long flags;
    int rc;

    if ( current_vcpu() && d == current_vcpu()->domain )
        return -EINVAL;
    /* domctls are serialised: one kill at a time runs this. */
    switch ( d->kill_stage )
    {
    case KILL_START:
        domain_pause(d);
        flags = spin_lock_irqsave(&d->page_alloc_lock);
        d->is_dying = DOMDYING_dying; /* no new frames, no new lookups */
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        gdprintk(XENLOG_INFO, d, "destroying: %lu pages\n", d->tot_pages);
        d->kill_stage = KILL_VCPUS;
        __attribute__((fallthrough));
    case KILL_VCPUS:
        kill_vcpus(d);
        d->kill_stage = KILL_GRANTS;
        __attribute__((fallthrough));
    case KILL_GRANTS:
        if ( d->grant_table )
            gnttab_release_mappings(d->grant_table);
        d->kill_stage = KILL_EVTCHN;
        __attribute__((fallthrough));
    case KILL_EVTCHN:
        evtchn_close_all(d, true);
        d->kill_stage = KILL_UNPIN;
        __attribute__((fallthrough));
    case KILL_UNPIN:
        if ( (rc = pages_pass(d, unpin_one)) )
            goto preempted;
        d->kill_stage = KILL_CYCLES;
        __attribute__((fallthrough));
    case KILL_CYCLES:
        if ( (rc = pages_pass(d, break_cycles_one)) )
            goto preempted;
        /* Its frames keep it while anyone else still holds one. */
        flags = spin_lock_irqsave(&d->page_alloc_lock);
        if ( d->tot_pages && domain_get_ref(d) )
            d->holds_page_ref = true;
        spin_unlock_irqrestore(&d->page_alloc_lock, flags);
        d->kill_stage = KILL_RELEASE;
        __attribute__((fallthrough));
    case KILL_RELEASE:
        if ( (rc = pages_pass(d, release_one)) )
            goto preempted;
        d->is_dying = DOMDYING_dead;
        d->kill_stage = KILL_DONE;
        gdprintk(XENLOG_INFO, d,
                 "killed in %u continuations: %lu pages still in use "
                 "elsewhere\n",
                 d->kill_restarts, d->tot_pages);
        domain_notify_exception();
        domain_put(d); /* creation's */
        break;
    default:
        break;
    }
    return 0;

preempted:
    d->kill_restarts++;
    return rc;
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
                               "upcall pending %u mask %u sel %#lx poll %u "
                               "continuations %lu\n",
                   d->domain_id, i, v->processor,
                   runstate_names[v->runstate.state & 3],
                   v->is_running ? " (on CPU)" : "", v->pause_flags,
                   vi->evtchn_upcall_pending, vi->evtchn_upcall_mask,
                   (unsigned long)vi->evtchn_pending_sel, v->poll_port,
                   v->continuations);
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
