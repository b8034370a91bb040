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
                     "\"time\":\"soon\",\"messaging\":[{"
                     "\"sender\":{\"id\":[5]},"
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


/*
 * What a fixture must normalize to, event by event.  external_id NULL is
 * not checked, "~prefix" is "<prefix>:<sha256>"; every other field is
 * compared, NULL meaning "must be NULL".
 */
typedef struct {
    const char  *type;
    const char  *external_id;
    const char  *thread_id;
    const char  *author_id;
    const char  *author_handle;
    const char  *author_name;
    const char  *text;
    int          visibility;
    int          from_brand;
    int          answerable;
    long long    occurred_ms;
} want_t;


#define PUB   SC_VISIBILITY_PUBLIC
#define PRIV  SC_VISIBILITY_PRIVATE


/*
 * Parses the fixture twice: the events are the wanted ones, their ids are
 * distinct, and a redelivery of the same bytes yields the same ids.
 */
static void
check_fixture(const char *name, const char *channel, const want_t *want,
    size_t n)
{
    size_t              i;
    sc_event_t         *ev;
    sc_events_t         evs, again;
    const want_t       *w;

    is_int(parse_fixture(name, NULL, &evs), SC_PARSE_OK, "%s: parses", name);
    is_int(evs.nevents, n, "%s: %zu events", name, n);

    for (i = 0; i < n && i < evs.nevents; i++) {
        ev = &evs.events[i];
        w = &want[i];

        is_str(ev->channel, channel, "%s[%zu]: channel", name, i);
        is_str(ev->type, w->type, "%s[%zu]: type %s", name, i, w->type);

        if (w->external_id != NULL && w->external_id[0] == '~') {
            ok(is_hash_id(ev->external_id, w->external_id + 1),
               "%s[%zu]: external_id %s:<sha256>", name, i,
               w->external_id + 1);

        } else if (w->external_id != NULL) {
            is_str(ev->external_id, w->external_id, "%s[%zu]: external_id",
                   name, i);
        }

        is_str(ev->thread_id, w->thread_id, "%s[%zu]: thread", name, i);
        is_str(ev->author_id, w->author_id, "%s[%zu]: author", name, i);
        is_str(ev->author_handle, w->author_handle, "%s[%zu]: handle",
               name, i);
        is_str(ev->author_name, w->author_name, "%s[%zu]: name", name, i);
        is_str(ev->text, w->text, "%s[%zu]: text", name, i);
        is_int(ev->visibility, w->visibility, "%s[%zu]: visibility",
               name, i);
        is_int(ev->from_brand, w->from_brand, "%s[%zu]: from_brand",
               name, i);
        is_int(ev->answerable, w->answerable, "%s[%zu]: answerable",
               name, i);
        is_int(ev->occurred_ms, w->occurred_ms, "%s[%zu]: occurred_ms",
               name, i);
        ok(json_is_object(ev->raw), "%s[%zu]: raw is an object", name, i);
    }

    ok(distinct_ids(&evs), "%s: external ids are distinct", name);

    is_int(parse_fixture(name, NULL, &again), SC_PARSE_OK,
           "%s: redelivery parses", name);
    ok(same_ids(&evs, &again), "%s: redelivery has the same ids", name);

    sc_events_free(&again);
    sc_events_free(&evs);
}


#define M_ATT1  "m_At1bQ9xR2sT3uV4wX5yZ6aB7cD8eF9gH0iJ1kL2mN3oP4qR5sT6uV7" \
                "wX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8s"
#define M_ATT2  "m_At2cR0yS3tU4vW5xY6zA7bC8dE9fG0hI1jK2lM3nO4pQ5rS6tU7vW8" \
                "xY9zA0bC1dE2fG3hI4jK5lM6nO7pQ8rS9t"
#define M_ATT3  "m_At3dS1zT4uV5wX6yZ7aB8cD9eF0gH1iJ2kL3mN4oP5qR6sT7uV8wX9" \
                "yZ0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0u"
#define M_ATT4  "m_At4eT2aU5vW6xY7zA8bC9dE0fG1hI2jK3lM4nO5pQ6rS7tU8vW9xY0" \
                "zA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v"
#define M_QR    "m_Qr7fU3bV6wX7yZ8aB9cD0eF1gH2iJ3kL4mN5oP6qR7sT8uV9wX0yZ1" \
                "aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uV2w"
#define M_RT    "m_Rp8gV4cW7xY8zA9bC0dE1fG2hI3jK4lM5nO6pQ7rS8tU9vW0xY1zA2" \
                "bC3dE4fG5hI6jK7lM8nO9pQ0rS1tU2vW3x"
