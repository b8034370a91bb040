/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_pg.c: non-blocking libpq on the nginx event loop.
 *
 * Each worker owns a few connections.  Requests queue writes; whenever a
 * connection is idle it takes as many queued writes as fit in one batch and
 * sends them as one statement, social_care.ingest($1), whose commit covers
 * the whole batch.  Nothing here blocks: connections are started with
 * PQconnectStartParams and driven by PQconnectPoll, queries are sent with
 * PQsendQueryParams and read with PQconsumeInput/PQgetResult, host names
 * were resolved at configuration time.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <libpq-fe.h>
#include <arpa/inet.h>
#include <netdb.h>

#include "sc_pg.h"


#define SC_PG_INGEST_SQL                                                      \
    "select ord, id, duplicate, replied from social_care.ingest($1::jsonb)"

#define SC_PG_BACKOFF_MIN   100
#define SC_PG_BACKOFF_MAX   2000


typedef enum {
    SC_PG_WRITE_NEW = 0,
    SC_PG_WRITE_QUEUED,
    SC_PG_WRITE_INFLIGHT
} sc_pg_write_state_e;


typedef enum {
    SC_PG_CONN_DOWN = 0,
    SC_PG_CONN_CONNECTING,
    SC_PG_CONN_IDLE,
    SC_PG_CONN_BUSY
} sc_pg_conn_state_e;


typedef struct {
    sc_pg_pool_t            *pool;
    PGconn                  *pg;
    ngx_connection_t        *c;
    sc_pg_conn_state_e       state;

    sc_pg_write_t          **batch;
    ngx_uint_t               nbatch;
    ngx_uint_t               batch_rows;
    PGresult                *result;
    unsigned                 flushing:1;

    u_char                  *buf;
    size_t                   buf_size;

    ngx_event_t              retry;
    ngx_msec_t               backoff;
} sc_pg_conn_t;


struct sc_pg_pool_s {
    sc_pg_conf_t            *conf;
    ngx_log_t               *log;
    sc_pg_conn_t            *conns;
    ngx_queue_t              queue;
    ngx_uint_t               pending;
    ngx_event_t              flush;
    ngx_event_t              wait;      /* social_care_batch_wait */
    unsigned                 destroying:1;
};


static void sc_pg_connect(sc_pg_conn_t *pc);
static void sc_pg_connect_poll(sc_pg_conn_t *pc);
static ngx_int_t sc_pg_attach(sc_pg_conn_t *pc);
static void sc_pg_detach(sc_pg_conn_t *pc);
static void sc_pg_close(sc_pg_conn_t *pc, sc_pg_status_e status);
static void sc_pg_retry_handler(ngx_event_t *ev);
static void sc_pg_event_handler(ngx_event_t *ev);
static void sc_pg_idle_read(sc_pg_conn_t *pc);
static void sc_pg_send_batch(sc_pg_conn_t *pc);
static void sc_pg_busy(sc_pg_conn_t *pc);
static void sc_pg_batch_done(sc_pg_conn_t *pc);
static void sc_pg_flush_handler(ngx_event_t *ev);
static void sc_pg_flush(sc_pg_pool_t *pool);
static void sc_pg_deadline_handler(ngx_event_t *ev);
static void sc_pg_finish_write(sc_pg_write_t *w, sc_pg_status_e status);


sc_pg_pool_t *
sc_pg_pool_create(ngx_cycle_t *cycle, sc_pg_conf_t *conf)
{
    ngx_uint_t     i;
    sc_pg_pool_t  *pool;
    sc_pg_conn_t  *pc;

    pool = ngx_calloc(sizeof(sc_pg_pool_t), cycle->log);
    if (pool == NULL) {
        return NULL;
    }

    pool->conns = ngx_calloc(sizeof(sc_pg_conn_t) * conf->connections,
                             cycle->log);
    if (pool->conns == NULL) {
        ngx_free(pool);
        return NULL;
    }

    pool->conf = conf;
    pool->log = cycle->log;
    ngx_queue_init(&pool->queue);

    pool->flush.handler = sc_pg_flush_handler;
    pool->flush.data = pool;
    pool->flush.log = cycle->log;

    pool->wait.handler = sc_pg_flush_handler;
    pool->wait.data = pool;
    pool->wait.log = cycle->log;

    for (i = 0; i < conf->connections; i++) {
        pc = &pool->conns[i];
        pc->pool = pool;

        pc->batch = ngx_alloc(sizeof(sc_pg_write_t *) * conf->batch,
                              cycle->log);
        if (pc->batch == NULL) {
            sc_pg_pool_destroy(pool);
            return NULL;
        }

        pc->retry.handler = sc_pg_retry_handler;
        pc->retry.data = pc;
        pc->retry.log = cycle->log;
        pc->retry.cancelable = 1;

        sc_pg_connect(pc);
    }

    return pool;
}


