/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_slack.c: the Slack descriptor (Events API, url_verification,
 * slash commands, interactivity payloads and their answers) against
 * recorded-shape bodies (t/fixtures/slack) and hostile ones.  Run from the
 * repository root; prints TAP.
 */


#define PLATFORM  sc_platform_slack
#define FIXTURES  "t/fixtures/slack/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(sc_platform_slack.name, "slack", "descriptor: name");
    ok(sc_platform_slack.handshake == NULL, "descriptor: no GET handshake");
    ok(sc_platform_slack.verify == sc_verify_slack,
       "descriptor: v0 signature check");
    ok(sc_platform_slack.inline_answer != NULL
       && !sc_platform_slack.reply_inline,
       "descriptor: replies go out through the API");
    ok(!sc_platform_slack.public_keys && !sc_platform_slack.signs_url,
       "descriptor: no keys, no URL");
}


static void
test_url_verification(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("url_verification.json", HDR_JSON, &evs), SC_PARSE_OK,
           "url_verification: parses");
    is_int(evs.nevents, 0, "url_verification: no events");
    is_int(answer.status, 200, "url_verification: 200");
    is_str(answer.content_type, "text/plain", "url_verification: text");
    ok(body_is(&answer, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
       "url_verification: the challenge verbatim");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"url_verification\"}", NULL, &evs),
           SC_PARSE_INVALID, "url_verification without challenge: invalid");
    ok(answer.status == 0, "url_verification without challenge: no answer");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"url_verification\",\"challenge\":5}",
                     NULL, &evs),
           SC_PARSE_INVALID, "numeric challenge: invalid");
    sc_events_free(&evs);
}


