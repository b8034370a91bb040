/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_http.c: an HTTP/1.x response parser for the delivery worker (see
 * sc_http.h).  It reparses from the start on every call and allocates
 * only once the whole response is there, so a call is linear in what
 * was received and a partial response holds no memory.
 *
 * Pure C, no nginx types.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_http.h"
#include "sc_json.h"


#define SC_HTTP_CHUNK_LINE_MAX  4096    /* a chunk-size line with its ext */
#define SC_HTTP_CL_DIGITS_MAX   18      /* fits int64 with room to spare */


/* what the header block says about the body */
typedef struct {
    int             status;
    int             version;
    size_t          length;         /* Content-Length */
    unsigned        has_length:1;
    unsigned        te:1;           /* Transfer-Encoding present */
    unsigned        chunked:1;      /* ... and its last coding is chunked */
} sc_http_head_t;


static sc_http_rc_e sc_http_fail(sc_http_response_t *r, const char *why);
static int sc_http_line(const unsigned char *p, const unsigned char *end,
    const unsigned char **eol, const unsigned char **next);
static sc_http_rc_e sc_http_head(sc_http_response_t *r,
    const unsigned char *buf, size_t len, size_t pos, sc_http_head_t *h,
    size_t *body);
static int sc_http_status_line(const unsigned char *p,
    const unsigned char *eol, sc_http_head_t *h);
static int sc_http_field(const unsigned char *p, const unsigned char *eol,
    const unsigned char **name, size_t *name_len,
    const unsigned char **value, size_t *value_len);
static int sc_http_content_length(const unsigned char *v, size_t len,
    sc_http_head_t *h);
static void sc_http_transfer_encoding(const unsigned char *v, size_t len,
    sc_http_head_t *h);
static sc_http_rc_e sc_http_chunks(sc_http_response_t *r,
    const unsigned char *buf, size_t len, size_t pos, char *out,
    size_t *total, size_t *end);
static sc_http_rc_e sc_http_body(sc_http_response_t *r,
    const unsigned char *p, size_t n, size_t consumed);
static int sc_http_is_tchar(unsigned char c);
static int sc_http_name_is(const unsigned char *name, size_t len,
    const char *want);
static int sc_http_date(const char *s, int64_t *t);
static int sc_http_month(const char *m);


void
sc_http_response_init(sc_http_response_t *r, unsigned head)
{
    memset(r, 0, sizeof(sc_http_response_t));
    r->head = head ? 1 : 0;
}


void
sc_http_response_free(sc_http_response_t *r)
{
    free(r->body);
    r->body = NULL;
    r->body_len = 0;
}


sc_http_rc_e
sc_http_response_parse(sc_http_response_t *r, const unsigned char *buf,
    size_t len, int eof)
{
    size_t          pos, body, total, end;
    unsigned        head;
    sc_http_rc_e    rc;
    sc_http_head_t  h;

    head = r->head;
    sc_http_response_free(r);
    sc_http_response_init(r, head);

    pos = 0;

    /* interim responses (100 Continue, 103 Early Hints) precede ours */
    for ( ;; ) {
        rc = sc_http_head(r, buf, len, pos, &h, &body);

        if (rc == SC_HTTP_ERROR) {
            return rc;
        }

        if (rc == SC_HTTP_NEED_MORE) {
            if (!eof) {
                return rc;
            }

            return sc_http_fail(r, (len == 0)
                                   ? "connection closed without a response"
                                   : "connection closed in the headers");
        }

        if (h.status >= 200) {
            break;
        }

        if (h.status == 101) {
            return sc_http_fail(r, "unexpected protocol switch (101)");
        }

        pos = body;
    }

    r->status = h.status;
    r->version = h.version;

    if (r->head || h.status == 204 || h.status == 304) {
        return sc_http_body(r, buf + body, 0, body);
    }

    if (h.chunked) {
        rc = sc_http_chunks(r, buf, len, body, NULL, &total, &end);

        if (rc == SC_HTTP_NEED_MORE && eof) {
            return sc_http_fail(r, "connection closed in the chunked body");
        }

        if (rc != SC_HTTP_DONE) {
            return rc;
        }

        r->body = malloc(total + 1);
        if (r->body == NULL) {
            return sc_http_fail(r, "out of memory");
        }

        /* the same walk again, now known to be complete and valid */
        (void) sc_http_chunks(r, buf, len, body, r->body, &total, &end);

        r->body[total] = '\0';
        r->body_len = total;
        r->consumed = end;

        return SC_HTTP_DONE;
    }

    if (h.has_length && !h.te) {
        if (h.length > SC_HTTP_BODY_MAX) {
            return sc_http_fail(r, "body too large");
        }

        if (len - body >= h.length) {
            return sc_http_body(r, buf + body, h.length, body + h.length);
        }

        if (eof) {
            return sc_http_fail(r, "connection closed before the whole "
                                "Content-Length arrived");
        }

        return SC_HTTP_NEED_MORE;
    }

    /* neither: the body is whatever comes until the close */
    if (len - body > SC_HTTP_BODY_MAX) {
        return sc_http_fail(r, "body too large");
    }

    if (!eof) {
        return SC_HTTP_NEED_MORE;
    }

    return sc_http_body(r, buf + body, len - body, len);
}


