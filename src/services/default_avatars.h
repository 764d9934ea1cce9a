/*
 * default_avatars: Discord's six default avatars (/embed/avatars/{n}.png: blurple, grey, green, yellow, red,
 * pink), drawn as PNGs when asked: a disc of the colour with a white face on a transparent square. Small
 * (a few KiB), content fixed, so the CDN serves them with year-long caching.
 */
#ifndef SD_SERVICES_DEFAULT_AVATARS_H
#define SD_SERVICES_DEFAULT_AVATARS_H

#include <stddef.h>

#include "core/errors.h"

#define SD_DEFAULT_AVATARS 6
#define SD_DEFAULT_AVATAR_SIZE 256

/* Draws default avatar n (0..SD_DEFAULT_AVATARS-1) as a PNG: *png is malloc'd, the caller's to free().
   SD_ERR_INVALID for another n, SD_ERR_NOMEM. */
sd_err_t sd_default_avatar_png(int n, unsigned char **png, size_t *len);

#endif
