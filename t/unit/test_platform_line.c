/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_line.c: the LINE descriptor against recorded-shape
 * webhooks (t/fixtures/line) and hostile bodies.  Run from the repository
 * root; prints TAP.
 */


#define PLATFORM  sc_platform_line
#define FIXTURES  "t/fixtures/line/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "line", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_line, "descriptor: LINE signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_text(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("message_text.json", NULL, &evs), SC_PARSE_OK,
           "message_text: parses");
    is_int(evs.nevents, 1, "message_text: one event");
    is_int(answer.status, 0, "message_text: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "line", "message_text: channel");
        is_str(ev->type, "message", "message_text: type");
        is_str(ev->external_id, "01H810YECXQQZ37VAXPF6H9E6T",
               "message_text: external_id is the webhookEventId");
        is_str(ev->text, "Hi, my parcel #48213 is three days late and the "
               "tracking page is blank. Can you check?", "message_text: text");
        is_str(ev->author_id, "U4af4980629f2e8a1b2c3d4e5f6a7b8c9",
               "message_text: author");
        is_str(ev->thread_id, "U4af4980629f2e8a1b2c3d4e5f6a7b8c9",
               "message_text: thread is the user");
        ok(ev->author_handle == NULL && ev->author_name == NULL,
           "message_text: no handle, no name");
        is_int(ev->occurred_ms, 1692251666727LL, "message_text: time in ms");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "message_text: private");
        is_int(ev->answerable, 1, "message_text: answerable");
        is_int(ev->from_brand, 0, "message_text: not from the brand");
        is_str(json_string_value(json_object_get(ev->raw, "replyToken")),
               "38ef843bde154d9b91c21320ffd17a0f",
               "message_text: raw is the LINE event");
    }

    sc_events_free(&evs);
}


static void
test_verify_button(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("verify_empty.json", NULL, &evs), SC_PARSE_OK,
           "verify_empty: parses");
    is_int(evs.nevents, 0, "verify_empty: no events");
    ok(answer.status == 0 && answer.body == NULL,
       "verify_empty: the default 200 answer");
    sc_events_free(&evs);

    is_int(parse_str("{\"events\":[]}", NULL, &evs), SC_PARSE_OK,
           "events without destination: parses");
    sc_events_free(&evs);
}


static void
test_many(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *types[] = {
        "message", "message", "message", "follow", "unfollow", "postback",
        "message_deleted", "member_joined", "message"
    };
    static const unsigned  answerable[] = { 1, 1, 1, 0, 0, 0, 0, 0, 0 };

    is_int(parse_fixture("many.json", NULL, &evs), SC_PARSE_OK,
           "many: parses");
    is_int(evs.nevents, 9, "many: nine events");

    if (evs.nevents != 9) {
        sc_events_free(&evs);
        return;
    }

    for (i = 0; i < 9; i++) {
        is_str(evs.events[i].type, types[i], "many: event %zu is %s", i,
               types[i]);
        is_int(evs.events[i].answerable, answerable[i],
               "many: event %zu answerable %u", i, answerable[i]);
    }

    ev = &evs.events[0];
    is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "many: group is public");
    is_str(ev->thread_id, "Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d",
           "many: group thread");
    is_str(ev->author_id, "U7b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e",
           "many: group author is the user");

    ev = &evs.events[1];
    is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "many: room is public");
    is_str(ev->thread_id, "Ra8dbf4673c4c812cd491258042226c99",
           "many: room thread");
    ok(ev->text == NULL, "many: an image has no text");

    ev = &evs.events[2];
    is_str(ev->text, "Shibuya store", "many: location text is its title");
    is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "many: user chat private");

    is_str(evs.events[4].author_id, "U1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d",
           "many: unfollow author");
    ok(evs.events[5].text == NULL, "many: postback data is not text");

    ev = &evs.events[7];
    ok(ev->author_id == NULL, "many: memberJoined has no author");
    is_str(ev->thread_id, "Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d",
           "many: memberJoined thread is the group");

    ev = &evs.events[8];
    is_str(ev->external_id, "01H810YECXQQZ37VAXPF6H9E7J",
           "many: redelivery keeps its webhookEventId");
    ok(ev->text == NULL, "many: sticker without text");
    is_int(ev->answerable, 0, "many: standby mode is not ours to answer");

    ok(distinct_ids(&evs), "many: external ids are distinct");

    sc_events_free(&evs);
}


