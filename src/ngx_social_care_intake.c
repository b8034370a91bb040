/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_intake.c: one webhook request, from the handshake or the
 * raw body to the answer sent after the events are committed.
 *
 *   POST: read body (limit) -> verify -> parse -> holding replies
 *         -> queue the rows (sc_pg) -> COMMIT -> 200 with the events
 *   GET:  the platform's subscription handshake
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <time.h>

#include "ngx_social_care.h"
#include "sc_event.h"
#include "sc_platform.h"
#include "sc_reply.h"
#include "sc_json_write.h"





static ngx_int_t ngx_social_care_handshake(ngx_http_request_t *r,
    ngx_social_care_loc_conf_t *slcf);
static void ngx_social_care_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_social_care_intake(ngx_http_request_t *r,
    ngx_social_care_ctx_t *ctx);
static u_char *ngx_social_care_read_body(ngx_http_request_t *r,
    size_t *len);
static ngx_int_t ngx_social_care_request(ngx_http_request_t *r,
    ngx_social_care_loc_conf_t *slcf, sc_request_t *rq);
static char *ngx_social_care_rows(ngx_social_care_ctx_t *ctx,
    ngx_social_care_loc_conf_t *slcf);
static ngx_int_t ngx_social_care_send_answer(ngx_http_request_t *r,
    sc_answer_t *answer);
static ngx_int_t ngx_social_care_send_malloced(ngx_http_request_t *r,
    ngx_uint_t status, char *s, size_t len);
static ngx_int_t ngx_social_care_allow(ngx_http_request_t *r,
    ngx_social_care_loc_conf_t *slcf);
static void ngx_social_care_put_str(sc_jw_t *w, const char *key,
    const char *value);
static void ngx_social_care_put_class(sc_jw_t *w, sc_class_t *cls);
static void ngx_social_care_put_raw(sc_jw_t *w, json_t *raw,
    ngx_uint_t mode);
static void ngx_social_care_stored(sc_pg_write_t *w, sc_pg_status_e status);
static ngx_int_t ngx_social_care_spool(ngx_http_request_t *r,
    ngx_social_care_ctx_t *ctx);
static void ngx_social_care_spooled(void *data, ngx_int_t rc);
static void ngx_social_care_account(ngx_http_request_t *r,
    ngx_social_care_ctx_t *ctx, sc_pg_row_t *results);
static ngx_int_t ngx_social_care_answer(ngx_http_request_t *r,
    ngx_social_care_ctx_t *ctx, sc_pg_row_t *results);
static ngx_int_t ngx_social_care_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *code, const char *message);
static ngx_int_t ngx_social_care_send_json(ngx_http_request_t *r,
    ngx_uint_t status, json_t *o);
static ngx_int_t ngx_social_care_send(ngx_http_request_t *r,
    ngx_uint_t status, ngx_str_t *type, u_char *body, size_t len);
static void ngx_social_care_cleanup(void *data);
static ngx_int_t ngx_social_care_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static void ngx_social_care_too_large(ngx_http_request_t *r);

static ngx_http_request_body_filter_pt   ngx_http_next_request_body_filter;

/* the request whose handler is in ngx_http_read_client_request_body() */
static ngx_http_request_t               *ngx_social_care_reading;

static ngx_str_t  ngx_social_care_json_type = ngx_string("application/json");


