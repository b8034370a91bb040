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
 * Who speaks is not always "from": a message sent on behalf of a chat
 * carries a placeholder user (GroupAnonymousBot, Channel_Bot, or the
 * service account 777000 for channel posts forwarded into a discussion
 * group) and the real sender in "sender_chat"; a business chat delivers
 * the business account's own messages too.
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
#define SC_TG_BUSINESS      0x10    /* a chat of a business account */


static sc_parse_rc_e sc_tg_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);
static int sc_tg_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_tg_update(sc_events_t *out, json_t *update,
    const sc_json_name_t *kind, json_t *obj);
static json_t *sc_tg_author(json_t *obj);
static const char *sc_tg_button(json_t *query);
static unsigned sc_tg_is_service(json_t *msg);
static unsigned sc_tg_is_owner(json_t *msg, json_t *from, json_t *chat);
static unsigned sc_tg_same_id(json_t *a, json_t *b);
static json_t *sc_tg_message(json_t *obj);
static json_t *sc_tg_chat(json_t *obj);
static const char *sc_tg_name(sc_events_t *out, json_t *user);
static int sc_tg_set_int(json_t *body, const char *key, json_t *v);


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
      SC_TG_ANSWER | SC_TG_MESSAGE | SC_TG_BUSINESS },
    { "callback_query",            "interaction",          SC_TG_ANSWER },
    { "edited_message",            "message_edited",
      SC_TG_MESSAGE | SC_TG_EDIT },
    { "edited_business_message",   "message_edited",
      SC_TG_MESSAGE | SC_TG_EDIT | SC_TG_BUSINESS },
    /* a bot summoned where it is no member: answerGuestQuery only */
    { "guest_message",             "guest_message",        SC_TG_MESSAGE },
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
    { "managed_bot",               "managed_bot",          0 },
    { NULL,                        NULL,                   0 }
};