static void
test_messages(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("message_im.json", HDR_JSON, &evs), SC_PARSE_OK,
           "message_im: parses");
    ok(answer.status == 0, "message_im: parse answers nothing itself");
    is_int(evs.nevents, 1, "message_im: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "slack", "message_im: channel");
        is_str(ev->type, "message", "message_im: type");
        is_str(ev->external_id, "Ev08MFMKH6", "message_im: event_id");
        is_str(ev->author_id, "U2147483697", "message_im: user");
        is_str(ev->thread_id, "D024BE91L", "message_im: thread = DM channel");
        ok(ev->text != NULL && strncmp(ev->text, "Hi! I was charged", 17) == 0,
           "message_im: text");
        is_int(ev->occurred_ms, 1718035523000LL, "message_im: ts to ms");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "message_im: private");
        is_int(ev->answerable, 1, "message_im: answerable");
        is_int(ev->from_brand, 0, "message_im: a person");
        is_str(json_string_value(json_object_get(ev->raw, "client_msg_id")),
               "5a4d0f1e-8b2c-4e3f-9a7b-1c2d3e4f5a6b",
               "message_im: raw is the event");

        is_int(ev->reply_inline, 0,
               "message_im: the reply goes through the API");
        is_int(inline_answer(&evs, "hi", &a), 0,
               "message_im: default answer for the Events API");
    }

    sc_events_free(&evs);

    /* a retry (X-Slack-Retry-Num) repeats the event_id */
    if (parse_fixture("message_im.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, "Ev08MFMKH6",
               "message_im: same id again, no Content-Type");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("app_mention.json", HDR_JSON, &evs), SC_PARSE_OK,
           "app_mention: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "mention", "app_mention: type");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "app_mention: public");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "app_mention: thread is channel:thread_ts");
        is_int(ev->answerable, 1, "app_mention: answerable");
        is_int(ev->occurred_ms, 1718036000000LL, "app_mention: ts");

    } else {
        ok(0, "app_mention: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("bot_message.json", HDR_JSON, &evs), SC_PARSE_OK,
           "bot_message: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "bot_message: type");
        is_int(ev->from_brand, 1, "bot_message: from_brand");
        is_int(ev->answerable, 0, "bot_message: not answerable");
        is_str(ev->author_handle, "deploybot", "bot_message: username");
        is_str(ev->thread_id, "C0LAN2Q65:1718036100.000300",
               "bot_message: thread of its own ts");

    } else {
        ok(0, "bot_message: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("own_reply.json", HDR_JSON, &evs), SC_PARSE_OK,
           "own_reply: parses");

    if (evs.nevents == 1) {
        is_int(evs.events[0].from_brand, 1,
               "own_reply: the app's bot user is the brand");
        is_int(evs.events[0].answerable, 0, "own_reply: not answerable");

    } else {
        ok(0, "own_reply: one event");
    }

    sc_events_free(&evs);
}


static void
test_other_events(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("message_changed.json", HDR_JSON, &evs), SC_PARSE_OK,
           "message_changed: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message_changed", "message_changed: type");
        ok(ev->text != NULL && strstr(ev->text, "since 9am CET") != NULL,
           "message_changed: the new text");
        is_str(ev->author_id, "U061F7AUR", "message_changed: author");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "message_changed: thread of the edited message");
        is_int(ev->answerable, 0, "message_changed: not answerable");
        is_str(ev->external_id, "Ev0CHG0001", "message_changed: event_id");

    } else {
        ok(0, "message_changed: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("message_deleted.json", HDR_JSON, &evs), SC_PARSE_OK,
           "message_deleted: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message_deleted", "message_deleted: type");
        ok(ev->text != NULL && strncmp(ev->text, "Hi! I was", 9) == 0,
           "message_deleted: the old text");
        is_int(ev->answerable, 0, "message_deleted: not answerable");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "message_deleted: in a DM");

    } else {
        ok(0, "message_deleted: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("reaction_added.json", HDR_JSON, &evs), SC_PARSE_OK,
           "reaction_added: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "reaction", "reaction_added: type");
        is_int(evs.events[0].answerable, 0, "reaction_added: not answerable");
        is_int(evs.events[0].occurred_ms, 1718036600000LL,
               "reaction_added: event_time when no ts");

    } else {
        ok(0, "reaction_added: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("unknown_event.json", HDR_JSON, &evs), SC_PARSE_OK,
           "unknown_event: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown_event: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown_event: hash id");
        is_str(json_string_value(json_object_get(evs.events[0].raw, "type")),
               "channel_created", "unknown_event: raw is the event");

    } else {
        ok(0, "unknown_event: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("rate_limited.json", HDR_JSON, &evs), SC_PARSE_OK,
           "rate_limited: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "rate_limited", "rate_limited: type");
        ok(is_hash_id(evs.events[0].external_id, "rate_limited"),
           "rate_limited: hash id");

    } else {
        ok(0, "rate_limited: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"message\",\"channel\":\"C1\","
                     "\"subtype\":\"channel_join\",\"user\":\"U1\"}",
                     NULL, &evs),
           SC_PARSE_OK, "bare event: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "bare event without envelope: unsupported");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"Ev1\","
                     "\"event\":{\"type\":\"message\",\"channel\":\"C1\","
                     "\"subtype\":\"channel_join\",\"user\":\"U1\","
                     "\"ts\":\"1.5\"}}", NULL, &evs),
           SC_PARSE_OK, "channel_join: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "system", "channel_join: system");
        is_int(evs.events[0].answerable, 0, "channel_join: not answerable");
        is_int(evs.events[0].occurred_ms, 1500, "channel_join: fraction");
    }

    sc_events_free(&evs);
}


