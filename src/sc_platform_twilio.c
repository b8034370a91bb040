/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_twilio.c: Twilio Messaging webhooks (SMS, MMS, WhatsApp) ->
 * sc_event_t, and the holding reply as TwiML in the webhook answer.
 *
 *   inbound message     form: MessageSid, From, To, Body, NumMedia,
 *                       ProfileName and WaId (WhatsApp), ...
 *   status callback     form: MessageSid, MessageStatus, no Body
 *
 * Form bodies become a JSON object of their fields (the events' raw).
 * Whatever is not understood (a voice webhook, a JSON body) becomes one
 * "unsupported" event: nothing may vanish here.
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdlib.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_TWILIO_WHATSAPP   "whatsapp:"

#define SC_TWIML_HEAD        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define SC_TWIML_EMPTY       SC_TWIML_HEAD "<Response/>"
#define SC_TWIML_OPEN        SC_TWIML_HEAD "<Response><Message>"
#define SC_TWIML_CLOSE       "</Message></Response>"

#define SC_XML_ESCAPE_MAX    6          /* "&quot;" */


static sc_parse_rc_e sc_twilio_parse(const sc_request_t *rq,
    sc_events_t *out, sc_answer_t *answer, char *err, size_t errlen);
static int sc_twilio_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_twilio_json(const sc_request_t *rq,
    sc_events_t *out, char *err, size_t errlen);
static sc_parse_rc_e sc_twilio_message(sc_events_t *out, json_t *doc);
static const char *sc_twilio_channel(const char *a, const char *b);
static size_t sc_xml_escape(const char *s, char *out);


const sc_platform_t  sc_platform_twilio = {
    "twilio",
    NULL,
    sc_verify_twilio,
    sc_twilio_parse,
    sc_twilio_inline_answer,
    1,
    0,
    1
};


static sc_parse_rc_e
sc_twilio_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc;
    sc_parse_rc_e   rc;

    (void) answer;

    /* Event Streams and other JSON senders: kept, not understood */
    if (sc_json_body_is_json(rq)) {
        return sc_twilio_json(rq, out, err, errlen);
    }

    rc = sc_json_load_form(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    if (json_object_size(doc) == 0) {
        sc_json_err(err, errlen, "body has no form fields");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    rc = sc_twilio_message(out, doc);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_twilio_json(const sc_request_t *rq, sc_events_t *out, char *err,
    size_t errlen)
{
    json_t         *doc;
    sc_parse_rc_e   rc;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    if (!json_is_object(doc) && !json_is_array(doc)) {
        sc_json_err(err, errlen, "body is neither a form nor a JSON object "
                    "or array");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    rc = sc_json_unsupported(out, "twilio", doc);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_twilio_message(sc_events_t *out, json_t *doc)
{
    json_t         *parts[2];
    const char     *from, *to, *sid, *status, *body;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    sid = sc_json_str(doc, "MessageSid");
    if (sid == NULL) {
        sid = sc_json_str(doc, "SmsSid");
    }

    from = sc_json_str(doc, "From");
    to = sc_json_str(doc, "To");
    body = sc_json_str(doc, "Body");
    status = sc_json_str(doc, "MessageStatus");

    /* a voice call, a Conversations event, ...: not a message */
    if (sid == NULL || sid[0] == '\0') {
        return sc_json_unsupported(out, "twilio", doc);
    }

    if (status != NULL && body == NULL) {
        rc = sc_json_event(out, sc_twilio_channel(from, to), "status", doc,
                           &ev);
        if (rc != SC_PARSE_OK) {
            return rc;
        }

        /* the brand's outbound message: the customer is the recipient */
        ev->thread_id = to;

        /* queued, sent, delivered, read: one row for each step */
        parts[0] = json_object_get(doc, "MessageSid");
        if (parts[0] == NULL) {
            parts[0] = json_object_get(doc, "SmsSid");
        }

        parts[1] = json_object_get(doc, "MessageStatus");

        return sc_json_set_id_join(ev, NULL, parts, 2);
    }

    rc = sc_json_event(out, sc_twilio_channel(from, to), "message", doc,
                       &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = from;
    ev->author_name = sc_json_str(doc, "ProfileName");
    ev->thread_id = from;
    ev->text = body;
    ev->answerable = 1;

    return sc_json_set_id(ev, sid);
}


/* "whatsapp:+14155238886" on either side makes it WhatsApp */
static const char *
sc_twilio_channel(const char *a, const char *b)
{
    size_t  n;

    n = sizeof(SC_TWILIO_WHATSAPP) - 1;

    if ((a != NULL && strncmp(a, SC_TWILIO_WHATSAPP, n) == 0)
        || (b != NULL && strncmp(b, SC_TWILIO_WHATSAPP, n) == 0))
    {
        return "whatsapp";
    }

    return "sms";
}


/*
 * TwiML: the holding reply as a <Message> to the sender, or an empty
 * <Response/> (Twilio wants TwiML or nothing; anything else is logged as
 * an error 12300 in the customer's console).
 */
static int
sc_twilio_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    int          rc;
    char        *xml, *p;
    size_t       i, n;
    const char  *text;

    text = NULL;

    for (i = 0; i < evs->nevents; i++) {
        if (replies[i].text != NULL) {
            text = replies[i].text;
            break;
        }
    }

    if (text == NULL) {
        return sc_answer_set(answer, 200, "application/xml", SC_TWIML_EMPTY,
                             sizeof(SC_TWIML_EMPTY) - 1) == 0;
    }

    n = strlen(text);

    xml = malloc(sizeof(SC_TWIML_OPEN) - 1 + n * SC_XML_ESCAPE_MAX
                 + sizeof(SC_TWIML_CLOSE));
    if (xml == NULL) {
        return 0;
    }

    p = xml;

    memcpy(p, SC_TWIML_OPEN, sizeof(SC_TWIML_OPEN) - 1);
    p += sizeof(SC_TWIML_OPEN) - 1;

    p += sc_xml_escape(text, p);

    memcpy(p, SC_TWIML_CLOSE, sizeof(SC_TWIML_CLOSE) - 1);
    p += sizeof(SC_TWIML_CLOSE) - 1;

    rc = sc_answer_set(answer, 200, "application/xml", xml,
                       (size_t) (p - xml));
    free(xml);

    return rc == 0;
}


/*
 * XML character data and attribute values: the five entities; control
 * characters that XML 1.0 cannot carry at all are left out.  out needs
 * SC_XML_ESCAPE_MAX bytes per input byte.
 */
static size_t
sc_xml_escape(const char *s, char *out)
{
    char         *p;
    size_t        n;
    const char   *e;
    unsigned char c;

    p = out;

    for ( /* void */ ; *s != '\0'; s++) {
        c = (unsigned char) *s;

        switch (c) {

        case '&':
            e = "&amp;";
            break;

        case '<':
            e = "&lt;";
            break;

        case '>':
            e = "&gt;";
            break;

        case '"':
            e = "&quot;";
            break;

        case '\'':
            e = "&apos;";
            break;

        default:
            e = NULL;
            break;
        }

        if (e != NULL) {
            n = strlen(e);
            memcpy(p, e, n);
            p += n;
            continue;
        }

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            continue;
        }

        *p++ = (char) c;
    }

    return (size_t) (p - out);
}
