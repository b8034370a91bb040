/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_worker.c: the worker queue, one per nginx worker
 * process (or the single process).
 *
 * Jobs are rows of social_care.jobs, written in the transaction of the
 * events they concern.  A worker claims a few at a time through
 * social_care.claim_jobs() (FOR UPDATE SKIP LOCKED, a lease), so every
 * process of every node drains the same queue and none takes a job
 * another holds.  New jobs NOTIFY social_care_jobs, on which the worker's
 * connection LISTENs; a poll timer covers lost notifications and retries
 * that came due.  Each job ends with one report (done, skipped, failed),
 * and a worker that dies before reporting leaves a lease that expires:
 * delivery is at least once, and a delivery that reports done twice
 * changes nothing.  A watch timer runs the SLA and crisis watches (one
 * caller at a time across nodes: they take an advisory lock).
 *
 * Nothing here blocks: the statements go through pgq, the deliveries
 * through the event-loop HTTP client.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <jansson.h>

#include "ngx_social_care.h"
#include "ngx_social_care_pgq.h"
#include "sc_deliver.h"
#include "sc_http.h"


#define SC_WORKER_CHANNEL  "social_care_jobs"

#define SC_SQL_CLAIM                                                          \
    "select job_id, kind, attempts, payload::text "                           \
    "from social_care.claim_jobs($1, $2::integer, $3::integer, $4::integer)"
#define SC_SQL_DONE                                                           \
    "select social_care.job_done($1::bigint, $2, $3)"
#define SC_SQL_SKIPPED                                                        \
    "select social_care.job_skipped($1::bigint, $2, $3)"
#define SC_SQL_FAILED                                                         \
    "select social_care.job_failed($1::bigint, $2, $3, $4::integer, "         \
    "$5::integer, $6::boolean, $7::integer)"
#define SC_SQL_WATCH_SLA                                                      \
    "select social_care.watch_sla($1::integer, $2::integer, $3::integer, "    \
    "$4::integer, $5::integer, $6::tstzmultirange)"

/* events younger than this are watched; the open hours cover it */
#define SC_SLA_HORIZON        (7 * 86400)
#define SC_SLA_HOURS_AHEAD    (8 * 86400)
#define SC_SLA_HOURS_MAX      256
#define SC_SLA_RANGE_LEN      sizeof("[2026-11-20 16:50:00+00,"            \
                                     "2026-11-20 17:00:00+00),")
#define SC_SQL_WATCH_CRISES                                                   \
    "select social_care.watch_crises($1::integer, $2::integer, $3::real, "    \
    "$4::integer)"
#define SC_SQL_QUEUE_DEPTH                                                    \
    "select social_care.queue_depth()"
#define SC_SQL_FIRST_RESPONSE                                                 \
    "select extract(epoch from hour)::bigint, events, answered, "            \
    "coalesce(p50_seconds, 0)::bigint, coalesce(p90_seconds, 0)::bigint, "   \
    "overdue from social_care.first_response_stats(24)"

/* the status page's first-response figures: every sixth watch, or 30 s */
#define SC_FIRST_RESPONSE_EVERY  30000

#define SC_SQL_CRISIS_TOPICS                                                  \
    "select t from social_care.crisis_topics() as t limit 64"

#define SC_CRISIS_TOPICS_MAX  64
#define SC_CRISIS_TOPIC_LEN   64


typedef enum {
    SC_JOB_DELIVER = 0,
    SC_JOB_ESCALATE,
    SC_JOB_CRISIS,
    SC_JOB_UNKNOWN
} sc_job_kind_e;


typedef struct {
    ngx_social_care_worker_conf_t  *wcf;
    ngx_log_t                      *log;
    sc_pgq_t                       *pgq;
    char                            id[NGX_MAXHOSTNAMELEN + 64];

    ngx_uint_t                      held;        /* jobs claimed, unreported */
    ngx_msec_t                      stats_due;   /* first-response figures */
    u_char                         *hours;       /* open_hours text */
    unsigned                        claiming:1;
    unsigned                        more:1;      /* claim again when done */
    unsigned                        watching:2;  /* watch statements out */

    ngx_event_t                     poll;
    ngx_event_t                     watch;
} ngx_social_care_worker_t;


