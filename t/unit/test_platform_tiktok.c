/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_tiktok.c: the TikTok descriptor against recorded-shape
 * webhooks (t/fixtures/tiktok) and hostile bodies.  Run from the
 * repository root; prints TAP.
 */


#define PLATFORM  sc_platform_tiktok
#define FIXTURES  "t/fixtures/tiktok/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "tiktok", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_tiktok, "descriptor: TikTok signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_authorization_removed(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("authorization_removed.json", NULL, &evs),
           SC_PARSE_OK, "authorization_removed: parses");
    is_int(evs.nevents, 1, "authorization_removed: one event");
    is_int(answer.status, 0, "authorization_removed: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "tiktok", "authorization_removed: channel");
        is_str(ev->type, "authorization.removed",
               "authorization_removed: type is the event");

        /* sha256 of ["<event>",<create_time>,"<user_openid>","<content>"] */
        is_str(ev->external_id, "authorization.removed:91d733a1a419fad049f788"
               "06d0708fc3c730b015488f5653c092d39448734453",
               "authorization_removed: the composite hash");
        is_str(ev->author_id, "act.example12345Example12345Example",
               "authorization_removed: author is the user_openid");
        is_str(ev->thread_id, "act.example12345Example12345Example",
               "authorization_removed: thread is the user");
        is_int(ev->occurred_ms, 1615338610000LL,
               "authorization_removed: create_time in seconds");
        ok(ev->text == NULL, "authorization_removed: no text");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "authorization_removed: private");
        is_int(ev->answerable, 0, "authorization_removed: not answerable");
        ok(ev->raw == json_array_get(evs.root, 0),
           "authorization_removed: raw is the whole body");
    }

    sc_events_free(&evs);
}


static void
test_publish_events(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_events_t   evs;
    static const struct {
        const char  *file;
        const char  *type;
        long long    ms;
    } cases[] = {
        { "video_publish_completed.json", "video.publish.completed",
          1718035210000LL },
        { "post_publish_publicly_available.json",
          "post.publish.publicly_available", 1718035300000LL },
        { "post_publish_failed.json", "post.publish.failed",
          1718035400000LL }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        is_int(parse_fixture(cases[i].file, NULL, &evs), SC_PARSE_OK,
               "%s: parses", cases[i].file);

        if (evs.nevents != 1) {
            ok(0, "%s: one event", cases[i].file);
            sc_events_free(&evs);
            continue;
        }

        ev = &evs.events[0];
        is_str(ev->type, cases[i].type, "%s: type", cases[i].file);
        ok(is_hash_id(ev->external_id, cases[i].type),
           "%s: <event>:<sha256>", cases[i].file);
        is_int(ev->occurred_ms, cases[i].ms, "%s: time", cases[i].file);
        ok(ev->text == NULL && !ev->answerable,
           "%s: no text, not answerable", cases[i].file);

        sc_events_free(&evs);
    }
}


