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

    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"EvAmp\","
                     "\"event\":{\"type\":\"message\",\"channel\":\"D1\","
                     "\"channel_type\":\"im\",\"user\":\"U1\","
                     "\"text\":\"fees &amp; charges &lt;3 &gt;:( <@U2> &amp;lt;\","
                     "\"ts\":\"1.5\"}}", NULL, &evs),
           SC_PARSE_OK, "escaped text: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "fees & charges <3 >:( <@U2> &lt;",
               "escaped text: &amp; &lt; &gt; as the customer typed them, "
               "once");
    }

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


/* one fixture, one event: evs holds it (or nothing) on return */
static sc_event_t *
one_event(const char *name, const char **hdrs, sc_events_t *evs)
{
    if (parse_fixture(name, hdrs, evs) != SC_PARSE_OK) {
        ok(0, "%s: parses (%s)", name, err);
        return NULL;
    }

    if (evs->nevents != 1) {
        ok(0, "%s: one event, got %zu", name, evs->nevents);
        return NULL;
    }

    ok(1, "%s: parses into one event", name);

    return &evs->events[0];
}


/* message.channels/groups/mpim/app_home, files, blocks, bots, Connect */
static void
test_real_messages(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    ev = one_event("message_channel_thread.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->type, "message", "thread reply: type");
        is_str(ev->external_id, "Ev0THR0001", "thread reply: event_id");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "thread reply: the parent's thread");
        is_str(ev->text, "Still waiting on my refund \xe2\x80\x94 "
               "it\xe2\x80\x99s been 10 days \xf0\x9f\x98\xa1 order #48213",
               "thread reply: UTF-8 text, emoji from a surrogate pair");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "thread reply: public");
        is_int(ev->answerable, 1, "thread reply: answerable");
        is_int(ev->from_brand, 0, "thread reply: a customer");
        is_int(ev->occurred_ms, 1718040000000LL, "thread reply: ts");
    }

    sc_events_free(&evs);

    ev = one_event("message_group.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "private channel: seen by its members");
        is_str(ev->thread_id, "G0PRIVHELP:1718040100.001000",
               "private channel: thread of its own ts");
        is_int(ev->answerable, 1, "private channel: answerable");
    }

    sc_events_free(&evs);

    ev = one_event("message_mpim.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "group DM: seen by its members");
        is_str(ev->author_id, "U07MPIM001", "group DM: author");
        is_int(ev->answerable, 1, "group DM: answerable");
    }

    sc_events_free(&evs);

    ev = one_event("message_app_home.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "app home message: private");
        is_str(ev->thread_id, "D07APPHOME", "app home message: the DM");
        is_int(ev->answerable, 1, "app home message: answerable");
    }

    sc_events_free(&evs);

    ev = one_event("file_share.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->type, "message", "file with comment: a message");
        is_str(ev->text, "Here is the screenshot of the error at checkout",
               "file with comment: the comment");
        is_str(ev->thread_id, "D024BE91L", "file with comment: DM");
        is_int(ev->answerable, 1, "file with comment: answerable");
        is_int(ev->from_brand, 0, "file with comment: a customer");
    }

    sc_events_free(&evs);

    ev = one_event("file_share_no_text.json", HDR_JSON, &evs);
    if (ev != NULL) {
        ok(ev->text == NULL, "file alone: no words");
        is_str(ev->author_id, "U07FILES02", "file alone: author");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "file alone: in its thread");
        is_int(ev->answerable, 1, "file alone: still answerable");
    }

    sc_events_free(&evs);

    ev = one_event("message_blocks_only.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->text, "<@U0LAN0Z89> the status page says all green but "
               "https://status.example.com/incidents/9 is down for us\n"
               "login fails\nexports time out:hourglass:\n"
               "HTTP 503 Service Unavailable",
               "blocks only: the rich text's words, line by line");
        is_int(ev->answerable, 1, "blocks only: answerable");
    }

    sc_events_free(&evs);

    ev = one_event("own_bot_post.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_int(ev->from_brand, 1, "our chat.postMessage: the brand");
        is_int(ev->answerable, 0, "our chat.postMessage: no reply");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "our chat.postMessage: in the customer's thread");
    }

    sc_events_free(&evs);

    /* the app id alone (no bot id) names the app too */
    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"EvA\","
                     "\"api_app_id\":\"A1\",\"event\":{\"type\":\"message\","
                     "\"user\":\"U9\",\"text\":\"done\",\"ts\":\"1.0\","
                     "\"channel\":\"C1\",\"app_id\":\"A1\"}}", NULL, &evs),
           SC_PARSE_OK, "app_id message: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand
       && !evs.events[0].answerable, "app_id message: the brand");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"EvB\","
                     "\"api_app_id\":\"A1\",\"event\":{\"type\":\"message\","
                     "\"user\":\"U9\",\"text\":\"hi\",\"ts\":\"1.0\","
                     "\"channel\":\"C1\",\"app_id\":\"A2\",\"bot_id\":null}}",
                     NULL, &evs),
           SC_PARSE_OK, "another app's id, null bot_id: parses");
    ok(evs.nevents == 1 && !evs.events[0].from_brand
       && evs.events[0].answerable,
       "another app's id, null bot_id: a person");
    sc_events_free(&evs);

    ev = one_event("other_bot.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_int(ev->answerable, 0, "another bot: not a customer");
        is_int(ev->from_brand, 1, "another bot: not counted as one");
        is_str(ev->author_handle, "PagerBridge", "another bot: username");
        is_str(ev->text, "checkout latency p99 > 2s for 10 minutes",
               "another bot: the attachment's words");
    }

    sc_events_free(&evs);

    ev = one_event("channel_join.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->type, "system", "channel_join: system");
        is_int(ev->answerable, 0, "channel_join: no reply");
        is_str(ev->author_id, "U07NEWBIE1", "channel_join: who joined");
    }

    sc_events_free(&evs);

    ev = one_event("thread_broadcast.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->type, "message", "thread_broadcast: a message");
        is_str(ev->author_id, "U07OTHERCU", "thread_broadcast: its author");
        is_str(ev->thread_id, "C0LAN2Q65:1718035900.000100",
               "thread_broadcast: its thread");
        is_int(ev->answerable, 1, "thread_broadcast: answerable");
    }

    sc_events_free(&evs);

    ev = one_event("slack_connect.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->author_id, "U07EXTCUST", "Slack Connect: external user");
        is_str(ev->author_handle, "maria.pena", "Slack Connect: handle");
        is_str(ev->author_name, "Mar\xc3\xad" "a Jos\xc3\xa9 Pe\xc3\xb1" "a",
               "Slack Connect: real name");
        is_str(ev->thread_id, "C0SHARED01:1718040900.001800",
               "Slack Connect: thread");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "Slack Connect: public");
        is_int(ev->from_brand, 0, "Slack Connect: a customer");
        is_int(ev->answerable, 1, "Slack Connect: answerable");
        is_str(ev->external_id, "Ev0EXT0001", "Slack Connect: event_id");
    }

    sc_events_free(&evs);

    ev = one_event("enterprise_grid.json", HDR_JSON, &evs);
    if (ev != NULL) {
        is_str(ev->type, "mention", "grid mention: type");
        is_str(ev->author_id, "W07GRIDUSR", "grid mention: W user id");
        is_str(ev->author_name, "Kenji Watanabe", "grid mention: name");
        is_str(ev->thread_id, "C0GRIDCHAN:1718041000.001900",
               "grid mention: thread");
        is_int(ev->answerable, 1, "grid mention: answerable");
        is_int(ev->from_brand, 0, "grid mention: a customer");
    }

    sc_events_free(&evs);

    /* our org-wide bot user writes: the brand, whatever the team */
    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"EvG\","
                     "\"authorizations\":[{\"enterprise_id\":\"E1\","
                     "\"team_id\":null,\"user_id\":\"W0CAREBOT\","
                     "\"is_bot\":true,\"is_enterprise_install\":true}],"
                     "\"event\":{\"type\":\"message\",\"user\":\"W0CAREBOT\","
                     "\"text\":\"ok\",\"ts\":\"1.0\",\"channel\":\"C1\"}}",
                     NULL, &evs),
           SC_PARSE_OK, "grid bot user: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand,
       "grid bot user: the brand");
    sc_events_free(&evs);
}


