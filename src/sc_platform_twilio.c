/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_twilio.c: Twilio webhooks -> sc_event_t, and the holding
 * reply as TwiML in the webhook answer.
 *
 *   inbound message     form: MessageSid, From, To, Body, NumMedia,
 *                       MediaUrl<n>, ProfileName and WaId (WhatsApp),
 *                       ButtonText, Latitude, OptOutType, ...
 *   status callback     form: MessageSid, MessageStatus (or the legacy
 *                       SmsStatus alone), no Body
 *   Conversations       form: EventType=onMessageAdded, ConversationSid,
 *                       MessageSid (IM...), Author, Body, Source, ...;
 *                       onDeliveryUpdated: MessageSid, Status
 *   Event Streams       JSON: an array of CloudEvents; the Messaging ones
 *                       (inbound-message.received, message.<status>)
 *
 * Form bodies become a JSON object of their fields (the events' raw).
 * Whatever is not understood (a voice webhook, another CloudEvent) becomes
 * an "unsupported" event: nothing may vanish here.
 *
 * Only the Messaging webhook reads its answer as TwiML, so only its
 * messages are answerable: a Conversations or Event Streams message gets
 * no holding reply (one marked "inline" would never reach anyone).
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_TWILIO_CHANNEL    "twilio"

#define SC_TWIML_HEAD        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
#define SC_TWIML_EMPTY       SC_TWIML_HEAD "<Response/>"
#define SC_TWIML_OPEN        SC_TWIML_HEAD "<Response><Message>"
#define SC_TWIML_CLOSE       "</Message></Response>"

/* a Conversations webhook wants 200, and JSON only to change the action */
#define SC_TWILIO_NO_CHANGE  "{}"

#define SC_XML_ESCAPE_MAX    6          /* "&quot;" */

#define SC_TWILIO_WORD_MAX   16         /* "UNSUBSCRIBE" and room */

#define SC_TWILIO_ES_MESSAGING  "com.twilio.messaging."
#define SC_TWILIO_ES_INBOUND    "com.twilio.messaging.inbound-message.received"
#define SC_TWILIO_ES_STATUS     "com.twilio.messaging.message."


static sc_parse_rc_e sc_twilio_parse(const sc_request_t *rq,
    sc_events_t *out, sc_answer_t *answer, char *err, size_t errlen);
static int sc_twilio_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_twilio_message(sc_events_t *out, json_t *doc);
static sc_parse_rc_e sc_twilio_conversation(sc_events_t *out, json_t *doc);
static sc_parse_rc_e sc_twilio_json(const sc_request_t *rq,
    sc_events_t *out, char *err, size_t errlen);
static sc_parse_rc_e sc_twilio_cloudevent(sc_events_t *out, json_t *ce);
static sc_parse_rc_e sc_twilio_status(sc_events_t *out, json_t *raw,
    const char *channel, const char *sid, const char *status,
    const char *thread, sc_event_t **evp);
static const char *sc_twilio_first(json_t *obj, const char **names);
static int sc_twilio_is_conversations(json_t *doc);
static int sc_twilio_received(const char *status);
static const char *sc_twilio_keyword(json_t *doc, const char *channel,
    const char *body);
static const char *sc_twilio_channel(const char *a, const char *b);
static const sc_json_name_t *sc_twilio_lookup(const sc_json_name_t *table,
    const char *name);
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


/* the message's id: MessageSid, then its deprecated twins */
static const char  *sc_twilio_sids[] = {
    "MessageSid", "SmsSid", "SmsMessageSid", NULL
};

/* a status callback's status; SmsStatus alone in legacy callbacks */
static const char  *sc_twilio_statuses[] = {
    "MessageStatus", "SmsStatus", NULL
};


/* address prefixes ("whatsapp:+14155238886") -> channel */
static const sc_json_name_t  sc_twilio_prefixes[] = {
    { "whatsapp:",   "whatsapp",  0 },
    { "messenger:",  "messenger", 0 },
    { "rcs:",        "rcs",       0 },
    { NULL,          NULL,        0 }
};


/* Conversations' Source -> channel; SDK, API, CHAT...: "chat" */
static const sc_json_name_t  sc_twilio_sources[] = {
    { "SMS",         "sms",       0 },
    { "WHATSAPP",    "whatsapp",  0 },
    { "MESSENGER",   "messenger", 0 },
    { "RCS",         "rcs",       0 },
    { NULL,          NULL,        0 }
};


/*
 * Twilio's default SMS keywords (Advanced Opt-Out names them in
 * OptOutType instead).  Twilio answers these itself and blocks anything
 * sent after a STOP (error 21610): no holding reply, and no customer
 * message waiting for one.  HELP and YES are left to people: on a care
 * line they are as often questions and answers as keywords.
 */
static const sc_json_name_t  sc_twilio_keywords[] = {
    { "STOP",        "opt_out",   0 },
    { "STOPALL",     "opt_out",   0 },
    { "UNSUBSCRIBE", "opt_out",   0 },
    { "CANCEL",      "opt_out",   0 },
    { "END",         "opt_out",   0 },
    { "QUIT",        "opt_out",   0 },
    { "REVOKE",      "opt_out",   0 },
    { "OPTOUT",      "opt_out",   0 },
    { "START",       "opt_in",    0 },
    { "UNSTOP",      "opt_in",    0 },
    { NULL,          NULL,        0 }
};


static const sc_json_name_t  sc_twilio_opt_out_types[] = {
    { "STOP",        "opt_out",   0 },
    { "START",       "opt_in",    0 },
    { "HELP",        "help",      0 },
    { NULL,          NULL,        0 }
};


static sc_parse_rc_e
sc_twilio_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc;
    sc_parse_rc_e   rc;

    (void) answer;

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

    rc = sc_twilio_is_conversations(doc) ? sc_twilio_conversation(out, doc)
                                         : sc_twilio_message(out, doc);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


/* a Messaging webhook: an inbound message or a status callback */
static sc_parse_rc_e
sc_twilio_message(sc_events_t *out, json_t *doc)
{
    int64_t         media;
    const char     *from, *to, *sid, *status, *body, *channel, *type;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    sid = sc_twilio_first(doc, sc_twilio_sids);

    /* a voice call, a Studio flow, ...: not a message */
    if (sid == NULL) {
        return sc_json_unsupported(out, SC_TWILIO_CHANNEL, doc);
    }

    from = sc_json_str(doc, "From");
    to = sc_json_str(doc, "To");
    body = sc_json_str(doc, "Body");
    status = sc_twilio_first(doc, sc_twilio_statuses);
    channel = sc_twilio_channel(from, to);

    /*
     * Inbound messages say SmsStatus=received and carry Body (empty for
     * media alone) and NumMedia; queued, sent, delivered, undelivered,
     * failed, read are the brand's own messages on their way: no customer
     * wrote, whatever else the callback carries
     */
    if (status != NULL
        && (!sc_twilio_received(status)
            || (body == NULL && sc_json_str(doc, "NumMedia") == NULL)))
    {
        return sc_twilio_status(out, doc, channel, sid, status, to, &ev);
    }

    type = sc_twilio_keyword(doc, channel, body);

    rc = sc_json_event(out, channel, type ? type : "message", doc, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = from;
    ev->author_name = sc_json_str(doc, "ProfileName");
    ev->thread_id = from;
    ev->text = body;
    ev->answerable = (type == NULL);

    /* media without any Body: still someone's message, classified */
    if (body == NULL
        && sc_json_int64(json_object_get(doc, "NumMedia"), &media) == 0
        && media > 0)
    {
        ev->text = "";
    }

    return sc_json_set_id(ev, sid);
}


/*
 * A Conversations webhook.  Its answer is no TwiML and its messages
 * cannot be answered through the Messages resource: they are stored for
 * people, never answered by the edge.
 */
static sc_parse_rc_e
sc_twilio_conversation(sc_events_t *out, json_t *doc)
{
    const char            *event, *sid, *author;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *src;

    event = sc_json_str(doc, "EventType");
    sid = sc_json_str(doc, "MessageSid");

    if (sid == NULL || sid[0] == '\0') {
        return sc_json_unsupported(out, SC_TWILIO_CHANNEL, doc);
    }

    if (sc_json_same(event, "onDeliveryUpdated")) {
        rc = sc_twilio_status(out, doc, "chat", sid,
                              sc_json_str(doc, "Status"),
                              sc_json_str(doc, "ConversationSid"), &ev);
        if (rc == SC_PARSE_OK) {
            ev->occurred_ms = sc_json_time_ms(json_object_get(doc,
                                                              "DateUpdated"),
                                              SC_TIME_MS);
        }

        return rc;
    }

    /* onMessageUpdated, onMessageRemoved, ...: the message is stored */
    if (!sc_json_same(event, "onMessageAdded")) {
        return sc_json_unsupported(out, SC_TWILIO_CHANNEL, doc);
    }

    src = sc_twilio_lookup(sc_twilio_sources, sc_json_str(doc, "Source"));

    rc = sc_json_event(out, src ? src->type : "chat", "message", doc, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    author = sc_json_str(doc, "Author");

    ev->author_id = author;
    ev->thread_id = sc_json_str(doc, "ConversationSid");
    ev->text = sc_json_str(doc, "Body");

    /* media alone: still someone's message, classified as such */
    if (ev->text == NULL && sc_json_str(doc, "Media") != NULL) {
        ev->text = "";
    }

    ev->from_brand = sc_json_same(author, "system");
    ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "DateCreated"),
                                      SC_TIME_MS);

    return sc_json_set_id(ev, sid);
}


/*
 * JSON bodies: Event Streams' array of CloudEvents (or one of them).
 * Anything else is kept whole as one unsupported event.
 */
static sc_parse_rc_e
sc_twilio_json(const sc_request_t *rq, sc_events_t *out, char *err,
    size_t errlen)
{
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    size_t          i;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t         *doc, *ce;
    sc_parse_rc_e   rc;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    if (json_is_array(doc)) {
        for (i = 0; i < json_array_size(doc) && rc == SC_PARSE_OK; i++) {
            ce = json_array_get(doc, i);
            rc = json_is_object(ce)
                 ? sc_twilio_cloudevent(out, ce)
                 : sc_json_unsupported(out, SC_TWILIO_CHANNEL, ce);
        }

    } else if (json_is_object(doc)) {
        rc = sc_twilio_cloudevent(out, doc);

    } else {
        sc_json_err(err, errlen, "body is neither a form nor a JSON object "
                    "or array");
        rc = SC_PARSE_INVALID;
    }

    return sc_json_fail(out, rc, err, errlen);
}


/* one CloudEvent; the Messaging data members are camelCase */
static sc_parse_rc_e
sc_twilio_cloudevent(sc_events_t *out, json_t *ce)
{
    json_t         *data;
    int64_t         media;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    const char     *type, *sid, *from, *to, *channel, *kw, *status;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    ev = NULL;
    type = sc_json_str(ce, "type");
    data = json_object_get(ce, "data");
    sid = sc_json_str(data, "messageSid");

    if (type == NULL || sid == NULL || sid[0] == '\0'
        || strncmp(type, SC_TWILIO_ES_MESSAGING,
                   sizeof(SC_TWILIO_ES_MESSAGING) - 1) != 0)
    {
        return sc_json_unsupported(out, SC_TWILIO_CHANNEL, ce);
    }

    from = sc_json_str(data, "from");
    to = sc_json_str(data, "to");
    channel = sc_twilio_channel(from, to);

    if (strncmp(type, SC_TWILIO_ES_STATUS,
                sizeof(SC_TWILIO_ES_STATUS) - 1) == 0)
    {
        /* "DELIVERED", or the type's last word: "sid:delivered" either way */
        status = sc_json_str(data, "messageStatus");
        if (status == NULL) {
            status = type + sizeof(SC_TWILIO_ES_STATUS) - 1;
        }

        rc = sc_twilio_status(out, ce, channel, sid, status, to, &ev);

    } else if (strcmp(type, SC_TWILIO_ES_INBOUND) == 0) {
        kw = sc_twilio_keyword(NULL, channel, sc_json_str(data, "body"));

        rc = sc_json_event(out, channel, kw ? kw : "message", ce, &ev);
        if (rc != SC_PARSE_OK) {
            return rc;
        }

        ev->author_id = from;
        ev->thread_id = from;
        ev->text = sc_json_str(data, "body");

        if (ev->text == NULL
            && sc_json_int64(json_object_get(data, "numMedia"), &media) == 0
            && media > 0)
        {
            ev->text = "";
        }

        /* the same MessageSid as the Messaging webhook's: one row */
        rc = sc_json_set_id(ev, sid);

    } else {
        return sc_json_unsupported(out, SC_TWILIO_CHANNEL, ce);
    }

    if (rc == SC_PARSE_OK && ev != NULL) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(data, "timestamp"),
                                          SC_TIME_MS);
        if (ev->occurred_ms == 0) {
            ev->occurred_ms = sc_json_time_ms(json_object_get(ce, "time"),
                                              SC_TIME_MS);
        }
    }

    return rc;
}


