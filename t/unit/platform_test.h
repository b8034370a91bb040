/*
 * Copyright (C) ngx_social_care_module authors
 *
 * platform_test.h: the harness every t/unit/test_platform_*.c shares:
 * fixtures, a request made of a body and headers, the platform's parse
 * and inline answer called through its descriptor, and checks of hashed
 * ids and answer bodies.  A test defines, before including it:
 *
 *     #define PLATFORM  sc_platform_slack          the descriptor
 *     #define FIXTURES  "t/fixtures/slack/"        with the final slash
 *
 * and PARSE_NEVER_ANSWERS for a platform whose parse never answers by
 * itself (no POST handshake): a parse that sets an answer then fails
 * with SC_PARSE_NOMEM and a "# parse set an answer" diagnostic.
 *
 * Everything here is static inline or a macro: a test that leaves a
 * helper unused compiles without warnings.  Run from the repository root.
 */

#ifndef _SC_PLATFORM_TEST_H_INCLUDED_
#define _SC_PLATFORM_TEST_H_INCLUDED_


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sc_platform.h"
#include "sc_json.h"


#if !defined(PLATFORM) || !defined(FIXTURES)
#error "define PLATFORM and FIXTURES before including platform_test.h"
#endif


#define HASH_HEX  SC_SHA256_HEX_LEN
#define MAX_HDRS  8

/* header lists for parse_*(): "name", "value", ..., NULL */
#define HDR_JSON  ((const char *[]) {                                        \
                      "Content-Type", "application/json", NULL })
#define HDR_FORM  ((const char *[]) {                                        \
                      "Content-Type", "application/x-www-form-urlencoded",   \
                      NULL })


extern const sc_platform_t  PLATFORM;


static char         err[256];      /* the last parse's error sentence */
static sc_answer_t  answer;        /* what the last parse answered */


/* a fixture file, NUL-terminated; malloc'd, NULL when unreadable */
static inline char *
read_fixture(const char *name, size_t *len)
{
    long   n;
    char  *buf, path[256];
    FILE  *f;

    snprintf(path, sizeof(path), FIXTURES "%s", name);

    f = fopen(path, "rb");
    if (f == NULL) {
        printf("# cannot read %s\n", path);
        return NULL;
    }

    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return NULL;
    }

    buf = malloc((size_t) n + 1);
    if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n) {
        free(buf);
        fclose(f);
        return NULL;
    }

    fclose(f);
    buf[n] = '\0';
    *len = (size_t) n;

    return buf;
}


/*
 * PLATFORM.parse over body with hdrs ("name", "value", ..., NULL; NULL
 * for none).  evs is initialized here and freed by the caller; the answer
 * parse set by itself is left in "answer", its error sentence in "err".
 */
static inline sc_parse_rc_e
parse_req(const char *body, size_t len, const char **hdrs, sc_events_t *evs)
{
    size_t         n;
    sc_header_t    h[MAX_HDRS];
    sc_request_t   rq;
    sc_parse_rc_e  rc;

    memset(&rq, 0, sizeof(sc_request_t));

    for (n = 0; hdrs != NULL && n < MAX_HDRS && hdrs[2 * n] != NULL; n++) {
        h[n].name = hdrs[2 * n];
        h[n].name_len = strlen(hdrs[2 * n]);
        h[n].value = hdrs[2 * n + 1];
        h[n].value_len = strlen(hdrs[2 * n + 1]);
    }

    rq.headers = h;
    rq.nheaders = n;
    rq.body = (const unsigned char *) body;
    rq.body_len = len;

    sc_answer_free(&answer);
    memset(&answer, 0, sizeof(sc_answer_t));
    sc_events_init(evs);

    rc = PLATFORM.parse(&rq, evs, &answer, err, sizeof(err));

#ifdef PARSE_NEVER_ANSWERS
    if (answer.status != 0 || answer.body != NULL) {
        printf("# parse set an answer\n");
        rc = SC_PARSE_NOMEM;
    }
#endif

    return rc;
}


