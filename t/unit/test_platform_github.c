/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_github.c: the GitHub descriptor against recorded-shape
 * deliveries (t/fixtures/github) and hostile bodies.  Run from the
 * repository root; prints TAP.
 */


#define PLATFORM  sc_platform_github
#define FIXTURES  "t/fixtures/github/"

#include "platform_test.h"


static const char  *hdr_issues[] = {
    "X-GitHub-Event", "issues",
    "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "X-GitHub-Hook-ID", "482109734",
    "User-Agent", "GitHub-Hookshot/044aadd",
    NULL
};

static const char  *hdr_comment[] = {
    "x-github-event", "issue_comment",
    "x-github-delivery", "b0a3f1c2-2783-11ef-9a1e-5c2f6b1d0a11",
    NULL
};


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "github", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_github, "descriptor: GitHub signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_ping(void)
{
    sc_events_t  evs;
    static const char  *hdrs[] = {
        "X-GitHub-Event", "ping",
        "X-GitHub-Delivery", "d7e5c0a0-2780-11ef-8f4a-1e3b2c4d5e6f",
        NULL
    };

    is_int(parse_fixture("ping.json", hdrs, &evs), SC_PARSE_OK,
           "ping: parses");
    is_int(evs.nevents, 0, "ping: not stored");
    is_int(answer.status, 200, "ping: answered 200");
    is_str(answer.content_type, "application/json", "ping: JSON");
    ok(answer.body != NULL && answer.body_len == 17
       && memcmp(answer.body, "{\"status\":\"pong\"}", 17) == 0,
       "ping: body {\"status\":\"pong\"}");
    sc_events_free(&evs);
}


static void
check_issue(sc_events_t *evs, const char *what)
{
    sc_event_t  *ev;

    if (evs->nevents != 1) {
        ok(0, "%s: one event", what);
        return;
    }

    ev = &evs->events[0];
    is_str(ev->channel, "github", "%s: channel", what);
    is_str(ev->type, "issue", "%s: type", what);
    is_str(ev->external_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958",
           "%s: external_id is the delivery", what);
    is_str(ev->text, "Every time I press Pay the app closes. Version 4.2.1 "
           "on Android 14.", "%s: text is the body", what);
    is_str(ev->author_id, "583231", "%s: author id as decimal", what);
    is_str(ev->author_handle, "octocat", "%s: handle is the login", what);
    ok(ev->author_name == NULL, "%s: no name", what);
    is_str(ev->thread_id, "https://github.com/acme/widget-app/issues/1347",
           "%s: thread is the issue page", what);
    is_int(ev->occurred_ms, 1718035199000LL, "%s: updated_at", what);
    is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "%s: public", what);
    is_int(ev->from_brand, 0, "%s: a customer", what);
    is_int(ev->answerable, 1, "%s: answerable", what);
}


/* the fixture as GitHub sends it for content type x-www-form-urlencoded */
static char *
form_body(const char *name)
{
    char    *json, *form, *p;
    size_t   i, len;

    json = read_fixture(name, &len);
    form = (json != NULL) ? malloc(8 + 3 * len + 1) : NULL;

    if (form == NULL) {
        free(json);
        return NULL;
    }

    p = form + sprintf(form, "payload=");

    for (i = 0; i < len; i++) {
        if (json[i] == ' ') {
            *p++ = '+';

        } else if (strchr("{}\":,[]\n%+&=/", json[i]) != NULL) {
            p += sprintf(p, "%%%02X", (unsigned char) json[i]);

        } else {
            *p++ = json[i];
        }
    }

    *p = '\0';
    free(json);

    return form;
}


static void
test_issue(void)
{
    char         *form;
    sc_events_t   evs;

    is_int(parse_fixture("issues_opened.json", hdr_issues, &evs), SC_PARSE_OK,
           "issues_opened: parses");
    is_int(answer.status, 0, "issues_opened: no answer of its own");
    check_issue(&evs, "issues_opened");

    if (evs.nevents == 1) {
        ok(evs.events[0].raw == json_array_get(evs.root, 0),
           "issues_opened: raw is the whole body");
    }

    sc_events_free(&evs);

    form = form_body("issues_opened.json");
    is_int(parse_req(form, form ? strlen(form) : 0, hdr_issues, &evs),
           SC_PARSE_OK, "issues_opened as a form: parses");
    check_issue(&evs, "issues_opened as a form");
    sc_events_free(&evs);
    free(form);

    is_int(parse_str("payload=%7B%22action", hdr_issues, &evs),
           SC_PARSE_BAD_JSON, "form with a broken payload: bad JSON");
    is_str(err, "form field \"payload\" is not JSON",
           "form with a broken payload: message");
    ok(evs.root == NULL, "form with a broken payload: nothing kept");
    sc_events_free(&evs);

    is_int(parse_str("payload=1&payload=2", hdr_issues, &evs),
           SC_PARSE_BAD_JSON, "form with two payloads: bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("payload=%5B%7B%7D%5D", hdr_issues, &evs),
           SC_PARSE_INVALID, "form with an array payload: invalid");
    is_str(err, "form field \"payload\" is not a JSON object",
           "form with an array payload: message");
    ok(evs.root == NULL, "form with an array payload: nothing kept");
    sc_events_free(&evs);
}


