/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_meta.c: sc_platform_meta_parse() against recorded-shape
 * Meta webhooks (t/fixtures/meta) and against hostile bodies.
 * Run from the repository root; prints TAP.
 */


#define PLATFORM  sc_platform_meta
#define FIXTURES  "t/fixtures/meta/"
#define PARSE_NEVER_ANSWERS

#include "platform_test.h"


static const char *
raw_str(sc_event_t *ev, const char *key)
{
    return json_string_value(json_object_get(ev->raw, key));
}


static void
test_messenger_text(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("messenger_text.json", NULL, &evs), SC_PARSE_OK,
           "messenger_text: parses");
    is_int(evs.nevents, 1, "messenger_text: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "messenger", "messenger_text: channel");
        is_str(ev->type, "message", "messenger_text: type");
        is_str(ev->external_id, "m_Wq8mFv1XbC3kL0pZr2sT9uYhJdN4aE6gQ7iO5xR1vB2n"
               "M3cK8jH0fG9dS4aP6lU7yT5rE2wQ1oI3uY8tR6eW4qA",
               "messenger_text: external_id is the mid");
        is_str(ev->text, "Hi, my order #48213 still hasn't arrived and nobody"
               " answers the phone. Can you help?", "messenger_text: text");
        is_str(ev->author_id, "6972318462817403", "messenger_text: author");
        is_str(ev->thread_id, "6972318462817403",
               "messenger_text: thread is the customer");
        ok(ev->author_handle == NULL && ev->author_name == NULL,
           "messenger_text: no handle, no name");
        is_int(ev->occurred_ms, 1718035199876LL,
               "messenger_text: timestamp in ms");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE,
               "messenger_text: private");
        is_int(ev->answerable, 1, "messenger_text: answerable");
        is_int(ev->from_brand, 0, "messenger_text: not from the brand");
        ok(json_is_object(json_object_get(ev->raw, "message"))
           && json_object_get(ev->raw, "sender") != NULL,
           "messenger_text: raw is the messaging item");
    }

    sc_events_free(&evs);
    ok(evs.root == NULL && evs.events == NULL && evs.nevents == 0,
       "sc_events_free resets the list");
}


static void
test_messenger_echo_postback(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("messenger_echo.json", NULL, &evs), SC_PARSE_OK,
           "messenger_echo: parses");
    is_int(evs.nevents, 1, "messenger_echo: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "echo", "messenger_echo: type");
        is_int(ev->from_brand, 1, "messenger_echo: from the brand");
        is_int(ev->answerable, 0, "messenger_echo: not answerable");
        is_str(ev->author_id, "104381712345678",
               "messenger_echo: author is the page");
        is_str(ev->thread_id, "6972318462817403",
               "messenger_echo: thread is the customer (recipient)");
        ok(strncmp(ev->external_id, "m_Yt3kPq9", 9) == 0,
           "messenger_echo: external_id is the mid");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("messenger_postback.json", NULL, &evs), SC_PARSE_OK,
           "messenger_postback: parses");
    is_int(evs.nevents, 1, "messenger_postback: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "postback", "messenger_postback: type");
        is_str(ev->text, "Track my order", "messenger_postback: text = title");
        ok(strncmp(ev->external_id, "m_Pb7sQ2", 8) == 0,
           "messenger_postback: external_id is the mid");
        is_int(ev->answerable, 1, "messenger_postback: answerable");
        is_str(ev->thread_id, "7104829301847265",
               "messenger_postback: thread");
    }

    sc_events_free(&evs);

    /* a postback without mid gets "postback:<sender>:<timestamp>" */
    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\","
                     "\"messaging\":[{\"sender\":{\"id\":\"42\"},"
                     "\"recipient\":{\"id\":\"1\"},\"timestamp\":1718035410512,"
                     "\"postback\":{\"title\":\"Get Started\","
                     "\"payload\":\"GET_STARTED\"}}]}]}", NULL, &evs),
           SC_PARSE_OK, "postback without mid: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].external_id, "postback:42:1718035410512",
               "postback without mid: synthesized id");
    }

    sc_events_free(&evs);
}


