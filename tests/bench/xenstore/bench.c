/* SPDX-License-Identifier: GPL-2.0-only */
/* Load generator for xenstored: rates, latency, memory; and the raw
 * Unix-socket round trip the read rate is measured against. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenia/xs.h>

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct xs_handle *open_or_die(void)
{
    struct xs_handle *h = xs_open(0);

    if ( !h )
    {
        perror("xs_open");
        exit(1);
    }
    return h;
}

/* An echo peer that answers each 16+N byte request with 16+N bytes. */
static void *echo_peer(void *arg)
{
    int fd = *(int *)arg;
    char buf[4096 + 16];

    for ( ;; )
    {
        ssize_t n = read(fd, buf, sizeof(buf));

        if ( n <= 0 || write(fd, buf, (size_t)n) != n )
            return NULL;
    }
}

static double bare_rtt_rate(double secs)
{
    int sv[2];
    pthread_t th;
    char msg[16 + 10] = {0}, in[sizeof(msg)];
    long n = 0;
    double t0, t;

    if ( socketpair(AF_UNIX, SOCK_STREAM, 0, sv) )
        return 0;
    pthread_create(&th, NULL, echo_peer, &sv[1]);
    t0 = now();
    do
    {
        int i;

        for ( i = 0; i < 1000; i++ )
            if ( write(sv[0], msg, sizeof(msg)) != (ssize_t)sizeof(msg) ||
                 read(sv[0], in, sizeof(in)) != (ssize_t)sizeof(in) )
                return 0;
        n += 1000;
        t = now();
    } while ( t - t0 < secs );
    close(sv[0]);
    pthread_join(th, NULL);
    close(sv[1]);
    return (double)n / (t - t0);
}

static double read_rate(struct xs_handle *h, double secs)
{
    long n = 0;
    double t0 = now(), t;

    xs_write(h, XBT_NULL, "/bench/r", "0123456789", 10);
    do
    {
        int i;

        for ( i = 0; i < 1000; i++ )
            free(xs_read(h, XBT_NULL, "/bench/r", NULL));
        n += 1000;
        t = now();
    } while ( t - t0 < secs );
    return (double)n / (t - t0);
}

static double write_rate(struct xs_handle *h, double secs)
{
    long n = 0;
    double t0 = now(), t;
    char path[64];

    do
    {
        int i;

        for ( i = 0; i < 200; i++ )
        {
            snprintf(path, sizeof(path), "/bench/w/k%ld", (n + i) % 1000);
            xs_write(h, XBT_NULL, path, "value", 5);
        }
        n += 200;
        t = now();
    } while ( t - t0 < secs );
    return (double)n / (t - t0);
}

/* N processes each commit read-modify-write transactions on own keys. */
static void tx_rate(int clients, double secs, bool shared)
{
    int pfd[2], c;
    long commits = 0, retries = 0;
    double t0 = now();

    if ( pipe(pfd) )
        return;
    for ( c = 0; c < clients; c++ )
        if ( fork() == 0 )
        {
            struct xs_handle *h = open_or_die();
            char path[64];
            long r[2] = {0, 0};

            snprintf(path, sizeof(path), "/bench/tx/%s%d",
                     shared ? "shared" : "c", shared ? 0 : c);
            xs_write(h, XBT_NULL, path, "0", 1);
            while ( now() - t0 < secs )
            {
                xs_transaction_t t = xs_transaction_start(h);
                char *v = xs_read(h, t, path, NULL), buf[32];

                snprintf(buf, sizeof(buf), "%ld", v ? atol(v) + 1 : 0);
                free(v);
                xs_write(h, t, path, buf, (unsigned int)strlen(buf));
                if ( xs_transaction_end(h, t, false) )
                    r[0]++;
                else if ( errno == EAGAIN )
                    r[1]++;
            }
            if ( write(pfd[1], r, sizeof(r)) < 0 )
                _exit(1);
            _exit(0);
        }
    close(pfd[1]);
    for ( c = 0; c < clients; c++ )
    {
        long r[2];

        if ( read(pfd[0], r, sizeof(r)) == sizeof(r) )
        {
            commits += r[0];
            retries += r[1];
        }
        wait(NULL);
    }
    close(pfd[0]);
    printf("transaction commits, %d client%s%s: %.0f/s (%ld EAGAIN)\n", clients,
           clients > 1 ? "s" : "", shared ? " on one key" : "",
           (double)commits / (now() - t0), retries);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void watch_latency(int rounds)
{
    struct xs_handle *w = open_or_die(), *h = open_or_die();
    double *lat = calloc((size_t)rounds, sizeof(double));
    unsigned int n;
    char **v;
    int i;

    xs_watch(w, "/bench/lat", "tok");
    free(xs_read_watch(w, &n)); /* the initial event */
    for ( i = 0; i < rounds; i++ )
    {
        double t0 = now();

        xs_write(h, XBT_NULL, "/bench/lat", "x", 1);
        v = xs_read_watch(w, &n);
        lat[i] = now() - t0;
        free(v);
    }
    qsort(lat, (size_t)rounds, sizeof(double), cmp_d);
    printf("watch event latency (write sent to event received): "
           "median %.1f us, p99 %.1f us\n",
           lat[rounds / 2] * 1e6, lat[rounds * 99 / 100] * 1e6);
    free(lat);
    xs_close(w);
    xs_close(h);
}

static long status_kib(int pid, const char *field)
{
    char path[64], line[256];
    long v = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    f = fopen(path, "r");
    if ( !f )
        return -1;
    while ( fgets(line, sizeof(line), f) )
        if ( !strncmp(line, field, strlen(field)) )
            v = strtol(line + strlen(field), NULL, 10);
    fclose(f);
    return v;
}

static void memory_100k(int pid)
{
    struct xs_handle *h = open_or_die();
    char path[64], val[32];
    double t0 = now();
    int i;

    for ( i = 0; i < 100000; i++ )
    {
        snprintf(path, sizeof(path), "/bench/mem/d%03d/key%04d", i / 1000,
                 i % 1000);
        snprintf(val, sizeof(val), "value-%d", i);
        if ( !xs_write(h, XBT_NULL, path, val, (unsigned int)strlen(val)) )
        {
            perror(path);
            break;
        }
    }
    printf("100k nodes written in %.1f s; daemon RSS %ld KiB, peak %ld KiB "
           "(%.1f MiB)\n",
           now() - t0, status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"),
           (double)status_kib(pid, "VmHWM:") / 1024);
    xs_close(h);
}

int main(int argc, char **argv)
{
    struct xs_handle *h;
    double bare, rr, secs = argc > 2 ? atof(argv[2]) : 3;
    int pid = argc > 1 ? atoi(argv[1]) : 0;

    h = open_or_die();
    bare = bare_rtt_rate(secs);
    rr = read_rate(h, secs);
    printf("bare Unix-socket round trip: %.0f/s\n", bare);
    printf("single-client read: %.0f/s = %.2f of the bare round trip\n", rr,
           rr / bare);
    printf("single-client write: %.0f/s\n", write_rate(h, secs));
    xs_close(h);
    tx_rate(1, secs, false);
    tx_rate(4, secs, false);
    tx_rate(4, secs, true);
    watch_latency(20000);
    if ( pid )
        memory_100k(pid);
    return 0;
}
