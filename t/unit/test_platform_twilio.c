/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_twilio.c: the Twilio descriptor (Messaging form webhooks,
 * status callbacks and the TwiML answer) against recorded-shape bodies
 * (t/fixtures/twilio) and hostile ones.  Run from the repository root;
 * prints TAP.
 */


#define PLATFORM  sc_platform_twilio
#define FIXTURES  "t/fixtures/twilio/"
#define PARSE_NEVER_ANSWERS

#include "platform_test.h"


#define TWIML     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"


static const char  *hdr_form_utf8[] = {
    "Content-Type", "application/x-www-form-urlencoded; charset=utf-8",
    NULL
};


static void
test_descriptor(void)
{
    is_str(sc_platform_twilio.name, "twilio", "descriptor: name");
    ok(sc_platform_twilio.handshake == NULL, "descriptor: no GET handshake");
    ok(sc_platform_twilio.verify == sc_verify_twilio,
       "descriptor: X-Twilio-Signature check");
    ok(sc_platform_twilio.inline_answer != NULL
       && sc_platform_twilio.reply_inline,
       "descriptor: replies go in the TwiML answer");
    ok(!sc_platform_twilio.public_keys && sc_platform_twilio.signs_url,
       "descriptor: the signature covers the URL");
}


static void
test_sms(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("sms_inbound.form", HDR_FORM, &evs),
           SC_PARSE_OK, "sms_inbound: parses");
    is_int(evs.nevents, 1, "sms_inbound: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "sms", "sms_inbound: channel");
        is_str(ev->type, "message", "sms_inbound: type");
        is_str(ev->external_id, "SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a",
               "sms_inbound: external_id is MessageSid");
        is_str(ev->author_id, "+14155550123", "sms_inbound: From, decoded");
        is_str(ev->thread_id, "+14155550123", "sms_inbound: thread = From");
        ok(ev->author_name == NULL, "sms_inbound: no profile name");
        is_str(ev->text, "Hi, my order #48213 never arrived & I'm getting "
               "\"delivered\" emails. Help?", "sms_inbound: Body decoded");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "sms_inbound: private");
        is_int(ev->answerable, 1, "sms_inbound: answerable");
        is_int(ev->occurred_ms, 0, "sms_inbound: Twilio sends no time");
        is_str(json_string_value(json_object_get(ev->raw, "ToCity")),
               "SAN FRANCISCO", "sms_inbound: raw holds every field");
        ok(json_object_size(ev->raw) == 20, "sms_inbound: 20 fields in raw");

        is_int(inline_answer(&evs, "Thanks & sorry! <We're> on \"it\"", &a),
               1, "sms_inbound: inline answer");
        is_int(a.status, 200, "sms_inbound: 200");
        is_str(a.content_type, "application/xml", "sms_inbound: XML");
        ok(body_is(&a, TWIML "<Response><Message>Thanks &amp; sorry! "
                   "&lt;We&apos;re&gt; on &quot;it&quot;"
                   "</Message></Response>"),
           "sms_inbound: TwiML bytes, escaped");
        sc_answer_free(&a);

        is_int(inline_answer(&evs, NULL, &a), 1,
               "sms_inbound: answer without a reply");
        ok(body_is(&a, TWIML "<Response/>"), "sms_inbound: empty Response");
        sc_answer_free(&a);

        is_int(inline_answer(&evs, "a\x01" "b\tc\n", &a), 1,
               "control characters: answer");
        ok(body_is(&a, TWIML "<Response><Message>ab\tc\n"
                   "</Message></Response>"),
           "control characters: dropped, whitespace kept");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    /* without a Content-Type the first byte says form */
    if (parse_fixture("sms_inbound.form", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id,
               "SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a",
               "sms_inbound: same id again, no Content-Type");

    } else {
        ok(0, "sms_inbound: parses without Content-Type");
    }

    sc_events_free(&evs);
}


