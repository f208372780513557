/* SPDX-License-Identifier: GPL-2.0-only */
/* The on-disk database (tdb), behind a get/put/delete/iterate interface. */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tdb.h>

#include "../common/xalloc.h"

struct db {
    struct tdb_context *tdb;
    char *path;
};

static TDB_DATA key_of(const char *key)
{
    TDB_DATA k;

    k.dptr = (unsigned char *)key;
    k.dsize = strlen(key);
    return k;
}

int db_open(struct db **out, const char *path, bool sync)
{
    struct db *db = xzalloc(sizeof(*db));
    /*
     * No mmap: the file's pages would count against the daemon's memory.
     * No locking: one daemon owns the file (the pid file guards that).
     * Without sync, tdb's transaction recovery still makes each commit
     * atomic against a crash of the daemon itself.
     */
    int flags = TDB_NOMMAP | TDB_NOLOCK | TDB_INCOMPATIBLE_HASH |
                (sync ? 0 : TDB_NOSYNC);

    /* A big hash table: chains stay short with 100k+ nodes. */
    db->tdb = tdb_open(path, 65521, flags, O_RDWR | O_CREAT, 0600);
    if ( !db->tdb )
    {
        int e = errno ? errno : EIO;

        free(db);
        return -e;
    }
    db->path = xstrdup(path);
    *out = db;
    return 0;
}

void db_close(struct db *db)
{
    if ( !db )
        return;
    tdb_close(db->tdb);
    free(db->path);
    free(db);
}

int db_begin(struct db *db)
{
    if ( !db )
        return 0;
    return tdb_transaction_start(db->tdb) ? -EIO : 0;
}

int db_put(struct db *db, const char *key, const void *val, size_t len)
{
    TDB_DATA v;

    if ( !db )
        return 0;
    v.dptr = (unsigned char *)val;
    v.dsize = len;
    return tdb_store(db->tdb, key_of(key), v, TDB_REPLACE) ? -EIO : 0;
}

int db_delete(struct db *db, const char *key)
{
    if ( !db )
        return 0;
    if ( tdb_delete(db->tdb, key_of(key)) &&
         tdb_error(db->tdb) != TDB_ERR_NOEXIST )
        return -EIO;
    return 0;
}

int db_commit(struct db *db)
{
    if ( !db )
        return 0;
    return tdb_transaction_commit(db->tdb) ? -EIO : 0;
}

void db_abort(struct db *db)
{
    if ( db )
        tdb_transaction_cancel(db->tdb);
}

struct iter_arg {
    int (*fn)(const char *, const void *, size_t, void *);
    void *arg;
    int rc;
};

static int iter_one(struct tdb_context *tdb, TDB_DATA k, TDB_DATA v, void *p)
{
    struct iter_arg *ia = p;
    char *key = xmalloc(k.dsize + 1);

    (void)tdb;
    memcpy(key, k.dptr, k.dsize);
    key[k.dsize] = 0;
    ia->rc = ia->fn(key, v.dptr, v.dsize, ia->arg);
    free(key);
    return ia->rc != 0;
}

int db_iterate(struct db *db,
               int (*fn)(const char *key, const void *val, size_t len,
                         void *arg),
               void *arg)
{
    struct iter_arg ia = {fn, arg, 0};

    if ( !db )
        return 0;
    if ( tdb_traverse_read(db->tdb, iter_one, &ia) < 0 && !ia.rc )
        return -EIO;
    return ia.rc;
}

long db_file_size(struct db *db)
{
    struct stat st;

    if ( !db || stat(db->path, &st) )
        return 0;
    return (long)st.st_size;
}