void
sc_pg_pool_destroy(sc_pg_pool_t *pool)
{
    ngx_uint_t      i;
    ngx_queue_t    *q;
    sc_pg_conn_t   *pc;
    sc_pg_write_t  *w;

    if (pool == NULL) {
        return;
    }

    pool->destroying = 1;

    for (i = 0; i < pool->conf->connections; i++) {
        pc = &pool->conns[i];

        if (pc->retry.timer_set) {
            ngx_del_timer(&pc->retry);
        }

        if (pc->batch) {
            sc_pg_close(pc, SC_PG_UNAVAILABLE);
            ngx_free(pc->batch);
        }

        if (pc->buf) {
            ngx_free(pc->buf);
        }
    }

    while (!ngx_queue_empty(&pool->queue)) {
        q = ngx_queue_head(&pool->queue);
        w = ngx_queue_data(q, sc_pg_write_t, queue);
        ngx_queue_remove(q);
        sc_pg_finish_write(w, SC_PG_UNAVAILABLE);
        sc_pg_write_free(w);
    }

    if (pool->flush.posted) {
        ngx_delete_posted_event(&pool->flush);
    }

    if (pool->wait.timer_set) {
        ngx_del_timer(&pool->wait);
    }

    ngx_free(pool->conns);
    ngx_free(pool);
}


void
sc_pg_pool_stats(sc_pg_pool_t *pool, ngx_uint_t *pending,
    ngx_uint_t *connected)
{
    ngx_uint_t  i;

    *pending = pool->pending;
    *connected = 0;

    for (i = 0; i < pool->conf->connections; i++) {
        if (pool->conns[i].state == SC_PG_CONN_IDLE
            || pool->conns[i].state == SC_PG_CONN_BUSY)
        {
            (*connected)++;
        }
    }
}


/* connections */

static void
sc_pg_connect(sc_pg_conn_t *pc)
{
    sc_pg_conf_t  *conf;

    conf = pc->pool->conf;

    pc->pg = PQconnectStartParams(conf->keywords, conf->values, 0);

    if (pc->pg == NULL || PQstatus(pc->pg) == CONNECTION_BAD) {
        ngx_log_error(NGX_LOG_ERR, pc->pool->log, 0,
                      "social_care: cannot start a database connection: %s",
                      pc->pg ? PQerrorMessage(pc->pg) : "out of memory");
        sc_pg_close(pc, SC_PG_UNAVAILABLE);
        return;
    }

    PQsetNoticeProcessor(pc->pg, sc_pg_notice, pc->pool->log);

    pc->state = SC_PG_CONN_CONNECTING;

    if (sc_pg_attach(pc) != NGX_OK) {
        sc_pg_close(pc, SC_PG_UNAVAILABLE);
        return;
    }

    ngx_add_timer(pc->c->read, conf->timeout);

    sc_pg_connect_poll(pc);
}


static ngx_int_t
sc_pg_attach(sc_pg_conn_t *pc)
{
    pc->c = sc_pg_socket_attach(pc->pg, pc, sc_pg_event_handler,
                                pc->pool->log);

    return pc->c ? NGX_OK : NGX_ERROR;
}


static void
sc_pg_detach(sc_pg_conn_t *pc)
{
    sc_pg_socket_detach(pc->c);
    pc->c = NULL;
}


/*
 * Drops the connection, fails its batch with status and schedules a
 * reconnect with backoff; queued writes are failed at once when no
 * connection of the pool is left alive.
 */