ngx_int_t
ngx_social_care_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_pool_cleanup_t           *cln;
    ngx_social_care_ctx_t        *ctx;
    ngx_social_care_loc_conf_t   *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    if (r->method == NGX_HTTP_GET) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_social_care_handshake(r, slcf);
    }

    if (r->method != NGX_HTTP_POST) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_social_care_allow(r, slcf);
    }

    ngx_social_care_count(r, SC_STAT_RECEIVED, 1);

    if (r->headers_in.content_length_n > (off_t) slcf->max_body) {
        if (ngx_http_discard_request_body(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_social_care_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "body_too_large",
                                     "The request body is larger than "
                                     "social_care_max_body.");
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_social_care_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->request = r;
    sc_events_init(&ctx->events);

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_social_care_cleanup;
    cln->data = ctx;

    ngx_http_set_ctx(r, ctx, ngx_social_care_module);

    ngx_social_care_reading = r;
    rc = ngx_http_read_client_request_body(r, ngx_social_care_body_handler);
    ngx_social_care_reading = NULL;

    if (rc == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE) {
        /*
         * The rest of the body is still to come: were the connection kept
         * alive, it would be read as the next request (a body could
         * smuggle one).  nginx's own 413 closes it too.
         */
        r->keepalive = 0;
        r->lingering_close = 1;

        return ngx_social_care_error(r, rc, "body_too_large",
                                     "The request body is larger than "
                                     "social_care_max_body.");
    }

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/* the location's name, for log lines that say where */
#define ngx_social_care_location(r)                                          \
    ((ngx_http_core_loc_conf_t *)                                            \
         ngx_http_get_module_loc_conf(r, ngx_http_core_module))->name


static ngx_int_t
ngx_social_care_allow(ngx_http_request_t *r, ngx_social_care_loc_conf_t *slcf)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Allow");

    if (slcf->platform->handshake) {
        ngx_str_set(&h->value, "GET, POST");

    } else {
        ngx_str_set(&h->value, "POST");
    }

    return ngx_social_care_error(r, NGX_HTTP_NOT_ALLOWED,
                                 "method_not_allowed",
                                 slcf->platform->handshake
                                 ? "Webhooks are POSTed; GET is the "
                                   "subscription handshake."
                                 : "Webhooks are POSTed.");
}


/* GET: the platform's subscription handshake (Meta hub, X CRC) */

static ngx_int_t
ngx_social_care_handshake(ngx_http_request_t *r,
    ngx_social_care_loc_conf_t *slcf)
{
    sc_request_t  rq;
    sc_answer_t   answer;

    if (slcf->platform->handshake == NULL) {
        return ngx_social_care_allow(r, slcf);
    }

    if (ngx_social_care_request(r, slcf, &rq) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&answer, sizeof(sc_answer_t));

    if (!slcf->platform->handshake(&slcf->verify, &rq, &answer)) {
        sc_answer_free(&answer);

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "social_care %V in \"%V\": handshake refused",
                      &slcf->platform_name, &ngx_social_care_location(r));

        return ngx_social_care_error(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                     "Not a valid subscription handshake "
                                     "for this location.");
    }

    ngx_social_care_count(r, SC_STAT_HANDSHAKES, 1);

    return ngx_social_care_send_answer(r, &answer);
}


/*
 * The request as plain data for the pure cores: headers, query, public
 * URL (for schemes that sign it), the clock.
 */

static ngx_int_t
ngx_social_care_request(ngx_http_request_t *r,
    ngx_social_care_loc_conf_t *slcf, sc_request_t *rq)
{
    ngx_str_t         url;
    ngx_uint_t        i, n;
    sc_header_t      *hs;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    ngx_memzero(rq, sizeof(sc_request_t));

    rq->is_get = (r->method == NGX_HTTP_GET);
    rq->query = (char *) r->args.data;
    rq->query_len = r->args.len;
    rq->now = (int64_t) ngx_time();

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        n += part->nelts;
    }

    hs = ngx_palloc(r->pool, sizeof(sc_header_t) * (n + 1));
    if (hs == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            hs[n].name = (char *) h[i].key.data;
            hs[n].name_len = h[i].key.len;
            hs[n].value = (char *) h[i].value.data;
            hs[n].value_len = h[i].value.len;
            n++;
        }
    }

    rq->headers = hs;
    rq->nheaders = n;

    if (slcf->platform->signs_url && slcf->public_url) {
        if (ngx_http_complex_value(r, slcf->public_url, &url) != NGX_OK) {
            return NGX_ERROR;
        }

        rq->url = (char *) url.data;
        rq->url_len = url.len;
    }

    return NGX_OK;
}


