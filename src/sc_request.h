/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_request.h: a webhook request and an answer as plain C data, so that
 * signature checks, handshakes, normalization and inline answers are pure
 * functions that unit tests and fuzzers call without nginx.
 */

#ifndef _SC_REQUEST_H_INCLUDED_
#define _SC_REQUEST_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


typedef struct {
    const char           *name;        /* as received; compare ignoring case */
    size_t                name_len;
    const char           *value;
    size_t                value_len;
} sc_header_t;


typedef struct {
    unsigned              is_get:1;    /* GET: a handshake; else POST */

    /* the URL as the platform called it (Twilio signs it), with query */
    const char           *url;
    size_t                url_len;

    /* the raw query string, without '?', still URL-encoded */
    const char           *query;
    size_t                query_len;

    const sc_header_t    *headers;
    size_t                nheaders;

    const unsigned char  *body;        /* the exact raw bytes */
    size_t                body_len;

    int64_t               now;         /* unix seconds, for replay windows */
} sc_request_t;


/* what the module sends back when a platform dictates the answer */
typedef struct {
    int                   status;       /* 0: no answer decided here */
    const char           *content_type; /* static string */
    char                 *body;         /* malloc'd, NULL for none */
    size_t                body_len;
} sc_answer_t;


/*
 * a header's value by case-insensitive name; NULL when absent, or when it
 * comes twice with different values (which one counts is unknowable)
 */
const char *sc_request_header(const sc_request_t *rq, const char *name,
    size_t *len);

/*
 * A query argument, URL-decoded ('+' is a space) into out, NUL-terminated.
 * Returns 1 when found and it fits, 0 otherwise.
 */
int sc_request_arg(const sc_request_t *rq, const char *name, char *out,
    size_t out_size, size_t *len);

/* sets a malloc'd copy of body; returns 0 on success, -1 on ENOMEM */
int sc_answer_set(sc_answer_t *a, int status, const char *content_type,
    const char *body, size_t len);
void sc_answer_free(sc_answer_t *a);


#endif /* _SC_REQUEST_H_INCLUDED_ */