/*
 * Members of a Message that make it a service message, not a customer's
 * words: the Bot API's "Service message: ..." fields, and payments,
 * gifts and giveaways that arrive as messages.
 */
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
    "giveaway_created", "giveaway_completed", "giveaway_winners",
    "video_chat_scheduled", "video_chat_started", "video_chat_ended",
    "video_chat_participants_invited", "web_app_data", "gift",
    "unique_gift", "gift_upgrade_sent", "paid_message_price_changed",
    "direct_message_price_changed", "checklist_tasks_done",
    "checklist_tasks_added", "chat_owner_left", "chat_owner_changed",
    "managed_bot_created", "poll_option_added", "poll_option_deleted",
    "suggested_post_approved", "suggested_post_approval_failed",
    "suggested_post_declined", "suggested_post_paid",
    "suggested_post_refunded", NULL
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
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t         *from, *chat, *sender, *parts[1];
    unsigned        customer, brand, is_new;
    const char     *type;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    type = kind->type;
    customer = (kind->flags & SC_TG_ANSWER) != 0;
    brand = (kind->flags & SC_TG_BRAND) != 0;

    /* a new message (no edit, no channel post) may be nobody's request */
    is_new = customer && (kind->flags & SC_TG_MESSAGE);

    chat = sc_tg_chat(obj);
    from = sc_tg_author(obj);

    if (kind->flags & SC_TG_MESSAGE) {
        sender = json_object_get(obj, "sender_chat");

        if (is_new && sc_tg_is_service(obj)) {
            type = "service";
            customer = 0;

        } else if (json_is_true(json_object_get(obj,
                                                "is_automatic_forward")))
        {
            /*
             * the linked channel's post, copied into its discussion group
             * "from" the service account 777000: the channel speaking,
             * not a member of the group
             */
            if (is_new) {
                type = "channel_post";
            }

            brand = 1;
            customer = 0;

        } else if (json_is_object(sender) && !brand) {
            /*
             * on behalf of a chat: the group itself (its anonymous
             * administrators) speaks for whoever runs it, as does the
             * channel in its own direct messages chat; a channel posting
             * in a group may be the brand's own, so it is never answered
             * automatically
             */
            brand = sc_tg_same_id(json_object_get(sender, "id"),
                                  json_object_get(chat, "id"))
                    || json_is_true(json_object_get(chat,
                                                    "is_direct_messages"));
            customer = 0;

        } else if ((kind->flags & SC_TG_BUSINESS)
                   && sc_tg_is_owner(obj, from, chat))
        {
            /* the business account's own message to its customer */
            brand = 1;
            customer = 0;

        } else if (is_new && json_is_true(json_object_get(from, "is_bot")))
        {
            /*
             * another bot (a guest bot's answer): nobody's customer, and
             * not the brand either, as bots never see their own messages
             */
            type = "bot_message";
            customer = 0;
        }
    }

    rc = sc_json_event(out, SC_TG_CHANNEL, type, obj, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = sc_json_id_str(out, json_object_get(from, "id"));
    ev->author_handle = sc_json_str(from, "username");
    ev->author_name = sc_tg_name(out, from);

    ev->thread_id = sc_json_id_str(out, json_object_get(chat, "id"));

    /* a channel's direct messages chat is a supergroup, one topic a user */
    ev->visibility = (chat == NULL
                      || sc_json_same(sc_json_str(chat, "type"), "private")
                      || json_is_true(json_object_get(chat,
                                                      "is_direct_messages")))
                     ? SC_VISIBILITY_PRIVATE : SC_VISIBILITY_PUBLIC;

    /* a photo's words are its caption; a button's, its label or data */
    ev->text = sc_json_str(obj, "text");
    if (ev->text == NULL) {
        ev->text = sc_json_str(obj, "caption");
    }

    if (ev->text == NULL && strcmp(kind->name, "callback_query") == 0) {
        ev->text = sc_tg_button(obj);
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
     * Only what the answer can carry is answered: a reply rides in the
     * webhook answer (stored "inline"), so an update without a chat to
     * send to (a button under an inline message) would lose it.
     */
    ev->from_brand = brand;
    ev->answerable = customer
                     && json_is_integer(json_object_get(chat, "id"));

    parts[0] = json_object_get(update, "update_id");

    return sc_json_set_id_join(ev, NULL, parts, 1);
}


/*
 * Who acted: the sender chat when a message is sent on behalf of one (its
 * "from" is then a placeholder), else the user ("from"; "user" in
 * reactions, poll answers, business connections), else the chat that
 * reacted or voted anonymously.
 */
static json_t *
sc_tg_author(json_t *obj)
{
    size_t              i;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t             *who;
    static const char  *keys[] = {
        "sender_chat", "from", "user", "actor_chat", "voter_chat"
    };

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        who = json_object_get(obj, keys[i]);
        if (json_is_object(who)) {
            return who;
        }
    }

    return NULL;
}


/*
 * The words of a pressed button: its label as the customer read it ("Where
 * is my order?") from the keyboard of the message it sits under, else its
 * callback data ("order_status"), which is a program's, not a person's.
 */