static void
ngx_social_care_body_handler(ngx_http_request_t *r)
{
    ngx_int_t               rc;
    ngx_social_care_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_social_care_module);

    rc = ngx_social_care_intake(r, ctx);

    if (rc == NGX_DONE) {
        /* answered by ngx_social_care_stored() after the commit */
        return;
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_social_care_intake(ngx_http_request_t *r, ngx_social_care_ctx_t *ctx)
{
    char                         *rows;
    u_char                       *body;
    size_t                        len;
    ngx_int_t                     rc;
    uint64_t                      start;
    ngx_uint_t                    i, nrows, crisis;
    sc_event_t                   *ev;
    sc_class_t                   *cls;
    sc_pg_write_t                *w;
    sc_answer_t                   answer;
    sc_verify_rc_e                vrc;
    sc_parse_rc_e                 prc;
    ngx_social_care_loc_conf_t   *slcf;
    ngx_social_care_main_conf_t  *smcf;
    char                          err[256];

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);
    smcf = ngx_http_get_module_main_conf(r, ngx_social_care_module);

    body = ngx_social_care_read_body(r, &len);
    if (body == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (len > slcf->max_body) {
        return ngx_social_care_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "body_too_large",
                                     "The request body is larger than "
                                     "social_care_max_body.");
    }

    if (ngx_social_care_request(r, slcf, &ctx->rq) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->rq.body = body;
    ctx->rq.body_len = len;

    start = ngx_social_care_usec();
    vrc = slcf->platform->verify(&slcf->verify, &ctx->rq);
    ngx_social_care_observe(r, SC_HIST_VERIFY,
                            ngx_social_care_usec() - start);

    ctx->verify = sc_verify_reason(vrc);

    if (vrc == SC_VERIFY_OK) {
        ngx_social_care_count(r, SC_STAT_VERIFIED, 1);

    } else {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "social_care %V in \"%V\": request rejected: %s",
                      &slcf->platform_name, &ngx_social_care_location(r),
                      sc_verify_reason(vrc));

        if (vrc == SC_VERIFY_ERROR) {
            return ngx_social_care_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                         "internal_error",
                                         "The signature could not be "
                                         "computed.");
        }

        return ngx_social_care_error(r, NGX_HTTP_UNAUTHORIZED,
                       sc_verify_reason(vrc),
                       vrc == SC_VERIFY_MISSING
                       ? "The request carries no signature for this "
                         "platform."
                       : vrc == SC_VERIFY_MALFORMED
                       ? "The signature header is not in this platform's "
                         "format."
                       : vrc == SC_VERIFY_STALE
                       ? "The request's timestamp is outside "
                         "social_care_max_skew."
                       : "The signature does not match the body for any "
                         "configured secret.");
    }

    err[0] = '\0';
    ngx_memzero(&answer, sizeof(sc_answer_t));

    prc = slcf->platform->parse(&ctx->rq, &ctx->events, &answer, err,
                                sizeof(err));

    if (prc == SC_PARSE_OK && answer.status) {
        /* a handshake or ping inside a POST: answered, not stored */
        ngx_social_care_count(r, SC_STAT_HANDSHAKES, 1);
        return ngx_social_care_send_answer(r, &answer);
    }

    sc_answer_free(&answer);

    switch (prc) {

    case SC_PARSE_OK:
        break;

    case SC_PARSE_BAD_JSON:
    case SC_PARSE_INVALID:
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "social_care %V in \"%V\": request rejected: %s",
                      &slcf->platform_name, &ngx_social_care_location(r),
                      err);

        return ngx_social_care_error(r, NGX_HTTP_BAD_REQUEST,
                                     prc == SC_PARSE_BAD_JSON
                                     ? "invalid_json" : "invalid_payload",
                                     err[0] ? err
                                            : "The body is not a webhook "
                                              "payload.");

    case SC_PARSE_TOO_MANY:
        return ngx_social_care_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "too_many_events",
                                     "The webhook carries more events than "
                                     "one request may.");

    default:
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    nrows = ctx->events.nevents;

    ctx->replies = ngx_pcalloc(r->pool, sizeof(sc_reply_t) * (nrows + 1));
    ctx->crisis_replies = ngx_pcalloc(r->pool,
                                      sizeof(sc_reply_t) * (nrows + 1));
    ctx->classes = ngx_pcalloc(r->pool, sizeof(sc_class_t) * (nrows + 1));
    ctx->classified = ngx_pcalloc(r->pool, sizeof(unsigned) * (nrows + 1));

    if (ctx->replies == NULL || ctx->crisis_replies == NULL
        || ctx->classes == NULL || ctx->classified == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < nrows; i++) {
        ev = &ctx->events.events[i];

        /* what people wrote is classified; statuses, reads... are not */
        if (ev->text != NULL) {
            if (sc_classify(slcf->rules, ev, slcf->influencer_followers,
                            &ctx->classes[i])
                != 0)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ctx->classified[i] = 1;
        }

        cls = ctx->classified[i] ? &ctx->classes[i] : NULL;
        crisis = cls && ngx_social_care_worker_crisis(cls->topics,
                                                      cls->ntopics);

        if (sc_reply_compose(slcf->reply, ev, cls, slcf->platform->name,
                             ctx->rq.now, crisis, &ctx->replies[i])
            < 0)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        /*
         * A process without a worker knows of no crisis: a reply the
         * worker delivers then carries its crisis wording too, and the
         * database picks it if a crisis is open for one of the topics.
         * With a worker here, its view (one watch old at most) decides,
         * and the rows stay lean.  An inline reply is answered before the
         * commit, so only what is known here counts.
         */
        if (ctx->replies[i].text && cls && cls->ntopics && !crisis
            && !ngx_social_care_worker_running()
            && !slcf->platform->reply_inline && !ev->reply_inline)
        {
            if (sc_reply_compose(slcf->reply, ev, cls, slcf->platform->name,
                                 ctx->rq.now, 1, &ctx->crisis_replies[i])
                < 0)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }

    if (nrows == 0) {
        /* a ping, or a batch of nothing we store: nothing to commit */
        return ngx_social_care_answer(r, ctx, NULL);
    }

    rows = ngx_social_care_rows(ctx, slcf);
    if (rows == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    w = sc_pg_write_create((u_char *) rows, ngx_strlen(rows), nrows,
                           r->connection->log);
    free(rows);

    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    w->handler = ngx_social_care_stored;
    w->data = ctx;

    rc = (smcf->pool == NULL) ? NGX_DECLINED : sc_pg_submit(smcf->pool, w);

    if (rc == NGX_OK) {
        ctx->write = w;
        ctx->queued_usec = ngx_social_care_usec();
        return NGX_DONE;
    }

    sc_pg_write_free(w);

    if (rc == NGX_BUSY) {
        return ngx_social_care_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "overloaded",
                                     "Too many webhooks are waiting to be "
                                     "stored; retry later.");
    }

    rc = ngx_social_care_spool(r, ctx);

    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_social_care_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                 "database_unavailable",
                                 "The events cannot be stored right now; "
                                 "retry later.");
}


