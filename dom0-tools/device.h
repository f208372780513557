/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The xenstore side of a split PV device (vbd, vif, ...), done the way
 * libxl does it: frontend directory /local/domain/D/device/KIND/N owned by
 * the guest D with read for the backend domain B, backend directory
 * /local/domain/B/backend/KIND/D/N owned by B with read for D, and the
 * toolstack's record /libxl/D/device/KIND/N (frontend, backend) that only
 * Dom0 sees.  The toolstack's record is what listing trusts: the guest can
 * write anything under its own device/ directory.
 */
#ifndef DOM0_TOOLS_DEVICE_H
#define DOM0_TOOLS_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenia/xs.h>

/* XenbusState values (xen/io/xenbus.h), named for what device.c needs. */
enum {
    DEV_STATE_GONE = 0, /* the state key is absent */
    DEV_STATE_INITIALISING = 1,
    DEV_STATE_INITWAIT = 2,
    DEV_STATE_CONNECTED = 4,
    DEV_STATE_CLOSING = 5,
    DEV_STATE_CLOSED = 6,
};

/* libxl's LIBXL_DESTROY_TIMEOUT and LIBXL_INIT_TIMEOUT: 10 s. */
#define DEV_TIMEOUT_MS 10000

struct device {
    const char *kind;  /* "vbd", "vif": the xenstore directory name */
    uint32_t domid;    /* frontend domain */
    uint32_t backend;  /* backend domain, 0 for Dom0 */
    unsigned int devid;
};

/* A key written relative to the FE or BE directory. */
struct dev_kv {
    const char *key;
    const char *val;
};

/* The three directories of a device; buffers of DEV_PATH_MAX. */
#define DEV_PATH_MAX 128
void device_fe_path(const struct device *d, char *buf);
void device_be_path(const struct device *d, char *buf);
void device_rec_path(const struct device *d, char *buf);

/*
 * Writes FE and BE in one transaction (retried on EAGAIN): the caller's
 * keys plus backend, backend-id, state=1 in FE and frontend, frontend-id,
 * online=1, state=1 in BE, and the toolstack record.  Fails with errno
 * EEXIST if the FE or BE directory already exists.  0 or -1 with errno.
 */
int device_add(struct xs_handle *xs, const struct device *d,
               const struct dev_kv *fe, size_t nfe,
               const struct dev_kv *be, size_t nbe);

/* The integer at path, DEV_STATE_GONE if absent, -1 if not a number. */
int device_read_state(struct xs_handle *xs, const char *path);
/*
 * Waits until the integer at path equals want (or, if want is
 * DEV_STATE_GONE, the node is absent), by a watch on path, for at most
 * timeout_ms.  Returns the last state seen when it matched; -1 with errno
 * ETIMEDOUT otherwise.
 */
int device_wait_state(struct xs_handle *xs, const char *path, int want,
                      int timeout_ms);

/* Reads BE/key; malloc'd string or NULL. */
char *device_be_read(struct xs_handle *xs, const struct device *d,
                     const char *key);

/*
 * Orderly removal: BE online=0 and (unless already 6) state=5 in one
 * transaction, then a wait of up to timeout_ms for BE state 6 or for the
 * backend to drop the device, then all three directories go.  If the wait
 * times out it falls back to device_destroy.  Returns 0 if the backend
 * closed in time, 1 if it had to be forced, -1 with errno on an error.
 */
int device_remove(struct xs_handle *xs, const struct device *d,
                  int timeout_ms);
/*
 * Forced removal (xl destroy): FE first, so a backend watching it sees
 * state 0 and lets go, then the toolstack record and BE.  Empty parents
 * (backend/KIND/D, device/KIND) are removed too.
 */
int device_destroy(struct xs_handle *xs, const struct device *d);

/*
 * The devids of domid's devices of kind, from the toolstack records, sorted
 * ascending, in a malloc'd array (*ids, NULL when none).  Returns the count
 * or -1 with errno.
 */
int device_list(struct xs_handle *xs, uint32_t domid, const char *kind,
                unsigned int **ids);

/*
 * The next free devid of kind in domid (libxl's libxl__device_nextid: one
 * more than the largest in use, 0 when none), over both the FE directory
 * and the toolstack records.  -1 with errno on error.
 */
int device_next_devid(struct xs_handle *xs, uint32_t domid, const char *kind);

#endif
