/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_discord.c: Discord interactions and webhook events ->
 * sc_event_t, and the interaction response carrying the holding reply.
 *
 *   Interactions      {"type":1} PING -> 200 {"type":1};
 *                     2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT,
 *                     4 AUTOCOMPLETE, 5 MODAL_SUBMIT -> one event each,
 *                     answered with a type 4 (reply), 5, 6 or 8 response;
 *                     an autocomplete is stored without words (half-typed
 *                     option values are no message to classify)
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

/* where sc_dc_values walks: the "type" numbers differ */
#define SC_DC_IN_OPTIONS        0
#define SC_DC_IN_COMPONENTS     1

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
static int sc_dc_values(json_t *v, json_t *vals, unsigned in,
    unsigned depth);
static int sc_dc_values_in(json_t *nest, json_t *vals, unsigned in,
    unsigned depth);
static int sc_dc_own_values(json_t *v, json_t *vals);
static unsigned sc_dc_is_id_valued(json_t *v, unsigned in);
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
    { "ENTITLEMENT_UPDATE",         "entitlement_update",         0 },
    { "ENTITLEMENT_DELETE",         "entitlement_delete",         0 },
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

    /* snowflakes are strings; a number is taken as well */
    ev->author_id = sc_json_id_str(out, json_object_get(user, "id"));
    ev->author_handle = sc_json_str(user, "username");

    /* the name shown: the server nickname, else the display name */
    ev->author_name = sc_json_path_str(doc, "member.nick");
    if (ev->author_name == NULL) {
        ev->author_name = sc_json_str(user, "global_name");
    }

    ev->thread_id = sc_json_id_str(out, json_object_get(doc, "channel_id"));
    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_id_str(out, sc_json_path(doc, "channel.id"));
    }

    ev->visibility = (json_object_get(doc, "guild_id") != NULL)
                     ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;

    /* half-typed option values: stored in raw, never classified */
    ev->text = (type == SC_DC_AUTOCOMPLETE) ? NULL
                                            : sc_dc_text(out, doc, type);

    id = sc_json_id_str(out, json_object_get(doc, "id"));

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

    if (sc_dc_values(data, vals, (type == SC_DC_COMMAND
                                  || type == SC_DC_AUTOCOMPLETE)
                                 ? SC_DC_IN_OPTIONS : SC_DC_IN_COMPONENTS,
                     0)
        == 0)
    {
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
 * (modal labels) in order; empty strings and the values that are ids
 * (users, roles, channels, files chosen) are left out.  Returns -1 only
 * on ENOMEM.
 */
static int
sc_dc_values(json_t *v, json_t *vals, unsigned in, unsigned depth)
{
    size_t  k;

    static const struct {
        const char  *name;
        unsigned     in;
    }  nests[] = {
        { "options",     SC_DC_IN_OPTIONS },
        { "components",  SC_DC_IN_COMPONENTS },
        { "component",   SC_DC_IN_COMPONENTS }
    };

    if (!json_is_object(v) || depth > SC_DC_MAX_DEPTH) {
        return 0;
    }

    if (!sc_dc_is_id_valued(v, in) && sc_dc_own_values(v, vals) != 0) {
        return -1;
    }

    for (k = 0; k < sizeof(nests) / sizeof(nests[0]); k++) {
        if (sc_dc_values_in(json_object_get(v, nests[k].name), vals,
                            nests[k].in, depth + 1)
            != 0)
        {
            return -1;
        }
    }

    return 0;
}


/* sc_dc_values over one nested object or each element of an array */
static int
sc_dc_values_in(json_t *nest, json_t *vals, unsigned in, unsigned depth)
{
    size_t  i;

    if (json_is_object(nest)) {
        return sc_dc_values(nest, vals, in, depth);
    }

    for (i = 0; i < json_array_size(nest); i++) {
        if (sc_dc_values(json_array_get(nest, i), vals, in, depth) != 0) {
            return -1;
        }
    }

    return 0;
}


/* an option's or a component's own "value" and "values", empties left out */
static int
sc_dc_own_values(json_t *v, json_t *vals)
{
    size_t   i;
    json_t  *el, *list;

    el = json_object_get(v, "value");

    if (el != NULL && !json_is_object(el) && !json_is_array(el)
        && !json_is_null(el)
        && !(json_is_string(el) && json_string_length(el) == 0)
        && json_array_append(vals, el) != 0)
    {
        return -1;
    }

    list = json_object_get(v, "values");

    for (i = 0; i < json_array_size(list); i++) {
        el = json_array_get(list, i);

        if (json_is_string(el) && json_string_length(el) == 0) {
            continue;
        }

        if (json_array_append(vals, el) != 0) {
            return -1;
        }
    }

    return 0;
}


/*
 * Options of type USER 6, CHANNEL 7, ROLE 8, MENTIONABLE 9, ATTACHMENT 11
 * and user, role, mentionable, channel selects (5..8) and file uploads
 * (19) carry snowflakes, not words.  A component names its type "type"
 * in a modal, "component_type" in a message component's data.
 */
static unsigned
sc_dc_is_id_valued(json_t *v, unsigned in)
{
    json_t  *t;

    if (in == SC_DC_IN_OPTIONS) {
        t = json_object_get(v, "type");

        switch (json_is_integer(t) ? json_integer_value(t) : 0) {
        case 6: case 7: case 8: case 9: case 11:
            return 1;
        default:
            return 0;
        }
    }

    t = json_object_get(v, "component_type");
    if (t == NULL) {
        t = json_object_get(v, "type");
    }

    switch (json_is_integer(t) ? json_integer_value(t) : 0) {
    case 5: case 6: case 7: case 8: case 19:
        return 1;
    default:
        return 0;
    }
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

    ev->author_id = sc_json_id_str(out, json_object_get(user, "id"));
    if (ev->author_id == NULL) {
        ev->author_id = sc_json_id_str(out, json_object_get(data, "user_id"));
    }

    ev->author_handle = sc_json_str(user, "username");
    ev->author_name = sc_json_str(user, "global_name");

    /* SDK DMs name a "channel" object; a deleted lobby message its lobby */
    ev->thread_id = sc_json_id_str(out, json_object_get(data, "channel_id"));
    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_id_str(out, sc_json_path(data, "channel.id"));
    }

    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_id_str(out, json_object_get(data, "lobby_id"));
    }

    ev->text = sc_json_str(data, "content");
    if (ev->text != NULL && ev->text[0] == '\0') {
        ev->text = NULL;
    }

    ev->from_brand = json_is_true(json_object_get(user, "bot"));
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
 * noise for everyone else in the channel.  Without a reply an
 * acknowledgement that shows nothing to anyone else: type 6 for a
 * component (and a modal opened from one: it has a "message"), no
 * loading state; else an ephemeral type 5, since nothing edits it later
 * and a public "thinking..." would hang in the channel.  Webhook events
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

    if (type < SC_DC_COMMAND || type > SC_DC_MODAL) {
        return 0;
    }

    if (type == SC_DC_AUTOCOMPLETE) {
        /* only choices are valid here, whatever else was composed */
        return sc_json_answer(answer, 200,
                              json_pack("{s:i, s:{s:[]}}", "type",
                                        SC_DC_CHOICES, "data", "choices"))
               == 0;
    }

    body = (replies[0].text != NULL)
           ? json_pack("{s:i, s:{s:s, s:i}}", "type", SC_DC_MESSAGE,
                       "data", "content", replies[0].text,
                       "flags", SC_DC_EPHEMERAL)
           : NULL;

    /* no reply, or one JSON cannot carry (not UTF-8): acknowledged */
    if (body == NULL) {
        body = (type == SC_DC_COMPONENT
                || (type == SC_DC_MODAL
                    && json_is_object(json_object_get(ev->raw, "message"))))
               ? json_pack("{s:i}", "type", SC_DC_DEFERRED_UPDATE)
               : json_pack("{s:i, s:{s:i}}", "type", SC_DC_DEFERRED_MESSAGE,
                           "data", "flags", SC_DC_EPHEMERAL);
    }

    return sc_json_answer(answer, 200, body) == 0;
}
