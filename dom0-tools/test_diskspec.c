/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of disk= parsing and vdev numbering (diskspec.c). */
#include <stdio.h>
#include <string.h>

#include "diskspec.h"
#include "check.h"

static void vdev(const char *s, long want)
{
    unsigned int n = 0;
    int rc = vdev_number(s, &n);
    char what[96];

    snprintf(what, sizeof(what), "vdev %s -> %ld", s, want);
    if ( want < 0 ? rc == 0 : (rc || n != (unsigned long)want) )
        printf("  got rc %d n %u\n", rc, n);
    check(want < 0 ? rc == -1 : (rc == 0 && n == (unsigned long)want), what);
}

static void good(const char *spec, const char *target, const char *vd,
                 unsigned int devid, int ro, int cdrom)
{
    struct diskspec d;
    char err[200], what[200];
    int rc = diskspec_parse(spec, &d, err, sizeof(err));
    int ok = rc == 0 && !strcmp(d.target, target) && !strcmp(d.vdev, vd) &&
             d.devid == devid && d.readonly == ro && d.cdrom == cdrom;

    if ( !ok )
        printf("  rc %d err '%s' target '%s' vdev '%s' devid %u ro %d cd %d\n",
               rc, err, rc ? "" : d.target, rc ? "" : d.vdev, d.devid,
               d.readonly, d.cdrom);
    snprintf(what, sizeof(what), "disk '%s'", spec);
    check(ok, what);
    diskspec_free(&d);
}

static void bad(const char *spec, const char *want)
{
    struct diskspec d;
    char err[200], what[200];
    int rc = diskspec_parse(spec, &d, err, sizeof(err));

    if ( rc == 0 || strcmp(err, want) )
        printf("  got rc %d '%s'\n  want '%s'\n", rc, err, want);
    snprintf(what, sizeof(what), "bad disk '%s'", spec);
    check(rc == -1 && !strcmp(err, want), what);
    diskspec_free(&d);
}

int main(void)
{
    struct diskspec d;
    char err[200];

    vdev("xvda", 51712);
    vdev("xvdb", 51728);
    vdev("xvda1", 51713);
    vdev("xvdp15", 51967);
    vdev("xvdq", 268439552);
    vdev("xvda16", (1L << 28) | 16);
    vdev("xvdaa", (1L << 28) | (26 << 8));
    vdev("hda", 768);
    vdev("hdb", 832);
    vdev("hdc", 5632);
    vdev("hdd1", 5632 + 64 + 1);
    vdev("sda", 2048);
    vdev("sdb2", 2048 + 16 + 2);
    vdev("d0p0", 51712);
    vdev("d16p0", 268439552);
    vdev("51712", 51712);
    vdev("0xca00", 51712);
    vdev("0145000", 51712);
    vdev("xvd", -1);
    vdev("xvda01", -1);
    vdev("xvda256", -1);
    vdev("hde", -1);
    vdev("hda64", -1);
    vdev("sdq", -1);
    vdev("sda16", -1);
    vdev("vda", -1);
    vdev("d1p", -1);
    vdev("2147483648", -1);
    vdev("", -1);

    good("/srv/img/web.img,,xvda", "/srv/img/web.img", "xvda", 51712, 0, 0);
    good("/srv/img/web.img,raw,xvda,rw", "/srv/img/web.img", "xvda", 51712, 0,
         0);
    good("vdev=xvda, format=raw, access=w, target=/srv/img/web.img",
         "/srv/img/web.img", "xvda", 51712, 0, 0);
    good("raw:/srv/img/web.img,xvda,w", "/srv/img/web.img", "xvda", 51712, 0,
         0);
    good("phy:/dev/vg/x,xvda,w", "/dev/vg/x", "xvda", 51712, 0, 0);
    good("file:/path/img,xvda1,r", "/path/img", "xvda1", 51713, 1, 0);
    good("tap:aio:/path/img,xvdb,w", "/path/img", "xvdb", 51728, 0, 0);
    good("phy:loop0,hda,w", "/dev/loop0", "hda", 768, 0, 0);
    good("/i.iso,raw,hdc,devtype=cdrom", "/i.iso", "hdc", 5632, 1, 1);
    good("file:/i.iso,hdc:cdrom,r", "/i.iso", "hdc", 5632, 1, 1);
    good("vdev=xvdc,target=/a,b", "/a,b", "xvdc", 51744, 0, 0);
    good("/i,raw,sda,ro,no-discard,untrusted", "/i", "sda", 2048, 1, 0);
    good("  /i , raw, 51712", "/i ", "51712", 51712, 0, 0);

    check(diskspec_parse("/i,,xvda,no-discard,untrusted", &d, err,
                         sizeof(err)) == 0 &&
              !d.discard && !d.trusted,
          "no-discard and untrusted flags");
    diskspec_free(&d);
    check(diskspec_parse("/i,,xvda", &d, err, sizeof(err)) == 0 &&
              d.discard && d.trusted,
          "discard and trusted by default");
    diskspec_free(&d);

    bad("/srv/img", "no vdev (e.g. xvda)");
    bad(",,xvda", "no target (an image file or block device)");
    bad("/i,,vda", "bad vdev 'vda' (xvdX[N], hdX[N], sdX[N], dNpM or a number)");
    bad("/i,xvda,w",
        "unknown format 'xvda' (raw, qcow, qcow2, vhd, qed)");
    bad("/i,qcow2,xvda", "format 'qcow2' is not supported: only raw");
    bad("qcow2:/i,xvda,w", "format 'qcow2' is not supported: only raw");
    bad("/i,raw,xvda,rwx", "unknown access 'rwx' (r, ro, w, rw)");
    bad("/i,raw,xvda,w,extra", "too many positional parameters at 'extra'");
    bad("/i,raw,xvda,vdev=xvdb", "vdev given twice");
    bad("/i,raw,xvda,frob=1", "unknown parameter 'frob'");
    bad("/i,raw,xvda,backendtype=qdisk",
        "backendtype 'qdisk' is not supported: only phy");
    bad("/i,raw,xvda,backend=dd", "backend 'dd': only Domain-0 can be a backend");
    bad("/i,raw,xvda,script=block-foo",
        "script= is not supported (block devices and image files need none)");
    bad("nbd:host:1,xvda,w",
        "nbd: disks need a block script, which is not supported");
    bad("weird:/i,xvda,w", "unknown deprecated disk prefix 'weird:'");
    bad("/i,raw,xvda,devtype=floppy", "unknown devtype 'floppy' (cdrom, disk)");
    bad("file:/i,hdc:floppy,r", "unknown device type 'floppy' (cdrom, disk)");
    bad("/i,raw,xvda,specification=virtio",
        "specification 'virtio' is not supported: only xen");
    bad(",raw,hdc,devtype=cdrom", "empty CD-ROM drives are not supported");
    bad("", "no vdev (e.g. xvda)");
    /* target= swallows the rest, so this vdev is part of the path. */
    bad("target=/a,b,c,vdev=xvdc", "no vdev (e.g. xvda)");
    return check_summary();
}
