/*
 * address: the gateway's bound on sockets per client. A client's address is found as the rate limits find it
 * (api/v1/api): the peer's, or, when the peer is one of TRUSTED_PROXIES, the last X-Forwarded-For entry that
 * is not a proxy itself, so that behind a load balancer each forwarded client counts, not the balancer. Each
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

/* The client address of req, with proxies the comma-separated trusted ones, written into out. */
void sd_gw_client_address(const sd_request_t *req, const char *proxies, char out[SD_GW_ADDRESS_MAX]);
/* Counts one more socket for address, or returns false, counting nothing, when it holds as many as allowed.
 */
bool sd_gw_address_admit(sd_gateway_t *gw, const char *address);
/* A socket of address admitted by sd_gw_address_admit has closed. */
void sd_gw_address_leave(sd_gateway_t *gw, const char *address);

#endif
