#include "schemas/image_field.h"

#include <string.h>
#include <strings.h>

#include "core/errors.h"

bool sd_image_field_parse(const json_t *body, json_t *errors, const char *field, const char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(body, field);
    if (!v) return false;
    if (json_is_null(v)) return true;
    if (!json_is_string(v)) {
        sd_form_error_add(errors, field, "BASE_TYPE_STRING", "Must be a string.");
        return true;
    }
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v) || strncasecmp(s, "data:", 5) != 0) {
        sd_form_error_add(errors, field, "IMAGE_INVALID", "Invalid image data");
        return true;
    }
    *out = s;
    return true;
}
