/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_discord.c: Discord interactions and webhook events ->
 * sc_event_t, and the interaction response carrying the holding reply.
 *
 *   Interactions      {"type":1} PING -> 200 {"type":1};
 *                     2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT,
 *                     4 AUTOCOMPLETE, 5 MODAL_SUBMIT -> one event each,
 *                     answered with a type 4 (reply), 5, 6 or 8 response
 *   Webhook Events    {"type":0} PING -> 204; {"type":1,"event":{...}}
 *                     -> one event, answered 204; no id in the envelope,
 *                     so the dedupe key is "event:" + SHA-256 of the body
 *
 * Both arrive signed with Ed25519 (sc_verify_discord), possibly at the
 * same URL: the "event" member tells them apart.  Whatever is not
 * understood becomes one "unsupported" event: nothing may vanish here.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdio.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_DC_CHANNEL           "discord"

#define SC_DC_PING              1
#define SC_DC_COMMAND           2
#define SC_DC_COMPONENT         3
#define SC_DC_AUTOCOMPLETE      4
#define SC_DC_MODAL             5

#define SC_DC_WEBHOOK_PING      0
#define SC_DC_WEBHOOK_EVENT     1

/* interaction callback types */
#define SC_DC_PONG              1
#define SC_DC_MESSAGE           4
#define SC_DC_DEFERRED_MESSAGE  5
#define SC_DC_DEFERRED_UPDATE   6
#define SC_DC_CHOICES           8

#define SC_DC_EPHEMERAL         64      /* message flag: only the user */

#define SC_DC_EPOCH_MS          1420070400000LL
#define SC_DC_EVENT_PREFIX      "event:"
#define SC_DC_MAX_DEPTH         8       /* options nest 3 deep at most */

/* sc_json_name_t.flags */
#define SC_DC_PUBLIC            0x01


static sc_parse_rc_e sc_dc_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);
static int sc_dc_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_dc_interaction(sc_events_t *out, json_t *doc,
    json_int_t type);
static sc_parse_rc_e sc_dc_webhook_event(const sc_request_t *rq,
    sc_events_t *out, json_t *doc);
static int sc_dc_values(json_t *v, json_t *vals, unsigned depth);
static const char *sc_dc_text(sc_events_t *out, json_t *doc,
    json_int_t type);
static int64_t sc_dc_snowflake_ms(const char *id);
static unsigned sc_dc_is_webhook_event(const sc_event_t *ev);


const sc_platform_t  sc_platform_discord = {
    "discord",
    NULL,
    sc_verify_discord,
    sc_dc_parse,
    sc_dc_inline_answer,
    1,
    1,
    0
};


/* webhook event types, by the envelope's event.type */
static const sc_json_name_t  sc_dc_event_types[] = {
    { "APPLICATION_AUTHORIZED",     "application_authorized",     0 },
    { "APPLICATION_DEAUTHORIZED",   "application_deauthorized",   0 },
    { "ENTITLEMENT_CREATE",         "entitlement_create",         0 },
    { "QUEST_USER_ENROLLMENT",      "quest_user_enrollment",      0 },
    { "LOBBY_MESSAGE_CREATE",       "lobby_message_create",
      SC_DC_PUBLIC },
    { "LOBBY_MESSAGE_UPDATE",       "lobby_message_update",
      SC_DC_PUBLIC },
    { "LOBBY_MESSAGE_DELETE",       "lobby_message_delete",
      SC_DC_PUBLIC },
    { "GAME_DIRECT_MESSAGE_CREATE", "game_direct_message_create", 0 },
    { "GAME_DIRECT_MESSAGE_UPDATE", "game_direct_message_update", 0 },
    { "GAME_DIRECT_MESSAGE_DELETE", "game_direct_message_delete", 0 },
    { NULL,                         NULL,                         0 }
};


