/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_telegram.c: Telegram Bot API updates -> sc_event_t, and the
 * holding reply as a method call in the webhook answer.
 *
 *   {"update_id":N, "<kind>":{...}}   one update per POST; kind is one of
 *                                     message, edited_message,
 *                                     channel_post, callback_query,
 *                                     business_message, my_chat_member, ...
 *
 * The dedupe key is update_id.  Whatever is not understood becomes one
 * "unsupported" event: a webhook is acknowledged only once it is stored,
 * so nothing may vanish here.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_TG_CHANNEL       "telegram"

/* sc_json_name_t.flags */
#define SC_TG_ANSWER        0x01    /* a customer's own words */
#define SC_TG_MESSAGE       0x02    /* a Message object */
#define SC_TG_EDIT          0x04    /* edit_date is the time */
#define SC_TG_BRAND         0x08    /* the brand's channel speaking */


static sc_parse_rc_e sc_tg_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);
static int sc_tg_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_tg_update(sc_events_t *out, json_t *update,
    const sc_json_name_t *kind, json_t *obj);
static unsigned sc_tg_is_service(json_t *msg);
static json_t *sc_tg_chat(json_t *obj);
static const char *sc_tg_name(sc_events_t *out, json_t *user);


const sc_platform_t  sc_platform_telegram = {
    "telegram",
    NULL,
    sc_verify_telegram,
    sc_tg_parse,
    sc_tg_inline_answer,
    1,
    0,
    0
};


/* the optional fields of an Update, at most one of which is present */
static const sc_json_name_t  sc_tg_kinds[] = {
    { "message",                   "message",
      SC_TG_ANSWER | SC_TG_MESSAGE },
    { "business_message",          "message",
      SC_TG_ANSWER | SC_TG_MESSAGE },
    { "callback_query",            "interaction",          SC_TG_ANSWER },
    { "edited_message",            "message_edited",
      SC_TG_MESSAGE | SC_TG_EDIT },
    { "edited_business_message",   "message_edited",
      SC_TG_MESSAGE | SC_TG_EDIT },
    { "channel_post",              "channel_post",
      SC_TG_MESSAGE | SC_TG_BRAND },
    { "edited_channel_post",       "channel_post_edited",
      SC_TG_MESSAGE | SC_TG_EDIT | SC_TG_BRAND },
    { "deleted_business_messages", "message_deleted",      0 },
    { "message_reaction",          "reaction",             0 },
    { "message_reaction_count",    "reaction_count",       0 },
    { "inline_query",              "inline_query",         0 },
    { "chosen_inline_result",      "inline_result",        0 },
    { "shipping_query",            "shipping_query",       0 },
    { "pre_checkout_query",        "pre_checkout_query",   0 },
    { "purchased_paid_media",      "purchase",             0 },
    { "poll",                      "poll",                 0 },
    { "poll_answer",               "poll_answer",          0 },
    { "my_chat_member",            "bot_membership",       0 },
    { "chat_member",               "membership",           0 },
    { "chat_join_request",         "join_request",         0 },
    { "chat_boost",                "boost",                0 },
    { "removed_chat_boost",        "boost_removed",        0 },
    { "business_connection",       "business_connection",  0 },
    { NULL,                        NULL,                   0 }
};


/* members of a Message that make it a service message, not a customer's */
static const char  *sc_tg_service_keys[] = {
    "new_chat_members", "left_chat_member", "new_chat_title",
    "new_chat_photo", "delete_chat_photo", "group_chat_created",
    "supergroup_chat_created", "channel_chat_created",
    "message_auto_delete_timer_changed", "migrate_to_chat_id",
    "migrate_from_chat_id", "pinned_message", "successful_payment",
    "refunded_payment", "users_shared", "chat_shared", "connected_website",
    "write_access_allowed", "proximity_alert_triggered", "boost_added",
    "chat_background_set", "forum_topic_created", "forum_topic_edited",
    "forum_topic_closed", "forum_topic_reopened",
    "general_forum_topic_hidden", "general_forum_topic_unhidden",
    "giveaway_created", "giveaway_completed", "video_chat_scheduled",
    "video_chat_started", "video_chat_ended",
    "video_chat_participants_invited", NULL
};


