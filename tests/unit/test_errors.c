#include <criterion/criterion.h>

#include "core/errors.h"

Test(errors, form_errors_nest_by_path)
{
    json_t *e = json_object();
    cr_assert_eq(sd_form_error_add(e, "a.b", "C1", "m1"), SD_OK);
    cr_assert_eq(sd_form_error_add(e, "a.b", "C2", "m2"), SD_OK);
    cr_assert_eq(sd_form_error_add(e, "top", "C3", "m3"), SD_OK);
    json_t *list = json_object_get(json_object_get(json_object_get(e, "a"), "b"), "_errors");
    cr_assert_eq(json_array_size(list), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(list, 1), "code")), "C2");
    cr_assert_not_null(json_object_get(json_object_get(e, "top"), "_errors"));
    json_decref(e);
}

Test(errors, api_errors_have_discord_shape_and_status)
{
    struct {
        sd_err_t err;
        int status;
        int code;
    } cases[] = {{SD_ERR_NOT_FOUND, 404, 0},   {SD_ERR_UNAUTHORIZED, 401, 0}, {SD_ERR_FORBIDDEN, 403, 50013},
                 {SD_ERR_UNAVAILABLE, 503, 0}, {SD_ERR_THROTTLED, 503, 0},    {SD_ERR_CONFLICT, 409, 0},
                 {SD_ERR_INVALID, 400, 0},     {SD_ERR_NOMEM, 500, 0},        {SD_ERR_INTERNAL, 500, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sd_api_error_t e = sd_api_error_from_err(cases[i].err);
        cr_assert_eq(e.status, cases[i].status, "%s", sd_err_name(cases[i].err));
        cr_assert_eq(json_integer_value(json_object_get(e.body, "code")), cases[i].code);
        cr_assert(json_is_string(json_object_get(e.body, "message")));
        json_decref(e.body);
    }
}

Test(errors, body_with_errors)
{
    json_t *errs = json_object();
    sd_form_error_add(errs, "username", "X", "y");
    json_t *b = sd_api_error_body(50035, "Invalid Form Body", errs);
    cr_assert_eq(json_integer_value(json_object_get(b, "code")), 50035);
    cr_assert_not_null(json_object_get(json_object_get(b, "errors"), "username"));
    json_decref(b);
}
