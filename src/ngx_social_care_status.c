/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_status.c: what the module has done, for operators.
 *
 * Counters and latency histograms live in one shared memory zone, a slot
 * per platform, updated with atomic adds by every worker; each worker
 * publishes its own gauges (writes waiting, database connections) once a
 * second.  social_care_status serves them as JSON, as Prometheus text, or
 * as a small self-contained HTML page that draws them live.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <time.h>

#include "ngx_social_care.h"


#define SC_WORKERS_MAX      64
#define SC_HIST_BUCKETS     16


typedef struct {
    ngx_atomic_t          counters[SC_STAT_COUNT];
    ngx_atomic_t          buckets[SC_HIST_COUNT][SC_HIST_BUCKETS + 1];
    ngx_atomic_t          sum_usec[SC_HIST_COUNT];
} sc_stats_platform_t;


typedef struct {
    ngx_atomic_t          pid;
    ngx_atomic_t          pending;
    ngx_atomic_t          connections;
} sc_stats_worker_t;


typedef struct {
    ngx_atomic_t          started;
    ngx_atomic_t          spool_bytes;
    ngx_atomic_t          queue_depth;    /* jobs queued or running */

    /* people's first responses, from the worker's last look */
    ngx_atomic_t          first_response_at;
    ngx_atomic_t          first_response_n;
    sc_first_response_t   first_response[SC_FIRST_RESPONSE_HOURS];
    sc_stats_platform_t   platforms[SC_PLATFORMS_MAX];
    sc_stats_worker_t     workers[SC_WORKERS_MAX];
} sc_stats_t;


/* how each counter is exposed: Prometheus name and label, JSON key */
typedef struct {
    const char           *metric;
    const char           *label;
    const char           *value;
    const char           *json;
} sc_stat_name_t;


static ngx_int_t ngx_social_care_stats_init_zone(ngx_shm_zone_t *zone,
    void *data);
static sc_stats_t *ngx_social_care_stats(void);
static void ngx_social_care_publish(ngx_event_t *ev);
static ngx_int_t ngx_social_care_status_handler(ngx_http_request_t *r);
static ngx_int_t ngx_social_care_status_json(ngx_http_request_t *r,
    ngx_chain_t *out);
static ngx_int_t ngx_social_care_status_prometheus(ngx_http_request_t *r,
    ngx_chain_t *out);
static ngx_buf_t *ngx_social_care_buf(ngx_http_request_t *r, size_t size);
static ngx_int_t ngx_social_care_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static sc_stat_name_t  sc_stat_names[SC_STAT_COUNT] = {
    { "webhooks_received", NULL, NULL, "received" },
    { "handshakes", NULL, NULL, "handshakes" },
    { "webhooks_verified", NULL, NULL, "verified" },
    { "webhooks_rejected", "reason", "signature_missing",
      "rejected_signature_missing" },
    { "webhooks_rejected", "reason", "signature_malformed",
      "rejected_signature_malformed" },
    { "webhooks_rejected", "reason", "signature_mismatch",
      "rejected_signature_mismatch" },
    { "webhooks_rejected", "reason", "signature_stale",
      "rejected_signature_stale" },
    { "webhooks_rejected", "reason", "invalid_json",
      "rejected_invalid_json" },
    { "webhooks_rejected", "reason", "invalid_payload",
      "rejected_invalid_payload" },
    { "webhooks_rejected", "reason", "body_too_large",
      "rejected_body_too_large" },
    { "webhooks_rejected", "reason", "too_many_events",
      "rejected_too_many_events" },
    { "webhooks_rejected", "reason", "method_not_allowed",
      "rejected_method_not_allowed" },
    { "webhooks_rejected", "reason", "handshake_refused",
      "rejected_handshake" },
    { "webhooks_failed", "reason", "database_unavailable",
      "failed_database_unavailable" },
    { "webhooks_failed", "reason", "database_timeout",
      "failed_database_timeout" },
    { "webhooks_failed", "reason", "overloaded", "failed_overloaded" },
    { "webhooks_failed", "reason", "storage_failed",
      "failed_storage_failed" },
    { "webhooks_failed", "reason", "internal_error",
      "failed_internal_error" },
    { "events_persisted", NULL, NULL, "persisted" },
    { "events_duplicate", NULL, NULL, "duplicates" },
    { "events_spooled", NULL, NULL, "spooled" },
    { "events_replayed", NULL, NULL, "replayed" },
    { "replies", "status", "inline", "replies_inline" },
    { "replies", "status", "pending", "replies_pending" },
    { "replies", "status", "sent", "replies_sent" },
    { "replies", "status", "failed", "replies_failed" },
    { "escalations", NULL, NULL, "escalations" },
    { "events_by_priority", "priority", "1", "priority_1" },
    { "events_by_priority", "priority", "2", "priority_2" },
    { "events_by_priority", "priority", "3", "priority_3" },
    { "events_by_priority", "priority", "4", "priority_4" },
    { "events_by_category", "category", "complaint", "category_complaint" },
    { "events_by_category", "category", "question", "category_question" },
    { "events_by_category", "category", "praise", "category_praise" },
    { "events_by_category", "category", "feedback", "category_feedback" },
    { "events_by_category", "category", "spam", "category_spam" },
    { "events_by_category", "category", "abuse", "category_abuse" },
    { "events_by_category", "category", "other", "category_other" },
    { "events_by_sentiment", "sentiment", "negative", "sentiment_negative" },
    { "events_by_sentiment", "sentiment", "neutral", "sentiment_neutral" },
    { "events_by_sentiment", "sentiment", "positive", "sentiment_positive" }
};