static void
test_unknown(void)
{
    size_t        i;
    sc_events_t   evs;

    is_int(parse_fixture("unknown_event.json", NULL, &evs), SC_PARSE_OK,
           "unknown_event: parses");
    is_int(evs.nevents, 2, "unknown_event: two events");

    for (i = 0; i < evs.nevents; i++) {
        is_str(evs.events[i].type, "unsupported", "unknown %zu: unsupported",
               i);
        ok(is_hash_id(evs.events[i].external_id, "unsupported"),
           "unknown %zu: unsupported:<sha256>", i);
        is_int(evs.events[i].answerable, 0, "unknown %zu: not answerable", i);
        is_str(evs.events[i].channel, "line", "unknown %zu: channel", i);
    }

    if (evs.nevents == 2) {
        ok(json_object_get(evs.events[0].raw, "hologram") != NULL,
           "unknown_event: raw keeps the event");
        ok(strcmp(evs.events[0].external_id, evs.events[1].external_id) != 0,
           "unknown_event: different events, different hashes");
    }

    sc_events_free(&evs);
}


static void
test_ids(void)
{
    char          body[1024], id[301];
    sc_events_t   evs;

    /* no webhookEventId (older senders): the message id, else a hash */
    is_int(parse_str("{\"events\":[{\"type\":\"message\",\"message\":"
                     "{\"type\":\"text\",\"id\":\"4687\",\"text\":\"hi\"},"
                     "\"source\":{\"type\":\"user\",\"userId\":\"U1\"}},"
                     "{\"type\":\"follow\",\"source\":{\"type\":\"user\","
                     "\"userId\":\"U1\"},\"timestamp\":1}]}", NULL, &evs),
           SC_PARSE_OK, "no webhookEventId: parses");

    if (evs.nevents == 2) {
        is_str(evs.events[0].external_id, "4687",
               "no webhookEventId: message id");
        ok(is_hash_id(evs.events[1].external_id, "follow"),
           "no webhookEventId: follow:<sha256>");

    } else {
        ok(0, "no webhookEventId: two events");
    }

    sc_events_free(&evs);

    memset(id, 'E', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    snprintf(body, sizeof(body), "{\"events\":[{\"type\":\"message\","
             "\"webhookEventId\":\"%s\",\"message\":{\"type\":\"text\"}}]}",
             id);

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "long id: parses");

    if (evs.nevents == 1) {
        ok(is_hash_id(evs.events[0].external_id, "message"),
           "long id: falls back to message:<sha256>");
    }

    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"events\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("{\"events\":[{\"type\":\"a\\u0000b\"}]}", NULL, &evs),
           SC_PARSE_BAD_JSON, "\\u0000 is refused");
    sc_events_free(&evs);

    is_int(parse_str("[{\"events\":[]}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("{\"destination\":\"U1\"}", NULL, &evs), SC_PARSE_INVALID,
           "missing events is invalid");
    is_str(err, "body is not a LINE webhook: no \"events\" array",
           "missing events message");
    sc_events_free(&evs);

    is_int(parse_str("{\"events\":{\"type\":\"message\"}}", NULL, &evs),
           SC_PARSE_INVALID, "events as an object is invalid");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    size_t        i;
    unsigned      all;
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_str("{\"events\":[5,\"x\",null,[],{},{\"type\":5},"
                     "{\"type\":\"message\",\"message\":5},"
                     "{\"type\":\"message\",\"message\":{\"type\":7}}]}",
                     NULL, &evs),
           SC_PARSE_OK, "wrong types: parses");
    is_int(evs.nevents, 8, "wrong types: each item accounted for");

    all = 1;
    for (i = 0; i < evs.nevents; i++) {
        if (strcmp(evs.events[i].type, "unsupported") != 0
            || !is_hash_id(evs.events[i].external_id, "unsupported")
            || evs.events[i].answerable)
        {
            all = 0;
        }
    }

    ok(all, "wrong types: all unsupported with hash ids");
    sc_events_free(&evs);

    is_int(parse_str("{\"events\":[{\"type\":\"message\",\"webhookEventId\":7,"
                     "\"timestamp\":\"soon\",\"source\":\"x\",\"mode\":5,"
                     "\"message\":{\"type\":\"text\",\"id\":9,\"text\":7}},"
                     "{\"type\":\"join\",\"source\":{\"type\":\"group\","
                     "\"groupId\":5,\"userId\":[]}}]}", NULL, &evs),
           SC_PARSE_OK, "mistyped message: parses");
    is_int(evs.nevents, 2, "mistyped message: two events");

    if (evs.nevents == 2) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "mistyped message: still a message");
        ok(is_hash_id(ev->external_id, "message"),
           "mistyped message: hash id");
        ok(ev->text == NULL && ev->author_id == NULL && ev->thread_id == NULL,
           "mistyped message: no borrowed strings");
        is_int(ev->occurred_ms, 0, "mistyped message: time unknown");
        is_int(ev->answerable, 1, "mistyped message: a mode of 5 is active");

        ev = &evs.events[1];
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "mistyped join: a group is public");
        ok(ev->thread_id == NULL && ev->author_id == NULL,
           "mistyped join: numeric ids are not LINE ids");
    }

    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t   a, b;

    parse_fixture("many.json", NULL, &a);
    parse_fixture("many.json", NULL, &b);

    ok(same_ids(&a, &b), "determinism: same body, same ids");
    sc_events_free(&a);
    sc_events_free(&b);

    parse_str("{\"events\":[{\"type\":\"newKind\",\"a\":1,\"b\":[1,2]}]}",
              NULL, &a);
    parse_str("{\"events\":[{\"b\":[1,2],\"type\":\"newKind\",\"a\":1}]}",
              NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);
}


