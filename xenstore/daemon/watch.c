/* SPDX-License-Identifier: GPL-2.0-only */
/* Watches: which clients hear of which changes, and by which token. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../common/xalloc.h"

void watch_list_init(struct watch_reg *r, struct watch_list *l, void *owner)
{
    memset(l, 0, sizeof(*l));
    l->owner = owner;
    l->next = r->head;
    if ( r->head )
        r->head->prev = l;
    r->head = l;
}

void watch_list_fini(struct watch_reg *r, struct watch_list *l)
{
    watch_clear(l);
    free(l->w);
    if ( l->prev )
        l->prev->next = l->next;
    else if ( r->head == l )
        r->head = l->next;
    if ( l->next )
        l->next->prev = l->prev;
    l->prev = l->next = NULL;
}

int watch_add(struct watch_list *l, const char *path, const char *token,
              uint32_t strip)
{
    uint32_t i;

    for ( i = 0; i < l->n; i++ )
        if ( !strcmp(l->w[i].path, path) && !strcmp(l->w[i].token, token) )
            return -EEXIST;
    if ( l->n == l->cap )
    {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->w = xrealloc(l->w, l->cap * sizeof(*l->w));
    }
    l->w[l->n].path = xstrdup(path);
    l->w[l->n].token = xstrdup(token);
    l->w[l->n].strip = strip;
    l->n++;
    l->bytes += strlen(path) + strlen(token) + 2;
    return 0;
}

int watch_del(struct watch_list *l, const char *path, const char *token)
{
    uint32_t i;

    for ( i = 0; i < l->n; i++ )
        if ( !strcmp(l->w[i].path, path) && !strcmp(l->w[i].token, token) )
        {
            l->bytes -= strlen(path) + strlen(token) + 2;
            free(l->w[i].path);
            free(l->w[i].token);
            memmove(l->w + i, l->w + i + 1, (l->n - i - 1) * sizeof(*l->w));
            l->n--;
            return 0;
        }
    return -ENOENT;
}

void watch_clear(struct watch_list *l)
{
    uint32_t i;

    for ( i = 0; i < l->n; i++ )
    {
        free(l->w[i].path);
        free(l->w[i].token);
    }
    l->n = 0;
    l->bytes = 0;
}

/* The path the event reports to this watch, or NULL if it misses it. */
static const char *match(const struct watch *w, const struct event *ev)
{
    switch ( ev->kind )
    {
    case EV_EXACT:
        return strcmp(w->path, ev->path) ? NULL : ev->path;
    case EV_RMROOT:
        /* Removing a parent of the watched path reports the watch's path. */
        if ( w->path[0] == '/' && strcmp(w->path, ev->path) &&
             path_is_child(w->path, ev->path) )
            return w->path;
        /* fall through */
    case EV_CHANGE:
        return path_is_child(ev->path, w->path) ? ev->path : NULL;
    }
    return NULL;
}

void watch_fire(struct watch_reg *r, const struct event *ev)
{
    struct watch_list *l, *next;

    for ( l = r->head; l; l = next )
    {
        bool seen = false, allowed = false;
        uint32_t i;

        next = l->next;
        for ( i = 0; i < l->n; i++ )
        {
            const char *p = match(&l->w[i], ev);

            if ( !p )
                continue;
            if ( !seen )
            {
                seen = true;
                allowed = r->can_see(l->owner, ev->perms, ev->nperms) ||
                          (ev->old_perms &&
                           r->can_see(l->owner, ev->old_perms, ev->nold)) ||
                          (ev->parent_perms &&
                           r->can_see(l->owner, ev->parent_perms,
                                      ev->nparent));
            }
            if ( !allowed )
                break;
            if ( strlen(p) < l->w[i].strip )
                continue;
            r->deliver(l->owner, p + l->w[i].strip, l->w[i].token);
        }
    }
}
