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


/*
 * Shapes LINE sends (t/fixtures/line, our values in the fields of the
 * Messaging API's webhook.yml): every message type, every other event,
 * redelivery, standby, a group member without a userId.
 */

typedef struct {
    const char  *type;
    const char  *id;
    const char  *author_id;
    const char  *thread;
    int          visibility;
    const char  *text;          /* its first bytes; NULL: no text */
    long long    occurred_ms;
    unsigned     answerable;
} line_case_t;


#define PRIV  SC_VISIBILITY_PRIVATE
#define PUBL  SC_VISIBILITY_PUBLIC
#define U1    "U4af4980629f2e8a1b2c3d4e5f6a7b8c9"
#define U2    "U7b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e"
#define U3    "U3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"
#define GRP   "Ca56f94637c3e1a2b3c4d5e6f7a8b9c0d"
#define ROOM  "Ra8dbf4673c4c812cd491258042226c99"
#define EID   "01J2Q7K8M9N0P1Q2R3S4T5V6"


static void
check_line_cases(const char *file, const line_case_t *cases, size_t n)
{
    /* cppcheck-suppress variableScope ; locals at the top */
    size_t              i, len;
    sc_event_t         *ev;
    sc_events_t         evs, again;
    const line_case_t  *c;

    is_int(parse_fixture(file, NULL, &evs), SC_PARSE_OK, "%s: parses",
           file);
    is_int(evs.nevents, n, "%s: %zu events", file, n);

    for (i = 0; i < n && i < evs.nevents; i++) {
        c = &cases[i];
        ev = &evs.events[i];

        is_str(ev->channel, "line", "%s %zu: channel", file, i);
        is_str(ev->type, c->type, "%s %zu: type", file, i);
        is_str(ev->external_id, c->id, "%s %zu: webhookEventId", file, i);
        is_str(ev->author_id, c->author_id, "%s %zu: author", file, i);
        ok(ev->author_handle == NULL && ev->author_name == NULL,
           "%s %zu: LINE sends no names", file, i);
        is_str(ev->thread_id, c->thread, "%s %zu: thread", file, i);
        is_int(ev->visibility, c->visibility, "%s %zu: visibility", file,
               i);

        len = c->text ? strlen(c->text) : 0;
        ok(c->text ? ev->text != NULL && strncmp(ev->text, c->text, len) == 0
                   : ev->text == NULL,
           "%s %zu: text %s", file, i, c->text ? c->text : "none");

        is_int(ev->occurred_ms, c->occurred_ms, "%s %zu: timestamp", file,
               i);
        is_int(ev->answerable, c->answerable, "%s %zu: answerable", file,
               i);
        is_int(ev->from_brand, 0, "%s %zu: not the brand", file, i);
    }

    ok(distinct_ids(&evs), "%s: distinct ids", file);

    /* a resend (or LINE's redelivery) maps to the same rows */
    if (parse_fixture(file, NULL, &again) == SC_PARSE_OK) {
        ok(same_ids(&evs, &again), "%s: same ids when resent", file);
    }

    sc_events_free(&again);
    sc_events_free(&evs);
}


