#include <criterion/criterion.h>

#include "api/v1/spool.h"

Test(api_spool, the_routes_that_take_files)
{
    cr_assert(sd_api_takes_files("POST", "/api/v10/channels/123/messages"));
    cr_assert(sd_api_takes_files("POST", "/api/v1/channels/123/messages/"));
    cr_assert(sd_api_takes_files("PATCH", "/api/v10/channels/123/messages/456"));
    cr_assert(sd_api_takes_files("POST", "/api/v10/webhooks/1/tok"));
    cr_assert(sd_api_takes_files("PATCH", "/api/v10/webhooks/1/tok/messages/@original"));
    cr_assert(sd_api_takes_files("POST", "/api/v10/interactions/1/tok/callback"));
    cr_assert_not(sd_api_takes_files("GET", "/api/v10/channels/123/messages"));
    cr_assert_not(sd_api_takes_files("PATCH", "/api/v10/channels/123/messages"));
    cr_assert_not(sd_api_takes_files("POST", "/api/v10/channels/123/messages/456/reactions"));
    cr_assert_not(sd_api_takes_files("POST", "/api/v10/guilds"));
    cr_assert_not(sd_api_takes_files("POST", "/api/v9/channels/123/messages"));
    cr_assert_not(sd_api_takes_files("POST", "/channels/123/messages"));
    cr_assert_not(sd_api_takes_files("POST", ""));
}
