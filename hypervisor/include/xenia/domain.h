/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains and their vCPUs. */
#ifndef XENIA_DOMAIN_H
#define XENIA_DOMAIN_H

#include <xenia/cpumask.h>
#include <xenia/list.h>
#include <xenia/memmap.h>
#include <xenia/rcu.h>
#include <xenia/spinlock.h>
#include <xenia/timer.h>
#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <asm/current.h>
#include <asm/domain.h>

#define MAX_VCPUS XEN_LEGACY_MAX_VCPUS /* vcpu_info slots in shared_info */

/* pause_flags: why a vCPU is not runnable. */
#define VPF_blocked (1u << 0) /* SCHEDOP_block / poll, until an event */
#define VPF_down    (1u << 1) /* not brought up, or VCPUOP_down */
#define VPF_paused  (1u << 2) /* its domain is paused (domain_pause) */

struct page_info;

struct evtchn_domain; /* event_channel.c */
struct evtchn_fifo_domain; /* event_fifo_op.c */
struct pv_cpu_policy; /* arch/x86/pv/cpu_policy.c */
struct grant_table;   /* grant_table.c */

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    unsigned int processor;  /* the physical CPU it runs on */
    unsigned int pause_flags;
    bool is_running;         /* its registers are on a CPU right now */
    /* Loaded on a CPU: set before the switch to it, cleared once saved. */
    bool ctxt_loaded;

    struct vcpu_runstate_info runstate;
    unsigned long runstate_guest; /* VCPUOP_register_runstate_memory_area VA */

    struct vcpu_info *vcpu_info;  /* in shared_info, or where the guest registered */
    mfn_t vcpu_info_mfn; /* 0 while it lives in shared_info */

    struct timer singleshot_timer;
    struct timer periodic_timer;
    s_time_t periodic_period;
    uint32_t poll_port;      /* SCHEDOP_poll on one port, 0 if none */
    struct timer poll_timer; /* SCHEDOP_poll's timeout */

    struct list_head runq_elem;
    s_time_t slice_end;
    bool woke_preempting;    /* its next slice is the short one (sched.c) */
    unsigned long continuations; /* hypercalls it re-entered (-ERESTART) */

    struct pv_vcpu arch;
};

/* How far destruction got (domain_kill). */
enum domain_dying {
    DOMDYING_alive,
    DOMDYING_dying, /* being killed: no new references by id */
    DOMDYING_dead,  /* killed; lingers while others hold its pages */
};

struct domain {
    domid_t domain_id;
    bool is_privileged;
    /*
     * References: one from creation until the kill ends, one per holder
     * of a pointer, and while dying one for its frames others still use.
     * DOMAIN_DESTROYED is set when the last goes: no new reference then.
     */
    unsigned int refcnt;
    enum domain_dying is_dying;
    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VCPUS];

    spinlock_t page_alloc_lock; /* page_list, tot_pages */
    /*
     * Serialises changes to the domain's page tables (mmu_update,
     * update_va_mapping, mmuext ops, trapped PTE writes, grant mappings),
     * so two vCPUs never race on one entry's references. Never taken
     * with interrupts off: holders may wait for TLB-flush IPIs.
     */
    spinlock_t mm_lock;
    cpumask_t dirty_cpumask; /* CPUs that may cache its translations */
    /* Bumped by every GDT or descriptor change (pv/descriptor.c). */
    unsigned long desc_gen;
    struct list_head page_list;
    unsigned long tot_pages, max_pages;
    unsigned long max_gpfn;        /* highest pseudo-physical frame given */
    struct memmap *guest_memmap;   /* XENMEM_memory_map, NULL: none set */

    struct shared_info *shared_info;
    mfn_t shared_info_mfn;

    spinlock_t event_lock; /* evtchn */
    struct evtchn_domain *evtchn;
    struct evtchn_fifo_domain *evtchn_fifo; /* NULL: 2-level ABI */

    spinlock_t grant_lock; /* grant_table (its shared frames, pins, maptrack) */
    struct grant_table *grant_table;

    bool is_shutting_down;
    unsigned int shutdown_code; /* SHUTDOWN_* */

    /* Pauses: the hypervisor's own (domain_pause), and the toolstack's. */
    unsigned int pause_count;
    unsigned int controller_pause_count;
    bool creation_finished; /* the toolstack's first unpause happened */
    xen_domain_handle_t handle; /* the toolstack's UUID for it */
    int64_t time_offset_seconds; /* settimeoffset */
    unsigned int max_evtchn_port; /* as createdomain asked (2-level: 4095) */
    uint16_t sched_weight, sched_cap; /* the toolstack's, recorded only */
    struct pv_cpu_policy *cpu_policy; /* set_cpu_policy's; NULL: default */

    /* Destruction (domain_kill), resumed across continuations. */
    unsigned int kill_stage;
    unsigned int kill_restarts; /* how often it was continued */
    struct list_head relinquish_list; /* pages a kill pass has been over */
    bool holds_page_ref; /* a reference for its pages others still use */

    struct list_head domain_list;
    struct rcu_head rcu; /* freed after a grace period (domain_destroy) */
};

