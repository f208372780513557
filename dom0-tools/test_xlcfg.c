/* SPDX-License-Identifier: GPL-2.0-only */
/* Host tests of xl.cfg parsing (xlcfg.c): good files and each error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"
#include "check.h"

/* Parses text and checks; returns 0 or -1 with the message in err. */
static int load(struct xlcfg *c, const char *text, char *err, size_t len)
{
    xlcfg_init(c);
    err[0] = 0;
    if ( xlcfg_parse(c, "t.cfg", text, err, len) )
        return -1;
    return xlcfg_check(c, "t.cfg", err, len);
}

static void bad(const char *text, const char *want, const char *what)
{
    struct xlcfg c;
    char err[256];
    int rc = load(&c, text, err, sizeof(err));

    if ( rc == 0 || strcmp(err, want) )
        printf("  got rc %d, '%s'\n  want '%s'\n", rc, err, want);
    check(rc == -1 && !strcmp(err, want), what);
    xlcfg_free(&c);
}

static void good(void)
{
    struct xlcfg c;
    char err[256], *cmd;
    int rc = load(&c,
                  "# a Debian DomU\n"
                  "name = \"deb1\"\n"
                  "type = 'pv'\n"
                  "kernel = \"/boot/vmlinuz\"; ramdisk = \"/boot/initrd\"\n"
                  "memory = 256\n"
                  "maxmem = 0x200   # hex, as xl takes it\n"
                  "vcpus = 2\n"
                  "maxvcpus = 4\n"
                  "root = \"/dev/xvda1 ro\"\n"
                  "extra = \"console=hvc0 \\\"quiet\\\"\"\n"
                  "uuid = \"6c4b55a4-1c7e-4e1e-9b0f-0123456789ab\"\n"
                  "cpus = \"0-1\"\n"
                  "on_poweroff = \"destroy\"\n"
                  "on_reboot = \"restart\"\n"
                  "on_crash = \"preserve\"\n"
                  "on_watchdog = \"rename-restart\"\n"
                  "localtime = 0\n"
                  "vif = [ 'mac=00:16:3e:00:00:01,bridge=xenbr1',\n"
                  "        '' ]\n"
                  "memory = \\\n 192\n",
                  err, sizeof(err));

    if ( rc )
        printf("  %s\n", err);
    check(rc == 0, "a full config parses");
    check(c.name && !strcmp(c.name, "deb1"), "name");
    check(c.nvifs == 2 && c.vifs[0].devid == 0 && c.vifs[1].devid == 1 &&
              c.vifs[0].has_mac && c.vifs[0].mac[5] == 1 &&
              !strcmp(c.vifs[0].bridge, "xenbr1") && !c.vifs[1].has_mac &&
              !c.vifs[1].bridge,
          "vif list over two lines, devids by index");
    check(c.kernel && !strcmp(c.kernel, "/boot/vmlinuz"), "kernel");
    check(c.ramdisk && !strcmp(c.ramdisk, "/boot/initrd"), "ramdisk after ';'");
    check(c.memory_mib == 192, "the later memory wins, over a continuation");
    check(c.maxmem_mib == 512, "maxmem in hex");
    check(c.vcpus == 2 && c.maxvcpus == 4, "vcpus and maxvcpus");
    check(c.on_crash == XLCFG_PRESERVE &&
              c.on_watchdog == XLCFG_RENAME_RESTART &&
              c.on_reboot == XLCFG_RESTART && c.on_poweroff == XLCFG_DESTROY,
          "on_* actions");
    check(c.cpus && !strcmp(c.cpus, "0-1"), "cpus");
    cmd = xlcfg_kernel_cmdline(&c);
    check(!strcmp(cmd, "root=/dev/xvda1 ro console=hvc0 \"quiet\""),
          "root and extra make the command line, with escapes");
    free(cmd);
    check(xlcfg_override(&c, "memory=64", err, sizeof(err)) == 0 &&
              c.memory_mib == 64,
          "KEY=VALUE overrides");
    check(xlcfg_override(&c, "cmdline=\"quiet\"", err, sizeof(err)) == 0,
          "a string override");
    cmd = xlcfg_kernel_cmdline(&c);
    check(!strcmp(cmd, "quiet"), "cmdline wins over root and extra");
    free(cmd);
    check(xlcfg_override(&c, "memory", err, sizeof(err)) == -1 &&
              !strcmp(err, "command line: 'memory' is not KEY=VALUE"),
          "an override without '='");
    xlcfg_free(&c);

    rc = load(&c, "name='a'\nkernel='k'\n", err, sizeof(err));
    check(rc == 0 && c.memory_mib == 128 && c.vcpus == 1 &&
              c.on_reboot == XLCFG_RESTART && c.on_crash == XLCFG_DESTROY,
          "defaults as xl's");
    xlcfg_free(&c);
    rc = load(&c, "name='a'\nkernel='k'\npci=[ 'x',\n  'y', # c\n]\n", err,
              sizeof(err));
    check(rc == -1 && !strcmp(err, "t.cfg:5: pci is not yet supported"),
          "a list over lines parses, and pci is refused after it");
    xlcfg_free(&c);
    rc = load(&c,
              "name='a'\nkernel='k'\ndisk=[ 'phy:/dev/vg/x,xvda,w',\n"
              "  'vdev=xvdb, access=ro, target=/img/b.img', ]\n",
              err, sizeof(err));
    if ( rc )
        printf("  %s\n", err);
    check(rc == 0 && c.ndisks == 2 && c.disks[0].devid == 51712 &&
              !strcmp(c.disks[0].target, "/dev/vg/x") && !c.disks[0].readonly &&
              c.disks[1].devid == 51728 && c.disks[1].readonly &&
              !strcmp(c.disks[1].target, "/img/b.img"),
          "disk = [ two specs ]");
    xlcfg_free(&c);
    bad("name='a'\nkernel='k'\ndisk=[ '/i,raw,xvda',\n  '/j,qcow2,xvdb' ]\n",
        "t.cfg:4: disk '/j,qcow2,xvdb': format 'qcow2' is not supported: "
        "only raw",
        "a bad disk spec names its own line");
    bad("name='a'\nkernel='k'\ndisk=[ '/i,,xvda', '/j,,d0p0' ]\n",
        "t.cfg:3: disk '/j,,d0p0': vdev d0p0 is the same disk as xvda",
        "two disks on one vdev");
    bad("name='a'\nkernel='k'\ndisk='/i,,xvda'\n",
        "t.cfg:3: disk must be a list: disk = [ 'SPEC', ... ]",
        "disk not a list");
    bad("name='a'\nkernel='k'\ndisk=[ '/i' ]\n",
        "t.cfg:3: disk '/i': no vdev (e.g. xvda)", "disk without vdev");
}

