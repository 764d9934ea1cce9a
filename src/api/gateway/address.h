/*
 * address: the gateway's bound on sockets per client. A client's address is found as the rate limits find it
 * (sd_request_client_address: behind TRUSTED_PROXIES the forwarded client), so that behind a load balancer
 * each forwarded client counts, not the balancer. Each
 * address may hold GATEWAY_MAX_SESSIONS_PER_ADDRESS open gateway sockets at once (0: no limit); a socket
 * counts from its admission until it closes. Internal to api/gateway.
 */
#ifndef SD_API_GATEWAY_ADDRESS_H
#define SD_API_GATEWAY_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "api/gateway/session.h"
#include "core/http_request.h"

#define SD_GW_ADDRESS_MAX 64 /* an address's bytes with the NUL (IPv6 included) */

/* Counts one more socket for address, or returns false, counting nothing, when it holds as many as allowed.
 */
bool sd_gw_address_admit(sd_gateway_t *gw, const char *address);
/* A socket of address admitted by sd_gw_address_admit has closed. */
void sd_gw_address_leave(sd_gateway_t *gw, const char *address);

#endif
