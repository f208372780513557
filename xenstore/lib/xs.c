/* SPDX-License-Identifier: GPL-2.0-only */
/* Xenia's xenstore client library: requests, replies and watch events. */
#include <errno.h> /* before xs_wire.h, for its table of error names */

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <xenia/xs.h>

#include "../common/wire.h"
#include "transport.h"

struct event {
    struct event *next;
    unsigned int len;
    char data[]; /* path NUL token NUL */
};

struct xs_handle {
    struct xs_transport *tp;
    uint32_t next_req;
    /* Bytes received but not yet framed into a message. */
    char *buf;
    size_t used, cap;
    struct event *ev_head, *ev_tail;
    int epfd;    /* xs_fileno: the transport plus the event pipe */
    int pipe[2]; /* holds a byte while events are queued */
};

const char *xs_daemon_socket(void)
{
    static char path[4096];
    const char *p = getenv("XENSTORED_PATH"), *d;

    if ( p && *p )
        return p;
    d = getenv("XENSTORED_RUNDIR");
    snprintf(path, sizeof(path), "%s/socket", d && *d ? d : "/run/xenstored");
    return path;
}

static struct xs_handle *wrap(struct xs_transport *tp)
{
    struct xs_handle *h;
    struct epoll_event ev;

    if ( !tp )
        return NULL;
    h = calloc(1, sizeof(*h));
    if ( !h || pipe2(h->pipe, O_CLOEXEC | O_NONBLOCK) )
        goto fail;
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    if ( h->epfd < 0 )
        goto fail_pipe;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    if ( epoll_ctl(h->epfd, EPOLL_CTL_ADD, tp->pollfd, &ev) ||
         epoll_ctl(h->epfd, EPOLL_CTL_ADD, h->pipe[0], &ev) )
        goto fail_ep;
    h->tp = tp;
    h->next_req = 1;
    return h;
fail_ep:
    close(h->epfd);
fail_pipe:
    close(h->pipe[0]);
    close(h->pipe[1]);
fail:
    free(h);
    tp->close(tp);
    errno = ENOMEM;
    return NULL;
}

struct xs_handle *xs_open_socket(const char *path)
{
    return wrap(xs_transport_socket(path));
}

struct xs_handle *xs_open(unsigned long flags)
{
    (void)flags;
    return xs_open_socket(xs_daemon_socket());
}

struct xs_handle *xs_open_ring(struct xenstore_domain_interface *intf,
                               void (*notify)(void *arg), int wait_fd,
                               void (*ack)(void *arg), void *arg)
{
    return wrap(xs_transport_ring(intf, notify, wait_fd, ack, arg, NULL));
}

struct xs_handle *xs_open_ring_cleanup(struct xenstore_domain_interface *intf,
                                       void (*notify)(void *), int wait_fd,
                                       void (*ack)(void *), void *arg,
                                       void (*cleanup)(void *))
{
    return wrap(xs_transport_ring(intf, notify, wait_fd, ack, arg, cleanup));
}

void xs_close(struct xs_handle *h)
{
    struct event *e, *n;

    if ( !h )
        return;
    for ( e = h->ev_head; e; e = n )
    {
        n = e->next;
        free(e);
    }
    close(h->epfd);
    close(h->pipe[0]);
    close(h->pipe[1]);
    h->tp->close(h->tp);
    free(h->buf);
    free(h);
}

int xs_fileno(struct xs_handle *h)
{
    return h->epfd;
}

static void queue_event(struct xs_handle *h, const char *data, unsigned int len)
{
    struct event *e = malloc(sizeof(*e) + len + 2);
    char c = 1;

    if ( !e )
        return;
    memcpy(e->data, data, len);
    e->data[len] = e->data[len + 1] = 0;
    e->len = len;
    e->next = NULL;
    if ( h->ev_tail )
        h->ev_tail->next = e;
    else
        h->ev_head = e;
    h->ev_tail = e;
    if ( write(h->pipe[1], &c, 1) < 0 )
        return; /* the pipe already says "readable" */
}

/*
 * Takes one complete message out of the buffer. Events are queued and
 * reported as type XS_WATCH_EVENT so callers can keep waiting.
 */