#define M_ECHO  "m_Yt3kPq9ZsW1xV7bN5cM2lK8jH4gF6dS0aQ3wE9rT1yU5iO7pL2kJ8h" \
                "G4fD6sA0zX3cV9bN1mQ5wE7rT2yU8iO4pA"
#define M_SB1   "m_Sb1hW5dX8yZ9aB0cD1eF2gH3iJ4kL5mN6oP7qR8sT9uV0wX1yZ2aB3" \
                "cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4y"
#define M_SB2   "m_Sb2iX6eY9zA0bC1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4" \
                "dE5fG6hI7jK8lM9nO0pQ1rS2tU3vW4xY5z"

#define CUST    "7310294857710041"
#define PAGE    "104381712345678"


static void
test_messenger_shapes(void)
{
    sc_events_t          evs;
    static const want_t  attachments[] = {
        { "message", M_ATT1, CUST, CUST, NULL, NULL, NULL, PRIV, 0, 1,
          1718041000101LL },
        { "message", M_ATT2, CUST, CUST, NULL, NULL, NULL, PRIV, 0, 1,
          1718041000202LL },
        { "message", M_ATT3, CUST, CUST, NULL, NULL, NULL, PRIV, 0, 1,
          1718041000303LL },
        { "message", M_ATT4, CUST, CUST, NULL, NULL, NULL, PRIV, 0, 1,
          1718041000404LL }
    };
    static const want_t  reply[] = {
        { "message", M_QR, CUST, CUST, NULL, NULL, "Return an item", PRIV,
          0, 1, 1718041100311LL },
        { "message", M_RT, CUST, CUST, NULL, NULL,
          "It's the blue one, size M \xe2\x80\x94 still sealed "
          "\xf0\x9f\x99\x8f", PRIV, 0, 1, 1718041100518LL }
    };
    static const want_t  referral[] = {
        { "referral", "referral:8820193746650032:1718041200455",
          "8820193746650032", "8820193746650032", NULL, NULL, NULL, PRIV,
          0, 0, 1718041200455LL },
        { "postback", "postback:8820193746650032:1718041200701",
          "8820193746650032", "8820193746650032", NULL, NULL, "Get Started",
          PRIV, 0, 1, 1718041200701LL }
    };
    /* no text: the angry face is in raw, never classified as complaint */
    static const want_t  reaction[] = {
        { "reaction", "reaction:" M_ECHO ":react:angry", CUST, CUST, NULL,
          NULL, NULL, PRIV, 0, 0, 1718041300120LL },
        { "reaction", "~reaction", CUST, CUST, NULL, NULL, NULL, PRIV, 0, 0,
          1718041300870LL }
    };
    static const want_t  receipts[] = {
        { "delivery", "delivery:" CUST ":1718041399950", CUST, CUST, NULL,
          NULL, NULL, PRIV, 0, 0, 1718041400301LL },
        { "read", "read:" CUST ":1718041399950", CUST, CUST, NULL, NULL,
          NULL, PRIV, 0, 0, 1718041400655LL }
    };
    static const want_t  standby[] = {
        { "pass_thread_control",
          "pass_thread_control:5120938476651098:1718041500777",
          "5120938476651098", "5120938476651098", NULL, NULL, NULL, PRIV,
          0, 0, 1718041500777LL },
        { "message", M_SB1, "5120938476651098", "5120938476651098", NULL,
          NULL, "Is anyone there? The bot keeps sending me the same menu.",
          PRIV, 0, 0, 1718041500111LL },
        { "echo", M_SB2, "5120938476651098", PAGE, NULL, NULL,
          "Please choose an option from the menu below.", PRIV, 1, 0,
          1718041500444LL }
    };
    static const want_t  edit[] = {
        { "message_edit", "message_edit:" M_RT ":1", CUST, CUST, NULL, NULL,
          "It's the blue one, size L \xe2\x80\x94 still sealed", PRIV, 0, 0,
          1718041600502LL }
    };
    /* ids as JSON integers (older Graph versions): read as strings */
    static const want_t  legacy[] = {
        { "message", "mid.1718041700123:9f3c2a1b7d6e5f4a3b",
          "6972318462817403", "6972318462817403", NULL, NULL,
          "hello, anyone there?", PRIV, 0, 1, 1718041700123LL },
        { "echo", "mid.1718041700299:1a2b3c4d5e6f7a8b9c", "6972318462817403",
          PAGE, NULL, NULL, "Hi! How can we help?", PRIV, 1, 0,
          1718041700299LL }
    };

    check_fixture("messenger_attachments.json", "messenger", attachments, 4);
    check_fixture("messenger_reply.json", "messenger", reply, 2);
    check_fixture("messenger_referral.json", "messenger", referral, 2);
    check_fixture("messenger_reaction.json", "messenger", reaction, 2);
    check_fixture("messenger_receipts.json", "messenger", receipts, 2);
    check_fixture("messenger_standby.json", "messenger", standby, 3);
    check_fixture("messenger_edit.json", "messenger", edit, 1);
    check_fixture("messenger_legacy_ids.json", "messenger", legacy, 2);

    /*
     * the policy callback, spelled with a hyphen by older payloads, and
     * the dashboard's "Test" button: a messaging item as a change value,
     * its timestamp a string of seconds
     */
    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\","
                     "\"time\":1718045400000,\"messaging\":["
                     "{\"recipient\":{\"id\":\"1\"},"
                     "\"timestamp\":1718045400001,"
                     "\"policy-enforcement\":{\"action\":\"block\","
                     "\"reason\":\"spam\"}},"
                     "{\"recipient\":{\"id\":\"1\"},"
                     "\"timestamp\":1718045400002,"
                     "\"policy_enforcement\":{\"action\":\"warning\","
                     "\"reason\":\"tags\"}}],"
                     "\"changes\":[{\"field\":\"messages\",\"value\":{"
                     "\"sender\":{\"id\":\"12334\"},\"recipient\":{\"id\":"
                     "\"23245\"},\"timestamp\":\"1527459824\",\"message\":{"
                     "\"mid\":\"test_message_id\",\"text\":\"test_message\"}}}]"
                     "}]}", NULL, &evs),
           SC_PARSE_OK, "policy and test button: parses");
    is_int(evs.nevents, 3, "policy and test button: three events");

    if (evs.nevents == 3) {
        is_str(evs.events[0].type, "policy_enforcement",
               "policy-enforcement: type");
        is_str(evs.events[1].type, "policy_enforcement",
               "policy_enforcement: type");
        ok(!evs.events[0].answerable && !evs.events[1].answerable,
           "policy: not answerable");
        ok(strcmp(evs.events[0].external_id, evs.events[1].external_id)
           != 0, "policy: two callbacks, two ids");
        is_str(evs.events[2].external_id, "test_message_id",
               "test button: its mid");
        is_int(evs.events[2].occurred_ms, 1527459824000LL,
               "test button: string seconds");
    }

    sc_events_free(&evs);
}