int main(void)
{
    good();
    bad("name='a'\nkernel='k'\nmemory = \"x\"\n",
        "t.cfg:3: memory must be a number, not 'x'", "memory as a string");
    bad("name='a'\nkernel='k'\nfoo = 1\n", "t.cfg:3: unknown key 'foo'",
        "an unknown key");
    bad("name='a'\nkernel = /boot/k\n", "t.cfg:2: expected a value, found '/'",
        "an unquoted path");
    bad("name=deb\n", "t.cfg:1: 'deb' is not a value: strings need quotes",
        "an unquoted word");
    bad("name='a\n", "t.cfg:1: unterminated string", "an open string");
    bad("name 'a'\n", "t.cfg:1: expected '=' after name", "no '='");
    bad("name='a' kernel='k'\n",
        "t.cfg:1: unexpected 'k' after the value of name", "two on a line");
    bad("kernel='k'\n", "t.cfg: no name = \"...\" given", "no name");
    bad("name='a'\n", "t.cfg: no kernel = \"...\" given", "no kernel");
    bad("name='a'\nkernel='k'\nvif=['mac=00:16:3e:0:0:1']\n",
        "t.cfg:3: vif 'mac=00:16:3e:0:0:1': malformed mac '00:16:3e:0:0:1' "
        "(want six hex bytes xx:xx:xx:xx:xx:xx)",
        "vif with a malformed mac");
    bad("name='a'\nkernel='k'\nvif=['bridge=xenbr0,colour=red']\n",
        "t.cfg:3: vif 'bridge=xenbr0,colour=red': unknown key 'colour'",
        "vif with an unknown key");
    bad("name='a'\nkernel='k'\nvif=['devid=1', '']\n",
        "t.cfg:3: vif devid 1 is given twice", "vif devid twice");
    bad("name='a'\nkernel='k'\nvif='bridge=xenbr0'\n",
        "t.cfg:3: vif must be a list: vif = [ 'SPEC', ... ]", "vif not a list");
    bad("name='a'\nkernel='k'\ntype='hvm'\n",
        "t.cfg:3: type \"hvm\" is not supported: only \"pv\"", "type hvm");
    bad("name='a'\nkernel='k'\non_crash='explode'\n",
        "t.cfg:3: on_crash 'explode' is not one of destroy, restart, "
        "preserve, rename-restart, coredump-destroy, coredump-restart, "
        "soft-reset",
        "a bad action");
    bad("name='a'\nkernel='k'\nvcpus=0\n", "t.cfg:3: vcpus must be at least 1",
        "zero vcpus");
    bad("name='a'\nkernel='k'\nmemory=256\nmaxmem=128\n",
        "t.cfg: maxmem (128) is below memory (256)", "maxmem below memory");
    bad("name='a'\nkernel='k'\nuuid='1234'\n",
        "t.cfg:3: uuid '1234' is not of the form "
        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
        "a bad uuid");
    bad("name='a'\nkernel='k'\ndisk=['a' 'b']\n",
        "t.cfg:3: expected ',' or ']' in a list", "a list without commas");
    bad("name='a'\nkernel='k'\nextra=\"\\q\"\n",
        "t.cfg:3: unknown escape \\q in a string", "a bad escape");
    bad("name='a'\nkernel='k'\nmemory=99999999999999999999\n",
        "t.cfg:3: memory must be a number, not '99999999999999999999'",
        "a number past 64 bits");
    return check_summary();
}