static void
test_whatsapp(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("whatsapp_inbound.form", hdr_form_utf8, &evs),
           SC_PARSE_OK, "whatsapp_inbound: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "whatsapp", "whatsapp_inbound: channel");
        is_str(ev->author_id, "whatsapp:+5511987654321",
               "whatsapp_inbound: From with prefix");
        is_str(ev->author_name, "Ana Lu\xc3\xadsa",
               "whatsapp_inbound: ProfileName, UTF-8");
        is_str(ev->text, "A caixa chegou amassada", "whatsapp_inbound: Body");
        is_str(json_string_value(json_object_get(ev->raw, "MediaUrl0")),
               "https://api.twilio.com/2010-04-01/Accounts/AC3e8b7f1c2d4a5b6c"
               "7d8e9f0a1b2c3d4e/Messages/MM8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a/"
               "Media/ME0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d",
               "whatsapp_inbound: media URL in raw");

        is_int(inline_answer(&evs, "Ol\xc3\xa1!", &a), 1,
               "whatsapp_inbound: answer");
        ok(body_is(&a, TWIML "<Response><Message>Ol\xc3\xa1!"
                   "</Message></Response>"),
           "whatsapp_inbound: UTF-8 passes through");
        sc_answer_free(&a);

    } else {
        ok(0, "whatsapp_inbound: one event");
    }

    sc_events_free(&evs);
}


static void
test_status(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("status_delivered.form", NULL, &evs), SC_PARSE_OK,
           "status_delivered: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "status", "status_delivered: type");
        is_str(ev->channel, "sms", "status_delivered: channel");
        is_str(ev->external_id, "SM7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d:delivered",
               "status_delivered: <sid>:<status>");
        is_str(ev->thread_id, "+14155550123",
               "status_delivered: thread is the recipient");
        is_int(ev->answerable, 0, "status_delivered: not answerable");

        is_int(inline_answer(&evs, "x", &a), 1, "status_delivered: answer");
        ok(body_is(&a, TWIML "<Response/>"),
           "status_delivered: empty Response");
        sc_answer_free(&a);

    } else {
        ok(0, "status_delivered: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("status_failed.form", NULL, &evs), SC_PARSE_OK,
           "status_failed: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "whatsapp", "status_failed: channel");
        is_str(ev->external_id, "SMf0e1d2c3b4a5968778695a4b3c2d1e0f:"
               "undelivered", "status_failed: id");
        is_str(json_string_value(json_object_get(ev->raw, "ErrorCode")),
               "63016", "status_failed: error code in raw");

    } else {
        ok(0, "status_failed: one event");
    }

    sc_events_free(&evs);
}