#define IG      "17841405822304914"
#define IGU     "1284739201847562"
#define IG_MID(n)                                                            \
    "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0OjM0MDI4MjM2" \
    "Njg0MTcxMDMwMDk0OTEyODE3NTQ1MjcxMjc2MTQ0NDozMTg0NzI5MTAzODQ3MjkxMDM4"  \
    "NDcyOTEwMzg" n "ZDZD"


static void
test_instagram_shapes(void)
{
    static const want_t  story_mention[] = {
        { "message", IG_MID("0OA"), IGU, IGU, NULL, NULL, NULL, PRIV, 0, 1,
          1718042000321LL }
    };
    static const want_t  story_reply[] = {
        { "message", IG_MID("0OQ"), IGU, IGU, NULL, NULL,
          "Are these back in stock in size 39?", PRIV, 0, 1,
          1718042100422LL }
    };
    static const want_t  unsupported[] = {
        { "message", IG_MID("1MA"), "2398471029384710", "2398471029384710",
          NULL, NULL, NULL, PRIV, 0, 1, 1718042200101LL },
        { "message", IG_MID("1MQ"), "2398471029384710", "2398471029384710",
          NULL, NULL, NULL, PRIV, 0, 1, 1718042200202LL }
    };
    static const want_t  echo_deleted[] = {
        { "echo", IG_MID("1Mg"), IGU, IG, NULL, NULL,
          "Yes! Size 39 is back, here's the link.", PRIV, 1, 0,
          1718042300111LL },
        { "message_deleted", "message_deleted:" IG_MID("0OQ"), IGU, IGU,
          NULL, NULL, NULL, PRIV, 0, 0, 1718042300555LL }
    };
    /* entry.id is not the sender's id here: is_self alone says brand */
    static const want_t  self[] = {
        { "echo", IG_MID("1Mw"), "3381092847561029", IG, NULL, NULL,
          "Testing the welcome flow", PRIV, 1, 0, 1718042400333LL },
        { "postback", IG_MID("1NA"), "3381092847561029", IG, NULL, NULL,
          "Start chatting", PRIV, 1, 0, 1718042400666LL }
    };
    static const want_t  reaction_seen[] = {
        { "reaction", "reaction:" IG_MID("1Mg") ":react:love", IGU, IGU,
          NULL, NULL, NULL, PRIV, 0, 0, 1718042500300LL },
        { "read", "read:" IGU ":" IG_MID("1Mg"), IGU, IGU, NULL, NULL, NULL,
          PRIV, 0, 0, 1718042500700LL }
    };
    static const want_t  comments[] = {
        { "comment", "17865799348093001", "18035571962087341", IG,
          "northwind.outfitters", NULL,
          "@trailrunner.mia We've sent you a DM \xf0\x9f\x93\xa9", PUB, 1, 0,
          1718042600000LL },
        { "comment", "17865799348093002", "18051234567890123",
          "4410293847561203", "alpine_jo", NULL,
          "is the discount code still valid??", PUB, 0, 1, 1718042600000LL },
        { "mention", "mention:17998877665544999", "18012345678901999", NULL,
          NULL, NULL, NULL, PUB, 0, 1, 1718042600000LL }
    };

    check_fixture("instagram_story_mention.json", "instagram", story_mention,
                  1);
    check_fixture("instagram_story_reply.json", "instagram", story_reply, 1);
    check_fixture("instagram_unsupported.json", "instagram", unsupported, 2);
    check_fixture("instagram_echo_deleted.json", "instagram", echo_deleted,
                  2);
    check_fixture("instagram_self.json", "instagram", self, 2);
    check_fixture("instagram_reaction_seen.json", "instagram", reaction_seen,
                  2);
    check_fixture("instagram_own_comment_self.json", "instagram", comments,
                  3);
}