/* message_im.json with n money-with-wings emoji before its text */
static char *
long_message(size_t n, size_t *len)
{
    char    *body, *big, *p, *q;
    size_t   i, blen;

    body = read_fixture("message_im.json", &blen);
    p = (body != NULL) ? strstr(body, "Hi! I was charged") : NULL;
    big = (p != NULL) ? malloc(blen + 4 * n + 1) : NULL;

    if (big == NULL) {
        free(body);
        return NULL;
    }

    q = big;
    memcpy(q, body, (size_t) (p - body));
    q += p - body;

    for (i = 0; i < n; i++) {
        memcpy(q, "\xf0\x9f\x92\xb8", 4);
        q += 4;
    }

    strcpy(q, p);
    free(body);

    *len = blen + 4 * n;

    return big;
}


/* the same message again, a retry, a reaction on an item */
static void
test_redelivery(void)
{
    char         *big;
    size_t        len;
    sc_event_t   *ev;
    sc_events_t   a, b;

    /* the same bytes again (X-Slack-Retry-Num 1, 2, 3): the same id */
    if (parse_fixture("slack_connect.json", HDR_JSON, &a) == SC_PARSE_OK
        && parse_fixture("slack_connect.json",
                         ((const char *[]) {
                             "Content-Type", "application/json",
                             "X-Slack-Retry-Num", "2",
                             "X-Slack-Retry-Reason", "http_timeout", NULL }),
                         &b)
           == SC_PARSE_OK)
    {
        ok(same_ids(&a, &b), "retry: same external_id");

    } else {
        ok(0, "retry: parses");
    }

    sc_events_free(&a);
    sc_events_free(&b);

    /* two messages of one thread: two ids, one thread */
    if (parse_fixture("message_channel_thread.json", HDR_JSON, &a)
        == SC_PARSE_OK
        && parse_fixture("file_share_no_text.json", HDR_JSON, &b)
           == SC_PARSE_OK
        && a.nevents == 1 && b.nevents == 1)
    {
        ok(strcmp(a.events[0].external_id, b.events[0].external_id) != 0,
           "two messages: two ids");
        is_str(a.events[0].thread_id, b.events[0].thread_id,
               "two messages: one thread");

    } else {
        ok(0, "two messages: parse");
    }

    sc_events_free(&a);
    sc_events_free(&b);

    /* a reaction is in the channel of the message it is on */
    ev = one_event("reaction_added.json", HDR_JSON, &a);
    if (ev != NULL) {
        is_str(ev->thread_id, "C0LAN2Q65:1718036200.000400",
               "reaction: the item's channel and message");
        is_str(ev->author_id, "U061F7AUR", "reaction: who reacted");
    }

    sc_events_free(&a);

    is_int(parse_str("{\"type\":\"event_callback\",\"event_id\":\"EvR\","
                     "\"event\":{\"type\":\"reaction_added\",\"user\":\"U1\","
                     "\"reaction\":\"-1\",\"item\":{\"type\":\"message\","
                     "\"channel\":\"D1\",\"ts\":\"2.0\"},"
                     "\"event_ts\":\"3.5\"}}",
                     NULL, &a),
           SC_PARSE_OK, "reaction in a DM: parses");
    ok(a.nevents == 1 && a.events[0].visibility == SC_VISIBILITY_PRIVATE
       && a.events[0].thread_id != NULL
       && strcmp(a.events[0].thread_id, "D1") == 0,
       "reaction in a DM: private, the DM");
    ok(a.nevents == 1 && a.events[0].occurred_ms == 3500,
       "reaction: event_ts");
    sc_events_free(&a);

    /* Slack's 40,000 characters of text, emoji included, pass whole */
    big = long_message(10000, &len);

    if (big != NULL) {
        is_int(parse_req(big, len, HDR_JSON, &a), SC_PARSE_OK,
               "40,000 bytes of emoji: parses");
        ok(a.nevents == 1 && a.events[0].text != NULL
           && strlen(a.events[0].text) == 4 * 10000 + 74
           && a.events[0].answerable,
           "40,000 bytes of emoji: the text whole");
        sc_events_free(&a);

    } else {
        ok(0, "long text: fixture");
    }

    free(big);
}