static void
test_unknown(void)
{
    char          id[SC_EXTERNAL_ID_MAX];
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("voice_call.form", NULL, &evs), SC_PARSE_OK,
           "voice_call: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "voice_call: unsupported");
        is_str(evs.events[0].channel, "twilio", "voice_call: channel");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "voice_call: hash id");
        is_str(json_string_value(json_object_get(evs.events[0].raw,
                                                 "CallToken")),
               "{\"parentCallInfoToken\":\"eyJhbGciOiJFUzI1NiJ9\"}",
               "voice_call: raw keeps the decoded fields");
        snprintf(id, sizeof(id), "%s", evs.events[0].external_id);

        is_int(inline_answer(&evs, "x", &a), 1, "voice_call: answer");
        ok(body_is(&a, TWIML "<Response/>"), "voice_call: empty Response");
        sc_answer_free(&a);

    } else {
        ok(0, "voice_call: one event");
        id[0] = '\0';
    }

    sc_events_free(&evs);

    if (parse_fixture("voice_call.form", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, id, "voice_call: same id again");
    }

    sc_events_free(&evs);

    /* JSON that is no CloudEvent: kept whole */
    is_int(parse_str("{\"a\":1}", HDR_JSON, &evs), SC_PARSE_OK,
           "JSON object: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && json_is_object(evs.events[0].raw),
       "JSON object: one unsupported event, raw is the body");
    sc_events_free(&evs);

    is_int(parse_str("[]", HDR_JSON, &evs), SC_PARSE_OK,
           "empty JSON array: parses");
    is_int(evs.nevents, 0, "empty JSON array: nothing to store");
    sc_events_free(&evs);

    is_int(parse_str("[5,\"x\",{\"type\":\"com.twilio.messaging.message."
                     "sent\",\"data\":[]}]", HDR_JSON, &evs),
           SC_PARSE_OK, "mistyped CloudEvents: parse");
    ok(evs.nevents == 3 && strcmp(evs.events[0].type, "unsupported") == 0
       && strcmp(evs.events[1].type, "unsupported") == 0
       && strcmp(evs.events[2].type, "unsupported") == 0
       && distinct_ids(&evs),
       "mistyped CloudEvents: each kept, apart");
    sc_events_free(&evs);

    /* repeated names keep every value */
    is_int(parse_str("MessageSid=SM1&From=%2B1&Body=a&Body=b&Body=c",
                     HDR_FORM, &evs),
           SC_PARSE_OK, "repeated Body: parses");

    if (evs.nevents == 1) {
        ok(evs.events[0].text == NULL, "repeated Body: no single text");
        is_int(json_array_size(json_object_get(evs.events[0].raw, "Body")),
               3, "repeated Body: all three values in raw");
    }

    sc_events_free(&evs);

    is_int(parse_str("SmsSid=SM2&From=%2B1&Body=", HDR_FORM, &evs), SC_PARSE_OK,
           "SmsSid only, empty Body: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "message", "SmsSid only: message");
        is_str(evs.events[0].external_id, "SM2", "SmsSid only: its id");
        is_str(evs.events[0].text, "", "SmsSid only: empty text");
    }

    sc_events_free(&evs);
}


/* an MMS: media only, Body empty; the customer still gets a reply */
static void
test_mms(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("mms_inbound.form", HDR_FORM, &evs), SC_PARSE_OK,
           "mms_inbound: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "sms", "mms_inbound: channel sms");
        is_str(ev->type, "message", "mms_inbound: a message");
        is_str(ev->external_id, "MM3b2a1908f7e6d5c4b3a29180f7e6d5c4",
               "mms_inbound: MM sid");
        is_str(ev->text, "", "mms_inbound: empty text, not none");
        is_str(ev->author_id, "+15035550177", "mms_inbound: From");
        is_int(ev->answerable, 1, "mms_inbound: answerable");
        is_str(json_string_value(json_object_get(ev->raw, "MediaUrl1")),
               "https://api.twilio.com/2010-04-01/Accounts/"
               "AC5d0c4b3a29180f7e6d5c4b3a29180f7e/Messages/"
               "MM3b2a1908f7e6d5c4b3a29180f7e6d5c4/Media/"
               "ME99887766554433221100ffeeddccbbaa",
               "mms_inbound: second media URL in raw");

        is_int(inline_answer(&evs, "Got your photos", &a), 1,
               "mms_inbound: answer");
        ok(body_is(&a, TWIML "<Response><Message>Got your photos"
                   "</Message></Response>"),
           "mms_inbound: TwiML reply");
        sc_answer_free(&a);

    } else {
        ok(0, "mms_inbound: one event");
    }

    sc_events_free(&evs);
}


