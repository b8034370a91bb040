/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_telegram.c: the Telegram descriptor (Update normalizer and
 * the sendMessage answer) against recorded-shape updates
 * (t/fixtures/telegram) and hostile bodies.  Run from the repository
 * root; prints TAP.
 */


#define PLATFORM  sc_platform_telegram
#define FIXTURES  "t/fixtures/telegram/"
#define PARSE_NEVER_ANSWERS

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(sc_platform_telegram.name, "telegram", "descriptor: name");
    ok(sc_platform_telegram.handshake == NULL,
       "descriptor: no GET handshake");
    ok(sc_platform_telegram.verify == sc_verify_telegram,
       "descriptor: secret token check");
    ok(sc_platform_telegram.inline_answer != NULL
       && sc_platform_telegram.reply_inline,
       "descriptor: replies go in the answer");
    ok(!sc_platform_telegram.public_keys && !sc_platform_telegram.signs_url,
       "descriptor: no keys, no URL");
}


static void
test_private(void)
{
    sc_event_t    *ev;
    sc_answer_t    a;
    sc_events_t    evs;

    is_int(parse_fixture("message_private.json", NULL, &evs), SC_PARSE_OK,
           "message_private: parses");
    is_int(evs.nevents, 1, "message_private: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "telegram", "message_private: channel");
        is_str(ev->type, "message", "message_private: type");
        is_str(ev->external_id, "871234501",
               "message_private: external_id is update_id");
        is_str(ev->author_id, "5234567890", "message_private: author");
        is_str(ev->author_handle, "lenavogel", "message_private: handle");
        is_str(ev->author_name, "Lena Vogel",
               "message_private: first and last name");
        is_str(ev->thread_id, "5234567890", "message_private: thread = chat");
        ok(ev->text != NULL && strncmp(ev->text, "Hello, my order", 15) == 0,
           "message_private: text");
        is_int(ev->occurred_ms, 1718035200000LL,
               "message_private: date in seconds");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "message_private: private");
        is_int(ev->answerable, 1, "message_private: answerable");
        is_int(ev->from_brand, 0, "message_private: not the brand");
        is_int(json_integer_value(json_object_get(ev->raw, "message_id")),
               4412, "message_private: raw is the message");

        is_int(inline_answer(&evs, "Thanks & \"welcome\" \xc3\xa0 <you>",
                          &a), 1,
               "message_private: inline answer");
        is_int(a.status, 200, "message_private: 200");
        is_str(a.content_type, "application/json",
               "message_private: JSON");
        ok(body_is(&a, "{\"method\":\"sendMessage\","
                     "\"chat_id\":5234567890,\"text\":\"Thanks & "
                     "\\\"welcome\\\" \xc3\xa0 <you>\","
                     "\"reply_to_message_id\":4412}"),
           "message_private: sendMessage bytes");
        sc_answer_free(&a);

        is_int(inline_answer(&evs, NULL, &a), 0,
               "message_private: no reply, default answer");
        ok(a.status == 0 && a.body == NULL,
           "message_private: nothing set without a reply");
    }

    sc_events_free(&evs);

    /* a redelivery yields the same dedupe key */
    if (parse_fixture("message_private.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, "871234501",
               "message_private: same id when parsed again");
    }

    sc_events_free(&evs);
}


