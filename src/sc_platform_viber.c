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
 * seen, failed) carry the token of the bot's own message, which a
 * broadcast shares among all its receivers: they are keyed
 * "<event>:<token>:<user id>" so that they never collide with a
 * message's row nor with each other.  A receipt carries nobody's words:
 * a failure's "desc" stays in raw, never classified as a complaint.
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

/* sc_viber_message_types flags: where a message's words are */
#define SC_VIBER_TEXT     0x01      /* "text" (or a picture's caption) */
#define SC_VIBER_MEDIA    0x02      /* "media": the URL a user shared */
#define SC_VIBER_ALT      0x04      /* "alt_text" of rich media */


static const sc_json_name_t  sc_viber_events[] = {
    { "message",              "message",              SC_VIBER_MESSAGE },
    { "subscribed",           "subscribed",           SC_VIBER_USER },
    { "conversation_started", "conversation_started", SC_VIBER_USER },
    { "unsubscribed",         "unsubscribed",         0 },
    { "delivered",            "delivered",            SC_VIBER_RECEIPT },
    { "seen",                 "seen",                 SC_VIBER_RECEIPT },
    { "failed",               "failed",               SC_VIBER_RECEIPT },
    /* a user's online status: author in "user_id", like unsubscribed */
    { "client_status",        "client_status",        0 },
    { NULL,                   NULL,                   0 }
};


/*
 * What a user can send: text, media, a contact, a location; rich media
 * only by forwarding a bot's.  Keyboards come only from bots.
 */
static const sc_json_name_t  sc_viber_message_types[] = {
    { "text",       "message", SC_VIBER_TEXT },
    { "picture",    "message", SC_VIBER_TEXT },
    { "video",      "message", SC_VIBER_TEXT },
    { "file",       "message", 0 },
    { "sticker",    "message", 0 },
    { "contact",    "message", 0 },
    { "url",        "message", SC_VIBER_TEXT | SC_VIBER_MEDIA },
    { "location",   "message", 0 },
    { "rich_media", "message", SC_VIBER_ALT },
    { NULL,         NULL,      0 }
};


static sc_parse_rc_e
sc_viber_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t                *doc, *msg, *user, *parts[2];
    size_t                 nparts;
    const char            *name;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t, *mt;

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
    mt = sc_json_lookup(sc_viber_message_types, sc_json_str(msg, "type"));

    if (t == NULL || ((t->flags & SC_VIBER_MESSAGE) && mt == NULL)) {
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
        /* the text, a picture's or video's caption, a shared link */
        if (mt->flags & SC_VIBER_TEXT) {
            ev->text = sc_json_str(msg, "text");
        }

        if (ev->text == NULL && (mt->flags & SC_VIBER_MEDIA)) {
            ev->text = sc_json_str(msg, "media");
        }

        if (ev->text == NULL && (mt->flags & SC_VIBER_ALT)) {
            ev->text = sc_json_str(msg, "alt_text");
        }

        ev->answerable = 1;
    }

    /*
     * Tokens are 64-bit integers beyond 2^53, kept exact (jansson reads
     * them as such); some proxies turn them into strings.
     */
    parts[0] = json_object_get(doc, "message_token");
    nparts = 1;

    if (t->flags & SC_VIBER_RECEIPT) {
        parts[1] = json_object_get(doc, "user_id");
        nparts = (json_string_length(parts[1]) > 0) ? 2 : 1;
    }

    rc = sc_json_set_id_join(ev, (t->flags & SC_VIBER_RECEIPT) ? t->type
                                                               : NULL,
                             parts, nparts);

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