static void
test_comments(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *hdrs[] = {
        "X-GitHub-Event", "discussion_comment",
        "X-GitHub-Delivery", "c4e2a7b0-2790-11ef-9c3d-0a1b2c3d4e5f",
        NULL
    };

    is_int(parse_fixture("issue_comment_created.json", hdr_comment, &evs),
           SC_PARSE_OK, "issue_comment: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "comment", "issue_comment: type");
        is_str(ev->external_id, "b0a3f1c2-2783-11ef-9a1e-5c2f6b1d0a11",
               "issue_comment: lowercase header names match");
        is_str(ev->text, "Same here, it is still broken after the update. "
               "Really frustrating.", "issue_comment: the comment's body");
        is_str(ev->author_handle, "hubot-fan", "issue_comment: handle");
        is_str(ev->thread_id, "https://github.com/acme/widget-app/issues/1347",
               "issue_comment: thread is the issue");
        is_int(ev->occurred_ms, 1718036400000LL, "issue_comment: time");
        is_int(ev->answerable, 1, "issue_comment: a contributor is answered");

    } else {
        ok(0, "issue_comment: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("discussion_comment_member.json", hdrs, &evs),
           SC_PARSE_OK, "discussion_comment: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "comment", "discussion_comment: type");
        is_str(ev->thread_id, "https://github.com/acme/widget-app/discussions/"
               "88", "discussion_comment: thread is the discussion");
        is_int(ev->from_brand, 1, "discussion_comment: a MEMBER is the brand");
        is_int(ev->answerable, 0, "discussion_comment: not answered");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "discussion_comment: a private repository is private");
        is_int(ev->occurred_ms, 1718038800000LL, "discussion_comment: time");

    } else {
        ok(0, "discussion_comment: one event");
    }

    sc_events_free(&evs);
}


static void
test_other_events(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *push[] = {
        "X-GitHub-Event", "push",
        "X-GitHub-Delivery", "e1f2a3b4-2791-11ef-8e7d-112233445566",
        NULL
    };
    static const char  *bare[] = { "X-GitHub-Event", "push", NULL };

    is_int(parse_fixture("push.json", push, &evs), SC_PARSE_OK,
           "push: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "push", "push: stored as its event");
        is_str(ev->external_id, "e1f2a3b4-2791-11ef-8e7d-112233445566",
               "push: the delivery id");
        is_str(ev->author_id, "21031067", "push: author is the sender");
        is_str(ev->author_handle, "acme-admin", "push: handle");
        ok(ev->text == NULL && ev->thread_id == NULL,
           "push: no text, no thread");
        is_int(ev->answerable, 0, "push: not answerable");

    } else {
        ok(0, "push: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("push.json", bare, &evs), SC_PARSE_OK,
           "push without delivery: parses");
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "push"),
       "push without delivery: push:<sha256>");
    sc_events_free(&evs);

    is_int(parse_fixture("push.json", NULL, &evs), SC_PARSE_OK,
           "no headers: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "event") == 0
       && is_hash_id(evs.events[0].external_id, "event"),
       "no headers: event:<sha256>");
    sc_events_free(&evs);
}


