/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_intercom.c: the Intercom descriptor against
 * recorded-shape notifications (t/fixtures/intercom) and hostile bodies.
 * Run from the repository root; prints TAP.
 */


#define PLATFORM  sc_platform_intercom
#define FIXTURES  "t/fixtures/intercom/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(PLATFORM.name, "intercom", "descriptor: name");
    ok(PLATFORM.handshake == NULL, "descriptor: no GET handshake");
    ok(PLATFORM.verify == sc_verify_intercom, "descriptor: Intercom signature");
    ok(PLATFORM.inline_answer == NULL, "descriptor: no inline answer");
    ok(!PLATFORM.reply_inline && !PLATFORM.public_keys && !PLATFORM.signs_url,
       "descriptor: flags");
}


static void
test_ping(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("ping.json", NULL, &evs), SC_PARSE_OK,
           "ping: parses");
    is_int(evs.nevents, 0, "ping: not stored");
    is_int(answer.status, 200, "ping: answered 200");
    is_str(answer.content_type, "application/json", "ping: JSON");
    ok(answer.body != NULL && answer.body_len == 2
       && memcmp(answer.body, "{}", 2) == 0, "ping: body {}");
    sc_events_free(&evs);
}


static void
test_user_created(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("user_created.json", NULL, &evs), SC_PARSE_OK,
           "user_created: parses");
    is_int(evs.nevents, 1, "user_created: one event");
    is_int(answer.status, 0, "user_created: no answer of its own");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "intercom", "user_created: channel");
        is_str(ev->type, "message", "user_created: type");
        is_str(ev->external_id, "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3",
               "user_created: external_id is the notification id");
        is_str(ev->text, "Hi, I can't log in since the update & the reset "
               "link is broken.\nPlease help!",
               "user_created: the source body as text");
        is_str(ev->author_id, "5f7f0d21a1b2c3d4e5f6a7b8",
               "user_created: author");
        is_str(ev->author_name, "Jane Doe", "user_created: name");
        ok(ev->author_handle == NULL, "user_created: the email is no handle");
        is_str(ev->thread_id, "147000231",
               "user_created: thread is the conversation");
        is_int(ev->occurred_ms, 1718035200000LL,
               "user_created: the notification's time");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "user_created: private");
        is_int(ev->from_brand, 0, "user_created: a customer");
        is_int(ev->answerable, 0, "user_created: Intercom answers itself");
        ok(ev->raw == json_array_get(evs.root, 0),
           "user_created: raw is the notification");
    }

    sc_events_free(&evs);
}


static void
test_replies(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("user_replied.json", NULL, &evs), SC_PARSE_OK,
           "user_replied: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "user_replied: type");
        is_str(ev->text, "Still locked out.\nTried twice today.",
               "user_replied: the last part, inline tags joined");
        is_str(ev->author_name, "Jane Doe", "user_replied: name");
        is_int(ev->occurred_ms, 1718038800000LL,
               "user_replied: the part's time");
        is_int(ev->from_brand, 0, "user_replied: a customer");

    } else {
        ok(0, "user_replied: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("admin_replied.json", NULL, &evs), SC_PARSE_OK,
           "admin_replied: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "conversation.admin.replied",
               "admin_replied: the topic is the type");
        is_int(ev->from_brand, 1, "admin_replied: the brand");
        is_str(ev->author_id, "814860", "admin_replied: the admin");
        is_str(ev->text, "Sorry Jane, I have reset your account \xe2\x80\x94 "
               "try now.", "admin_replied: &mdash; is a dash");
        is_str(ev->thread_id, "147000231", "admin_replied: same thread");

    } else {
        ok(0, "admin_replied: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("contact_created.json", NULL, &evs), SC_PARSE_OK,
           "contact_created: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "contact.lead.created", "contact_created: type");
        ok(ev->text == NULL && ev->author_id == NULL && ev->thread_id == NULL,
           "contact_created: not a conversation");
        is_int(ev->occurred_ms, 1718040001000LL, "contact_created: time");

    } else {
        ok(0, "contact_created: one event");
    }

    sc_events_free(&evs);
}


