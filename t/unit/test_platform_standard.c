/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_standard.c: the Standard Webhooks descriptor against
 * recorded-shape webhooks (t/fixtures/standard) and hostile bodies.  Run
 * from the repository root; prints TAP.
 */


#define PLATFORM  sc_platform_standard
#define FIXTURES  "t/fixtures/standard/"

#include "platform_test.h"


static const char  *hdr_id[] = {
    "webhook-id", "msg_2ZqH8a5Rk1",
    "webhook-timestamp", "1718035200",
    "webhook-signature", "v1,ignored-here",
    NULL
};


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "standard", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_standard,
       "descriptor: Standard Webhooks signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_message(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("message_created.json", hdr_id, &evs), SC_PARSE_OK,
           "message_created: parses");
    is_int(evs.nevents, 1, "message_created: one event");
    is_int(answer.status, 0, "message_created: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "standard", "message_created: channel");
        is_str(ev->type, "message",
               "message_created: type: a message (raw keeps message.created)");
        is_str(ev->external_id, "msg_2ZqH8a5Rk1",
               "message_created: external_id is the webhook-id");
        is_str(ev->text, "I was charged twice for invoice INV-2291, please "
               "refund one of them.", "message_created: text");
        is_str(ev->author_id, "cus_4821", "message_created: author");
        is_str(ev->author_name, "Ana Souza", "message_created: name");
        is_str(ev->author_handle, "ana.souza",
               "message_created: handle from username");
        is_str(ev->thread_id, "conv_81734",
               "message_created: thread from conversation_id");
        is_int(ev->occurred_ms, 1718035199876LL,
               "message_created: ISO 8601 timestamp");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "message_created: private");
        is_int(ev->answerable, 1, "message_created: answerable");
        ok(ev->raw == json_array_get(evs.root, 0),
           "message_created: raw is the whole body");
    }

    sc_events_free(&evs);
}


static void
test_public(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *svix[] = {
        "Svix-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "svix-timestamp", "1614265330",
        NULL
    };

    is_int(parse_fixture("comment_public.json", svix, &evs), SC_PARSE_OK,
           "comment_public: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->external_id, "msg_p5jXN8AQM9LWM0D4loKWxJek",
               "comment_public: svix-id, any case, is the id");
        is_str(ev->type, "message", "comment_public: type: a message");
        is_str(ev->text, "Is anyone else unable to log in since this "
               "morning?", "comment_public: text from body");
        is_str(ev->author_id, "770012",
               "comment_public: numeric author id as decimal");
        is_str(ev->author_handle, "kenji_w", "comment_public: handle");
        is_str(ev->thread_id, "90211", "comment_public: numeric thread id");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "comment_public: public");
        is_int(ev->answerable, 1, "comment_public: answerable");
        is_int(ev->occurred_ms, 1718035500000LL, "comment_public: time");

    } else {
        ok(0, "comment_public: one event");
    }

    sc_events_free(&evs);
}


static void
test_other(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("ticket_updated.json", hdr_id, &evs), SC_PARSE_OK,
           "ticket_updated: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "ticket.updated", "ticket_updated: type");
        is_str(ev->text, "nested, not a string",
               "ticket_updated: text from data.message.text");
        is_int(ev->answerable, 0, "ticket_updated: not a message");
        ok(ev->author_id == NULL && ev->thread_id == NULL,
           "ticket_updated: no author, no thread");
        is_int(ev->occurred_ms, 1718035800000LL,
               "ticket_updated: microseconds cut to ms");

    } else {
        ok(0, "ticket_updated: one event");
    }

    sc_events_free(&evs);

    /* the specification's own test vector body */
    is_int(parse_fixture("svix_test.json", hdr_id, &evs), SC_PARSE_OK,
           "svix_test: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "event", "svix_test: no type is \"event\"");
        ok(ev->text == NULL, "svix_test: no text");
        is_int(ev->answerable, 0, "svix_test: not answerable");
        is_int(ev->occurred_ms, 0, "svix_test: no time");

    } else {
        ok(0, "svix_test: one event");
    }

    sc_events_free(&evs);
}