static void
test_group(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("group_photo.json", NULL, &evs), SC_PARSE_OK,
           "group_photo: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "group_photo: type");
        is_str(ev->text, "The box arrived crushed like this. Who do I talk "
               "to about a replacement?", "group_photo: caption is the text");
        is_str(ev->author_name, "Tom\xc3\xa1s", "group_photo: first name only");
        is_str(ev->thread_id, "-1001987654321", "group_photo: negative chat");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "group_photo: public");
        is_int(ev->answerable, 1, "group_photo: answerable");

        is_int(inline_answer(&evs, "On it.", &a), 1,
               "group_photo: inline answer");
        ok(body_is(&a, "{\"method\":\"sendMessage\","
                     "\"chat_id\":-1001987654321,\"text\":\"On it.\","
                     "\"reply_to_message_id\":90211}"),
           "group_photo: answer in the group, quoting the message");
        sc_answer_free(&a);

    } else {
        ok(0, "group_photo: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("bot_sender.json", NULL, &evs), SC_PARSE_OK,
           "bot_sender: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "bot_sender: type");
        is_int(evs.events[0].answerable, 0, "bot_sender: bots not answered");
        is_int(evs.events[0].from_brand, 0, "bot_sender: not the brand");
        is_int(inline_answer(&evs, "x", &a), 0,
               "bot_sender: no reply, default answer");

    } else {
        ok(0, "bot_sender: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("service_join.json", NULL, &evs), SC_PARSE_OK,
           "service_join: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "service", "service_join: type");
        is_int(evs.events[0].answerable, 0, "service_join: not answerable");
        is_str(evs.events[0].author_name, "Ade Okafor", "service_join: who");

    } else {
        ok(0, "service_join: one event");
    }

    sc_events_free(&evs);

    /* update_id after the message: key order does not matter */
    is_int(parse_str("{\"message\":{\"message_id\":3,\"text\":\"hi\","
                     "\"chat\":{\"id\":8,\"type\":\"private\"}},"
                     "\"update_id\":12}", NULL, &evs),
           SC_PARSE_OK, "update_id last: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "update_id last: message");
        is_str(evs.events[0].text, "hi", "update_id last: the message's text");
        is_str(evs.events[0].external_id, "12", "update_id last: id");
    }

    sc_events_free(&evs);

    /* chat ids beyond 2^53 survive exactly */
    is_int(parse_str("{\"update_id\":1,\"message\":{\"message_id\":2,"
                     "\"chat\":{\"id\":-1009007199254740993,"
                     "\"type\":\"group\"},\"from\":{\"id\":9007199254740993,"
                     "\"is_bot\":false,\"first_name\":\"Big\","
                     "\"last_name\":\"\"},\"text\":\"hi\"}}", NULL, &evs),
           SC_PARSE_OK, "big ids: parse");

    if (evs.nevents == 1) {
        is_str(evs.events[0].thread_id, "-1009007199254740993",
               "big ids: chat id string exact");
        is_str(evs.events[0].author_id, "9007199254740993",
               "big ids: user id string exact");
        is_str(evs.events[0].author_name, "Big", "big ids: empty last name");
        is_int(evs.events[0].occurred_ms, 0, "big ids: no date, no time");
        is_int(inline_answer(&evs, "ok", &a), 1, "big ids: answer");
        ok(body_is(&a, "{\"method\":\"sendMessage\","
                     "\"chat_id\":-1009007199254740993,\"text\":\"ok\","
                     "\"reply_to_message_id\":2}"),
           "big ids: chat_id exact in the answer");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);
}


static void
test_kinds(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("callback_query.json", NULL, &evs), SC_PARSE_OK,
           "callback_query: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "interaction", "callback_query: type");
        is_str(ev->text, "human", "callback_query: text is the data");
        is_str(ev->author_handle, "lenavogel",
               "callback_query: the user who pressed");
        is_str(ev->thread_id, "5234567890",
               "callback_query: chat of the message");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "callback_query: private");
        is_int(ev->answerable, 1, "callback_query: answerable");
        is_int(ev->occurred_ms, 0, "callback_query: no date of its own");

        is_int(inline_answer(&evs, "A person will take over.", &a), 1,
               "callback_query: inline answer");
        ok(body_is(&a, "{\"method\":\"sendMessage\","
                     "\"chat_id\":5234567890,"
                     "\"text\":\"A person will take over.\"}"),
           "callback_query: no quote of the bot's own message");
        sc_answer_free(&a);

    } else {
        ok(0, "callback_query: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("edited_message.json", NULL, &evs), SC_PARSE_OK,
           "edited_message: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message_edited", "edited_message: type");
        is_int(evs.events[0].occurred_ms, 1718035290000LL,
               "edited_message: edit_date");
        is_int(evs.events[0].answerable, 0,
               "edited_message: not answered again");
        is_str(evs.events[0].external_id, "871234506",
               "edited_message: its own update_id");

    } else {
        ok(0, "edited_message: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("channel_post.json", NULL, &evs), SC_PARSE_OK,
           "channel_post: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "channel_post", "channel_post: type");
        is_int(evs.events[0].from_brand, 1, "channel_post: the brand");
        is_int(evs.events[0].answerable, 0, "channel_post: not answerable");
        is_str(evs.events[0].author_name, "Acme News",
               "channel_post: sender_chat title");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PUBLIC,
               "channel_post: public");

    } else {
        ok(0, "channel_post: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("my_chat_member.json", NULL, &evs), SC_PARSE_OK,
           "my_chat_member: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "bot_membership", "my_chat_member: type");
        is_int(evs.events[0].answerable, 0, "my_chat_member: not answerable");
        is_str(evs.events[0].author_id, "5234567890",
               "my_chat_member: who blocked the bot");

    } else {
        ok(0, "my_chat_member: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("business_message.json", NULL, &evs), SC_PARSE_OK,
           "business_message: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "business_message: type");
        is_int(evs.events[0].answerable, 1, "business_message: answerable");
        is_int(inline_answer(&evs, "Yes!", &a), 1,
               "business_message: inline answer");
        ok(body_is(&a, "{\"method\":\"sendMessage\","
                     "\"chat_id\":5345678901,\"text\":\"Yes!\","
                     "\"reply_to_message_id\":77,"
                     "\"business_connection_id\":\"AbCdEfGhIjKlMnOp0123\"}"),
           "business_message: on behalf of the business");
        sc_answer_free(&a);

    } else {
        ok(0, "business_message: one event");
    }

    sc_events_free(&evs);
}


static void
test_unknown(void)
{
    char          id[SC_EXTERNAL_ID_MAX];
    size_t        i;
    sc_answer_t   a;
    sc_events_t   evs;
    static const char  *odd[] = {
        "{\"update_id\":5}",
        "{\"message\":{\"text\":\"no update_id\"}}",
        "{\"update_id\":\"5\",\"message\":{\"text\":\"string id\"}}",
        "{\"update_id\":5,\"message\":\"text\"}",
        "{\"update_id\":5,\"message\":{},\"edited_message\":{}}",
        "{}"
    };

    is_int(parse_fixture("unknown.json", NULL, &evs), SC_PARSE_OK,
           "unknown: parses");
    is_int(evs.nevents, 1, "unknown: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown: unsupported:<sha256>");
        ok(json_object_get(evs.events[0].raw, "paid_star_transfer") != NULL,
           "unknown: raw is the whole update");
        is_int(evs.events[0].answerable, 0, "unknown: not answerable");
        is_int(inline_answer(&evs, "x", &a), 0,
               "unknown: default answer");
        snprintf(id, sizeof(id), "%s", evs.events[0].external_id);

    } else {
        id[0] = '\0';
    }

    sc_events_free(&evs);

    if (parse_fixture("unknown.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, id, "unknown: same id again");
    }

    sc_events_free(&evs);

    for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
        if (parse_str(odd[i], NULL, &evs) == SC_PARSE_OK && evs.nevents == 1) {
            is_str(evs.events[0].type, "unsupported", "odd update %zu: %s",
                   i, odd[i]);

        } else {
            ok(0, "odd update %zu: one unsupported event", i);
        }

        sc_events_free(&evs);
    }
}