#define POST    "104381712345678_823470196512345"
#define CMT     "823470196512345_1187734529012345"


static void
test_feed_shapes(void)
{
    sc_events_t          evs;
    static const want_t  edited[] = {
        { "comment_edited", CMT ":edited:1718042995", POST,
          "7203948816530442", NULL, "Dana Whitfield",
          "Two weeks and my refund is still not here. (Update: got an "
          "email, let's see)", PUB, 0, 0, 1718042995000LL },
        { "comment_remove", CMT ":remove:1718042999", POST,
          "7203948816530442", NULL, "Dana Whitfield", NULL, PUB, 0, 0,
          1718042999000LL }
    };
    static const want_t  posts[] = {
        { "post", PAGE "_823470196599001", PAGE "_823470196599001",
          "6610293847560021", NULL, "Ren\xc3\xa9 Okafor",
          "Your store on Elm St charged my card twice for one order. Who do "
          "I talk to?", PUB, 0, 1, 1718043090000LL },
        { "post", PAGE "_823470196599002", PAGE "_823470196599002", PAGE,
          NULL, "Northwind Outfitters",
          "New rain shells are in! \xe2\x98\x94", PUB, 1, 0,
          1718043095000LL },
        { "reaction", "reaction:" CMT ":6610293847560021:add:angry", POST,
          "6610293847560021", NULL, "Ren\xc3\xa9 Okafor", NULL, PUB, 0, 0,
          1718043098000LL }
    };
    static const want_t  mention[] = {
        { "mention", "mention:5512093847561_1029384756102938",
          "5512093847561_1029384756102938", NULL, NULL, NULL,
          "Huge thanks to Northwind Outfitters for replacing my tent in a "
          "day!", PUB, 0, 1, 1718043190000LL },
        { "mention", "mention:1029384756102999_4410293847566",
          "5512093847561_1029384756102999", NULL, NULL, NULL,
          "@Northwind Outfitters still waiting on my refund", PUB, 0, 1,
          1718043195000LL }
    };

    check_fixture("feed_comment_edited_removed.json", "facebook", edited, 2);
    check_fixture("feed_posts.json", "facebook", posts, 3);
    check_fixture("feed_mention.json", "facebook", mention, 2);

    /* older Graph versions: sender_id/sender_name, "like", numeric ids */
    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"100\","
                     "\"time\":1450701319,\"changes\":["
                     "{\"field\":\"feed\",\"value\":{\"item\":\"comment\","
                     "\"verb\":\"add\",\"comment_id\":\"1_2\","
                     "\"post_id\":\"100_1\",\"sender_id\":4567,"
                     "\"sender_name\":\"Old API\",\"created_time\":1450701300,"
                     "\"message\":\"still the old shape\"}},"
                     "{\"field\":\"feed\",\"value\":{\"item\":\"like\","
                     "\"verb\":\"add\",\"post_id\":\"100_1\","
                     "\"sender_id\":4567,\"created_time\":1450701319}},"
                     "{\"field\":\"mention\",\"value\":{\"item\":\"post\","
                     "\"verb\":\"remove\",\"post_id\":\"9_8\"}}]}]}",
                     NULL, &evs),
           SC_PARSE_OK, "legacy feed: parses");
    is_int(evs.nevents, 3, "legacy feed: three events");

    if (evs.nevents == 3) {
        is_str(evs.events[0].author_id, "4567", "legacy feed: sender_id");
        is_str(evs.events[0].author_name, "Old API",
               "legacy feed: sender_name");
        is_int(evs.events[0].answerable, 1, "legacy feed: answerable");
        is_str(evs.events[1].type, "reaction", "legacy feed: like");
        ok(is_hash_id(evs.events[1].external_id, "reaction"),
           "legacy feed: a like without reaction_type is hashed");
        is_str(evs.events[1].author_id, "4567", "legacy feed: liker");
        is_str(evs.events[2].type, "unsupported",
               "mention removed: stored whole");
    }

    sc_events_free(&evs);
}


