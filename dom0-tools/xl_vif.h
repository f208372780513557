/* SPDX-License-Identifier: GPL-2.0-only */
/* xl's PV network devices (vifs): create-time, hotplug and commands. */
#ifndef DOM0_TOOLS_XL_VIF_H
#define DOM0_TOOLS_XL_VIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xlcfg.h"

/* Before anything is created: each vif's bridge exists. 0 or -1 + err. */
int xl_vifs_check(const struct xlcfg *c, char *err, size_t errlen);
/*
 * One vif: FE and BE in one transaction, netback at InitWait, vifD.N on
 * its bridge and up, hotplug-status connected. On failure the device is
 * gone again and one line went to stderr.
 */
int xl_vif_add(uint32_t domid, const struct vifspec *v, unsigned int devid);
int xl_vifs_add_all(uint32_t domid, const struct xlcfg *c);
/* Every vif of domid away: orderly, or forced for a dead domain. */
void xl_vifs_teardown(uint32_t domid, bool force);
void xl_vifs_list(uint32_t domid);
int xl_cmd_network_attach(uint32_t domid, int argc, char **argv);
int xl_cmd_network_detach(uint32_t domid, const char *which);

#endif
