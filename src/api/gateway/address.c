#include "api/gateway/address.h"

_Static_assert(sizeof((sd_gw_link_t *)0)->address == SD_GW_ADDRESS_MAX, "a link holds a whole address");

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