#define WA_O    "447700900123"
#define WAMID_O(n)  "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0VC" n "A"


static void
test_whatsapp_shapes(void)
{
    sc_events_t          evs;
    static const want_t  media[] = {
        { "message", WAMID_O("MUFBMDAxMTIyMzM0NDU1NjY"), WA_O, WA_O, NULL,
          "Oliver Bennett", "Invoice for the order that never arrived",
          PRIV, 0, 1, 1718044000000LL },
        { "message", WAMID_O("MUFBMDAxMTIyMzM0NDU1Njc"), WA_O, WA_O, NULL,
          "Oliver Bennett", NULL, PRIV, 0, 1, 1718044005000LL },
        { "message", WAMID_O("MUFBMDAxMTIyMzM0NDU1Njg"), WA_O, WA_O, NULL,
          "Oliver Bennett", "Northwind Oxford Circus", PRIV, 0, 1,
          1718044010000LL },
        { "message", WAMID_O("MUFBMDAxMTIyMzM0NDU1Njk"), WA_O, WA_O, NULL,
          "Oliver Bennett", NULL, PRIV, 0, 1, 1718044015000LL },
        { "message", WAMID_O("MUFBMDAxMTIyMzM0NDU1NzA"), WA_O, WA_O, NULL,
          "Oliver Bennett", NULL, PRIV, 0, 1, 1718044020000LL }
    };
    static const want_t  interactive[] = {
        { "message", "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNFQjJCQjAwMTEyMjMz"
          "NDQ1NTY2AA==", "4915112345678", "4915112345678", NULL,
          "Lena Hoffmann", "Refund status", PRIV, 0, 1, 1718044100000LL },
        { "message", "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNFQjJCQjAwMTEyMjMz"
          "NDQ1NTY3AA==", "4915112345678", "4915112345678", NULL,
          "Lena Hoffmann", "Stop promotions", PRIV, 0, 1, 1718044105000LL },
        /* an order without a note: no text, still a customer's message */
        { "message", "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNFQjJCQjAwMTEyMjMz"
          "NDQ1NTY4AA==", "4915112345678", "4915112345678", NULL,
          "Lena Hoffmann", NULL, PRIV, 0, 1, 1718044110000LL }
    };
    static const want_t  reaction[] = {
        { "reaction", WAMID_O("MUNDMDAxMTIyMzM0NDU1NjY"), WA_O, WA_O, NULL,
          "Oliver Bennett", NULL, PRIV, 0, 0, 1718044200000LL },
        { "reaction", WAMID_O("MUNDMDAxMTIyMzM0NDU1Njc"), WA_O, WA_O, NULL,
          "Oliver Bennett", NULL, PRIV, 0, 0, 1718044260000LL }
    };
    static const want_t  system[] = {
        { "system", "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQUQxMTEyMjIzMzM0NDQ1"
          "NTU2NjYA", "16315551181", "16315551181", NULL, "Priya Raman",
          "Priya changed from 16315551181 to 16315559999", PRIV, 0, 0,
          1718044300000LL },
        { "unsupported", "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQUQxMTEyMjIzMzM0"
          "NDQ1NTU2NjcA", "16315551181", "16315551181", NULL, "Priya Raman",
          NULL, PRIV, 0, 0, 1718044310000LL },
        /* a type this module does not know: kept with its sender */
        { "unsupported", "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQUQxMTEyMjIzMzM0"
          "NDQ1NTU2NjgA", "16315551181", "16315551181", NULL, "Priya Raman",
          NULL, PRIV, 0, 0, 1718044320000LL }
    };
    static const want_t  statuses[] = {
        { "status", "wamid.HBgLMTYzMTU1NTExODEVAgARGBI3RTFBMkIzQzRENUU2Rjd"
          "BOEIA:sent", "16315551181", NULL, NULL, NULL, NULL, PRIV, 0, 0,
          1718044400000LL },
        { "status", "wamid.HBgLMTYzMTU1NTExODEVAgARGBI3RTFBMkIzQzRENUU2Rjd"
          "BOEIA:delivered", "16315551181", NULL, NULL, NULL, NULL, PRIV, 0,
          0, 1718044402000LL },
        { "status", "wamid.HBgLMTYzMTU1NTExODEVAgARGBI3RTFBMkIzQzRENUU2Rjd"
          "BOEIA:read", "16315551181", NULL, NULL, NULL, NULL, PRIV, 0, 0,
          1718044460000LL },
        { "status", "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSOEYxQTJCM0M0RDVFNkY3"
          "QTgA:failed", WA_O, NULL, NULL, NULL, NULL, PRIV, 0, 0,
          1718044470000LL }
    };
    static const want_t  multi[] = {
        { "message", "wamid.HBgMOTcxNTAxMjM0NTY3FQIAEhgUM0VCM0REMDAxMTIyMzM0"
          "NDU1NjYA", "971501234567", "971501234567", NULL,
          "\xd9\x86\xd9\x88\xd8\xb1 \xd8\xa7\xd9\x84\xd9\x87\xd8\xaf\xd9\x89",
          "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\xd8\x8c \xd8\xa3\xd9\x8a"
          "\xd9\x86 \xd8\xb7\xd9\x84\xd8\xa8\xd9\x8a\xd8\x9f \xf0\x9f\x9a\x9a",
          PRIV, 0, 1, 1718044500000LL },
        { "message", WAMID_O("M0REMDAxMTIyMzM0NDU1Njc"), WA_O, WA_O, NULL,
          "Oliver Bennett",
          "\xc2\xbfPor qu\xc3\xa9 est\xc3\xa1 roto? \xf0\x9f\x98\xad", PRIV,
          0, 1, 1718044501000LL },
        { "status", "wamid.HBgMOTcxNTAxMjM0NTY3FQIAERgSOUYyQjNDNEQ1RTZGN0E4"
          "QjkA:delivered", "971501234567", NULL, NULL, NULL, NULL, PRIV, 0,
          0, 1718044502000LL },
        { "message", "wamid.HBgNNDkxNzYxMjM0NTY3OBUCABIYFDNFQjRFRTAwMTEyMjMz"
          "NDQ1NTY2AA==", "4917612345678", "4917612345678", NULL,
          "Jonas Weber",
          "Guten Tag, meine Bestellung ist besch\xc3\xa4""digt angekommen.",
          PRIV, 0, 1, 1718044503000LL }
    };
    static const want_t  context[] = {
        { "message", "wamid.HBgMMzkzNDcxMjM0NTY3FQIAEhgUM0VCNUZGMDAxMTIyMzM0"
          "NDU1NjYA", "393471234567", "393471234567", NULL, "Sofia Rossi",
          "Hi, is the -30% valid in the Milan store too?", PRIV, 0, 1,
          1718044600000LL },
        { "message", "wamid.HBgMMzkzNDcxMjM0NTY3FQIAEhgUM0VCNUZGMDAxMTIyMzM0"
          "NDU1NjcA", "393471234567", "393471234567", NULL, "Sofia Rossi",
          "Perfect, I'll pass by tomorrow", PRIV, 0, 1, 1718044660000LL },
        { "message", "wamid.HBgMMzkzNDcxMjM0NTY3FQIAEhgUM0VCNUZGMDAxMTIyMzM0"
          "NDU1NjgA", "393471234567", "393471234567", NULL, "Sofia Rossi",
          "My sister got the same damaged box", PRIV, 0, 1,
          1718044670000LL }
    };
    static const want_t  edit_revoke[] = {
        { "message_edit", WAMID_O("NkFBMDAxMTIyMzM0NDU1NjY"), WA_O, WA_O,
          NULL, "Oliver Bennett",
          "Is the Oxford Street store open on Sunday morning?", PRIV, 0, 0,
          1718044700000LL },
        { "message_edit", WAMID_O("NkFBMDAxMTIyMzM0NDU1Njc"), WA_O, WA_O,
          NULL, "Oliver Bennett", "The box, second photo", PRIV, 0, 0,
          1718044710000LL },
        { "message_deleted", WAMID_O("NkFBMDAxMTIyMzM0NDU1Njg"), WA_O, WA_O,
          NULL, "Oliver Bennett", NULL, PRIV, 0, 0, 1718044720000LL }
    };
    /* a username user: no phone number, the BSUID is the thread */
    static const want_t  bsuid[] = {
        { "message", "wamid.HBgWR0IuMTM5Mjg0MDU3MTkyODM3NDY1NRUCABIYFDNFQjdC"
          "QjAwMTEyMjMzNDQ1NTY2AA==", "GB.1392840571928374655",
          "GB.1392840571928374655", "@mia.trails", "Mia K.",
          "Hello, my parcel says delivered but it isn't here", PRIV, 0, 1,
          1718044800000LL },
        { "status", "wamid.HBgWR0IuMTM5Mjg0MDU3MTkyODM3NDY1NRUCABEYEkFDMUQy"
          "RTNGNEE1QjZDN0QA:read", "GB.1392840571928374655", NULL, NULL, NULL,
          NULL, PRIV, 0, 0, 1718044790000LL }
    };
    /* Meta's error title is no complaint: it stays in raw */
    static const want_t  errors[] = {
        { "message", "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNFQjhDQzAwMTEyMjMz"
          "NDQ1NTY2AA==", "4915112345678", "4915112345678", NULL,
          "Lena Hoffmann", NULL, PRIV, 0, 1, 1718044900000LL },
        { "error", "~error", NULL, NULL, NULL, NULL, NULL, PRIV, 0, 0, 0 }
    };

    check_fixture("whatsapp_media.json", "whatsapp", media, 5);
    check_fixture("whatsapp_interactive.json", "whatsapp", interactive, 3);
    check_fixture("whatsapp_reaction.json", "whatsapp", reaction, 2);
    check_fixture("whatsapp_system_unsupported.json", "whatsapp", system, 3);
    check_fixture("whatsapp_statuses.json", "whatsapp", statuses, 4);
    check_fixture("whatsapp_multi.json", "whatsapp", multi, 4);
    check_fixture("whatsapp_context_referral.json", "whatsapp", context, 3);
    check_fixture("whatsapp_edit_revoke.json", "whatsapp", edit_revoke, 3);
    check_fixture("whatsapp_bsuid.json", "whatsapp", bsuid, 2);
    check_fixture("whatsapp_errors.json", "whatsapp", errors, 2);

    /*
     * The business's own edits, deletions and reactions from the WhatsApp
     * Business app (coexistence) keep their type: no echo, no response.
     */
    is_int(parse_str("{\"object\":\"whatsapp_business_account\",\"entry\":[{"
                     "\"id\":\"1\",\"changes\":[{\"field\":"
                     "\"smb_message_echoes\",\"value\":{\"metadata\":{"
                     "\"display_phone_number\":\"15550783881\"},"
                     "\"message_echoes\":["
                     "{\"from\":\"15550783881\",\"to\":\"447\",\"id\":"
                     "\"wamid.S1\",\"timestamp\":\"1718044950\",\"type\":"
                     "\"edit\",\"edit\":{\"original_message_id\":\"wamid.S0\","
                     "\"message\":{\"type\":\"text\",\"text\":{\"body\":"
                     "\"see you at 5\"}}}},"
                     "{\"from\":\"15550783881\",\"to\":\"447\",\"id\":"
                     "\"wamid.S2\",\"timestamp\":\"1718044951\",\"type\":"
                     "\"revoke\",\"revoke\":{\"original_message_id\":"
                     "\"wamid.S0\"}},"
                     "{\"from\":\"15550783881\",\"to\":\"447\",\"id\":"
                     "\"wamid.S3\",\"timestamp\":\"1718044952\",\"type\":"
                     "\"reaction\",\"reaction\":{\"message_id\":\"wamid.C1\","
                     "\"emoji\":\"\\ud83d\\udc4d\"}}]}}]}]}", NULL, &evs),
           SC_PARSE_OK, "business edits: parses");
    is_int(evs.nevents, 3, "business edits: three events");

    if (evs.nevents == 3) {
        is_str(evs.events[0].type, "message_edit", "business edit: type");
        is_str(evs.events[0].text, "see you at 5", "business edit: text");
        is_str(evs.events[1].type, "message_deleted",
               "business revoke: type");
        is_str(evs.events[2].type, "reaction", "business reaction: type");
        ok(evs.events[0].from_brand && evs.events[1].from_brand
           && evs.events[2].from_brand, "business edits: from the brand");
        ok(!evs.events[0].answerable && !evs.events[1].answerable
           && !evs.events[2].answerable, "business edits: not answerable");
        is_str(evs.events[0].thread_id, "447",
               "business edit: thread is the customer");
    }

    sc_events_free(&evs);
}


