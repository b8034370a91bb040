/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_zendesk.c: the Zendesk descriptor against recorded-shape
 * webhooks (t/fixtures/zendesk) and hostile bodies.  Run from the
 * repository root; prints TAP.
 */


#define PLATFORM  sc_platform_zendesk
#define FIXTURES  "t/fixtures/zendesk/"

#include "platform_test.h"


static const char  *hdr_inv[] = {
    "X-Zendesk-Webhook-Id", "01HZX1SAMPLEWEBHOOK",
    "X-Zendesk-Webhook-Invocation-Id", "8350205582",
    "X-Zendesk-Webhook-Signature-Timestamp", "2024-06-10T16:20:00Z",
    NULL
};


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "zendesk", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_zendesk, "descriptor: Zendesk signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_comment(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("comment_added.json", hdr_inv, &evs), SC_PARSE_OK,
           "comment_added: parses");
    is_int(evs.nevents, 1, "comment_added: one event");
    is_int(answer.status, 0, "comment_added: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "zendesk", "comment_added: channel");
        is_str(ev->type, "ticket.comment_added",
               "comment_added: type without zen:event-type:");
        is_str(ev->external_id, "cbe4028c-7239-495d-b020-f22348516046",
               "comment_added: external_id is the event id");
        is_str(ev->text, "Still waiting on a replacement, this is the third "
               "time I ask.", "comment_added: text is the comment");
        is_str(ev->author_id, "8447388090494", "comment_added: author");
        is_str(ev->author_name, "Priya Raman", "comment_added: name");
        is_str(ev->thread_id, "zen:ticket:5158",
               "comment_added: thread is the ticket");
        is_int(ev->occurred_ms, 1715200269123LL, "comment_added: time");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "comment_added: private");
        is_int(ev->from_brand, 0, "comment_added: a customer");
        is_int(ev->answerable, 0, "comment_added: Zendesk answers itself");
        ok(ev->raw == json_array_get(evs.root, 0),
           "comment_added: raw is the whole body");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("agent_comment.json", NULL, &evs), SC_PARSE_OK,
           "agent_comment: parses");

    if (evs.nevents == 1) {
        is_int(evs.events[0].from_brand, 1, "agent_comment: staff is brand");
        is_str(evs.events[0].author_name, "Sam (Support)",
               "agent_comment: name");

    } else {
        ok(0, "agent_comment: one event");
    }

    sc_events_free(&evs);
}


static void
test_other_events(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("user_active_changed.json", NULL, &evs),
           SC_PARSE_OK, "user_active_changed: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "user.active_changed", "user_active_changed: type");
        is_str(ev->external_id, "2b24ef10-19d4-4740-93cf-8f98ec4776c0",
               "user_active_changed: id");
        ok(ev->text == NULL && ev->author_id == NULL,
           "user_active_changed: no text, no author");
        is_str(ev->thread_id, "zen:user:6596848315901",
               "user_active_changed: thread is the user");
        is_int(ev->occurred_ms, 4086826398000LL, "user_active_changed: time");

    } else {
        ok(0, "user_active_changed: one event");
    }

    sc_events_free(&evs);

    /* a new ticket: the description is what the requester wrote */
    is_int(parse_str("{\"type\":\"zen:event-type:ticket.created\","
                     "\"id\":\"e1\",\"subject\":\"zen:ticket:7\","
                     "\"detail\":{\"id\":\"7\",\"requester_id\":\"42\","
                     "\"description\":\"Where is my order?\"},"
                     "\"event\":{}}", NULL, &evs),
           SC_PARSE_OK, "ticket.created: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "Where is my order?",
               "ticket.created: text is the description");
        is_str(evs.events[0].author_id, "42",
               "ticket.created: author is the requester");

    } else {
        ok(0, "ticket.created: one event");
    }

    sc_events_free(&evs);

    /* any other ticket event repeats the description: not its text */
    is_int(parse_str("{\"type\":\"zen:event-type:ticket.status_changed\","
                     "\"id\":\"e2\",\"detail\":{\"requester_id\":\"42\","
                     "\"description\":\"Where is my order?\"},"
                     "\"event\":{\"current\":\"SOLVED\"}}", NULL, &evs),
           SC_PARSE_OK, "ticket.status_changed: parses");

    if (evs.nevents == 1) {
        ok(evs.events[0].text == NULL && evs.events[0].author_id == NULL,
           "ticket.status_changed: no text, no author");
        is_str(evs.events[0].type, "ticket.status_changed",
               "ticket.status_changed: type");
    }

    sc_events_free(&evs);
}