/* a conversation.user.created notification whose source body is body */
static const char *
html_text(const char *html, sc_events_t *evs)
{
    char    *body;
    json_t  *doc;

    doc = json_pack("{s:s, s:s, s:{s:{s:s, s:s, s:{s:s}}}}",
                    "topic", "conversation.user.created", "id", "notif_h",
                    "data", "item", "type", "conversation", "id", "1",
                    "source", "body", html);
    body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);

    if (parse_str(body, NULL, evs) != SC_PARSE_OK || evs->nevents != 1) {
        free(body);
        return "(parse failed)";
    }

    free(body);

    return evs->events[0].text;
}


static void
test_html(void)
{
    size_t        i;
    sc_events_t   evs;
    static const struct {
        const char  *html;
        const char  *text;
    } cases[] = {
        { "plain words", "plain words" },
        { "<p></p>", NULL },
        { "<p> </p>&nbsp;", NULL },
        { "  <div>x</div>\n\n<DIV>y</DIV>  ", "x\ny" },
        { "a < b and c > d", "a < b and c > d" },
        { "unterminated <p", "unterminated <p" },
        { "&nbsp;&nbsp;hi&nbsp;there", "hi there" },
        { "<ul><li>one</li><li>two</li></ul>", "one\ntwo" },
        { "5 &lt; 6 &amp;&amp; &quot;q&quot; &apos;s&apos;",
          "5 < 6 && \"q\" 's'" },
        { "<a href=\"https://x.example\">link</a>s", "links" },
        { "caf\xc3\xa9 <b>\xe2\x9c\x93</b>", "caf\xc3\xa9 \xe2\x9c\x93" },
        { "&amp", "&amp" },
        { "it&#8217;s &#x2014; &#X1F600;", "it\xe2\x80\x99s \xe2\x80\x94 "
          "\xf0\x9f\x98\x80" },
        { "&#39;&#x27;&#233;", "''\xc3\xa9" },
        { "a&#10;&#32;b", "a b" },
        { "&#0; &#xD800; &#x110000; &#; &#x; &#12", "&#0; &#xD800; "
          "&#x110000; &#; &#x; &#12" },
        { "&#000000000065;", "&#000000000065;" },
        { "<p>I&rsquo;m &ldquo;done&rdquo;&hellip;</p>&ndash;&lsquo;x",
          "I\xe2\x80\x99m \xe2\x80\x9c" "done\xe2\x80\x9d\xe2\x80\xa6\n"
          "\xe2\x80\x93\xe2\x80\x98x" },
        { "&mdash;", "\xe2\x80\x94" },
        { "&bogus; &copy;", "&bogus; &copy;" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        is_str(html_text(cases[i].html, &evs), cases[i].text,
               "html case %zu", i);
        sc_events_free(&evs);
    }

    ok(strcmp(html_text("plain words", &evs), "plain words") == 0
       && evs.events[0].text == json_string_value(
              sc_json_path(json_array_get(evs.root, 0),
                           "data.item.source.body")),
       "html: plain text is borrowed, not copied");
    sc_events_free(&evs);
}


/* notifications as Intercom sends them, besides the plain ones */
static void
test_real_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;
    static const char  *other[] = {
        "conversation.read", "conversation.admin.assigned",
        "conversation.priority.updated", "conversation.rating.added",
        "conversation_part.redacted", NULL
    };
    const char  **t;
    char          body[1024];

    /* a tag on the customer's part: their words are not said again */
    is_int(parse_fixture("conversation_part_tag_created.json", NULL, &evs),
           SC_PARSE_OK, "tag created: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "conversation_part.tag.created", "tag created: type");
        ok(ev->text == NULL && ev->author_id == NULL,
           "tag created: no text, no author");
        is_str(ev->thread_id, "147000231", "tag created: the conversation");
        is_int(ev->from_brand, 0, "tag created: not the brand's words");
        is_int(ev->occurred_ms, 1718039001000LL,
               "tag created: the notification's time");
        is_str(ev->external_id, "notif_0a1b2c3d-4444-4e5f-8a9b-0c1d2e3f4a5b",
               "tag created: the notification id");

    } else {
        ok(0, "tag created: one event");
    }

    sc_events_free(&evs);

    /* receipts and bookkeeping carry the same parts */
    for (t = other; *t != NULL; t++) {
        snprintf(body, sizeof(body), "{\"topic\":\"%s\",\"id\":\"n-%s\","
                 "\"data\":{\"item\":{\"type\":\"conversation\","
                 "\"id\":\"c1\",\"conversation_parts\":{"
                 "\"conversation_parts\":[{\"body\":\"<p>Awful, refund "
                 "me</p>\",\"author\":{\"type\":\"user\",\"id\":\"u1\"}}]}}}}",
                 *t, *t);

        is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "%s: parses", *t);
        ok(evs.nevents == 1 && evs.events[0].text == NULL
           && evs.events[0].author_id == NULL
           && evs.events[0].thread_id != NULL
           && strcmp(evs.events[0].thread_id, "c1") == 0,
           "%s: no text, no author, the thread", *t);
        sc_events_free(&evs);
    }

    /* API 1.x: the first message is "conversation_message" */
    is_int(parse_fixture("user_created_v1.json", NULL, &evs), SC_PARSE_OK,
           "API 1.x user.created: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "API 1.x user.created: a message");
        is_str(ev->text, "Your checkout charged me twice \xe2\x80\x94 "
               "please refund one!", "API 1.x user.created: its text");
        is_str(ev->author_id, "6657a1b2c3d4e5f6a7b8c9d0",
               "API 1.x user.created: the lead");
        is_str(ev->author_name, "Tom\xc3\xa1s Ortega",
               "API 1.x user.created: name from item.user");
        is_str(ev->thread_id, "147000388", "API 1.x user.created: thread");
        is_int(ev->from_brand, 0, "API 1.x user.created: a customer");
        is_int(ev->occurred_ms, 1718040101000LL,
               "API 1.x user.created: the notification's time");

    } else {
        ok(0, "API 1.x user.created: one event");
    }

    sc_events_free(&evs);

    /* a workflow assigned the conversation right after the reply */
    is_int(parse_fixture("user_replied_workflow.json", NULL, &evs),
           SC_PARSE_OK, "reply + assignment: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->text, "Hello?? Nobody answers. I\xe2\x80\x99m cancelling "
               "my subscription.", "reply + assignment: the customer's part");
        is_str(ev->author_name, "Jane Doe", "reply + assignment: the customer");
        is_int(ev->from_brand, 0, "reply + assignment: not the bot");
        is_int(ev->occurred_ms, 1718041200000LL,
               "reply + assignment: the reply's time");

    } else {
        ok(0, "reply + assignment: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("operator_replied.json", NULL, &evs), SC_PARSE_OK,
           "operator replied: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "conversation.operator.replied",
               "operator replied: type");
        is_int(ev->from_brand, 1, "operator replied: the bot is the brand");
        is_str(ev->text, "Sorry you're stuck! The team usually replies in "
               "under an hour.", "operator replied: text");
        is_str(ev->author_name, "Operator", "operator replied: name");

    } else {
        ok(0, "operator replied: one event");
    }

    sc_events_free(&evs);

    /* a close after the customer wrote again: the admin's part */
    is_int(parse_str("{\"topic\":\"conversation.admin.closed\","
                     "\"id\":\"n-close\",\"data\":{\"item\":{\"type\":"
                     "\"conversation\",\"id\":\"c3\",\"conversation_parts\":"
                     "{\"conversation_parts\":[{\"part_type\":\"close\","
                     "\"body\":null,\"author\":{\"type\":\"admin\",\"id\":"
                     "\"814860\"}},{\"part_type\":\"comment\",\"body\":"
                     "\"<p>Why did you close it? Still broken!</p>\","
                     "\"author\":{\"type\":\"user\",\"id\":\"u1\"}}]}}}}",
                     NULL, &evs),
           SC_PARSE_OK, "admin closed: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand
       && evs.events[0].text == NULL && evs.events[0].author_id != NULL
       && strcmp(evs.events[0].author_id, "814860") == 0,
       "admin closed: the admin's part, not the customer's words");
    sc_events_free(&evs);

    /* an admin's outbound first message: no part yet, the source */
    is_int(parse_str("{\"topic\":\"conversation.admin.single.created\","
                     "\"id\":\"n-out\",\"data\":{\"item\":{\"type\":"
                     "\"conversation\",\"id\":\"c2\",\"source\":{\"body\":"
                     "\"<p>Your order shipped</p>\",\"author\":{\"type\":"
                     "\"admin\",\"id\":\"814860\"}},\"conversation_parts\":"
                     "{\"conversation_parts\":[]}}}}", NULL, &evs),
           SC_PARSE_OK, "admin outbound: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand
       && evs.events[0].text != NULL
       && strcmp(evs.events[0].text, "Your order shipped") == 0,
       "admin outbound: the source, the brand");
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("{\"topic\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("[{\"topic\":\"ping\"}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_int(answer.status, 0, "array root: no ping answer");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"notification_event\"}", NULL, &evs),
           SC_PARSE_INVALID, "missing topic is invalid");
    is_str(err, "body is not an Intercom notification: no \"topic\" string",
           "missing topic message");
    sc_events_free(&evs);

    is_int(parse_str("{\"topic\":[\"ping\"]}", NULL, &evs), SC_PARSE_INVALID,
           "topic as an array is invalid");
    sc_events_free(&evs);
}


