/* SPDX-License-Identifier: GPL-2.0-only */
/* start_xenia(): everything from the boot loader's hand-over to idle. */
#include <xenia/acpi.h>
#include <xenia/boot_param.h>
#include <xenia/bootinfo.h>
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/page_alloc.h>
#include <xenia/mm.h>
#include <xenia/selftest.h>
#include <xenia/shutdown.h>
#include <xenia/time.h>
#include <xenia/timer.h>
#include <xenia/version.h>
#include <asm/apic.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/flushtlb.h>
#include <asm/processor.h>
#include <asm/xstate.h>
#include <asm/pv.h>
#include <xenia/arch.h>
#include <asm/pv_dom0.h>
#include <asm/smp.h>
#include <xenia/sched.h>

void __noreturn start_xenia(uint32_t magic, uint32_t info_pa);

BUILD_BUG_ON(((XEN_VIRT_START >> 30) & 511) != 322); /* head.S's l3_xen */
BUILD_BUG_ON(sizeof(struct cpu_info) > CPU_INFO_RESERVE);

char cpu0_stack[STACK_SIZE]
    __attribute__((section(".bss.stack_aligned"), aligned(STACK_SIZE)));
static uint64_t cpu0_gdt[GDT_ENTRIES]
    __attribute__((section(".bss.page_aligned"), aligned(4096)));

extern const struct kernel_param __param_start[], __param_end[];
extern const char _start[], _end[];

static struct boot_info boot_info;
/* The loader's memory is ours to reuse: keep copies of its strings. */
static char cmdline_copy[1024];
static char mod_cmdline_copy[BOOT_MAX_MODULES][256];
static char loader_copy[64];
static uint8_t rsdp_copy[36] __aligned(16); /* ACPI 2.0 RSDP size */
static const char *dom0_args;
static char dom0_cmdline[1024];

/* Xen options Xenia accepts so that a Xen grub.cfg boots it unchanged. */
static uint64_t opt_dom0_mem, opt_dom0_mem_max;
static int parse_dom0_mem(const char *s)
{
    /*
     * Xen's form: [min:<sz>,][max:<sz>,][<sz>]. Xenia gives Dom0 <sz>
     * and lets it balloon up to max; min matters only when <sz> is
     * unset, which here means "all but a reserve" anyway.
     */
    while ( *s )
    {
        const char *end;
        uint64_t bytes;
        uint64_t *to = &opt_dom0_mem;

        if ( !strncmp(s, "min:", 4) )
            to = NULL, s += 4;
        else if ( !strncmp(s, "max:", 4) )
            to = &opt_dom0_mem_max, s += 4;
        if ( parse_size_and_unit(s, &end, &bytes) )
            return -EINVAL;
        if ( *end && *end != ',' )
            return -EINVAL;
        if ( to )
            *to = bytes;
        s = *end ? end + 1 : end;
    }
    return 0;
}
custom_param("dom0_mem", parse_dom0_mem);
/*
 * Dom0's vCPUs; vCPU 0 starts, the rest wait for VCPUOP_up. As on Xen,
 * the default is one per physical CPU.
 */
static unsigned int opt_dom0_max_vcpus;
integer_param("dom0_max_vcpus", opt_dom0_max_vcpus);
ignored_param("dom0_vcpus_pin");
ignored_param("guest_loglvl_rate");
ignored_param("iommu");
ignored_param("ucode");
ignored_param("smt");
ignored_param("sched");
ignored_param("watchdog");
ignored_param("hpet");
ignored_param("clocksource");
ignored_param("cpufreq");
ignored_param("spec-ctrl");
ignored_param("no-real-mode");
ignored_param("edd");
ignored_param("edid");
ignored_param("placeholder");

const char *hypervisor_cmdline(void)
{
    return cmdline_copy;
}

static const void *boot_p2v(paddr_t pa, size_t len)
{
    /* Multiboot structures live below 4 GiB, which the boot tables map. */
    if ( pa + len < pa || pa + len > GB(4) )
        return NULL;
    return __va(pa);
}

/*
 * Most Multiboot loaders (QEMU, GRUB legacy) put the image's path first
 * on each command line; GRUB 2 does not. Drop it where it is, as Xen does.
 */
