/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_viber.c: the Viber descriptor against recorded-shape
 * callbacks (t/fixtures/viber) and hostile bodies.  Run from the
 * repository root; prints TAP.
 */


#define PLATFORM  sc_platform_viber
#define FIXTURES  "t/fixtures/viber/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "viber", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_viber, "descriptor: Viber signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_webhook(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("webhook.json", NULL, &evs), SC_PARSE_OK,
           "webhook: parses");
    is_int(evs.nevents, 0, "webhook: not stored");
    is_int(answer.status, 200, "webhook: answered 200");
    is_str(answer.content_type, "application/json", "webhook: JSON");
    ok(answer.body != NULL && answer.body_len == 12
       && memcmp(answer.body, "{\"status\":0}", 12) == 0,
       "webhook: body {\"status\":0}");
    sc_events_free(&evs);
}


static void
test_message(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("message_text.json", NULL, &evs), SC_PARSE_OK,
           "message_text: parses");
    is_int(evs.nevents, 1, "message_text: one event");
    is_int(answer.status, 0, "message_text: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "viber", "message_text: channel");
        is_str(ev->type, "message", "message_text: type");
        is_str(ev->external_id, "5741311803571721087",
               "message_text: external_id is the token in decimal");
        is_str(ev->text, "My refund for order 48213 never arrived. Who can I "
               "talk to?", "message_text: text");
        is_str(ev->author_id, "01234567890A=", "message_text: author");
        is_str(ev->author_name, "John McClane", "message_text: name");
        ok(ev->author_handle == NULL, "message_text: no handle");
        is_str(ev->thread_id, "01234567890A=",
               "message_text: thread is the user");
        is_int(ev->occurred_ms, 1718035199876LL, "message_text: time in ms");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "message_text: private");
        is_int(ev->answerable, 1, "message_text: answerable");
        is_int(ev->from_brand, 0, "message_text: not from the brand");
        ok(ev->raw == json_array_get(evs.root, 0),
           "message_text: raw is the callback");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("message_picture.json", NULL, &evs), SC_PARSE_OK,
           "message_picture: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->external_id, "5741311803571721099",
               "message_picture: a string token is kept");
        is_str(ev->text, "the box arrived crushed",
               "message_picture: the caption is the text");
        is_str(ev->author_name, "Mia", "message_picture: name");
        is_int(ev->answerable, 1, "message_picture: answerable");

    } else {
        ok(0, "message_picture: one event");
    }

    sc_events_free(&evs);
}


static void
test_other_events(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_events_t   evs;
    static const struct {
        const char  *file;
        const char  *type;
        const char  *id;
        const char  *author;
        const char  *name;
    } cases[] = {
        { "subscribed.json", "subscribed", "5741311803571720001",
          "01234567890A=", "John McClane" },
        { "conversation_started.json", "conversation_started",
          "5741311803571710000", "01234567890A=", "John McClane" },
        { "unsubscribed.json", "unsubscribed", "5741311803571729999",
          "01234567890A=", NULL },
        { "delivered.json", "delivered",
          "delivered:5741311803571721087:01234567890A=", "01234567890A=",
          NULL },
        { "seen.json", "seen", "seen:5741311803571721087:01234567890A=",
          "01234567890A=", NULL },
        { "failed.json", "failed",
          "failed:5741311803571721088:01234567890A=", "01234567890A=",
          NULL },
        { "client_status.json", "client_status", "5741311803571730000",
          "01234567890A=", NULL },
        { "subscribed_no_token.json", "subscribed", NULL,
          "pttm25kSGUo1919sBORWyA==", "Ana" },
        { "conversation_started_subscribed.json", "conversation_started",
          "5741311803571800100", "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia" }
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

        if (cases[i].id != NULL) {
            is_str(ev->external_id, cases[i].id, "%s: external_id",
                   cases[i].file);

        } else {
            /* no token: the callback's hash, stable when resent */
            ok(is_hash_id(ev->external_id, cases[i].type),
               "%s: external_id %s:<sha256>", cases[i].file, cases[i].type);
        }

        is_str(ev->author_id, cases[i].author, "%s: author", cases[i].file);
        is_str(ev->thread_id, cases[i].author, "%s: thread", cases[i].file);
        is_str(ev->author_name, cases[i].name, "%s: name", cases[i].file);
        is_int(ev->answerable, 0, "%s: not answerable", cases[i].file);
        is_int(ev->from_brand, 0, "%s: not the brand", cases[i].file);
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "%s: private",
               cases[i].file);
        ok(ev->occurred_ms > 1718000000000LL, "%s: time", cases[i].file);

        /* a receipt's "desc" is Viber's, not a customer's: never classified */
        ok(ev->text == NULL, "%s: no text", cases[i].file);

        sc_events_free(&evs);
    }
}