/*
 * A step of a message on its way: "<sid>:<status>" (lowercase, the form
 * callbacks' spelling), one row per step, redeliveries deduped.  thread is
 * the recipient: the customer.
 */
static sc_parse_rc_e
sc_twilio_status(sc_events_t *out, json_t *raw, const char *channel,
    const char *sid, const char *status, const char *thread,
    sc_event_t **evp)
{
    int             n;
    char           *p;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(out, channel, "status", raw, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    *evp = ev;
    ev->thread_id = thread;

    if (status == NULL || status[0] == '\0') {
        return sc_json_set_id_hash(ev, NULL);
    }

    n = snprintf(ev->external_id, SC_EXTERNAL_ID_MAX, "%s:%s", sid, status);
    if (n < 0 || n >= SC_EXTERNAL_ID_MAX) {
        return sc_json_set_id_hash(ev, NULL);
    }

    for (p = ev->external_id + strlen(sid) + 1; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char) (*p - 'A' + 'a');
        }
    }

    return SC_PARSE_OK;
}


/* the first of names that obj has as a non-empty string */
static const char *
sc_twilio_first(json_t *obj, const char **names)
{
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    const char  *s;

    for ( /* void */ ; *names != NULL; names++) {
        s = sc_json_str(obj, *names);
        if (s != NULL && s[0] != '\0') {
            return s;
        }
    }

    return NULL;
}