static void
test_trigger(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("trigger_ticket.json", hdr_inv, &evs), SC_PARSE_OK,
           "trigger_ticket: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "zendesk", "trigger_ticket: type");
        is_str(ev->external_id, "8350205582",
               "trigger_ticket: the invocation id, not the ticket id");
        is_str(ev->text, "It has been two weeks and the refund is still not "
               "on my card.", "trigger_ticket: latest_comment");
        is_str(ev->author_id, "8447388090777", "trigger_ticket: requester");
        is_str(ev->author_name, "Lena Fischer", "trigger_ticket: name");
        ok(ev->author_handle == NULL, "trigger_ticket: email is no handle");
        is_str(ev->thread_id, "48213", "trigger_ticket: thread is the ticket");
        is_int(ev->occurred_ms, 1718036400000LL, "trigger_ticket: time");
        is_int(ev->answerable, 0, "trigger_ticket: not answerable");

    } else {
        ok(0, "trigger_ticket: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("trigger_ticket.json", NULL, &evs), SC_PARSE_OK,
           "trigger without invocation id: parses");
    ok(evs.nevents == 1 && is_hash_id(evs.events[0].external_id, "zendesk"),
       "trigger without invocation id: zendesk:<sha256>");
    sc_events_free(&evs);

    /* the body Zendesk's "Test webhook" button sends by default */
    is_int(parse_str("{\"type\":\"test\"}", NULL, &evs), SC_PARSE_OK,
           "test body: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "test") == 0
       && is_hash_id(evs.events[0].external_id, "zendesk"),
       "test body: type test, hashed id");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"zen:event-type:user.created\"}", hdr_inv,
                     &evs),
           SC_PARSE_OK, "event without id: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].external_id, "8350205582")
       == 0, "event without id: the invocation id");
    sc_events_free(&evs);
}