/* WhatsApp: a quick-reply button and a shared location */
static void
test_whatsapp_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("whatsapp_button.form", hdr_form_utf8, &evs),
           SC_PARSE_OK, "whatsapp_button: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "whatsapp", "whatsapp_button: channel");
        is_str(ev->type, "message", "whatsapp_button: a message");
        is_str(ev->external_id, "SM7c6b5a4938271605f4e3d2c1b0a99887",
               "whatsapp_button: MessageSid");
        is_str(ev->text, "Falar com um agente",
               "whatsapp_button: Body is the button's text");
        is_str(ev->author_name, "Jo\xc3\xa3o \xf0\x9f\x9a\x9a",
               "whatsapp_button: ProfileName, 4-byte UTF-8");
        is_str(ev->thread_id, "whatsapp:+351912345678",
               "whatsapp_button: thread is the customer, not the replied "
               "message");
        is_int(ev->answerable, 1, "whatsapp_button: answerable");
        is_str(json_string_value(json_object_get(ev->raw,
                                                 "ButtonPayload")),
               "talk_to_agent", "whatsapp_button: payload in raw");
        ok(strstr(json_string_value(json_object_get(ev->raw,
                                                    "ChannelMetadata")),
                  "\"WaId\":\"351912345678\"") != NULL,
           "whatsapp_button: ChannelMetadata JSON kept as a string");

    } else {
        ok(0, "whatsapp_button: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("whatsapp_location.form", hdr_form_utf8, &evs),
           SC_PARSE_OK, "whatsapp_location: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "whatsapp_location: a message");
        is_str(ev->text, "", "whatsapp_location: empty Body");
        is_int(ev->answerable, 1, "whatsapp_location: answerable");
        is_str(json_string_value(json_object_get(ev->raw, "Latitude")),
               "38.7223", "whatsapp_location: Latitude in raw");
        is_str(json_string_value(json_object_get(ev->raw, "Address")),
               "Pra\xc3\xa7" "a do Com\xc3\xa9rcio, 1100-148 Lisboa",
               "whatsapp_location: Address decoded");

    } else {
        ok(0, "whatsapp_location: one event");
    }

    sc_events_free(&evs);
}


/* STOP and friends: Twilio answers them; the edge must not */
static void
test_keywords(void)
{
    size_t        i;
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;
    char          body[128];
    static const struct {
        const char  *body;
        const char  *from;
        const char  *type;
    } cases[] = {
        { "STOP",               "%2B1",           "opt_out" },
        { "unsubscribe",        "%2B1",           "opt_out" },
        { "%0AStopAll%20",      "%2B1",           "opt_out" },
        { "start",              "%2B1",           "opt_in" },
        { "Stop+sending+me+ads", "%2B1",          "message" },
        { "HELP",               "%2B1",           "message" },
        { "yes",                "%2B1",           "message" },
        { "STOP",               "whatsapp%3A%2B1", "message" }
    };

    is_int(parse_fixture("sms_stop.form", HDR_FORM, &evs), SC_PARSE_OK,
           "sms_stop: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "opt_out", "sms_stop: type opt_out");
        is_str(ev->external_id, "SM4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b",
               "sms_stop: its MessageSid");
        is_str(ev->text, " Stop ", "sms_stop: the words kept");
        is_int(ev->answerable, 0, "sms_stop: not answered");
        is_int(inline_answer(&evs, "x", &a), 1, "sms_stop: answer");
        ok(body_is(&a, TWIML "<Response/>"), "sms_stop: empty Response");
        sc_answer_free(&a);

    } else {
        ok(0, "sms_stop: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("sms_optout_advanced.form", HDR_FORM, &evs),
           SC_PARSE_OK, "sms_optout_advanced: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "opt_out") == 0
       && !evs.events[0].answerable,
       "sms_optout_advanced: OptOutType=STOP, whatever the word");
    sc_events_free(&evs);

    is_int(parse_str("MessageSid=SM9&From=%2B1&To=%2B2&Body=Info&"
                     "OptOutType=HELP", HDR_FORM, &evs),
           SC_PARSE_OK, "OptOutType=HELP: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "help") == 0
       && !evs.events[0].answerable,
       "OptOutType=HELP: Twilio's own help answer, none of ours");
    sc_events_free(&evs);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(body, sizeof(body), "MessageSid=SMk%zu&From=%s&To=%%2B2&"
                 "SmsStatus=received&Body=%s", i, cases[i].from,
                 cases[i].body);

        parse_str(body, HDR_FORM, &evs);
        ok(evs.nevents == 1 && strcmp(evs.events[0].type, cases[i].type) == 0
           && evs.events[0].answerable
              == (strcmp(cases[i].type, "message") == 0),
           "keyword '%s' from %s: %s", cases[i].body, cases[i].from,
           cases[i].type);
        sc_events_free(&evs);
    }
}