static void
test_wrong_types(void)
{
    char          body[256], topic[101];
    sc_event_t   *ev;
    sc_events_t   evs;

    /* API 1.x: the customer is data.item.user; no notification id */
    is_int(parse_str("{\"topic\":\"conversation.user.created\","
                     "\"created_at\":\"1718035200\",\"data\":{\"item\":{"
                     "\"type\":\"conversation\",\"id\":147,"
                     "\"user\":{\"id\":\"u1\",\"name\":\"Old API\"},"
                     "\"conversation_message\":{\"body\":\"hi\"}}}}",
                     NULL, &evs),
           SC_PARSE_OK, "API 1.x conversation: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->author_id, "u1", "API 1.x: author from item.user");
        is_str(ev->author_name, "Old API", "API 1.x: name");
        is_str(ev->thread_id, "147", "API 1.x: numeric conversation id");
        ok(is_hash_id(ev->external_id, "intercom"),
           "API 1.x: no id, intercom:<sha256>");
        is_int(ev->occurred_ms, 1718035200000LL,
               "API 1.x: created_at as a string");

    } else {
        ok(0, "API 1.x conversation: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"topic\":\"conversation.user.replied\",\"id\":5,"
                     "\"data\":{\"item\":{\"type\":\"conversation\","
                     "\"conversation_parts\":{\"conversation_parts\":"
                     "[{\"body\":7,\"author\":\"x\",\"created_at\":true}]},"
                     "\"source\":5}}}", NULL, &evs),
           SC_PARSE_OK, "mistyped reply: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "mistyped reply: type");
        ok(ev->text == NULL && ev->author_id == NULL && ev->thread_id == NULL,
           "mistyped reply: no borrowed strings");
        ok(is_hash_id(ev->external_id, "intercom"),
           "mistyped reply: numeric id hashed");
        is_int(ev->occurred_ms, 0, "mistyped reply: no time");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"topic\":\"conversation.user.created\","
                     "\"data\":\"x\"}", NULL, &evs),
           SC_PARSE_OK, "data as a string: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "message") == 0,
       "data as a string: still stored");
    sc_events_free(&evs);

    memset(topic, 't', sizeof(topic) - 1);
    topic[sizeof(topic) - 1] = '\0';
    snprintf(body, sizeof(body), "{\"topic\":\"%s\",\"id\":\"n1\"}", topic);

    parse_str(body, NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && strcmp(evs.events[0].external_id, "n1") == 0,
       "100-byte topic: unsupported");
    sc_events_free(&evs);

    parse_str("{\"topic\":\"\",\"id\":\"n2\"}", NULL, &evs);
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "empty topic: unsupported");
    sc_events_free(&evs);
}


static void
test_determinism(void)
{
    sc_events_t  a, b;

    parse_str("{\"topic\":\"x.y\",\"b\":[1,2],\"a\":1}", NULL, &a);
    parse_str("{\"a\":1,\"b\":[1,2],\"topic\":\"x.y\"}", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b)
       && is_hash_id(a.events[0].external_id, "intercom"),
       "determinism: key order does not change hashed ids");

    sc_events_free(&a);
    sc_events_free(&b);

    parse_fixture("user_replied.json", NULL, &a);
    parse_fixture("user_replied.json", NULL, &b);

    ok(a.nevents == 1 && same_ids(&a, &b)
       && strcmp(a.events[0].text, b.events[0].text) == 0,
       "determinism: same notification, same id and text");

    sc_events_free(&a);
    sc_events_free(&b);
}


int
main(void)
{
    test_descriptor();
    test_ping();
    test_user_created();
    test_replies();
    test_html();
    test_real_shapes();
    test_bad_input();
    test_wrong_types();
    test_determinism();

    return done_platform_testing();
}