static void
test_messenger_many(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *types[] = {
        "message", "message", "read", "message", "reaction", "delivery"
    };

    is_int(parse_fixture("messenger_many.json", NULL, &evs), SC_PARSE_OK,
           "messenger_many: parses");
    is_int(evs.nevents, 6, "messenger_many: six events from two entries");

    if (evs.nevents != 6) {
        sc_events_free(&evs);
        return;
    }

    for (i = 0; i < 6; i++) {
        is_str(evs.events[i].type, types[i], "messenger_many: event %zu is %s",
               i, types[i]);
    }

    ev = &evs.events[1];
    ok(ev->text == NULL, "messenger_many: image-only message has no text");
    is_int(ev->answerable, 1, "messenger_many: image-only is answerable");

    ev = &evs.events[2];
    is_str(ev->external_id, "read:6240918857310042:1718035990001",
           "messenger_many: read id from sender and watermark");
    is_int(ev->answerable, 0, "messenger_many: read is not answerable");
    is_int(ev->occurred_ms, 1718036001950LL, "messenger_many: read time");

    is_str(evs.events[3].text, "Store hours",
           "messenger_many: quick reply text");
    is_str(evs.events[3].thread_id, "7731029485561203",
           "messenger_many: second page's customer");

    ev = &evs.events[4];
    is_str(ev->external_id, "reaction:m_Rx8cV2bN4mQ6wE8rT0yU2iO4pA6sD8fG0hJ2kL4"
           "zX6cV8bN0mQ2wE4rT6yU8iO0pA2sD4fG6hJ8kL0zX2cV4bN6m:react:angry",
           "messenger_many: reaction id from mid, action, reaction");
    is_int(ev->answerable, 0, "messenger_many: reaction is not answerable");

    is_str(evs.events[5].external_id, "delivery:7731029485561203:1718036000999",
           "messenger_many: delivery id from sender and watermark");

    ok(distinct_ids(&evs), "messenger_many: external ids are distinct");

    sc_events_free(&evs);
}


static void
test_messenger_kinds(void)
{
    sc_events_t  evs;

    /* deleted, standby, Instagram read (mid, no watermark), edit, unknown */
    is_int(parse_str("{\"object\":\"instagram\",\"entry\":[{\"id\":\"9\","
                     "\"time\":1718037000,"
                     "\"messaging\":["
                     "{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"9\"},"
                     "\"timestamp\":1718037000001,"
                     "\"message\":{\"mid\":\"aWdf1\",\"is_deleted\":true}},"
                     "{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"9\"},"
                     "\"timestamp\":1718037000002,"
                     "\"read\":{\"mid\":\"aWdf2\"}},"
                     "{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"9\"},"
                     "\"timestamp\":1718037000003,"
                     "\"message_edit\":{\"mid\":\"aWdf3\",\"text\":\"fixed\","
                     "\"num_edit\":2}},"
                     "{\"sender\":{\"id\":\"5\"},\"recipient\":{\"id\":\"9\"},"
                     "\"timestamp\":1718037000004,"
                     "\"brand_new_kind\":{\"x\":1}}],"
                     "\"standby\":["
                     "{\"sender\":{\"id\":\"6\"},\"recipient\":{\"id\":\"9\"},"
                     "\"timestamp\":1718037000005,"
                     "\"message\":{\"mid\":\"aWdf4\",\"text\":\"hello?\"}}]"
                     "}]}", NULL, &evs),
           SC_PARSE_OK, "messaging kinds: parses");
    is_int(evs.nevents, 5, "messaging kinds: five events");

    if (evs.nevents == 5) {
        is_str(evs.events[0].channel, "instagram", "kinds: channel");
        is_str(evs.events[0].type, "message_deleted", "kinds: deleted type");
        is_str(evs.events[0].external_id, "message_deleted:aWdf1",
               "kinds: deleted id does not collide with the message");
        is_int(evs.events[0].answerable, 0, "kinds: deleted not answerable");
        is_str(evs.events[1].external_id, "read:5:aWdf2",
               "kinds: Instagram read keyed by mid");
        is_str(evs.events[2].type, "message_edit", "kinds: edit type");
        is_str(evs.events[2].external_id, "message_edit:aWdf3:2",
               "kinds: edit id from mid and edit count");
        is_str(evs.events[2].text, "fixed", "kinds: edit text");
        is_str(evs.events[3].type, "unsupported", "kinds: unknown kind");
        ok(is_hash_id(evs.events[3].external_id, "unsupported"),
           "kinds: unknown kind has a hash id");
        ok(json_object_get(evs.events[3].raw, "brand_new_kind") != NULL,
           "kinds: unknown kind keeps the item as raw");
        is_str(evs.events[4].type, "message", "kinds: standby message");
        is_int(evs.events[4].answerable, 0,
               "kinds: standby message is not ours to answer");
    }

    sc_events_free(&evs);
}