static void
test_bad_input(void)
{
    sc_events_t   evs;

    is_int(parse_str("{\"update_id\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("{\"update_id\":1,\"message\":{\"text\":\"a\\u0000b\"}}",
                     NULL, &evs),
           SC_PARSE_BAD_JSON, "\\u0000 is refused");
    sc_events_free(&evs);

    is_int(parse_str("[{\"update_id\":1}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("871234501", NULL, &evs), SC_PARSE_INVALID,
           "number root is invalid");
    sc_events_free(&evs);

    /* every member of the wrong type: still a message, nothing borrowed */
    is_int(parse_str("{\"update_id\":9,\"message\":{\"message_id\":\"2\","
                     "\"from\":{\"id\":\"x\",\"is_bot\":\"true\","
                     "\"first_name\":5,\"username\":[]},\"chat\":5,"
                     "\"date\":\"yesterday\",\"text\":{},\"caption\":7}}",
                     NULL, &evs),
           SC_PARSE_OK, "mistyped message: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "mistyped message: type");
        is_str(evs.events[0].external_id, "9", "mistyped message: id");
        ok(evs.events[0].text == NULL && evs.events[0].thread_id == NULL
           && evs.events[0].author_handle == NULL
           && evs.events[0].author_name == NULL,
           "mistyped message: nothing borrowed");
        is_str(evs.events[0].author_id, "x",
               "mistyped message: string user id kept");
        is_int(evs.events[0].answerable, 1,
               "mistyped message: \"true\" is not a bot");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PRIVATE,
               "mistyped message: no chat is private");
        is_int(evs.events[0].occurred_ms, 0, "mistyped message: no time");

    } else {
        ok(0, "mistyped message: one event");
    }

    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_private();
    test_group();
    test_kinds();
    test_unknown();
    test_bad_input();

    return done_platform_testing();
}