static void
sc_pg_close(sc_pg_conn_t *pc, sc_pg_status_e status)
{
    ngx_uint_t      i, alive;
    ngx_queue_t    *q;
    sc_pg_pool_t   *pool;
    sc_pg_write_t  *w;

    pool = pc->pool;

    sc_pg_detach(pc);

    if (pc->result) {
        PQclear(pc->result);
        pc->result = NULL;
    }

    if (pc->pg) {
        PQfinish(pc->pg);
        pc->pg = NULL;
    }

    /*
     * A batch whose connection broke goes back to the head of the queue
     * for another connection: ingest() deduplicates, so if it did commit
     * the retry finds its rows.  A timeout is answered: the deadline is
     * what the platform waits for.
     */

    for (i = pc->nbatch; i > 0; i--) {
        w = pc->batch[i - 1];

        if (status == SC_PG_UNAVAILABLE && !w->released) {
            w->state = SC_PG_WRITE_QUEUED;
            ngx_queue_insert_head(&pool->queue, &w->queue);
            continue;
        }

        pool->pending--;
        sc_pg_finish_write(w, status);
        sc_pg_write_free(w);
    }

    pc->nbatch = 0;
    pc->batch_rows = 0;
    pc->flushing = 0;
    pc->state = SC_PG_CONN_DOWN;

    if (pool->destroying || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    pc->backoff = pc->backoff ? ngx_min(pc->backoff * 2, SC_PG_BACKOFF_MAX)
                              : SC_PG_BACKOFF_MIN;

    /* jitter, so the workers of a node do not reconnect in step */
    ngx_add_timer(&pc->retry, pc->backoff - pc->backoff / 4
                              + (ngx_msec_t) ngx_random() % (pc->backoff / 2));

    alive = 0;

    for (i = 0; i < pool->conf->connections; i++) {
        if (pool->conns[i].state != SC_PG_CONN_DOWN) {
            alive++;
        }
    }

    if (alive) {
        if (!ngx_queue_empty(&pool->queue) && !pool->flush.posted) {
            ngx_post_event(&pool->flush, &ngx_posted_events);
        }

        return;
    }

    while (!ngx_queue_empty(&pool->queue)) {
        q = ngx_queue_head(&pool->queue);
        w = ngx_queue_data(q, sc_pg_write_t, queue);
        ngx_queue_remove(q);
        pool->pending--;
        sc_pg_finish_write(w, SC_PG_UNAVAILABLE);
        sc_pg_write_free(w);
    }
}


static void
sc_pg_retry_handler(ngx_event_t *ev)
{
    sc_pg_conn_t  *pc;

    pc = ev->data;

    if (pc->state == SC_PG_CONN_DOWN) {
        sc_pg_connect(pc);
    }
}


static void
sc_pg_event_handler(ngx_event_t *ev)
{
    ngx_connection_t  *c;
    sc_pg_conn_t      *pc;

    c = ev->data;
    pc = c->data;

    if (ev->timedout) {
        ev->timedout = 0;

        ngx_log_error(NGX_LOG_ERR, pc->pool->log, NGX_ETIMEDOUT,
                      "social_care: database %s timed out",
                      pc->state == SC_PG_CONN_CONNECTING ? "connect"
                                                         : "query");

        sc_pg_close(pc, SC_PG_TIMEOUT);
        return;
    }

    switch (pc->state) {

    case SC_PG_CONN_CONNECTING:
        sc_pg_connect_poll(pc);
        break;

    case SC_PG_CONN_IDLE:
        sc_pg_idle_read(pc);
        break;

    case SC_PG_CONN_BUSY:
        sc_pg_busy(pc);
        break;

    default:
        break;
    }
}


static void
sc_pg_connect_poll(sc_pg_conn_t *pc)
{
    switch (sc_pg_socket_connect(pc->pg, &pc->c, pc->pool->conf->timeout,
                                 pc->pool->log))
    {
    case NGX_AGAIN:
        return;

    case NGX_OK:
        break;

    default:
        sc_pg_close(pc, SC_PG_UNAVAILABLE);
        return;
    }

    if (pc->backoff) {
        ngx_log_error(NGX_LOG_NOTICE, pc->pool->log, 0,
                      "social_care: database connection restored");
    }

    pc->backoff = 0;
    pc->state = SC_PG_CONN_IDLE;

    sc_pg_flush(pc->pool);
}


static void
sc_pg_idle_read(sc_pg_conn_t *pc)
{
    ngx_uint_t  notified;

    if (sc_pg_socket_idle_read(pc->pg, pc->c, &notified) == NGX_OK) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, pc->pool->log, 0,
                  "social_care: database connection lost: %s",
                  PQerrorMessage(pc->pg));

    sc_pg_close(pc, SC_PG_UNAVAILABLE);
}


/* writes */