static void
test_actions(void)
{
    sc_events_t  evs;
    static const char  *bot[] = { "X-GitHub-Event", "issues", NULL };
    static const char  *disc[] = { "X-GitHub-Event", "discussion", NULL };

    is_int(parse_str("{\"action\":\"edited\",\"issue\":{\"number\":5,"
                     "\"title\":\"t\",\"body\":\"b\"},"
                     "\"sender\":{\"login\":\"u\",\"id\":1}}", bot, &evs),
           SC_PARSE_OK, "issue edited: parses");
    ok(evs.nevents == 1 && !evs.events[0].answerable
       && strcmp(evs.events[0].thread_id, "5") == 0,
       "issue edited: not answerable, thread is the number");
    sc_events_free(&evs);

    is_int(parse_str("{\"action\":\"opened\",\"issue\":{\"title\":\"Login "
                     "broken\",\"body\":null},\"sender\":{\"login\":"
                     "\"u\"}}", bot, &evs),
           SC_PARSE_OK, "issue without body: parses");
    ok(evs.nevents == 1 && evs.events[0].text != NULL
       && strcmp(evs.events[0].text, "Login broken") == 0
       && evs.events[0].answerable, "issue without body: the title");
    sc_events_free(&evs);

    is_int(parse_str("{\"action\":\"opened\",\"issue\":{\"title\":\"Bump\","
                     "\"body\":\"deps\"},\"sender\":{\"login\":"
                     "\"dependabot[bot]\",\"type\":\"Bot\"}}", bot, &evs),
           SC_PARSE_OK, "issue by a bot: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand
       && !evs.events[0].answerable, "issue by a bot: not a customer");
    sc_events_free(&evs);

    is_int(parse_str("{\"action\":\"created\",\"discussion\":{\"html_url\":"
                     "\"https://github.com/a/b/discussions/1\",\"title\":"
                     "\"Q\",\"body\":\"How do I export?\","
                     "\"author_association\":\"NONE\"}}", disc, &evs),
           SC_PARSE_OK, "discussion created: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "discussion") == 0
       && evs.events[0].answerable, "discussion created: answerable");
    sc_events_free(&evs);
}