/* interactivity as Slack posts it: payload=<JSON> */
static void
test_real_interactions(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    ev = one_event("block_actions_button.form", HDR_FORM, &evs);
    if (ev != NULL) {
        is_str(ev->type, "interaction", "button: type");
        is_str(ev->text, "Talk to a person",
               "button without value: its label, not the bot's message");
        is_str(ev->thread_id, "D024BE91L", "button: DM channel");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "button: in a DM");
        is_int(ev->occurred_ms, 1718041200654LL, "button: action_ts");
        is_str(ev->external_id,
               "12466734323.1395872398.c0ffee00c0ffee00c0ffee00c0ffee00",
               "button: trigger_id");
        is_int(inline_answer(&evs, "x", &a), 1, "button: answer");
        ok(a.status == 200 && a.body == NULL, "button: empty 200");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    ev = one_event("view_submission_rich.form", HDR_FORM, &evs);
    if (ev != NULL) {
        is_str(ev->text, "2024-06-10 payments exports Card was charged twice"
               " for one order\nPayment failed, please retry",
               "rich modal: date, choices, rich text; no ids, no nulls");
        is_str(ev->author_handle, "lena.k", "rich modal: user");
        ok(ev->thread_id == NULL, "rich modal: no channel");
        is_int(ev->answerable, 1, "rich modal: answerable");
        is_int(inline_answer(&evs, "x", &a), 1, "rich modal: answer");
        ok(a.status == 200 && a.body_len == 0,
           "rich modal: empty 200 closes the modal");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    ev = one_event("message_action.form", HDR_FORM, &evs);
    if (ev != NULL) {
        is_str(ev->text, "Still waiting on my refund, it has been 10 days",
               "message shortcut: the message it was used on");
        is_str(ev->author_id, "U0AGENT001", "message shortcut: user");
        is_str(ev->author_handle, "ops.agent",
               "message shortcut: name is the handle");
        is_str(ev->thread_id, "C0LAN2Q65", "message shortcut: channel");
        is_int(ev->occurred_ms, 1718041400112LL, "message shortcut: time");
    }

    sc_events_free(&evs);

    ev = one_event("shortcut.form", HDR_FORM, &evs);
    if (ev != NULL) {
        is_str(ev->type, "interaction", "global shortcut: type");
        ok(ev->text == NULL, "global shortcut: no words");
        ok(ev->thread_id == NULL, "global shortcut: no channel");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "global shortcut: private");
        is_str(ev->external_id,
               "12466734323.1395872398.0ddba11c0ddba11c0ddba11c0ddba11c",
               "global shortcut: trigger_id");
    }

    sc_events_free(&evs);

    ev = one_event("slash_command_grid.form", HDR_FORM, &evs);
    if (ev != NULL) {
        is_str(ev->text, "/support la facture \xe2\x84\x96 F-2024-77 est "
               "fausse \xf0\x9f\x98\xa4 & personne ne r\xc3\xa9pond",
               "grid command: UTF-8 and emoji decoded");
        is_str(ev->author_id, "W07GRIDUSR", "grid command: user");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "grid command: channel");
        is_int(inline_answer(&evs, "Merci, nous regardons.", &a), 1,
               "grid command: answer");
        ok(body_is(&a, "{\"response_type\":\"ephemeral\",\"text\":"
                   "\"Merci, nous regardons.\"}"),
           "grid command: ephemeral reply");
        sc_answer_free(&a);
    }

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
    test_real_messages();
    test_redelivery();
    test_real_interactions();
    test_bad_input();

    return done_platform_testing();
}