/* Create a domain with max_vcpus vCPUs (all down but vCPU 0). */
struct domain *domain_create(domid_t id, bool privileged,
                             unsigned int max_vcpus);
/*
 * A domain the toolstack builds (createdomain): every vCPU down, paused
 * once by the controller. 0 or -errno (-EEXIST: the id is taken).
 */
int domain_create_guest(domid_t id, unsigned int max_vcpus,
                        int max_grant_frames, int max_maptrack_frames,
                        struct domain **out);
/* Is the id free (no domain, not even a dying one, has it)? */
bool domain_id_is_free(domid_t id);
/*
 * The domain with the lowest id >= id, dying ones included, referenced;
 * NULL if none (getdomaininfo, getdomaininfolist).
 */
struct domain *domain_get_next(domid_t id);

/*
 * Stop every vCPU of d (not the caller's domain) and wait until none is
 * on a CPU, on whatever CPU it ran; nested pauses count.
 */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* The toolstack's pausedomain/unpausedomain (domain_state.h's rules). */
int domain_pause_by_controller(struct domain *d);
int domain_unpause_by_controller(struct domain *d);
/*
 * destroydomain: stop it, close its event channels, release the grant
 * mappings it holds and every page it owns. -ERESTART: call again (the
 * work is preemptible). It then lingers, dying, while others still use
 * its frames, and is freed when the last goes.
 */
int domain_kill(struct domain *d);
/*
 * A frame that a dying domain owned was freed (its last user went):
 * account for it, and let the domain go with its last frame.
 */
void domain_dying_page_freed(struct page_info *pg);
/* Raise VIRQ_DOM_EXC to the control domain (shutdown and death). */
void domain_notify_exception(void);
/* Drop the allocation reference of shared_info or a grant-table frame. */
void domain_release_shared_frame(void *va);

/*
 * Domains are reference-counted. Nothing keeps a bare pointer to a domain
 * it found by id across anything that can block, be preempted, or drop
 * the lock it was found under: it holds a reference and puts it.
 */
/* A reference to a live domain, or NULL (none, or dying). */
struct domain *domain_get(domid_t id);
/* The same, dying domains included (the control plane, page release). */
struct domain *domain_get_any(domid_t id);
/* Another reference; false once the domain is being destroyed. */
bool domain_get_ref(struct domain *d);
/* Drop one; the last frees the domain (deferred to a safe point). */
void domain_put(struct domain *d);

/* Whether id names the caller itself: DOMID_SELF or its own domid. */
static inline bool domid_is_self(const struct domain *caller, domid_t id)
{
    return id == DOMID_SELF || id == caller->domain_id;
}

/*
 * The domain `caller` may act on as `id` (DOMID_SELF allowed): a
 * referenced domain in *out, or -ESRCH (no such domain, or dying),
 * -EPERM (not allowed). Only the control domain may name another domain.
 * Callers domain_put(*out) when done.
 */
int domain_target(struct domain *caller, domid_t id, struct domain **out);
/* Publish the current wall clock in one domain's shared_info, or all. */
void domain_update_wallclock(struct domain *d);
void domains_update_wallclock(void);
struct domain *hardware_domain(void);

/* Record a shutdown (SHUTDOWN_*), stop every vCPU and say why. */
void domain_shutdown(struct domain *d, unsigned int reason);

/* Give a domain nr frames of 2^order pages each; -ENOMEM on failure. */
int domain_alloc_pages(struct domain *d, unsigned int order,
                       unsigned int max_addr_bits, mfn_t *mfn_out);
/* Undo domain_alloc_pages() for an extent nothing references yet. */
void domain_free_extent(struct domain *d, mfn_t mfn, unsigned int order);
/*
 * Take frame mfn from d if its allocation is its only reference, and
 * undo that; the caller then holds the frame's one reference.
 */
bool domain_steal_page(struct domain *d, mfn_t mfn);
void domain_unsteal_page(struct domain *d, mfn_t mfn);
/* A stolen frame moving to d (grant transfer): room first, then the frame. */
bool domain_reserve_page(struct domain *d);
void domain_unreserve_page(struct domain *d);
bool domain_assign_page(struct domain *d, mfn_t mfn);

/* vCPU 0 ... up; nothing runs until the scheduler is started. */
void vcpu_wake(struct vcpu *v);
void vcpu_block(struct vcpu *v);
/* v has something new to look at: if it runs on another CPU, tell it. */
void vcpu_kick(struct vcpu *v);

/*
 * The vCPU running on this CPU, or NULL in the idle loop: the scheduler's
 * (common/sched.c, which alone sets it, in sched_curr for other CPUs to
 * read and in this CPU's struct cpu_info), read inline on every entry
 * with one load (pv/entry.S reads it too).
 */
DECLARE_PER_CPU(struct vcpu *, sched_curr);
static inline struct vcpu *current_vcpu(void)
{
    return get_cpu_info()->current_vcpu;
}

#endif /* XENIA_DOMAIN_H */