static sc_parse_rc_e
sc_dc_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t         *doc, *type;
    json_int_t      t;
    sc_parse_rc_e   rc;

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    type = json_object_get(doc, "type");
    t = json_is_integer(type) ? json_integer_value(type) : -1;

    /* webhook events carry an "event"; their PING is the only type 0 */
    if (json_object_get(doc, "event") != NULL) {
        rc = (t == SC_DC_WEBHOOK_EVENT)
             ? sc_dc_webhook_event(rq, out, doc)
             : sc_json_unsupported(out, SC_DC_CHANNEL, doc);

    } else if (t == SC_DC_WEBHOOK_PING) {
        if (sc_answer_set(answer, 204, "application/json", NULL, 0) != 0) {
            rc = SC_PARSE_NOMEM;
        }

    } else if (t == SC_DC_PING) {
        if (sc_json_answer(answer, 200, json_pack("{s:i}", "type",
                                                  SC_DC_PONG))
            != 0)
        {
            rc = SC_PARSE_NOMEM;
        }

    } else if (t >= SC_DC_COMMAND && t <= SC_DC_MODAL) {
        rc = sc_dc_interaction(out, doc, t);

    } else {
        rc = sc_json_unsupported(out, SC_DC_CHANNEL, doc);
    }

    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_dc_interaction(sc_events_t *out, json_t *doc, json_int_t type)
{
    json_t         *user;
    const char     *id, *name;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    switch (type) {

    case SC_DC_COMMAND:
        name = "command";
        break;

    case SC_DC_AUTOCOMPLETE:
        name = "autocomplete";
        break;

    default:
        name = "interaction";
        break;
    }

    rc = sc_json_event(out, SC_DC_CHANNEL, name, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* in a server the user is the member's; in a DM it is top-level */
    user = sc_json_path(doc, "member.user");
    if (user == NULL) {
        user = json_object_get(doc, "user");
    }

    ev->author_id = sc_json_str(user, "id");
    ev->author_handle = sc_json_str(user, "username");
    ev->author_name = sc_json_str(user, "global_name");

    ev->thread_id = sc_json_str(doc, "channel_id");
    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_path_str(doc, "channel.id");
    }

    ev->visibility = (json_object_get(doc, "guild_id") != NULL)
                     ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;

    ev->text = sc_dc_text(out, doc, type);

    id = sc_json_str(doc, "id");

    ev->occurred_ms = sc_dc_snowflake_ms(id);
    ev->from_brand = json_is_true(json_object_get(user, "bot"));

    /* autocomplete wants choices while typing, not a care reply */
    ev->answerable = (type != SC_DC_AUTOCOMPLETE) && !ev->from_brand;

    return sc_json_set_id(ev, id);
}


/*
 * What the user said: the option values of a command, the text inputs of
 * a modal, the chosen values of a select menu, space-separated; else the
 * button's custom_id, or the message a message command was used on.
 */
static const char *
sc_dc_text(sc_events_t *out, json_t *doc, json_int_t type)
{
    json_t      *data, *vals;
    const char  *text, *target;

    data = json_object_get(doc, "data");

    vals = json_array();
    if (vals == NULL) {
        return NULL;
    }

    text = NULL;

    if (sc_dc_values(data, vals, 0) == 0) {
        text = sc_json_keep_join(out, vals, " ");
    }

    json_decref(vals);

    if (text != NULL) {
        return text;
    }

    if (type == SC_DC_COMPONENT) {
        return sc_json_str(data, "custom_id");
    }

    target = sc_json_str(data, "target_id");

    if (target != NULL) {
        return sc_json_str(json_object_get(sc_json_path(data,
                                                        "resolved.messages"),
                                           target),
                           "content");
    }

    return NULL;
}


/*
 * Collects "value" scalars and "values" arrays, walking "options"
 * (subcommands nest them), "components" (modal rows) and "component"
 * (modal labels) in order.  Returns -1 only on ENOMEM.
 */
static int
sc_dc_values(json_t *v, json_t *vals, unsigned depth)
{
    size_t       i, k;
    json_t      *el, *list;
    static const char  *nests[] = { "options", "components", "component" };

    if (!json_is_object(v) || depth > SC_DC_MAX_DEPTH) {
        return 0;
    }

    el = json_object_get(v, "value");

    if (el != NULL && !json_is_object(el) && !json_is_array(el)
        && !json_is_null(el) && json_array_append(vals, el) != 0)
    {
        return -1;
    }

    list = json_object_get(v, "values");

    for (i = 0; i < json_array_size(list); i++) {
        if (json_array_append(vals, json_array_get(list, i)) != 0) {
            return -1;
        }
    }

    for (k = 0; k < sizeof(nests) / sizeof(nests[0]); k++) {
        list = json_object_get(v, nests[k]);

        if (json_is_object(list)) {
            if (sc_dc_values(list, vals, depth + 1) != 0) {
                return -1;
            }

            continue;
        }

        for (i = 0; i < json_array_size(list); i++) {
            if (sc_dc_values(json_array_get(list, i), vals, depth + 1) != 0)
            {
                return -1;
            }
        }
    }

    return 0;
}