static void
test_instagram(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("instagram_dm.json", NULL, &evs), SC_PARSE_OK,
           "instagram_dm: parses");
    is_int(evs.nevents, 1, "instagram_dm: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "instagram", "instagram_dm: channel");
        is_str(ev->type, "message", "instagram_dm: type");
        is_str(ev->author_id, "1284739201847562", "instagram_dm: author");
        is_int(ev->answerable, 1, "instagram_dm: answerable");
        ok(strncmp(ev->external_id, "aWdfZAG1", 8) == 0,
           "instagram_dm: external_id is the mid");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("instagram_comment.json", NULL, &evs), SC_PARSE_OK,
           "instagram_comment: parses");
    is_int(evs.nevents, 2, "instagram_comment: comment and brand reply");

    if (evs.nevents == 2) {
        ev = &evs.events[0];
        is_str(ev->channel, "instagram", "instagram_comment: channel");
        is_str(ev->type, "comment", "instagram_comment: type");
        is_str(ev->external_id, "17865799348092651",
               "instagram_comment: external_id");
        is_str(ev->author_handle, "trailrunner.mia",
               "instagram_comment: handle");
        is_str(ev->author_id, "3318472019384756",
               "instagram_comment: author id");
        is_str(ev->thread_id, "18035571962087341",
               "instagram_comment: thread is the media");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "instagram_comment: public");
        is_int(ev->answerable, 1, "instagram_comment: answerable");
        is_int(ev->occurred_ms, 1718037450000LL,
               "instagram_comment: entry time in seconds");
        ok(ev->text != NULL && strstr(ev->text, "tracking number") != NULL,
           "instagram_comment: text");
        is_str(raw_str(ev, "id"), "17865799348092651",
               "instagram_comment: raw is the change value");

        ev = &evs.events[1];
        is_int(ev->from_brand, 1, "instagram_comment: own reply is brand");
        is_int(ev->answerable, 0, "instagram_comment: own reply not answered");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"instagram\",\"entry\":[{\"id\":\"9\","
                     "\"time\":1718037600,\"changes\":["
                     "{\"field\":\"mentions\",\"value\":{"
                     "\"media_id\":\"18012345678901234\","
                     "\"comment_id\":\"17998877665544332\"}},"
                     "{\"field\":\"mentions\",\"value\":{"
                     "\"media_id\":\"18012345678905678\"}},"
                     "{\"field\":\"live_comments\",\"value\":{"
                     "\"from\":{\"id\":\"77\",\"username\":\"live.fan\"},"
                     "\"media\":{\"id\":\"18099\"},\"id\":\"17811\","
                     "\"text\":\"hi\"}}]}]}", NULL, &evs),
           SC_PARSE_OK, "instagram mentions: parses");
    is_int(evs.nevents, 3, "instagram mentions: three events");

    if (evs.nevents == 3) {
        is_str(evs.events[0].type, "mention", "mention: type");
        is_str(evs.events[0].external_id, "mention:17998877665544332",
               "mention: comment mention keyed by comment id");
        is_str(evs.events[1].external_id, "mention:18012345678905678",
               "mention: caption mention keyed by media id");
        is_str(evs.events[1].thread_id, "18012345678905678",
               "mention: thread is the media");
        is_int(evs.events[1].answerable, 1, "mention: answerable");
        is_int(evs.events[1].visibility, SC_VISIBILITY_PUBLIC,
               "mention: public");
        is_str(evs.events[2].type, "comment", "live comment is a comment");
    }

    sc_events_free(&evs);
}


