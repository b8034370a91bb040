/*
 * test_http.c: the delivery worker's HTTP/1.x response parser: framing
 * (Content-Length, chunked with extensions and trailers, until close, no
 * body), every split of each response, limits, garbage, Retry-After.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sc_http.h"


#define DATE_1994  784111777.0      /* Sun, 06 Nov 1994 08:49:37 GMT */


static sc_http_response_t  r;


/* the whole of s at once, with eof */
static sc_http_rc_e
parse_n(const char *s, size_t len, int eof)
{
    return sc_http_response_parse(&r, (const unsigned char *) s, len, eof);
}


static sc_http_rc_e
parse(const char *s, int eof)
{
    return parse_n(s, strlen(s), eof);
}


/*
 * Every prefix of s: NEED_MORE before the end (ERROR with eof, unless
 * the body runs until the close), then DONE with want as the body.
 */
static void
splits(const char *name, const char *s, const char *want, int until_close)
{
    size_t        i, len, bad;
    sc_http_rc_e  rc;

    len = strlen(s);
    bad = 0;

    for (i = 0; i < len; i++) {
        rc = parse_n(s, i, 0);
        if (rc != SC_HTTP_NEED_MORE) {
            printf("# %s: prefix %zu of %zu: %d (%s)\n", name, i, len, rc,
                   r.error ? r.error : "");
            bad++;
        }

        rc = parse_n(s, i, 1);
        if (rc != SC_HTTP_ERROR && !(until_close && rc == SC_HTTP_DONE)) {
            printf("# %s: prefix %zu of %zu with eof: %d\n", name, i, len,
                   rc);
            bad++;
        }
    }

    ok(bad == 0, "%s: every prefix of %zu bytes wants more", name, len);

    rc = parse_n(s, len, until_close);
    is_int(rc, SC_HTTP_DONE, "%s: whole", name);
    is_str(r.body, want, "%s: body", name);
    is_int(r.body_len, strlen(want), "%s: body length", name);
}


static void
test_content_length(void)
{
    static const char  resp[] =
        "HTTP/1.1 201 Created\r\n"
        "Content-Type: application/json\r\n"
        "Retry-After:  120 \r\n"
        "Content-Length: 16\r\n"
        "\r\n"
        "{\"id\":\"1234567\"}"
        "HTTP/1.1 200 OK\r\n";    /* a next response: not ours */

    is_int(parse(resp, 0), SC_HTTP_DONE, "content-length: done");
    is_int(r.status, 201, "content-length: status");
    is_int(r.version, 11, "content-length: version");
    is_str(r.retry_after, "120", "content-length: Retry-After trimmed");
    is_str(r.body, "{\"id\":\"1234567\"}", "content-length: body");
    is_int(r.consumed, strlen(resp) - strlen("HTTP/1.1 200 OK\r\n"),
           "content-length: consumed stops at the body's end");

    splits("content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
           "hello", "hello", 0);

    /* binary bodies keep their NULs */
    is_int(parse_n("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\na\0b", 41,
                   0),
           SC_HTTP_DONE, "content-length: NUL in the body");
    ok(r.body_len == 3 && memcmp(r.body, "a\0b", 3) == 0,
       "content-length: NUL kept");

    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n"
                 "Content-Length: 5\r\n\r\nhello", 0),
           SC_HTTP_DONE, "content-length: repeated equal values");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", 0),
           SC_HTTP_ERROR, "content-length: differing values");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                 "Content-Length: 4\r\n\r\nhello", 0),
           SC_HTTP_ERROR, "content-length: differing fields");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0),
           SC_HTTP_ERROR, "content-length: negative");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", 0),
           SC_HTTP_ERROR, "content-length: hex");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0),
           SC_HTTP_ERROR, "content-length: empty");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0),
           SC_HTTP_DONE, "content-length: zero");
    is_str(r.body, "", "content-length: zero is an empty body");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 1),
           SC_HTTP_ERROR, "content-length: closed early");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                 " 6\r\n\r\nhello", 0),
           SC_HTTP_ERROR, "content-length: folded");
    is_int(parse("HTTP/1.1 200 OK\r\nX-Note: a\r\n b\r\n"
                 "Content-Length: 2\r\n\r\nok", 0),
           SC_HTTP_DONE, "obs-fold of another field is let through");
}


