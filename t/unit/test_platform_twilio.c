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

    is_int(parse_fixture("event_streams.json", HDR_JSON, &evs),
           SC_PARSE_OK, "event_streams: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && json_is_array(evs.events[0].raw),
       "event_streams: one unsupported event, raw is the array");
    sc_events_free(&evs);

    is_int(parse_fixture("event_streams.json", NULL, &evs), SC_PARSE_OK,
           "event_streams without Content-Type: parses as JSON");
    ok(evs.nevents == 1 && json_is_array(evs.events[0].raw),
       "event_streams without Content-Type: JSON");
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
    test_bad_input();

    return done_platform_testing();
}
