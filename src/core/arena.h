/*
 * arena: a bump allocator for per-request scratch memory. Everything allocated from an arena is released at
 * once by sd_arena_free when the request ends, so handlers rarely call free().
 */
#ifndef SD_CORE_ARENA_H
#define SD_CORE_ARENA_H

#include <stddef.h>

typedef struct sd_arena sd_arena_t;

/* Returns a new arena; caller frees with sd_arena_free(). NULL when out of memory. */
sd_arena_t *sd_arena_new(void);
void sd_arena_free(sd_arena_t *a);

/* Zeroed memory, 16-byte aligned, borrowed from the arena (valid until sd_arena_free). NULL when out of
 * memory. */
void *sd_arena_alloc(sd_arena_t *a, size_t size);
/* A NUL-terminated copy of s[0..n) in the arena. */
char *sd_arena_strndup(sd_arena_t *a, const char *s, size_t n);
char *sd_arena_strdup(sd_arena_t *a, const char *s);
/* A formatted string in the arena, or NULL when out of memory. */
char *sd_arena_printf(sd_arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