static void
test_chunked(void)
{
    static const char  wiki[] =
        "HTTP/1.1 200 OK\r\n"
        "Transfer-Encoding: chunked\r\n"
        "\r\n"
        "4;name=value;flag\r\n"
        "Wiki\r\n"
        "5 ; q=\"quoted\"\r\n"
        "pedia\r\n"
        "E\r\n"
        " in\r\n\r\nchunks.\r\n"
        "0\r\n"
        "Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
        "X-Trailer: yes\r\n"
        "\r\n";

    splits("chunked", wiki, "Wikipedia in\r\n\r\nchunks.", 0);
    is_int(r.consumed, strlen(wiki), "chunked: consumed the trailers");

    splits("chunked LF only", "HTTP/1.1 200 OK\n"
           "transfer-encoding: gzip, CHUNKED\n\n"
           "a\nabcdefghij\n0\n\n", "abcdefghij", 0);

    splits("chunked empty", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
           "\r\n\r\n0\r\n\r\n", "", 0);

    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                 "Content-Length: 100\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0),
           SC_HTTP_DONE, "chunked: wins over Content-Length");
    is_str(r.body, "abc", "chunked: its body");

    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "zz\r\n", 0),
           SC_HTTP_ERROR, "chunked: a size that is not hex");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "\r\n", 0),
           SC_HTTP_ERROR, "chunked: no size");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabcd\r\n0\r\n\r\n", 0),
           SC_HTTP_ERROR, "chunked: more data than the size");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3 x\r\nabc\r\n0\r\n\r\n", 0),
           SC_HTTP_ERROR, "chunked: junk after the size");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3;a\x01\r\nabc\r\n0\r\n\r\n", 0),
           SC_HTTP_ERROR, "chunked: control byte in an extension");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n", 0),
           SC_HTTP_ERROR, "chunked: malformed trailer");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nabc\r\n", 1),
           SC_HTTP_ERROR, "chunked: closed before the last chunk");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "200000\r\n", 0),
           SC_HTTP_ERROR, "chunked: a 2 MB chunk is refused at once");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "ffffffffffffffffffffffff\r\n", 0),
           SC_HTTP_ERROR, "chunked: a size that overflows");
}


static void
test_until_close(void)
{
    splits("until close", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\n"
           "all of it", "all of it", 1);
    is_int(r.version, 10, "until close: HTTP/1.0");

    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
                 "Content-Length: 3\r\n\r\nabcdef", 0),
           SC_HTTP_NEED_MORE, "until close: a last coding not chunked");
    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
                 "Content-Length: 3\r\n\r\nabcdef", 1),
           SC_HTTP_DONE, "until close: ... ends at the close");
    is_str(r.body, "abcdef", "until close: Content-Length ignored");

    is_int(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n"
                 "\r\nxyz", 1),
           SC_HTTP_DONE, "until close: chunked not last");
}


static void
test_no_body(void)
{
    sc_http_response_free(&r);
    sc_http_response_init(&r, 1);
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", 0),
           SC_HTTP_DONE, "HEAD: no body whatever Content-Length says");
    is_int(r.body_len, 0, "HEAD: empty");
    sc_http_response_free(&r);
    sc_http_response_init(&r, 0);

    is_int(parse("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n",
                 0),
           SC_HTTP_DONE, "204: no body");
    is_int(parse("HTTP/1.1 304 Not Modified\r\n\r\n", 0), SC_HTTP_DONE,
           "304: no body, no close needed");

    splits("100 then 200", "HTTP/1.1 100 Continue\r\n\r\n"
           "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
           "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n"
           "Content-Length: 2\r\n\r\n{}", "{}", 0);
    is_int(r.status, 429, "interim responses skipped: final status");
    is_str(r.retry_after, "7", "interim responses skipped: Retry-After");

    is_int(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n", 0),
           SC_HTTP_ERROR, "101 is refused");
}