sc_pg_write_t *
sc_pg_write_create(const u_char *rows, size_t len, ngx_uint_t nrows,
    ngx_log_t *log)
{
    u_char         *p;
    sc_pg_write_t  *w;

    p = ngx_alloc(sizeof(sc_pg_write_t) + sizeof(sc_pg_row_t) * nrows + len,
                  log);
    if (p == NULL) {
        return NULL;
    }

    w = (sc_pg_write_t *) p;
    ngx_memzero(w, sizeof(sc_pg_write_t));

    w->results = (sc_pg_row_t *) (p + sizeof(sc_pg_write_t));
    w->rows = p + sizeof(sc_pg_write_t) + sizeof(sc_pg_row_t) * nrows;
    ngx_memcpy(w->rows, rows, len);
    w->rows_len = len;
    w->nrows = nrows;
    w->log = log;

    return w;
}


void
sc_pg_write_free(sc_pg_write_t *w)
{
    if (w->deadline.timer_set) {
        ngx_del_timer(&w->deadline);
    }

    ngx_free(w);
}


ngx_int_t
sc_pg_submit(sc_pg_pool_t *pool, sc_pg_write_t *w)
{
    ngx_uint_t  i;

    if (pool->pending >= pool->conf->max_pending) {
        return NGX_BUSY;
    }

    for (i = 0; i < pool->conf->connections; i++) {
        if (pool->conns[i].state != SC_PG_CONN_DOWN) {
            break;
        }
    }

    if (i == pool->conf->connections) {
        return NGX_DECLINED;
    }

    w->pool = pool;
    w->state = SC_PG_WRITE_QUEUED;

    /* the answer is due within the timeout, wherever the write is then */
    w->deadline.handler = sc_pg_deadline_handler;
    w->deadline.data = w;
    w->deadline.log = w->log;
    ngx_add_timer(&w->deadline, pool->conf->timeout);

    w->queued = ngx_current_msec;
    ngx_queue_insert_tail(&pool->queue, &w->queue);
    pool->pending++;

    /* batch whatever else arrives in this pass of the event loop */
    if (!pool->flush.posted) {
        ngx_post_event(&pool->flush, &ngx_posted_events);
    }

    return NGX_OK;
}


void
sc_pg_write_release(sc_pg_write_t *w)
{
    w->handler = NULL;
    w->data = NULL;

    if (w->state == SC_PG_WRITE_QUEUED) {
        ngx_queue_remove(&w->queue);
        w->pool->pending--;
        sc_pg_write_free(w);
        return;
    }

    /* in flight: freed when its batch completes */
    w->released = 1;

    if (w->deadline.timer_set) {
        ngx_del_timer(&w->deadline);
    }
}


static void
sc_pg_finish_write(sc_pg_write_t *w, sc_pg_status_e status)
{
    sc_pg_write_handler_pt  handler;

    handler = w->handler;
    w->handler = NULL;

    if (w->deadline.timer_set) {
        ngx_del_timer(&w->deadline);
    }

    if (handler) {
        handler(w, status);
    }
}


static void
sc_pg_deadline_handler(ngx_event_t *ev)
{
    sc_pg_write_t  *w;

    w = ev->data;

    ngx_log_error(NGX_LOG_ERR, w->log, NGX_ETIMEDOUT,
                  "social_care: events not stored within "
                  "social_care_db_timeout");

    if (w->state == SC_PG_WRITE_QUEUED) {
        ngx_queue_remove(&w->queue);
        w->pool->pending--;
        sc_pg_finish_write(w, SC_PG_TIMEOUT);
        sc_pg_write_free(w);
        return;
    }

    /* in flight: answer now, free when the batch completes */
    sc_pg_finish_write(w, SC_PG_TIMEOUT);
    w->released = 1;
}


/* the batcher */

static void
sc_pg_flush_handler(ngx_event_t *ev)
{
    sc_pg_flush(ev->data);
}


