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
                     "\"message_thread_id\":90180,"
                     "\"reply_to_message_id\":90211}"),
           "group_photo: answer in the group's topic, quoting the message");
        sc_answer_free(&a);

    } else {
        ok(0, "group_photo: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("bot_sender.json", NULL, &evs), SC_PARSE_OK,
           "bot_sender: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "bot_message",
               "bot_sender: type (not a customer's message)");
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
        is_str(ev->text, "Talk to a person",
               "callback_query: text is the pressed button's label");
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
        is_str(evs.events[0].type, "message",
               "mistyped message: \"true\" is not a bot");
        is_int(evs.events[0].answerable, 0,
               "mistyped message: no chat to answer in");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PRIVATE,
               "mistyped message: no chat is private");
        is_int(evs.events[0].occurred_ms, 0, "mistyped message: no time");

    } else {
        ok(0, "mistyped message: one event");
    }

    sc_events_free(&evs);
}


/*
 * Shapes Telegram sends (t/fixtures/telegram, our values in the Bot API's
 * fields): who speaks, where, whether the brand, whether answered, and
 * the sendMessage call the answer carries.
 */

typedef struct {
    const char  *file;
    const char  *type;
    const char  *id;
    const char  *author_id;
    const char  *handle;
    const char  *name;
    const char  *thread;
    int          visibility;
    const char  *text;          /* its first bytes; NULL: no text */
    long long    occurred_ms;
    unsigned     answerable;
    unsigned     brand;
    const char  *answer;        /* the answer with reply "R"; NULL: none */
} tg_case_t;


#define PRIV  SC_VISIBILITY_PRIVATE
#define PUBL  SC_VISIBILITY_PUBLIC
#define CALL  "{\"method\":\"sendMessage\",\"chat_id\":"