/* statuses: every step of the brand's message, none a customer's */
static void
test_status_shapes(void)
{
    size_t        i;
    sc_events_t   evs;
    static const struct {
        const char  *fixture;
        const char  *id;
        const char  *channel;
    } cases[] = {
        { "status_queued.form", "SM8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e:queued",
          "sms" },
        { "status_sent_legacy.form",
          "SM8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e:sent", "sms" },
        { "status_read_whatsapp.form",
          "SM9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f:read", "whatsapp" },
        { "status_failed_sms.form",
          "SMa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5:failed", "sms" }
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        is_int(parse_fixture(cases[i].fixture, HDR_FORM, &evs), SC_PARSE_OK,
               "%s: parses", cases[i].fixture);

        if (evs.nevents == 1) {
            is_str(evs.events[0].type, "status", "%s: status",
                   cases[i].fixture);
            is_str(evs.events[0].external_id, cases[i].id, "%s: id",
                   cases[i].fixture);
            is_str(evs.events[0].channel, cases[i].channel, "%s: channel",
                   cases[i].fixture);
            ok(evs.events[0].text == NULL && !evs.events[0].answerable
               && !evs.events[0].from_brand,
               "%s: no text, no reply", cases[i].fixture);

        } else {
            ok(0, "%s: one event", cases[i].fixture);
        }

        sc_events_free(&evs);
    }

    /* a status with a Body is still a status; received without one too */
    is_int(parse_str("MessageSid=SMs1&MessageStatus=delivered&Body=hi&"
                     "To=%2B1", HDR_FORM, &evs), SC_PARSE_OK,
           "delivered with a Body: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "status") == 0,
       "delivered with a Body: a status");
    sc_events_free(&evs);

    is_int(parse_str("MessageSid=SMs2&MessageStatus=received&To=%2B1",
                     HDR_FORM, &evs), SC_PARSE_OK,
           "received without a Body: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "status") == 0
       && strcmp(evs.events[0].external_id, "SMs2:received") == 0,
       "received without a Body: a status, not an empty message");
    sc_events_free(&evs);

    is_int(parse_str("MessageSid=SMs4&SmsStatus=received&NumMedia=1&"
                     "MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm&From=%2B1",
                     HDR_FORM, &evs), SC_PARSE_OK,
           "received, media, no Body: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "message") == 0
       && evs.events[0].answerable && evs.events[0].text != NULL
       && evs.events[0].text[0] == '\0',
       "received, media, no Body at all: the customer's message, text \"\"");
    sc_events_free(&evs);

    is_int(parse_str("MessageSid=SMs3&MessageStatus=received&Body=Hello&"
                     "From=%2B1", HDR_FORM, &evs), SC_PARSE_OK,
           "received with a Body: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "message") == 0
       && evs.events[0].answerable,
       "received with a Body: a customer's message");
    sc_events_free(&evs);
}


