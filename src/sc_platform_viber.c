/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_viber.c: Viber REST Bot API callbacks -> sc_event_t.
 *
 *   {"event": "message", "timestamp": <ms>, "message_token": <int64>,
 *    "sender": {"id", "name", ...}, "message": {"type", "text", ...}}
 *
 * One callback is one event.  "webhook" (sent by set_webhook) is the
 * handshake: answered 200 {"status":0}, not stored.  Receipts (delivered,
 * seen, failed) carry the token of the bot's own message; they are keyed
 * "<event>:<token>" so that they never collide with a message's row.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_VIBER_CHANNEL  "viber"

#define SC_VIBER_MESSAGE  0x01      /* author in "sender", answerable */
#define SC_VIBER_USER     0x02      /* author in "user" {id, name} */
#define SC_VIBER_RECEIPT  0x04      /* about the bot's own message */


static const sc_json_name_t  sc_viber_events[] = {
    { "message",              "message",              SC_VIBER_MESSAGE },
    { "subscribed",           "subscribed",           SC_VIBER_USER },
    { "conversation_started", "conversation_started", SC_VIBER_USER },
    { "unsubscribed",         "unsubscribed",         0 },
    { "delivered",            "delivered",            SC_VIBER_RECEIPT },
    { "seen",                 "seen",                 SC_VIBER_RECEIPT },
    { "failed",               "failed",               SC_VIBER_RECEIPT },
    { NULL,                   NULL,                   0 }
};


/* what a user can send; rich_media and keyboards come only from bots */
static const sc_json_name_t  sc_viber_message_types[] = {
    { "text",     "message", 0 },
    { "picture",  "message", 0 },
    { "video",    "message", 0 },
    { "file",     "message", 0 },
    { "sticker",  "message", 0 },
    { "contact",  "message", 0 },
    { "url",      "message", 0 },
    { "location", "message", 0 },
    { NULL,       NULL,      0 }
};


static sc_parse_rc_e
sc_viber_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t                *doc, *msg, *user, *token;
    const char            *name;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    name = sc_json_str(doc, "event");
    if (name == NULL) {
        sc_json_err(err, errlen, "body is not a Viber callback: no \"event\" "
                    "string");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    if (strcmp(name, "webhook") == 0) {
        if (sc_json_answer(answer, 200, json_pack("{s:i}", "status", 0))
            != 0)
        {
            return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
        }

        return SC_PARSE_OK;
    }

    t = sc_json_lookup(sc_viber_events, name);
    msg = json_object_get(doc, "message");

    if (t == NULL
        || ((t->flags & SC_VIBER_MESSAGE)
            && sc_json_lookup(sc_viber_message_types,
                              sc_json_str(msg, "type")) == NULL))
    {
        rc = sc_json_unsupported(out, SC_VIBER_CHANNEL, doc);
        return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
    }

    rc = sc_json_event(out, SC_VIBER_CHANNEL, t->type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    user = json_object_get(doc, (t->flags & SC_VIBER_MESSAGE) ? "sender"
                                                              : "user");

    /* unsubscribed and the receipts name the user by "user_id" alone */
    ev->author_id = sc_json_str(user, "id");
    if (ev->author_id == NULL) {
        ev->author_id = sc_json_str(doc, "user_id");
    }

    ev->author_name = sc_json_str(user, "name");
    ev->thread_id = ev->author_id;
    ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "timestamp"),
                                      SC_TIME_MS);

    if (t->flags & SC_VIBER_MESSAGE) {
        /* the text, or the caption of a picture or video */
        ev->text = sc_json_str(msg, "text");
        ev->answerable = 1;

    } else if (strcmp(name, "failed") == 0) {
        ev->text = sc_json_str(doc, "desc");
    }

    /* tokens are 64-bit integers; some proxies turn them into strings */
    token = json_object_get(doc, "message_token");

    rc = sc_json_set_id_join(ev, (t->flags & SC_VIBER_RECEIPT) ? t->type
                                                               : NULL,
                             &token, 1);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


const sc_platform_t  sc_platform_viber = {
    "viber",
    NULL,           /* no GET handshake: "webhook" is a POST */
    sc_verify_viber,
    sc_viber_parse,
    NULL,           /* Viber reads no reply from the answer: send_message */
    0, 0, 0
};
