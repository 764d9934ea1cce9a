#include "api/gateway/address.h"

#include <stdio.h>
#include <string.h>

_Static_assert(sizeof((sd_gw_link_t *)0)->address == SD_GW_ADDRESS_MAX, "a link holds a whole address");

/* Narrows [*s, *e) to its text without surrounding spaces. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && **s == ' ')
        (*s)++;
    while (*e > *s && (*e)[-1] == ' ')
        (*e)--;
}

/* Whether addr[0..len) is one of the comma-separated addresses of list. */
static bool trusted(const char *list, const char *addr, size_t len)
{
    for (const char *p = list; *p; p += *p == ',') {
        const char *s = p, *e = p + strcspn(p, ",");
        p = e;
        trim(&s, &e);
        if (len && (size_t)(e - s) == len && !strncmp(s, addr, len)) return true;
    }
    return false;
}

/* Entries a client added itself stay to the left of what the proxies add: the rightmost untrusted one is the
   client as the nearest trusted proxy saw it. */
void sd_gw_client_address(const sd_request_t *req, const char *proxies, char out[SD_GW_ADDRESS_MAX])
{
    snprintf(out, SD_GW_ADDRESS_MAX, "%s", req->peer);
    const char *xff = sd_request_header(req, "X-Forwarded-For");
    if (!xff || !trusted(proxies, req->peer, strlen(req->peer))) return;
    const char *end = xff + strlen(xff);
    while (end > xff) {
        const char *start = end;
        while (start > xff && start[-1] != ',')
            start--;
        const char *s = start, *e = end;
        trim(&s, &e);
        if (e > s && !trusted(proxies, s, (size_t)(e - s))) {
            snprintf(out, SD_GW_ADDRESS_MAX, "%.*s", (int)(e - s), s);
            return;
        }
        end = start > xff ? start - 1 : xff;
    }
}

bool sd_gw_address_admit(sd_gateway_t *gw, const char *address)
{
    long cap = gw->app->cfg->gateway_max_sessions_per_address;
    if (cap <= 0) return true;
    json_int_t n = json_integer_value(json_object_get(gw->per_address, address));
    /* nocheck: an address forwarded by a proxy need not be UTF-8 */
    return n < cap && json_object_set_new_nocheck(gw->per_address, address, json_integer(n + 1)) == 0;
}

void sd_gw_address_leave(sd_gateway_t *gw, const char *address)
{
    if (gw->app->cfg->gateway_max_sessions_per_address <= 0) return;
    json_int_t n = json_integer_value(json_object_get(gw->per_address, address)) - 1;
    if (n > 0)
        json_object_set_new_nocheck(gw->per_address, address, json_integer(n));
    else
        json_object_del(gw->per_address, address);
}