static void
sc_pg_flush(sc_pg_pool_t *pool)
{
    ngx_uint_t      i, busy, rows;
    ngx_msec_t      waited;
    ngx_queue_t    *q;
    sc_pg_write_t  *w;

    if (ngx_queue_empty(&pool->queue)) {
        return;
    }

    rows = 0;

    for (q = ngx_queue_head(&pool->queue);
         q != ngx_queue_sentinel(&pool->queue) && rows < pool->conf->batch;
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, sc_pg_write_t, queue);
        rows += w->nrows;
    }

    if (rows < pool->conf->batch) {

        /*
         * While a statement is in flight, another starts only with a full
         * batch: the one in flight flushes the rest when it ends.  Many
         * small statements at once cost the database more per event than
         * fewer, fuller ones (measured: 8.4-9.1k requests/s instead of
         * 5.9-6.8k on 2 cores), and they would wait for the same CPU.
         */
        busy = 0;

        for (i = 0; i < pool->conf->connections; i++) {
            if (pool->conns[i].state == SC_PG_CONN_BUSY) {
                busy++;
            }
        }

        if (busy) {
            return;
        }

        /* social_care_batch_wait: the oldest write waits that long at most */
        if (pool->conf->wait) {
            w = ngx_queue_data(ngx_queue_head(&pool->queue), sc_pg_write_t,
                               queue);
            waited = ngx_current_msec - w->queued;

            if (waited < pool->conf->wait) {
                if (!pool->wait.timer_set) {
                    ngx_add_timer(&pool->wait, pool->conf->wait - waited);
                }

                return;
            }
        }
    }

    if (pool->wait.timer_set) {
        ngx_del_timer(&pool->wait);
    }

    for (i = 0; i < pool->conf->connections; i++) {
        if (ngx_queue_empty(&pool->queue)) {
            return;
        }

        if (pool->conns[i].state == SC_PG_CONN_IDLE) {
            sc_pg_send_batch(&pool->conns[i]);
        }
    }
}


static void
sc_pg_send_batch(sc_pg_conn_t *pc)
{
    u_char         *p, *buf;
    size_t          size;
    ngx_uint_t      i, rows;
    ngx_queue_t    *q;
    sc_pg_pool_t   *pool;
    sc_pg_write_t  *w;
    const char     *values[1];

    pool = pc->pool;
    size = sizeof("[]");
    rows = 0;

    /* whole writes, up to social_care_batch rows; a failed one alone */
    for (q = ngx_queue_head(&pool->queue);
         q != ngx_queue_sentinel(&pool->queue) && pc->nbatch < pool->conf->batch;
         q = ngx_queue_next(q))
    {
        w = ngx_queue_data(q, sc_pg_write_t, queue);

        if (pc->nbatch
            && (w->solo || rows + w->nrows > pool->conf->batch))
        {
            break;
        }

        pc->batch[pc->nbatch++] = w;
        rows += w->nrows;
        size += w->rows_len + 1;

        if (w->solo) {
            break;
        }
    }

    if (size > pc->buf_size) {
        buf = ngx_alloc(ngx_max(size, 2 * pc->buf_size), pool->log);
        if (buf == NULL) {
            pc->nbatch = 0;
            return;
        }

        if (pc->buf) {
            ngx_free(pc->buf);
        }

        pc->buf = buf;
        pc->buf_size = ngx_max(size, 2 * pc->buf_size);
    }

    p = pc->buf;
    *p++ = '[';

    for (i = 0; i < pc->nbatch; i++) {
        w = pc->batch[i];

        ngx_queue_remove(&w->queue);
        w->state = SC_PG_WRITE_INFLIGHT;

        if (i) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, w->rows, w->rows_len);
    }

    *p++ = ']';
    *p = '\0';

    pc->batch_rows = rows;
    pc->state = SC_PG_CONN_BUSY;

    values[0] = (const char *) pc->buf;

    if (!PQsendQueryParams(pc->pg, SC_PG_INGEST_SQL, 1, NULL, values, NULL,
                           NULL, 0))
    {
        ngx_log_error(NGX_LOG_ERR, pool->log, 0,
                      "social_care: cannot send to the database: %s",
                      PQerrorMessage(pc->pg));
        sc_pg_close(pc, SC_PG_UNAVAILABLE);
        return;
    }

    ngx_add_timer(pc->c->read, pool->conf->timeout);

    pc->flushing = 1;
    pc->c->write->ready = 1;

    sc_pg_busy(pc);
}


static void
sc_pg_busy(sc_pg_conn_t *pc)
{
    int        rc;
    PGresult  *res;

    if (pc->flushing) {
        rc = PQflush(pc->pg);

        if (rc < 0) {
            goto broken;
        }

        if (rc == 0) {
            pc->flushing = 0;
        }
    }

    if (!PQconsumeInput(pc->pg)) {
        goto broken;
    }

    pc->c->read->ready = 0;

    while (!PQisBusy(pc->pg)) {
        res = PQgetResult(pc->pg);

        if (res == NULL) {
            sc_pg_batch_done(pc);
            return;
        }

        if (pc->result == NULL) {
            pc->result = res;

        } else {
            PQclear(res);
        }
    }

    if (PQstatus(pc->pg) != CONNECTION_OK) {
        goto broken;
    }

    return;

broken:

    ngx_log_error(NGX_LOG_ERR, pc->pool->log, 0,
                  "social_care: database connection lost: %s",
                  PQerrorMessage(pc->pg));

    sc_pg_close(pc, SC_PG_UNAVAILABLE);
}