/*
 * The database cannot take the events: the spool can, if configured and
 * not full.  Replies that would have gone in the answer are left to the
 * worker: the answer of a spooled request carries none.  NGX_DONE: the
 * answer follows the spool's fdatasync; NGX_DECLINED: no spool.
 */

static ngx_int_t
ngx_social_care_spool(ngx_http_request_t *r, ngx_social_care_ctx_t *ctx)
{
    char                        *rows;
    ngx_int_t                    rc;
    ngx_social_care_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    ctx->spooled = 1;

    rows = ngx_social_care_rows(ctx, slcf);
    if (rows == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_social_care_spool_append(r, (u_char *) rows, ngx_strlen(rows),
                                      ctx->events.nevents,
                                      ngx_social_care_spooled, ctx);
    free(rows);

    if (rc == NGX_OK) {
        return NGX_DONE;
    }

    ctx->spooled = 0;

    return rc == NGX_DECLINED ? NGX_DECLINED : NGX_HTTP_INTERNAL_SERVER_ERROR;
}


static void
ngx_social_care_spooled(void *data, ngx_int_t rc)
{
    ngx_connection_t       *c;
    ngx_http_request_t     *r;
    ngx_social_care_ctx_t  *ctx;

    ctx = data;
    r = ctx->request;
    c = r->connection;

    if (rc == NGX_OK) {
        ngx_social_care_count(r, SC_STAT_SPOOLED, ctx->events.nevents);
        rc = ngx_social_care_answer(r, ctx, NULL);

    } else {
        ctx->spooled = 0;
        rc = ngx_social_care_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                   "database_unavailable",
                                   "The events cannot be stored right now; "
                                   "retry later.");
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * The exact raw bytes: the body may sit in several memory buffers and in
 * a temporary file.
 */

static u_char *
ngx_social_care_read_body(ngx_http_request_t *r, size_t *len)
{
    u_char       *body, *p;
    off_t         size;
    ssize_t       n;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    size = 0;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            size += ngx_buf_size(cl->buf);
        }
    }

    body = ngx_pnalloc(r->pool, (size_t) size + 1);
    if (body == NULL) {
        return NULL;
    }

    p = body;

    if (r->request_body) {
        for (cl = r->request_body->bufs; cl; cl = cl->next) {
            b = cl->buf;

            if (b->in_file) {
                n = ngx_read_file(b->file, p, (size_t) (b->file_last
                                                        - b->file_pos),
                                  b->file_pos);

                if (n != b->file_last - b->file_pos) {
                    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                                  "social_care: cannot read the request "
                                  "body from its temporary file");
                    return NULL;
                }

                p += n;
                continue;
            }

            /* an empty body's buffer has no memory: pos == last == NULL */
            if (b->last > b->pos) {
                p = ngx_cpymem(p, b->pos, b->last - b->pos);
            }
        }
    }

    *p = '\0';
    *len = p - body;

    return body;
}


/* "key":"value", or nothing for a NULL value */

static void
ngx_social_care_put_str(sc_jw_t *w, const char *key, const char *value)
{
    if (value) {
        sc_jw_key(w, key);
        sc_jw_cstr(w, value);
    }
}