static void
test_whatsapp(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("whatsapp_text.json", NULL, &evs), SC_PARSE_OK,
           "whatsapp_text: parses");
    is_int(evs.nevents, 1, "whatsapp_text: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "whatsapp", "whatsapp_text: channel");
        is_str(ev->type, "message", "whatsapp_text: type");
        is_str(ev->external_id, "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQTdGQ0U5Qjh"
               "EMkE0RTYxQzk3MQA=", "whatsapp_text: external_id is the wamid");
        is_str(ev->author_id, "16315551181", "whatsapp_text: author");
        is_str(ev->author_name, "Priya Raman",
               "whatsapp_text: name from contacts");
        is_str(ev->thread_id, "16315551181", "whatsapp_text: thread");
        is_int(ev->occurred_ms, 1718038020000LL,
               "whatsapp_text: string seconds to ms");
        is_int(ev->answerable, 1, "whatsapp_text: answerable");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "whatsapp_text: private");
        ok(ev->text != NULL && strncmp(ev->text, "Hello, I was charged", 20)
           == 0, "whatsapp_text: text body");
        is_str(raw_str(ev, "type"), "text",
               "whatsapp_text: raw is the message object");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("whatsapp_status.json", NULL, &evs), SC_PARSE_OK,
           "whatsapp_status: parses");
    is_int(evs.nevents, 1, "whatsapp_status: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "status", "whatsapp_status: type");
        is_str(ev->external_id, "wamid.HBgLMTYzMTU1NTExODEVAgARGBI1RjQyNUE3NEYx"
               "MzAzMzQ3MkEA:delivered", "whatsapp_status: id:status");
        is_int(ev->answerable, 0, "whatsapp_status: not answerable");
        is_str(ev->thread_id, "16315551181", "whatsapp_status: thread");
        is_int(ev->occurred_ms, 1718038095000LL, "whatsapp_status: time");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("whatsapp_many.json", NULL, &evs), SC_PARSE_OK,
           "whatsapp_many: parses");
    is_int(evs.nevents, 5, "whatsapp_many: four messages and a status");

    if (evs.nevents == 5) {
        is_str(evs.events[0].author_name, "Oliver Bennett",
               "whatsapp_many: first author by wa_id");
        is_str(evs.events[1].author_name, "Lena Hoffmann",
               "whatsapp_many: second author by wa_id");
        is_str(evs.events[1].text, "The package arrived like this, the box "
               "was crushed", "whatsapp_many: image caption");
        is_str(evs.events[2].type, "reaction", "whatsapp_many: reaction");
        is_int(evs.events[2].answerable, 0,
               "whatsapp_many: reaction not answerable");
        is_str(evs.events[3].type, "message", "whatsapp_many: interactive");
        is_str(evs.events[3].text, "Talk to an agent",
               "whatsapp_many: button reply title");
        is_str(evs.events[4].type, "status", "whatsapp_many: status");
        ok(strstr(evs.events[4].external_id, ":read") != NULL,
           "whatsapp_many: read status id");
    }

    sc_events_free(&evs);

    /* the business writing from the WhatsApp app, two ways to see it */
    is_int(parse_str("{\"object\":\"whatsapp_business_account\",\"entry\":[{"
                     "\"id\":\"1\",\"changes\":[{\"field\":\"messages\","
                     "\"value\":{\"metadata\":{\"display_phone_number\":"
                     "\"+1 555-078-3881\",\"phone_number_id\":\"2\"},"
                     "\"messages\":[{\"from\":\"15550783881\",\"to\":\"447\","
                     "\"id\":\"wamid.E1\",\"timestamp\":\"1718038600\","
                     "\"type\":\"text\",\"text\":{\"body\":\"on it\"}}]}},"
                     "{\"field\":\"smb_message_echoes\",\"value\":{"
                     "\"message_echoes\":[{\"from\":\"15550783881\","
                     "\"to\":\"491\",\"id\":\"wamid.E2\",\"timestamp\":"
                     "\"1718038601\",\"type\":\"text\",\"text\":{\"body\":"
                     "\"done\"}}]}},"
                     "{\"field\":\"message_template_status_update\","
                     "\"value\":{\"event\":\"APPROVED\"}},"
                     "{\"field\":\"messages\",\"value\":{\"errors\":[{"
                     "\"code\":131047,\"title\":\"Re-engagement message\"}]}}"
                     "]}]}", NULL, &evs),
           SC_PARSE_OK, "whatsapp echoes: parses");
    is_int(evs.nevents, 4, "whatsapp echoes: four events");

    if (evs.nevents == 4) {
        is_str(evs.events[0].type, "echo",
               "whatsapp echoes: from the display number is an echo");
        is_int(evs.events[0].from_brand, 1, "whatsapp echoes: brand");
        is_int(evs.events[0].answerable, 0, "whatsapp echoes: not answerable");
        is_str(evs.events[0].thread_id, "447",
               "whatsapp echoes: thread is the customer");
        is_str(evs.events[1].type, "echo", "whatsapp echoes: smb echo");
        is_str(evs.events[1].thread_id, "491", "whatsapp echoes: smb thread");
        is_str(evs.events[2].type, "unsupported",
               "whatsapp echoes: unknown field is unsupported");
        is_str(evs.events[3].type, "error", "whatsapp echoes: error event");
        ok(is_hash_id(evs.events[3].external_id, "error"),
           "whatsapp echoes: error has a hash id");
    }

    sc_events_free(&evs);
}


