#include "core/metrics.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

typedef enum { COUNTER, GAUGE, HISTOGRAM } kind_t;

typedef struct {
    const char *name;
    kind_t kind;
    const char *help;
} family_t;

/* Every metric the server exports: the one list an operator reads. */
static const family_t families[] = {
    {"sd_http_requests_total", COUNTER, "HTTP requests answered, by method, route pattern and status."},
    {"sd_http_request_duration_seconds", HISTOGRAM, "Time from the first byte of a request to its answer."},
    {"sd_http_requests_in_flight", GAUGE, "Requests received and not answered yet."},
    {"sd_http_connections", GAUGE, "Client connections open (upgraded ones included)."},
    {"sd_http_connections_refused", GAUGE,
     "Connections refused since start: over a cap, or no memory or descriptor for them."},
    {"sd_dynamodb_calls_total", COUNTER,
     "DynamoDB calls finished, by operation and outcome (ok or the error)."},
    {"sd_dynamodb_retries_total", COUNTER,
     "DynamoDB attempts repeated after a retryable failure, by operation."},
    {"sd_dynamodb_call_duration_seconds", HISTOGRAM, "Time of a DynamoDB call, retries included."},
    {"sd_gateway_sessions", GAUGE, "Gateway sessions open (identified or resumable) in this process."},
    {"sd_gateway_connections_total", COUNTER,
     "Gateway sockets opened since start, by transport compression (none, zlib-stream, zstd-stream)."},
    {"sd_events_published_total", COUNTER, "Dispatch events published by this process, by type."},
    {"sd_events_delivered_total", COUNTER, "Dispatches sent to gateway sessions of this process, by type."},
    {"sd_broker_connected", GAUGE,
     "1 when Redis pub/sub is connected, 0 when not, -1 when the broker is local."},
    {"sd_ratelimit_rejections_total", COUNTER,
     "Requests and gateway commands refused by a rate limit, by scope."},
};

#define NFAMILIES (sizeof families / sizeof *families)
#define NBUCKETS 12
static const double bounds[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};

typedef struct {
    char *key; /* family '\0' labels: unique per series */
    int family;
    const char *labels; /* inside key */
    double value;       /* counters: the count; histograms: the sum */
    unsigned long long count, buckets[NBUCKETS];
    UT_hash_handle hh;
} series_t;

struct sd_metrics {
    series_t *series;
};

static int family_index(const char *name, kind_t kind)
{
    for (size_t i = 0; i < NFAMILIES; i++)
        if (families[i].kind == kind && !strcmp(families[i].name, name)) return (int)i;
    return -1;
}

sd_metrics_t *sd_metrics_new(void)
{
    return calloc(1, sizeof(sd_metrics_t));
}

void sd_metrics_free(sd_metrics_t *m)
{
    if (!m) return;
    series_t *s = m->series;
    while (s) {
        series_t *next = s->hh.next;
        HASH_DEL(m->series, s);
        free(s->key);
        free(s);
        s = next;
    }
    free(m);
}

/* Writes the key of family/labels (family '\0' labels) into buf (cap bytes); returns its length, 0 if too
 * long. */
static size_t make_key(int family, const char *labels, char *buf, size_t cap)
{
    size_t nlen = strlen(families[family].name), llen = strlen(labels);
    if (nlen + 1 + llen + 1 > cap) return 0;
    memcpy(buf, families[family].name, nlen + 1);
    memcpy(buf + nlen + 1, labels, llen + 1);
    return nlen + 1 + llen;
}

static series_t *find(const sd_metrics_t *m, int family, const char *labels)
{
    char key[512];
    size_t len = make_key(family, labels, key, sizeof key);
    series_t *s = NULL;
    if (len) HASH_FIND(hh, m->series, key, len, s);
    return s;
}

/* The series of family/labels, created at zero on first use; NULL when its labels are too long or out of
   memory. */