/* topics, pii, category, sentiment and priority: in a row and an answer */

static void
ngx_social_care_put_class(sc_jw_t *w, sc_class_t *cls)
{
    size_t    i;
    unsigned  bit;

    sc_jw_key(w, "topics");
    sc_jw_lit(w, "[", 1);

    for (i = 0; i < cls->ntopics; i++) {
        sc_jw_sep(w);
        sc_jw_cstr(w, cls->topics[i]);
    }

    sc_jw_lit(w, "]", 1);

    sc_jw_key(w, "pii");
    sc_jw_lit(w, "[", 1);

    for (bit = 1; bit && bit <= cls->pii; bit <<= 1) {
        if ((cls->pii & bit) && sc_pii_name(bit)) {
            sc_jw_sep(w);
            sc_jw_cstr(w, sc_pii_name(bit));
        }
    }

    sc_jw_lit(w, "]", 1);

    sc_jw_key(w, "category");
    sc_jw_cstr(w, sc_intent_name(cls->intent));
    sc_jw_key(w, "sentiment");
    sc_jw_milli(w, (double) (int) (cls->sentiment * 1000) / 1000);
    sc_jw_key(w, "priority");
    sc_jw_int(w, cls->priority);
}


/*
 * social_care_store_raw: the platform's own object as it came, with its
 * private data masked as it is written (the event's strings point into
 * the tree, which stays as it is), or not at all.
 */

static void
ngx_social_care_put_raw(sc_jw_t *w, json_t *raw, ngx_uint_t mode)
{
    if (raw == NULL || mode == SC_STORE_RAW_OFF) {
        return;
    }

    sc_jw_key(w, "raw");

    if (mode == SC_STORE_RAW_ON) {
        sc_jw_value(w, raw);
        return;
    }

    (void) sc_pii_redact_write(w, raw);
}


/*
 * The rows for social_care.ingest(): JSON objects separated by commas,
 * without the enclosing brackets, so a batch is their concatenation.
 * Returns a malloc'd string.
 */

static char *
ngx_social_care_rows(ngx_social_care_ctx_t *ctx,
    ngx_social_care_loc_conf_t *slcf)
{
    time_t       sec;
    sc_jw_t      w;
    struct tm    tm;
    ngx_uint_t   i;
    sc_event_t  *ev;
    sc_reply_t  *rp;
    char         ts[80], name[16];

    sc_jw_init(&w);

    ngx_cpystrn((u_char *) name, slcf->platform_name.data,
                ngx_min(slcf->platform_name.len + 1, sizeof(name)));

    for (i = 0; i < ctx->events.nevents; i++) {
        ev = &ctx->events.events[i];
        rp = &ctx->replies[i];

        sc_jw_sep(&w);
        sc_jw_lit(&w, "{", 1);

        ngx_social_care_put_str(&w, "platform", name);
        ngx_social_care_put_str(&w, "external_id", ev->external_id);
        ngx_social_care_put_str(&w, "channel", ev->channel);
        ngx_social_care_put_str(&w, "event_type", ev->type);
        ngx_social_care_put_str(&w, "thread_id", ev->thread_id);
        ngx_social_care_put_str(&w, "author_id", ev->author_id);
        ngx_social_care_put_str(&w, "author_handle", ev->author_handle);
        ngx_social_care_put_str(&w, "author_name", ev->author_name);

        if (ev->author_followers > 0) {
            sc_jw_key(&w, "author_followers");
            sc_jw_int(&w, ev->author_followers);
        }

        ngx_social_care_put_str(&w, "visibility",
                                ev->visibility == SC_VISIBILITY_PUBLIC
                                ? "public" : "private");
        sc_jw_key(&w, "from_brand");
        sc_jw_bool(&w, ev->from_brand);
        ngx_social_care_put_str(&w, "text",
                                ctx->classified[i] && ctx->classes[i].redacted
                                ? ctx->classes[i].redacted : ev->text);

        if (ctx->classified[i]) {
            ngx_social_care_put_class(&w, &ctx->classes[i]);
            ngx_social_care_put_str(&w, "team", ctx->classes[i].team);
        }

        ngx_social_care_put_raw(&w, ev->raw, slcf->store_raw);

        if (ev->occurred_ms > 0) {
            sec = (time_t) (ev->occurred_ms / 1000);

            if (gmtime_r(&sec, &tm) != NULL && tm.tm_year < 8000) {
                *ngx_sprintf((u_char *) ts,
                             "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                             tm.tm_hour, tm.tm_min, tm.tm_sec,
                             (int) (ev->occurred_ms % 1000)) = '\0';

                ngx_social_care_put_str(&w, "occurred_at", ts);
            }
        }

        if (rp->text) {
            /* inline: it goes in this answer; pending: the worker's job */
            sc_jw_key(&w, "reply_cooldown");
            sc_jw_int(&w, slcf->reply_cooldown);
            ngx_social_care_put_str(&w, "reply_text", rp->text);
            ngx_social_care_put_str(&w, "reply_visibility",
                                    rp->visibility == SC_VISIBILITY_PUBLIC
                                    ? "public" : "private");
            ngx_social_care_put_str(&w, "reply_status",
                                    (slcf->platform->reply_inline
                                     || ev->reply_inline)
                                    && !ctx->spooled
                                    ? "inline" : "pending");
            ngx_social_care_put_str(&w, "reply_crisis_text",
                                    ctx->crisis_replies[i].text);
        }

        sc_jw_lit(&w, "}", 1);
    }

    return sc_jw_detach(&w, NULL);
}