static void
test_feed(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("feed_comment.json", NULL, &evs), SC_PARSE_OK,
           "feed_comment: parses");
    is_int(evs.nevents, 1, "feed_comment: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "facebook", "feed_comment: channel");
        is_str(ev->type, "comment", "feed_comment: type");
        is_str(ev->external_id, "823470196512345_1187734529012345",
               "feed_comment: external_id is the comment id");
        is_str(ev->author_id, "7203948816530442", "feed_comment: author");
        is_str(ev->author_name, "Dana Whitfield", "feed_comment: name");
        is_str(ev->thread_id, "104381712345678_823470196512345",
               "feed_comment: thread is the post");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "feed_comment: public");
        is_int(ev->answerable, 1, "feed_comment: answerable");
        is_int(ev->from_brand, 0, "feed_comment: not the page");
        is_int(ev->occurred_ms, 1718039098000LL,
               "feed_comment: created_time in seconds");
        is_str(raw_str(ev, "item"), "comment",
               "feed_comment: raw is the change value");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("feed_own_comment.json", NULL, &evs), SC_PARSE_OK,
           "feed_own_comment: parses");
    is_int(evs.nevents, 1, "feed_own_comment: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "comment", "feed_own_comment: type");
        is_int(ev->from_brand, 1, "feed_own_comment: from the page");
        is_int(ev->answerable, 0, "feed_own_comment: not answerable");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"100\","
                     "\"time\":1718040000,\"changes\":["
                     "{\"field\":\"feed\",\"value\":{\"item\":\"comment\","
                     "\"verb\":\"edited\",\"comment_id\":\"1_2\","
                     "\"post_id\":\"100_1\",\"created_time\":\"1718039999\","
                     "\"from\":{\"id\":\"55\",\"name\":\"A\"},"
                     "\"message\":\"edited text\"}},"
                     "{\"field\":\"feed\",\"value\":{\"item\":\"post\","
                     "\"verb\":\"remove\",\"post_id\":\"100_7\","
                     "\"created_time\":1718039998}},"
                     "{\"field\":\"feed\",\"value\":{\"item\":\"reaction\","
                     "\"verb\":\"add\",\"post_id\":\"100_1\","
                     "\"from\":{\"id\":\"56\",\"name\":\"B\"},"
                     "\"reaction_type\":\"angry\","
                     "\"created_time\":1718039997}},"
                     "{\"field\":\"feed\",\"value\":{\"item\":\"status\","
                     "\"verb\":\"add\",\"post_id\":\"100_8\","
                     "\"from\":{\"id\":\"57\"},\"message\":\"visitor post\"}},"
                     "{\"field\":\"feed\",\"value\":{\"item\":\"milestone\","
                     "\"verb\":\"add\"}}"
                     "]}]}", NULL, &evs),
           SC_PARSE_OK, "feed verbs: parses");
    is_int(evs.nevents, 5, "feed verbs: five events");

    if (evs.nevents == 5) {
        is_str(evs.events[0].type, "comment_edited", "feed: edited type");
        is_str(evs.events[0].external_id, "1_2:edited:1718039999",
               "feed: edited id from comment, verb, time");
        is_int(evs.events[0].answerable, 0, "feed: edit not answerable");
        is_str(evs.events[1].type, "post_remove", "feed: remove type");
        is_str(evs.events[1].external_id, "100_7:remove:1718039998",
               "feed: remove id from post, verb, time");
        is_str(evs.events[2].type, "reaction", "feed: reaction type");
        is_str(evs.events[2].external_id, "reaction:100_1:56:add:angry",
               "feed: reaction id");
        is_int(evs.events[2].answerable, 0, "feed: reaction not answerable");
        is_str(evs.events[3].type, "post", "feed: visitor post");
        is_int(evs.events[3].answerable, 1, "feed: visitor post answerable");
        is_str(evs.events[3].external_id, "100_8", "feed: post id");
        is_int(evs.events[3].occurred_ms, 1718040000000LL,
               "feed: no created_time keeps entry time");
        is_str(evs.events[4].type, "unsupported", "feed: unknown item");
    }

    sc_events_free(&evs);
}


