/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_pg.h: a per-worker pool of non-blocking libpq connections on the nginx
 * event loop, and the batcher that stores the events of concurrent requests
 * with one statement (one COMMIT) per batch.
 */

#ifndef _SC_PG_H_INCLUDED_
#define _SC_PG_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <libpq-fe.h>


typedef struct sc_pg_pool_s   sc_pg_pool_t;
typedef struct sc_pg_write_s  sc_pg_write_t;


typedef enum {
    SC_PG_STORED = 0,       /* committed: results[] is filled */
    SC_PG_UNAVAILABLE,      /* no connection, or it broke: retry later */
    SC_PG_TIMEOUT,          /* not committed within social_care_db_timeout */
    SC_PG_FAILED            /* the database refused these rows */
} sc_pg_status_e;


typedef void (*sc_pg_write_handler_pt)(sc_pg_write_t *w,
    sc_pg_status_e status);


typedef struct {
    int64_t                  id;
    unsigned                 duplicate:1;
    unsigned                 replied:1;    /* its holding reply was kept */
} sc_pg_row_t;


struct sc_pg_write_s {
    ngx_queue_t              queue;
    sc_pg_pool_t            *pool;

    /* JSON objects separated by commas, without the enclosing brackets */
    u_char                  *rows;
    size_t                   rows_len;
    ngx_uint_t               nrows;
    sc_pg_row_t             *results;

    sc_pg_write_handler_pt   handler;  /* NULL once called or released */
    void                    *data;
    ngx_log_t               *log;

    ngx_event_t              deadline;
    ngx_msec_t               queued;   /* when submitted */

    unsigned                 state:2;
    unsigned                 solo:1;   /* retry alone: its batch failed */
    unsigned                 released:1;
};


typedef struct {
    const char             **keywords;  /* PQconnectStartParams arrays */
    const char             **values;
    ngx_uint_t               connections;
    ngx_msec_t               timeout;
    ngx_uint_t               batch;     /* rows per statement */
    ngx_msec_t               wait;      /* a batch may wait to fill */
    ngx_uint_t               max_pending;
} sc_pg_conf_t;


sc_pg_pool_t *sc_pg_pool_create(ngx_cycle_t *cycle, sc_pg_conf_t *conf);
void sc_pg_pool_destroy(sc_pg_pool_t *pool);

/* one allocation: the write, its rows (copied) and room for its results */
sc_pg_write_t *sc_pg_write_create(const u_char *rows, size_t len,
    ngx_uint_t nrows, ngx_log_t *log);

/*
 * NGX_OK: queued, the handler will be called once (unless released first);
 * NGX_BUSY: too many pending writes; NGX_DECLINED: the database is down.
 * On anything but NGX_OK the caller still owns w and frees it.
 */
ngx_int_t sc_pg_submit(sc_pg_pool_t *pool, sc_pg_write_t *w);

/* gauges for the status page: writes waiting, connections up */
void sc_pg_pool_stats(sc_pg_pool_t *pool, ngx_uint_t *pending,
    ngx_uint_t *connected);

/* the request is gone: never call its handler, free w when safe */
void sc_pg_write_release(sc_pg_write_t *w);
void sc_pg_write_free(sc_pg_write_t *w);

/*
 * One libpq connection on the nginx event loop (the pool's and pgq's):
 * attach watches PQsocket() with handler, data in c->data; connect drives
 * PQconnectPoll (NGX_AGAIN: wait for an event; NGX_OK: connected and
 * non-blocking; NGX_ERROR: failed, logged) and re-attaches when libpq
 * switches sockets; idle_read consumes input while no query runs, counts
 * notifications, and fails when the server has gone.
 */
ngx_connection_t *sc_pg_socket_attach(PGconn *pg, void *data,
    ngx_event_handler_pt handler, ngx_log_t *log);
void sc_pg_socket_detach(ngx_connection_t *c);
ngx_int_t sc_pg_socket_connect(PGconn *pg, ngx_connection_t **cp,
    ngx_msec_t timeout, ngx_log_t *log);
ngx_int_t sc_pg_socket_idle_read(PGconn *pg, ngx_connection_t *c,
    ngx_uint_t *notified);
void sc_pg_notice(void *arg, const char *message);

/* config time: parse a conninfo, resolve a host name to hostaddr once */
char *sc_pg_conf_parse(ngx_conf_t *cf, ngx_str_t *conninfo,
    sc_pg_conf_t *conf);


#endif /* _SC_PG_H_INCLUDED_ */
