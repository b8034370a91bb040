/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_http.h: the HTTP/1.x response parser of the delivery worker's
 * client.  Pure C, no nginx types.
 *
 * The worker sends one request per connection ("Connection: close") and
 * calls sc_http_response_parse() with everything received so far each
 * time more arrives (buf grows; its start never changes), and once more
 * with eof set when the peer closed.  Every call parses from the start:
 * a response is at most SC_HTTP_HEADERS_MAX + SC_HTTP_BODY_MAX bytes and
 * arrives in few reads, so simplicity wins over resuming.
 *
 *     sc_http_response_init(&r, 0);
 *     for ( ;; ) {
 *         n = recv(...);                      (append to buf, len += n)
 *         rc = sc_http_response_parse(&r, buf, len, n == 0);
 *         if (rc != SC_HTTP_NEED_MORE) break;
 *     }
 *     ... r.status, r.retry_after, r.body, r.body_len or r.error ...
 *     sc_http_response_free(&r);
 *
 * Framing (RFC 9112 section 6.3): no body for HEAD, 1xx, 204 and 304;
 * Transfer-Encoding whose last coding is chunked: chunked (extensions and
 * trailer fields accepted, then ignored), otherwise read until close;
 * else Content-Length (repeated equal values accepted, differing ones
 * rejected); else read until close.  Interim 1xx responses (100, 103)
 * are skipped.  Lines may end in LF alone.  Anything else is an error:
 * a status line that is not "HTTP/1.x NNN", a header name with a space
 * or a control byte, a NUL, a bare CR, a malformed chunk, a body cut
 * short by the close.
 */

#ifndef _SC_HTTP_H_INCLUDED_
#define _SC_HTTP_H_INCLUDED_


#include <stddef.h>


#define SC_HTTP_HEADERS_MAX   16384           /* status line and fields */
#define SC_HTTP_BODY_MAX      (1024 * 1024)   /* decoded body */
#define SC_HTTP_VALUE_MAX     64              /* Retry-After kept */


typedef enum {
    SC_HTTP_NEED_MORE = 0,
    SC_HTTP_DONE,
    SC_HTTP_ERROR
} sc_http_rc_e;


typedef struct {
    /* in: set by sc_http_response_init() */
    unsigned        head:1;         /* the request was HEAD: no body */

    /* out: valid after SC_HTTP_DONE */
    int             status;         /* 100..999 of the final response */
    int             version;        /* 10 or 11 */
    char            retry_after[SC_HTTP_VALUE_MAX]; /* "" when absent */
    char           *body;           /* malloc'd and NUL-terminated (the
                                       NUL is not counted); "" when none */
    size_t          body_len;
    size_t          consumed;       /* bytes of buf the response took */

    /* out: set with SC_HTTP_ERROR, a static sentence */
    const char     *error;
} sc_http_response_t;


/* once per response: a parse frees what the previous one kept */
void sc_http_response_init(sc_http_response_t *r, unsigned head);

/*
 * buf[0..len) is the response received so far; eof: the peer closed
 * after it.  Returns SC_HTTP_NEED_MORE (call again with more, or with
 * eof), SC_HTTP_DONE or SC_HTTP_ERROR (r->error says why; also when
 * memory runs out).  A call after DONE parses again and replaces body.
 */
sc_http_rc_e sc_http_response_parse(sc_http_response_t *r,
    const unsigned char *buf, size_t len, int eof);

void sc_http_response_free(sc_http_response_t *r);


/*
 * Seconds to wait from a Retry-After value at now (unix seconds):
 * delta-seconds, or an HTTP-date (IMF-fixdate, RFC 850 or asctime) in
 * the future.  0 when absent, unreadable or past; at most max_wait.
 */
int sc_http_retry_after(const char *value, double now, int max_wait);


#endif /* _SC_HTTP_H_INCLUDED_ */