typedef struct {
    int64_t                         id;
    char                            ids[NGX_INT64_LEN + 1];
    sc_job_kind_e                   kind;
    json_t                         *payload;
    const sc_platform_t            *platform;
    sc_api_t                        api;        /* deliveries: where to */
    const char                     *reported;   /* what was reported */
} sc_job_t;


static void ngx_social_care_worker_wake(void *data);
static void ngx_social_care_worker_poll(ngx_event_t *ev);
static void ngx_social_care_worker_tick(ngx_event_t *ev);
static void ngx_social_care_worker_claim(void);
static void ngx_social_care_worker_claimed(void *data, PGresult *res);
static void ngx_social_care_worker_watched(void *data, PGresult *res);
static void ngx_social_care_worker_topics(void *data, PGresult *res);
static void ngx_social_care_worker_depth(void *data, PGresult *res);
static const char *ngx_social_care_worker_open_hours(
    ngx_social_care_worker_t *w);
static void ngx_social_care_worker_first_response(void *data,
    PGresult *res);
static void ngx_social_care_job_run(sc_job_t *job);
static void ngx_social_care_job_deliver(sc_job_t *job);
static void ngx_social_care_job_delivered(void *data,
    ngx_social_care_http_result_t *res);
static void ngx_social_care_job_notify(sc_job_t *job);
static void ngx_social_care_job_notified(void *data,
    ngx_social_care_http_result_t *res);
static void ngx_social_care_job_close(sc_job_t *job, const char *sql,
    const char *status, const char *text);
static void ngx_social_care_job_failed(sc_job_t *job, const char *error,
    ngx_int_t retry_after, ngx_uint_t permanent);
static void ngx_social_care_job_report(sc_job_t *job, const char *sql,
    ngx_uint_t n, const char **values);
static void ngx_social_care_job_reported(void *data, PGresult *res);
static void ngx_social_care_job_free(sc_job_t *job);
static const char *ngx_social_care_json_str(json_t *obj, const char *key);
static double ngx_social_care_now(void);


static ngx_social_care_worker_t  *ngx_social_care_worker;

/* the topics of the open crises, as the last watch saw them */
static char        ngx_social_care_crisis_topics[SC_CRISIS_TOPICS_MAX]
                                                [SC_CRISIS_TOPIC_LEN];
static ngx_uint_t  ngx_social_care_ncrisis_topics;


ngx_int_t
ngx_social_care_worker_start(ngx_cycle_t *cycle,
    ngx_social_care_worker_conf_t *wcf, void *pg_conf)
{
    ngx_social_care_worker_t  *w;

    w = ngx_calloc(sizeof(ngx_social_care_worker_t), cycle->log);
    if (w == NULL) {
        return NGX_ERROR;
    }

    w->wcf = wcf;
    w->log = cycle->log;

    /* who holds a job: the node and the process, for DBAs and leases */
    (void) ngx_snprintf((u_char *) w->id, sizeof(w->id) - 1, "%V:%P%Z",
                        &cycle->hostname, ngx_pid);

    w->poll.handler = ngx_social_care_worker_poll;
    w->poll.data = w;
    w->poll.log = cycle->log;
    w->poll.cancelable = 1;

    w->watch.handler = ngx_social_care_worker_tick;
    w->watch.data = w;
    w->watch.log = cycle->log;
    w->watch.cancelable = 1;

    ngx_social_care_worker = w;

    /* statements: claims and watches one each, a report per job held */
    w->pgq = sc_pgq_create(pg_conf, SC_WORKER_CHANNEL, wcf->jobs + 8,
                           ngx_social_care_worker_wake, w, cycle->log);
    if (w->pgq == NULL) {
        ngx_social_care_worker = NULL;
        ngx_free(w);
        return NGX_ERROR;
    }

    ngx_add_timer(&w->poll, wcf->poll);

    /* the workers of a node do not all watch in step */
    ngx_add_timer(&w->watch, wcf->watch / 2
                             + (ngx_msec_t) ngx_random() % wcf->watch);

    return NGX_OK;
}