static sc_parse_rc_e
sc_tg_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t                *doc, *v, *obj;
    const char            *key;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *kind;

    (void) answer;

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    kind = NULL;
    obj = NULL;

    /* an update has update_id and exactly one kind: anything else is new */
    json_object_foreach(doc, key, v) {
        if (strcmp(key, "update_id") == 0) {
            continue;
        }

        kind = sc_json_lookup(sc_tg_kinds, key);
        obj = v;

        if (kind == NULL || !json_is_object(obj)) {
            kind = NULL;
            break;
        }
    }

    if (kind == NULL || json_object_size(doc) != 2
        || !json_is_integer(json_object_get(doc, "update_id")))
    {
        rc = sc_json_unsupported(out, SC_TG_CHANNEL, doc);

    } else {
        rc = sc_tg_update(out, doc, kind, obj);
    }

    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_tg_update(sc_events_t *out, json_t *update, const sc_json_name_t *kind,
    json_t *obj)
{
    json_t         *from, *chat, *parts[1];
    unsigned        service;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    service = (kind->flags & SC_TG_ANSWER) && (kind->flags & SC_TG_MESSAGE)
              && sc_tg_is_service(obj);

    rc = sc_json_event(out, SC_TG_CHANNEL, service ? "service" : kind->type,
                       obj, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* reactions and poll answers name a "user"; channels speak as a chat */
    from = json_object_get(obj, "from");
    if (from == NULL) {
        from = json_object_get(obj, "user");
    }

    if (from == NULL) {
        from = json_object_get(obj, "sender_chat");
    }

    ev->author_id = sc_json_id_str(out, json_object_get(from, "id"));
    ev->author_handle = sc_json_str(from, "username");
    ev->author_name = sc_tg_name(out, from);

    chat = sc_tg_chat(obj);

    ev->thread_id = sc_json_id_str(out, json_object_get(chat, "id"));
    ev->visibility = (chat == NULL
                      || sc_json_same(sc_json_str(chat, "type"), "private"))
                     ? SC_VISIBILITY_PRIVATE : SC_VISIBILITY_PUBLIC;

    /* a photo's words are its caption; a button's, its callback data */
    ev->text = sc_json_str(obj, "text");
    if (ev->text == NULL) {
        ev->text = sc_json_str(obj, "caption");
    }

    if (ev->text == NULL && strcmp(kind->name, "callback_query") == 0) {
        ev->text = sc_json_str(obj, "data");
    }

    if (ev->text == NULL && strcmp(kind->name, "inline_query") == 0) {
        ev->text = sc_json_str(obj, "query");
    }

    if (kind->flags & SC_TG_EDIT) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(obj, "edit_date"),
                                          SC_TIME_S);
    }

    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(obj, "date"),
                                          SC_TIME_S);
    }

    /*
     * Bots never see their own messages, so another bot is not the brand;
     * it is only never answered.  A channel the bot administers is.
     */
    ev->from_brand = (kind->flags & SC_TG_BRAND) != 0;
    ev->answerable = (kind->flags & SC_TG_ANSWER) && !service
                     && !json_is_true(json_object_get(from, "is_bot"));

    parts[0] = json_object_get(update, "update_id");

    return sc_json_set_id_join(ev, NULL, parts, 1);
}


static unsigned
sc_tg_is_service(json_t *msg)
{
    const char  **k;

    for (k = sc_tg_service_keys; *k != NULL; k++) {
        if (json_object_get(msg, *k) != NULL) {
            return 1;
        }
    }

    return 0;
}


/* a message's chat, or a callback query's message's chat */
static json_t *
sc_tg_chat(json_t *obj)
{
    json_t  *chat;

    chat = json_object_get(obj, "chat");
    if (chat == NULL) {
        chat = sc_json_path(obj, "message.chat");
    }

    return json_is_object(chat) ? chat : NULL;
}


/* "First Last", or a chat's title */
static const char *
sc_tg_name(sc_events_t *out, json_t *user)
{
    const char  *first, *last;

    first = sc_json_str(user, "first_name");
    last = sc_json_str(user, "last_name");

    if (first != NULL && last != NULL && last[0] != '\0') {
        return sc_json_keep_fmt(out, "%s %s", first, last);
    }

    return first ? first : sc_json_str(user, "title");
}


/*
 * The holding reply as a Bot API call in the answer: Telegram performs it
 * and spares an outbound request.  One call per answer: the first event
 * with a reply (an update carries one event).
 */
static int
sc_tg_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    size_t   i;
    json_t  *body, *raw, *chat_id, *msg_id, *conn;

    for (i = 0; i < evs->nevents; i++) {
        if (replies[i].text != NULL) {
            break;
        }
    }

    if (i == evs->nevents) {
        return 0;
    }

    raw = evs->events[i].raw;

    /* chat ids pass 2^53: copy the integer, never through a double */
    chat_id = json_object_get(sc_tg_chat(raw), "id");
    if (!json_is_integer(chat_id)) {
        return 0;
    }

    body = json_pack("{s:s, s:O, s:s}", "method", "sendMessage",
                     "chat_id", chat_id, "text", replies[i].text);
    if (body == NULL) {
        return 0;
    }

    /* a callback query's message is the bot's own: do not quote it */
    msg_id = json_object_get(raw, "message_id");
    if (json_is_integer(msg_id)
        && json_object_set(body, "reply_to_message_id", msg_id) != 0)
    {
        json_decref(body);
        return 0;
    }

    /* a business chat is answered on behalf of the business account */
    conn = json_object_get(raw, "business_connection_id");
    if (json_is_string(conn)
        && json_object_set(body, "business_connection_id", conn) != 0)
    {
        json_decref(body);
        return 0;
    }

    return sc_json_answer(answer, 200, body) == 0;
}
