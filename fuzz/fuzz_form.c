/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_form.c: form decoding.  The input is a form body (Twilio, Slack
 * slash commands): sc_form_parse with a generous and a tiny field limit,
 * every field looked up and checked, the sort checked for order; the
 * same bytes as a form document (sc_json_load_form); and as a query
 * string for sc_request_arg with out buffers from 1 byte up.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_form.h"
#include "sc_json.h"


static int
fz_cmp(const sc_form_field_t *a, const sc_form_field_t *b)
{
    int     rc;
    size_t  n;

    n = a->name_len < b->name_len ? a->name_len : b->name_len;
    rc = memcmp(a->name, b->name, n);

    if (rc != 0) {
        return rc;
    }

    if (a->name_len != b->name_len) {
        return a->name_len < b->name_len ? -1 : 1;
    }

    n = a->value_len < b->value_len ? a->value_len : b->value_len;
    rc = memcmp(a->value, b->value, n);

    if (rc != 0) {
        return rc;
    }

    return (a->value_len > b->value_len) - (a->value_len < b->value_len);
}


static void
fz_form(const char *body, size_t len, size_t max)
{
    size_t        i, vlen;
    sc_form_t     f;
    const char   *v;

    if (sc_form_parse(body, len, &f, max) != 0) {
        FZ_CHECK(f.n == 0 && f.fields == NULL && f.buf == NULL);
        return;
    }

    FZ_CHECK(f.n <= max);

    for (i = 0; i < f.n; i++) {
        FZ_CHECK(f.fields[i].name[f.fields[i].name_len] == '\0');
        FZ_CHECK(f.fields[i].value[f.fields[i].value_len] == '\0');
        FZ_CHECK(strlen(f.fields[i].name) == f.fields[i].name_len);
        FZ_CHECK(strlen(f.fields[i].value) == f.fields[i].value_len);

        /* the first field of that name */
        v = sc_form_get(&f, f.fields[i].name, &vlen);
        FZ_CHECK(v != NULL);
    }

    FZ_CHECK(sc_form_sort(&f) == 0);

    for (i = 1; i < f.n; i++) {
        FZ_CHECK(fz_cmp(&f.fields[i - 1], &f.fields[i]) <= 0);
    }

    (void) sc_form_get(&f, "Body", NULL);

    sc_form_free(&f);
    FZ_CHECK(f.n == 0 && f.fields == NULL && f.buf == NULL);
}


static void
fz_args(const char *q, size_t len)
{
    size_t         i, k, n, vlen;
    char          *out;
    sc_request_t   rq;
    const char    *eq, *amp;
    char           name[64];
    static const char *const  names[] = {
        "hub.mode", "hub.verify_token", "hub.challenge", "crc_token",
        "bodySHA256", "a", ""
    };
    static const size_t  sizes[] = { 1, 2, 8, 64, 4096 };

    memset(&rq, 0, sizeof(sc_request_t));
    rq.query = q;
    rq.query_len = len;

    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        out = malloc(sizes[k]);
        FZ_CHECK(out != NULL);

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (sc_request_arg(&rq, names[i], out, sizes[k], &vlen)) {
                FZ_CHECK(vlen < sizes[k] && out[vlen] == '\0');
            }
        }

        /* the name of the first argument, whatever it is */
        eq = memchr(q, '=', len);
        amp = memchr(q, '&', len);

        if (eq && (amp == NULL || eq < amp)) {
            n = (size_t) (eq - q);

            if (n < sizeof(name) && memchr(q, '\0', n) == NULL) {
                memcpy(name, q, n);
                name[n] = '\0';

                if (sc_request_arg(&rq, name, out, sizes[k], &vlen)) {
                    FZ_CHECK(vlen < sizes[k] && out[vlen] == '\0');
                }
            }
        }

        free(out);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           err[128];
    char          *body;
    json_t        *doc;
    sc_events_t    evs;
    sc_parse_rc_e  rc;

    /* an exact-size copy: no NUL after it */
    body = malloc(size ? size : 1);
    FZ_CHECK(body != NULL);
    memcpy(body, data, size);

    fz_form(body, size, SC_JSON_FORM_MAX);
    fz_form(body, size, 3);

    sc_events_init(&evs);
    err[0] = '\0';

    rc = sc_json_load_form((const unsigned char *) body, size, &evs, &doc,
                           err, sizeof(err));
    FZ_TERMINATED(err, sizeof(err));

    if (rc == SC_PARSE_OK) {
        FZ_CHECK(json_is_object(doc) && sc_json_doc(&evs) == doc);
    }

    sc_events_free(&evs);

    fz_args(body, size);

    free(body);

    return 0;
}