static void
test_commands(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("slash_command.form", HDR_FORM, &evs), SC_PARSE_OK,
           "slash_command: parses");
    is_int(evs.nevents, 1, "slash_command: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "command", "slash_command: type");
        is_str(ev->external_id,
               "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
               "slash_command: trigger_id");
        is_str(ev->text, "/webhook-collect",
               "slash_command: the command alone when text is empty");
        is_str(ev->author_id, "U2CERLKJA", "slash_command: user_id");
        is_str(ev->author_handle, "roadrunner", "slash_command: user_name");
        is_str(ev->thread_id, "G8PSS9T3V", "slash_command: channel");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "slash_command: private channel is seen by members");
        is_int(ev->answerable, 1, "slash_command: answerable");
        is_str(json_string_value(json_object_get(ev->raw, "response_url")),
               "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/"
               "96rGlfmibIGlgcZRskXaIFfN", "slash_command: raw decoded");

        is_int(ev->reply_inline, 1, "slash_command: the reply is inline");

        is_int(inline_answer(&evs, "hi", &a), 1, "slash_command: answer");
        is_int(a.status, 200, "slash_command: 200");
        is_str(a.content_type, "application/json", "slash_command: JSON");
        ok(body_is(&a, "{\"response_type\":\"ephemeral\",\"text\":\"hi\"}"),
           "slash_command: the reply, seen by the user alone");
        sc_answer_free(&a);

        /* no reply (a duplicate, spam, ...): Slack shows nothing */
        is_int(inline_answer(&evs, NULL, &a), 1,
               "slash_command without reply: answer");
        ok(a.status == 200 && a.body == NULL && a.body_len == 0,
           "slash_command without reply: empty 200");
        sc_answer_free(&a);

        /* quotes, a line break, a slash and UTF-8 as JSON has them */
        is_int(inline_answer(&evs, "Thanks \"Steve\" \xe2\x80\x94 we're on"
                             " it.\nTrack: /orders", &a),
               1, "slash_command escaped reply: answer");
        ok(body_is(&a, "{\"response_type\":\"ephemeral\",\"text\":"
                   "\"Thanks \\\"Steve\\\" \xe2\x80\x94 we're on it.\\n"
                   "Track: /orders\"}"),
           "slash_command escaped reply: exact bytes");
        sc_answer_free(&a);

        /* a reply JSON cannot carry: still never the module's own JSON */
        is_int(inline_answer(&evs, "caf\xe9", &a), 1,
               "slash_command non-UTF-8 reply: answer");
        ok(a.status == 200 && a.body == NULL
           && strcmp(a.content_type, "text/plain") == 0,
           "slash_command non-UTF-8 reply: empty 200");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    is_int(parse_fixture("slash_command_dm.form", NULL, &evs), SC_PARSE_OK,
           "slash_command_dm: parses without Content-Type");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "/refund order 48213 arrived broken",
               "slash_command_dm: command and text");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PRIVATE,
               "slash_command_dm: directmessage is private");

        is_int(inline_answer(&evs, "We are on it, Steve.", &a), 1,
               "slash_command_dm: answer");
        ok(body_is(&a, "{\"response_type\":\"ephemeral\","
                   "\"text\":\"We are on it, Steve.\"}"),
           "slash_command_dm: the reply in the answer");
        sc_answer_free(&a);

    } else {
        ok(0, "slash_command_dm: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("ssl_check.form", HDR_FORM, &evs), SC_PARSE_OK,
           "ssl_check: parses");
    is_int(evs.nevents, 0, "ssl_check: nothing stored");
    ok(answer.status == 200 && answer.body == NULL, "ssl_check: empty 200");
    sc_events_free(&evs);
}