static void
sc_pg_batch_done(sc_pg_conn_t *pc)
{
    char           *v, *state;
    ngx_uint_t      i, k, n, gone;
    PGresult       *res;
    ngx_queue_t    *q, done;
    sc_pg_pool_t   *pool;
    sc_pg_write_t  *w;

    pool = pc->pool;
    res = pc->result;
    pc->result = NULL;

    if (pc->c->read->timer_set) {
        ngx_del_timer(pc->c->read);
    }

    if (res == NULL
        || PQresultStatus(res) != PGRES_TUPLES_OK
        || (ngx_uint_t) PQntuples(res) != pc->batch_rows
        || PQnfields(res) != 4)
    {
        ngx_log_error(NGX_LOG_ERR, pool->log, 0,
                      "social_care: storing %ui events failed: %s",
                      pc->batch_rows,
                      res ? PQresultErrorMessage(res) : "no result");

        /*
         * SQLSTATE classes 08 (connection exception) and 57 (operator
         * intervention: shutdown, terminated session) mean the session is
         * going away, not that the rows are bad.
         */
        state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        gone = (state && (ngx_strncmp(state, "08", 2) == 0
                          || ngx_strncmp(state, "57", 2) == 0));

        if (res) {
            PQclear(res);
        }

        pc->state = SC_PG_CONN_IDLE;

        if (gone || PQstatus(pc->pg) != CONNECTION_OK) {
            sc_pg_close(pc, SC_PG_UNAVAILABLE);
            return;
        }

        if (pc->nbatch == 1) {
            w = pc->batch[0];
            pc->nbatch = 0;
            pool->pending--;
            sc_pg_finish_write(w, SC_PG_FAILED);
            sc_pg_write_free(w);

        } else {
            /* one bad write must not fail its neighbours: each alone */
            for (i = pc->nbatch; i > 0; i--) {
                w = pc->batch[i - 1];
                w->solo = 1;
                w->state = SC_PG_WRITE_QUEUED;

                if (w->released) {
                    pool->pending--;
                    sc_pg_write_free(w);
                    continue;
                }

                ngx_queue_insert_head(&pool->queue, &w->queue);
            }

            pc->nbatch = 0;
        }

        sc_pg_flush(pool);
        return;
    }

    k = 0;
    ngx_queue_init(&done);

    for (i = 0; i < pc->nbatch; i++) {
        w = pc->batch[i];

        for (n = 0; n < w->nrows; n++, k++) {
            v = PQgetvalue(res, k, 1);
            w->results[n].id = PQgetisnull(res, k, 1) ? 0
                                                      : strtoll(v, NULL, 10);
            w->results[n].duplicate = PQgetvalue(res, k, 2)[0] == 't';
            w->results[n].replied = PQgetvalue(res, k, 3)[0] == 't';
        }

        /* an in-flight write is in no queue: its link is free */
        pool->pending--;
        ngx_queue_insert_tail(&done, &w->queue);
    }

    PQclear(res);

    pc->nbatch = 0;
    pc->batch_rows = 0;
    pc->state = SC_PG_CONN_IDLE;

    /*
     * The next batch goes to the database before this one is answered:
     * writing a batch's answers takes the worker ~30 us a request, time
     * the backend would otherwise sit idle (measured with one worker:
     * events per commit 23, the backend idle a third of the time).
     */
    sc_pg_flush(pool);

    while (!ngx_queue_empty(&done)) {
        q = ngx_queue_head(&done);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, sc_pg_write_t, queue);
        sc_pg_finish_write(w, SC_PG_STORED);
        sc_pg_write_free(w);
    }
}


void
sc_pg_notice(void *arg, const char *message)
{
    ngx_log_error(NGX_LOG_NOTICE, (ngx_log_t *) arg, 0,
                  "social_care: postgres: %s", message);
}


/* a libpq connection on the nginx event loop, shared by the pool and pgq */

/* libpq owns the socket: nginx only watches it */