static void
test_unknown(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("unknown_event.json", NULL, &evs), SC_PARSE_OK,
           "unknown_event: parses");
    is_int(evs.nevents, 1, "unknown_event: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown_event: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown_event: unsupported:<sha256>");
        is_str(json_string_value(json_object_get(evs.events[0].raw, "event")),
               "hologram_shared", "unknown_event: raw is the callback");
        is_int(evs.events[0].answerable, 0, "unknown_event: not answerable");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"message\",\"message_token\":1,"
                     "\"sender\":{\"id\":\"u\"},\"message\":{\"type\":"
                     "\"keyboard\"}}", NULL, &evs),
           SC_PARSE_OK, "unknown message type: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported",
               "unknown message type: unsupported");
    }

    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"event\":\"message\"", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("[{\"event\":\"webhook\"}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_int(answer.status, 0, "array root: no handshake answer");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("{\"timestamp\":1}", NULL, &evs), SC_PARSE_INVALID,
           "missing event is invalid");
    is_str(err, "body is not a Viber callback: no \"event\" string",
           "missing event message");
    sc_events_free(&evs);

    is_int(parse_str("{\"event\":5}", NULL, &evs), SC_PARSE_INVALID,
           "event as a number is invalid");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_str("{\"event\":\"message\",\"timestamp\":\"soon\","
                     "\"message_token\":1.5,\"sender\":\"x\",\"user_id\":7,"
                     "\"message\":{\"type\":\"text\",\"text\":[]}}",
                     NULL, &evs),
           SC_PARSE_OK, "mistyped message: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "mistyped message: still a message");
        ok(is_hash_id(ev->external_id, "message"),
           "mistyped message: a real token is hashed");
        ok(ev->text == NULL && ev->author_id == NULL && ev->author_name == NULL
           && ev->thread_id == NULL, "mistyped message: no borrowed strings");
        is_int(ev->occurred_ms, 0, "mistyped message: time unknown");

    } else {
        ok(0, "mistyped message: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"delivered\",\"user_id\":\"u\"}", NULL, &evs),
           SC_PARSE_OK, "receipt without token: parses");

    if (evs.nevents == 1) {
        ok(is_hash_id(evs.events[0].external_id, "delivered"),
           "receipt without token: delivered:<sha256>");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"event\":\"message\",\"message\":\"hi\"}", NULL, &evs),
           SC_PARSE_OK, "message as a string: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported",
               "message as a string: unsupported");
    }

    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t  a, b;

    parse_str("{\"event\":\"client_status\",\"a\":1,\"b\":[1,2]}", NULL, &a);
    parse_str("{\"b\":[1,2],\"a\":1,\"event\":\"client_status\"}", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("seen.json", NULL, &a);
    parse_fixture("seen.json", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: same callback, same id");

    sc_events_free(&a);
    sc_events_free(&b);
}


/*
 * Shapes Viber sends (t/fixtures/viber, our values in the REST Bot API's
 * fields): every message type, senders with and without their optional
 * fields, tokens beyond 2^53, receipts of a broadcast.
 */

typedef struct {
    const char  *file;
    const char  *id;
    const char  *author_id;
    const char  *name;
    const char  *text;          /* its first bytes; NULL: no text */
    long long    occurred_ms;
} viber_case_t;


static void
test_real_shapes(void)
{
    size_t               i, n;
    sc_event_t          *ev;
    sc_events_t          evs, again;
    sc_parse_rc_e        rc;
    const viber_case_t  *c;

    static const viber_case_t  cases[] = {
        { "message_video.json", "5741311803571800001",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", "it makes this noise",
          1718036000001LL },
        { "message_file.json", "5741311803571800002",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", NULL, 1718036000002LL },
        { "message_sticker.json", "5741311803571800003",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", NULL, 1718036000003LL },
        { "message_contact.json", "5741311803571800004",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", NULL, 1718036000004LL },
        /* a shared link's words are the link */
        { "message_url.json", "5741311803571800005",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia",
          "https://shop.example.com/orders/55120", 1718036000005LL },
        { "message_location.json", "5741311803571800006",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", NULL, 1718036000006LL },
        /* a forwarded carousel: its alt_text */
        { "message_rich_media.json", "5741311803571800007",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia", "Spring sale: 20% off",
          1718036000007LL },
        /* 2^53 + 1: a double would say ...992 */
        { "message_minimal_sender.json", "9007199254740993",
          "pttm25kSGUo1919sBORWyA==", "Ana", "hola, mi pedido no lleg",
          1718036000008LL },
        { "message_max_token.json", "9223372036854775807",
          "pttm25kSGUo1919sBORWyA==", NULL, "?", 1718036000009LL },
        { "message_long_unicode.json", "5741311803571800010",
          "hUHdZ3Xq9dFvNwU3EDk9Mg==", "Mia",
          "\xd0\x97\xd0\xb0\xd0\xbc\xd0\xbe\xd0\xb2", 1718036000010LL }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = &cases[i];

        if (parse_fixture(c->file, NULL, &evs) != SC_PARSE_OK
            || evs.nevents != 1)
        {
            ok(0, "%s: parses into one event (%s)", c->file, err);
            sc_events_free(&evs);
            continue;
        }

        ev = &evs.events[0];
        is_str(ev->type, "message", "%s: type", c->file);
        is_str(ev->external_id, c->id, "%s: the token, exactly", c->file);
        is_str(ev->author_id, c->author_id, "%s: author", c->file);
        is_str(ev->thread_id, c->author_id, "%s: thread", c->file);
        is_str(ev->author_name, c->name, "%s: name", c->file);
        ok(ev->author_handle == NULL, "%s: no handle", c->file);

        n = c->text ? strlen(c->text) : 0;
        ok(c->text ? ev->text != NULL && strncmp(ev->text, c->text, n) == 0
                   : ev->text == NULL,
           "%s: text %s", c->file, c->text ? c->text : "none");

        is_int(ev->occurred_ms, c->occurred_ms, "%s: time", c->file);
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "%s: private",
               c->file);
        is_int(ev->answerable, 1, "%s: answerable", c->file);
        is_int(ev->from_brand, 0, "%s: not the brand", c->file);

        /* Viber resends for an hour until it gets a 200 */
        if (parse_fixture(c->file, NULL, &again) == SC_PARSE_OK) {
            ok(same_ids(&evs, &again), "%s: same id when resent", c->file);
        }

        sc_events_free(&again);
        sc_events_free(&evs);
    }

    if (parse_fixture("message_long_unicode.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1 && evs.events[0].text != NULL)
    {
        n = strlen(evs.events[0].text);
        ok(n > 7000 && strcmp(evs.events[0].text + n - 3, "xxx") == 0,
           "long text: kept whole (%zu bytes)", n);
    }

    sc_events_free(&evs);

    /* a broadcast's token reaches many: one receipt row for each */
    parse_fixture("delivered.json", NULL, &evs);
    parse_fixture("delivered_other_user.json", NULL, &again);

    ok(evs.nevents == 1 && again.nevents == 1
       && strcmp(evs.events[0].external_id, again.events[0].external_id)
          != 0,
       "broadcast receipts: one token, two users, two ids");

    if (again.nevents == 1) {
        is_str(again.events[0].external_id,
               "delivered:5741311803571721087:hUHdZ3Xq9dFvNwU3EDk9Mg==",
               "broadcast receipts: keyed by the receiver too");
    }

    sc_events_free(&evs);
    sc_events_free(&again);

    /* past int64: refused (Viber retries) or exact, never rounded */
    rc = parse_str("{\"event\":\"message\",\"message_token\":"
                   "18446744073709551615,\"sender\":{\"id\":\"u\"},"
                   "\"message\":{\"type\":\"text\",\"text\":\"x\"}}", NULL,
                   &evs);
    ok(rc == SC_PARSE_BAD_JSON
       || (rc == SC_PARSE_OK && evs.nevents == 1
           && strcmp(evs.events[0].external_id, "18446744073709551615")
              == 0),
       "a token of 2^64 - 1: refused or exact, never rounded");
    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_webhook();
    test_message();
    test_other_events();
    test_real_shapes();
    test_unknown();
    test_bad_input();
    test_wrong_types();
    test_determinism();

    return done_platform_testing();
}