static sc_http_rc_e
sc_http_fail(sc_http_response_t *r, const char *why)
{
    sc_http_response_free(r);
    r->error = why;

    return SC_HTTP_ERROR;
}


/* a copy of p[0..n) as r->body */
static sc_http_rc_e
sc_http_body(sc_http_response_t *r, const unsigned char *p, size_t n,
    size_t consumed)
{
    r->body = malloc(n + 1);
    if (r->body == NULL) {
        return sc_http_fail(r, "out of memory");
    }

    if (n > 0) {
        memcpy(r->body, p, n);
    }

    r->body[n] = '\0';
    r->body_len = n;
    r->consumed = consumed;

    return SC_HTTP_DONE;
}


/*
 * The line starting at p: *eol is its end without the CR LF (or LF),
 * *next the byte after the LF.  Returns 0, 1 when no LF is there yet,
 * -1 for a NUL or a CR that does not end the line.
 */
static int
sc_http_line(const unsigned char *p, const unsigned char *end,
    const unsigned char **eol, const unsigned char **next)
{
    const unsigned char  *lf, *q;

    lf = memchr(p, '\n', (size_t) (end - p));
    if (lf == NULL) {
        /* a bad byte is bad however the line goes on */
        for (q = p; q < end; q++) {
            if (*q == '\0' || (*q == '\r' && q + 1 < end)) {
                return -1;
            }
        }

        return 1;
    }

    *next = lf + 1;
    *eol = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;

    for (q = p; q < *eol; q++) {
        if (*q == '\0' || *q == '\r') {
            return -1;
        }
    }

    return 0;
}


/*
 * The status line and header fields of one response from buf + pos;
 * *body is where its body starts.  All header blocks together may take
 * SC_HTTP_HEADERS_MAX bytes.
 */