/* the same error object with other messages is another error */
static void
test_whatsapp_error_ids(void)
{
    char          one[SC_EXTERNAL_ID_MAX], two[SC_EXTERNAL_ID_MAX];
    sc_events_t   evs;
    static const char  *fmt =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\","
        "\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{"
        "\"from\":\"44\",\"id\":\"%s\",\"timestamp\":\"1718045000\","
        "\"type\":\"interactive\"}],\"errors\":[{\"code\":131000,"
        "\"title\":\"Something went wrong\"}]}}]}]}";
    char          body[512];

    one[0] = '\0';
    two[0] = '\0';

    snprintf(body, sizeof(body), fmt, "wamid.E1");
    if (parse_str(body, NULL, &evs) == SC_PARSE_OK && evs.nevents == 2) {
        snprintf(one, sizeof(one), "%s", evs.events[1].external_id);
        ok(evs.events[1].text == NULL, "error: no text to classify");
    }

    sc_events_free(&evs);

    snprintf(body, sizeof(body), fmt, "wamid.E2");
    if (parse_str(body, NULL, &evs) == SC_PARSE_OK && evs.nevents == 2) {
        snprintf(two, sizeof(two), "%s", evs.events[1].external_id);
    }

    sc_events_free(&evs);

    ok(is_hash_id(one, "error") && is_hash_id(two, "error"),
       "error ids: error:<sha256>");
    ok(strcmp(one, two) != 0,
       "error ids: the same error of two messages is two rows");

    snprintf(body, sizeof(body), fmt, "wamid.E1");
    if (parse_str(body, NULL, &evs) == SC_PARSE_OK && evs.nevents == 2) {
        is_str(evs.events[1].external_id, one,
               "error ids: a redelivery keeps its id");
    }

    sc_events_free(&evs);
}


