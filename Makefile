# SPDX-License-Identifier: GPL-2.0-only
# Top-level build: configuration, hypervisor image, host tools, tests.
#
#   make                 build everything (runs defconfig when no .config)
#   make defconfig | menuconfig | olddefconfig
#   make iso             GRUB2 rescue ISO: DOM0_KERNEL=... DOM0_INITRD=...
#   make test            host unit tests (ASan/UBSan) and QEMU boot tests
#   make run             boot Xenia in QEMU (TCG) on the serial console
#   make install         xl, xenia-consoled, their man pages (DESTDIR, PREFIX)
#   make guest-kernel    lean PV guest Linux in build/guest-kernel/
#                        (guest-linux-patches/README.md)
#   make guest-kernel-run  boot it as Xenia's Dom0 in QEMU, with a shell

BUILD   := $(CURDIR)/build
KCONFIG := kconfig-conf
export BUILD

all: hypervisor xenstore libhcall dom0-tools

# --- configuration -------------------------------------------------------
# kconfig-frontends writes include/config/ relative to its working
# directory, so it runs inside build/kconfig.
KC_DIR  := $(BUILD)/kconfig
KC_ENV  := srctree=$(CURDIR) KCONFIG_CONFIG=$(CURDIR)/.config \
           KCONFIG_AUTOHEADER=$(BUILD)/include/generated/autoconf.h \
           KCONFIG_AUTOCONFIG=$(KC_DIR)/auto.conf \
           KCONFIG_TRISTATE=$(KC_DIR)/tristate.conf
KCONFIG_FILES := Kconfig $(shell find hypervisor -name Kconfig)

.config:
	@echo "  no .config: using defaults (make defconfig)"
	$(MAKE) -s defconfig

defconfig:
	@mkdir -p $(KC_DIR) $(BUILD)/include/generated
	cd $(KC_DIR) && $(KC_ENV) $(KCONFIG) --alldefconfig $(CURDIR)/Kconfig

olddefconfig:
	@mkdir -p $(KC_DIR)
	cd $(KC_DIR) && $(KC_ENV) $(KCONFIG) --olddefconfig $(CURDIR)/Kconfig

menuconfig:
	@mkdir -p $(KC_DIR)
	cd $(KC_DIR) && $(KC_ENV) kconfig-mconf $(CURDIR)/Kconfig

$(BUILD)/include/generated/autoconf.h: .config $(KCONFIG_FILES)
	@mkdir -p $(KC_DIR)/include/config $(BUILD)/include/generated
	cd $(KC_DIR) && $(KC_ENV) $(KCONFIG) --silentoldconfig $(CURDIR)/Kconfig
	@touch $@

config: $(BUILD)/include/generated/autoconf.h

# --- components ----------------------------------------------------------
hypervisor: config
	$(MAKE) -C hypervisor

xenstore:
	@if [ -f xenstore/Makefile ]; then $(MAKE) -C xenstore; fi

libhcall:
	$(MAKE) -C libhcall

dom0-tools: libhcall
	$(MAKE) -C dom0-tools

iso: hypervisor
	scripts/mkiso.sh

test: all
	tests/run

run: hypervisor
	scripts/run-qemu.sh

guest-kernel:
	scripts/guest-kernel.sh

guest-kernel-run: hypervisor guest-kernel
	tests/guest-kernel/run shell

install: dom0-tools
	$(MAKE) -C dom0-tools install

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -f .config .config.old

.PHONY: all config defconfig olddefconfig menuconfig hypervisor xenstore \
        libhcall dom0-tools \
        iso test run install clean distclean guest-kernel guest-kernel-run
