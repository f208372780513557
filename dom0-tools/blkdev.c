/* SPDX-License-Identifier: GPL-2.0-only */
#include "blkdev.h"
#include "device.h"
#include "xl.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/*
 * Attaches file to a free loop device (read-only if ro); its path in node.
 * LOOP_CONFIGURE does it in one step (5.8+); LOOP_SET_FD then
 * LOOP_SET_STATUS64 on older kernels.  No autoclear: the loop must outlive
 * this process until the device is removed.
 */
static int loop_attach(const char *file, bool ro, char *node, size_t len)
{
    int ctl, lfd = -1, ffd, n, tries;

    ffd = open(file, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if ( ffd < 0 )
    {
        xl_err("disk %s: cannot open it %s: %s", file,
               ro ? "read-only" : "for writing", strerror(errno));
        return -1;
    }
    ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if ( ctl < 0 )
    {
        xl_err("disk %s: /dev/loop-control: %s (is the loop module loaded?)",
               file, strerror(errno));
        close(ffd);
        return -1;
    }
    for ( tries = 0; tries < 8; tries++ )
    {
        struct loop_config cfg;

        n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if ( n < 0 )
            break;
        snprintf(node, len, "/dev/loop%d", n);
        lfd = open(node, O_RDWR | O_CLOEXEC);
        if ( lfd < 0 )
            break;
        memset(&cfg, 0, sizeof(cfg));
        cfg.fd = (unsigned int)ffd;
        cfg.info.lo_flags = ro ? LO_FLAGS_READ_ONLY : 0;
        snprintf((char *)cfg.info.lo_file_name, LO_NAME_SIZE, "%s", file);
        if ( ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0 )
            goto done;
        if ( errno == EINVAL || errno == ENOTTY )
        {
            if ( ioctl(lfd, LOOP_SET_FD, ffd) == 0 )
            {
                if ( ioctl(lfd, LOOP_SET_STATUS64, &cfg.info) == 0 )
                    goto done;
                ioctl(lfd, LOOP_CLR_FD, 0);
            }
        }
        /* EBUSY: another process took it between GET_FREE and here. */
        if ( errno != EBUSY )
            break;
        close(lfd);
        lfd = -1;
    }
    xl_err("disk %s: no loop device: %s", file, strerror(errno));
    if ( lfd >= 0 )
        close(lfd);
    close(ctl);
    close(ffd);
    return -1;
done:
    close(lfd);
    close(ctl);
    close(ffd);
    return 0;
}

/* Lets go of a loop device; if blkback still holds it, it goes on close. */
static void loop_detach(const char *node)
{
    int fd;

    if ( strncmp(node, "/dev/loop", 9) )
        return;
    fd = open(node, O_RDONLY | O_CLOEXEC);
    if ( fd < 0 )
        return;
    if ( ioctl(fd, LOOP_CLR_FD, 0) && errno != ENXIO )
        xl_err("detaching %s: %s", node, strerror(errno));
    close(fd);
}

int blk_check(const struct diskspec *s)
{
    struct stat st;
    int fd;

    if ( stat(s->target, &st) )
    {
        xl_err("disk %s: %s", s->target, strerror(errno));
        return -1;
    }
    if ( !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) )
    {
        xl_err("disk %s: neither an image file nor a block device",
               s->target);
        return -1;
    }
    /* blkback opens it later without telling why it failed: check now. */
    fd = open(s->target, (s->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if ( fd < 0 )
    {
        xl_err("disk %s: cannot open it %s: %s", s->target,
               s->readonly ? "read-only" : "for writing", strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

int blk_attach(uint32_t domid, const struct diskspec *s)
{
    struct device d = {.kind = "vbd", .domid = domid, .devid = s->devid};
    char node[32] = "", phys[32], devid[16];
    const char *dev = s->target;
    struct stat st;

    if ( blk_check(s) )
        return -1;
    if ( stat(s->target, &st) == 0 && S_ISREG(st.st_mode) )
    {
        if ( loop_attach(s->target, s->readonly, node, sizeof(node)) )
            return -1;
        dev = node;
    }
    if ( stat(dev, &st) || !S_ISBLK(st.st_mode) )
    {
        xl_err("disk %s: %s is not a block device", s->target, dev);
        goto undo;
    }
    /* Hex without leading zeros, as blkback parses it ("%x:%x"). */
    snprintf(phys, sizeof(phys), "%x:%x", major(st.st_rdev),
             minor(st.st_rdev));
    snprintf(devid, sizeof(devid), "%u", s->devid);
    {
        const struct dev_kv fe[] = {
            {"virtual-device", devid},
            {"device-type", s->cdrom ? "cdrom" : "disk"},
            {"trusted", s->trusted ? "1" : "0"},
            {"protocol", "x86_64-abi"},
        };
        /* mode before physical-device: blkback reads it first (2.4). */
        const struct dev_kv be[] = {
            {"params", s->target},
            {"type", "phy"},
            {"mode", s->readonly ? "r" : "w"},
            {"dev", s->vdev},
            {"device-type", s->cdrom ? "cdrom" : "disk"},
            {"removable", s->cdrom ? "1" : "0"},
            {"bootable", "1"},
            {"discard-enable", s->discard ? "1" : "0"},
            {"specification", "xen"},
            {"physical-device-path", dev},
            {"physical-device", phys},
            {"hotplug-status", "connected"},
            {"node", node}, /* last: only for an image file */
        };

        if ( device_add(xl_store(), &d, fe, sizeof(fe) / sizeof(fe[0]), be,
                        sizeof(be) / sizeof(be[0]) - (node[0] ? 0 : 1)) )
        {
            if ( errno == EEXIST )
                xl_err("disk %s: domain %u already has a vbd %s (%u)",
                       s->target, domid, s->vdev, s->devid);
            else
                xl_err("disk %s: writing its xenstore nodes: %s", s->target,
                       strerror(errno));
            goto undo;
        }
    }
    return 0;
undo:
    if ( node[0] )
        loop_detach(node);
    return -1;
}

int blk_detach(uint32_t domid, unsigned int devid, bool force)
{
    struct device d = {.kind = "vbd", .domid = domid, .devid = devid};
    struct xs_handle *xs = xl_store();
    char rec[DEV_PATH_MAX + 16];
    char *node, *own;
    unsigned int len;
    int rc;

    device_rec_path(&d, rec);
    strcat(rec, "/backend");
    own = xs_read(xs, XBT_NULL, rec, &len);
    if ( !own )
    {
        xl_err("Error: Device %u not connected.", devid);
        return -1;
    }
    free(own);
    /* Read before the BE directory goes. */
    node = device_be_read(xs, &d, "node");
    rc = force ? device_destroy(xs, &d)
               : device_remove(xs, &d, DEV_TIMEOUT_MS);
    if ( rc == 1 )
        xl_err("vbd %u of domain %u: the backend did not close in %d s; "
               "removed by force",
               devid, domid, DEV_TIMEOUT_MS / 1000);
    if ( node && node[0] )
        loop_detach(node);
    free(node);
    return rc < 0 ? -1 : 0;
}

void blk_teardown(uint32_t domid)
{
    unsigned int *ids;
    int n = device_list(xl_store(), domid, "vbd", &ids), i;

    for ( i = 0; i < n; i++ )
        blk_detach(domid, ids[i], true);
    free(ids);
}

int xl_cmd_block_attach(int argc, char **argv)
{
    struct diskspec s;
    char spec[1024] = "", err[200];
    uint32_t domid;
    int i, rc;

    if ( argc < 3 )
    {
        xl_err("usage: xl block-attach <Domain> <disk-spec-component(s)>...");
        return 1;
    }
    if ( xl_find_domain(argv[1], &domid) )
        return 1;
    /* As xl: the components are one spec, joined by commas. */
    for ( i = 2; i < argc; i++ )
    {
        if ( strlen(spec) + strlen(argv[i]) + 2 > sizeof(spec) )
        {
            xl_err("disk spec too long");
            return 1;
        }
        if ( i > 2 )
            strcat(spec, ",");
        strcat(spec, argv[i]);
    }
    if ( diskspec_parse(spec, &s, err, sizeof(err)) )
    {
        xl_err("disk '%s': %s", spec, err);
        return 1;
    }
    rc = blk_attach(domid, &s);
    diskspec_free(&s);
    return rc ? 1 : 0;
}

int xl_cmd_block_detach(int argc, char **argv)
{
    bool force = false;
    uint32_t domid;
    unsigned int devid;
    int a = 1;

    if ( a < argc && (!strcmp(argv[a], "-f") || !strcmp(argv[a], "--force")) )
        force = true, a++;
    if ( argc - a != 2 )
    {
        xl_err("usage: xl block-detach [-f] <Domain> <DevId>");
        return 1;
    }
    if ( xl_find_domain(argv[a], &domid) )
        return 1;
    if ( vdev_number(argv[a + 1], &devid) )
    {
        xl_err("Error: Device %s not connected.", argv[a + 1]);
        return 1;
    }
    return blk_detach(domid, devid, force) ? 1 : 0;
}

static long fe_num(uint32_t domid, unsigned int devid, const char *key)
{
    char path[DEV_PATH_MAX + 32], *v;
    unsigned int len;
    long n;

    snprintf(path, sizeof(path), "/local/domain/%u/device/vbd/%u/%s", domid,
             devid, key);
    v = xs_read(xl_store(), XBT_NULL, path, &len);
    n = v ? strtol(v, NULL, 10) : -1;
    free(v);
    return n;
}

int xl_cmd_block_list(int argc, char **argv)
{
    int i, j, n;

    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle",
           "state", "evt-ch", "ring-ref", "BE-path");
    for ( i = 1; i < argc; i++ )
    {
        uint32_t domid;
        unsigned int *ids;

        if ( xl_find_domain(argv[i], &domid) )
            continue;
        n = device_list(xl_store(), domid, "vbd", &ids);
        for ( j = 0; j < n; j++ )
        {
            struct device d = {.kind = "vbd", .domid = domid, .devid = ids[j]};
            char rec[DEV_PATH_MAX + 16], *be;
            unsigned int len, bdom = 0;

            device_rec_path(&d, rec);
            strcat(rec, "/backend");
            be = xs_read(xl_store(), XBT_NULL, rec, &len);
            if ( !be )
                continue;
            sscanf(be, "/local/domain/%u/", &bdom);
            printf("%-5u %-3u %-6u %-5ld %-6ld %-8ld %-30s\n", ids[j], bdom,
                   domid, fe_num(domid, ids[j], "state"),
                   fe_num(domid, ids[j], "event-channel"),
                   fe_num(domid, ids[j], "ring-ref"), be);
            free(be);
        }
        free(ids);
    }
    return 0;
}