static const char *skip_image_name(const char *s, const char *loader)
{
    while ( *s == ' ' )
        s++;
    if ( !strncmp(loader, "GRUB 2", 6) )
        return s;
    while ( *s && *s != ' ' )
        s++;
    while ( *s == ' ' )
        s++;
    return s;
}

static void copy_boot_strings(void)
{
    unsigned int i;

    strlcpy(loader_copy, boot_info.loader_name, sizeof(loader_copy));
    boot_info.loader_name = loader_copy;
    strlcpy(cmdline_copy, skip_image_name(boot_info.cmdline, loader_copy),
            sizeof(cmdline_copy));
    boot_info.cmdline = cmdline_copy;
    for ( i = 0; i < boot_info.nr_modules; i++ )
    {
        strlcpy(mod_cmdline_copy[i],
                skip_image_name(boot_info.mods[i].cmdline, loader_copy),
                sizeof(mod_cmdline_copy[i]));
        boot_info.mods[i].cmdline = mod_cmdline_copy[i];
    }
    /* Multiboot2 hands the RSDP over as a copy inside its own info. */
    if ( boot_info.rsdp )
    {
        const void *r = boot_p2v(boot_info.rsdp, sizeof(rsdp_copy));

        if ( r )
            memcpy(rsdp_copy, r, sizeof(rsdp_copy));
        boot_info.rsdp = r ? xen_va_to_phys(rsdp_copy) : 0;
    }
}

static void report_param(enum param_problem what, const char *option)
{
    static const char *const why[] = {
        [PARAM_UNKNOWN] = "unknown option, ignored",
        [PARAM_INVALID] = "bad value, ignored",
        [PARAM_IGNORE] = "Xen option accepted but not used by Xenia",
    };

    printk(what == PARAM_IGNORE ? XENLOG_INFO "Command line: '%s': %s\n"
                                : XENLOG_WARNING "Command line: '%s': %s\n",
           option, why[what]);
}

static void parse_boot_info(uint32_t magic, uint32_t info_pa)
{
    int rc = magic == MULTIBOOT2_BOOTLOADER_MAGIC
                 ? multiboot2_parse(info_pa, boot_p2v, &boot_info)
                 : multiboot1_parse(info_pa, boot_p2v, &boot_info);

    if ( rc == -E2BIG )
        printk(XENLOG_WARNING "More than %u boot modules: the rest ignored\n",
               BOOT_MAX_MODULES);
    else if ( rc )
        panic("Malformed Multiboot%s information at %#x (error %d)\n",
              magic == MULTIBOOT2_BOOTLOADER_MAGIC ? "2" : "", info_pa, rc);
    copy_boot_strings();
}

static void print_memory_map(void)
{
    const struct memmap *m = &boot_info.memmap;
    unsigned int i;

    printk(XENLOG_INFO "Xenia RAM map (from the boot loader):\n");
    for ( i = 0; i < m->nr; i++ )
        printk(XENLOG_INFO " [%016lx, %016lx] (%s)\n",
               (unsigned long)m->map[i].addr,
               (unsigned long)(m->map[i].addr + m->map[i].size - 1),
               memmap_type_name(m->map[i].type));
}

static void report_cpus(void)
{
    unsigned int i;
    char ids[128] = "";
    size_t off = 0;

    for ( i = 0; i < acpi_info.nr_cpus && off < sizeof(ids) - 8; i++ )
        off += snprintf(ids + off, sizeof(ids) - off, " %u",
                        acpi_info.cpu_apic_id[i]);
    printk(XENLOG_INFO "CPUs: %u enabled of %u listed (APIC IDs:%s); "
                       "%u online, boot CPU APIC %u\n",
           acpi_info.nr_cpus, acpi_info.nr_cpus_listed, ids, nr_online_cpus,
           apic_id());
}

