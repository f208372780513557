/* SPDX-License-Identifier: GPL-2.0-only */
/* The on-disk database (tdb), behind a get/put/delete/iterate interface. */
#ifndef XSD_DB_H
#define XSD_DB_H

#include <stdbool.h>
#include <stddef.h>

struct db;

/* Opens or creates the file; sync makes each commit reach the disk. */
int db_open(struct db **out, const char *path, bool sync);
void db_close(struct db *db);

/* A NULL db accepts everything and stores nothing (unit tests). */
int db_begin(struct db *db);
int db_put(struct db *db, const char *key, const void *val, size_t len);
int db_delete(struct db *db, const char *key);
int db_commit(struct db *db);
void db_abort(struct db *db);

/* Calls fn for every record until it returns non-zero. */
int db_iterate(struct db *db,
               int (*fn)(const char *key, const void *val, size_t len,
                         void *arg),
               void *arg);
/* Bytes the database file occupies. */
long db_file_size(struct db *db);

#endif
