#include "core/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 4096

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} chunk_t;

struct sd_arena {
    chunk_t *head;
};

sd_arena_t *sd_arena_new(void)
{
    return calloc(1, sizeof(sd_arena_t));
}

void sd_arena_free(sd_arena_t *a)
{
    if (!a) return;
    for (chunk_t *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

void *sd_arena_alloc(sd_arena_t *a, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    chunk_t *c = a->head;
    if (!c || c->cap - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof(chunk_t) + cap);
        if (!c) return NULL;
        c->used = 0;
        c->cap = cap;
        /* A large one-off block goes behind the current chunk so the rest of that chunk stays usable. */
        if (a->head && size > CHUNK_SIZE) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
        }
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *sd_arena_strndup(sd_arena_t *a, const char *s, size_t n)
{
    char *p = sd_arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sd_arena_strdup(sd_arena_t *a, const char *s)
{
    return sd_arena_strndup(a, s, strlen(s));
}

char *sd_arena_printf(sd_arena_t *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *out = n >= 0 ? sd_arena_alloc(a, (size_t)n + 1) : NULL;
    if (!out) return NULL;
    va_start(ap, fmt);
    vsnprintf(out, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return out;
}