void
ngx_social_care_worker_stop(void)
{
    ngx_social_care_worker_t  *w;

    w = ngx_social_care_worker;
    if (w == NULL) {
        return;
    }

    if (w->poll.timer_set) {
        ngx_del_timer(&w->poll);
    }

    if (w->watch.timer_set) {
        ngx_del_timer(&w->watch);
    }

    /* unreported jobs come back when their leases expire */
    sc_pgq_destroy(w->pgq);

    if (w->hours) {
        ngx_free(w->hours);
    }

    ngx_social_care_worker = NULL;
    ngx_free(w);
}


static ngx_uint_t
ngx_social_care_worker_stopping(void)
{
    return ngx_exiting || ngx_quit || ngx_terminate;
}


/* connected, or notified of new jobs */

static void
ngx_social_care_worker_wake(void *data)
{
    ngx_social_care_worker_claim();
}


static void
ngx_social_care_worker_poll(ngx_event_t *ev)
{
    ngx_social_care_worker_t  *w;

    w = ev->data;

    ngx_social_care_worker_claim();

    if (!ngx_social_care_worker_stopping()) {
        ngx_add_timer(&w->poll, w->wcf->poll);
    }
}


static void
ngx_social_care_worker_claim(void)
{
    u_char                     n[NGX_INT_T_LEN + 1], lease[NGX_INT_T_LEN + 1],
                               attempts[NGX_INT_T_LEN + 1];
    const char                *values[4];
    ngx_social_care_worker_t  *w;

    w = ngx_social_care_worker;

    if (w == NULL || w->pgq == NULL || ngx_social_care_worker_stopping()
        || !sc_pgq_connected(w->pgq))
    {
        return;
    }

    if (w->claiming) {
        w->more = 1;
        return;
    }

    if (w->held >= w->wcf->jobs) {
        return;
    }

    (void) ngx_snprintf(n, sizeof(n), "%ui%Z", w->wcf->jobs - w->held);
    (void) ngx_snprintf(lease, sizeof(lease), "%ui%Z",
                        (ngx_uint_t) (w->wcf->lease + 999) / 1000);
    (void) ngx_snprintf(attempts, sizeof(attempts), "%ui%Z",
                        w->wcf->attempts);

    values[0] = w->id;
    values[1] = (const char *) n;
    values[2] = (const char *) lease;
    values[3] = (const char *) attempts;

    /* set first: the answer may come before sc_pgq_send() returns */
    w->claiming = 1;
    w->more = 0;

    if (sc_pgq_send(w->pgq, SC_SQL_CLAIM, 4, values,
                    ngx_social_care_worker_claimed, w)
        != NGX_OK)
    {
        w->claiming = 0;
    }
}


static void
ngx_social_care_worker_claimed(void *data, PGresult *res)
{
    int                        i, rows;
    char                      *kind, *payload;
    sc_job_t                  *job;
    json_error_t               err;
    ngx_social_care_worker_t  *w;

    w = data;
    w->claiming = 0;

    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK
        || PQnfields(res) != 4)
    {
        /* logged by pgq; the poll timer tries again */
        return;
    }

    rows = PQntuples(res);

    for (i = 0; i < rows; i++) {
        job = ngx_calloc(sizeof(sc_job_t), w->log);
        if (job == NULL) {
            /* its lease expires and someone takes it again */
            continue;
        }

        w->held++;

        job->id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        ngx_cpystrn((u_char *) job->ids, (u_char *) PQgetvalue(res, i, 0),
                    sizeof(job->ids));

        kind = PQgetvalue(res, i, 1);

        job->kind = ngx_strcmp(kind, "deliver_reply") == 0 ? SC_JOB_DELIVER
                    : ngx_strcmp(kind, "escalate") == 0 ? SC_JOB_ESCALATE
                    : ngx_strcmp(kind, "notify_crisis") == 0 ? SC_JOB_CRISIS
                    : SC_JOB_UNKNOWN;

        if (!PQgetisnull(res, i, 3)) {
            payload = PQgetvalue(res, i, 3);
            job->payload = json_loads(payload, JSON_DECODE_ANY, &err);
        }

        ngx_social_care_job_run(job);
    }

    /* a full claim: more may be waiting */
    if (w->more || (rows > 0 && w->held < w->wcf->jobs)) {
        ngx_social_care_worker_claim();
    }
}


