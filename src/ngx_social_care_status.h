/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_status.h: counters, gauges and latency histograms in
 * shared memory (all workers), the social_care_status handler, and the
 * $social_care_* variables.
 */

#ifndef _NGX_SOCIAL_CARE_STATUS_H_INCLUDED_
#define _NGX_SOCIAL_CARE_STATUS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


typedef enum {
    SC_STAT_RECEIVED = 0,
    SC_STAT_HANDSHAKES,
    SC_STAT_VERIFIED,
    SC_STAT_REJECTED_SIGNATURE_MISSING,
    SC_STAT_REJECTED_SIGNATURE_MALFORMED,
    SC_STAT_REJECTED_SIGNATURE_MISMATCH,
    SC_STAT_REJECTED_SIGNATURE_STALE,
    SC_STAT_REJECTED_INVALID_JSON,
    SC_STAT_REJECTED_INVALID_PAYLOAD,
    SC_STAT_REJECTED_BODY_TOO_LARGE,
    SC_STAT_REJECTED_TOO_MANY_EVENTS,
    SC_STAT_REJECTED_METHOD,
    SC_STAT_REJECTED_HANDSHAKE,
    SC_STAT_UNAVAILABLE,
    SC_STAT_TIMEOUT,
    SC_STAT_OVERLOADED,
    SC_STAT_STORAGE_FAILED,
    SC_STAT_INTERNAL_ERROR,
    SC_STAT_PERSISTED,
    SC_STAT_DUPLICATES,
    SC_STAT_SPOOLED,
    SC_STAT_REPLAYED,
    SC_STAT_REPLIES_INLINE,
    SC_STAT_REPLIES_PENDING,
    SC_STAT_REPLIES_SENT,
    SC_STAT_REPLIES_FAILED,
    SC_STAT_ESCALATIONS,
    SC_STAT_PRIORITY_1,
    SC_STAT_PRIORITY_2,
    SC_STAT_PRIORITY_3,
    SC_STAT_PRIORITY_4,
    SC_STAT_CATEGORY_COMPLAINT,
    SC_STAT_CATEGORY_QUESTION,
    SC_STAT_CATEGORY_PRAISE,
    SC_STAT_CATEGORY_FEEDBACK,
    SC_STAT_CATEGORY_SPAM,
    SC_STAT_CATEGORY_ABUSE,
    SC_STAT_CATEGORY_OTHER,
    SC_STAT_SENTIMENT_NEGATIVE,
    SC_STAT_SENTIMENT_NEUTRAL,
    SC_STAT_SENTIMENT_POSITIVE,
    SC_STAT_COUNT
} sc_stat_e;


typedef enum {
    SC_HIST_VERIFY = 0,      /* signature check, microseconds */
    SC_HIST_PERSIST,         /* queued to committed */
    SC_HIST_REQUEST,         /* request line to answer */
    SC_HIST_COUNT
} sc_hist_e;


ngx_int_t ngx_social_care_status_conf(ngx_conf_t *cf);
ngx_int_t ngx_social_care_add_variables(ngx_conf_t *cf);
void ngx_social_care_status_start(ngx_cycle_t *cycle);
void ngx_social_care_status_stop(ngx_cycle_t *cycle);

void ngx_social_care_count(ngx_http_request_t *r, sc_stat_e stat,
    ngx_uint_t n);
void ngx_social_care_count_error(ngx_http_request_t *r, const char *code);
void ngx_social_care_count_platform(ngx_uint_t platform, sc_stat_e stat,
    ngx_uint_t n);
ngx_atomic_t *ngx_social_care_spool_bytes(void);
void ngx_social_care_queue_depth(ngx_uint_t n);


#define SC_FIRST_RESPONSE_HOURS  24

/* one hour of social_care.first_response_stats() */
typedef struct {
    int64_t           hour;        /* unix seconds */
    uint64_t          events;
    uint64_t          answered;
    uint64_t          p50;         /* seconds */
    uint64_t          p90;
    uint64_t          overdue;
} sc_first_response_t;

void ngx_social_care_first_response(const sc_first_response_t *hours,
    ngx_uint_t n);
void ngx_social_care_observe(ngx_http_request_t *r, sc_hist_e hist,
    uint64_t usec);
uint64_t ngx_social_care_usec(void);

char *ngx_social_care_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);


#endif /* _NGX_SOCIAL_CARE_STATUS_H_INCLUDED_ */