static void
test_limits(void)
{
    char          *body;
    size_t         i;
    json_t        *root, *list;
    sc_events_t    evs;
    sc_parse_rc_e  rc;

    root = json_pack("{s:s, s:[]}", "destination", "U1", "events");
    list = json_object_get(root, "events");

    for (i = 0; i <= SC_EVENTS_MAX; i++) {
        json_array_append_new(list, json_pack("{s:s, s:o, s:{s:s, s:s}}",
                              "type", "follow",
                              "webhookEventId", json_sprintf("E%zu", i),
                              "source", "type", "user", "userId", "U2"));
    }

    body = json_dumps(root, JSON_COMPACT);
    rc = parse_str(body, NULL, &evs);
    free(body);

    is_int(rc, SC_PARSE_TOO_MANY, "SC_EVENTS_MAX + 1 events: too many");
    is_str(err, "webhook carries more than 4096 events", "too many message");
    ok(evs.root == NULL && evs.nevents == 0, "too many: nothing kept");
    sc_events_free(&evs);

    json_array_remove(list, SC_EVENTS_MAX);

    body = json_dumps(root, JSON_COMPACT);
    rc = parse_str(body, NULL, &evs);
    free(body);
    json_decref(root);

    is_int(rc, SC_PARSE_OK, "SC_EVENTS_MAX events: parses");
    is_int(evs.nevents, SC_EVENTS_MAX, "SC_EVENTS_MAX events: all kept");

    if (evs.nevents == SC_EVENTS_MAX) {
        is_str(evs.events[SC_EVENTS_MAX - 1].external_id, "E4095",
               "SC_EVENTS_MAX events: last one intact");
    }

    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_text();
    test_verify_button();
    test_many();
    test_unknown();
    test_ids();
    test_bad_input();
    test_wrong_types();
    test_determinism();
    test_limits();

    return done_platform_testing();
}