static const char *
sc_tg_button(json_t *query)
{
    size_t       i, k;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t      *rows, *row, *button;
    const char  *data;

    data = sc_json_str(query, "data");
    if (data == NULL) {
        return NULL;
    }

    rows = sc_json_path(query, "message.reply_markup.inline_keyboard");

    for (i = 0; i < json_array_size(rows); i++) {
        row = json_array_get(rows, i);

        for (k = 0; k < json_array_size(row); k++) {
            button = json_array_get(row, k);

            if (sc_json_same(sc_json_str(button, "callback_data"), data)
                && sc_json_str(button, "text") != NULL)
            {
                return sc_json_str(button, "text");
            }
        }
    }

    return data;
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


/*
 * A business chat is the private chat of the business account with one
 * customer, whose user id is the chat's id: a sender other than the chat
 * is the account (or an employee), as are messages its bot sent for it
 * (sender_business_bot) and away or greeting messages (is_from_offline).
 */
static unsigned
sc_tg_is_owner(json_t *msg, json_t *from, json_t *chat)
{
    if (json_is_object(json_object_get(msg, "sender_business_bot"))
        || json_is_true(json_object_get(msg, "is_from_offline")))
    {
        return 1;
    }

    return sc_json_same(sc_json_str(chat, "type"), "private")
           && json_is_integer(json_object_get(from, "id"))
           && json_is_integer(json_object_get(chat, "id"))
           && !sc_tg_same_id(json_object_get(from, "id"),
                             json_object_get(chat, "id"));
}


static unsigned
sc_tg_same_id(json_t *a, json_t *b)
{
    return json_is_integer(a) && json_is_integer(b)
           && json_integer_value(a) == json_integer_value(b);
}


/* the Message an update is about: itself, or a callback query's */
static json_t *
sc_tg_message(json_t *obj)
{
    json_t  *msg;

    if (json_object_get(obj, "chat") != NULL) {
        return obj;
    }

    msg = json_object_get(obj, "message");

    return json_is_object(msg) ? msg : NULL;
}


/* a message's chat, or a callback query's message's chat */
static json_t *
sc_tg_chat(json_t *obj)
{
    json_t  *chat;

    chat = json_object_get(sc_tg_message(obj), "chat");

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
 * with a reply (an update carries one event).  It goes to the chat the
 * update came from, public in a group as in a private chat (the reply's
 * visibility is the event's), into the same forum topic or channel direct
 * messages topic, quoting the customer's message.
 */
static int
sc_tg_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    size_t   i;
    json_t  *body, *raw, *msg, *chat, *chat_id, *conn;

    for (i = 0; i < evs->nevents; i++) {
        if (replies[i].text != NULL) {
            break;
        }
    }

    if (i == evs->nevents) {
        return 0;
    }

    raw = evs->events[i].raw;
    msg = sc_tg_message(raw);
    chat = sc_tg_chat(raw);

    /* chat ids pass 2^53: copy the integer, never through a double */
    chat_id = json_object_get(chat, "id");
    if (!json_is_integer(chat_id)) {
        return 0;
    }

    body = json_pack("{s:s, s:O, s:s}", "method", "sendMessage",
                     "chat_id", chat_id, "text", replies[i].text);
    if (body == NULL) {
        return 0;
    }

    /*
     * a topic of a forum (or of a private chat): without its id the
     * reply lands in "General"; a non-forum group's replies carry a
     * thread id too, which sendMessage would refuse
     */
    if (json_is_true(json_object_get(msg, "is_topic_message"))
        && sc_tg_set_int(body, "message_thread_id",
                         json_object_get(msg, "message_thread_id")) != 0)
    {
        goto failed;
    }

    /* a channel's direct messages chat needs the user's topic */
    if (json_is_true(json_object_get(chat, "is_direct_messages"))
        && sc_tg_set_int(body, "direct_messages_topic_id",
                         sc_json_path(msg, "direct_messages_topic.topic_id"))
           != 0)
    {
        goto failed;
    }

    /* a callback query's message is the bot's own: do not quote it */
    if (sc_tg_set_int(body, "reply_to_message_id",
                      json_object_get(raw, "message_id")) != 0)
    {
        goto failed;
    }

    /* a business chat is answered on behalf of the business account */
    conn = json_object_get(raw, "business_connection_id");
    if (json_is_string(conn)
        && json_object_set(body, "business_connection_id", conn) != 0)
    {
        goto failed;
    }

    return sc_json_answer(answer, 200, body) == 0;

failed:

    json_decref(body);
    return 0;
}


/* body[key] = v when v is an integer (copied exactly); -1 on ENOMEM */
static int
sc_tg_set_int(json_t *body, const char *key, json_t *v)
{
    if (!json_is_integer(v)) {
        return 0;
    }

    return json_object_set(body, key, v);
}
