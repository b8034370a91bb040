/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_telegram.c: replies through the Bot API's sendMessage, the
 * token in the path (/bot<token>/sendMessage).  The holding reply of a
 * webhook rides in its answer (sc_platform_telegram.c); later replies
 * come here.  From what sc_platform_telegram.c stored: raw is the
 * Message (or CallbackQuery), thread_id the chat id, author_id the
 * sender's user id.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


static json_t *sc_deliver_telegram_id(json_t *v, const char *fallback);


sc_deliver_rc_e
sc_deliver_telegram_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    json_t       *raw, *msg, *chat, *body, *chat_id, *msg_id, *conn, *reply,
                 *topic;
    const char   *colon;

    (void) now;

    /* "<bot id>:<secret>": anything else must not shape the path */
    colon = strchr(api->token, ':');

    if (colon == NULL || colon == api->token
        || strspn(api->token, "0123456789") != (size_t) (colon - api->token)
        || sc_dreq_path(q, "/bot") != 0
        || sc_dreq_seg(q, api->token, ":", "the telegram token is not a "
                       "bot token") != 0
        || sc_dreq_path(q, "/sendMessage") != 0)
    {
        return sc_dreq_error(q, "the telegram token is not a bot token");
    }

    raw = d->raw;

    /* a message's chat, or a callback query's message's chat */
    msg = raw;
    chat = json_object_get(raw, "chat");
    if (!json_is_object(chat)) {
        msg = json_object_get(raw, "message");
        chat = json_object_get(msg, "chat");
    }

    msg_id = NULL;
    topic = NULL;

    if (sc_deliver_private(d) && chat != NULL
        && !sc_json_same(sc_json_str(chat, "type"), "private")
        && !json_is_true(json_object_get(chat, "is_direct_messages")))
    {
        /* a group's message answered privately: to the user, unquoted */
        chat_id = sc_deliver_telegram_id(sc_json_path(raw, "from.id"),
                                         d->author_id);

    } else {
        chat_id = sc_deliver_telegram_id(json_object_get(chat, "id"),
                                         d->thread_id);

        /* a callback query's message is the bot's own: no quote */
        msg_id = json_object_get(raw, "message_id");
        if (!json_is_integer(msg_id)) {
            msg_id = NULL;
        }

        /*
         * in the chat, the customer's place in it: a forum topic (else
         * the reply lands in "General"), or the user's topic of a
         * channel's direct messages chat (else sendMessage refuses)
         */
        if (json_is_true(json_object_get(msg, "is_topic_message"))) {
            topic = json_object_get(msg, "message_thread_id");
        }
    }

    if (chat_id == NULL) {
        return sc_dreq_skip(q, "no telegram chat to reply to");
    }

    body = json_pack("{s:o, s:s}", "chat_id", chat_id, "text", d->text);

    if (body != NULL && msg_id != NULL) {
        reply = json_pack("{s:O, s:b}", "message_id", msg_id,
                          "allow_sending_without_reply", 1);

        if (reply == NULL
            || json_object_set_new(body, "reply_parameters", reply) != 0)
        {
            json_decref(body);
            body = NULL;
        }
    }

    if (body != NULL && json_is_integer(topic)
        && json_object_set(body, "message_thread_id", topic) != 0)
    {
        json_decref(body);
        body = NULL;
    }

    topic = sc_json_path(msg, "direct_messages_topic.topic_id");

    if (body != NULL
        && json_is_true(json_object_get(chat, "is_direct_messages"))
        && json_is_integer(topic)
        && json_object_set(body, "direct_messages_topic_id", topic) != 0)
    {
        json_decref(body);
        body = NULL;
    }

    /* a business chat is answered on behalf of the business account */
    conn = json_object_get(raw, "business_connection_id");
    if (body != NULL && json_is_string(conn)
        && json_object_set(body, "business_connection_id", conn) != 0)
    {
        json_decref(body);
        body = NULL;
    }

    return (sc_dreq_json(q, body) == 0) ? SC_DELIVER_REQUEST
                                         : SC_DELIVER_ERROR;
}


/*
 * A chat id as Telegram takes it: the integer from raw (copied, never
 * through a double: ids pass 2^53), else the stored id, an integer when
 * it is one, else a string ("@channel").  NULL: none.
 */
static json_t *
sc_deliver_telegram_id(json_t *v, const char *fallback)
{
    json_t   *s;
    int64_t   n;

    if (json_is_integer(v)) {
        return json_integer(json_integer_value(v));
    }

    fallback = sc_deliver_str(fallback);
    if (fallback == NULL) {
        return NULL;
    }

    s = json_string(fallback);

    if (s != NULL && sc_json_int64(s, &n) == 0) {
        json_decref(s);
        return json_integer(n);
    }

    return s;
}


/*
 * {"ok":true,"result":{"message_id":..}} or {"ok":false,"error_code":429,
 * "description":"Too Many Requests: retry after 5","parameters":
 * {"retry_after":5}}, the HTTP status mirroring error_code.
 */
int
sc_deliver_telegram_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    json_t       *ok, *params;
    json_int_t    code, wait, chat;
    const char   *desc;

    (void) body;
    (void) len;

    ok = json_object_get(doc, "ok");

    if (json_is_true(ok)) {
        r->outcome = SC_OUTCOME_SENT;
        (void) sc_dres_id(r, sc_json_path(doc, "result.message_id"));
        return 1;
    }

    if (json_is_false(ok)) {
        code = json_integer_value(json_object_get(doc, "error_code"));
        desc = sc_json_str(doc, "description");
        params = json_object_get(doc, "parameters");

        if (desc == NULL) {
            desc = "no description";
        }

        if (code == 429 || status == 429) {
            wait = json_integer_value(json_object_get(params,
                                                      "retry_after"));
            if (wait > 0) {
                r->retry_after = (wait > SC_DELIVER_RETRY_MAX)
                                 ? SC_DELIVER_RETRY_MAX : (int) wait;
            }

            sc_dres_set(r, SC_OUTCOME_RETRY, "telegram error %"
                        JSON_INTEGER_FORMAT ": %s", code, desc);
            return 1;
        }

        /* a group became a supergroup: the old id is gone for good */
        chat = json_integer_value(json_object_get(params,
                                                  "migrate_to_chat_id"));
        if (chat != 0) {
            sc_dres_set(r, SC_OUTCOME_FAIL, "telegram error %"
                        JSON_INTEGER_FORMAT ": %s (the chat moved to %"
                        JSON_INTEGER_FORMAT ")", code, desc, chat);
            return 1;
        }

        sc_dres_set(r, (code >= 500 || status >= 500) ? SC_OUTCOME_RETRY
                                                      : SC_OUTCOME_FAIL,
                    "telegram error %" JSON_INTEGER_FORMAT ": %s", code,
                    desc);
        return 1;
    }

    if (status >= 200 && status <= 299) {
        sc_dres_set(r, SC_OUTCOME_RETRY, "telegram answered HTTP %d without "
                    "\"ok\"", status);
        return 1;
    }

    *message = NULL;

    return 0;
}