static const tg_case_t  tg_cases[] = {

    { "supergroup_topic.json", "message", "871234520", "6200000123", NULL,
      "\xe5\x81\xa5\xe4\xba\x8c", "-1001987654321", PUBL,
      "@acme_care_bot my return label", 1718036000000LL, 1, 0,
      CALL "-1001987654321,\"text\":\"R\",\"message_thread_id\":90180,"
      "\"reply_to_message_id\":90302}" },

    { "group_reply.json", "message", "871234521", "6300000456", NULL,
      "Priya Raman", "-4012345678", PUBL, "Same here, sync fails",
      1718036100000LL, 1, 0,
      CALL "-4012345678,\"text\":\"R\",\"reply_to_message_id\":512}" },

    { "private_voice.json", "message", "871234522", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV, NULL, 1718036200000LL,
      1, 0, CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4420}" },

    { "private_document.json", "message", "871234523", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV,
      "This invoice charges me twice", 1718036210000LL, 1, 0,
      CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4421}" },

    { "private_video.json", "message", "871234524", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV,
      "Watch what happens when I switch it on \xf0\x9f\x98\xa1",
      1718036220000LL, 1, 0,
      CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4422}" },

    { "private_sticker.json", "message", "871234525", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV, NULL, 1718036230000LL,
      1, 0, CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4423}" },

    { "private_location.json", "message", "871234526", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV, NULL, 1718036240000LL,
      1, 0, CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4424}" },

    { "private_contact.json", "message", "871234527", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV, NULL, 1718036250000LL,
      1, 0, CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4425}" },

    { "forwarded.json", "message", "871234528", "5234567890", "lenavogel",
      "Lena Vogel", "5234567890", PRIV, "Your courier left my parcel",
      1718036260000LL, 1, 0,
      CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4426}" },

    /* "from" 777000 (Telegram) is a placeholder: the channel speaks */
    { "automatic_forward.json", "channel_post", "871234529",
      "-1002233445566", "acmenews", "Acme News", "-1001987654321", PUBL,
      "Service update: deliveries in Berlin", 1718036300000LL, 0, 1, NULL },

    /* GroupAnonymousBot is a placeholder: the group's admins speak */
    { "anonymous_admin.json", "message", "871234530", "-1001987654321",
      "acmecommunity", "Acme Customers Community", "-1001987654321", PUBL,
      "We have found the cause", 1718036400000LL, 0, 1, NULL },

    /* Channel_Bot is a placeholder: a member speaks as a channel */
    { "sender_channel.json", "message", "871234531", "-1003344556677",
      "ola_reviews", "Gadget Reviews by Ola", "-1001987654321", PUBL,
      "Three weeks and still no refund", 1718036500000LL, 0, 0, NULL },

    { "edited_channel_post.json", "channel_post_edited", "871234532",
      "-1002233445566", "acmenews", "Acme News", "-1002233445566", PUBL,
      "Our support hours change on Monday: 8:00-21:00", 1718035500000LL, 0,
      1, NULL },

    { "inline_query.json", "inline_query", "871234533", "5234567890",
      "lenavogel", "Lena Vogel", NULL, PRIV, "order 55120", 0, 0, 0, NULL },

    /* a button under an inline message: no chat, so nothing to answer */
    { "callback_inline.json", "interaction", "871234534", "6200000123",
      NULL, "\xe5\x81\xa5\xe4\xba\x8c", NULL, PRIV, "track:55120", 0, 0, 0,
      NULL },

    { "callback_topic.json", "interaction", "871234535", "6200000123", NULL,
      "\xe5\x81\xa5\xe4\xba\x8c", "-1001987654321", PUBL, "Order 55120", 0,
      1, 0,
      CALL "-1001987654321,\"text\":\"R\",\"message_thread_id\":90180}" },

    { "business_connection.json", "business_connection", "871234536",
      "5400000001", "acme_store", "Acme Store", NULL, PRIV, NULL,
      1718000000000LL, 0, 0, NULL },

    /* the business account writing to its customer */
    { "business_owner.json", "message", "871234537", "5400000001",
      "acme_store", "Acme Store", "5345678901", PRIV, "Hi Mia, yes",
      1718035800000LL, 0, 1, NULL },

    /* our own reply, sent on behalf of the business, comes back */
    { "business_bot_echo.json", "message", "871234538", "5400000001",
      "acme_store", "Acme Store", "5345678901", PRIV, "Hi Mia, thanks",
      1718035801000LL, 0, 1, NULL },

    { "edited_business_message.json", "message_edited", "871234539",
      "5345678901", "mia_k", "Mia", "5345678901", PRIV,
      "Is the blue jacket still available in M or L?", 1718035760000LL, 0,
      0, NULL },

    { "deleted_business_messages.json", "message_deleted", "871234540",
      NULL, NULL, NULL, "5345678901", PRIV, NULL, 0, 0, 0, NULL },

    { "message_reaction.json", "reaction", "871234541", "6200000123", NULL,
      "\xe5\x81\xa5\xe4\xba\x8c", "-1001987654321", PUBL, NULL,
      1718036600000LL, 0, 0, NULL },

    { "message_reaction_anonymous.json", "reaction", "871234542",
      "-1003344556677", "ola_reviews", "Gadget Reviews by Ola",
      "-1001987654321", PUBL, NULL, 1718036610000LL, 0, 0, NULL },

    { "chat_member.json", "membership", "871234543", "5987654321",
      "acme_mod", "Mod", "-1001987654321", PUBL, NULL, 1718036700000LL, 0, 0,
      NULL },

    { "chat_join_request.json", "join_request", "871234544", "6200000123",
      NULL, "\xe5\x81\xa5\xe4\xba\x8c", "-1001555666777", PUBL, NULL,
      1718036800000LL, 0, 0, NULL },

    { "my_chat_member_group.json", "bot_membership", "871234545",
      "6300000456", NULL, "Priya Raman", "-4012345678", PUBL, NULL,
      1718036900000LL, 0, 0, NULL },

    /* a Mini App's data: a service message, never a holding reply */
    { "service_web_app_data.json", "service", "871234546", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV, NULL, 1718037000000LL,
      0, 0, NULL },

    /* a channel's direct messages: private, answered in the user's topic */
    { "direct_messages.json", "message", "871234547", "5234567890",
      "lenavogel", "Lena Vogel", "-1002233445599", PRIV,
      "Hello, I was charged", 1718037100000LL, 1, 0,
      CALL "-1002233445599,\"text\":\"R\","
      "\"direct_messages_topic_id\":5234567890,"
      "\"reply_to_message_id\":41}" },

    { "private_long_unicode.json", "message", "871234548", "5234567890",
      "lenavogel", "Lena Vogel", "5234567890", PRIV,
      "Bestellung 55120 \xe2\x80\x94 \xf0\x9f\x98\xa1\xf0\x9f\x93\xa6 "
      "\xd0\xb4\xd0\xbe", 1718037200000LL, 1, 0,
      CALL "5234567890,\"text\":\"R\",\"reply_to_message_id\":4428}" }
};