static void
test_interactions(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("block_actions.form", HDR_FORM, &evs), SC_PARSE_OK,
           "block_actions: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "interaction", "block_actions: type");
        is_str(ev->external_id,
               "12466734323.1395872398.7b7f5e2b6b6f4c4e6e3a1d0c9b8a7f6e",
               "block_actions: trigger_id");
        is_str(ev->text, "rating_1", "block_actions: selected value");
        is_str(ev->author_id, "U2147483697", "block_actions: user");
        is_str(ev->author_handle, "steve", "block_actions: username");
        is_str(ev->thread_id, "C0LAN2Q65", "block_actions: channel");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "block_actions: public");
        is_int(ev->occurred_ms, 1718037012123LL, "block_actions: action_ts");
        is_str(json_string_value(json_object_get(ev->raw, "type")),
               "block_actions", "block_actions: raw is the payload");

        is_int(ev->reply_inline, 0,
               "block_actions: the reply goes through the API");
        is_int(inline_answer(&evs, "x", &a), 1, "block_actions: answer");
        ok(a.status == 200 && a.body == NULL, "block_actions: empty 200");
        sc_answer_free(&a);

    } else {
        ok(0, "block_actions: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("view_submission.form", HDR_FORM, &evs), SC_PARSE_OK,
           "view_submission: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->text, "48213 delivery The courier left it in the rain",
               "view_submission: input values in order");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "view_submission: a modal is private");
        ok(ev->thread_id == NULL, "view_submission: no channel");

    } else {
        ok(0, "view_submission: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("payload=%7B%22type%22%3A%22block_suggestion%22%2C"
                     "%22user%22%3A%7B%22id%22%3A%22U1%22%7D%2C"
                     "%22action_ts%22%3A%221718037100.000001%22%7D",
                     NULL, &evs),
           SC_PARSE_OK, "block_suggestion: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "suggestion", "block_suggestion: type");
        is_str(evs.events[0].external_id, "1718037100.000001",
               "block_suggestion: action_ts without trigger_id");
        is_int(evs.events[0].answerable, 0, "block_suggestion: no reply");
        is_int(inline_answer(&evs, NULL, &a), 1, "block_suggestion: answer");
        ok(body_is(&a, "{\"options\":[]}"), "block_suggestion: no options");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    is_int(parse_str("payload=%7B%22type%22%3A%22workflow_step_edit%22%7D",
                     NULL, &evs),
           SC_PARSE_OK, "unknown payload: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "unknown payload: unsupported");
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"type\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated JSON is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("[1]", NULL, &evs), SC_PARSE_INVALID, "array is invalid");
    is_str(err, "body is not a JSON object", "array message");
    sc_events_free(&evs);

    is_int(parse_req("\"x\"", 3, HDR_JSON, &evs), SC_PARSE_INVALID,
           "JSON string is invalid");
    sc_events_free(&evs);

    is_int(parse_str("payload=%7B%22type", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated payload is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("payload=%5B%5D", NULL, &evs), SC_PARSE_INVALID,
           "payload array is invalid");
    is_str(err, "payload is not a JSON object", "payload array message");
    sc_events_free(&evs);

    is_int(parse_str("command=%2Fx&text=a%00b", NULL, &evs), SC_PARSE_BAD_JSON,
           "NUL in a form is refused");
    sc_events_free(&evs);

    is_int(parse_str("command=%2Fx&text=%FF", NULL, &evs), SC_PARSE_INVALID,
           "non UTF-8 form value is invalid");
    sc_events_free(&evs);

    is_int(parse_req("", 0, HDR_FORM, &evs), SC_PARSE_INVALID,
           "empty form is invalid");
    sc_events_free(&evs);

    is_int(parse_str("team_id=T1&user_id=U1", NULL, &evs), SC_PARSE_OK,
           "form without command: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "form without command: unsupported");
    sc_events_free(&evs);

    /* mistyped event members */
    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":7,"
                     "\"authorizations\":{},\"event\":{\"type\":\"message\","
                     "\"user\":5,\"text\":[],\"channel\":{},\"ts\":1.5,"
                     "\"subtype\":null,\"message\":\"x\"}}", NULL, &evs),
           SC_PARSE_OK, "mistyped event: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "mistyped event: message");
        ok(is_hash_id(evs.events[0].external_id, "message"),
           "mistyped event: hash id");
        ok(evs.events[0].author_id == NULL && evs.events[0].text == NULL
           && evs.events[0].thread_id == NULL,
           "mistyped event: nothing borrowed");
        is_int(evs.events[0].occurred_ms, 1500,
               "mistyped event: numeric ts in seconds");
    }

    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_url_verification();
    test_messages();
    test_other_events();
    test_commands();
    test_interactions();
    test_bad_input();

    return done_platform_testing();
}
