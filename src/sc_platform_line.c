/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_line.c: LINE Messaging API webhooks -> sc_event_t.
 *
 *   {"destination": "<bot user id>", "events": [ { "type": ...,
 *     "webhookEventId": ..., "timestamp": <ms>, "source": {...},
 *     "replyToken": ..., "mode": "active" | "standby", ... }, ... ]}
 *
 * One event per element of "events"; the console's "Verify" button sends
 * an empty list, which is answered 200 with nothing stored.  Whatever is
 * not understood becomes an "unsupported" event, never a silent drop.
 * webhookEventId is the dedupe key: a redelivery (deliveryContext.
 * isRedelivery) carries the same one and comes back as a duplicate.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_LINE_CHANNEL  "line"

#define SC_LINE_MESSAGE  0x01       /* a customer message: answerable */


/* LINE's event types -> ours; LINE adds types, unknown ones are kept raw */
static const sc_json_name_t  sc_line_types[] = {
    { "message",           "message",             SC_LINE_MESSAGE },
    { "unsend",            "message_deleted",     0 },
    { "postback",          "postback",            0 },
    { "follow",            "follow",              0 },
    { "unfollow",          "unfollow",            0 },
    { "join",              "join",                0 },
    { "leave",             "leave",               0 },
    { "memberJoined",      "member_joined",       0 },
    { "memberLeft",        "member_left",         0 },
    { "videoPlayComplete", "video_play_complete", 0 },
    { "beacon",            "beacon",              0 },
    { "accountLink",       "account_link",        0 },
    { "things",            "things",              0 },
    { "membership",        "membership",          0 },
    { "module",            "module",              0 },
    { "activated",         "activated",           0 },
    { "deactivated",       "deactivated",         0 },
    { "botSuspended",      "bot_suspended",       0 },
    { "botResumed",        "bot_resumed",         0 },
    /* a LINE notification message (PNP) reached the user: a receipt */
    { "delivery",          "delivery",            0 },
    { NULL,                NULL,                  0 }
};


/* message.type values a customer sends; anything else is unsupported */
static const sc_json_name_t  sc_line_message_types[] = {
    { "text",     "message", 0 },
    { "image",    "message", 0 },
    { "video",    "message", 0 },
    { "audio",    "message", 0 },
    { "file",     "message", 0 },
    { "location", "message", 0 },
    { "sticker",  "message", 0 },
    { NULL,       NULL,      0 }
};


static sc_parse_rc_e sc_line_event(sc_events_t *out, json_t *item);
static void sc_line_source(sc_event_t *ev, json_t *source);
static const char *sc_line_text(json_t *msg);


static sc_parse_rc_e
sc_line_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    size_t          i;
    json_t         *doc, *events;
    sc_parse_rc_e   rc;

    (void) answer;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    events = json_object_get(doc, "events");
    if (!json_is_array(events)) {
        sc_json_err(err, errlen, "body is not a LINE webhook: no \"events\" "
                    "array");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    /* "events": [] is the console's Verify button: 200, nothing stored */

    for (i = 0; i < json_array_size(events); i++) {
        rc = sc_line_event(out, json_array_get(events, i));
        if (rc != SC_PARSE_OK) {
            return sc_json_fail(out, rc, err, errlen);
        }
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_line_event(sc_events_t *out, json_t *item)
{
    json_t                *msg;
    const char            *id, *mode, *type;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    t = sc_json_lookup(sc_line_types, sc_json_str(item, "type"));
    msg = json_object_get(item, "message");

    if (t == NULL
        || ((t->flags & SC_LINE_MESSAGE)
            && sc_json_lookup(sc_line_message_types,
                              sc_json_str(msg, "type")) == NULL))
    {
        return sc_json_unsupported(out, SC_LINE_CHANNEL, item);
    }

    /*
     * a rich menu tab switch is a postback too (its params name the new
     * menu): navigation, not a request anybody answers
     */
    type = t->type;

    if (strcmp(t->name, "postback") == 0
        && sc_json_path(item, "postback.params.newRichMenuAliasId") != NULL)
    {
        type = "richmenu_switch";
    }

    rc = sc_json_event(out, SC_LINE_CHANNEL, type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_line_source(ev, json_object_get(item, "source"));

    ev->occurred_ms = sc_json_time_ms(json_object_get(item, "timestamp"),
                                      SC_TIME_MS);

    id = sc_json_str(item, "webhookEventId");

    if (t->flags & SC_LINE_MESSAGE) {
        ev->text = sc_line_text(msg);

        /*
         * in standby mode another channel owns the chat (no replyToken):
         * a reply from us would talk over it
         */
        mode = sc_json_str(item, "mode");
        ev->answerable = (mode == NULL || strcmp(mode, "standby") != 0);

        /* webhookEventId is newer than the API: older senders lack it */
        if (id == NULL) {
            id = sc_json_str(msg, "id");
        }
    }

    return sc_json_set_id(ev, id);
}


/*
 * A one-to-one chat is private; a group or multi-person room is seen by
 * all its members, so a reply there is public.  The author is always the
 * user, the thread the chat the reply goes to.
 */
static void
sc_line_source(sc_event_t *ev, json_t *source)
{
    const char  *type;

    type = sc_json_str(source, "type");

    ev->author_id = sc_json_str(source, "userId");
    ev->thread_id = ev->author_id;
    ev->visibility = SC_VISIBILITY_PRIVATE;

    if (type == NULL) {
        return;
    }

    if (strcmp(type, "group") == 0) {
        ev->thread_id = sc_json_str(source, "groupId");
        ev->visibility = SC_VISIBILITY_PUBLIC;

    } else if (strcmp(type, "room") == 0) {
        ev->thread_id = sc_json_str(source, "roomId");
        ev->visibility = SC_VISIBILITY_PUBLIC;
    }
}


static const char *
sc_line_text(json_t *msg)
{
    const char  *s;

    /* text messages, and the typed text of "message stickers" */
    s = sc_json_str(msg, "text");
    if (s != NULL) {
        return s;
    }

    /* a shared location says where: "Shibuya store" */
    s = sc_json_str(msg, "title");
    return s ? s : sc_json_str(msg, "address");
}


const sc_platform_t  sc_platform_line = {
    "line",
    NULL,           /* no GET handshake: the Verify button is a POST */
    sc_verify_line,
    sc_line_parse,
    NULL,           /* LINE reads no reply from the answer: reply API */
    0, 0, 0
};
