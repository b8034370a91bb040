/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_classify.c: classification and PII redaction.  The input is a
 * message text: sc_classify with the built-in rules (the result checked
 * against its documented ranges), sc_pii_redact over the raw bytes
 * (NULs included), and sc_pii_redact_json over the input parsed as JSON
 * when it is JSON, else over a payload-shaped object built from it (text,
 * identifier keys that must stay untouched, nesting, arrays).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_classify.h"


static sc_rules_t  *rules;


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  err[256];

    (void) argc;
    (void) argv;

    rules = sc_rules_load(NULL, err, sizeof(err));
    if (rules == NULL) {
        fprintf(stderr, "fuzz_classify: built-in rules: %s\n", err);
        abort();
    }

    return 0;
}


static void
fz_classify(const char *text, size_t size)
{
    size_t       i;
    json_t      *names;
    sc_event_t   ev;
    sc_class_t   cls;

    memset(&ev, 0, sizeof(sc_event_t));
    ev.channel = "messenger";
    ev.type = "message";
    ev.text = text;
    ev.author_followers = (int64_t) size * 100;
    ev.visibility = (size & 1) ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;
    ev.answerable = 1;

    memset(&cls, 0, sizeof(sc_class_t));

    FZ_CHECK(sc_classify(rules, &ev, 10000, &cls) == 0);

    FZ_CHECK((unsigned) cls.intent < SC_INTENT_COUNT);
    FZ_CHECK(sc_intent_name(cls.intent) != NULL);
    FZ_CHECK(cls.sentiment >= -1.0 && cls.sentiment <= 1.0);
    FZ_CHECK(cls.priority >= 1 && cls.priority <= 4);
    FZ_CHECK(cls.ntopics <= SC_TOPICS_MAX);

    for (i = 0; i < cls.ntopics; i++) {
        FZ_CHECK(cls.topics[i] != NULL && strlen(cls.topics[i]) > 0);
    }

    if (cls.team) {
        (void) strlen(cls.team);
    }

    if (cls.redacted) {
        FZ_CHECK(cls.pii != 0);
        (void) strlen(cls.redacted);
    }

    names = json_array();
    FZ_CHECK(names != NULL && sc_pii_names(cls.pii, names) == 0);
    json_decref(names);

    sc_class_free(&cls);
}


static void
fz_redact_json(json_t *root)
{
    char  *s;

    (void) sc_pii_redact_json(root);

    s = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
    free(s);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char          *text, *raw, *redacted;
    json_t        *root, *s, *inner;
    unsigned       kinds;
    json_error_t   jerr;

    /* a C string, as events carry text; NULs inside cut it short */
    text = malloc(size + 1);
    FZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';

    fz_classify(text, size);

    /* the raw bytes, exact size, NULs included */
    raw = malloc(size ? size : 1);
    FZ_CHECK(raw != NULL);
    memcpy(raw, data, size);

    kinds = 0;
    redacted = NULL;

    FZ_CHECK(sc_pii_redact(raw, size, &kinds, &redacted) == 0);

    if (redacted) {
        FZ_CHECK(kinds != 0);
        (void) strlen(redacted);
        free(redacted);
    }

    kinds = 0;
    FZ_CHECK(sc_pii_redact(raw, size, &kinds, NULL) == 0);

    free(raw);

    root = json_loadb(text, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

    if (root) {
        fz_redact_json(root);
        json_decref(root);

    } else {
        s = json_stringn(text, size);

        if (s) {
            inner = json_pack("{s:O, s:O, s:[O, {s:O, s:O}]}",
                              "body", s, "sender_id", s, "items", s,
                              "message", s, "userId", s);
            root = json_pack("{s:O, s:O, s:O, s:o}", "text", s, "id", s,
                             "mid", s, "entry", inner);

            if (root) {
                fz_redact_json(root);
                json_decref(root);
            }

            json_decref(s);
        }
    }

    free(text);

    return 0;
}