static void
test_unknown_and_ping(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("unknown_field.json", NULL, &evs), SC_PARSE_OK,
           "unknown_field: parses");
    is_int(evs.nevents, 1, "unknown_field: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown_field: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown_field: unsupported:<sha256>");
        is_str(raw_str(&evs.events[0], "field"), "ratings",
               "unknown_field: raw is the change");
        is_int(evs.events[0].answerable, 0, "unknown_field: not answerable");
        is_int(evs.events[0].occurred_ms, 1718039900000LL,
               "unknown_field: entry time");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("ping_empty.json", NULL, &evs), SC_PARSE_OK,
           "ping_empty: parses");
    is_int(evs.nevents, 0, "ping_empty: no events");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"user\",\"entry\":[{\"uid\":\"1\","
                     "\"changed_fields\":[\"email\"]}]}", NULL, &evs),
           SC_PARSE_OK, "unknown object: parses");
    is_int(evs.nevents, 1, "unknown object: one event per entry");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown object: type");
        is_str(evs.events[0].channel, "facebook", "unknown object: channel");
    }

    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"object\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0
       && strstr(err, "line 1 column") != NULL, "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"a\\u0000b\"}]}",
                     NULL, &evs),
           SC_PARSE_BAD_JSON, "\\u0000 is refused");
    sc_events_free(&evs);

    is_int(sc_platform_meta_parse("{\"object\":\"page\"}\0{}", 20, &evs,
                                  err, sizeof(err)),
           SC_PARSE_BAD_JSON, "bytes after the document are refused");
    sc_events_free(&evs);

    is_int(parse_str("[{\"object\":\"page\"}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\",\"entry\":\"x\"}", NULL, &evs),
           SC_PARSE_INVALID, "entry as a string is invalid");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\"}", NULL, &evs), SC_PARSE_INVALID,
           "missing entry is invalid");
    sc_events_free(&evs);

    is_int(parse_str("{\"entry\":[{\"messaging\":[{\"message\":5}]}]}",
                     NULL, &evs),
           SC_PARSE_INVALID, "missing object is invalid");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":5,\"entry\":[]}", NULL, &evs),
           SC_PARSE_INVALID, "object as a number is invalid");
    sc_events_free(&evs);

    /* a NULL or empty err buffer is accepted */
    is_int(sc_platform_meta_parse("[", 1, &evs, NULL, 0), SC_PARSE_BAD_JSON,
           "NULL err buffer");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    size_t        i;
    unsigned      all;
    sc_events_t   evs;

    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"messaging\":"
                     "[{\"message\":5}]}]}", NULL, &evs),
           SC_PARSE_OK, "message as a number: parses");
    is_int(evs.nevents, 1, "message as a number: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported",
               "message as a number: unsupported");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\",\"entry\":[5,\"x\",null,[],"
                     "{\"id\":7,\"messaging\":\"x\"},{\"id\":\"1\"},"
                     "{\"messaging\":[1,\"s\",{},{\"message\":[]},"
                     "{\"postback\":\"x\"},{\"read\":5}],"
                     "\"changes\":[5,{\"field\":5},{\"field\":\"feed\","
                     "\"value\":\"x\"},{\"field\":\"feed\",\"value\":{"
                     "\"item\":5,\"verb\":\"add\"}}]}]}", NULL, &evs),
           SC_PARSE_OK, "wrong types everywhere: parses");
    is_int(evs.nevents, 16, "wrong types everywhere: each item accounted for");

    all = 1;
    for (i = 0; i < evs.nevents; i++) {
        if (strcmp(evs.events[i].type, "unsupported") != 0
            || !is_hash_id(evs.events[i].external_id, "unsupported")
            || evs.events[i].answerable)
        {
            all = 0;
        }
    }

    ok(all, "wrong types everywhere: all unsupported with hash ids");
    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\","
                     "\"time\":1718035200,\"changes\":[5]},7]}", NULL, &evs),
           SC_PARSE_OK, "entry time: parses");

    if (evs.nevents == 2) {
        is_int(evs.events[0].occurred_ms, 1718035200000LL,
               "entry time: applies to its own items");
        is_int(evs.events[1].occurred_ms, 0,
               "entry time: does not leak into the next entry");

    } else {
        ok(0, "entry time: two events");
    }

    sc_events_free(&evs);

    /* a message with every field of the wrong type still yields a message */
    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":[],"
                     "\"time\":\"soon\",\"messaging\":[{\"sender\":{\"id\":5},"
                     "\"recipient\":\"x\",\"timestamp\":\"12ab\","
                     "\"message\":{\"mid\":42,\"text\":7,\"is_echo\":\"true\","
                     "\"attachments\":\"none\"}}]}]}", NULL, &evs),
           SC_PARSE_OK, "mistyped message: parses");
    is_int(evs.nevents, 1, "mistyped message: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "mistyped message: type");
        ok(is_hash_id(evs.events[0].external_id, "message"),
           "mistyped message: hash id with type prefix");
        ok(evs.events[0].author_id == NULL && evs.events[0].text == NULL
           && evs.events[0].thread_id == NULL,
           "mistyped message: no borrowed strings");
        is_int(evs.events[0].occurred_ms, 0, "mistyped message: time unknown");
        is_int(evs.events[0].from_brand, 0,
               "mistyped message: \"true\" string is not an echo");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"object\":\"whatsapp_business_account\",\"entry\":[{"
                     "\"id\":\"1\",\"messaging\":[],\"changes\":["
                     "{\"field\":\"messages\",\"value\":{\"messages\":\"x\"}},"
                     "{\"field\":\"messages\",\"value\":[]},"
                     "{\"field\":\"messages\",\"value\":{\"contacts\":5,"
                     "\"messages\":[{\"type\":\"text\",\"text\":\"flat\","
                     "\"from\":5,\"id\":\"wamid.X1\",\"timestamp\":\"12a\"},"
                     "7,{\"type\":5},"
                     "{\"type\":\"hologram\",\"id\":\"wamid.X2\"}],"
                     "\"statuses\":[{\"id\":\"wamid.X3\"}]}}]}]}", NULL, &evs),
           SC_PARSE_OK, "mistyped WhatsApp: parses");
    is_int(evs.nevents, 8, "mistyped WhatsApp: eight events");

    if (evs.nevents == 8) {
        is_str(evs.events[0].type, "unsupported",
               "mistyped WhatsApp: messages as a string");
        is_str(evs.events[1].type, "unsupported",
               "mistyped WhatsApp: value as an array");
        is_str(evs.events[2].type, "message",
               "mistyped WhatsApp: text message kept");
        is_str(evs.events[2].external_id, "wamid.X1",
               "mistyped WhatsApp: its wamid");
        ok(evs.events[2].text == NULL && evs.events[2].author_id == NULL
           && evs.events[2].author_name == NULL,
           "mistyped WhatsApp: no text, author, name");
        is_int(evs.events[2].occurred_ms, 0,
               "mistyped WhatsApp: \"12a\" is no time");
        is_str(evs.events[3].type, "unsupported",
               "mistyped WhatsApp: number message");
        is_str(evs.events[4].type, "unsupported",
               "mistyped WhatsApp: numeric type");
        is_str(evs.events[5].type, "unsupported",
               "mistyped WhatsApp: unknown type");
        is_str(evs.events[6].type, "status", "mistyped WhatsApp: status");
        ok(is_hash_id(evs.events[6].external_id, "status"),
           "mistyped WhatsApp: status without status is hashed");
        is_str(evs.events[7].type, "unsupported",
               "mistyped WhatsApp: messaging under WhatsApp");
    }

    sc_events_free(&evs);
}