static void
test_ids(void)
{
    sc_events_t  a, b;

    /* what is not part of the event's identity does not split it */
    parse_str("{\"client_key\":\"k1\",\"event\":\"e.x\",\"create_time\":1,"
              "\"user_openid\":\"u\",\"content\":\"{}\"}", NULL, &a);
    parse_str("{\"content\":\"{}\",\"user_openid\":\"u\",\"create_time\":1,"
              "\"event\":\"e.x\",\"client_key\":\"k2\",\"retry\":3}",
              NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "ids: client_key, new fields and key order do not change the id");
    sc_events_free(&b);

    parse_str("{\"client_key\":\"k1\",\"event\":\"e.x\",\"create_time\":2,"
              "\"user_openid\":\"u\",\"content\":\"{}\"}", NULL, &b);

    ok(a.nevents == 1 && b.nevents == 1
       && strcmp(a.events[0].external_id, b.events[0].external_id) != 0,
       "ids: another create_time, another event");
    sc_events_free(&b);

    parse_str("{\"client_key\":\"k1\",\"event\":\"e.x\",\"create_time\":1,"
              "\"user_openid\":\"u\",\"content\":\"{ }\"}", NULL, &b);

    ok(a.nevents == 1 && b.nevents == 1
       && strcmp(a.events[0].external_id, b.events[0].external_id) != 0,
       "ids: other content, another event");
    sc_events_free(&b);

    /* missing fields are part of the identity too, as null */
    parse_str("{\"event\":\"e.x\"}", NULL, &b);
    ok(b.nevents == 1 && is_hash_id(b.events[0].external_id, "e.x")
       && strcmp(a.events[0].external_id, b.events[0].external_id) != 0,
       "ids: a bare event still gets a hash");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("authorization_removed.json", NULL, &a);
    parse_fixture("authorization_removed.json", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: same webhook, same id");

    sc_events_free(&a);
    sc_events_free(&b);
}


static void
test_content(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    /* not documented by TikTok: a message event whose content has text */
    is_int(parse_str("{\"event\":\"direct_message.received\","
                     "\"create_time\":1718035500,\"user_openid\":\"u9\","
                     "\"content\":\"{\\\"text\\\":\\\"is my order "
                     "shipped?\\\",\\\"conversation_id\\\":\\\"c1\\\"}\"}",
                     NULL, &evs),
           SC_PARSE_OK, "message content: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->text, "is my order shipped?",
               "message content: text from the content string");
        is_int(ev->answerable, 1, "message content: answerable");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"video.publish.completed\","
                     "\"content\":\"{\\\"text\\\":\\\"caption\\\"}\"}",
                     NULL, &evs),
           SC_PARSE_OK, "publish with text: parses");
    ok(evs.nevents == 1 && evs.events[0].text != NULL
       && !evs.events[0].answerable,
       "publish with text: a notice, not answerable");
    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"comment.created\",\"content\":{\"text\":"
                     "\"object content\"}}", NULL, &evs),
           SC_PARSE_OK, "object content: parses");
    ok(evs.nevents == 1 && evs.events[0].text != NULL
       && strcmp(evs.events[0].text, "object content") == 0
       && evs.events[0].answerable, "object content: read as it is");
    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"comment.created\",\"content\":"
                     "\"{oops\"}", NULL, &evs),
           SC_PARSE_OK, "content not JSON: parses");
    ok(evs.nevents == 1 && evs.events[0].text == NULL
       && !evs.events[0].answerable, "content not JSON: no text");
    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"comment.created\",\"content\":"
                     "\"{\\\"text\\\":\\\"\\\\u0000\\\"}\"}", NULL, &evs),
           SC_PARSE_OK, "content with \\u0000: parses");
    ok(evs.nevents == 1 && evs.events[0].text == NULL,
       "content with \\u0000: refused, no text");
    sc_events_free(&evs);
}


/* create_time in milliseconds, as the portal's test event sends it */
static void
test_real_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("portal_test_ms.json", NULL, &evs), SC_PARSE_OK,
           "portal test: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "tiktok.ping", "portal test: type as sent");
        is_int(ev->occurred_ms, 1718035600123LL,
               "portal test: create_time in ms read as ms");
        ok(ev->text == NULL && !ev->answerable,
           "portal test: no text, not answerable");
        ok(is_hash_id(ev->external_id, "tiktok.ping"),
           "portal test: tiktok.ping:<sha256>");

    } else {
        ok(0, "portal test: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("video_upload_failed.json", NULL, &evs),
           SC_PARSE_OK, "video.upload.failed: parses");
    ok(evs.nevents == 1
       && strcmp(evs.events[0].type, "video.upload.failed") == 0
       && evs.events[0].occurred_ms == 1718035700000LL
       && evs.events[0].text == NULL && !evs.events[0].answerable,
       "video.upload.failed: a notice, seconds read as seconds");
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"event\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("[{\"event\":\"authorization.removed\"}]", NULL, &evs),
           SC_PARSE_INVALID, "array root is invalid");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("{\"client_key\":\"k\"}", NULL, &evs), SC_PARSE_INVALID,
           "missing event is invalid");
    is_str(err, "body is not a TikTok webhook: no \"event\" string",
           "missing event message");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    char          body[256], event[101];
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_str("{\"event\":\"authorization.removed\","
                     "\"create_time\":\"later\",\"user_openid\":5,"
                     "\"content\":7}", NULL, &evs),
           SC_PARSE_OK, "mistyped fields: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        ok(ev->author_id == NULL && ev->thread_id == NULL && ev->text == NULL,
           "mistyped fields: no borrowed strings");
        is_int(ev->occurred_ms, 0, "mistyped fields: no time");
        ok(is_hash_id(ev->external_id, "authorization.removed"),
           "mistyped fields: hashed id");
    }

    sc_events_free(&evs);

    memset(event, 'e', sizeof(event) - 1);
    event[sizeof(event) - 1] = '\0';
    snprintf(body, sizeof(body), "{\"event\":\"%s\"}", event);

    parse_str(body, NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && is_hash_id(evs.events[0].external_id, "unsupported"),
       "100-byte event: unsupported");
    sc_events_free(&evs);

    parse_str("{\"event\":\"\"}", NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "empty event: unsupported");
    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_authorization_removed();
    test_publish_events();
    test_ids();
    test_content();
    test_real_shapes();
    test_bad_input();
    test_wrong_types();

    return done_platform_testing();
}