static void
ngx_social_care_stored(sc_pg_write_t *w, sc_pg_status_e status)
{
    ngx_int_t               rc;
    ngx_connection_t       *c;
    ngx_http_request_t     *r;
    ngx_social_care_ctx_t  *ctx;

    ctx = w->data;
    ctx->write = NULL;
    r = ctx->request;
    c = r->connection;

    ngx_social_care_observe(r, SC_HIST_PERSIST,
                            ngx_social_care_usec() - ctx->queued_usec);

    switch (status) {

    case SC_PG_STORED:
        ngx_social_care_account(r, ctx, w->results);
        rc = ngx_social_care_answer(r, ctx, w->results);
        break;

    case SC_PG_FAILED:
        rc = ngx_social_care_error(r, NGX_HTTP_INTERNAL_SERVER_ERROR,
                                   "storage_failed",
                                   "The database refused these events.");
        break;

    case SC_PG_TIMEOUT:
        rc = ngx_social_care_spool(r, ctx);

        if (rc == NGX_DONE) {
            return;
        }

        if (rc == NGX_DECLINED) {
            rc = ngx_social_care_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                   "database_timeout",
                                   "The events were not stored within "
                                   "social_care_db_timeout; retry later.");
        }
        break;

    default:
        rc = ngx_social_care_spool(r, ctx);

        if (rc == NGX_DONE) {
            return;
        }

        if (rc == NGX_DECLINED) {
            rc = ngx_social_care_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                   "database_unavailable",
                                   "The events cannot be stored right now; "
                                   "retry later.");
        }
        break;
    }

    ngx_http_finalize_request(r, rc);
    ngx_http_run_posted_requests(c);
}


/*
 * Counters and variables of a committed batch: what was stored, what was
 * a duplicate, which replies were kept; the most urgent event speaks for
 * the request in $social_care_category and $social_care_priority.
 */

static void
ngx_social_care_account(ngx_http_request_t *r, ngx_social_care_ctx_t *ctx,
    sc_pg_row_t *results)
{
    u_char                      *p;
    ngx_uint_t                   i;
    sc_class_t                  *cls;
    ngx_social_care_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    p = ngx_pnalloc(r->pool, ctx->events.nevents * (NGX_INT64_LEN + 1));
    ctx->ids.data = p;

    for (i = 0; i < ctx->events.nevents; i++) {
        if (p) {
            p = ngx_sprintf(p, "%s%L", i ? "," : "", results[i].id);
        }

        if (results[i].duplicate) {
            ngx_social_care_count(r, SC_STAT_DUPLICATES, 1);
            continue;
        }

        ngx_social_care_count(r, SC_STAT_PERSISTED, 1);

        if (results[i].replied) {
            ngx_social_care_count(r, slcf->platform->reply_inline
                                     || ctx->events.events[i].reply_inline
                                     ? SC_STAT_REPLIES_INLINE
                                     : SC_STAT_REPLIES_PENDING, 1);
        }

        if (!ctx->classified[i]) {
            continue;
        }

        cls = &ctx->classes[i];

        ngx_social_care_count(r, SC_STAT_PRIORITY_1 + (cls->priority - 1) % 4,
                              1);
        ngx_social_care_count(r, SC_STAT_CATEGORY_COMPLAINT
                                 + cls->intent % SC_INTENT_COUNT, 1);
        ngx_social_care_count(r, cls->sentiment < -0.05
                                 ? SC_STAT_SENTIMENT_NEGATIVE
                                 : cls->sentiment > 0.05
                                   ? SC_STAT_SENTIMENT_POSITIVE
                                   : SC_STAT_SENTIMENT_NEUTRAL, 1);

        if (ctx->priority == 0 || cls->priority < ctx->priority) {
            ctx->priority = cls->priority;
            ctx->category = sc_intent_name(cls->intent);
        }
    }

    if (p) {
        ctx->ids.len = p - ctx->ids.data;
    }
}