static void
ngx_social_care_worker_tick(ngx_event_t *ev)
{
    u_char                         sla[4][NGX_INT_T_LEN + 1],
                                   horizon[NGX_INT_T_LEN + 1],
                                   cw[NGX_INT_T_LEN + 1],
                                   cmin[NGX_INT_T_LEN + 1],
                                   cf[32], cb[NGX_INT_T_LEN + 1];
    ngx_uint_t                     i;
    const char                    *values[6];
    ngx_social_care_worker_t      *w;
    ngx_social_care_worker_conf_t *wcf;

    w = ev->data;
    wcf = w->wcf;

    if (ngx_social_care_worker_stopping()) {
        return;
    }

    ngx_add_timer(&w->watch, wcf->watch);

    if (!sc_pgq_connected(w->pgq) || w->watching) {
        return;
    }

    (void) sc_pgq_send(w->pgq, SC_SQL_QUEUE_DEPTH, 0, NULL,
                       ngx_social_care_worker_depth, w);

    if ((ngx_msec_int_t) (ngx_current_msec - w->stats_due) >= 0) {
        w->stats_due = ngx_current_msec
                       + ngx_min(6 * wcf->watch, SC_FIRST_RESPONSE_EVERY);

        (void) sc_pgq_send(w->pgq, SC_SQL_FIRST_RESPONSE, 0, NULL,
                           ngx_social_care_worker_first_response, w);
    }

    for (i = 0; i < 4; i++) {
        if (wcf->sla[i] < 0) {
            values[i] = NULL;          /* social_care.sla decides */
            continue;
        }

        (void) ngx_snprintf(sla[i], sizeof(sla[i]), "%i%Z", wcf->sla[i]);
        values[i] = (const char *) sla[i];
    }

    (void) ngx_snprintf(horizon, sizeof(horizon), "%d%Z", SC_SLA_HORIZON);
    values[4] = (const char *) horizon;
    values[5] = ngx_social_care_worker_open_hours(w);

    w->watching++;

    if (sc_pgq_send(w->pgq, SC_SQL_WATCH_SLA, 6, values,
                    ngx_social_care_worker_watched, w)
        != NGX_OK)
    {
        w->watching--;
    }

    if (!wcf->crisis) {
        return;
    }

    (void) ngx_snprintf(cw, sizeof(cw), "%i%Z", wcf->crisis_window);
    (void) ngx_snprintf(cmin, sizeof(cmin), "%i%Z", wcf->crisis_min);
    (void) ngx_snprintf(cf, sizeof(cf), "%.2f%Z", wcf->crisis_factor);
    (void) ngx_snprintf(cb, sizeof(cb), "%i%Z", wcf->crisis_baseline);

    values[0] = (const char *) cw;
    values[1] = (const char *) cmin;
    values[2] = (const char *) cf;
    values[3] = (const char *) cb;

    w->watching++;

    if (sc_pgq_send(w->pgq, SC_SQL_WATCH_CRISES, 4, values,
                    ngx_social_care_worker_watched, w)
        != NGX_OK)
    {
        w->watching--;
    }

    (void) sc_pgq_send(w->pgq, SC_SQL_CRISIS_TOPICS, 0, NULL,
                       ngx_social_care_worker_topics, w);
}


/*
 * social_care_sla_business_hours as the open intervals around now, in
 * UTC, as a tstzmultirange literal; NULL (the wall clock) without it.
 */

