/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_int.h: what sc_deliver.c shares with the per-platform files
 * sc_deliver_<platform>.c.  Not for the glue: it uses sc_deliver.h.
 *
 * A platform's build fills an sc_dreq_t (path, body, credential headers)
 * and sc_deliver.c assembles the request around it; a platform's result
 * reads the parsed answer and either decides (returns 1) or leaves the
 * decision to the status rules (returns 0), optionally naming the
 * platform's own error message in *message.
 */

#ifndef _SC_DELIVER_INT_H_INCLUDED_
#define _SC_DELIVER_INT_H_INCLUDED_


#include "sc_deliver.h"


#define SC_DREQ_PATH_MAX     1024
#define SC_DREQ_HEADERS_MAX  4
#define SC_DREQ_SEG_MAX      128        /* an id in a path */

#define SC_DREQ_JSON         "application/json; charset=utf-8"
#define SC_DREQ_FORM         "application/x-www-form-urlencoded"


typedef struct {
    const char         *name;           /* static */
    char               *value;          /* malloc'd */
} sc_dhdr_t;


typedef struct {
    char                path[SC_DREQ_PATH_MAX];
    size_t              path_len;
    const char         *content_type;   /* static */
    char               *body;           /* malloc'd */
    size_t              body_len;
    sc_dhdr_t           headers[SC_DREQ_HEADERS_MAX];
    size_t              nheaders;
    const char         *reason;         /* SKIP, ERROR: static */
} sc_dreq_t;


typedef sc_deliver_rc_e (*sc_deliver_build_pt)(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);

/* doc: the body parsed (NULL: not JSON); returns 1 when it decided */
typedef int (*sc_deliver_result_pt)(int status, json_t *doc,
    const char *body, size_t len, sc_deliver_result_t *r,
    const char **message);


/* per platform, in sc_deliver_<platform>.c */
sc_deliver_rc_e sc_deliver_meta_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_meta_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_x_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_x_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_slack_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_slack_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_telegram_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_telegram_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_line_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_line_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_discord_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
sc_deliver_rc_e sc_deliver_viber_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_viber_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);
sc_deliver_rc_e sc_deliver_twilio_build(const sc_delivery_t *d,
    const sc_api_t *api, double now, sc_dreq_t *q);
int sc_deliver_twilio_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message);


/*
 * Request pieces, in sc_deliver.c.  Each returns 0, or -1 with q->reason
 * set (an unsafe id, memory).
 *
 * sc_dreq_path: appends literal text to the path (our own, trusted);
 * sc_dreq_seg: appends an id from event data or configuration, which
 * must be 1..SC_DREQ_SEG_MAX bytes of [A-Za-z0-9_-] and of extra;
 * sc_dreq_json: the body, json compact; steals body (NULL: no memory);
 * sc_dreq_header: a header whose value is printf-formatted and must not
 * contain CR, LF or NUL.
 */
int sc_dreq_path(sc_dreq_t *q, const char *s);
int sc_dreq_seg(sc_dreq_t *q, const char *id, const char *extra,
    const char *what);
int sc_dreq_json(sc_dreq_t *q, json_t *body);
int sc_dreq_header(sc_dreq_t *q, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * The whole request: "POST <path> HTTP/1.1", Host, User-Agent, Accept,
 * Content-Type, Content-Length, q's headers, "Connection: close", the
 * body, into *out (malloc'd).  0, or -1 when out of memory.
 * sc_dreq_free() frees (and wipes the headers of) what q holds.
 */
int sc_dreq_assemble(const sc_dreq_t *q, const char *host, char **out,
    size_t *out_len);
void sc_dreq_free(sc_dreq_t *q);

/* host is 1.. bytes of [A-Za-z0-9.:[]_-]: a Host header value */
int sc_deliver_host_ok(const char *host);

/* SKIP or ERROR with a static reason */
sc_deliver_rc_e sc_dreq_skip(sc_dreq_t *q, const char *reason);
sc_deliver_rc_e sc_dreq_error(sc_dreq_t *q, const char *reason);


/* NULL for NULL and "" */
const char *sc_deliver_str(const char *s);

/* the reply is "private" (anything else is public) */
int sc_deliver_private(const sc_delivery_t *d);

/* s[0..len) is UTF-8 without NUL bytes */
int sc_deliver_utf8(const char *s, size_t len);

/*
 * The result's pieces.  sc_dres_id: the id from a JSON string or integer
 * (1), or 0.  sc_dres_set: outcome and error sentence (printf), control
 * bytes turned into spaces, cut to fit at a UTF-8 boundary.
 */
int sc_dres_id(sc_deliver_result_t *r, json_t *v);
void sc_dres_set(sc_deliver_result_t *r, sc_outcome_e outcome,
    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;


#endif /* _SC_DELIVER_INT_H_INCLUDED_ */