ngx_connection_t *
sc_pg_socket_attach(PGconn *pg, void *data, ngx_event_handler_pt handler,
    ngx_log_t *log)
{
    int                fd;
    ngx_connection_t  *c;

    fd = PQsocket(pg);
    if (fd < 0) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "social_care: database connection has no socket");
        return NULL;
    }

    c = ngx_get_connection(fd, log);
    if (c == NULL) {
        return NULL;
    }

    c->data = data;
    c->read->handler = handler;
    c->write->handler = handler;
    c->read->log = log;
    c->write->log = log;
    c->log = log;

    if (ngx_add_conn) {
        if (ngx_add_conn(c) == NGX_ERROR) {
            ngx_free_connection(c);
            return NULL;
        }

    } else {
        if (ngx_add_event(c->read, NGX_READ_EVENT, NGX_CLEAR_EVENT)
            != NGX_OK
            || ngx_add_event(c->write, NGX_WRITE_EVENT, NGX_CLEAR_EVENT)
               != NGX_OK)
        {
            ngx_free_connection(c);
            return NULL;
        }
    }

    return c;
}


void
sc_pg_socket_detach(ngx_connection_t *c)
{
    if (c == NULL) {
        return;
    }

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    if (c->write->timer_set) {
        ngx_del_timer(c->write);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    /* the fd may already be closed by libpq: no epoll_ctl on it */
    if (ngx_del_conn) {
        ngx_del_conn(c, NGX_CLOSE_EVENT);

    } else {
        ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
        ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
    }

    ngx_free_connection(c);
    c->fd = (ngx_socket_t) -1;
}


ngx_int_t
sc_pg_socket_connect(PGconn *pg, ngx_connection_t **cp, ngx_msec_t timeout,
    ngx_log_t *log)
{
    void                       *data;
    ngx_connection_t           *c;
    ngx_event_handler_pt        handler;
    PostgresPollingStatusType   rc;

    c = *cp;

    for ( ;; ) {
        rc = PQconnectPoll(pg);

        /* libpq may have opened a new socket (another address, no SSL) */
        if (PQsocket(pg) != c->fd && PQsocket(pg) >= 0) {
            data = c->data;
            handler = c->read->handler;

            sc_pg_socket_detach(c);
            *cp = NULL;

            c = sc_pg_socket_attach(pg, data, handler, log);
            if (c == NULL) {
                return NGX_ERROR;
            }

            *cp = c;
            ngx_add_timer(c->read, timeout);
        }

        switch (rc) {

        case PGRES_POLLING_READING:
            if (!c->read->ready) {
                return NGX_AGAIN;
            }

            /* epoll is edge-triggered: the data may already be here */
            c->read->ready = 0;
            continue;

        case PGRES_POLLING_WRITING:
            if (!c->write->ready) {
                return NGX_AGAIN;
            }

            c->write->ready = 0;
            continue;

        case PGRES_POLLING_OK:
            break;

        default: /* PGRES_POLLING_FAILED */
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "social_care: database connection failed: %s",
                          PQerrorMessage(pg));
            return NGX_ERROR;
        }

        break;
    }

    if (PQsetnonblocking(pg, 1) != 0) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "social_care: PQsetnonblocking failed: %s",
                      PQerrorMessage(pg));
        return NGX_ERROR;
    }

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    return NGX_OK;
}


/*
 * An idle connection only reads to notice the server going away (and,
 * for pgq, its notifications).  A server that ends a session sends an
 * ErrorResponse and closes at once: libpq may consume the message without
 * seeing the end of the stream, and with edge-triggered events nothing
 * more will come, so peek until the socket would block.
 */

ngx_int_t
sc_pg_socket_idle_read(PGconn *pg, ngx_connection_t *c, ngx_uint_t *notified)
{
    u_char     b;
    ssize_t    n;
    PGnotify  *notify;

    *notified = 0;

    if (!c->read->ready) {
        return NGX_OK;
    }

    c->read->ready = 0;

    for ( ;; ) {
        if (!PQconsumeInput(pg) || PQstatus(pg) != CONNECTION_OK) {
            return NGX_ERROR;
        }

        while ((notify = PQnotifies(pg)) != NULL) {
            (*notified)++;
            PQfreemem(notify);
        }

        n = recv(c->fd, &b, 1, MSG_PEEK);

        if (n > 0) {
            continue;
        }

        if (n == -1 && (ngx_socket_errno == NGX_EAGAIN
                        || ngx_socket_errno == NGX_EINTR))
        {
            return NGX_OK;
        }

        return NGX_ERROR;
    }
}