/*
 * Conversations webhooks name their event "on<Something>" and carry a
 * ConversationSid; Messaging's WhatsApp callbacks have an EventType too
 * ("DELIVERED", "READ")
 */
static int
sc_twilio_is_conversations(json_t *doc)
{
    const char  *event;

    if (sc_json_str(doc, "ConversationSid") != NULL) {
        return 1;
    }

    event = sc_json_str(doc, "EventType");

    return event != NULL && event[0] == 'o' && event[1] == 'n'
           && event[2] >= 'A' && event[2] <= 'Z';
}


static int
sc_twilio_received(const char *status)
{
    return strcasecmp(status, "received") == 0
           || strcasecmp(status, "receiving") == 0;
}


/*
 * An opt-out, opt-in or help keyword: the type of the event ("opt_out",
 * ...), or NULL for a message.  OptOutType says so where Advanced Opt-Out
 * is on; otherwise an SMS that is the keyword alone (any case, blanks
 * around) is one.  WhatsApp has no such keywords.
 */
static const char *
sc_twilio_keyword(json_t *doc, const char *channel, const char *body)
{
    size_t                 n;
    const sc_json_name_t  *k;
    char                   word[SC_TWILIO_WORD_MAX + 1];

    k = sc_twilio_lookup(sc_twilio_opt_out_types,
                         sc_json_str(doc, "OptOutType"));
    if (k != NULL) {
        return k->type;
    }

    if (body == NULL || strcmp(channel, "sms") != 0) {
        return NULL;
    }

    body += strspn(body, " \t\r\n");
    n = strlen(body);

    while (n > 0
           && (body[n - 1] == ' ' || body[n - 1] == '\t'
               || body[n - 1] == '\r' || body[n - 1] == '\n'))
    {
        n--;
    }

    if (n == 0 || n > SC_TWILIO_WORD_MAX) {
        return NULL;
    }

    memcpy(word, body, n);
    word[n] = '\0';

    k = sc_twilio_lookup(sc_twilio_keywords, word);

    return k ? k->type : NULL;
}


