/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_http.c: what the delivery worker reads and writes.  The input is
 * an HTTP response from a platform: sc_http_response_parse over all of
 * it with and without the close, and over its first half (a prefix of a
 * complete response never fails); its body through sc_deliver_result
 * for every platform (the token never shows in an error, errors are one
 * line of UTF-8); its first line as a Retry-After value.  The same bytes,
 * split at newlines, become the stored fields of a reply (ids, text,
 * channel, type) for sc_deliver_build on every platform, and the text of
 * an escalation for sc_deliver_notify: whatever they hold, the request
 * line and headers stay printable ASCII lines, Content-Length is the
 * body's length and a JSON body parses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_deliver.h"
#include "sc_http.h"


#define FZ_NOW      1718040000.0
#define FZ_TOKEN    "FUZZ-token:s3cr3t-never-shown-0123456789"
#define FZ_FIELDS   6


static const char  *fz_names[] = {
    "meta", "x", "slack", "telegram", "line", "viber", "twilio", "discord",
    "standard", NULL
};


static void
fz_response(const unsigned char *data, size_t size, unsigned head)
{
    char                 *copy;
    size_t                n;
    sc_http_rc_e          rc0, rc1, rc2;
    sc_http_response_t    r;

    /* an exact-size copy: a read past the end is caught */
    copy = malloc(size ? size : 1);
    FZ_CHECK(copy != NULL);
    memcpy(copy, data, size);

    sc_http_response_init(&r, head);

    rc0 = sc_http_response_parse(&r, (unsigned char *) copy, size, 0);
    FZ_CHECK(rc0 == SC_HTTP_NEED_MORE || rc0 == SC_HTTP_DONE
             || rc0 == SC_HTTP_ERROR);

    if (rc0 == SC_HTTP_DONE) {
        FZ_CHECK(r.body != NULL && r.body[r.body_len] == '\0');
        FZ_CHECK(r.body_len <= SC_HTTP_BODY_MAX && r.consumed <= size);
        FZ_CHECK(r.status >= 200 && r.status <= 999);
        FZ_CHECK(r.version == 10 || r.version == 11);
        FZ_CHECK(memchr(r.retry_after, '\0', sizeof(r.retry_after))
                 != NULL);
    }

    if (rc0 == SC_HTTP_ERROR) {
        FZ_CHECK(r.error != NULL && r.body == NULL);
    }

    n = r.body_len;

    /* the close never undoes a complete response */
    rc1 = sc_http_response_parse(&r, (unsigned char *) copy, size, 1);
    FZ_CHECK(rc1 == SC_HTTP_DONE || rc1 == SC_HTTP_ERROR);

    if (rc0 == SC_HTTP_DONE) {
        FZ_CHECK(rc1 == SC_HTTP_DONE && r.body_len == n);
    }

    /* a prefix of what parsed is never garbage */
    rc2 = sc_http_response_parse(&r, (unsigned char *) copy, size / 2, 0);

    if (rc0 != SC_HTTP_ERROR) {
        FZ_CHECK(rc2 != SC_HTTP_ERROR);
    }

    sc_http_response_free(&r);
    free(copy);
}


static void
fz_result(const unsigned char *data, size_t size)
{
    int                   status;
    char                  line[128];
    size_t                i, n;
    sc_api_t              api;
    const char           *eol;
    sc_deliver_result_t   res;

    memset(&api, 0, sizeof(sc_api_t));
    api.token = FZ_TOKEN;

    /* the first line as Retry-After, two bytes as the status */
    eol = memchr(data, '\n', size);
    n = eol ? (size_t) (eol - (const char *) data) : size;
    if (n >= sizeof(line)) {
        n = sizeof(line) - 1;
    }

    memcpy(line, data, n);
    line[n] = '\0';

    n = (size_t) sc_http_retry_after(line, FZ_NOW, 3600);
    FZ_CHECK(n <= 3600);

    status = (size >= 2) ? (data[0] * 256 + data[1]) % 700 : 0;

    for (i = 0; fz_names[i] != NULL; i++) {
        sc_deliver_result(fz_names[i], &api, status, line,
                          (const char *) data, size, FZ_NOW, &res);

        FZ_CHECK(res.outcome >= SC_OUTCOME_SENT
                 && res.outcome <= SC_OUTCOME_FAIL);
        FZ_CHECK(res.retry_after >= 0
                 && res.retry_after <= SC_DELIVER_RETRY_MAX);
        FZ_CHECK(memchr(res.platform_reply_id, '\0',
                        sizeof(res.platform_reply_id)) != NULL);
        FZ_CHECK(memchr(res.error, '\0', sizeof(res.error)) != NULL);
        FZ_CHECK(strstr(res.error, "s3cr3t-never-shown") == NULL);

        for (n = 0; res.error[n] != '\0'; n++) {
            FZ_CHECK((unsigned char) res.error[n] >= 0x20
                     && res.error[n] != 0x7f);
        }

        if (res.outcome != SC_OUTCOME_SENT) {
            FZ_CHECK(res.error[0] != '\0');
        }
    }
}


