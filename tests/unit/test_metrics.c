#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"

Test(metrics, counters_add_up_per_label_set)
{
    sd_metrics_t *m = sd_metrics_new();
    sd_metrics_add(m, "sd_http_requests_total", "status=\"200\"", 1);
    sd_metrics_add(m, "sd_http_requests_total", "status=\"200\"", 2);
    sd_metrics_add(m, "sd_http_requests_total", "status=\"404\"", 1);
    cr_assert_eq(sd_metrics_value(m, "sd_http_requests_total", "status=\"200\""), 3);
    cr_assert_eq(sd_metrics_value(m, "sd_http_requests_total", "status=\"404\""), 1);
    cr_assert_eq(sd_metrics_value(m, "sd_http_requests_total", "status=\"500\""), 0);
    char *text = sd_metrics_render(m, NULL, 0);
    cr_assert_not_null(strstr(text, "# TYPE sd_http_requests_total counter\n"));
    cr_assert_not_null(strstr(text, "sd_http_requests_total{status=\"200\"} 3\n"));
    free(text);
    sd_metrics_free(m);
}

Test(metrics, unknown_families_and_wrong_kinds_are_not_recorded)
{
    sd_metrics_t *m = sd_metrics_new();
    sd_metrics_add(m, "made_up_total", "", 1);
    sd_metrics_add(m, "sd_http_request_duration_seconds", "", 1); /* a histogram, not a counter */
    sd_metrics_add(NULL, "sd_http_requests_total", "", 1);        /* no registry: nothing happens */
    char *text = sd_metrics_render(m, NULL, 0);
    cr_assert_null(strstr(text, "made_up"));
    cr_assert_null(strstr(text, "sd_http_request_duration_seconds_count"));
    free(text);
    sd_metrics_free(m);
}

Test(metrics, histograms_are_cumulative_with_sum_and_count)
{
    sd_metrics_t *m = sd_metrics_new();
    sd_metrics_observe(m, "sd_http_request_duration_seconds", "route=\"/x\"", 0.003);
    sd_metrics_observe(m, "sd_http_request_duration_seconds", "route=\"/x\"", 0.3);
    sd_metrics_observe(m, "sd_http_request_duration_seconds", "route=\"/x\"", 30);
    char *text = sd_metrics_render(m, NULL, 0);
    cr_assert_not_null(
        strstr(text, "sd_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.001\"} 0\n"));
    cr_assert_not_null(
        strstr(text, "sd_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"));
    cr_assert_not_null(strstr(text, "sd_http_request_duration_seconds_bucket{route=\"/x\",le=\"0.5\"} 2\n"));
    cr_assert_not_null(strstr(text, "sd_http_request_duration_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
    cr_assert_not_null(strstr(text, "sd_http_request_duration_seconds_count{route=\"/x\"} 3\n"));
    free(text);
    sd_metrics_free(m);
}

Test(metrics, gauges_are_read_at_render_time_and_long_labels_refused)
{
    sd_metrics_t *m = sd_metrics_new();
    char labels[1024];
    memset(labels, 'a', sizeof labels - 1);
    labels[sizeof labels - 1] = '\0';
    sd_metrics_add(m, "sd_http_requests_total", labels, 1);
    cr_assert_eq(sd_metrics_value(m, "sd_http_requests_total", labels), 0);
    sd_metrics_gauge_t g[] = {{"sd_gateway_sessions", "", 7}, {"sd_broker_connected", NULL, -1}};
    char *text = sd_metrics_render(m, g, 2);
    cr_assert_not_null(strstr(text, "\nsd_gateway_sessions 7\n"));
    cr_assert_not_null(strstr(text, "\nsd_broker_connected -1\n"));
    free(text);
    sd_metrics_free(m);
}