static void
test_numbers_and_ids(void)
{
    char          body[1024], id[301];
    sc_events_t   evs;
    static const struct {
        const char  *ts;
        long long    ms;
    } times[] = {
        { "\"1718038020\"",       1718038020000LL },
        { "\"1718035199876\"",    1718035199876LL },
        { "1718038020",           1718038020000LL },
        { "1718038020.0",         1718038020000LL },
        { "\" 1718038020\"",      0 },
        { "\"+1718038020\"",      0 },
        { "\"-1718038020\"",      0 },
        { "\"1718038020 \"",      0 },
        { "\"0x10\"",             0 },
        { "\"\"",                 0 },
        { "\"99999999999999999999\"", 0 },
        { "\"9223372036854775808\"",  0 },
        { "-5",                   0 },
        { "true",                 0 },
        { "null",                 0 }
    };
    size_t        i;

    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"object\":\"whatsapp_business_account\",\"entry\":[{"
                 "\"id\":\"1\",\"changes\":[{\"field\":\"messages\","
                 "\"value\":{\"messages\":[{\"from\":\"4\",\"id\":\"wamid.T\","
                 "\"type\":\"text\",\"timestamp\":%s}]}}]}]}", times[i].ts);

        if (parse_str(body, NULL, &evs) == SC_PARSE_OK && evs.nevents == 1) {
            is_int(evs.events[0].occurred_ms, times[i].ms,
                   "timestamp %s", times[i].ts);

        } else {
            ok(0, "timestamp %s parses", times[i].ts);
        }

        sc_events_free(&evs);
    }

    memset(id, 'm', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';

    snprintf(body, sizeof(body),
             "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{"
             "\"sender\":{\"id\":\"2\"},\"message\":{\"mid\":\"%s\"}}]}]}",
             id);

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "long mid: parses");

    if (evs.nevents == 1) {
        ok(is_hash_id(evs.events[0].external_id, "message"),
           "long mid: falls back to message:<sha256>");
    }

    sc_events_free(&evs);

    /* the longest mid that fits is kept as is */
    id[SC_EXTERNAL_ID_MAX - 1] = '\0';
    snprintf(body, sizeof(body),
             "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{"
             "\"sender\":{\"id\":\"2\"},\"message\":{\"mid\":\"%s\"}}]}]}",
             id);

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "255-byte mid: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].external_id, id, "255-byte mid: kept");
    }

    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t   a, b;
    static const char  *body =
        "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"changes\":["
        "{\"field\":\"ratings\",\"value\":{\"b\":1,\"a\":[1,2]}},"
        "{\"field\":\"feed\",\"value\":{\"item\":\"comment\",\"verb\":\"add\","
        "\"message\":\"no id\"}}],"
        "\"messaging\":[{\"sender\":{\"id\":\"3\"},\"timestamp\":17,"
        "\"optin\":{\"ref\":\"x\"}}]}]}";
    static const char  *reordered =
        "{\"entry\":[{\"messaging\":[{\"optin\":{\"ref\":\"x\"},"
        "\"timestamp\":17,\"sender\":{\"id\":\"3\"}}],"
        "\"changes\":[{\"value\":{\"a\":[1,2],\"b\":1},\"field\":\"ratings\"},"
        "{\"value\":{\"message\":\"no id\",\"verb\":\"add\","
        "\"item\":\"comment\"},\"field\":\"feed\"}],"
        "\"id\":\"1\"}],\"object\":\"page\"}";

    parse_str(body, NULL, &a);
    parse_str(body, NULL, &b);

    is_int(a.nevents, 3, "determinism: three events");

    ok(same_ids(&a, &b), "determinism: same body, same ids");
    sc_events_free(&b);

    parse_str(reordered, NULL, &b);

    /* messaging is read before changes whatever the key order */
    ok(same_ids(&a, &b), "determinism: key order does not change hashed ids");

    if (a.nevents == 3) {
        is_str(a.events[0].external_id, "optin:3:17",
               "determinism: optin id from sender and timestamp");
        ok(is_hash_id(a.events[1].external_id, "unsupported"),
           "determinism: unknown field hashed");
        ok(is_hash_id(a.events[2].external_id, "comment"),
           "determinism: comment without id hashed with its type");
        ok(strcmp(a.events[1].external_id, a.events[2].external_id) != 0,
           "determinism: different items, different hashes");
    }

    sc_events_free(&a);
    sc_events_free(&b);
}