static inline sc_parse_rc_e
parse_str(const char *body, const char **hdrs, sc_events_t *evs)
{
    return parse_req(body, strlen(body), hdrs, evs);
}


/* the fixture parsed; sha (NULL, or SC_SHA256_HEX_LEN + 1) its SHA-256 */
static inline sc_parse_rc_e
parse_fixture_sha(const char *name, const char **hdrs, sc_events_t *evs,
    char *sha)
{
    char           *body;
    size_t          len;
    sc_parse_rc_e   rc;

    body = read_fixture(name, &len);
    if (body == NULL) {
        sc_events_init(evs);
        return SC_PARSE_NOMEM;
    }

    rc = parse_req(body, len, hdrs, evs);

    if (sha != NULL && sc_sha256_hex(body, len, sha) != 0) {
        sha[0] = '\0';
    }

    /* events borrow from the tree, never from the body: free it now */
    free(body);

    return rc;
}


static inline sc_parse_rc_e
parse_fixture(const char *name, const char **hdrs, sc_events_t *evs)
{
    return parse_fixture_sha(name, hdrs, evs, NULL);
}


/* "<prefix>:<64 lowercase hex>" */
static inline int
is_hash_id(const char *id, const char *prefix)
{
    size_t  n;

    n = strlen(prefix);

    return strncmp(id, prefix, n) == 0 && id[n] == ':'
           && strlen(id + n + 1) == HASH_HEX
           && strspn(id + n + 1, "0123456789abcdef") == HASH_HEX;
}


/* a and b hold the same number of events, at least one, with equal ids */
static inline int
same_ids(const sc_events_t *a, const sc_events_t *b)
{
    size_t  i;

    if (a->nevents == 0 || a->nevents != b->nevents) {
        return 0;
    }

    for (i = 0; i < a->nevents; i++) {
        if (strcmp(a->events[i].external_id, b->events[i].external_id) != 0) {
            return 0;
        }
    }

    return 1;
}


/* no two events of evs share an external id */
static inline int
distinct_ids(const sc_events_t *evs)
{
    size_t  i, j;

    for (i = 0; i < evs->nevents; i++) {
        for (j = i + 1; j < evs->nevents; j++) {
            if (strcmp(evs->events[i].external_id,
                       evs->events[j].external_id) == 0)
            {
                return 0;
            }
        }
    }

    return 1;
}


/* PLATFORM.inline_answer when every answerable event gets text as reply */
static inline int
inline_answer(sc_events_t *evs, const char *text, sc_answer_t *a)
{
    int          rc;
    size_t       i;
    sc_reply_t  *replies;

    memset(a, 0, sizeof(sc_answer_t));

    if (PLATFORM.inline_answer == NULL) {
        return 0;
    }

    replies = calloc(evs->nevents + 1, sizeof(sc_reply_t));
    if (replies == NULL) {
        return -1;
    }

    for (i = 0; i < evs->nevents; i++) {
        replies[i].text = evs->events[i].answerable ? (char *) text : NULL;
    }

    rc = PLATFORM.inline_answer(evs, replies, a);
    free(replies);

    return rc;
}


/* the answer's body is exactly want; a diagnostic when not */
static inline int
body_is(const sc_answer_t *a, const char *want)
{
    size_t  n;

    n = strlen(want);

    if (a->body_len != n || (n > 0 && memcmp(a->body, want, n) != 0)) {
        printf("#   got: '%.*s'\n#   expected: '%s'\n", (int) a->body_len,
               a->body ? a->body : "", want);
        return 0;
    }

    return 1;
}


/* main's last words: frees the last answer, prints the plan */
static inline int
done_platform_testing(void)
{
    sc_answer_free(&answer);

    return done_testing();
}


#endif /* _SC_PLATFORM_TEST_H_INCLUDED_ */
