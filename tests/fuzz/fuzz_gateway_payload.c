/* libFuzzer: the gateway's decoder of client payloads (api/gateway/payload) on arbitrary text messages. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/gateway/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sd_gw_payload_t p;
    int code = sd_gw_payload_decode((const char *)data, size, &p);
    if (code) {
        if (code != 4001 && code != 4002 && code != 4013) abort(); /* only Discord's codes for bad input */
        return 0;
    }
    /* What the decoder promises the gateway: the fields it reads are there and sane. */
    if (p.op == SD_GW_OP_IDENTIFY && (!p.token || (p.intents & ~SD_GW_ALL_INTENTS))) abort();
    if (p.op == SD_GW_OP_PRESENCE && !p.status) abort();
    if (p.op == SD_GW_OP_RESUME && p.has_seq && p.seq < 0) abort();
    if (p.token) (void)strlen(p.token);
    sd_gw_payload_free(&p);
    return 0;
}
