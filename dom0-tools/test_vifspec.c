/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of vif = [ 'SPEC' ] parsing (vifspec.c): each key and error. */
#include <stdio.h>
#include <string.h>

#include "vifspec.h"
#include "check.h"

static void bad(const char *spec, const char *want, const char *what)
{
    struct vifspec v;
    char err[256] = "";
    int rc = vifspec_parse(&v, spec, err, sizeof(err));

    if ( rc == 0 || strcmp(err, want) )
        printf("  got rc %d, '%s'\n  want '%s'\n", rc, err, want);
    check(rc == -1 && !strcmp(err, want), what);
    if ( rc == 0 )
        vifspec_free(&v);
}

static void good(void)
{
    struct vifspec v;
    char err[256] = "", mac[18];
    int rc;

    rc = vifspec_parse(&v, "", err, sizeof(err));
    check(rc == 0 && v.devid == -1 && !v.has_mac && !v.bridge && v.trusted &&
              !v.rate_usecs && !v.mtu,
          "'' is one vif with every default");
    vifspec_free(&v);

    rc = vifspec_parse(&v,
                       " mac=02:00:0A:00:00:02 , bridge=xenbr1,vifname=web0,"
                       "ip=10.0.0.2,script=vif-bridge,mtu=9000,devid=3,"
                       "type=vif,gatewaydev=eth0,model=e1000,backend=0,"
                       "untrusted",
                       err, sizeof(err));
    if ( rc )
        printf("  %s\n", err);
    vifspec_mac_string(v.mac, mac);
    check(rc == 0 && v.has_mac && !strcmp(mac, "02:00:0a:00:00:02"),
          "mac, upper-case hex, blanks around keys");
    check(rc == 0 && !strcmp(v.bridge, "xenbr1") &&
              !strcmp(v.vifname, "web0") && !strcmp(v.ip, "10.0.0.2") &&
              !strcmp(v.script, "vif-bridge") && !strcmp(v.gatewaydev, "eth0"),
          "bridge, vifname, ip, script, gatewaydev");
    check(rc == 0 && v.mtu == 9000 && v.devid == 3 && !v.trusted,
          "mtu, devid, untrusted");
    vifspec_free(&v);

    rc = vifspec_parse(&v, "rate=10Mb/s", err, sizeof(err));
    check(rc == 0 && v.rate_usecs == 50000 && v.rate_bytes == 62500,
          "rate 10Mb/s: 62500 bytes per default 50 ms");
    vifspec_free(&v);
    rc = vifspec_parse(&v, "rate=1MB/s@20ms", err, sizeof(err));
    check(rc == 0 && v.rate_usecs == 20000 && v.rate_bytes == 20000,
          "rate 1MB/s@20ms");
    vifspec_free(&v);
    rc = vifspec_parse(&v, "rate=100KB/s@2", err, sizeof(err));
    check(rc == 0 && v.rate_usecs == 2000000 && v.rate_bytes == 200000,
          "rate interval in plain seconds");
    vifspec_free(&v);
    rc = vifspec_parse(&v, "rate=8b/s@500us", err, sizeof(err));
    check(rc == 0 && v.rate_usecs == 500 && v.rate_bytes == 0,
          "rate in bits, interval in us");
    vifspec_free(&v);

    {
        unsigned char m[6], rnd[3] = {0xff, 0x12, 0x34};

        vifspec_default_mac(m, rnd);
        vifspec_mac_string(m, mac);
        check(!strcmp(mac, "00:16:3e:7f:12:34"),
              "default mac: 00:16:3e, first random byte below 0x80");
    }
}

int main(void)
{
    good();
    bad("mac=00:16:3e:00:00", "vif 'mac=00:16:3e:00:00': malformed mac "
        "'00:16:3e:00:00' (want six hex bytes xx:xx:xx:xx:xx:xx)",
        "a five-byte mac");
    bad("mac=00:16:3e:00:00:zz", "vif 'mac=00:16:3e:00:00:zz': malformed mac "
        "'00:16:3e:00:00:zz' (want six hex bytes xx:xx:xx:xx:xx:xx)",
        "a mac with non-hex digits");
    bad("mac=00-16-3e-00-00-01", "vif 'mac=00-16-3e-00-00-01': malformed mac "
        "'00-16-3e-00-00-01' (want six hex bytes xx:xx:xx:xx:xx:xx)",
        "a mac with dashes");
    bad("mac=01:00:5e:00:00:01", "vif 'mac=01:00:5e:00:00:01': mac "
        "'01:00:5e:00:00:01' is a multicast address (its first byte is odd)",
        "a multicast mac");
    bad("bridge=xenbr0,colour=red",
        "vif 'bridge=xenbr0,colour=red': unknown key 'colour'", "unknown key");
    bad("xenbr0", "vif 'xenbr0': 'xenbr0' is not key=value", "a bare word");
    bad("bridge=", "vif 'bridge=': bridge= has no value", "an empty value");
    bad("type=ioemu", "vif 'type=ioemu': type=ioemu is an emulated NIC: PV "
        "guests take only type=vif", "type=ioemu for PV");
    bad("type=tap", "vif 'type=tap': type 'tap' is not vif or ioemu",
        "an unknown type");
    bad("mtu=40", "vif 'mtu=40': mtu 40 is out of range (68..65535)",
        "mtu too small");
    bad("mtu=15x", "vif 'mtu=15x': mtu '15x' is not a number", "mtu junk");
    bad("devid=-1", "vif 'devid=-1': devid '-1' is not a number",
        "negative devid");
    bad("devid=70000", "vif 'devid=70000': devid 70000 is too large",
        "devid too large");
    bad("vifname=a/b", "vif 'vifname=a/b': vifname 'a/b' is not a valid "
        "interface name", "vifname with a slash");
    bad("vifname=abcdefghijklmnop", "vif 'vifname=abcdefghijklmnop': vifname "
        "'abcdefghijklmnop' is not a valid interface name",
        "vifname over 15 characters");
    bad("rate=10Mb", "vif 'rate=10Mb': rate '10Mb' is not RATE/s[@INTERVAL] "
        "(e.g. 10Mb/s@20ms)", "rate without /s");
    bad("rate=0B/s", "vif 'rate=0B/s': rate '0B/s' is out of range",
        "zero rate");
    bad("rate=1MB/s@20h", "vif 'rate=1MB/s@20h': rate '1MB/s@20h' has a bad "
        "interval (e.g. @20ms, @50us)", "a bad interval unit");
    bad("backend=drv1", "vif 'backend=drv1': backend 'drv1': only Domain-0 "
        "runs backends here", "a driver domain backend");
    bad("colo_sock_mirror_id=1", "vif 'colo_sock_mirror_id=1': "
        "colo_sock_mirror_id= is not supported", "COLO keys");
    return check_summary();
}
