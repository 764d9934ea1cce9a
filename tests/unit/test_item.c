#include <criterion/criterion.h>

#include "db/item.h"

Test(item, round_trip_of_plain_json)
{
    json_t *v =
        json_loads("{\"s\":\"text\",\"i\":-42,\"big\":1575040377377783808,\"r\":1.5,\"t\":true,\"f\":false,"
                   "\"z\":null,\"m\":{\"a\":{\"b\":[1,\"x\",{}]}},\"l\":[],\"e\":\"\"}",
                   0, NULL);
    cr_assert_not_null(v);
    json_t *item = sd_item_from_json(v);
    cr_assert_str_eq(sd_item_get_s(item, "s"), "text");
    cr_assert_str_eq(sd_item_get_n(item, "big"), "1575040377377783808");
    cr_assert(json_is_true(json_object_get(json_object_get(item, "t"), "BOOL")));
    cr_assert(json_is_true(json_object_get(json_object_get(item, "z"), "NULL")));
    cr_assert_not_null(json_object_get(json_object_get(item, "m"), "M"));
    json_t *back = sd_item_to_json(item);
    cr_assert(json_equal(v, back), "%s", json_dumps(back, 0));
    json_decref(back);
    json_decref(item);
    json_decref(v);
}

Test(item, unknown_attribute_types_are_dropped)
{
    json_t *item = json_loads("{\"a\":{\"S\":\"x\"},\"b\":{\"WEIRD\":1}}", 0, NULL);
    json_t *plain = sd_item_to_json(item);
    cr_assert_eq(json_object_size(plain), 1);
    json_decref(plain);
    json_decref(item);
}
