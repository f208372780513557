/* SPDX-License-Identifier: GPL-2.0-only */
/* The Unix socket through which dom0's tools reach the daemon. */
#ifndef XSD_SOCK_H
#define XSD_SOCK_H

#define SOCK_RBUF 65536

/* Binds and listens at path (replacing a stale socket). */
int sock_listen(const char *path);
/* Accepts every pending client of the listening socket. */
void sock_accept(int lfd);

#endif