/* long and unusual texts come through whole, byte for byte */
static void
test_long_text(void)
{
    char         *body, *text;
    size_t        i, n, len;
    sc_events_t   evs;
    static const char  snow[] = "\xe2\x98\x83 caf\xc3\xa9 ";

    n = 64 * 1024;
    text = malloc(n + 1);
    body = malloc(n + 1024);

    if (text == NULL || body == NULL) {
        free(text);
        free(body);
        ok(0, "long text: memory");
        return;
    }

    for (i = 0; i + sizeof(snow) - 1 <= n; i += sizeof(snow) - 1) {
        memcpy(text + i, snow, sizeof(snow) - 1);
    }

    text[i] = '\0';
    len = i;

    snprintf(body, n + 1024,
             "{\"object\":\"whatsapp_business_account\",\"entry\":[{"
             "\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
             "\"messages\":[{\"from\":\"44\",\"id\":\"wamid.LONG\","
             "\"timestamp\":\"1718045100\",\"type\":\"text\",\"text\":{"
             "\"body\":\"%s\"}}]}}]}]}", text);

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "long text: parses");

    if (evs.nevents == 1) {
        ok(evs.events[0].text != NULL
           && strlen(evs.events[0].text) == len
           && memcmp(evs.events[0].text, text, len) == 0,
           "long text: %zu bytes kept whole", len);
        is_str(evs.events[0].external_id, "wamid.LONG",
               "long text: its wamid");
    }

    sc_events_free(&evs);

    snprintf(body, n + 1024,
             "{\"object\":\"page\",\"entry\":[{\"id\":\"1\",\"messaging\":[{"
             "\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},"
             "\"timestamp\":1718045200000,\"message\":{\"mid\":\"m_long\","
             "\"text\":\"%s\"}}]}]}", text);

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK,
           "long Messenger text: parses");

    if (evs.nevents == 1) {
        ok(evs.events[0].text != NULL
           && strlen(evs.events[0].text) == len,
           "long Messenger text: kept whole");
    }

    sc_events_free(&evs);

    free(text);
    free(body);
}


/* empty strings are no text: nothing to classify, no "" rows */
static void
test_empty_texts(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"object\":\"page\",\"entry\":[{\"id\":\"1\","
                     "\"messaging\":["
                     "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},"
                     "\"timestamp\":1718045300000,\"postback\":{"
                     "\"title\":\"\",\"payload\":\"hey\",\"mid\":\"m_e1\"}},"
                     "{\"sender\":{\"id\":\"2\"},\"recipient\":{\"id\":\"1\"},"
                     "\"timestamp\":1718045300001,\"message\":{"
                     "\"mid\":\"m_e2\",\"text\":\"\"}}]}]}", NULL, &evs),
           SC_PARSE_OK, "empty texts: parses");

    if (evs.nevents == 2) {
        ok(evs.events[0].text == NULL && evs.events[1].text == NULL,
           "empty texts: NULL");
        is_int(evs.events[0].answerable, 1,
               "empty texts: still the customer's");

    } else {
        ok(0, "empty texts: two events");
    }

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
    test_messenger_shapes();
    test_instagram_shapes();
    test_feed_shapes();
    test_whatsapp_shapes();
    test_whatsapp_error_ids();
    test_long_text();
    test_empty_texts();

    return done_platform_testing();
}
