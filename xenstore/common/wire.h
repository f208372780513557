/* SPDX-License-Identifier: GPL-2.0-only */
/* Includes Xen's xs_wire.h with what it needs (uint32_t, errno names). */
#ifndef XS_WIRE_WRAP_H
#define XS_WIRE_WRAP_H

#include <errno.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#endif