/* event subscriptions as Zendesk sends them, besides a customer comment */
static void
test_real_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("ticket_created.json", hdr_inv, &evs), SC_PARSE_OK,
           "ticket_created: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "ticket.created", "ticket_created: type");
        is_str(ev->external_id, "6f1d2e3c-8a9b-4c0d-9e1f-20a1b2c3d4e5",
               "ticket_created: the event id, not the invocation id");
        is_str(ev->text, "My parcel was marked delivered but nothing "
               "arrived. Order 55120.", "ticket_created: the description");
        is_str(ev->author_id, "8447388090611",
               "ticket_created: the requester");
        is_str(ev->thread_id, "zen:ticket:5203", "ticket_created: thread");
        is_int(ev->occurred_ms, 1718176502000LL, "ticket_created: time");
        is_int(ev->from_brand, 0, "ticket_created: a customer");
        is_int(ev->answerable, 0, "ticket_created: Zendesk answers");

    } else {
        ok(0, "ticket_created: one event");
    }

    sc_events_free(&evs);

    /* the old comment again: not a second complaint */
    is_int(parse_fixture("comment_made_private.json", NULL, &evs),
           SC_PARSE_OK, "comment_made_private: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "ticket.comment_made_private",
               "comment_made_private: type");
        ok(ev->text == NULL, "comment_made_private: no text");
        is_str(ev->author_id, "8447388090494",
               "comment_made_private: whose comment");
        is_str(ev->thread_id, "zen:ticket:5158",
               "comment_made_private: thread");
        is_str(ev->external_id, "0b7e5a52-3c1f-4d6e-8f90-a1b2c3d4e5f6",
               "comment_made_private: id");

    } else {
        ok(0, "comment_made_private: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"zen:event-type:ticket.comment_redacted\","
                     "\"id\":\"e9\",\"subject\":\"zen:ticket:7\","
                     "\"event\":{\"comment\":{\"body\":\"\\u2588\","
                     "\"author\":{\"id\":\"42\",\"is_staff\":false}}}}",
                     NULL, &evs),
           SC_PARSE_OK, "comment_redacted: parses");
    ok(evs.nevents == 1 && evs.events[0].text == NULL,
       "comment_redacted: no text");
    sc_events_free(&evs);

    /* an agent's internal note: the brand's words, not a customer's */
    is_int(parse_fixture("internal_note.json", NULL, &evs), SC_PARSE_OK,
           "internal_note: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_int(ev->from_brand, 1, "internal_note: staff is the brand");
        is_str(ev->text, "Customer is furious, third broken item. "
               "Escalating to logistics.", "internal_note: text");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "internal_note: private");
        is_int(ev->occurred_ms, 1715245800000LL, "internal_note: time");

    } else {
        ok(0, "internal_note: one event");
    }

    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"type\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    is_str(err, "body is empty, JSON was expected", "empty body message");
    sc_events_free(&evs);

    is_int(parse_str("[{\"type\":\"zen:event-type:ticket.created\"}]",
                     NULL, &evs),
           SC_PARSE_INVALID, "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    char          body[256], type[101];
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *bad_inv[] = {
        "X-Zendesk-Webhook-Invocation-Id", "83\n50", NULL
    };

    is_int(parse_str("{\"type\":5,\"id\":7,\"time\":\"yesterday\","
                     "\"ticket\":{\"id\":48213,\"latest_comment\":[],"
                     "\"requester\":\"x\"}}", bad_inv, &evs),
           SC_PARSE_OK, "mistyped trigger: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "zendesk", "mistyped trigger: type");
        ok(is_hash_id(ev->external_id, "zendesk"),
           "mistyped trigger: a newline in the invocation id: hashed");
        ok(ev->text == NULL && ev->author_id == NULL && ev->author_name == NULL,
           "mistyped trigger: no borrowed strings");
        is_str(ev->thread_id, "48213", "mistyped trigger: numeric ticket id");
        is_int(ev->occurred_ms, 0, "mistyped trigger: no time");

    } else {
        ok(0, "mistyped trigger: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"zen:event-type:ticket.comment_added\","
                     "\"id\":123,\"subject\":5,\"event\":{\"comment\":{"
                     "\"body\":{},\"author\":{\"id\":99,\"is_staff\":\"yes\","
                     "\"name\":1}}}}", NULL, &evs),
           SC_PARSE_OK, "mistyped event: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->external_id, "123", "mistyped event: numeric id");
        is_str(ev->author_id, "99", "mistyped event: numeric author id");
        ok(ev->text == NULL && ev->author_name == NULL
           && ev->thread_id == NULL, "mistyped event: no text, name, thread");
        is_int(ev->from_brand, 0, "mistyped event: \"yes\" is not staff");
    }

    sc_events_free(&evs);

    memset(type, 'x', sizeof(type) - 1);
    type[sizeof(type) - 1] = '\0';
    snprintf(body, sizeof(body), "{\"type\":\"zen:event-type:%s\"}", type);

    parse_str(body, NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "zendesk") == 0,
       "100-byte type: \"zendesk\"");
    sc_events_free(&evs);

    parse_str("{\"type\":\"zen:event-type:\"}", NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "zendesk") == 0,
       "empty event type: \"zendesk\"");
    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t  a, b;

    parse_str("{\"ticket\":{\"id\":\"1\",\"b\":[1,2]},\"a\":1}", NULL, &a);
    parse_str("{\"a\":1,\"ticket\":{\"b\":[1,2],\"id\":\"1\"}}", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("comment_added.json", NULL, &a);
    parse_fixture("comment_added.json", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b),
       "determinism: same event, same id");

    sc_events_free(&a);
    sc_events_free(&b);
}


int
main(void)
{
    test_descriptor();
    test_comment();
    test_other_events();
    test_trigger();
    test_real_shapes();
    test_bad_input();
    test_wrong_types();
    test_determinism();

    return done_platform_testing();
}
