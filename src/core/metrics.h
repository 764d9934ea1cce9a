/*
 * metrics: the process's counters and latency histograms, and their rendering in Prometheus' text format for
 * GET /metrics. Every family is declared once in metrics.c with its type and help; a series is a family plus
 * its labels as they appear in the exposition (`route="/x",status="200"`), written by the caller from bounded
 * values (route patterns, operation names, status codes), never from raw request input.
 */
#ifndef SD_CORE_METRICS_H
#define SD_CORE_METRICS_H

#include <stddef.h>

typedef struct sd_metrics sd_metrics_t;

/* A value read at render time (open sessions, broker state...). */
typedef struct {
    const char *family; /* declared as a gauge in metrics.c */
    const char *labels; /* may be "" */
    double value;
} sd_metrics_gauge_t;

/* Returns a new, empty registry; caller frees with sd_metrics_free(). */
sd_metrics_t *sd_metrics_new(void);
void sd_metrics_free(sd_metrics_t *m);
/* Adds delta to a counter series (created at zero on first use). m may be NULL (nothing is counted). */
void sd_metrics_add(sd_metrics_t *m, const char *family, const char *labels, double delta);
/* Records one observation (seconds) in a histogram series. m may be NULL. */
void sd_metrics_observe(sd_metrics_t *m, const char *family, const char *labels, double value);
/* The current value of a counter series (0 when it was never counted): for tests and logs. */
double sd_metrics_value(const sd_metrics_t *m, const char *family, const char *labels);
/* The exposition of every declared family: counters, histograms and the given gauges. Returns a new string
   (caller frees with free()), or NULL when out of memory. */
char *sd_metrics_render(const sd_metrics_t *m, const sd_metrics_gauge_t *gauges, size_t ngauges);

#endif