static sc_http_rc_e
sc_http_head(sc_http_response_t *r, const unsigned char *buf, size_t len,
    size_t pos, sc_http_head_t *h, size_t *body)
{
    int                   rc;
    size_t                name_len, value_len, limit;
    unsigned              framing;
    const unsigned char  *p, *end, *eol, *next, *name, *value;

    memset(h, 0, sizeof(sc_http_head_t));

    if (pos >= SC_HTTP_HEADERS_MAX) {
        return sc_http_fail(r, "headers too large");
    }

    if (pos >= len) {
        return SC_HTTP_NEED_MORE;
    }

    limit = (len < SC_HTTP_HEADERS_MAX) ? len : SC_HTTP_HEADERS_MAX;

    end = buf + limit;
    p = buf + pos;

    rc = sc_http_line(p, end, &eol, &next);
    if (rc == 0) {
        if (sc_http_status_line(p, eol, h) != 0) {
            return sc_http_fail(r, "not an HTTP/1.x status line");
        }

    } else {
        /* what a status line must start with, as far as it came */
        if (rc < 0 || memcmp(p, "HTTP/1.",
                             ((size_t) (end - p) < 7) ? (size_t) (end - p)
                                                      : 7) != 0)
        {
            return sc_http_fail(r, "not an HTTP/1.x status line");
        }

        goto more;
    }

    p = next;
    framing = 0;

    for ( ;; ) {
        rc = sc_http_line(p, end, &eol, &next);
        if (rc < 0) {
            return sc_http_fail(r, "bad byte in the header fields");
        }

        if (rc > 0) {
            goto more;
        }

        if (eol == p) {
            *body = (size_t) (next - buf);
            return SC_HTTP_DONE;
        }

        /* obs-fold continues the previous field: never a framing one */
        if (*p == ' ' || *p == '\t') {
            if (framing) {
                return sc_http_fail(r, "folded framing header field");
            }

            p = next;
            continue;
        }

        if (sc_http_field(p, eol, &name, &name_len, &value, &value_len)
            != 0)
        {
            return sc_http_fail(r, "malformed header field");
        }

        framing = 0;

        if (sc_http_name_is(name, name_len, "content-length")) {
            if (sc_http_content_length(value, value_len, h) != 0) {
                return sc_http_fail(r, "bad Content-Length");
            }

            framing = 1;

        } else if (sc_http_name_is(name, name_len, "transfer-encoding")) {
            sc_http_transfer_encoding(value, value_len, h);
            framing = 1;

        } else if (sc_http_name_is(name, name_len, "retry-after")
                   && r->retry_after[0] == '\0'
                   && value_len < sizeof(r->retry_after))
        {
            memcpy(r->retry_after, value, value_len);
            r->retry_after[value_len] = '\0';
        }

        p = next;
    }

more:

    if (len >= SC_HTTP_HEADERS_MAX) {
        return sc_http_fail(r, "headers too large");
    }

    return SC_HTTP_NEED_MORE;
}


/* "HTTP/1.1 200 OK", "HTTP/1.0 404", "HTTP/1.1 503 " */
static int
sc_http_status_line(const unsigned char *p, const unsigned char *eol,
    sc_http_head_t *h)
{
    const unsigned char  *q;

    if (eol - p < 12 || memcmp(p, "HTTP/1.", 7) != 0
        || (p[7] != '0' && p[7] != '1') || p[8] != ' '
        || p[9] < '1' || p[9] > '9' || p[10] < '0' || p[10] > '9'
        || p[11] < '0' || p[11] > '9')
    {
        return -1;
    }

    if (eol - p > 12 && p[12] != ' ') {
        return -1;
    }

    /* the reason phrase: text, tabs and obs-text */
    for (q = p + 12; q < eol; q++) {
        if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
            return -1;
        }
    }

    h->version = (p[7] == '1') ? 11 : 10;
    h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');

    return 0;
}


/* name ":" OWS value OWS, the value without its surrounding blanks */
static int
sc_http_field(const unsigned char *p, const unsigned char *eol,
    const unsigned char **name, size_t *name_len,
    const unsigned char **value, size_t *value_len)
{
    const unsigned char  *q, *v, *e;

    for (q = p; q < eol && sc_http_is_tchar(*q); q++) {
        /* void */
    }

    /* a blank before the colon is a smuggling vector: RFC 9112 5.1 */
    if (q == p || q == eol || *q != ':') {
        return -1;
    }

    *name = p;
    *name_len = (size_t) (q - p);

    v = q + 1;
    while (v < eol && (*v == ' ' || *v == '\t')) {
        v++;
    }

    e = eol;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }

    for (q = v; q < e; q++) {
        if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
            return -1;
        }
    }

    *value = v;
    *value_len = (size_t) (e - v);

    return 0;
}


/* 1*DIGIT *( OWS "," OWS 1*DIGIT ), every value the same */
static int
sc_http_content_length(const unsigned char *v, size_t len,
    sc_http_head_t *h)
{
    size_t                n, digits;
    const unsigned char  *p, *end;

    p = v;
    end = v + len;

    for ( ;; ) {
        n = 0;
        digits = 0;

        while (p < end && *p >= '0' && *p <= '9') {
            if (digits < SC_HTTP_CL_DIGITS_MAX) {
                n = n * 10 + (size_t) (*p - '0');
            }

            digits++;
            p++;
        }

        if (digits == 0) {
            return -1;
        }

        /* more digits than fit: larger than any body we take */
        if (digits > SC_HTTP_CL_DIGITS_MAX) {
            n = (size_t) -1;
        }

        if (h->has_length && h->length != n) {
            return -1;
        }

        h->has_length = 1;
        h->length = n;

        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }

        if (p == end) {
            return 0;
        }

        if (*p++ != ',') {
            return -1;
        }

        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
    }
}