static void
test_status_lines(void)
{
    size_t       i;
    static const char  *bad[] = {
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 099 X\r\n\r\n",
        "HTTP/1.2 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",
        "HTTP/1.1 200OK\r\n\r\n",
        "HTTP/1.1 200 O\x01K\r\n\r\n",
        "hello world\r\n\r\n",
        "\r\nHTTP/1.1 200 OK\r\n\r\n",
        "<html>",
        "SSH-2.0-OpenSSH_8.9\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nName : x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n",
        NULL
    };

    for (i = 0; bad[i] != NULL; i++) {
        is_int(parse(bad[i], 0), SC_HTTP_ERROR, "garbage %zu refused", i);
        ok(r.error != NULL && r.body == NULL, "garbage %zu: why, no body",
           i);
    }

    is_int(parse_n("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n", 26, 0),
           SC_HTTP_ERROR, "NUL in a header refused");
    is_int(parse("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0),
           SC_HTTP_DONE, "status line without a reason");
    is_int(parse("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n", 0),
           SC_HTTP_DONE, "status line with an empty reason");
    is_int(r.status, 503, "... its status");
    is_int(parse("HTTP/1.1 200 OK\xc3\xa9\r\nContent-Length: 0\r\n\r\n",
                 0),
           SC_HTTP_DONE, "obs-text in the reason");
    is_int(parse("HTTP/1.", 0), SC_HTTP_NEED_MORE, "a status line begun");
    is_int(parse("HTTP/1.1 200 OK\r", 0), SC_HTTP_NEED_MORE,
           "a CR waiting for its LF");
    is_int(parse("HTTP/1.1 200 OK\r\n", 1), SC_HTTP_ERROR,
           "closed in the headers");
    is_int(parse("", 1), SC_HTTP_ERROR, "closed without a response");
    is_int(parse("", 0), SC_HTTP_NEED_MORE, "nothing yet");
}


static void
test_limits(void)
{
    char    *big;
    size_t   n;

    n = SC_HTTP_HEADERS_MAX + 64;
    big = malloc(SC_HTTP_BODY_MAX + 4096);
    if (big == NULL) {
        ok(0, "limits: memory");
        return;
    }

    /* headers: at the limit, over it, and over it without their end */
    strcpy(big, "HTTP/1.1 200 OK\r\nX: ");
    memset(big + strlen(big), 'a', n);
    big[SC_HTTP_HEADERS_MAX - 6] = '\0';
    strcat(big, "\r\n\r\n");
    is_int(strlen(big), SC_HTTP_HEADERS_MAX - 2, "limits: a block of 16 KB");
    is_int(parse(big, 1), SC_HTTP_DONE, "limits: headers just below 16 KB");

    strcpy(big, "HTTP/1.1 200 OK\r\nX: ");
    memset(big + strlen(big), 'a', n);
    strcpy(big + n, "\r\n\r\n");
    is_int(parse(big, 0), SC_HTTP_ERROR, "limits: headers over 16 KB");
    is_str(r.error, "headers too large", "limits: ... why");

    big[SC_HTTP_HEADERS_MAX + 1] = '\0';
    is_int(parse(big, 0), SC_HTTP_ERROR,
           "limits: 16 KB without the end of the headers");

    /* bodies: Content-Length, until close */
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n", 0),
           SC_HTTP_ERROR, "limits: Content-Length over 1 MB, at once");
    is_int(parse("HTTP/1.1 200 OK\r\nContent-Length: "
                 "99999999999999999999999999\r\n\r\n", 0),
           SC_HTTP_ERROR, "limits: a Content-Length beyond any integer");

    n = (size_t) sprintf(big, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n",
                         SC_HTTP_BODY_MAX);
    memset(big + n, 'b', SC_HTTP_BODY_MAX);
    is_int(parse_n(big, n + SC_HTTP_BODY_MAX, 0), SC_HTTP_DONE,
           "limits: a body of exactly 1 MB");
    is_int(r.body_len, SC_HTTP_BODY_MAX, "limits: ... whole");

    n = (size_t) sprintf(big, "HTTP/1.1 200 OK\r\n\r\n");
    memset(big + n, 'b', SC_HTTP_BODY_MAX + 1);
    is_int(parse_n(big, n + SC_HTTP_BODY_MAX + 1, 0), SC_HTTP_ERROR,
           "limits: until close over 1 MB, before the close");

    /* chunked: many chunks summing over 1 MB */
    n = (size_t) sprintf(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n");
    n += (size_t) sprintf(big + n, "100000\r\n");
    memset(big + n, 'c', 4096);
    n += 4096;
    is_int(parse_n(big, n, 0), SC_HTTP_NEED_MORE,
           "limits: a 1 MB chunk arriving");

    n = (size_t) sprintf(big, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n");
    n += (size_t) sprintf(big + n, "fffff\r\n");
    memset(big + n, 'c', 0xfffff);
    n += 0xfffff;
    n += (size_t) sprintf(big + n, "\r\n2\r\ncc\r\n0\r\n\r\n");
    is_int(parse_n(big, n, 0), SC_HTTP_ERROR,
           "limits: chunks summing over 1 MB");

    free(big);
}


static void
test_retry_after(void)
{
    is_int(sc_http_retry_after(NULL, DATE_1994, 3600), 0,
           "Retry-After: absent");
    is_int(sc_http_retry_after("120", DATE_1994, 3600), 120,
           "Retry-After: seconds");
    is_int(sc_http_retry_after(" 0 ", DATE_1994, 3600), 0,
           "Retry-After: zero");
    is_int(sc_http_retry_after("99999999999999999999", DATE_1994, 3600),
           3600, "Retry-After: huge, capped");
    is_int(sc_http_retry_after("12s", DATE_1994, 3600), 0,
           "Retry-After: junk after the digits");
    is_int(sc_http_retry_after("-5", DATE_1994, 3600), 0,
           "Retry-After: negative");
    is_int(sc_http_retry_after("Sun, 06 Nov 1994 08:50:37 GMT",
                               DATE_1994, 3600),
           60, "Retry-After: IMF-fixdate a minute ahead");
    is_int(sc_http_retry_after("Sunday, 06-Nov-94 08:50:37 GMT",
                               DATE_1994, 3600),
           60, "Retry-After: RFC 850 date");
    is_int(sc_http_retry_after("Sun Nov  6 08:50:37 1994", DATE_1994, 3600),
           60, "Retry-After: asctime date");
    is_int(sc_http_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
                               DATE_1994 - 0.5, 3600),
           1, "Retry-After: half a second is a second");
    is_int(sc_http_retry_after("Sun, 06 Nov 1994 08:48:37 GMT",
                               DATE_1994, 3600),
           0, "Retry-After: a date past");
    is_int(sc_http_retry_after("Mon, 07 Nov 1994 08:49:37 GMT",
                               DATE_1994, 3600),
           3600, "Retry-After: a day ahead, capped");
    is_int(sc_http_retry_after("Sun, 06 Nov 1994 08:50:37 CET",
                               DATE_1994, 3600),
           0, "Retry-After: not GMT");
    is_int(sc_http_retry_after("Sun, 06 Foo 1994 08:50:37 GMT",
                               DATE_1994, 3600),
           0, "Retry-After: no such month");
    is_int(sc_http_retry_after("Sun, 06 Nov 1994 25:50:37 GMT",
                               DATE_1994, 3600),
           0, "Retry-After: no such hour");
    is_int(sc_http_retry_after("soon", DATE_1994, 3600), 0,
           "Retry-After: words");
}


int
main(void)
{
    sc_http_response_init(&r, 0);

    test_content_length();
    test_chunked();
    test_until_close();
    test_no_body();
    test_status_lines();
    test_limits();
    test_retry_after();

    sc_http_response_free(&r);

    return done_testing();
}
