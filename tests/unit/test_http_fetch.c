#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "core/http_fetch.h"

static bool allowed(const char *ip, bool allow_private)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    if (strchr(ip, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        cr_assert_eq(inet_pton(AF_INET6, ip, &a->sin6_addr), 1, "%s", ip);
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        cr_assert_eq(inet_pton(AF_INET, ip, &a->sin_addr), 1, "%s", ip);
    }
    return sd_fetch_address_allowed((struct sockaddr *)&ss, allow_private);
}

Test(http_fetch, public_addresses_are_fetched)
{
    static const char *const ok[] = {"93.184.216.34",
                                     "8.8.8.8",
                                     "1.1.1.1",
                                     "172.15.255.255",
                                     "172.32.0.1",
                                     "100.63.255.255",
                                     "100.128.0.1",
                                     "169.253.1.1",
                                     "11.0.0.1",
                                     "2606:2800:220:1:248:1893:25c8:1946",
                                     "2001:4860:4860::8888"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        cr_assert(allowed(ok[i], false), "%s", ok[i]);
}

Test(http_fetch, private_loopback_and_link_local_are_refused_unless_allowed)
{
    static const char *const private_[] = {"10.0.0.1",
                                           "10.255.255.255",
                                           "172.16.0.1",
                                           "172.31.255.254",
                                           "192.168.1.1",
                                           "127.0.0.1",
                                           "127.8.9.10",
                                           "169.254.169.254",
                                           "100.64.0.1",
                                           "100.127.255.255",
                                           "::1",
                                           "fe80::1",
                                           "febf::1",
                                           "fc00::1",
                                           "fdff::1",
                                           "::ffff:127.0.0.1",
                                           "::ffff:10.1.2.3",
                                           "64:ff9b::a9fe:a9fe",
                                           "2002:c0a8:101::1",
                                           "192.0.0.8",
                                           "198.18.0.1"};
    for (size_t i = 0; i < sizeof private_ / sizeof *private_; i++) {
        cr_assert_not(allowed(private_[i], false), "%s", private_[i]);
        cr_assert(allowed(private_[i], true), "%s with allow_private", private_[i]);
    }
}

Test(http_fetch, unspecified_multicast_and_reserved_are_never_fetched)
{
    static const char *const never[] = {"0.0.0.0",        "0.1.2.3",         "224.0.0.1", "239.255.255.250",
                                        "240.0.0.1",      "255.255.255.255", "::",        "ff02::1",
                                        "::ffff:0.0.0.0", "::127.0.0.1"};
    for (size_t i = 0; i < sizeof never / sizeof *never; i++) {
        cr_assert_not(allowed(never[i], false), "%s", never[i]);
        cr_assert_not(allowed(never[i], true), "%s even with allow_private", never[i]);
    }
}

Test(http_fetch, other_families_are_refused)
{
    struct sockaddr sa = {.sa_family = AF_UNIX};
    cr_assert_not(sd_fetch_address_allowed(&sa, true));
    cr_assert_not(sd_fetch_address_allowed(NULL, true));
}

Test(http_fetch, only_http_urls_are_taken_and_closing_cancels)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_fetch_options_t o = {
        .max_bytes = 1024, .timeout_ms = 1000, .max_redirects = 3, .max_in_flight = 1, .max_queued = 1};
    sd_fetch_t *f = sd_fetch_new(&loop, &o);
    cr_assert_not_null(f);
    cr_assert_eq(sd_fetch_get(f, "file:///etc/passwd", NULL, NULL), SD_ERR_INVALID);
    cr_assert_eq(sd_fetch_get(f, "gopher://a.example/", NULL, NULL), SD_ERR_INVALID);
    sd_fetch_close(f);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0);
}

static void count_result(const sd_fetch_result_t *r, void *ctx)
{
    int *seen = ctx;
    cr_assert_eq(r->err, SD_ERR_FORBIDDEN, "%d", r->err);
    seen[0]++;
}

Test(http_fetch, a_refused_address_is_never_connected_and_the_queue_is_bounded)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    sd_fetch_options_t o = {.max_bytes = 1024,
                            .timeout_ms = 2000,
                            .max_redirects = 3,
                            .max_in_flight = 1,
                            .max_queued = 1,
                            .allow_private = true};
    sd_fetch_t *f = sd_fetch_new(&loop, &o);
    int seen[1] = {0};
    cr_assert_eq(sd_fetch_get(f, "http://0.0.0.0:9/", count_result, seen), SD_OK);
    cr_assert_eq(sd_fetch_get(f, "http://[::]:9/", count_result, seen), SD_OK);
    cr_assert_eq(sd_fetch_get(f, "http://0.0.0.0:9/x", count_result, seen), SD_ERR_BUSY);
    cr_assert_eq(seen[0], 0, "never inside the call");
    cr_assert_eq(sd_fetch_pending(f), 2);
    while (sd_fetch_pending(f) > 0)
        uv_run(&loop, UV_RUN_ONCE);
    cr_assert_eq(seen[0], 2);
    sd_fetch_close(f);
    uv_run(&loop, UV_RUN_DEFAULT);
    cr_assert_eq(uv_loop_close(&loop), 0);
}