static int take_message(struct xs_handle *h, struct xsd_sockmsg *m, char **body)
{
    if ( h->used < sizeof(*m) )
        return 0;
    memcpy(m, h->buf, sizeof(*m));
    if ( m->len > XENSTORE_PAYLOAD_MAX )
        return -EBADMSG;
    if ( h->used < sizeof(*m) + m->len )
        return 0;
    *body = malloc(m->len + 1);
    if ( !*body )
        return -ENOMEM;
    memcpy(*body, h->buf + sizeof(*m), m->len);
    (*body)[m->len] = 0;
    h->used -= sizeof(*m) + m->len;
    memmove(h->buf, h->buf + sizeof(*m) + m->len, h->used);
    if ( m->type == XS_WATCH_EVENT )
    {
        queue_event(h, *body, m->len);
        free(*body);
        *body = NULL;
    }
    return 1;
}

static int fill(struct xs_handle *h, bool block)
{
    ssize_t n;

    if ( h->cap - h->used < 4096 )
    {
        char *nb = realloc(h->buf, h->cap + 8192);

        if ( !nb )
            return -ENOMEM;
        h->buf = nb;
        h->cap += 8192;
    }
    n = h->tp->recv(h->tp, h->buf + h->used, h->cap - h->used, block);
    if ( n < 0 )
        return (int)n;
    h->used += (size_t)n;
    return (int)n;
}

static int errno_of(const char *name)
{
    size_t i;

    for ( i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++ )
        if ( !strcmp(name, xsd_errors[i].errstring) )
            return xsd_errors[i].errnum;
    return EINVAL;
}

/* Sends one request made of iov strings and waits for its reply. */
/*
 * Events that came in the same read as a reply: queue them now, or
 * xs_fileno would not show them (the transport has nothing left to read
 * and the event pipe is still empty), and a client polling it, as Xen's
 * clients do, would wait for an event that has already arrived.
 */
static void queue_buffered_events(struct xs_handle *h)
{
    struct xsd_sockmsg m;
    char *body;

    while ( h->used >= sizeof(m) )
    {
        memcpy(&m, h->buf, sizeof(m));
        if ( m.type != XS_WATCH_EVENT || take_message(h, &m, &body) <= 0 )
            return;
    }
}

/* Sends one request made of iov strings; its req_id is *req_id. */
static int send_request(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                        const void *const *iov, const unsigned int *iovlen,
                        unsigned int n, uint32_t *req_id)
{
    struct xsd_sockmsg m = {type, h->next_req++, t, 0};
    char buf[sizeof(m) + XENSTORE_PAYLOAD_MAX];
    unsigned int i, off = sizeof(m);

    for ( i = 0; i < n; i++ )
    {
        if ( off + iovlen[i] > sizeof(buf) )
            return -E2BIG;
        memcpy(buf + off, iov[i], iovlen[i]);
        off += iovlen[i];
    }
    m.len = off - (unsigned int)sizeof(m);
    memcpy(buf, &m, sizeof(m));
    *req_id = m.req_id;
    return h->tp->send(h->tp, buf, off);
}

/* Waits for the reply to request req_id of this type: its body, or NULL. */
static char *take_reply(struct xs_handle *h, uint32_t type, uint32_t req_id,
                        unsigned int *len)
{
    char *body = NULL;
    int rc = 0;

    while ( !rc )
    {
        struct xsd_sockmsg r;

        rc = take_message(h, &r, &body);
        if ( rc < 0 )
            break;
        if ( rc == 0 )
        {
            rc = fill(h, true);
            rc = rc < 0 ? rc : 0;
            continue;
        }
        rc = 0;
        if ( r.type == XS_WATCH_EVENT )
            continue;
        queue_buffered_events(h);
        if ( r.type == XS_ERROR )
        {
            errno = errno_of(body);
            free(body);
            return NULL;
        }
        if ( r.type != type || r.req_id != req_id )
        {
            free(body);
            errno = EBADMSG;
            return NULL;
        }
        if ( len )
            *len = r.len;
        return body;
    }
    errno = -rc;
    return NULL;
}

static char *talk(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                  const void *const *iov, const unsigned int *iovlen,
                  unsigned int n, unsigned int *len)
{
    uint32_t req_id;
    int rc = send_request(h, t, type, iov, iovlen, n, &req_id);

    if ( rc )
    {
        errno = -rc;
        return NULL;
    }
    return take_reply(h, type, req_id, len);
}

