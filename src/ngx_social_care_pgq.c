/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_pgq.c: a statement queue on one non-blocking libpq
 * connection, for the worker queue.
 *
 * Intake batches many requests into one statement on a pool (sc_pg.c);
 * the worker runs few, small statements (claim, report, watch) whose
 * order matters little, so one connection and a FIFO suffice.  The same
 * connection LISTENs, so new jobs wake the worker at once.  Nothing here
 * blocks: the socket helpers of sc_pg.c drive libpq on the event loop.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include "ngx_social_care_pgq.h"


#define SC_PGQ_BACKOFF_MIN  100
#define SC_PGQ_BACKOFF_MAX  5000


typedef enum {
    SC_PGQ_DOWN = 0,
    SC_PGQ_CONNECTING,
    SC_PGQ_IDLE,
    SC_PGQ_BUSY
} sc_pgq_state_e;


typedef struct {
    ngx_queue_t          queue;
    const char          *sql;
    ngx_uint_t           nparams;
    char                *values[SC_PGQ_PARAMS_MAX];
    sc_pgq_handler_pt    handler;    /* NULL: the internal LISTEN */
    void                *data;
} sc_pgq_op_t;


struct sc_pgq_s {
    sc_pg_conf_t        *conf;
    ngx_log_t           *log;
    PGconn              *pg;
    ngx_connection_t    *c;
    sc_pgq_state_e       state;

    char                *listen;     /* "listen <channel>", or NULL */
    sc_pgq_wake_pt       wake;
    void                *data;

    ngx_queue_t          ops;
    ngx_uint_t           nops;
    ngx_uint_t           max_ops;
    sc_pgq_op_t         *running;
    PGresult            *result;
    unsigned             flushing:1;
    unsigned             destroying:1;

    ngx_event_t          retry;
    ngx_msec_t           backoff;
};


static void sc_pgq_connect(sc_pgq_t *q);
static void sc_pgq_close(sc_pgq_t *q);
static void sc_pgq_retry_handler(ngx_event_t *ev);
static void sc_pgq_event_handler(ngx_event_t *ev);
static void sc_pgq_connected_now(sc_pgq_t *q);
static void sc_pgq_next(sc_pgq_t *q);
static void sc_pgq_busy(sc_pgq_t *q);
static void sc_pgq_done(sc_pgq_t *q);
static void sc_pgq_notified(sc_pgq_t *q);
static void sc_pgq_op_free(sc_pgq_op_t *op);


sc_pgq_t *
sc_pgq_create(sc_pg_conf_t *conf, const char *channel, ngx_uint_t max_queued,
    sc_pgq_wake_pt wake, void *data, ngx_log_t *log)
{
    size_t     len;
    sc_pgq_t  *q;

    q = ngx_calloc(sizeof(sc_pgq_t), log);
    if (q == NULL) {
        return NULL;
    }

    if (channel) {
        /* a fixed identifier of ours, never user input */
        len = sizeof("listen ") + ngx_strlen(channel);

        q->listen = ngx_alloc(len, log);
        if (q->listen == NULL) {
            ngx_free(q);
            return NULL;
        }

        (void) ngx_snprintf((u_char *) q->listen, len, "listen %s%Z",
                            channel);
    }

    q->conf = conf;
    q->log = log;
    q->wake = wake;
    q->data = data;
    q->max_ops = max_queued;
    ngx_queue_init(&q->ops);

    q->retry.handler = sc_pgq_retry_handler;
    q->retry.data = q;
    q->retry.log = log;
    q->retry.cancelable = 1;

    sc_pgq_connect(q);

    return q;
}


void
sc_pgq_destroy(sc_pgq_t *q)
{
    ngx_queue_t  *h;
    sc_pgq_op_t  *op;

    if (q == NULL) {
        return;
    }

    q->destroying = 1;

    if (q->retry.timer_set) {
        ngx_del_timer(&q->retry);
    }

    sc_pgq_close(q);

    /* the process is exiting: the leases bring unreported jobs back */
    while (!ngx_queue_empty(&q->ops)) {
        h = ngx_queue_head(&q->ops);
        op = ngx_queue_data(h, sc_pgq_op_t, queue);
        ngx_queue_remove(h);
        sc_pgq_op_free(op);
    }

    if (q->listen) {
        ngx_free(q->listen);
    }

    ngx_free(q);
}


ngx_uint_t
sc_pgq_connected(sc_pgq_t *q)
{
    return q->state == SC_PGQ_IDLE || q->state == SC_PGQ_BUSY;
}