static ngx_int_t
ngx_social_care_answer(ngx_http_request_t *r, ngx_social_care_ctx_t *ctx,
    sc_pg_row_t *results)
{
    char                        *s;
    size_t                       len;
    sc_jw_t                      w;
    ngx_uint_t                   i;
    sc_event_t                  *ev;
    sc_reply_t                  *rp;
    sc_answer_t                  answer;
    ngx_social_care_loc_conf_t  *slcf;

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    if (slcf->platform->inline_answer && ctx->events.nevents) {
        /*
         * A duplicate, or an author in the reply cooldown, gets none.
         * Spooled: none either (the reply waits in the spool as pending,
         * for the worker), but still the platform's own acknowledgement:
         * a Discord interaction or a Twilio webhook answered with our
         * JSON counts as failed there.
         */
        for (i = 0; i < ctx->events.nevents; i++) {
            if (ctx->spooled || results == NULL || !results[i].replied) {
                sc_reply_free(&ctx->replies[i]);
            }
        }

        ngx_memzero(&answer, sizeof(sc_answer_t));

        if (slcf->platform->inline_answer(&ctx->events, ctx->replies,
                                          &answer))
        {
            return ngx_social_care_send_answer(r, &answer);
        }

        sc_answer_free(&answer);
    }

    sc_jw_init(&w);
    sc_jw_lit(&w, "{", 1);
    ngx_social_care_put_str(&w, "status", "accepted");

    if (ctx->spooled) {
        sc_jw_key(&w, "spooled");
        sc_jw_bool(&w, 1);
    }

    sc_jw_key(&w, "events");
    sc_jw_lit(&w, "[", 1);

    for (i = 0; i < ctx->events.nevents; i++) {
        ev = &ctx->events.events[i];
        rp = &ctx->replies[i];

        sc_jw_sep(&w);
        sc_jw_lit(&w, "{", 1);
        sc_jw_key(&w, "id");

        if (results && results[i].id) {
            sc_jw_int(&w, results[i].id);

        } else {
            sc_jw_lit(&w, "null", 4);
        }

        sc_jw_key(&w, "external_id");
        sc_jw_cstr(&w, ev->external_id);
        sc_jw_key(&w, "type");
        sc_jw_cstr(&w, ev->type);

        if (ctx->classified[i]) {
            ngx_social_care_put_class(&w, &ctx->classes[i]);

        } else {
            sc_jw_key(&w, "category");
            sc_jw_lit(&w, "null", 4);
            sc_jw_key(&w, "priority");
            sc_jw_lit(&w, "null", 4);
        }

        sc_jw_key(&w, "reply");

        if (rp->text && results && results[i].replied) {
            sc_jw_lit(&w, "{", 1);
            ngx_social_care_put_str(&w, "text", rp->text);
            ngx_social_care_put_str(&w, "visibility",
                                    rp->visibility == SC_VISIBILITY_PUBLIC
                                    ? "public" : "private");
            sc_jw_lit(&w, "}", 1);

        } else {
            sc_jw_lit(&w, "null", 4);
        }

        if (results && results[i].duplicate) {
            sc_jw_key(&w, "duplicate");
            sc_jw_bool(&w, 1);
        }

        sc_jw_lit(&w, "}", 1);
    }

    sc_jw_lit(&w, "]}", 2);

    s = sc_jw_detach(&w, &len);

    return ngx_social_care_send_malloced(r, NGX_HTTP_OK, s, len);
}


/* a platform-shaped answer from a pure core: copied, then freed */

static ngx_int_t
ngx_social_care_send_answer(ngx_http_request_t *r, sc_answer_t *answer)
{
    u_char     *body;
    size_t      len;
    ngx_str_t   type;

    len = answer->body_len;
    body = NULL;

    if (len) {
        body = ngx_pnalloc(r->pool, len);
        if (body == NULL) {
            sc_answer_free(answer);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(body, answer->body, len);
    }

    sc_answer_free(answer);

    type.data = (u_char *) (answer->content_type ? answer->content_type
                                                 : "application/json");
    type.len = ngx_strlen(type.data);

    return ngx_social_care_send(r, answer->status, &type, body, len);
}


static ngx_int_t
ngx_social_care_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message)
{
    ngx_table_elt_t  *h;

    ngx_social_care_count_error(r, code);

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Retry-After");
        ngx_str_set(&h->value, "5");
    }

    return ngx_social_care_send_json(r, status,
                                     json_pack("{s:s, s:s}", "error", code,
                                               "message", message));
}