static void
test_real_shapes(void)
{
    sc_events_t   a, b;

    static const line_case_t  emoji[] = {
        { "message", EID "W7", U3, GRP, PUBL, "@Acme Shop $ my order 55120",
          1718036000123LL, 1 }
    };

    static const line_case_t  media[] = {
        { "message", EID "X1", U1, U1, PRIV, NULL, 1718036100001LL, 1 },
        { "message", EID "X2", U1, U1, PRIV, NULL, 1718036100002LL, 1 },
        { "message", EID "X3", U1, U1, PRIV, NULL, 1718036100003LL, 1 },
        { "message", EID "X4", U1, U1, PRIV, NULL, 1718036100004LL, 1 },
        /* a dropped pin has neither title nor address */
        { "message", EID "X5", U1, U1, PRIV, NULL, 1718036100005LL, 1 },
        /* a message sticker carries the words typed on it */
        { "message", EID "X6", U1, U1, PRIV, "Still waiting for my refund!",
          1718036100006LL, 1 }
    };

    static const line_case_t  other[] = {
        { "join", EID "Y1", NULL, GRP, PUBL, NULL, 1718036200001LL, 0 },
        { "leave", EID "Y2", NULL, ROOM, PUBL, NULL, 1718036200002LL, 0 },
        { "member_left", EID "Y3", NULL, GRP, PUBL, NULL, 1718036200003LL,
          0 },
        { "beacon", EID "Y4", U1, U1, PRIV, NULL, 1718036200004LL, 0 },
        { "account_link", EID "Y5", U1, U1, PRIV, NULL, 1718036200005LL, 0 },
        { "things", EID "Y6", U1, U1, PRIV, NULL, 1718036200006LL, 0 },
        { "video_play_complete", EID "Y7", U1, U1, PRIV, NULL,
          1718036200007LL, 0 },
        { "postback", EID "Y8", U1, U1, PRIV, NULL, 1718036200008LL, 0 },
        /* a rich menu tab switch: navigation, nobody's request */
        { "richmenu_switch", EID "Y9", U1, U1, PRIV, NULL, 1718036200009LL,
          0 },
        { "follow", EID "YA", U1, U1, PRIV, NULL, 1718036200010LL, 0 },
        /* a LINE notification message delivered: a receipt */
        { "delivery", EID "YB", U1, U1, PRIV, NULL, 1718036200011LL, 0 },
        { "membership", EID "YC", U1, U1, PRIV, NULL, 1718036200012LL, 0 },
        { "message_deleted", EID "YD", U2, GRP, PUBL, NULL, 1718036200013LL,
          0 }
    };

    static const line_case_t  standby[] = {
        /* another channel owns the chat: not ours to answer */
        { "message", EID "Z1", U1, U1, PRIV, "Is anyone there?",
          1718036300001LL, 0 },
        /* LINE for PC sends no userId in groups: the group still answers */
        { "message", EID "Z2", NULL, GRP, PUBL, "My refund still hasn't",
          1718036300002LL, 1 }
    };

    static const line_case_t  longtext[] = {
        { "message", EID "Z3", U1, U1, PRIV,
          "\xe6\xb3\xa8\xe6\x96\x87" "55120", 1718036400001LL, 1 }
    };

    check_line_cases("message_emoji_mention.json", emoji, 1);
    check_line_cases("message_media.json", media, 6);
    check_line_cases("events_other.json", other, 13);
    check_line_cases("standby_group.json", standby, 2);
    check_line_cases("message_long_unicode.json", longtext, 1);

    /* 5000 characters kept whole */
    if (parse_fixture("message_long_unicode.json", NULL, &a) == SC_PARSE_OK
        && a.nevents == 1 && a.events[0].text != NULL)
    {
        ok(strlen(a.events[0].text) > 5000
           && strcmp(a.events[0].text + strlen(a.events[0].text) - 3, "xxx")
              == 0,
           "long text: kept whole (%zu bytes)", strlen(a.events[0].text));
    }

    sc_events_free(&a);

    /* LINE's redelivery: other bytes, the same webhookEventId */
    parse_fixture("message_text.json", NULL, &a);
    parse_fixture("message_text_redelivered.json", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "redelivery: the same external id, a duplicate");
    ok(b.nevents == 1
       && json_is_true(sc_json_path(b.events[0].raw,
                                    "deliveryContext.isRedelivery")),
       "redelivery: the fixture is a redelivery");

    sc_events_free(&a);
    sc_events_free(&b);
}


int
main(void)
{
    test_descriptor();
    test_text();
    test_verify_button();
    test_many();
    test_real_shapes();
    test_unknown();
    test_ids();
    test_bad_input();
    test_wrong_types();
    test_determinism();
    test_limits();

    return done_platform_testing();
}
