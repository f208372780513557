/* SPDX-License-Identifier: GPL-2.0-only */
/* Xenia's xenstore client library: the public interface. */
#ifndef XENIA_XS_H
#define XENIA_XS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/io/xs_wire.h> /* Debian libxen-dev: the wire protocol */

/*
 * The shape follows Xen's libxenstore: calls return NULL or false and
 * set errno (the daemon's error names mapped back to errno values).
 * Strings returned are malloc'd; vectors are one allocation, free() it.
 * A handle is not thread-safe.
 */

#define XS_OPEN_SOCKETONLY 1UL

typedef uint32_t xs_transaction_t;
#define XBT_NULL ((xs_transaction_t)0)

#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u

struct xs_permissions {
    unsigned int id;
    unsigned int perms;
};

/* A watch event's strings are indexed by XS_WATCH_PATH, XS_WATCH_TOKEN. */

struct xs_handle;

/* The socket named by XENSTORED_PATH, else $XENSTORED_RUNDIR/socket. */
struct xs_handle *xs_open(unsigned long flags);
struct xs_handle *xs_open_socket(const char *path);
/* A guest's connection over its ring page and event channel. */
struct xs_handle *xs_open_ring(struct xenstore_domain_interface *intf,
                               void (*notify)(void *arg), int wait_fd,
                               void (*ack)(void *arg), void *arg);
/*
 * A guest on this host: creates DIR/N.page, N.up and N.down for the
 * daemon's --ring-dir backend (then INTRODUCE domain N), and connects.
 */
struct xs_handle *xs_open_hostring(const char *dir, unsigned int domid);
int xs_hostring_prepare(const char *dir, unsigned int domid);
void xs_close(struct xs_handle *h);
const char *xs_daemon_socket(void);

char *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len);
bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len);
bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path);
bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path);
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
                    unsigned int *num);
struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t, const char *path,
                                          unsigned int *num);
bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num);

/*
 * One request of a batch: WRITE of data (len bytes) to path, or, with
 * perms, SET_PERMS of nperms entries on it.
 */
struct xs_batch_op {
    const char *path;
    const void *data;
    unsigned int len;
    const struct xs_permissions *perms;
    unsigned int nperms;
};
/*
 * Sends the requests without waiting for each reply (a few dozen at a
 * time), then takes the replies: for a toolstack writing a domain's
 * dozens of nodes, one round trip through the daemon instead of one per
 * node. Requests already sent are carried out even if an earlier one
 * fails, so batch inside a transaction and abort it on failure. False
 * with errno of the first failure and *failed its index.
 */
bool xs_batch(struct xs_handle *h, xs_transaction_t t,
              const struct xs_batch_op *ops, unsigned int n,
              unsigned int *failed);

bool xs_watch(struct xs_handle *h, const char *path, const char *token);
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token);
bool xs_reset_watches(struct xs_handle *h);
/* Readable whenever a watch event may be waiting. */
int xs_fileno(struct xs_handle *h);
/* Blocks for the next event: vector of path and token, *num = 2. */
char **xs_read_watch(struct xs_handle *h, unsigned int *num);
/* The next event if one has arrived, else NULL with errno EAGAIN. */
char **xs_check_watch(struct xs_handle *h);

xs_transaction_t xs_transaction_start(struct xs_handle *h);
/* abort=false commits; false with errno EAGAIN means: retry it all. */
bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort);

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn);
bool xs_release_domain(struct xs_handle *h, unsigned int domid);
bool xs_resume_domain(struct xs_handle *h, unsigned int domid);
bool xs_set_target(struct xs_handle *h, unsigned int domid,
                   unsigned int target);
char *xs_get_domain_path(struct xs_handle *h, unsigned int domid);
bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid);
/* CONTROL: args are the command and its parameters; returns the reply. */
char *xs_control(struct xs_handle *h, const char *const *args,
                 unsigned int nargs);

/* "r5" <-> {5, XS_PERM_READ}. */
bool xs_perm_to_string(const struct xs_permissions *p, char *buf,
                       unsigned int len);
bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings);

#endif