/* Conversations: stored for people, never answered inline */
static void
test_conversations(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("conversations_message_added.form", HDR_FORM, &evs),
           SC_PARSE_OK, "onMessageAdded: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "onMessageAdded: a message");
        is_str(ev->channel, "whatsapp", "onMessageAdded: channel by Source");
        is_str(ev->external_id, "IM1b2c3d4e5f60718293a4b5c6d7e8f90a",
               "onMessageAdded: IM sid");
        is_str(ev->author_id, "whatsapp:+351912345678",
               "onMessageAdded: Author");
        is_str(ev->thread_id, "CH3d4e5f60718293a4b5c6d7e8f90a1b2c",
               "onMessageAdded: thread is the conversation");
        is_str(ev->text, "A encomenda chegou partida", "onMessageAdded: Body");
        is_int(ev->occurred_ms, 1718035323456LL,
               "onMessageAdded: DateCreated");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "onMessageAdded: "
               "private");
        is_int(ev->answerable, 0,
               "onMessageAdded: no TwiML path, no holding reply");

        is_int(inline_answer(&evs, "x", &a), 1, "onMessageAdded: answer");
        is_str(a.content_type, "application/json",
               "onMessageAdded: JSON, not TwiML");
        ok(body_is(&a, "{}"), "onMessageAdded: {} changes nothing");
        sc_answer_free(&a);

    } else {
        ok(0, "onMessageAdded: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("conversations_delivery_updated.form", HDR_FORM,
                         &evs),
           SC_PARSE_OK, "onDeliveryUpdated: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "status", "onDeliveryUpdated: a status");
        is_str(ev->external_id, "IM5f60718293a4b5c6d7e8f90a1b2c3d4e:delivered",
               "onDeliveryUpdated: <sid>:<status>");
        ok(ev->text == NULL && !ev->answerable,
           "onDeliveryUpdated: no text, no reply");

    } else {
        ok(0, "onDeliveryUpdated: one event");
    }

    sc_events_free(&evs);

    /* an update of a stored message must not take its id */
    is_int(parse_str("EventType=onMessageUpdated&MessageSid=IM1&Body=edited&"
                     "ConversationSid=CH1&Author=a", HDR_FORM, &evs),
           SC_PARSE_OK, "onMessageUpdated: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && strcmp(evs.events[0].external_id, "IM1") != 0,
       "onMessageUpdated: kept apart, not as the message");
    sc_events_free(&evs);

    is_int(parse_str("EventType=onParticipantAdded&ConversationSid=CH1&"
                     "ParticipantSid=MB1", HDR_FORM, &evs),
           SC_PARSE_OK, "onParticipantAdded: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "onParticipantAdded: unsupported");
    sc_events_free(&evs);

    is_int(parse_str("EventType=onMessageAdded&MessageSid=IM2&Author=agent7&"
                     "Source=SDK&ConversationSid=CH1&"
                     "Media=%5B%7B%22Sid%22%3A%22ME1%22%7D%5D", HDR_FORM, &evs),
           SC_PARSE_OK, "SDK media message: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].channel, "chat") == 0
       && evs.events[0].text != NULL && evs.events[0].text[0] == '\0',
       "SDK media message: chat channel, empty text");
    sc_events_free(&evs);
}


/* Event Streams: CloudEvents, deduped with the webhooks' own ids */
static void
test_event_streams(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs, again;

    is_int(parse_fixture("event_streams.json", HDR_JSON, &evs),
           SC_PARSE_OK, "event_streams: parses");
    is_int(evs.nevents, 3, "event_streams: one event per CloudEvent");

    if (evs.nevents == 3) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "inbound-message.received: a message");
        is_str(ev->external_id, "SM1f0e8c4ab2d94c6e9f3a7b5d2c1e0f9a",
               "inbound-message.received: the MessageSid, as the webhook's");
        is_str(ev->text, "Hi there", "inbound-message.received: body");
        is_str(ev->author_id, "+14155550123",
               "inbound-message.received: from");
        is_int(ev->occurred_ms, 1718035200000LL,
               "inbound-message.received: timestamp");
        is_int(ev->answerable, 0,
               "inbound-message.received: Event Streams reads no TwiML");
        ok(json_is_object(ev->raw)
           && json_object_get(ev->raw, "specversion") != NULL,
           "inbound-message.received: raw is the CloudEvent");

        ev = &evs.events[1];
        is_str(ev->type, "status", "message.delivered: a status");
        is_str(ev->external_id, "SM7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d:delivered",
               "message.delivered: as the status callback's id");
        is_str(ev->thread_id, "+14155550123", "message.delivered: thread");

        is_str(evs.events[2].type, "unsupported", "voice CloudEvent: kept");

        is_int(inline_answer(&evs, "x", &a), 1, "event_streams: answer");
        ok(body_is(&a, TWIML "<Response/>"), "event_streams: nothing to say");
        sc_answer_free(&a);
    }

    parse_fixture("event_streams.json", NULL, &again);
    ok(same_ids(&evs, &again),
       "event_streams without Content-Type: JSON, same ids");
    sc_events_free(&again);
    sc_events_free(&evs);

    /* one CloudEvent, not in an array; the status from the type */
    is_int(parse_str("{\"specversion\":\"1.0\",\"type\":\"com.twilio."
                     "messaging.message.undelivered\",\"id\":\"EZ9\","
                     "\"data\":{\"messageSid\":\"SMu1\",\"to\":\"whatsapp:"
                     "+1\",\"errorCode\":63016}}", HDR_JSON, &evs),
           SC_PARSE_OK, "single CloudEvent: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "status") == 0
       && strcmp(evs.events[0].external_id, "SMu1:undelivered") == 0
       && strcmp(evs.events[0].channel, "whatsapp") == 0,
       "single CloudEvent: a whatsapp status");
    sc_events_free(&evs);
}