static char *
build_messages(size_t n)
{
    char    *body;
    size_t   i;
    json_t  *root, *list, *entry, *item;

    root = json_object();
    list = json_array();
    entry = json_object();

    json_object_set_new(root, "object", json_string("page"));
    json_object_set_new(root, "entry", json_array());
    json_array_append_new(json_object_get(root, "entry"), entry);
    json_object_set_new(entry, "id", json_string("1"));
    json_object_set_new(entry, "messaging", list);

    for (i = 0; i < n; i++) {
        item = json_pack("{s:{s:s}, s:I, s:{s:o}}",
                         "sender", "id", "2",
                         "timestamp", (json_int_t) (1718035199876LL + i),
                         "message", "mid", json_sprintf("m_limit_%zu", i));
        json_array_append_new(list, item);
    }

    body = json_dumps(root, JSON_COMPACT);
    json_decref(root);

    return body;
}


static void
test_limits(void)
{
    char          *body;
    size_t         i;
    sc_events_t    evs;
    sc_parse_rc_e  rc;

    body = build_messages(SC_EVENTS_MAX);
    rc = parse_str(body, NULL, &evs);
    free(body);

    is_int(rc, SC_PARSE_OK, "SC_EVENTS_MAX messages: parses");
    is_int(evs.nevents, SC_EVENTS_MAX, "SC_EVENTS_MAX messages: all kept");

    if (evs.nevents == SC_EVENTS_MAX) {
        is_str(evs.events[SC_EVENTS_MAX - 1].external_id, "m_limit_4095",
               "SC_EVENTS_MAX messages: last one intact");
    }

    sc_events_free(&evs);

    body = build_messages(SC_EVENTS_MAX + 1);
    rc = parse_str(body, NULL, &evs);
    free(body);

    is_int(rc, SC_PARSE_TOO_MANY, "SC_EVENTS_MAX + 1 messages: too many");
    is_str(err, "webhook carries more than 4096 events", "too many message");
    ok(evs.root == NULL && evs.events == NULL && evs.nevents == 0,
       "too many: nothing kept");
    sc_events_free(&evs);

    sc_events_init(&evs);

    for (i = 0; i < SC_EVENTS_MAX; i++) {
        if (sc_events_push(&evs) == NULL) {
            break;
        }
    }

    is_int(i, SC_EVENTS_MAX, "sc_events_push: SC_EVENTS_MAX pushes");
    ok(sc_events_push(&evs) == NULL, "sc_events_push: NULL past the cap");
    ok(evs.nalloc <= SC_EVENTS_MAX, "sc_events_push: never over-allocates");
    sc_events_free(&evs);
}


int
main(void)
{
    test_messenger_text();
    test_messenger_echo_postback();
    test_messenger_many();
    test_messenger_kinds();
    test_instagram();
    test_whatsapp();
    test_feed();
    test_unknown_and_ping();
    test_bad_input();
    test_wrong_types();
    test_numbers_and_ids();
    test_determinism();
    test_limits();

    return done_platform_testing();
}
