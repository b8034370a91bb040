/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_platform.c: a webhook request (fuzz_request.h) through one
 * platform's descriptor as the nginx glue runs it: the GET handshake, or
 * verify, parse, classify and compose every event, redact its raw object,
 * and the inline answer.  Parse runs whatever verify says: the fuzzer
 * cannot forge signatures, and the normalizers must survive any body.
 * Every string an event borrows is read after the parse, so a dangling
 * pointer into the parsed tree shows.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_classify.h"
#include "sc_platform.h"
#include "sc_reply.h"
#include "sc_template.h"


static sc_rules_t  *rules;


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  err[256];

    (void) argc;
    (void) argv;

    rules = sc_rules_load(NULL, err, sizeof(err));
    if (rules == NULL) {
        fprintf(stderr, "fuzz_platform: built-in rules: %s\n", err);
        abort();
    }

    return 0;
}


/*
 * Every string an event carries goes into a JSON row the glue builds with
 * json_string(): it must be readable, and UTF-8 as jansson judges it.
 */
static void
fz_utf8(const char *s)
{
    json_t  *str;

    if (s == NULL) {
        return;
    }

    str = json_string(s);
    FZ_CHECK(str != NULL);
    json_decref(str);
}


/* every byte of an answer's body is readable */
static void
fz_answer_check(const sc_answer_t *a)
{
    size_t                  i;
    json_t                 *doc;
    volatile unsigned char  x;

    x = 0;

    if (a->body) {
        for (i = 0; i < a->body_len; i++) {
            x ^= (unsigned char) a->body[i];
        }

        /* what is sent as JSON parses as JSON */
        if (a->content_type != NULL
            && strcmp(a->content_type, "application/json") == 0)
        {
            doc = json_loadb(a->body, a->body_len, JSON_DECODE_ANY, NULL);
            FZ_CHECK(doc != NULL);
            json_decref(doc);
        }

    } else {
        FZ_CHECK(a->body_len == 0);
    }

    (void) x;
}


static void
fz_events(const sc_platform_t *p, const fz_req_t *r, sc_events_t *evs)
{
    char          *s;
    size_t         i, n;
    json_t        *copy;
    sc_event_t    *ev;
    sc_reply_t    *replies;
    sc_class_t    *classes;
    sc_answer_t    answer;

    n = evs->nevents;

    FZ_CHECK(n <= SC_EVENTS_MAX);

    classes = calloc(n + 1, sizeof(sc_class_t));
    replies = calloc(n + 1, sizeof(sc_reply_t));

    if (classes == NULL || replies == NULL) {
        abort();
    }

    for (i = 0; i < n; i++) {
        ev = &evs->events[i];

        FZ_TERMINATED(ev->external_id, SC_EXTERNAL_ID_MAX);
        FZ_CHECK(ev->external_id[0] != '\0');

        fz_utf8(ev->external_id);
        fz_utf8(ev->channel);
        fz_utf8(ev->type);
        fz_utf8(ev->thread_id);
        fz_utf8(ev->author_id);
        fz_utf8(ev->author_handle);
        fz_utf8(ev->author_name);
        fz_utf8(ev->text);

        if (ev->text != NULL) {
            FZ_CHECK(sc_classify(rules, ev, 10000, &classes[i]) == 0);
        }

        FZ_CHECK(sc_reply_compose(NULL, ev, ev->text ? &classes[i] : NULL,
                                  p->name, r->rq.now, (int) (i & 1),
                                  &replies[i])
                 >= 0);

        if (replies[i].text) {
            FZ_CHECK(sc_tpl_utf8_ok(replies[i].text,
                                    strlen(replies[i].text)));
        }

        if (ev->raw) {
            /* the glue stores raw in the row: it must serialize */
            s = json_dumps(ev->raw, JSON_COMPACT | JSON_ENCODE_ANY);
            FZ_CHECK(s != NULL);
            free(s);

            copy = json_deep_copy(ev->raw);
            (void) sc_pii_redact_json(copy);
            json_decref(copy);
        }
    }

    if (p->inline_answer && n) {
        /* as the glue: duplicates (here every third event) get no reply */
        for (i = 2; i < n; i += 3) {
            sc_reply_free(&replies[i]);
        }

        memset(&answer, 0, sizeof(sc_answer_t));

        if (p->inline_answer(evs, replies, &answer)) {
            FZ_CHECK(answer.status != 0);
        }

        fz_answer_check(&answer);
        sc_answer_free(&answer);
    }

    for (i = 0; i < n; i++) {
        sc_reply_free(&replies[i]);
        sc_class_free(&classes[i]);
    }

    free(replies);
    free(classes);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                  err[256];
    fz_req_t              r;
    sc_events_t           evs;
    sc_answer_t           answer;
    sc_parse_rc_e         prc;
    sc_verify_rc_e        vrc;
    sc_verify_conf_t      vc;
    const sc_platform_t  *p;

    fz_req_parse(&r, data, size);

    p = sc_platform_find(fz_platforms[r.platform].name,
                         strlen(fz_platforms[r.platform].name));
    FZ_CHECK(p != NULL);

    fz_req_conf(&r, r.platform, &vc);

    if (r.rq.is_get) {
        if (p->handshake) {
            memset(&answer, 0, sizeof(sc_answer_t));

            if (p->handshake(&vc, &r.rq, &answer)) {
                FZ_CHECK(answer.status != 0);
            }

            fz_answer_check(&answer);
            sc_answer_free(&answer);
        }

        fz_req_free(&r);
        return 0;
    }

    vrc = p->verify(&vc, &r.rq);
    FZ_CHECK(sc_verify_reason(vrc) != NULL);

    sc_events_init(&evs);
    memset(&answer, 0, sizeof(sc_answer_t));
    memset(err, 'E', sizeof(err));
    err[0] = '\0';

    prc = p->parse(&r.rq, &evs, &answer, err, sizeof(err));

    FZ_TERMINATED(err, sizeof(err));
    fz_answer_check(&answer);

    /* the glue puts err in a JSON answer */
    if (prc != SC_PARSE_OK) {
        fz_utf8(err);
    }

    if (prc == SC_PARSE_OK && answer.status == 0) {
        fz_events(p, &r, &evs);

    } else if (prc != SC_PARSE_OK) {
        FZ_CHECK(prc == SC_PARSE_BAD_JSON || prc == SC_PARSE_INVALID
                 || prc == SC_PARSE_TOO_MANY || prc == SC_PARSE_NOMEM);
    }

    sc_answer_free(&answer);
    sc_events_free(&evs);
    fz_req_free(&r);

    return 0;
}