/* shapes GitHub sends besides a new issue or comment */
static void
test_real_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *issues[] = {
        "X-GitHub-Event", "issues",
        "X-GitHub-Delivery", "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a01", NULL
    };
    static const char  *comment[] = {
        "X-GitHub-Event", "issue_comment",
        "X-GitHub-Delivery", "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a02", NULL
    };
    static const char  *star[] = {
        "X-GitHub-Event", "star",
        "X-GitHub-Delivery", "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a03", NULL
    };
    static const char  *advisory[] = {
        "X-GitHub-Event", "security_advisory",
        "X-GitHub-Delivery", "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a04", NULL
    };
    static const char  *disc[] = {
        "X-GitHub-Event", "discussion",
        "X-GitHub-Delivery", "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a05",
        "X-GitHub-Hook-Installation-Target-Type", "integration", NULL
    };

    /* a maintainer labels a customer's issue: no new words */
    is_int(parse_fixture("issues_labeled.json", issues, &evs), SC_PARSE_OK,
           "issues labeled: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "issue", "issues labeled: type");
        ok(ev->text == NULL, "issues labeled: the old body is not its text");
        is_str(ev->author_handle, "acme-triage",
               "issues labeled: the sender did it");
        is_str(ev->thread_id, "https://github.com/acme/widget-app/issues/1352",
               "issues labeled: same thread");
        is_int(ev->answerable, 0, "issues labeled: not answerable");
        is_str(ev->external_id, "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a01",
               "issues labeled: the delivery id");

    } else {
        ok(0, "issues labeled: one event");
    }

    sc_events_free(&evs);

    /* a deleted comment: its body is no new complaint */
    is_int(parse_str("{\"action\":\"deleted\",\"issue\":{\"number\":9},"
                     "\"comment\":{\"body\":\"This is broken, refund me\","
                     "\"user\":{\"login\":\"c\",\"id\":3}},"
                     "\"sender\":{\"login\":\"m\",\"id\":4}}", comment,
                     &evs),
           SC_PARSE_OK, "comment deleted: parses");
    ok(evs.nevents == 1 && evs.events[0].text == NULL
       && !evs.events[0].answerable
       && strcmp(evs.events[0].author_handle, "m") == 0,
       "comment deleted: no text, the sender");
    sc_events_free(&evs);

    /* a GitHub App's bot comments: the brand, whatever its association */
    is_int(parse_fixture("issue_comment_bot.json", comment, &evs),
           SC_PARSE_OK, "bot comment: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_int(ev->from_brand, 1, "bot comment: a Bot is the brand");
        is_int(ev->answerable, 0, "bot comment: not answered");
        is_str(ev->author_handle, "acme-helpdesk[bot]", "bot comment: handle");
        is_str(ev->author_id, "170000042", "bot comment: id");

    } else {
        ok(0, "bot comment: one event");
    }

    sc_events_free(&evs);

    /* a maintainer edits a customer's comment: still the customer's */
    is_int(parse_fixture("issue_comment_edited.json", comment, &evs),
           SC_PARSE_OK, "comment edited: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->text, "Please contact me here, the refund is still "
               "missing.", "comment edited: the new body");
        is_str(ev->author_handle, "mara-k", "comment edited: its author");
        is_str(ev->author_id, "7712004", "comment edited: author id");
        is_int(ev->from_brand, 0, "comment edited: a customer's words");
        is_int(ev->answerable, 0, "comment edited: not answered again");
        is_int(ev->occurred_ms, 1718096700000LL, "comment edited: time");

    } else {
        ok(0, "comment edited: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("star_created.json", star, &evs), SC_PARSE_OK,
           "star: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "star") == 0
       && evs.events[0].text == NULL && !evs.events[0].answerable
       && strcmp(evs.events[0].author_handle, "lin-w") == 0,
       "star: stored as its event, no text, the sender");
    sc_events_free(&evs);

    /* no sender, no repository */
    is_int(parse_fixture("security_advisory_published.json", advisory, &evs),
           SC_PARSE_OK, "security advisory: parses");
    ok(evs.nevents == 1
       && strcmp(evs.events[0].type, "security_advisory") == 0
       && evs.events[0].author_id == NULL && evs.events[0].text == NULL
       && evs.events[0].visibility == SC_VISIBILITY_PUBLIC
       && strcmp(evs.events[0].external_id,
                 "0e5b7a10-27c1-11ef-8a4c-3f1e2d9b7a04") == 0,
       "security advisory: no author, no text, the delivery id");
    sc_events_free(&evs);

    /* a GitHub App's delivery carries "installation"; nothing else moves */
    is_int(parse_fixture("discussion_created_app.json", disc, &evs),
           SC_PARSE_OK, "app discussion: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "discussion", "app discussion: type");
        is_str(ev->text, "I need all invoices from last year as PDF. Where "
               "can I find the export?", "app discussion: body");
        is_str(ev->author_handle, "lin-w", "app discussion: author");
        is_str(ev->thread_id, "https://github.com/acme/widget-app/"
               "discussions/91", "app discussion: thread");
        is_int(ev->answerable, 1, "app discussion: answerable");
        is_int(ev->occurred_ms, 1718103600000LL, "app discussion: time");

    } else {
        ok(0, "app discussion: one event");
    }

    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"action\":", hdr_issues, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", hdr_issues, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("[{\"zen\":\"x\"}]", hdr_issues, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    char          event[80];
    sc_event_t   *ev;
    sc_events_t   evs;
    const char   *hdrs[5];

    is_int(parse_str("{\"action\":5,\"issue\":{\"body\":7,\"title\":[],"
                     "\"html_url\":{},\"number\":1.5,"
                     "\"author_association\":\"OWNERS\"},"
                     "\"sender\":{\"id\":\"9\",\"login\":5},"
                     "\"repository\":{\"private\":\"true\"}}", hdr_issues,
                     &evs),
           SC_PARSE_OK, "mistyped issue: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "issue", "mistyped issue: type");
        ok(ev->text == NULL && ev->thread_id == NULL
           && ev->author_handle == NULL, "mistyped issue: no borrowed strings");
        is_str(ev->author_id, "9", "mistyped issue: string id kept");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "mistyped issue: \"true\" is not private");
        is_int(ev->from_brand, 0, "mistyped issue: OWNERS is not OWNER");
        is_int(ev->answerable, 0, "mistyped issue: not answerable");
    }

    sc_events_free(&evs);

    /* header values that are not names or ids */
    hdrs[0] = "X-GitHub-Event";
    hdrs[1] = "iss\x1bues";
    hdrs[2] = "X-GitHub-Delivery";
    hdrs[3] = "72d3162e\r\nX: y";
    hdrs[4] = NULL;

    is_int(parse_str("{\"action\":\"opened\"}", hdrs, &evs), SC_PARSE_OK,
           "control bytes in headers: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "event") == 0
       && is_hash_id(evs.events[0].external_id, "event"),
       "control bytes in headers: event, hashed id");
    sc_events_free(&evs);

    memset(event, 'e', sizeof(event) - 1);
    event[sizeof(event) - 1] = '\0';
    hdrs[1] = event;
    hdrs[3] = "\xe2\x9c\x93";

    parse_str("{}", hdrs, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "event") == 0
       && is_hash_id(evs.events[0].external_id, "event"),
       "79-byte event, non-ASCII delivery: event, hashed id");
    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t  a, b;
    static const char  *hdrs[] = { "X-GitHub-Event", "star", NULL };

    parse_str("{\"action\":\"created\",\"starred_at\":\"x\",\"b\":[1,2]}",
              hdrs, &a);
    parse_str("{\"b\":[1,2],\"starred_at\":\"x\",\"action\":\"created\"}",
              hdrs, &b);

    ok(a.nevents == 1 && same_ids(&a, &b)
       && is_hash_id(a.events[0].external_id, "star"),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("issue_comment_created.json", hdr_comment, &a);
    parse_fixture("issue_comment_created.json", hdr_comment, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: same delivery, same id");

    sc_events_free(&a);
    sc_events_free(&b);
}


int
main(void)
{
    test_descriptor();
    test_ping();
    test_issue();
    test_comments();
    test_other_events();
    test_actions();
    test_real_shapes();
    test_bad_input();
    test_wrong_types();
    test_determinism();

    return done_platform_testing();
}