/* a prefix ("whatsapp:+14155238886") on either address names the channel */
static const char *
sc_twilio_channel(const char *a, const char *b)
{
    const sc_json_name_t  *p;

    for (p = sc_twilio_prefixes; p->name != NULL; p++) {
        if ((a != NULL && strncmp(a, p->name, strlen(p->name)) == 0)
            || (b != NULL && strncmp(b, p->name, strlen(p->name)) == 0))
        {
            return p->type;
        }
    }

    return "sms";
}


/* sc_json_lookup ignoring ASCII case */
static const sc_json_name_t *
sc_twilio_lookup(const sc_json_name_t *table, const char *name)
{
    if (name == NULL) {
        return NULL;
    }

    for ( /* void */ ; table->name != NULL; table++) {
        if (strcasecmp(table->name, name) == 0) {
            return table;
        }
    }

    return NULL;
}


/*
 * TwiML: the holding reply as a <Message> to the sender, or an empty
 * <Response/> (Twilio wants TwiML or nothing; anything else is logged as
 * an error 12300 in the customer's console).  A Conversations webhook is
 * answered "{}": a pre-action webhook reads JSON, and "{}" changes
 * nothing.
 */
static int
sc_twilio_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    int          rc;
    char        *xml, *p;
    size_t       i, n;
    json_t      *doc;
    const char  *text;

    doc = sc_json_doc(evs);

    if (json_is_object(doc) && sc_twilio_is_conversations(doc)) {
        return sc_answer_set(answer, 200, "application/json",
                             SC_TWILIO_NO_CHANGE,
                             sizeof(SC_TWILIO_NO_CHANGE) - 1) == 0;
    }

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
 * XML character data and attribute values: the five entities; characters
 * that XML 1.0 cannot carry at all (C0 controls but tab, newline and
 * return; U+FFFE and U+FFFF) are left out.  out needs SC_XML_ESCAPE_MAX
 * bytes per input byte.
 */
static size_t
sc_xml_escape(const char *s, char *out)
{
    char           *p;
    size_t          n;
    const char     *e;
    unsigned char   c;

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

        /* EF BF BE, EF BF BF: the noncharacters U+FFFE, U+FFFF */
        if (c == 0xef && (unsigned char) s[1] == 0xbf
            && ((unsigned char) s[2] == 0xbe || (unsigned char) s[2] == 0xbf))
        {
            s += 2;
            continue;
        }

        *p++ = (char) c;
    }

    return (size_t) (p - out);
}