/*
 * A request as sc_deliver_build and sc_deliver_notify promise it:
 * printable ASCII lines up to an empty one, Content-Length right, JSON
 * bodies parse.
 */
static json_t *
fz_check_request(const char *out, size_t len)
{
    char         *req;
    size_t        i, head, body_len;
    json_t       *doc;
    const char   *cl, *ct, *body;

    /* the request is not NUL-terminated: a copy that is, for strstr */
    req = malloc(len + 1);
    FZ_CHECK(req != NULL);
    memcpy(req, out, len);
    req[len] = '\0';

    head = 0;

    for (i = 0; i + 3 < len; i++) {
        if (memcmp(req + i, "\r\n\r\n", 4) == 0) {
            head = i;
            break;
        }
    }

    FZ_CHECK(head > 0);

    for (i = 0; i < head; i++) {
        if (req[i] == '\r') {
            FZ_CHECK(req[i + 1] == '\n');
            i++;
            continue;
        }

        FZ_CHECK(req[i] >= 0x20 && req[i] < 0x7f);
    }

    body = req + head + 4;
    body_len = len - head - 4;

    cl = strstr(req, "\r\nContent-Length: ");
    FZ_CHECK(cl != NULL && cl < req + head);
    FZ_CHECK(strtoul(cl + 18, NULL, 10) == body_len);

    doc = NULL;
    ct = strstr(req, "\r\nContent-Type: application/json");

    if (ct != NULL && ct < req + head) {
        doc = json_loadb(body, body_len, 0, NULL);
        FZ_CHECK(doc != NULL);
    }

    free(req);

    return doc;
}


static void
fz_build(const unsigned char *data, size_t size)
{
    char             *copy, *f[FZ_FIELDS], *p, *req;
    size_t            i, k, len;
    json_t           *payload, *doc;
    const char       *text;
    sc_api_t          api;
    const char       *why;
    sc_delivery_t     d;
    sc_deliver_rc_e   rc;

    copy = malloc(size + 1);
    FZ_CHECK(copy != NULL);
    memcpy(copy, data, size);
    copy[size] = '\0';

    /* external_id, thread_id, author_id, text, channel, event type */
    p = copy;

    for (k = 0; k < FZ_FIELDS; k++) {
        f[k] = p;
        p = strchr(p, '\n');

        if (p == NULL) {
            p = copy + size;

        } else {
            *p++ = '\0';
        }
    }

    memset(&api, 0, sizeof(sc_api_t));
    api.host = "api.example.com";
    api.base_path = "/v1";
    api.token = "123456:FUZZ-token";
    api.sender = "+15550100";
    api.account = f[1];

    for (i = 0; fz_names[i] != NULL; i++) {
        memset(&d, 0, sizeof(sc_delivery_t));
        d.reply_id = (int64_t) size;
        d.platform = fz_names[i];
        d.external_id = f[0];
        d.thread_id = f[1];
        d.author_id = f[2];
        d.text = f[3];
        d.channel = f[4];
        d.event_type = f[5];
        d.visibility = (size & 1) ? "private" : "public";
        d.received_at = FZ_NOW - (double) (size * 97 % 200000);

        rc = sc_deliver_build(&d, &api, FZ_NOW, &req, &len, &why);

        FZ_CHECK((rc == SC_DELIVER_REQUEST) == (req != NULL));

        if (rc == SC_DELIVER_REQUEST) {
            json_decref(fz_check_request(req, len));
            free(req);

        } else {
            FZ_CHECK(why != NULL);
        }
    }

    /* the text of an escalation: one line of at most 300 bytes */
    payload = json_pack("{s:i, s:s, s:{s:s, s:s, s:s, s:i, s:s}}",
                        "level", 2, "target", f[2],
                        "event", "text", f[3], "platform", f[4],
                        "category", f[5], "priority", 1,
                        "topics", f[0]);

    if (payload != NULL) {
        rc = sc_deliver_notify("escalation", payload, "fz", "h", "/hook",
                               (const unsigned char *) f[1], strlen(f[1]),
                               FZ_NOW, &req, &len);

        if (rc == SC_DELIVER_REQUEST) {
            doc = fz_check_request(req, len);
            text = json_string_value(json_object_get(doc, "text"));

            FZ_CHECK(text != NULL && strlen(text) <= SC_DELIVER_NOTIFY_TEXT);

            for (p = (char *) text; *p != '\0'; p++) {
                FZ_CHECK((unsigned char) *p >= 0x20 && *p != 0x7f
                         && *p != '<' && *p != '>');
            }

            json_decref(doc);
            free(req);
        }

        json_decref(payload);
    }

    free(copy);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_response(data, size, 0);
    fz_response(data, size, 1);
    fz_result(data, size);
    fz_build(data, size);

    return 0;
}