/* Build Dom0 from the first module (the second is its initrd) and run it. */
static void __noreturn start_dom0(void)
{
    const struct boot_module *m = boot_info.mods;
    int rc;

    if ( !boot_info.nr_modules )
    {
        printk(XENLOG_ERR "No Dom0 kernel: the boot loader passed no modules "
                          "(the first module is Dom0's kernel)\n");
        machine_halt();
    }
    printk(XENLOG_INFO "Dom0 kernel: %#lx-%#lx (%lu bytes) '%s'\n",
           (unsigned long)m[0].start, (unsigned long)(m[0].start + m[0].size),
           (unsigned long)m[0].size, m[0].cmdline);
    if ( boot_info.nr_modules > 1 )
        printk(XENLOG_INFO "Dom0 initrd: %#lx-%#lx (%lu bytes)\n",
               (unsigned long)m[1].start,
               (unsigned long)(m[1].start + m[1].size),
               (unsigned long)m[1].size);
    if ( dom0_args )
        printk(XENLOG_INFO "Dom0 arguments after '--': '%s'\n", dom0_args);
    if ( opt_dom0_mem )
        printk(XENLOG_INFO "dom0_mem: %luk\n",
               (unsigned long)(opt_dom0_mem >> 10));
    /* Xen appends what follows "--" to Dom0's own command line. */
    snprintf(dom0_cmdline, sizeof(dom0_cmdline), "%s%s%s", m[0].cmdline,
             dom0_args && *m[0].cmdline ? " " : "", dom0_args ? dom0_args : "");
    rc = dom0_construct(&m[0], boot_info.nr_modules > 1 ? &m[1] : NULL,
                        dom0_cmdline, opt_dom0_mem, opt_dom0_mem_max,
                        opt_dom0_max_vcpus ? opt_dom0_max_vcpus
                                           : MIN(nr_online_cpus, MAX_VCPUS));
    if ( rc )
    {
        printk(XENLOG_ERR "Could not build Dom0 (error %d)\n", rc);
        machine_halt();
    }
    console_input_start();
    sched_start();
}

void start_xenia(uint32_t magic, uint32_t info_pa)
{
    paddr_t image_start = xen_va_to_phys(_start), image_end = xen_va_to_phys(_end);
    s_time_t boot_ns;

    get_cpu_info()->processor_id = 0;
    tlbflush_init_cpu(0);
    console_init_early();
    desc_init_cpu(0, cpu0_gdt, (unsigned long)cpu0_stack);
    printk(XENLOG_INFO "Xenia version " XENIA_VERSION " (gcc " __VERSION__
                       ") debug=%c\n",
           IS_ENABLED_DEBUG ? 'y' : 'n');

    parse_boot_info(magic, info_pa);
    cmdline_parse(boot_info.cmdline, __param_start,
                  __param_end - __param_start, report_param, &dom0_args);
    console_init_postparse();
    printk(XENLOG_INFO "Bootloader: %s (Multiboot%s)\n", boot_info.loader_name,
           magic == MULTIBOOT2_BOOTLOADER_MAGIC ? "2" : "1");
    printk(XENLOG_INFO "Command line: %s\n", boot_info.cmdline);
    print_memory_map();

    mm_init(&boot_info, image_start, image_end);
    mm_drop_identity_map();
    mm_print_summary();

    if ( acpi_init(boot_info.rsdp) )
        printk(XENLOG_WARNING "ACPI: no usable tables; assuming one CPU\n");
    i8259_mask_all();
    io_apic_init();
    time_init();
    rtc_init();
    apic_init_bsp();
    timers_init_cpu(0);
    sched_init_cpu(0);
    pv_syscall_init_cpu(0, (unsigned long)cpu0_stack);
    pv_gdt_init_cpu(0, cpu0_gdt);
    /* Guests use SSE and, with XSAVE, AVX (xstate.c saves their state). */
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    xstate_init_cpu(0);
    console_init_irq(SERIAL_VECTOR, apic_id());
    local_irq_enable();
    smp_boot_cpus();
    report_cpus();

    if ( IS_ENABLED_SELF_TESTS )
        selftest_timer();
    boot_ns = NOW();
    printk(XENLOG_INFO "Xenia boot complete: %lu.%03lu ms after TSC "
                       "calibration, %luk free\n",
           (unsigned long)(boot_ns / 1000000),
           (unsigned long)(boot_ns / 1000 % 1000),
           page_alloc_free_frames() * 4);
    selftest_fault();
    start_dom0();
}