/* configuration */

static char *
sc_pg_strdup(ngx_pool_t *pool, const char *s)
{
    size_t  len;
    char   *p;

    len = ngx_strlen(s) + 1;

    p = ngx_pnalloc(pool, len);
    if (p != NULL) {
        ngx_memcpy(p, s, len);
    }

    return p;
}


char *
sc_pg_conf_parse(ngx_conf_t *cf, ngx_str_t *conninfo, sc_pg_conf_t *conf)
{
    char               *err, *host, *s;
    size_t              len;
    ngx_uint_t          n, i, has_hostaddr, has_appname;
    struct in6_addr     a6;
    struct addrinfo     hints, *ai;
    PQconninfoOption   *opts, *o;
    u_char              addr[NGX_SOCKADDR_STRLEN];

    s = (char *) ngx_pnalloc(cf->pool, conninfo->len + 1);
    if (s == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(s, conninfo->data, conninfo->len);
    s[conninfo->len] = '\0';

    err = NULL;
    opts = PQconninfoParse(s, &err);

    if (opts == NULL) {
        /* the message names the syntax problem, never a password */
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "social_care_db: invalid conninfo: %s",
                           err ? err : "out of memory");
        if (err) {
            PQfreemem(err);
        }
        return NGX_CONF_ERROR;
    }

    n = 0;
    host = NULL;
    has_hostaddr = 0;
    has_appname = 0;

    for (o = opts; o->keyword; o++) {
        if (o->val == NULL || o->val[0] == '\0') {
            continue;
        }

        n++;

        if (ngx_strcmp(o->keyword, "host") == 0) {
            host = o->val;

        } else if (ngx_strcmp(o->keyword, "hostaddr") == 0) {
            has_hostaddr = 1;

        } else if (ngx_strcmp(o->keyword, "application_name") == 0) {
            has_appname = 1;
        }
    }

    conf->keywords = ngx_pcalloc(cf->pool, sizeof(char *) * (n + 3));
    conf->values = ngx_pcalloc(cf->pool, sizeof(char *) * (n + 3));
    if (conf->keywords == NULL || conf->values == NULL) {
        PQconninfoFree(opts);
        return NGX_CONF_ERROR;
    }

    i = 0;

    for (o = opts; o->keyword; o++) {
        if (o->val == NULL || o->val[0] == '\0') {
            continue;
        }

        conf->keywords[i] = sc_pg_strdup(cf->pool, o->keyword);
        conf->values[i] = sc_pg_strdup(cf->pool, o->val);

        if (conf->keywords[i] == NULL || conf->values[i] == NULL) {
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;
        }

        i++;
    }

    /*
     * A host name would make libpq resolve it synchronously inside the
     * worker: resolve it here, once, and pass the address as hostaddr
     * (host stays for TLS verification).
     */

    if (host && !has_hostaddr && host[0] != '/' && host[0] != '@') {

        if (ngx_strchr(host, ',') != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "social_care_db: several hosts need "
                               "hostaddr= for each");
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;
        }

        if (inet_pton(AF_INET, host, &a6) == 1
            || inet_pton(AF_INET6, host, &a6) == 1)
        {
            ngx_cpystrn(addr, (u_char *) host, sizeof(addr));

        } else {
            ngx_memzero(&hints, sizeof(hints));
            hints.ai_family = AF_UNSPEC;
            hints.ai_socktype = SOCK_STREAM;

            if (getaddrinfo(host, NULL, &hints, &ai) != 0 || ai == NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "social_care_db: host \"%s\" not found",
                                   host);
                PQconninfoFree(opts);
                return NGX_CONF_ERROR;
            }

            len = ngx_sock_ntop(ai->ai_addr, ai->ai_addrlen, addr,
                                sizeof(addr) - 1, 0);
            addr[len] = '\0';
            freeaddrinfo(ai);
        }

        conf->keywords[i] = "hostaddr";
        conf->values[i] = sc_pg_strdup(cf->pool, (char *) addr);
        if (conf->values[i] == NULL) {
            PQconninfoFree(opts);
            return NGX_CONF_ERROR;
        }
        i++;
    }

    if (!has_appname) {
        conf->keywords[i] = "application_name";
        conf->values[i] = "ngx_social_care";
        i++;
    }

    conf->keywords[i] = NULL;
    conf->values[i] = NULL;

    PQconninfoFree(opts);

    return NGX_CONF_OK;
}
