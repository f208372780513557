/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore-ls: the indented tree of keys, values and permissions. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TAG_LEN ((int)strlen(" = \"...\""))

static void print_value(const char *val, unsigned int len, int *linewid,
                        const struct ls_opts *o)
{
    const char *s = escape_value(val, len);

    /* Long values are cut to the terminal width, as Xen's tool does. */
    if ( o->max_width < *linewid + (int)len + TAG_LEN )
    {
        printf(" = \"%.*s\\...\"", o->max_width - TAG_LEN - *linewid, s);
        return;
    }
    *linewid += printf(" = \"%s\"", s);
    if ( o->perms )
    {
        int lim =
            o->desired_width < o->max_width ? o->desired_width : o->max_width;

        putchar(' ');
        for ( (*linewid)++; *linewid < lim; (*linewid)++ )
            putchar((*linewid & 1) ? '.' : ' ');
    }
}

static void print_perms(struct xs_handle *h, const char *path, const char *name)
{
    struct xs_permissions *p;
    unsigned int n, i;
    char buf[16];

    p = xs_get_permissions(h, XBT_NULL, path, &n);
    if ( !p )
    {
        warn("\ncould not access permissions for %s", name);
        return;
    }
    fputs("  (", stdout);
    for ( i = 0; i < n; i++ )
    {
        if ( i )
            putchar(',');
        xs_perm_to_string(&p[i], buf, sizeof(buf));
        fputs(buf, stdout);
    }
    putchar(')');
    free(p);
}

void do_ls(struct xs_handle *h, const char *path, int depth,
           const struct ls_opts *o)
{
    unsigned int num, i, len;
    char **e = xs_directory(h, XBT_NULL, path, &num);
    size_t pl = strlen(path);

    if ( !e )
    {
        /* A node that vanished while we walked is simply skipped. */
        if ( depth && (errno == ENOENT || errno == EACCES) )
            return;
        err(1, "xs_directory (%s)", path);
    }
    for ( i = 0; i < num; i++ )
    {
        char *np = malloc(pl + strlen(e[i]) + 2);
        int linewid = 0;
        char *val;

        if ( !np )
            err(1, "malloc");
        sprintf(np, "%s%s%s", path, path[pl - 1] == '/' ? "" : "/", e[i]);
        if ( o->whole_path )
            fputs(np, stdout);
        else
        {
            for ( ; linewid < depth; linewid++ )
                putchar(' ');
            linewid += printf("%.*s", o->max_width - TAG_LEN - linewid, e[i]);
        }
        val = xs_read(h, XBT_NULL, np, &len);
        if ( !val )
            printf(":\n");
        else
            print_value(val, len, &linewid, o);
        free(val);
        if ( o->perms )
            print_perms(h, np, e[i]);
        putchar('\n');
        do_ls(h, np, depth + 1, o);
        free(np);
    }
    free(e);
}
