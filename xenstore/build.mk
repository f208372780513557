# SPDX-License-Identifier: GPL-2.0-only
# xenstore's sources, flags and object rules, shared by xenstore/Makefile
# and tests/xenstore/Makefile (the tests link the same sanitizer objects).
XS      := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD   ?= $(abspath $(XS)/..)/build
OBJ     := $(BUILD)/xenstore-obj
ASAN    := $(BUILD)/xenstore-asan
CC      ?= cc
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -D_GNU_SOURCE
CFLAGS  ?= -O2 -g
SANFL   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
INC     := -I$(XS)/include

COMMON  := common/hmap.c common/xalloc.c common/permstr.c common/ringbuf.c
# Everything of the daemon but main.c, so tests can link the same code.
DCORE   := daemon/tree.c daemon/perms.c daemon/transaction.c daemon/ops.c \
           daemon/watch.c daemon/quota.c daemon/db.c daemon/state.c \
           daemon/log.c daemon/conn.c daemon/proto.c daemon/domain.c \
           daemon/ring.c daemon/hostring.c daemon/control.c daemon/sock.c
LIBSRC  := lib/xs.c lib/transport.c lib/hostguest.c
CLISRC  := cli/main.c cli/escape.c cli/ls.c
HDRS    := $(wildcard $(addprefix $(XS)/,common/*.h daemon/*.h lib/*.h \
                                       cli/*.h include/xenia/*.h))

$(OBJ)/%.o: $(XS)/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(INC) -c -o $@ $<

$(ASAN)/obj/%.o: $(XS)/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(SANFL) $(INC) -c -o $@ $<

ASAN_CORE   := $(patsubst %.c,$(ASAN)/obj/%.o,$(DCORE) $(COMMON))
ASAN_LIB    := $(patsubst %.c,$(ASAN)/obj/%.o,$(LIBSRC))
ASAN_COMMON := $(patsubst %.c,$(ASAN)/obj/%.o,$(COMMON))