/* the last coding of the last Transfer-Encoding field decides */
static void
sc_http_transfer_encoding(const unsigned char *v, size_t len,
    sc_http_head_t *h)
{
    const unsigned char  *p, *end, *e;

    h->te = 1;

    end = v + len;
    p = v;

    for (e = v; e < end; e++) {
        if (*e == ',') {
            p = e + 1;
        }
    }

    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }

    /* the coding's name ends at a parameter or a blank */
    for (e = p; e < end && *e != ';' && *e != ' ' && *e != '\t'; e++) {
        /* void */
    }

    h->chunked = ((size_t) (e - p) == sizeof("chunked") - 1
                  && strncasecmp((const char *) p, "chunked",
                                 sizeof("chunked") - 1) == 0);
}


/*
 * Walks the chunked body from pos: with out NULL it checks and sums the
 * chunk sizes into *total; with out set (a complete body) it copies the
 * data there.  *end is the byte after the trailer section.
 */
static sc_http_rc_e
sc_http_chunks(sc_http_response_t *r, const unsigned char *buf, size_t len,
    size_t pos, char *out, size_t *total, size_t *end)
{
    int                   rc, digit;
    size_t                size, trailers, room;
    const unsigned char  *p, *q, *eol, *next, *last, *name, *value;
    size_t                name_len, value_len;

    *total = 0;
    last = buf + len;
    p = buf + pos;

    for ( ;; ) {
        /* chunk-size [ chunk-ext ] CRLF */
        room = (size_t) (last - p);
        if (room > SC_HTTP_CHUNK_LINE_MAX) {
            room = SC_HTTP_CHUNK_LINE_MAX;
        }

        rc = sc_http_line(p, p + room, &eol, &next);
        if (rc < 0) {
            return sc_http_fail(r, "bad byte in a chunk-size line");
        }

        if (rc > 0) {
            if (room == SC_HTTP_CHUNK_LINE_MAX) {
                return sc_http_fail(r, "chunk-size line too long");
            }

            return SC_HTTP_NEED_MORE;
        }

        size = 0;

        for (q = p; q < eol; q++) {
            if (*q >= '0' && *q <= '9') {
                digit = *q - '0';

            } else if ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f') {
                digit = (*q | 0x20) - 'a' + 10;

            } else {
                break;
            }

            size = size * 16 + (size_t) digit;

            if (size > SC_HTTP_BODY_MAX) {
                return sc_http_fail(r, "body too large");
            }
        }

        if (q == p) {
            return sc_http_fail(r, "chunk without a size");
        }

        /* BWS, then nothing or extensions, which we do not use */
        while (q < eol && (*q == ' ' || *q == '\t')) {
            q++;
        }

        if (q < eol && *q != ';') {
            return sc_http_fail(r, "bad chunk-size line");
        }

        for ( /* void */ ; q < eol; q++) {
            if ((*q < 0x20 && *q != '\t') || *q == 0x7f) {
                return sc_http_fail(r, "bad chunk extension");
            }
        }

        p = next;

        if (size == 0) {
            break;
        }

        if (*total + size > SC_HTTP_BODY_MAX) {
            return sc_http_fail(r, "body too large");
        }

        if ((size_t) (last - p) < size) {
            return SC_HTTP_NEED_MORE;
        }

        if (out != NULL) {
            memcpy(out + *total, p, size);
        }

        *total += size;
        p += size;

        /* the data ends with CRLF (or LF), nothing else */
        if (p == last) {
            return SC_HTTP_NEED_MORE;
        }

        if (*p == '\n') {
            p++;

        } else if (*p == '\r') {
            if (p + 1 == last) {
                return SC_HTTP_NEED_MORE;
            }

            if (p[1] != '\n') {
                return sc_http_fail(r, "chunk data not followed by CRLF");
            }

            p += 2;

        } else {
            return sc_http_fail(r, "chunk data longer than its size");
        }
    }

    /* trailer fields, then the empty line; read and let go */
    trailers = 0;

    for ( ;; ) {
        rc = sc_http_line(p, last, &eol, &next);
        if (rc < 0) {
            return sc_http_fail(r, "bad byte in the trailer fields");
        }

        if (rc > 0) {
            if ((size_t) (last - p) + trailers > SC_HTTP_HEADERS_MAX) {
                return sc_http_fail(r, "trailer fields too large");
            }

            return SC_HTTP_NEED_MORE;
        }

        trailers += (size_t) (next - p);
        if (trailers > SC_HTTP_HEADERS_MAX) {
            return sc_http_fail(r, "trailer fields too large");
        }

        if (eol == p) {
            *end = (size_t) (next - buf);
            return SC_HTTP_DONE;
        }

        if (sc_http_field(p, eol, &name, &name_len, &value, &value_len)
            != 0)
        {
            return sc_http_fail(r, "malformed trailer field");
        }

        p = next;
    }
}