static void
test_real_shapes(void)
{
    size_t            i, n;
    sc_answer_t       a;
    sc_event_t       *ev;
    sc_events_t       evs, again;
    const tg_case_t  *c;

    for (i = 0; i < sizeof(tg_cases) / sizeof(tg_cases[0]); i++) {
        c = &tg_cases[i];

        if (parse_fixture(c->file, NULL, &evs) != SC_PARSE_OK
            || evs.nevents != 1)
        {
            ok(0, "%s: parses into one event (%s)", c->file, err);
            sc_events_free(&evs);
            continue;
        }

        ev = &evs.events[0];
        is_str(ev->type, c->type, "%s: type", c->file);
        is_str(ev->external_id, c->id, "%s: external_id is update_id",
               c->file);
        is_str(ev->author_id, c->author_id, "%s: author_id", c->file);
        is_str(ev->author_handle, c->handle, "%s: author_handle", c->file);
        is_str(ev->author_name, c->name, "%s: author_name", c->file);
        is_str(ev->thread_id, c->thread, "%s: thread_id", c->file);
        is_int(ev->visibility, c->visibility, "%s: visibility", c->file);

        n = c->text ? strlen(c->text) : 0;
        ok(c->text ? ev->text != NULL && strncmp(ev->text, c->text, n) == 0
                   : ev->text == NULL,
           "%s: text %s", c->file, c->text ? c->text : "none");

        is_int(ev->occurred_ms, c->occurred_ms, "%s: occurred_ms", c->file);
        is_int(ev->answerable, c->answerable, "%s: answerable", c->file);
        is_int(ev->from_brand, c->brand, "%s: from_brand", c->file);
        ok(ev->raw != NULL && json_is_object(ev->raw), "%s: raw", c->file);

        if (c->answer != NULL) {
            is_int(inline_answer(&evs, "R", &a), 1, "%s: inline answer",
                   c->file);
            is_int(a.status, 200, "%s: 200", c->file);
            ok(body_is(&a, c->answer), "%s: sendMessage", c->file);
            sc_answer_free(&a);

        } else {
            is_int(inline_answer(&evs, "R", &a), 0,
                   "%s: the default answer", c->file);
        }

        /* Telegram repeats an update until it gets a 200: the same key */
        if (parse_fixture(c->file, NULL, &again) == SC_PARSE_OK) {
            ok(same_ids(&evs, &again), "%s: same id when resent", c->file);
        }

        sc_events_free(&again);
        sc_events_free(&evs);
    }

    /* the long message whole: 4096 characters, more bytes */
    if (parse_fixture("private_long_unicode.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1 && evs.events[0].text != NULL)
    {
        n = strlen(evs.events[0].text);
        ok(n > 4096 && strcmp(evs.events[0].text + n - 3, "xxx") == 0,
           "long message: kept whole (%zu bytes)", n);
    }

    sc_events_free(&evs);
}


static void
test_new_kinds(void)
{
    sc_answer_t   a;
    sc_events_t   evs;

    /* a button no longer on the keyboard: its data is all there is */
    is_int(parse_str("{\"update_id\":871234567,\"callback_query\":{"
                     "\"id\":\"77\",\"from\":{\"id\":6200000123,"
                     "\"is_bot\":false,\"first_name\":\"K\"},\"message\":{"
                     "\"message_id\":90303,\"chat\":{\"id\":6200000123,"
                     "\"type\":\"private\"},\"date\":1718036010,"
                     "\"reply_markup\":{\"inline_keyboard\":[[{\"text\":"
                     "\"Yes\",\"callback_data\":\"yes\"}],\"junk\",[5]]}},"
                     "\"chat_instance\":\"1\",\"data\":\"no\"}}", NULL,
                     &evs),
           SC_PARSE_OK, "stale button: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "no", "stale button: the data");
        is_int(evs.events[0].answerable, 1, "stale button: answerable");
    }

    sc_events_free(&evs);

    /* Bot API 10: a guest bot's call, answered by answerGuestQuery only */
    is_int(parse_str("{\"update_id\":871234560,\"guest_message\":{"
                     "\"message_id\":7,\"from\":{\"id\":6200000123,"
                     "\"is_bot\":false,\"first_name\":\"K\"},\"chat\":{"
                     "\"id\":-1001777888999,\"title\":\"Friends\","
                     "\"type\":\"supergroup\"},\"date\":1718037300,"
                     "\"guest_query_id\":\"gq-5512\",\"text\":"
                     "\"@acme_care_bot where is order 55120?\"}}", NULL,
                     &evs),
           SC_PARSE_OK, "guest_message: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "guest_message", "guest_message: type");
        is_str(evs.events[0].author_id, "6200000123",
               "guest_message: author");
        ok(evs.events[0].text != NULL, "guest_message: text");
        is_int(evs.events[0].answerable, 0,
               "guest_message: sendMessage cannot answer it");
        is_int(inline_answer(&evs, "R", &a), 0,
               "guest_message: the default answer");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"update_id\":871234561,\"managed_bot\":{\"user\":{"
                     "\"id\":5400000001,\"is_bot\":false,\"first_name\":"
                     "\"Acme\"},\"bot\":{\"id\":7100000002,\"is_bot\":true,"
                     "\"first_name\":\"Acme Helper\"}}}", NULL, &evs),
           SC_PARSE_OK, "managed_bot: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "managed_bot", "managed_bot: type");
        is_str(evs.events[0].author_id, "5400000001", "managed_bot: owner");
    }

    sc_events_free(&evs);

    /* an anonymous vote: the chat that voted */
    is_int(parse_str("{\"update_id\":871234562,\"poll_answer\":{"
                     "\"poll_id\":\"5512\",\"voter_chat\":{\"id\":"
                     "-1003344556677,\"title\":\"Ola\",\"type\":\"channel\"},"
                     "\"option_ids\":[1]}}", NULL, &evs),
           SC_PARSE_OK, "poll_answer: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].author_id, "-1003344556677",
               "poll_answer: voter_chat is the author");
        is_str(evs.events[0].author_name, "Ola", "poll_answer: its title");
    }

    sc_events_free(&evs);

    /* a newer service message (a gift) in a private chat: not answered */
    is_int(parse_str("{\"update_id\":871234563,\"message\":{\"message_id\":"
                     "4430,\"from\":{\"id\":5234567890,\"is_bot\":false,"
                     "\"first_name\":\"Lena\"},\"chat\":{\"id\":5234567890,"
                     "\"type\":\"private\"},\"date\":1718037400,\"gift\":{"
                     "\"gift\":{\"id\":\"5170145012310081615\","
                     "\"star_count\":15},\"text\":\"thanks!\"}}}", NULL,
                     &evs),
           SC_PARSE_OK, "gift: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "service", "gift: a service message");
        is_int(evs.events[0].answerable, 0, "gift: not answered");
    }

    sc_events_free(&evs);

    /* an edit by an anonymous admin: the group, the brand */
    is_int(parse_str("{\"update_id\":871234564,\"edited_message\":{"
                     "\"message_id\":90351,\"from\":{\"id\":1087968824,"
                     "\"is_bot\":true,\"first_name\":\"Group\"},"
                     "\"sender_chat\":{\"id\":-1001987654321,\"title\":"
                     "\"Acme\",\"type\":\"supergroup\"},\"chat\":{\"id\":"
                     "-1001987654321,\"title\":\"Acme\",\"type\":"
                     "\"supergroup\"},\"date\":1718036400,\"edit_date\":"
                     "1718036460,\"text\":\"fix rolling out now\"}}", NULL,
                     &evs),
           SC_PARSE_OK, "anonymous edit: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message_edited", "anonymous edit: type");
        is_int(evs.events[0].from_brand, 1, "anonymous edit: the brand");
        is_str(evs.events[0].author_name, "Acme", "anonymous edit: group");
    }

    sc_events_free(&evs);

    /* the channel answering in its direct messages chat: the brand */
    is_int(parse_str("{\"update_id\":871234566,\"message\":{"
                     "\"message_id\":42,\"sender_chat\":{\"id\":"
                     "-1002233445566,\"title\":\"Acme News\",\"type\":"
                     "\"channel\"},\"chat\":{\"id\":-1002233445599,"
                     "\"title\":\"Acme News\",\"type\":\"supergroup\","
                     "\"is_direct_messages\":true},\"direct_messages_topic\":"
                     "{\"topic_id\":5234567890},\"date\":1718037150,"
                     "\"text\":\"We have refunded the May charge.\"}}", NULL,
                     &evs),
           SC_PARSE_OK, "channel in its direct messages: parses");

    if (evs.nevents == 1) {
        is_int(evs.events[0].from_brand, 1,
               "channel in its direct messages: the brand");
        is_int(evs.events[0].answerable, 0,
               "channel in its direct messages: not answered");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PRIVATE,
               "channel in its direct messages: private");
        is_str(evs.events[0].author_name, "Acme News",
               "channel in its direct messages: the channel speaks");
    }

    sc_events_free(&evs);

    /* a business away message (is_from_offline) is the business's */
    is_int(parse_str("{\"update_id\":871234565,\"business_message\":{"
                     "\"business_connection_id\":\"AbCdEfGhIjKlMnOp0123\","
                     "\"message_id\":80,\"from\":{\"id\":5345678901,"
                     "\"is_bot\":false,\"first_name\":\"Mia\"},\"chat\":{"
                     "\"id\":5345678901,\"type\":\"private\"},\"date\":"
                     "1718035900,\"is_from_offline\":true,\"text\":"
                     "\"We are closed until Monday\"}}", NULL, &evs),
           SC_PARSE_OK, "away message: parses");

    if (evs.nevents == 1) {
        is_int(evs.events[0].from_brand, 1, "away message: the business");
        is_int(evs.events[0].answerable, 0, "away message: not answered");
    }

    sc_events_free(&evs);

    /* update_id beyond 32 bits (seen in the wild) stays exact */
    is_int(parse_str("{\"update_id\":2342342343242,\"message\":{"
                     "\"message_id\":1,\"from\":{\"id\":23,\"is_bot\":false,"
                     "\"first_name\":\"S\"},\"chat\":{\"id\":23,\"type\":"
                     "\"private\"},\"date\":1631132077,\"text\":\"test\"}}",
                     NULL, &evs),
           SC_PARSE_OK, "big update_id: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].external_id, "2342342343242",
               "big update_id: exact");
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
    test_real_shapes();
    test_new_kinds();
    test_unknown();
    test_bad_input();

    return done_platform_testing();
}