ngx_int_t
sc_pgq_send(sc_pgq_t *q, const char *sql, ngx_uint_t nparams,
    const char **values, sc_pgq_handler_pt handler, void *data)
{
    size_t        len;
    ngx_uint_t    i;
    sc_pgq_op_t  *op;

    if (q->nops >= q->max_ops || nparams > SC_PGQ_PARAMS_MAX) {
        return NGX_BUSY;
    }

    op = ngx_calloc(sizeof(sc_pgq_op_t), q->log);
    if (op == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < nparams; i++) {
        if (values[i] == NULL) {
            continue;
        }

        len = ngx_strlen(values[i]) + 1;

        op->values[i] = ngx_alloc(len, q->log);
        if (op->values[i] == NULL) {
            sc_pgq_op_free(op);
            return NGX_ERROR;
        }

        ngx_memcpy(op->values[i], values[i], len);
    }

    op->sql = sql;
    op->nparams = nparams;
    op->handler = handler;
    op->data = data;

    ngx_queue_insert_tail(&q->ops, &op->queue);
    q->nops++;

    if (q->state == SC_PGQ_IDLE) {
        sc_pgq_next(q);
    }

    return NGX_OK;
}


static void
sc_pgq_op_free(sc_pgq_op_t *op)
{
    ngx_uint_t  i;

    for (i = 0; i < SC_PGQ_PARAMS_MAX; i++) {
        if (op->values[i]) {
            ngx_free(op->values[i]);
        }
    }

    ngx_free(op);
}


/* the connection */

static void
sc_pgq_connect(sc_pgq_t *q)
{
    q->pg = PQconnectStartParams(q->conf->keywords, q->conf->values, 0);

    if (q->pg == NULL || PQstatus(q->pg) == CONNECTION_BAD) {
        ngx_log_error(NGX_LOG_ERR, q->log, 0,
                      "social_care worker: cannot start a database "
                      "connection: %s",
                      q->pg ? PQerrorMessage(q->pg) : "out of memory");
        sc_pgq_close(q);
        return;
    }

    PQsetNoticeProcessor(q->pg, sc_pg_notice, q->log);

    q->c = sc_pg_socket_attach(q->pg, q, sc_pgq_event_handler, q->log);
    if (q->c == NULL) {
        sc_pgq_close(q);
        return;
    }

    q->state = SC_PGQ_CONNECTING;
    ngx_add_timer(q->c->read, q->conf->timeout);

    switch (sc_pg_socket_connect(q->pg, &q->c, q->conf->timeout, q->log)) {

    case NGX_AGAIN:
        return;

    case NGX_OK:
        sc_pgq_connected_now(q);
        return;

    default:
        sc_pgq_close(q);
    }
}


/*
 * Drops the connection.  The statement that was running has an unknown
 * fate: its handler hears NULL.  Queued ones wait for the reconnect.
 */