static series_t *lookup(sd_metrics_t *m, int family, const char *labels)
{
    series_t *s = find(m, family, labels);
    if (s) return s;
    char key[512];
    size_t len = make_key(family, labels, key, sizeof key);
    if (!len || !(s = calloc(1, sizeof *s))) return NULL;
    if (!(s->key = malloc(len + 1))) {
        free(s);
        return NULL;
    }
    memcpy(s->key, key, len + 1);
    s->family = family;
    s->labels = s->key + strlen(families[family].name) + 1;
    HASH_ADD_KEYPTR(hh, m->series, s->key, len, s);
    return s;
}

void sd_metrics_add(sd_metrics_t *m, const char *family, const char *labels, double delta)
{
    int f = m ? family_index(family, COUNTER) : -1;
    series_t *s = f >= 0 ? lookup(m, f, labels ? labels : "") : NULL;
    if (s) s->value += delta;
}

void sd_metrics_observe(sd_metrics_t *m, const char *family, const char *labels, double value)
{
    int f = m ? family_index(family, HISTOGRAM) : -1;
    series_t *s = f >= 0 ? lookup(m, f, labels ? labels : "") : NULL;
    if (!s) return;
    s->value += value;
    s->count++;
    for (int i = 0; i < NBUCKETS; i++)
        if (value <= bounds[i]) s->buckets[i]++;
}

double sd_metrics_value(const sd_metrics_t *m, const char *family, const char *labels)
{
    int f = m ? family_index(family, COUNTER) : -1;
    series_t *s = f >= 0 ? find(m, f, labels ? labels : "") : NULL;
    return s ? s->value : 0;
}

typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} out_t;

static void put(out_t *o, const char *fmt, ...)
{
    if (o->failed) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = true;
            return;
        }
        if ((size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        size_t cap = (o->cap + (size_t)n) * 2;
        char *grown = realloc(o->buf, cap);
        if (!grown) {
            o->failed = true;
            return;
        }
        o->buf = grown;
        o->cap = cap;
    }
}

/* "{labels}" or "" for a series line; extra is one more label (le="...") or NULL. */
static void put_labels(out_t *o, const char *labels, const char *extra)
{
    if (!labels[0] && !extra) return;
    put(o, "{%s%s%s}", labels, labels[0] && extra ? "," : "", extra ? extra : "");
}

static void put_series(out_t *o, const series_t *s)
{
    const char *name = families[s->family].name;
    if (families[s->family].kind == COUNTER) {
        put(o, "%s", name);
        put_labels(o, s->labels, NULL);
        put(o, " %.17g\n", s->value);
        return;
    }
    char le[48];
    for (int i = 0; i < NBUCKETS; i++) {
        snprintf(le, sizeof le, "le=\"%g\"", bounds[i]);
        put(o, "%s_bucket", name);
        put_labels(o, s->labels, le);
        put(o, " %llu\n", s->buckets[i]);
    }
    put(o, "%s_bucket", name);
    put_labels(o, s->labels, "le=\"+Inf\"");
    put(o, " %llu\n%s_sum", s->count, name);
    put_labels(o, s->labels, NULL);
    put(o, " %.17g\n%s_count", s->value, name);
    put_labels(o, s->labels, NULL);
    put(o, " %llu\n", s->count);
}

char *sd_metrics_render(const sd_metrics_t *m, const sd_metrics_gauge_t *gauges, size_t ngauges)
{
    static const char *const type_names[] = {"counter", "gauge", "histogram"};
    out_t o = {.cap = 4096};
    o.buf = malloc(o.cap);
    if (!o.buf) return NULL;
    o.buf[0] = '\0';
    for (size_t f = 0; f < NFAMILIES; f++) {
        put(&o, "# HELP %s %s\n# TYPE %s %s\n", families[f].name, families[f].help, families[f].name,
            type_names[families[f].kind]);
        for (const series_t *s = m ? m->series : NULL; s; s = s->hh.next)
            if (s->family == (int)f) put_series(&o, s);
        for (size_t g = 0; g < ngauges; g++) {
            if (strcmp(gauges[g].family, families[f].name) || families[f].kind != GAUGE) continue;
            put(&o, "%s", families[f].name);
            put_labels(&o, gauges[g].labels ? gauges[g].labels : "", NULL);
            put(&o, " %.17g\n", gauges[g].value);
        }
    }
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}