static sc_parse_rc_e
sc_dc_webhook_event(const sc_request_t *rq, sc_events_t *out, json_t *doc)
{
    json_t                *event, *data, *user;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;
    char                   hex[SC_SHA256_HEX_LEN + 1];

    event = json_object_get(doc, "event");
    data = json_object_get(event, "data");

    t = sc_json_lookup(sc_dc_event_types, sc_json_str(event, "type"));

    rc = sc_json_event(out, SC_DC_CHANNEL, t ? t->type : "unsupported",
                       event, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* authorizations name a "user", messages an "author" */
    user = json_object_get(data, "author");
    if (user == NULL) {
        user = json_object_get(data, "user");
    }

    ev->author_id = sc_json_str(user, "id");
    if (ev->author_id == NULL) {
        ev->author_id = sc_json_str(data, "user_id");
    }

    ev->author_handle = sc_json_str(user, "username");
    ev->author_name = sc_json_str(user, "global_name");
    ev->thread_id = sc_json_str(data, "channel_id");
    ev->text = sc_json_str(data, "content");
    ev->occurred_ms = sc_json_time_ms(json_object_get(event, "timestamp"),
                                      SC_TIME_MS);
    ev->visibility = (t != NULL && (t->flags & SC_DC_PUBLIC))
                     ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;

    /* the envelope has no id: Discord resends the same bytes on retry */
    if (sc_sha256_hex(rq->body, rq->body_len, hex) != 0) {
        return SC_PARSE_NOMEM;
    }

    memcpy(ev->external_id, SC_DC_EVENT_PREFIX,
           sizeof(SC_DC_EVENT_PREFIX) - 1);
    memcpy(ev->external_id + sizeof(SC_DC_EVENT_PREFIX) - 1, hex,
           sizeof(hex));

    return SC_PARSE_OK;
}


/* a snowflake's creation time: its top 42 bits count ms since 2015 */
static int64_t
sc_dc_snowflake_ms(const char *id)
{
    int64_t  v;

    if (id == NULL) {
        return 0;
    }

    v = 0;

    for ( /* void */ ; *id != '\0'; id++) {
        if (*id < '0' || *id > '9' || v > (INT64_MAX - 9) / 10) {
            return 0;
        }

        v = v * 10 + (*id - '0');
    }

    return (v >> 22) ? (v >> 22) + SC_DC_EPOCH_MS : 0;
}


static unsigned
sc_dc_is_webhook_event(const sc_event_t *ev)
{
    return strncmp(ev->external_id, SC_DC_EVENT_PREFIX,
                   sizeof(SC_DC_EVENT_PREFIX) - 1) == 0;
}


/*
 * The interaction response (Discord shows nothing without one within 3 s):
 * the holding reply as an ephemeral message, since an acknowledgement is
 * noise for everyone else in the channel; without a reply a deferral
 * (type 5, or 6 for a component: no "thinking..." state).  Webhook events
 * want 204 and no body.
 */
static int
sc_dc_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    json_t      *body;
    json_int_t   type;
    sc_event_t  *ev;

    if (evs->nevents == 0) {
        return 0;
    }

    ev = &evs->events[0];

    if (sc_dc_is_webhook_event(ev)) {
        return sc_answer_set(answer, 204, "application/json", NULL, 0) == 0;
    }

    if (!json_is_integer(json_object_get(ev->raw, "type"))) {
        return 0;
    }

    type = json_integer_value(json_object_get(ev->raw, "type"));

    if (replies[0].text != NULL) {
        body = json_pack("{s:i, s:{s:s, s:i}}", "type", SC_DC_MESSAGE,
                         "data", "content", replies[0].text,
                         "flags", SC_DC_EPHEMERAL);

    } else if (type == SC_DC_AUTOCOMPLETE) {
        body = json_pack("{s:i, s:{s:[]}}", "type", SC_DC_CHOICES,
                         "data", "choices");

    } else if (type == SC_DC_COMPONENT) {
        body = json_pack("{s:i}", "type", SC_DC_DEFERRED_UPDATE);

    } else if (type >= SC_DC_COMMAND && type <= SC_DC_MODAL) {
        body = json_pack("{s:i}", "type", SC_DC_DEFERRED_MESSAGE);

    } else {
        return 0;
    }

    return sc_json_answer(answer, 200, body) == 0;
}
