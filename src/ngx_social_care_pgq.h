/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_pgq.h: one non-blocking libpq connection that runs a
 * bounded FIFO of parameterized statements, one at a time, and LISTENs on
 * a channel.  The worker queue's connection: claims, reports, watches.
 */

#ifndef _NGX_SOCIAL_CARE_PGQ_H_INCLUDED_
#define _NGX_SOCIAL_CARE_PGQ_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include "sc_pg.h"


#define SC_PGQ_PARAMS_MAX  8


typedef struct sc_pgq_s  sc_pgq_t;

/*
 * res is NULL when the statement's fate is unknown: the connection broke
 * while it ran (it may have committed).  The result is cleared after the
 * handler returns.
 */
typedef void (*sc_pgq_handler_pt)(void *data, PGresult *res);

/* called once connected (after LISTEN) and whenever notifications came */
typedef void (*sc_pgq_wake_pt)(void *data);


sc_pgq_t *sc_pgq_create(sc_pg_conf_t *conf, const char *channel,
    ngx_uint_t max_queued, sc_pgq_wake_pt wake, void *data, ngx_log_t *log);
void sc_pgq_destroy(sc_pgq_t *q);

/*
 * Queues sql (a static string) with its parameters (copied).  Statements
 * wait while the connection is down and run once it is back.  NGX_OK, or
 * NGX_BUSY when max_queued statements are waiting (nothing is queued).
 */
ngx_int_t sc_pgq_send(sc_pgq_t *q, const char *sql, ngx_uint_t nparams,
    const char **values, sc_pgq_handler_pt handler, void *data);

ngx_uint_t sc_pgq_connected(sc_pgq_t *q);


#endif /* _NGX_SOCIAL_CARE_PGQ_H_INCLUDED_ */