static void
test_ids(void)
{
    char          id[301], body[512];
    sc_events_t   evs;
    const char   *hdrs[3];

    hdrs[0] = "webhook-id";
    hdrs[2] = NULL;

    /* control bytes, non-ASCII, too long: the body's hash instead */
    hdrs[1] = "msg_1\tx";
    is_int(parse_str("{\"type\":\"a\"}", hdrs, &evs), SC_PARSE_OK,
           "tab in webhook-id: parses");
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "a"),
       "tab in webhook-id: <type>:<sha256>");
    sc_events_free(&evs);

    hdrs[1] = "msg_\xc3\xa9";
    parse_str("{\"type\":\"a\"}", hdrs, &evs);
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "a"),
       "non-ASCII webhook-id: hashed");
    sc_events_free(&evs);

    memset(id, 'm', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    hdrs[1] = id;
    parse_str("{}", hdrs, &evs);
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "event"),
       "300-byte webhook-id: hashed");
    sc_events_free(&evs);

    id[SC_EXTERNAL_ID_MAX - 1] = '\0';
    parse_str("{}", hdrs, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].external_id, id) == 0,
       "255-byte webhook-id: kept");
    sc_events_free(&evs);

    hdrs[1] = "";
    parse_str("{}", hdrs, &evs);
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "event"),
       "empty webhook-id: hashed");
    sc_events_free(&evs);

    /* a type that is not a name is "event"; the id prefix stays short */
    memset(id, 't', 100);
    id[100] = '\0';
    snprintf(body, sizeof(body), "{\"type\":\"%s\"}", id);
    hdrs[1] = "\x01";
    parse_str(body, hdrs, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "event") == 0
       && is_hash_id(evs.events[0].external_id, "event"),
       "100-byte type: \"event\"");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"message.created\"}", NULL, &evs),
           SC_PARSE_INVALID, "no webhook-id: invalid");
    is_str(err, "no webhook-id header", "no webhook-id: message");
    ok(evs.root == NULL && evs.nevents == 0, "no webhook-id: nothing kept");
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"type\":", hdr_id, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", hdr_id, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    /* integers beyond 64 bits: the message kept, not a 400 */
    is_int(parse_str("{\"type\":\"message.created\",\"timestamp\":"
                     "1718036100,\"data\":{\"text\":\"refund?\","
                     "\"amount\":12345678901234567000,\"author\":{"
                     "\"id\":42}}}", hdr_id, &evs),
           SC_PARSE_OK, "integer beyond 64 bits: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "refund?", "integer beyond 64 bits: text");
        is_str(evs.events[0].external_id, "msg_2ZqH8a5Rk1",
               "integer beyond 64 bits: webhook-id");
        is_int(evs.events[0].occurred_ms, 1718036100000LL,
               "integer beyond 64 bits: time still read");
        ok(evs.events[0].author_id == NULL,
           "integer beyond 64 bits: numeric ids are lost, not invented");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"x\",\"n\":12345678901234567000,", hdr_id,
                     &evs),
           SC_PARSE_BAD_JSON, "big integer in broken JSON: still bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "big integer in broken JSON: the first reading's words: %s", err);
    sc_events_free(&evs);

    is_int(parse_str("[{\"type\":\"message.created\"}]", hdr_id, &evs),
           SC_PARSE_INVALID, "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_str("{\"type\":5,\"timestamp\":true,\"data\":{"
                          "\"text\":7,\"message\":[],\"body\":{},"
                          "\"author\":\"x\",\"user\":{\"id\":1.5,"
                          "\"name\":3},\"thread_id\":[],"
                          "\"visibility\":true}}", hdr_id, &evs),
           SC_PARSE_OK, "mistyped fields: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "event", "mistyped fields: type \"event\"");
        ok(ev->text == NULL && ev->author_id == NULL && ev->author_name == NULL
           && ev->author_handle == NULL && ev->thread_id == NULL,
           "mistyped fields: no borrowed strings");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "mistyped fields: private");
        is_int(ev->occurred_ms, 0, "mistyped fields: no time");
        is_int(ev->answerable, 0, "mistyped fields: not answerable");

    } else {
        ok(0, "mistyped fields: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"message.created\",\"data\":5}",
                          hdr_id, &evs),
           SC_PARSE_OK, "data as a number: parses");
    ok(evs.nevents == 1 && !evs.events[0].answerable,
       "data as a number: a message without text is not answerable");
    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t  a, b;
    static const char  *bad_id[] = { "webhook-id", "\x7f", NULL };

    parse_str("{\"data\":{\"b\":1,\"a\":[1,2]},\"type\":\"x.y\"}",
                   bad_id, &a);
    parse_str("{\"type\":\"x.y\",\"data\":{\"a\":[1,2],\"b\":1}}",
                   bad_id, &b);

    ok(a.nevents == 1 && same_ids(&a, &b)
       && is_hash_id(a.events[0].external_id, "x.y"),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("message_created.json", hdr_id, &a);
    parse_fixture("message_created.json", hdr_id, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: same delivery, same id");

    sc_events_free(&a);
    sc_events_free(&b);
}

/* shapes real senders use beyond the fixtures above */
static void
test_sender_shapes(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_events_t   evs;
    char          body[256];
    static const struct {
        const char  *type;
        int          answerable;
    } types[] = {
        { "message.created",             1 },
        { "message.received",            1 },
        { "conversation.message",        1 },
        { "new_message",                 1 },
        { "MessageCreated",              1 },
        { "comment.created",             1 },
        { "thread.message.created",      1 },
        { "message.sent",                0 },
        { "message.delivered",           0 },
        { "message.read",                0 },
        { "message.updated",             0 },
        { "message.deleted",             0 },
        { "message.attempt.exhausted",   0 },
        { "messageStatusChanged",        0 },
        { "ticket.updated",              0 },
        { "invoice.paid",                0 },
        { "messaging.thread.created",    0 }
    };

    is_int(parse_fixture("message_received_nested.json", hdr_id, &evs),
           SC_PARSE_OK, "nested: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->external_id, "msg_2ZqH8a5Rk1", "nested: webhook-id");
        is_str(ev->type, "message", "nested: type: a message");
        is_str(ev->text, "My card was declined three times but the money "
               "left my account. Order 55121.",
               "nested: text from message.content");
        is_str(ev->author_id, "9007199254740993",
               "nested: 2^53 + 1 author id, exact");
        is_str(ev->author_name, "Maya Okafor", "nested: sender name");
        is_str(ev->author_handle, "mokafor", "nested: sender username");
        is_str(ev->thread_id, "1799123456789000001",
               "nested: 64-bit conversation.id, exact");
        is_int(ev->occurred_ms, 1718036100000LL, "nested: epoch seconds");
        is_int(ev->answerable, 1, "nested: answerable");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "nested: private");

    } else {
        ok(0, "nested: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("user_created_epoch_ms.json", hdr_id, &evs),
           SC_PARSE_OK, "epoch ms: parses");
    ok(evs.nevents == 1 && evs.events[0].occurred_ms == 1718036400456LL
       && !evs.events[0].answerable && evs.events[0].text == NULL,
       "epoch ms: time in ms, no text, not answerable");
    sc_events_free(&evs);

    is_int(parse_fixture("message_delivered.json", hdr_id, &evs),
           SC_PARSE_OK, "message.delivered: parses");
    ok(evs.nevents == 1 && evs.events[0].text != NULL
       && !evs.events[0].answerable,
       "message.delivered: the brand's words, not answered");
    sc_events_free(&evs);

    is_int(parse_fixture("bare_message.json", hdr_id, &evs),
           SC_PARSE_OK, "bare: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "bare: event_type: a message");
        is_str(ev->text, "Ol\xc3\xa1, o site n\xc3\xa3o aceita o meu "
               "c\xc3\xb3" "digo postal", "bare: top-level text");
        is_str(ev->author_id, "u-3391", "bare: top-level user");
        is_str(ev->author_handle, "ines.c", "bare: handle");
        is_str(ev->thread_id, "t-3391-1", "bare: thread");
        is_int(ev->occurred_ms, 1718029800000LL, "bare: created_at +02:00");
        is_int(ev->answerable, 1, "bare: answerable");

    } else {
        ok(0, "bare: one event");
    }

    sc_events_free(&evs);

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        snprintf(body, sizeof(body), "{\"type\":\"%s\",\"data\":{\"text\":"
                 "\"hi\"}}", types[i].type);
        parse_str(body, hdr_id, &evs);
        ok(evs.nevents == 1 && evs.events[0].answerable
                               == (unsigned) types[i].answerable,
           "type %s: %s", types[i].type,
           types[i].answerable ? "answerable" : "not answerable");
        /* stored as the type the SLA and reports count, or as sent */
        ok(evs.nevents == 1
           && strcmp(evs.events[0].type,
                     !types[i].answerable ? types[i].type
                     : strncmp(types[i].type, "comment", 7) == 0
                       ? "comment" : "message") == 0,
           "type %s: stored as %s", types[i].type,
           evs.nevents == 1 ? evs.events[0].type : "-");
        sc_events_free(&evs);
    }
}


/* the same webhook-id with another signature and time: the same id */
static void
test_redelivery(void)
{
    sc_events_t   a, b;
    static const char  *first[] = {
        "webhook-id", "msg_2hZ9Yk3RzQ",
        "webhook-timestamp", "1718036400",
        "webhook-signature", "v1,Zm9v v1a,YmFy",
        NULL
    };
    static const char  *retry[] = {
        "Webhook-Id", "msg_2hZ9Yk3RzQ",
        "Webhook-Timestamp", "1718036700",
        "Webhook-Signature", "v1a,cXV4 v1,YmF6",
        NULL
    };

    parse_fixture("message_received_nested.json", first, &a);
    parse_fixture("message_received_nested.json", retry, &b);

    ok(a.nevents == 1 && same_ids(&a, &b)
       && strcmp(a.events[0].external_id, "msg_2hZ9Yk3RzQ") == 0,
       "redelivery: same webhook-id, same external id");

    sc_events_free(&a);
    sc_events_free(&b);
}


int
main(void)
{
    test_descriptor();
    test_message();
    test_public();
    test_other();
    test_ids();
    test_bad_input();
    test_wrong_types();
    test_determinism();
    test_sender_shapes();
    test_redelivery();

    return done_platform_testing();
}