static const char *
ngx_social_care_worker_open_hours(ngx_social_care_worker_t *w)
{
    u_char      *p;
    size_t       i, n;
    int64_t      now, starts[SC_SLA_HOURS_MAX], ends[SC_SLA_HOURS_MAX];
    ngx_tm_t     a, b;

    if (w->wcf->sla_hours == NULL) {
        return NULL;
    }

    if (w->hours == NULL) {
        w->hours = ngx_alloc(SC_SLA_HOURS_MAX * SC_SLA_RANGE_LEN + 3,
                             w->log);
        if (w->hours == NULL) {
            return NULL;
        }
    }

    now = ngx_time();
    n = sc_hours_intervals(w->wcf->sla_hours, now - SC_SLA_HORIZON,
                           now + SC_SLA_HOURS_AHEAD, starts, ends,
                           SC_SLA_HOURS_MAX);

    p = w->hours;
    *p++ = '{';

    for (i = 0; i < n; i++) {
        ngx_gmtime((time_t) starts[i], &a);
        ngx_gmtime((time_t) ends[i], &b);

        p = ngx_sprintf(p, "%s[%4d-%02d-%02d %02d:%02d:%02d+00,"
                        "%4d-%02d-%02d %02d:%02d:%02d+00)", i ? "," : "",
                        a.ngx_tm_year, a.ngx_tm_mon, a.ngx_tm_mday,
                        a.ngx_tm_hour, a.ngx_tm_min, a.ngx_tm_sec,
                        b.ngx_tm_year, b.ngx_tm_mon, b.ngx_tm_mday,
                        b.ngx_tm_hour, b.ngx_tm_min, b.ngx_tm_sec);
    }

    *p++ = '}';
    *p = '\0';

    return (const char *) w->hours;
}


static void
ngx_social_care_worker_topics(void *data, PGresult *res)
{
    int  i, n;

    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
        return;
    }

    n = ngx_min(PQntuples(res), SC_CRISIS_TOPICS_MAX);

    for (i = 0; i < n; i++) {
        ngx_cpystrn((u_char *) ngx_social_care_crisis_topics[i],
                    (u_char *) PQgetvalue(res, i, 0), SC_CRISIS_TOPIC_LEN);
    }

    ngx_social_care_ncrisis_topics = n;
}


static void
ngx_social_care_worker_depth(void *data, PGresult *res)
{
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
        && !PQgetisnull(res, 0, 0))
    {
        ngx_social_care_queue_depth((ngx_uint_t)
                                    strtoull(PQgetvalue(res, 0, 0), NULL, 10));
    }
}


static void
ngx_social_care_worker_first_response(void *data, PGresult *res)
{
    int                  i, k, n;
    sc_first_response_t  hours[SC_FIRST_RESPONSE_HOURS];

    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK
        || PQnfields(res) != 6)
    {
        return;
    }

    /* the newest hours when there are more (a clock change) */
    n = PQntuples(res);

    for (i = ngx_max(n - SC_FIRST_RESPONSE_HOURS, 0), k = 0; i < n;
         i++, k++)
    {
        hours[k].hour = strtoll(PQgetvalue(res, i, 0), NULL, 10);
        hours[k].events = strtoull(PQgetvalue(res, i, 1), NULL, 10);
        hours[k].answered = strtoull(PQgetvalue(res, i, 2), NULL, 10);
        hours[k].p50 = strtoull(PQgetvalue(res, i, 3), NULL, 10);
        hours[k].p90 = strtoull(PQgetvalue(res, i, 4), NULL, 10);
        hours[k].overdue = strtoull(PQgetvalue(res, i, 5), NULL, 10);
    }

    ngx_social_care_first_response(hours, k);
}


ngx_uint_t
ngx_social_care_worker_running(void)
{
    return ngx_social_care_worker != NULL;
}


