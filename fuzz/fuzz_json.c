/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_json.c: the sc_json helpers every normalizer leans on.  The input
 * as a C string: ISO 8601 times, dotted lookup paths and numeric strings.
 * The input as a JSON document (sc_json_load): lookups, ids, times,
 * joins and hashes over it and over every member of its top level, the
 * external id helpers on events made of it, and the JSON answer.  And
 * sc_crc32c (spool records) over the bytes: chained calls agree with one.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_crc32c.h"
#include "sc_json.h"
#include "sc_json_write.h"
#include "sc_classify.h"


static void
fz_value(sc_events_t *evs, json_t *v)
{
    int64_t      n, t;
    const char  *s;

    if (sc_json_int64(v, &n) == 0 && json_is_string(v)) {
        s = json_string_value(v);
        FZ_CHECK(s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
    }

    t = sc_json_time_ms(v, SC_TIME_S);
    FZ_CHECK(t >= 0);
    t = sc_json_time_ms(v, SC_TIME_MS);
    FZ_CHECK(t >= 0);
    t = sc_json_time_ms(v, SC_TIME_AUTO);
    FZ_CHECK(t >= 0);

    s = sc_json_id_str(evs, v);
    if (s) {
        (void) strlen(s);
    }

    if (json_is_array(v)) {
        s = sc_json_keep_join(evs, v, ", ");
        if (s) {
            (void) strlen(s);
        }
    }
}


/* the writer gives json_dumps' text; redacting as it writes, the text of
 * a redacted copy */

static void
fz_write(json_t *doc)
{
    char     *a, *b;
    json_t   *copy;
    sc_jw_t   w;

    sc_jw_init(&w);
    sc_jw_value(&w, doc);
    a = sc_jw_detach(&w, NULL);
    b = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    FZ_CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    free(a);
    free(b);

    sc_jw_init(&w);
    FZ_CHECK(sc_pii_redact_write(&w, doc) == 0);
    a = sc_jw_detach(&w, NULL);
    copy = json_deep_copy(doc);
    FZ_CHECK(copy != NULL);
    (void) sc_pii_redact_json(copy);
    b = json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(copy);
    FZ_CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    free(a);
    free(b);
}


static void
fz_doc(sc_events_t *evs, json_t *doc, const char *text)
{
    size_t        i, n;
    json_t       *parts[4], *v;
    const char   *key;
    sc_event_t   *ev;
    char          hex[SC_SHA256_HEX_LEN + 1];
    sc_answer_t   answer;

    (void) sc_json_path(doc, text);
    (void) sc_json_path_str(doc, "a.b.c");
    (void) sc_json_str(doc, text);

    fz_value(evs, doc);

    if (json_is_object(doc)) {
        json_object_foreach(doc, key, v) {
            fz_value(evs, v);
            (void) sc_json_path(doc, key);
        }
    }

    n = 0;

    if (json_is_array(doc)) {
        for (i = 0; i < json_array_size(doc); i++) {
            fz_value(evs, json_array_get(doc, i));

            if (n < 4) {
                parts[n++] = json_array_get(doc, i);
            }
        }
    }

    FZ_CHECK(sc_json_hash_hex(doc, hex) == 0 && strlen(hex) == 64);

    FZ_CHECK(sc_json_event(evs, "fuzz", "message", doc, &ev) == SC_PARSE_OK);
    FZ_CHECK(sc_json_set_id_join(ev, (n & 1) ? "p" : NULL, parts, n)
             == SC_PARSE_OK);
    FZ_TERMINATED(ev->external_id, SC_EXTERNAL_ID_MAX);
    /* (no parts and no prefix: nothing to join, never called so) */
    FZ_CHECK(ev->external_id[0] != '\0' || n == 0);

    FZ_CHECK(sc_json_set_id(ev, json_string_value(doc)) == SC_PARSE_OK);
    FZ_TERMINATED(ev->external_id, SC_EXTERNAL_ID_MAX);

    FZ_CHECK(sc_json_unsupported(evs, "fuzz", doc) == SC_PARSE_OK);

    fz_write(doc);

    memset(&answer, 0, sizeof(sc_answer_t));
    FZ_CHECK(sc_json_answer(&answer, 200, json_incref(doc)) == 0);
    FZ_CHECK(answer.status == 200);
    sc_answer_free(&answer);
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    /* the CRC-32C check value (RFC 3720, B.4) */
    FZ_CHECK(sc_crc32c(0, (const unsigned char *) "123456789", 9)
             == 0xe3069283);

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           *text, err[256];
    json_t         *doc, *s;
    int64_t         t;
    sc_events_t     evs;
    sc_request_t    rq;
    sc_parse_rc_e   rc;
    unsigned char  *body;

    text = malloc(size + 1);
    FZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';

    FZ_CHECK(sc_crc32c(sc_crc32c(0, data, size / 2), data + size / 2,
                       size - size / 2)
             == sc_crc32c(0, data, size));

    t = sc_time_iso8601_ms(text);
    FZ_CHECK(t >= 0);

    s = json_string(text);
    if (s) {
        fz_value(NULL, s);
        json_decref(s);
    }

    /* an exact-size body, as a request carries it */
    body = malloc(size ? size : 1);
    FZ_CHECK(body != NULL);
    memcpy(body, data, size);

    memset(&rq, 0, sizeof(sc_request_t));
    rq.body = body;
    rq.body_len = size;
    (void) sc_json_body_is_json(&rq);

    memset(err, 'E', sizeof(err));
    rc = sc_json_load(body, size, &evs, &doc, err, sizeof(err));
    FZ_TERMINATED(err, sizeof(err));

    if (rc == SC_PARSE_OK) {
        FZ_CHECK(sc_json_doc(&evs) == doc);
        fz_doc(&evs, doc, text);
    }

    sc_events_free(&evs);

    rc = sc_json_load_object(body, size, &evs, &doc, err, sizeof(err));
    FZ_TERMINATED(err, sizeof(err));
    FZ_CHECK(rc != SC_PARSE_OK || json_is_object(doc));
    sc_events_free(&evs);

    free(body);
    free(text);

    return 0;
}