/* '+' spaces, percent-encoded UTF-8, CR LF, unknown repeated parameters */
static void
test_utf8_form(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("sms_utf8.form", HDR_FORM, &evs), SC_PARSE_OK,
           "sms_utf8: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->text, "Caf\xc3\xa9 order #7 & 50% off? 100+ items "
               "\xe2\x80\x94 na\xc3\xafve \xf0\x9f\x98\xa1\r\nline two",
               "sms_utf8: Body decoded byte for byte");
        is_int(json_array_size(json_object_get(ev->raw, "X-Future-Param")),
               2, "sms_utf8: an unknown repeated parameter kept whole");
        is_int(ev->answerable, 1, "sms_utf8: answerable");

    } else {
        ok(0, "sms_utf8: one event");
    }

    sc_events_free(&evs);
}


/* TwiML: noncharacters that XML cannot carry are left out */
static void
test_twiml_escape(void)
{
    sc_answer_t   a;
    sc_events_t   evs;

    if (parse_str("MessageSid=SMx1&From=%2B1&Body=hi", HDR_FORM, &evs)
        != SC_PARSE_OK)
    {
        ok(0, "twiml: parses");
        sc_events_free(&evs);
        return;
    }

    is_int(inline_answer(&evs, "a\xef\xbf\xbf" "b\xef\xbf\xbe" "c\xef\xbf\xbd"
                         "]]>&amp;", &a), 1, "twiml: answer");
    ok(body_is(&a, TWIML "<Response><Message>abc\xef\xbf\xbd]]&gt;&amp;amp;"
               "</Message></Response>"),
       "twiml: U+FFFF, U+FFFE dropped, U+FFFD kept, ]]> and & escaped");
    sc_answer_free(&a);
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    sc_events_t  evs;

    is_int(parse_str("MessageSid=SM1&Body=a%00b", HDR_FORM, &evs),
           SC_PARSE_BAD_JSON, "%%00 is refused");
    ok(strstr(err, "not a form") != NULL, "NUL message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "NUL leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("MessageSid=SM1&Body=caf%E9", HDR_FORM, &evs),
           SC_PARSE_INVALID, "Latin-1 byte is refused");
    is_str(err, "form field 2 is not UTF-8", "Latin-1 message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("", HDR_FORM, &evs), SC_PARSE_INVALID,
           "empty body is invalid");
    is_str(err, "body has no form fields", "empty body message");
    sc_events_free(&evs);

    is_int(parse_str("&&&", HDR_FORM, &evs), SC_PARSE_INVALID,
           "only separators");
    sc_events_free(&evs);

    is_int(parse_req("{\"a\":", 5, HDR_JSON, &evs),
           SC_PARSE_BAD_JSON, "truncated JSON body is bad JSON");
    sc_events_free(&evs);

    is_int(parse_req("\"sms\"", 5, HDR_JSON, &evs),
           SC_PARSE_INVALID, "JSON string body is invalid");
    sc_events_free(&evs);

    /* "whatsapp" alone is no prefix; no sid at all is unsupported */
    is_int(parse_str("From=whatsapp&Body=hi", HDR_FORM, &evs), SC_PARSE_OK,
           "no sid: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "no sid: unsupported");
    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_sms();
    test_whatsapp();
    test_status();
    test_unknown();
    test_mms();
    test_whatsapp_shapes();
    test_keywords();
    test_status_shapes();
    test_conversations();
    test_event_streams();
    test_utf8_form();
    test_twiml_escape();
    test_bad_input();

    return done_platform_testing();
}
