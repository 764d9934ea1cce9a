#include <criterion/criterion.h>
#include <string.h>

#include "api/v1/deps.h"

/* The one mapping of a service's fault to HTTP: status, Discord's JSON code and message. */
static void expect(sd_fault_t f, int status, int code, const char *message)
{
    sd_api_error_t e = sd_deps_error(&f);
    cr_assert_eq(e.status, status, "%s: status %d", message, e.status);
    cr_assert_eq(json_integer_value(json_object_get(e.body, "code")), code, "%s", message);
    cr_assert_str_eq(json_string_value(json_object_get(e.body, "message")), message);
    json_decref(e.body);
}

/* The field error a fault is answered with: 400, 50035, errors.<field>._errors[0].code == code. */
static void expect_field(sd_fault_t f, const char *field, const char *code)
{
    sd_api_error_t e = sd_deps_error(&f);
    cr_assert_eq(e.status, 400);
    cr_assert_eq(json_integer_value(json_object_get(e.body, "code")), 50035);
    json_t *list = json_object_get(json_object_get(json_object_get(e.body, "errors"), field), "_errors");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 0), "code")), code, "%s", field);
    json_decref(e.body);
}

Test(deps, unknown_entities_have_their_discord_codes)
{
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_CHANNEL}, 404, 10003, "Unknown Channel");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_GUILD}, 404, 10004, "Unknown Guild");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_INVITE}, 404, 10006, "Unknown Invite");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_MEMBER}, 404, 10007, "Unknown Member");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_MESSAGE}, 404, 10008, "Unknown Message");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_OVERWRITE}, 404, 10009,
           "Unknown Overwrite");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_ROLE}, 404, 10011, "Unknown Role");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_USER}, 404, 10013, "Unknown User");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_EMOJI}, 400, 10014, "Unknown Emoji");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND, .entity = SD_ENTITY_BAN}, 404, 10026, "Unknown Ban");
    expect((sd_fault_t){.err = SD_ERR_NOT_FOUND}, 404, 0, "404: Not Found");
}

Test(deps, an_entity_only_names_what_is_not_found)
{
    /* The store failing while a channel was read is not an unknown channel. */
    expect((sd_fault_t){.err = SD_ERR_UNAVAILABLE, .entity = SD_ENTITY_CHANNEL}, 503, 0,
           "503: Service Unavailable");
    expect((sd_fault_t){.err = SD_ERR_INTERNAL, .entity = SD_ENTITY_USER}, 500, 0,
           "500: Internal Server Error");
    /* Too many DynamoDB calls queued: the client may come back (the HTTP layer adds Retry-After). */
    expect((sd_fault_t){.err = SD_ERR_BUSY, .entity = SD_ENTITY_MESSAGE}, 503, 0, "503: Service Unavailable");
}

Test(deps, refusals_have_their_discord_codes)
{
    expect((sd_fault_t){.err = SD_ERR_FORBIDDEN, .reason = SD_REASON_MISSING_PERMISSIONS, .missing = 8}, 403,
           50013, "Missing Permissions");
    expect((sd_fault_t){.err = SD_ERR_FORBIDDEN}, 403, 50013, "Missing Permissions");
    expect((sd_fault_t){.err = SD_ERR_FORBIDDEN, .reason = SD_REASON_MISSING_ACCESS}, 403, 50001,
           "Missing Access");
    expect((sd_fault_t){.err = SD_ERR_FORBIDDEN, .reason = SD_REASON_BANNED}, 403, 40007,
           "You are banned from this guild.");
    expect((sd_fault_t){.err = SD_ERR_FORBIDDEN, .reason = SD_REASON_NOT_AUTHOR}, 403, 50005,
           "Cannot edit a message authored by another user");
    expect((sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_INVALID_JSON}, 400, 50109,
           "The request body contains invalid JSON.");
    expect((sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_MAX_PINS}, 400, 30003,
           "Maximum number of pins reached (50)");
    expect((sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_EVERYONE_ROLE}, 400, 50028,
           "Invalid Role: @everyone cannot be deleted");
    expect((sd_fault_t){.err = SD_ERR_INVALID}, 400, 0, "400: Bad Request");
    expect((sd_fault_t){.err = SD_ERR_UNAUTHORIZED}, 401, 0, "401: Unauthorized");
}

Test(deps, conflicts_by_their_typed_reason)
{
    expect_field((sd_fault_t){.err = SD_ERR_CONFLICT, .conflict = SD_CONFLICT_USERNAME_TAKEN}, "username",
                 "USERNAME_ALREADY_TAKEN");
    expect_field((sd_fault_t){.err = SD_ERR_CONFLICT, .conflict = SD_CONFLICT_EMAIL_TAKEN}, "email",
                 "EMAIL_ALREADY_REGISTERED");
    expect((sd_fault_t){.err = SD_ERR_CONFLICT}, 409, 0, "409: Conflict");
    expect((sd_fault_t){.err = SD_ERR_CONFLICT, .conflict = SD_CONFLICT_OWNER_CHANGED}, 409, 50013,
           "Missing Permissions");
    sd_api_error_t e = sd_deps_error(&(sd_fault_t){.err = SD_ERR_CONFLICT, .conflict = SD_CONFLICT_STALE});
    cr_assert_eq(e.status, 409);
    const char *m = json_string_value(json_object_get(e.body, "message"));
    cr_assert(m && strstr(m, "changed") && !strstr(m, "sername"), "%s", m);
    json_decref(e.body);
}

Test(deps, field_errors)
{
    json_t *errors = json_object();
    sd_form_error_add(errors, "name", "BASE_TYPE_REQUIRED", "This field is required");
    expect_field((sd_fault_t){.err = SD_ERR_INVALID, .reason = SD_REASON_FORM, .errors = errors}, "name",
                 "BASE_TYPE_REQUIRED");
    cr_assert_eq(errors->refcount, 1, "the fault's errors are borrowed");
    json_decref(errors);
    expect_field((sd_fault_t){.err = SD_ERR_UNAUTHORIZED, .reason = SD_REASON_INVALID_LOGIN}, "login",
                 "INVALID_LOGIN");
    expect_field((sd_fault_t){.err = SD_ERR_UNAUTHORIZED, .reason = SD_REASON_INVALID_LOGIN}, "password",
                 "INVALID_LOGIN");
    expect_field(
        (sd_fault_t){.err = SD_ERR_UNAUTHORIZED, .reason = SD_REASON_WRONG_PASSWORD, .field = "password"},
        "password", "PASSWORD_DOES_NOT_MATCH");
}

Test(deps, slowmode_is_discords_rate_limit_with_its_wait)
{
    sd_fault_t f = {.err = SD_ERR_THROTTLED, .reason = SD_REASON_SLOWMODE, .retry_after_ms = 1500};
    expect(f, 429, 20016, "You are being rate limited.");
    sd_api_error_t e = sd_deps_error(&f);
    cr_assert_float_eq(json_real_value(json_object_get(e.body, "retry_after")), 1.5, 1e-9);
    cr_assert(json_is_false(json_object_get(e.body, "global")));
    json_decref(e.body);
    /* a store that keeps throttling is still the server's trouble, not the caller's */
    expect((sd_fault_t){.err = SD_ERR_THROTTLED}, 503, 0, "503: Service Unavailable");
}