/* error codes of ngx_social_care_error() and what they count as */
static struct {
    const char           *code;
    sc_stat_e             stat;
} sc_stat_errors[] = {
    { "signature_missing", SC_STAT_REJECTED_SIGNATURE_MISSING },
    { "signature_malformed", SC_STAT_REJECTED_SIGNATURE_MALFORMED },
    { "signature_mismatch", SC_STAT_REJECTED_SIGNATURE_MISMATCH },
    { "signature_stale", SC_STAT_REJECTED_SIGNATURE_STALE },
    { "invalid_json", SC_STAT_REJECTED_INVALID_JSON },
    { "invalid_payload", SC_STAT_REJECTED_INVALID_PAYLOAD },
    { "body_too_large", SC_STAT_REJECTED_BODY_TOO_LARGE },
    { "too_many_events", SC_STAT_REJECTED_TOO_MANY_EVENTS },
    { "method_not_allowed", SC_STAT_REJECTED_METHOD },
    { "forbidden", SC_STAT_REJECTED_HANDSHAKE },
    { "database_unavailable", SC_STAT_UNAVAILABLE },
    { "database_timeout", SC_STAT_TIMEOUT },
    { "overloaded", SC_STAT_OVERLOADED },
    { "storage_failed", SC_STAT_STORAGE_FAILED },
    { "internal_error", SC_STAT_INTERNAL_ERROR },
    { NULL, 0 }
};


static const char  *sc_hist_names[SC_HIST_COUNT] = {
    "verify", "persist", "request"
};


/* upper bounds in microseconds: 100 us .. 10 s, then +Inf */
static const uint64_t  sc_hist_bounds[SC_HIST_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
    500000, 1000000, 2500000, 5000000, 10000000
};


static ngx_shm_zone_t  *sc_stats_zone;
static ngx_event_t      sc_publish_ev;
static ngx_uint_t       sc_worker_slot;


/* configuration */

ngx_int_t
ngx_social_care_status_conf(ngx_conf_t *cf)
{
    ngx_str_t                     name = ngx_string("social_care_stats");
    ngx_social_care_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_social_care_module);

    smcf->stats = ngx_shared_memory_add(cf, &name,
                                        ngx_align(sizeof(sc_stats_t)
                                                  + 2 * ngx_pagesize,
                                                  ngx_pagesize),
                                        &ngx_social_care_module);
    if (smcf->stats == NULL) {
        return NGX_ERROR;
    }

    smcf->stats->init = ngx_social_care_stats_init_zone;

    sc_stats_zone = smcf->stats;

    return NGX_OK;
}