ngx_uint_t
ngx_social_care_worker_crisis(const char *const *topics, size_t ntopics)
{
    size_t      i;
    ngx_uint_t  k;

    for (k = 0; k < ngx_social_care_ncrisis_topics; k++) {
        for (i = 0; i < ntopics; i++) {
            if (ngx_strcmp(topics[i], ngx_social_care_crisis_topics[k]) == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}


static void
ngx_social_care_worker_watched(void *data, PGresult *res)
{
    ngx_social_care_worker_t  *w;

    w = data;
    w->watching--;

    /* what the watches found became jobs: their NOTIFY wakes us */
}


/* jobs */

static void
ngx_social_care_job_run(sc_job_t *job)
{
    const char  *platform;

    if (job->payload == NULL || !json_is_object(job->payload)) {
        /* its event or reply is gone (retention): nothing to do */
        ngx_social_care_job_close(job, SC_SQL_DONE, "done", NULL);
        return;
    }

    platform = ngx_social_care_json_str(job->kind == SC_JOB_ESCALATE
                                        ? json_object_get(job->payload,
                                                          "event")
                                        : job->payload, "platform");
    if (platform) {
        job->platform = sc_platform_find(platform, ngx_strlen(platform));
    }

    switch (job->kind) {

    case SC_JOB_DELIVER:
        ngx_social_care_job_deliver(job);
        return;

    case SC_JOB_ESCALATE:
    case SC_JOB_CRISIS:
        ngx_social_care_job_notify(job);
        return;

    default:
        ngx_social_care_job_failed(job, "unknown job kind", 0, 1);
        return;
    }
}


static void
ngx_social_care_job_deliver(sc_job_t *job)
{
    char                           *req, err[160];
    size_t                          len;
    json_t                         *p, *v;
    ngx_uint_t                      i;
    const char                     *reason;
    sc_api_t                       *api;
    sc_delivery_t                   d;
    sc_deliver_rc_e                 rc;
    ngx_social_care_api_t          *apis, *a;
    ngx_social_care_worker_t       *w;
    ngx_social_care_worker_conf_t  *wcf;

    w = ngx_social_care_worker;
    wcf = w->wcf;
    p = job->payload;

    ngx_memzero(&d, sizeof(sc_delivery_t));

    v = json_object_get(p, "reply_id");
    d.reply_id = json_is_integer(v) ? json_integer_value(v) : job->id;
    d.platform = ngx_social_care_json_str(p, "platform");
    d.channel = ngx_social_care_json_str(p, "channel");
    d.event_type = ngx_social_care_json_str(p, "event_type");
    d.external_id = ngx_social_care_json_str(p, "external_id");
    d.thread_id = ngx_social_care_json_str(p, "thread_id");
    d.author_id = ngx_social_care_json_str(p, "author_id");
    d.visibility = ngx_social_care_json_str(p, "visibility");
    d.text = ngx_social_care_json_str(p, "text");
    d.received_at = json_number_value(json_object_get(p, "received_at"));
    d.raw = json_object_get(p, "raw");

    if (d.platform == NULL || d.text == NULL) {
        ngx_social_care_job_failed(job, "job without platform or text", 0, 1);
        return;
    }

    a = NULL;

    if (wcf->apis) {
        apis = wcf->apis->elts;

        for (i = 0; i < wcf->apis->nelts; i++) {
            if (ngx_strcmp(apis[i].platform.data, d.platform) == 0) {
                a = &apis[i];
                break;
            }
        }
    }

    api = &job->api;

    if (a) {
        api->host = (const char *) a->endpoint.host.data;
        api->base_path = (const char *) a->endpoint.path.data;
        api->token = (const char *) a->token.data;
        api->sender = a->sender.len ? (const char *) a->sender.data : NULL;
        api->account = a->account.len ? (const char *) a->account.data
                                      : NULL;

    } else {
        /* a platform answered inline or not at all is skipped below */
        api->host = "";
        api->base_path = "";
    }

    req = NULL;
    len = 0;
    reason = NULL;

    rc = sc_deliver_build(&d, api, ngx_social_care_now(), &req, &len,
                          &reason);

    if (a == NULL && rc != SC_DELIVER_SKIP) {
        free(req);
        (void) ngx_snprintf((u_char *) err, sizeof(err),
                            "no social_care_api for \"%s\"%Z", d.platform);
        ngx_social_care_job_failed(job, err, 0, 1);
        return;
    }

    switch (rc) {

    case SC_DELIVER_REQUEST:
        break;

    case SC_DELIVER_SKIP:
        ngx_social_care_job_close(job, SC_SQL_SKIPPED, "skipped",
                                  reason ? reason : "skipped");
        return;

    default:
        ngx_social_care_job_failed(job, reason ? reason
                                               : "cannot build the request",
                                   0, 1);
        return;
    }

    if (ngx_social_care_http_call(&a->endpoint, wcf->ssl, (u_char *) req, len,
                                  wcf->api_timeout, w->log,
                                  ngx_social_care_job_delivered, job)
        != NGX_OK)
    {
        free(req);
        ngx_social_care_job_failed(job, "out of memory", 0, 0);
        return;
    }

    free(req);
}


static void
ngx_social_care_job_delivered(void *data, ngx_social_care_http_result_t *res)
{
    sc_job_t             *job;
    sc_deliver_result_t   r;

    job = data;

    if (res->status == 0) {
        ngx_social_care_job_failed(job, res->error, 0, 0);
        return;
    }

    ngx_memzero(&r, sizeof(sc_deliver_result_t));

    sc_deliver_result(ngx_social_care_json_str(job->payload, "platform"),
                      &job->api, (int) res->status,
                      (const char *) res->retry_after,
                      (const char *) res->body, res->body_len,
                      ngx_social_care_now(), &r);

    switch (r.outcome) {

    case SC_OUTCOME_SENT:
        ngx_social_care_job_close(job, SC_SQL_DONE, "done",
                                  r.platform_reply_id[0]
                                  ? r.platform_reply_id : NULL);
        return;

    case SC_OUTCOME_RETRY:
        ngx_social_care_job_failed(job, r.error, r.retry_after, 0);
        return;

    default:
        ngx_social_care_job_failed(job, r.error, 0, 1);
        return;
    }
}


static void
ngx_social_care_job_notify(sc_job_t *job)
{
    char                           *req, msg_id[NGX_INT64_LEN + 16];
    size_t                          len;
    sc_deliver_rc_e                 rc;
    ngx_social_care_endpoint_t     *ep;
    ngx_social_care_worker_t       *w;
    ngx_social_care_worker_conf_t  *wcf;

    w = ngx_social_care_worker;
    wcf = w->wcf;
    ep = wcf->escalate;

    if (ep == NULL) {
        /* the rows are the record; nobody to tell */
        ngx_social_care_job_close(job, SC_SQL_DONE, "done", NULL);
        return;
    }

    /* one id per notification: receivers dedupe on webhook-id */
    (void) ngx_snprintf((u_char *) msg_id, sizeof(msg_id), "msg_job_%s%Z",
                        job->ids);

    req = NULL;
    len = 0;

    rc = sc_deliver_notify(job->kind == SC_JOB_ESCALATE ? "escalation"
                                                        : "crisis",
                           job->payload, msg_id,
                           (const char *) ep->host.data,
                           ep->path.len ? (const char *) ep->path.data : "/",
                           wcf->escalate_secret.data,
                           wcf->escalate_secret.len,
                           ngx_social_care_now(), &req, &len);

    if (rc != SC_DELIVER_REQUEST) {
        ngx_social_care_job_failed(job, "cannot build the notification", 0,
                                   1);
        return;
    }

    if (ngx_social_care_http_call(ep, wcf->ssl, (u_char *) req, len,
                                  wcf->api_timeout, w->log,
                                  ngx_social_care_job_notified, job)
        != NGX_OK)
    {
        free(req);
        ngx_social_care_job_failed(job, "out of memory", 0, 0);
        return;
    }

    free(req);
}


static void
ngx_social_care_job_notified(void *data, ngx_social_care_http_result_t *res)
{
    char       err[64];
    sc_job_t  *job;

    job = data;

    if (res->status == 0) {
        ngx_social_care_job_failed(job, res->error, 0, 0);
        return;
    }

    if (res->status >= 200 && res->status < 300) {
        ngx_social_care_job_close(job, SC_SQL_DONE, "done", NULL);
        return;
    }

    (void) ngx_snprintf((u_char *) err, sizeof(err),
                        "escalation receiver answered %i%Z", res->status);

    /* the receiver is ours to fix: keep trying unless it refuses outright */
    ngx_social_care_job_failed(job, err,
                               sc_http_retry_after(
                                   (const char *) res->retry_after,
                                   ngx_social_care_now(), 3600),
                               res->status >= 400 && res->status < 500
                               && res->status != 408 && res->status != 429);
}


/* reports: one statement per job, then the job is let go */

/* done (text: the platform's id of the reply) or skipped (text: why) */

static void
ngx_social_care_job_close(sc_job_t *job, const char *sql,
    const char *status, const char *text)
{
    const char  *values[3];

    values[0] = job->ids;
    values[1] = ngx_social_care_worker->id;
    values[2] = text;

    job->reported = status;

    ngx_social_care_job_report(job, sql, 3, values);
}


static void
ngx_social_care_job_failed(sc_job_t *job, const char *error,
    ngx_int_t retry_after, ngx_uint_t permanent)
{
    u_char                         ra[NGX_INT_T_LEN + 1],
                                   max[NGX_INT_T_LEN + 1],
                                   backoff[NGX_INT_T_LEN + 1];
    const char                    *values[7];
    ngx_social_care_worker_conf_t *wcf;

    wcf = ngx_social_care_worker->wcf;

    (void) ngx_snprintf(ra, sizeof(ra), "%i%Z",
                        retry_after > 0 ? retry_after : 0);
    (void) ngx_snprintf(max, sizeof(max), "%ui%Z", wcf->attempts);
    (void) ngx_snprintf(backoff, sizeof(backoff), "%M%Z", wcf->backoff);

    values[0] = job->ids;
    values[1] = ngx_social_care_worker->id;
    values[2] = error ? error : "failed";
    values[3] = (const char *) ra;
    values[4] = (const char *) max;
    values[5] = permanent ? "true" : "false";
    values[6] = (const char *) backoff;

    job->reported = "failed";

    ngx_log_error(NGX_LOG_WARN, ngx_social_care_worker->log, 0,
                  "social_care worker: job %s (%s) failed: %s%s",
                  job->ids,
                  job->kind == SC_JOB_DELIVER ? "deliver_reply"
                  : job->kind == SC_JOB_ESCALATE ? "escalate"
                  : job->kind == SC_JOB_CRISIS ? "notify_crisis" : "unknown",
                  values[2], permanent ? ", giving up" : ", will retry");

    ngx_social_care_job_report(job, SC_SQL_FAILED, 7, values);
}


static void
ngx_social_care_job_report(sc_job_t *job, const char *sql, ngx_uint_t n,
    const char **values)
{
    if (ngx_social_care_worker == NULL
        || sc_pgq_send(ngx_social_care_worker->pgq, sql, n, values,
                       ngx_social_care_job_reported, job)
           != NGX_OK)
    {
        /* the lease brings it back */
        ngx_social_care_job_reported(job, NULL);
    }
}


static void
ngx_social_care_job_reported(void *data, PGresult *res)
{
    char                      *v;
    sc_job_t                  *job;
    ngx_social_care_worker_t  *w;

    job = data;
    w = ngx_social_care_worker;

    if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
        && job->platform)
    {
        v = PQgetvalue(res, 0, 0);

        if (job->kind == SC_JOB_DELIVER) {
            if (ngx_strcmp(job->reported, "done") == 0 && v[0] == 't') {
                ngx_social_care_count_platform(
                    sc_platform_index(job->platform), SC_STAT_REPLIES_SENT, 1);

            } else if (ngx_strcmp(v, "dead") == 0) {
                ngx_social_care_count_platform(
                    sc_platform_index(job->platform), SC_STAT_REPLIES_FAILED,
                    1);
            }

        } else if (job->kind == SC_JOB_ESCALATE
                   && ngx_strcmp(job->reported, "done") == 0 && v[0] == 't')
        {
            ngx_social_care_count_platform(sc_platform_index(job->platform),
                                           SC_STAT_ESCALATIONS, 1);
        }
    }

    ngx_social_care_job_free(job);

    if (w) {
        w->held--;
        ngx_social_care_worker_claim();
    }
}


static void
ngx_social_care_job_free(sc_job_t *job)
{
    if (job->payload) {
        json_decref(job->payload);
    }

    ngx_free(job);
}


static const char *
ngx_social_care_json_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}


static double
ngx_social_care_now(void)
{
    ngx_time_t  *tp;

    tp = ngx_timeofday();

    return (double) tp->sec + (double) tp->msec / 1000;
}
