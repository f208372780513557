/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One vif = [ 'SPEC', ... ] entry in Xen's syntax (xl-network-configuration
 * (5)): comma-separated key=value settings, every key optional. Pure code,
 * unit-tested on the host; xl's config file and `xl network-attach` both
 * use it.
 */
#ifndef DOM0_TOOLS_VIFSPEC_H
#define DOM0_TOOLS_VIFSPEC_H

#include <stddef.h>

#define VIFSPEC_DEFAULT_BRIDGE "xenbr0"
#define VIFSPEC_DEFAULT_SCRIPT "vif-bridge"

struct vifspec {
    int devid;                /* -1: the entry's index in the list */
    int has_mac;              /* 0: vifspec_default_mac fills mac */
    unsigned char mac[6];
    char *bridge, *script, *vifname, *ip, *gatewaydev, *model;
    unsigned long rate_bytes, rate_usecs; /* rate_usecs 0: unlimited */
    unsigned int mtu;         /* 0: the bridge's */
    int trusted;              /* FE trusted: 1 unless 'untrusted' */
};

void vifspec_init(struct vifspec *v);
void vifspec_free(struct vifspec *v);

/*
 * Parses SPEC into v (initialised here). 0, or -1 with one line naming the
 * problem in err ("vif 'SPEC': ...").
 */
int vifspec_parse(struct vifspec *v, const char *spec, char *err,
                  size_t errlen);

/*
 * xl's default MAC: Xen's OUI 00:16:3e, then three bytes from rnd with the
 * top bit of the first cleared (libxl leaves 00:16:3e:80.. and above to
 * the admin).
 */
void vifspec_default_mac(unsigned char mac[6], const unsigned char rnd[3]);

/* "xx:xx:xx:xx:xx:xx" into buf (at least 18 bytes). */
void vifspec_mac_string(const unsigned char mac[6], char *buf);

/*
 * rate=RATE/s[@INTERVAL] into bytes per interval and the interval in
 * microseconds, as xl computes BE "rate". 0 or -1 with err.
 */
int vifspec_parse_rate(const char *s, unsigned long *bytes,
                       unsigned long *usecs, char *err, size_t errlen);

#endif