static ngx_int_t
ngx_social_care_stats_init_zone(ngx_shm_zone_t *zone, void *data)
{
    sc_stats_t       *stats;
    ngx_slab_pool_t  *shpool;

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (data) {
        /* a reload keeps the counters of the running zone */
        zone->data = data;
        return NGX_OK;
    }

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    stats = ngx_slab_calloc(shpool, sizeof(sc_stats_t));
    if (stats == NULL) {
        return NGX_ERROR;
    }

    stats->started = ngx_time();
    shpool->data = stats;
    zone->data = stats;

    return NGX_OK;
}


/* only called once the zones are initialized: in workers, or a request */

static sc_stats_t *
ngx_social_care_stats(void)
{
    if (sc_stats_zone == NULL || sc_stats_zone->shm.addr == NULL) {
        return NULL;
    }

    return sc_stats_zone->data;
}


char *
ngx_social_care_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t     *clcf;
    ngx_social_care_main_conf_t  *smcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_social_care_status_handler;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_social_care_module);

    if (smcf->stats == NULL && ngx_social_care_status_conf(cf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* counting */

static sc_stats_platform_t *
ngx_social_care_slot(ngx_http_request_t *r)
{
    sc_stats_t                  *stats;
    ngx_social_care_loc_conf_t  *slcf;

    stats = ngx_social_care_stats();
    if (stats == NULL) {
        return NULL;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    return &stats->platforms[slcf->platform_index % SC_PLATFORMS_MAX];
}


void
ngx_social_care_count(ngx_http_request_t *r, sc_stat_e stat, ngx_uint_t n)
{
    sc_stats_platform_t  *slot;

    slot = ngx_social_care_slot(r);

    if (slot && n) {
        (void) ngx_atomic_fetch_add(&slot->counters[stat], n);
    }
}


void
ngx_social_care_count_platform(ngx_uint_t platform, sc_stat_e stat,
    ngx_uint_t n)
{
    sc_stats_t  *stats;

    stats = ngx_social_care_stats();

    if (stats && n) {
        (void) ngx_atomic_fetch_add(
                   &stats->platforms[platform % SC_PLATFORMS_MAX]
                        .counters[stat], n);
    }
}


/* the worker's last look at social_care.jobs, shared by all processes */

void
ngx_social_care_queue_depth(ngx_uint_t n)
{
    sc_stats_t  *stats;

    stats = ngx_social_care_stats();

    if (stats) {
        stats->queue_depth = n;
    }
}


/*
 * Every worker process may write it: they all read the same rows, so a
 * reader that catches two writers at once still sees recent figures.
 */

void
ngx_social_care_first_response(const sc_first_response_t *hours,
    ngx_uint_t n)
{
    sc_stats_t  *stats;

    stats = ngx_social_care_stats();

    if (stats == NULL) {
        return;
    }

    n = ngx_min(n, SC_FIRST_RESPONSE_HOURS);

    ngx_memcpy(stats->first_response, hours,
               n * sizeof(sc_first_response_t));
    stats->first_response_n = n;
    stats->first_response_at = ngx_time();
}


ngx_atomic_t *
ngx_social_care_spool_bytes(void)
{
    sc_stats_t  *stats;

    stats = ngx_social_care_stats();

    return stats ? &stats->spool_bytes : NULL;
}


void
ngx_social_care_count_error(ngx_http_request_t *r, const char *code)
{
    ngx_uint_t  i;

    for (i = 0; sc_stat_errors[i].code; i++) {
        if (ngx_strcmp(sc_stat_errors[i].code, code) == 0) {
            ngx_social_care_count(r, sc_stat_errors[i].stat, 1);
            return;
        }
    }
}


void
ngx_social_care_observe(ngx_http_request_t *r, sc_hist_e hist,
    uint64_t usec)
{
    ngx_uint_t            i;
    sc_stats_platform_t  *slot;

    slot = ngx_social_care_slot(r);
    if (slot == NULL) {
        return;
    }

    for (i = 0; i < SC_HIST_BUCKETS && usec > sc_hist_bounds[i]; i++) {
        /* void */
    }

    (void) ngx_atomic_fetch_add(&slot->buckets[hist][i], 1);
    (void) ngx_atomic_fetch_add(&slot->sum_usec[hist], usec);
}


uint64_t
ngx_social_care_usec(void)
{
    struct timespec  ts;

    /* the vDSO clock: no system call, never blocks */
    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}


/* gauges: each worker publishes its own, once a second */

void
ngx_social_care_status_start(ngx_cycle_t *cycle)
{
    sc_worker_slot = ngx_worker % SC_WORKERS_MAX;

    sc_publish_ev.handler = ngx_social_care_publish;
    sc_publish_ev.log = cycle->log;
    sc_publish_ev.data = cycle;
    sc_publish_ev.cancelable = 1;

    ngx_social_care_publish(&sc_publish_ev);
}


void
ngx_social_care_status_stop(ngx_cycle_t *cycle)
{
    sc_stats_t  *stats;

    if (sc_publish_ev.timer_set) {
        ngx_del_timer(&sc_publish_ev);
    }

    stats = ngx_social_care_stats();

    if (stats && stats->workers[sc_worker_slot].pid == (ngx_atomic_uint_t)
                                                      ngx_pid)
    {
        stats->workers[sc_worker_slot].pending = 0;
        stats->workers[sc_worker_slot].connections = 0;
    }
}


static void
ngx_social_care_publish(ngx_event_t *ev)
{
    ngx_uint_t                    pending, connected;
    sc_stats_t                   *stats;
    ngx_cycle_t                  *cycle;
    ngx_social_care_main_conf_t  *smcf;

    cycle = ev->data;
    stats = ngx_social_care_stats();
    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_social_care_module);

    if (stats && smcf) {
        pending = 0;
        connected = 0;

        if (smcf->pool) {
            sc_pg_pool_stats(smcf->pool, &pending, &connected);
        }

        stats->workers[sc_worker_slot].pid = ngx_pid;
        stats->workers[sc_worker_slot].pending = pending;
        stats->workers[sc_worker_slot].connections = connected;
    }

    if (!ngx_exiting) {
        ngx_add_timer(ev, 1000);
    }
}


/* the handler */

static ngx_int_t
ngx_social_care_status_handler(ngx_http_request_t *r)
{
    ngx_int_t     rc;
    ngx_str_t     format;
    ngx_chain_t   out;
    ngx_uint_t    kind;

    extern const char  ngx_social_care_status_page[];

    if (r->method != NGX_HTTP_GET && r->method != NGX_HTTP_HEAD) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_social_care_stats() == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    /* ?format= wins; else the Accept header; else JSON */
    kind = 0;

    if (ngx_http_arg(r, (u_char *) "format", 6, &format) == NGX_OK) {
        if (format.len == 10
            && ngx_strncmp(format.data, "prometheus", 10) == 0)
        {
            kind = 1;

        } else if (format.len == 4
                   && ngx_strncmp(format.data, "html", 4) == 0)
        {
            kind = 2;
        }

    } else if (r->headers_in.accept) {
        if (ngx_strlcasestrn(r->headers_in.accept->value.data,
                             r->headers_in.accept->value.data
                             + r->headers_in.accept->value.len,
                             (u_char *) "text/html", 9 - 1)
            != NULL)
        {
            kind = 2;

        } else if (ngx_strlcasestrn(r->headers_in.accept->value.data,
                                    r->headers_in.accept->value.data
                                    + r->headers_in.accept->value.len,
                                    (u_char *) "text/plain", 10 - 1)
                   != NULL
                   || ngx_strlcasestrn(r->headers_in.accept->value.data,
                                       r->headers_in.accept->value.data
                                       + r->headers_in.accept->value.len,
                                       (u_char *) "openmetrics", 11 - 1)
                      != NULL)
        {
            kind = 1;
        }
    }

    out.next = NULL;

    if (kind == 2) {
        out.buf = ngx_calloc_buf(r->pool);
        if (out.buf == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        out.buf->pos = (u_char *) ngx_social_care_status_page;
        out.buf->last = out.buf->pos + ngx_strlen(ngx_social_care_status_page);
        out.buf->memory = 1;
        ngx_str_set(&r->headers_out.content_type, "text/html; charset=utf-8");

    } else if (kind == 1) {
        if (ngx_social_care_status_prometheus(r, &out) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&r->headers_out.content_type,
                    "text/plain; version=0.0.4; charset=utf-8");

    } else {
        if (ngx_social_care_status_json(r, &out) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&r->headers_out.content_type, "application/json");
    }

    out.buf->last_buf = (r == r->main) ? 1 : 0;
    out.buf->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = out.buf->last - out.buf->pos;
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    return ngx_http_output_filter(r, &out);
}


static ngx_buf_t *
ngx_social_care_buf(ngx_http_request_t *r, size_t size)
{
    return ngx_create_temp_buf(r->pool, size);
}


static ngx_int_t
ngx_social_care_status_json(ngx_http_request_t *r, ngx_chain_t *out)
{
    u_char                       *p;
    ngx_buf_t                    *b;
    ngx_uint_t                    i, k, h, first, firstp;
    sc_stats_t                   *st;
    sc_stats_platform_t          *slot;
    sc_first_response_t          *fr;
    ngx_social_care_main_conf_t  *smcf;

    st = ngx_social_care_stats();
    smcf = ngx_http_get_module_main_conf(r, ngx_social_care_module);

    b = ngx_social_care_buf(r, 4096 + SC_PLATFORMS_MAX * 4096
                               + SC_WORKERS_MAX * 96
                               + SC_FIRST_RESPONSE_HOURS * 160);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = b->last;
    p = ngx_sprintf(p, "{\"started\":%uA,\"now\":%T,\"platforms\":{",
                    st->started, ngx_time());

    firstp = 1;

    for (i = 0; i < sc_platform_count() && i < SC_PLATFORMS_MAX; i++) {
        if (!(smcf->platforms & ((ngx_uint_t) 1 << i))) {
            continue;
        }

        slot = &st->platforms[i];

        p = ngx_sprintf(p, "%s\"%s\":{", firstp ? "" : ",",
                        sc_platform_at(i)->name);
        firstp = 0;

        for (k = 0; k < SC_STAT_COUNT; k++) {
            p = ngx_sprintf(p, "%s\"%s\":%uA", k ? "," : "",
                            sc_stat_names[k].json, slot->counters[k]);
        }

        p = ngx_sprintf(p, ",\"latency\":{");

        for (h = 0; h < SC_HIST_COUNT; h++) {
            p = ngx_sprintf(p, "%s\"%s\":{\"sum_us\":%uA,\"buckets\":[",
                            h ? "," : "", sc_hist_names[h],
                            slot->sum_usec[h]);

            for (k = 0; k <= SC_HIST_BUCKETS; k++) {
                p = ngx_sprintf(p, "%s%uA", k ? "," : "",
                                slot->buckets[h][k]);
            }

            p = ngx_sprintf(p, "]}");
        }

        p = ngx_sprintf(p, "}}");
    }

    p = ngx_sprintf(p, "},\"bucket_bounds_us\":[");

    for (k = 0; k < SC_HIST_BUCKETS; k++) {
        p = ngx_sprintf(p, "%s%uL", k ? "," : "", sc_hist_bounds[k]);
    }

    p = ngx_sprintf(p, "],\"workers\":[");

    first = 1;

    for (i = 0; i < SC_WORKERS_MAX; i++) {
        if (st->workers[i].pid == 0) {
            continue;
        }

        p = ngx_sprintf(p, "%s{\"pid\":%uA,\"pending_writes\":%uA,"
                        "\"db_connections\":%uA}", first ? "" : ",",
                        st->workers[i].pid, st->workers[i].pending,
                        st->workers[i].connections);
        first = 0;
    }

    p = ngx_sprintf(p, "],\"spool_bytes\":%uA,\"queue_depth\":%uA,"
                    "\"first_response\":{\"updated\":%uA,\"hours\":[",
                    st->spool_bytes, st->queue_depth, st->first_response_at);

    for (i = 0; i < st->first_response_n && i < SC_FIRST_RESPONSE_HOURS;
         i++)
    {
        fr = &st->first_response[i];

        p = ngx_sprintf(p, "%s{\"hour\":%L,\"events\":%uL,"
                        "\"answered\":%uL,\"p50_seconds\":%uL,"
                        "\"p90_seconds\":%uL,\"overdue\":%uL}",
                        i ? "," : "", fr->hour, fr->events, fr->answered,
                        fr->p50, fr->p90, fr->overdue);
    }

    p = ngx_sprintf(p, "]}}");

    b->last = p;
    out->buf = b;

    return NGX_OK;
}


static ngx_int_t
ngx_social_care_status_prometheus(ngx_http_request_t *r, ngx_chain_t *out)
{
    u_char                       *p;
    uint64_t                      cum, events, answered, overdue;
    ngx_buf_t                    *b;
    ngx_uint_t                    i, k, h, w, pending, conns;
    const char                   *name, *last;
    sc_stats_t                   *st;
    sc_stats_platform_t          *slot;
    ngx_social_care_main_conf_t  *smcf;

    st = ngx_social_care_stats();
    smcf = ngx_http_get_module_main_conf(r, ngx_social_care_module);

    b = ngx_social_care_buf(r, 8192 + SC_PLATFORMS_MAX * 16384);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = b->last;
    last = NULL;

    /* one family at a time: counters of a metric name are adjacent */
    for (k = 0; k < SC_STAT_COUNT; k++) {
        if (last == NULL || ngx_strcmp(last, sc_stat_names[k].metric) != 0) {
            last = sc_stat_names[k].metric;
            p = ngx_sprintf(p, "# TYPE social_care_%s_total counter\n", last);
        }

        for (i = 0; i < sc_platform_count() && i < SC_PLATFORMS_MAX; i++) {
            if (!(smcf->platforms & ((ngx_uint_t) 1 << i))) {
                continue;
            }

            name = sc_platform_at(i)->name;

            if (sc_stat_names[k].label) {
                p = ngx_sprintf(p, "social_care_%s_total{platform=\"%s\","
                                "%s=\"%s\"} %uA\n", sc_stat_names[k].metric,
                                name, sc_stat_names[k].label,
                                sc_stat_names[k].value,
                                st->platforms[i].counters[k]);

            } else {
                p = ngx_sprintf(p, "social_care_%s_total{platform=\"%s\"} "
                                "%uA\n", sc_stat_names[k].metric, name,
                                st->platforms[i].counters[k]);
            }
        }
    }

    for (h = 0; h < SC_HIST_COUNT; h++) {
        p = ngx_sprintf(p, "# TYPE social_care_%s_duration_seconds "
                        "histogram\n", sc_hist_names[h]);

        for (i = 0; i < sc_platform_count() && i < SC_PLATFORMS_MAX; i++) {
            if (!(smcf->platforms & ((ngx_uint_t) 1 << i))) {
                continue;
            }

            name = sc_platform_at(i)->name;
            slot = &st->platforms[i];
            cum = 0;

            for (k = 0; k <= SC_HIST_BUCKETS; k++) {
                cum += slot->buckets[h][k];

                if (k < SC_HIST_BUCKETS) {
                    p = ngx_sprintf(p, "social_care_%s_duration_seconds_bucket"
                                    "{platform=\"%s\",le=\"%uL.%06uL\"} "
                                    "%uL\n", sc_hist_names[h], name,
                                    sc_hist_bounds[k] / 1000000,
                                    sc_hist_bounds[k] % 1000000, cum);

                } else {
                    p = ngx_sprintf(p, "social_care_%s_duration_seconds_bucket"
                                    "{platform=\"%s\",le=\"+Inf\"} %uL\n",
                                    sc_hist_names[h], name, cum);
                }
            }

            p = ngx_sprintf(p, "social_care_%s_duration_seconds_sum"
                            "{platform=\"%s\"} %uA.%06uA\n"
                            "social_care_%s_duration_seconds_count"
                            "{platform=\"%s\"} %uL\n",
                            sc_hist_names[h], name,
                            slot->sum_usec[h] / 1000000,
                            slot->sum_usec[h] % 1000000,
                            sc_hist_names[h], name, cum);
        }
    }

    pending = 0;
    conns = 0;

    p = ngx_sprintf(p, "# TYPE social_care_pending_writes gauge\n");

    for (w = 0; w < SC_WORKERS_MAX; w++) {
        if (st->workers[w].pid) {
            p = ngx_sprintf(p, "social_care_pending_writes{pid=\"%uA\"} "
                            "%uA\n", st->workers[w].pid,
                            st->workers[w].pending);
            pending += st->workers[w].pending;
        }
    }

    p = ngx_sprintf(p, "# TYPE social_care_db_connections gauge\n");

    for (w = 0; w < SC_WORKERS_MAX; w++) {
        if (st->workers[w].pid) {
            p = ngx_sprintf(p, "social_care_db_connections{pid=\"%uA\"} "
                            "%uA\n", st->workers[w].pid,
                            st->workers[w].connections);
            conns += st->workers[w].connections;
        }
    }

    p = ngx_sprintf(p, "# TYPE social_care_spool_bytes gauge\n"
                    "social_care_spool_bytes %uA\n"
                    "# HELP social_care_queue_depth Jobs queued or running "
                    "in social_care.jobs (the worker's last look)\n"
                    "# TYPE social_care_queue_depth gauge\n"
                    "social_care_queue_depth %uA\n",
                    st->spool_bytes, st->queue_depth);

    events = 0;
    answered = 0;
    overdue = 0;

    for (w = 0; w < st->first_response_n && w < SC_FIRST_RESPONSE_HOURS;
         w++)
    {
        events += st->first_response[w].events;
        answered += st->first_response[w].answered;
        overdue += st->first_response[w].overdue;
    }

    p = ngx_sprintf(p, "# HELP social_care_customer_events_24h Customer "
                    "events received in the last 24 hours\n"
                    "# TYPE social_care_customer_events_24h gauge\n"
                    "social_care_customer_events_24h %uL\n"
                    "# HELP social_care_answered_24h Of those, answered "
                    "by a person\n"
                    "# TYPE social_care_answered_24h gauge\n"
                    "social_care_answered_24h %uL\n"
                    "# HELP social_care_overdue_24h Of those, unanswered "
                    "past their SLA\n"
                    "# TYPE social_care_overdue_24h gauge\n"
                    "social_care_overdue_24h %uL\n",
                    events, answered, overdue);

    (void) pending;
    (void) conns;

    b->last = p;
    out->buf = b;

    return NGX_OK;
}


/* variables */

static ngx_http_variable_t  ngx_social_care_vars[] = {

    { ngx_string("social_care_event_ids"), NULL, ngx_social_care_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("social_care_category"), NULL, ngx_social_care_variable,
      1, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("social_care_priority"), NULL, ngx_social_care_variable,
      2, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("social_care_verify"), NULL, ngx_social_care_variable,
      3, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_social_care_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_social_care_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_social_care_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char                 *p;
    ngx_social_care_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_social_care_module);

    p = NULL;
    v->len = 0;

    if (ctx != NULL) {
        switch (data) {

        case 0:
            p = ctx->ids.data;
            v->len = ctx->ids.len;
            break;

        case 1:
            p = (u_char *) ctx->category;
            v->len = p ? ngx_strlen(p) : 0;
            break;

        case 2:
            if (ctx->priority) {
                p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
                if (p == NULL) {
                    return NGX_ERROR;
                }

                v->len = ngx_sprintf(p, "%i", ctx->priority) - p;
            }
            break;

        default:
            p = (u_char *) ctx->verify;
            v->len = p ? ngx_strlen(p) : 0;
            break;
        }
    }

    if (p == NULL || v->len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
