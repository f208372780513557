/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * set_debugreg/get_debugreg and the guest kernel's own mov to/from %drN,
 * which Xen emulates with the same checks.
 */
#include <xenia/errno.h>
#include <xenia/hypercall.h>
#include <asm/current.h>
#include <asm/debugreg.h>
#include <asm/pv.h>

int pv_set_debugreg(struct vcpu *v, unsigned int reg, unsigned long value)
{
    int i = debugreg_index(reg), rc;
    unsigned long keep;

    if ( i < 0 )
        return i;
    rc = debugreg_check(i, value, &keep);
    if ( rc )
        return rc;
    v->arch.debugreg[i] = keep;
    pv_load_debugregs(v); /* the caller is the running vCPU */
    return 0;
}

int pv_get_debugreg(const struct vcpu *v, unsigned int reg,
                    unsigned long *value)
{
    int i = debugreg_index(reg);

    if ( i < 0 )
        return i;
    *value = v->arch.debugreg[i];
    return 0;
}

long do_set_debugreg(unsigned int reg, unsigned long value)
{
    return pv_set_debugreg(current_vcpu(), reg, value);
}

long do_get_debugreg(unsigned int reg)
{
    unsigned long val;
    int rc = pv_get_debugreg(current_vcpu(), reg, &val);

    return rc ? rc : (long)val;
}