/* a JSON answer; takes the reference to o */

static ngx_int_t
ngx_social_care_send_json(ngx_http_request_t *r, ngx_uint_t status,
    json_t *o)
{
    char  *s;

    s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);

    return ngx_social_care_send_malloced(r, status, s, s ? strlen(s) : 0);
}


/* a JSON answer from a malloc'd string, which it frees; NULL: 500 */

static ngx_int_t
ngx_social_care_send_malloced(ngx_http_request_t *r, ngx_uint_t status,
    char *s, size_t len)
{
    u_char  *body;

    if (s == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body = ngx_pnalloc(r->pool, len);
    if (body == NULL) {
        free(s);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(body, s, len);
    free(s);

    return ngx_social_care_send(r, status, &ngx_social_care_json_type, body,
                                len);
}


static ngx_int_t
ngx_social_care_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, u_char *body, size_t len)
{
    ngx_int_t     rc, ms;
    ngx_buf_t    *b;
    ngx_time_t   *tp;
    ngx_chain_t   out;

    tp = ngx_timeofday();
    ms = (tp->sec - r->start_sec) * 1000 + (tp->msec - r->start_msec);
    ngx_social_care_observe(r, SC_HIST_REQUEST,
                            (uint64_t) ngx_max(ms, 0) * 1000);

    r->headers_out.status = status;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_length_n = len;

    if (len == 0) {
        r->header_only = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body;
    b->last = body + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static void
ngx_social_care_cleanup(void *data)
{
    ngx_social_care_ctx_t  *ctx = data;

    ngx_uint_t  i;

    if (ctx->write) {
        sc_pg_write_release(ctx->write);
        ctx->write = NULL;
    }

    if (ctx->replies) {
        for (i = 0; i < ctx->events.nevents; i++) {
            sc_reply_free(&ctx->replies[i]);
        }
    }

    if (ctx->crisis_replies) {
        for (i = 0; i < ctx->events.nevents; i++) {
            sc_reply_free(&ctx->crisis_replies[i]);
        }
    }

    if (ctx->classes) {
        for (i = 0; i < ctx->events.nevents; i++) {
            sc_class_free(&ctx->classes[i]);
        }
    }

    sc_events_free(&ctx->events);
}


/*
 * social_care_max_body for bodies without a Content-Length (chunked):
 * nginx's own client_max_body_size is off in social_care locations.
 */

ngx_int_t
ngx_social_care_body_filter_init(void)
{
    ngx_http_next_request_body_filter = ngx_http_top_request_body_filter;
    ngx_http_top_request_body_filter = ngx_social_care_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_social_care_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t                 *cl;
    ngx_social_care_ctx_t       *ctx;
    ngx_social_care_loc_conf_t  *slcf;

    ctx = ngx_http_get_module_ctx(r, ngx_social_care_module);

    if (ctx != NULL) {
        slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

        for (cl = in; cl; cl = cl->next) {
            ctx->body_seen += ngx_buf_size(cl->buf);
        }

        if (ctx->body_seen > (off_t) slcf->max_body) {
            /*
             * Within the handler's ngx_http_read_client_request_body() the
             * handler answers the JSON 413.  In a later read, nginx's read
             * handler would answer its own HTML 413 for this code; instead
             * reading stops here, and the JSON 413 is sent from a posted
             * request, which nginx runs right after the read handler
             * returns (it ignores NGX_ERROR).  HTTP/2 finalizes a request
             * whose body filter fails at once: nginx answers it.
             */
            if (r == ngx_social_care_reading || r->stream != NULL
                || ngx_http_post_request(r, NULL) != NGX_OK)
            {
                return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
            }

            r->read_event_handler = ngx_http_block_reading;
            r->write_event_handler = ngx_social_care_too_large;

            return NGX_ERROR;
        }
    }

    return ngx_http_next_request_body_filter(r, in);
}


static void
ngx_social_care_too_large(ngx_http_request_t *r)
{
    r->write_event_handler = ngx_http_request_empty_handler;

    /* the rest of the body is not read: the connection is not reused */
    r->keepalive = 0;
    r->lingering_close = 1;

    ngx_http_finalize_request(r, ngx_social_care_error(r,
                                     NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "body_too_large",
                                     "The request body is larger than "
                                     "social_care_max_body."));
}