static int
sc_http_is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


static int
sc_http_name_is(const unsigned char *name, size_t len, const char *want)
{
    return len == strlen(want)
           && strncasecmp((const char *) name, want, len) == 0;
}


int
sc_http_retry_after(const char *value, double now, int max_wait)
{
    int          n;
    double       wait;
    int64_t      t;
    const char  *p;

    if (value == NULL || max_wait <= 0) {
        return 0;
    }

    while (*value == ' ' || *value == '\t') {
        value++;
    }

    /* delta-seconds */
    if (*value >= '0' && *value <= '9') {
        wait = 0;

        for (p = value; *p >= '0' && *p <= '9'; p++) {
            if (wait <= max_wait) {
                wait = wait * 10 + (*p - '0');
            }
        }

        while (*p == ' ' || *p == '\t') {
            p++;
        }

        if (*p != '\0') {
            return 0;
        }

        return (wait > max_wait) ? max_wait : (int) wait;
    }

    if (sc_http_date(value, &t) != 0) {
        return 0;
    }

    wait = (double) t - now;
    if (wait <= 0) {
        return 0;
    }

    if (wait >= max_wait) {
        return max_wait;
    }

    /* a wait that ends within the second: a whole second */
    n = (int) wait;

    return (wait > n) ? n + 1 : n;
}


/* an HTTP-date (RFC 9110 5.6.7) as unix seconds; 0, or -1 if not one */
static int
sc_http_date(const char *s, int64_t *t)
{
    int   n, day, hh, mm, ss, year, mon;
    char  wday[16], month[4], zone[4];

    n = 0;

    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (sscanf(s, "%15[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3s%n",
               wday, &day, month, &year, &hh, &mm, &ss, zone, &n) == 8
        && s[n] == '\0' && strlen(wday) == 3)
    {
        goto found;
    }

    n = 0;

    /* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
    if (sscanf(s, "%15[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3s%n",
               wday, &day, month, &year, &hh, &mm, &ss, zone, &n) == 8
        && s[n] == '\0')
    {
        year += (year < 70) ? 2000 : 1900;
        goto found;
    }

    n = 0;

    /* asctime: "Sun Nov  6 08:49:37 1994" */
    if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", wday,
               month, &day, &hh, &mm, &ss, &year, &n) == 7
        && s[n] == '\0')
    {
        memcpy(zone, "GMT", sizeof("GMT"));
        goto found;
    }

    return -1;

found:

    mon = sc_http_month(month);

    if (mon == 0 || strcmp(zone, "GMT") != 0 || day < 1 || day > 31
        || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60
        || year < 1970 || year > 9999)
    {
        return -1;
    }

    *t = ((sc_time_days(year, mon, day) * 24 + hh) * 60 + mm) * 60 + ss;

    return 0;
}


static int
sc_http_month(const char *m)
{
    int                       i;
    static const char *const  months[] = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    for (i = 0; i < 12; i++) {
        if (strcmp(months[i], m) == 0) {
            return i + 1;
        }
    }

    return 0;
}