static void
sc_pgq_close(sc_pgq_t *q)
{
    sc_pgq_op_t  *op;

    sc_pg_socket_detach(q->c);
    q->c = NULL;

    if (q->result) {
        PQclear(q->result);
        q->result = NULL;
    }

    if (q->pg) {
        PQfinish(q->pg);
        q->pg = NULL;
    }

    op = q->running;
    q->running = NULL;
    q->flushing = 0;
    q->state = SC_PGQ_DOWN;

    if (op) {
        if (op->handler) {
            op->handler(op->data, NULL);
        }

        sc_pgq_op_free(op);
    }

    if (q->destroying || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    q->backoff = q->backoff ? ngx_min(q->backoff * 2, SC_PGQ_BACKOFF_MAX)
                            : SC_PGQ_BACKOFF_MIN;

    ngx_add_timer(&q->retry, q->backoff - q->backoff / 4
                             + (ngx_msec_t) ngx_random() % (q->backoff / 2));
}


static void
sc_pgq_retry_handler(ngx_event_t *ev)
{
    sc_pgq_t  *q;

    q = ev->data;

    if (q->state == SC_PGQ_DOWN) {
        sc_pgq_connect(q);
    }
}


static void
sc_pgq_event_handler(ngx_event_t *ev)
{
    ngx_uint_t         notified;
    ngx_connection_t  *c;
    sc_pgq_t          *q;

    c = ev->data;
    q = c->data;

    if (ev->timedout) {
        ev->timedout = 0;

        ngx_log_error(NGX_LOG_ERR, q->log, NGX_ETIMEDOUT,
                      "social_care worker: database %s timed out",
                      q->state == SC_PGQ_CONNECTING ? "connect" : "query");
        sc_pgq_close(q);
        return;
    }

    switch (q->state) {

    case SC_PGQ_CONNECTING:
        switch (sc_pg_socket_connect(q->pg, &q->c, q->conf->timeout,
                                     q->log))
        {
        case NGX_AGAIN:
            return;

        case NGX_OK:
            sc_pgq_connected_now(q);
            return;

        default:
            sc_pgq_close(q);
            return;
        }

    case SC_PGQ_IDLE:
        if (sc_pg_socket_idle_read(q->pg, q->c, &notified) != NGX_OK) {
            ngx_log_error(NGX_LOG_ERR, q->log, 0,
                          "social_care worker: database connection lost: %s",
                          PQerrorMessage(q->pg));
            sc_pgq_close(q);
            return;
        }

        if (notified && q->wake) {
            q->wake(q->data);
        }

        return;

    case SC_PGQ_BUSY:
        sc_pgq_busy(q);
        return;

    default:
        return;
    }
}


static void
sc_pgq_connected_now(sc_pgq_t *q)
{
    sc_pgq_op_t  *op;

    if (q->backoff) {
        ngx_log_error(NGX_LOG_NOTICE, q->log, 0,
                      "social_care worker: database connection restored");
    }

    q->backoff = 0;
    q->state = SC_PGQ_IDLE;

    if (q->listen) {
        /* first on the new session; jobs written meanwhile: wake() */
        op = ngx_calloc(sizeof(sc_pgq_op_t), q->log);
        if (op == NULL) {
            sc_pgq_close(q);
            return;
        }

        op->sql = q->listen;
        ngx_queue_insert_head(&q->ops, &op->queue);
        q->nops++;
    }

    sc_pgq_next(q);
}


static void
sc_pgq_next(sc_pgq_t *q)
{
    ngx_queue_t  *h;
    sc_pgq_op_t  *op;

    if (q->state != SC_PGQ_IDLE || ngx_queue_empty(&q->ops)) {
        return;
    }

    h = ngx_queue_head(&q->ops);
    op = ngx_queue_data(h, sc_pgq_op_t, queue);
    ngx_queue_remove(h);
    q->nops--;

    q->running = op;
    q->state = SC_PGQ_BUSY;

    if (!PQsendQueryParams(q->pg, op->sql, (int) op->nparams, NULL,
                           (const char * const *) op->values, NULL, NULL, 0))
    {
        ngx_log_error(NGX_LOG_ERR, q->log, 0,
                      "social_care worker: cannot send to the database: %s",
                      PQerrorMessage(q->pg));
        sc_pgq_close(q);
        return;
    }

    ngx_add_timer(q->c->read, q->conf->timeout);

    q->flushing = 1;
    q->c->write->ready = 1;

    sc_pgq_busy(q);
}


static void
sc_pgq_busy(sc_pgq_t *q)
{
    int        rc;
    PGresult  *res;

    if (q->flushing) {
        rc = PQflush(q->pg);

        if (rc < 0) {
            goto broken;
        }

        if (rc == 0) {
            q->flushing = 0;
        }
    }

    if (!PQconsumeInput(q->pg)) {
        goto broken;
    }

    q->c->read->ready = 0;

    while (!PQisBusy(q->pg)) {
        res = PQgetResult(q->pg);

        if (res == NULL) {
            sc_pgq_done(q);
            return;
        }

        if (q->result == NULL) {
            q->result = res;

        } else {
            PQclear(res);
        }
    }

    if (PQstatus(q->pg) != CONNECTION_OK) {
        goto broken;
    }

    return;

broken:

    ngx_log_error(NGX_LOG_ERR, q->log, 0,
                  "social_care worker: database connection lost: %s",
                  PQerrorMessage(q->pg));

    sc_pgq_close(q);
}


static void
sc_pgq_done(sc_pgq_t *q)
{
    char         *state;
    PGresult     *res;
    ngx_uint_t    wake;
    sc_pgq_op_t  *op;

    res = q->result;
    op = q->running;
    q->result = NULL;
    q->running = NULL;
    q->state = SC_PGQ_IDLE;

    if (q->c->read->timer_set) {
        ngx_del_timer(q->c->read);
    }

    wake = (op->handler == NULL);

    if (res && PQresultStatus(res) != PGRES_TUPLES_OK
        && PQresultStatus(res) != PGRES_COMMAND_OK)
    {
        ngx_log_error(NGX_LOG_ERR, q->log, 0,
                      "social_care worker: database: %s",
                      PQresultErrorMessage(res));

        /* classes 08 and 57: the session is going away */
        state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

        if (state && (ngx_strncmp(state, "08", 2) == 0
                      || ngx_strncmp(state, "57", 2) == 0))
        {
            PQclear(res);
            q->running = op;
            sc_pgq_close(q);
            return;
        }
    }

    if (op->handler) {
        op->handler(op->data, res);
    }

    if (res) {
        PQclear(res);
    }

    sc_pgq_op_free(op);

    /* notifications that came with the results */
    sc_pgq_notified(q);

    if (wake && q->wake) {
        q->wake(q->data);
    }

    sc_pgq_next(q);
}


static void
sc_pgq_notified(sc_pgq_t *q)
{
    ngx_uint_t  n;
    PGnotify   *notify;

    if (q->pg == NULL) {
        return;
    }

    n = 0;

    while ((notify = PQnotifies(q->pg)) != NULL) {
        n++;
        PQfreemem(notify);
    }

    if (n && q->wake) {
        q->wake(q->data);
    }
}