static char *talk1(struct xs_handle *h, xs_transaction_t t, uint32_t type,
                   const char *arg, unsigned int *len)
{
    const void *iov[1] = {arg};
    unsigned int l[1] = {(unsigned int)strlen(arg) + 1};

    return talk(h, t, type, iov, l, 1, len);
}

static bool talk_ok(char *reply)
{
    free(reply);
    return reply != NULL;
}

char *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
              unsigned int *len)
{
    return talk1(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
              const void *data, unsigned int len)
{
    const void *iov[2] = {path, data};
    unsigned int l[2] = {(unsigned int)strlen(path) + 1, len};

    return talk_ok(talk(h, t, XS_WRITE, iov, l, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return talk_ok(talk1(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return talk_ok(talk1(h, t, XS_RM, path, NULL));
}

/* Turns NUL-separated strings into one malloc'd vector. */
static char **split(char *strings, unsigned int len, unsigned int *num)
{
    unsigned int n = 0, i;
    char **v, *p;

    for ( i = 0; i < len; i++ )
        if ( !strings[i] )
            n++;
    v = malloc((n + 1) * sizeof(char *) + len);
    if ( !v )
    {
        free(strings);
        errno = ENOMEM;
        return NULL;
    }
    p = (char *)(v + n + 1);
    memcpy(p, strings, len);
    free(strings);
    for ( i = 0; i < n; i++ )
    {
        v[i] = p;
        p += strlen(p) + 1;
    }
    v[n] = NULL;
    *num = n;
    return v;
}

/* DIRECTORY_PART, for children lists beyond the payload limit. */
static char *directory_parts(struct xs_handle *h, xs_transaction_t t,
                             const char *path, unsigned int *len)
{
    char off[16], *all = NULL, gen[24] = "";
    unsigned int total = 0;

    for ( ;; )
    {
        const void *iov[2] = {path, off};
        unsigned int l[2], rl, gl;
        char *r, *na;

        snprintf(off, sizeof(off), "%u", total);
        l[0] = (unsigned int)strlen(path) + 1;
        l[1] = (unsigned int)strlen(off) + 1;
        r = talk(h, t, XS_DIRECTORY_PART, iov, l, 2, &rl);
        if ( !r )
            break;
        gl = (unsigned int)strnlen(r, rl) + 1;
        /* The node changed between two parts: start over. */
        if ( gl > rl || gl > sizeof(gen) || (gen[0] && strcmp(gen, r)) )
        {
            free(r);
            free(all);
            all = NULL;
            total = 0;
            gen[0] = 0;
            continue;
        }
        memcpy(gen, r, gl);
        na = realloc(all, total + rl - gl + 1);
        if ( !na )
        {
            free(r);
            break;
        }
        all = na;
        memcpy(all + total, r + gl, rl - gl);
        free(r);
        /* An empty name (a second NUL in a row) ends the list. */
        if ( rl - gl >= 1 && all[total + rl - gl - 1] == 0 &&
             (rl - gl == 1 || all[total + rl - gl - 2] == 0) )
        {
            *len = total + rl - gl - 1;
            return all;
        }
        total += rl - gl;
    }
    free(all);
    return NULL;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path,
                    unsigned int *num)
{
    unsigned int len;
    char *r = talk1(h, t, XS_DIRECTORY, path, &len);

    if ( !r && errno == E2BIG )
        r = directory_parts(h, t, path, &len);
    return r ? split(r, len, num) : NULL;
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t, const char *path,
                                          unsigned int *num)
{
    unsigned int len, n = 0, i;
    char *r = talk1(h, t, XS_GET_PERMS, path, &len);
    struct xs_permissions *p;

    if ( !r )
        return NULL;
    for ( i = 0; i < len; i++ )
        if ( !r[i] )
            n++;
    p = malloc((n ? n : 1) * sizeof(*p));
    if ( !p || !xs_strings_to_perms(p, n, r) )
    {
        free(p);
        free(r);
        errno = EINVAL;
        return NULL;
    }
    free(r);
    *num = n;
    return p;
}

/* SET_PERMS's payload after the path: the entries as strings; 0 or -E2BIG. */
static int perms_payload(const struct xs_permissions *perms, unsigned int num,
                         char buf[XENSTORE_PAYLOAD_MAX], unsigned int *len)
{
    unsigned int off = 0, i;

    for ( i = 0; i < num; i++ )
    {
        if ( off + 16 > XENSTORE_PAYLOAD_MAX ||
             !xs_perm_to_string(&perms[i], buf + off, 16) )
            return -E2BIG;
        off += (unsigned int)strlen(buf + off) + 1;
    }
    *len = off;
    return 0;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    const void *iov[2] = {path, buf};
    unsigned int l[2] = {(unsigned int)strlen(path) + 1, 0};

    if ( perms_payload(perms, num, buf, &l[1]) )
    {
        errno = E2BIG;
        return false;
    }
    return talk_ok(talk(h, t, XS_SET_PERMS, iov, l, 2, NULL));
}

/*
 * Requests in flight at once. Replies to writes and SET_PERMS are a few
 * bytes: this many fit a guest's 1 KiB response ring with room to spare
 * under the daemon's outstanding-reply quota, so neither side can stall
 * waiting for the other.
 */
#define BATCH_WINDOW 32

static int send_batch_op(struct xs_handle *h, xs_transaction_t t,
                         const struct xs_batch_op *op, uint32_t *type,
                         uint32_t *req_id)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    const void *iov[2] = {op->path, op->perms ? buf : op->data};
    unsigned int l[2] = {(unsigned int)strlen(op->path) + 1, op->len};
    int rc;

    *type = op->perms ? XS_SET_PERMS : XS_WRITE;
    if ( op->perms && (rc = perms_payload(op->perms, op->nperms, buf, &l[1])) )
        return rc;
    return send_request(h, t, *type, iov, l, 2, req_id);
}

bool xs_batch(struct xs_handle *h, xs_transaction_t t,
              const struct xs_batch_op *ops, unsigned int n,
              unsigned int *failed)
{
    uint32_t type[BATCH_WINDOW], req_id[BATCH_WINDOW];
    unsigned int first, k, sent;
    int err = 0;

    for ( first = 0; first < n; first += sent )
    {
        int rc = 0;

        for ( sent = 0; sent < BATCH_WINDOW && first + sent < n; sent++ )
            if ( (rc = send_batch_op(h, t, &ops[first + sent], &type[sent],
                                     &req_id[sent])) )
                break;
        /* Every reply to what went out is taken, or the next talk would
         * read them as its own. */
        for ( k = 0; k < sent; k++ )
        {
            char *r = take_reply(h, type[k], req_id[k], NULL);

            if ( r )
            {
                free(r);
                continue;
            }
            if ( !err )
            {
                err = errno;
                *failed = first + k;
            }
            if ( errno == EBADMSG || errno == EPIPE || errno == ECONNRESET )
                break; /* out of step with the daemon, or it is gone */
        }
        if ( !err && rc )
        {
            err = -rc;
            *failed = first + sent;
        }
        if ( err )
        {
            errno = err;
            return false;
        }
    }
    return true;
}

static bool watch_op(struct xs_handle *h, uint32_t type, const char *path,
                     const char *token)
{
    const void *iov[2] = {path, token};
    unsigned int l[2] = {(unsigned int)strlen(path) + 1,
                         (unsigned int)strlen(token) + 1};

    return talk_ok(talk(h, XBT_NULL, type, iov, l, 2, NULL));
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    return watch_op(h, XS_WATCH, path, token);
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    return watch_op(h, XS_UNWATCH, path, token);
}

bool xs_reset_watches(struct xs_handle *h)
{
    return talk_ok(talk1(h, XBT_NULL, XS_RESET_WATCHES, "", NULL));
}

static char **pop_event(struct xs_handle *h, unsigned int *num)
{
    struct event *e = h->ev_head;
    char **v, c;

    if ( !e )
        return NULL;
    h->ev_head = e->next;
    if ( !h->ev_head )
    {
        h->ev_tail = NULL;
        while ( read(h->pipe[0], &c, 1) > 0 )
            ;
    }
    v = malloc(3 * sizeof(char *) + e->len + 2);
    if ( !v )
    {
        free(e);
        errno = ENOMEM;
        return NULL;
    }
    memcpy(v + 3, e->data, e->len + 2);
    v[XS_WATCH_PATH] = (char *)(v + 3);
    v[XS_WATCH_TOKEN] = v[0] + strlen(v[0]) + 1;
    v[2] = NULL;
    if ( num )
        *num = 2;
    free(e);
    return v;
}

/* Frames whatever has arrived; events land in the queue. */
static int frame_all(struct xs_handle *h)
{
    struct xsd_sockmsg m;
    char *body;
    int rc;

    while ( (rc = take_message(h, &m, &body)) > 0 )
        free(body); /* a reply nobody waits for: dropped */
    return rc;
}

static int absorb(struct xs_handle *h, bool block)
{
    int rc = frame_all(h);

    /* Bytes that came in with an earlier reply may hold events. */
    if ( rc < 0 || h->ev_head )
        return rc;
    rc = fill(h, block);
    return rc < 0 ? rc : frame_all(h);
}

char **xs_check_watch(struct xs_handle *h)
{
    int rc;

    if ( !h->ev_head )
    {
        if ( h->tp->drain )
            h->tp->drain(h->tp);
        rc = absorb(h, false);
        if ( rc < 0 )
        {
            errno = -rc;
            return NULL;
        }
    }
    if ( !h->ev_head )
    {
        errno = EAGAIN;
        return NULL;
    }
    return pop_event(h, NULL);
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    while ( !h->ev_head )
    {
        int rc = absorb(h, true);

        if ( rc < 0 )
        {
            errno = -rc;
            return NULL;
        }
    }
    return pop_event(h, num);
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *r = talk1(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    xs_transaction_t t;

    if ( !r )
        return XBT_NULL;
    t = (xs_transaction_t)strtoul(r, NULL, 10);
    free(r);
    return t;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t, bool abort)
{
    return talk_ok(talk1(h, t, XS_TRANSACTION_END, abort ? "F" : "T", NULL));
}

static char *domid_talk(struct xs_handle *h, uint32_t type, unsigned int domid)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", domid);
    return talk1(h, XBT_NULL, type, buf, NULL);
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    char d[16], m[24], e[16];
    const void *iov[3] = {d, m, e};
    unsigned int l[3];

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(e, sizeof(e), "%u", eventchn);
    l[0] = (unsigned int)strlen(d) + 1;
    l[1] = (unsigned int)strlen(m) + 1;
    l[2] = (unsigned int)strlen(e) + 1;
    return talk_ok(talk(h, XBT_NULL, XS_INTRODUCE, iov, l, 3, NULL));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return talk_ok(domid_talk(h, XS_RELEASE, domid));
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return talk_ok(domid_talk(h, XS_RESUME, domid));
}

bool xs_set_target(struct xs_handle *h, unsigned int domid, unsigned int target)
{
    char d[16], t[16];
    const void *iov[2] = {d, t};
    unsigned int l[2];

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(t, sizeof(t), "%u", target);
    l[0] = (unsigned int)strlen(d) + 1;
    l[1] = (unsigned int)strlen(t) + 1;
    return talk_ok(talk(h, XBT_NULL, XS_SET_TARGET, iov, l, 2, NULL));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    return domid_talk(h, XS_GET_DOMAIN_PATH, domid);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char *r = domid_talk(h, XS_IS_DOMAIN_INTRODUCED, domid);
    bool yes = r && !strcmp(r, "T");

    free(r);
    return yes;
}

char *xs_control(struct xs_handle *h, const char *const *args,
                 unsigned int nargs)
{
    const void *iov[16];
    unsigned int l[16], i;

    if ( nargs > 16 || !nargs )
    {
        errno = EINVAL;
        return NULL;
    }
    for ( i = 0; i < nargs; i++ )
    {
        iov[i] = args[i];
        l[i] = (unsigned int)strlen(args[i]) + 1;
    }
    return talk(h, XBT_NULL, XS_CONTROL, iov, l, nargs, NULL);
}

bool xs_perm_to_string(const struct xs_permissions *p, char *buf,
                       unsigned int len)
{
    static const char letters[] = "nrwb";

    return snprintf(buf, len, "%c%u", letters[p->perms & 3u], p->id) < (int)len;
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings)
{
    const char *p = strings;
    unsigned int i;

    for ( i = 0; i < num; i++, p += strlen(p) + 1 )
    {
        char *end;

        switch ( *p )
        {
        case 'n':
            perms[i].perms = XS_PERM_NONE;
            break;
        case 'r':
            perms[i].perms = XS_PERM_READ;
            break;
        case 'w':
            perms[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            perms[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        default:
            errno = EINVAL;
            return false;
        }
        if ( !p[1] )
        {
            errno = EINVAL;
            return false;
        }
        perms[i].id = (unsigned int)strtoul(p + 1, &end, 10);
        if ( *end )
        {
            errno = EINVAL;
            return false;
        }
    }
    return true;
}
