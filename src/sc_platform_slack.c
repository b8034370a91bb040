/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_slack.c: Slack Events API, slash commands and interactivity
 * -> sc_event_t.
 *
 *   JSON     {"type":"url_verification","challenge":C} -> 200 text/plain C
 *            {"type":"event_callback","event_id":..,"event":{..}} -> one
 *            event (message, app_mention, reactions, ...); retries
 *            (X-Slack-Retry-Num) repeat the event_id and dedupe away
 *   form     command=/x&text=..&trigger_id=..  -> "command"
 *            payload=<JSON>                    -> "interaction"
 *            ssl_check=1                       -> 200, nothing stored
 *
 * A message's words are its "text"; a message sent as blocks alone (an
 * empty text) gets the words of its blocks (or legacy attachments), a
 * file shared without a comment none.  The brand is the app itself (its bot
 * user, bot id or app id); other bots are not customers either.
 *
 * Slack renders whatever JSON a command or an interaction is answered
 * with.  A command's holding reply therefore rides in its answer, as an
 * ephemeral message only the user who typed it sees (an empty 200 when
 * it gets none); interactions are answered with an empty 200 and, like
 * Events API deliveries, get their replies through the API.  Whatever is
 * not understood becomes one "unsupported" event: nothing may vanish.
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdlib.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_SLACK_CHANNEL    "slack"

/* sc_json_name_t.flags */
#define SC_SLACK_ANSWER     0x01    /* a person's own words */
#define SC_SLACK_BRAND      0x02    /* a bot speaking */
#define SC_SLACK_INNER      0x04    /* the words are in event.message */
#define SC_SLACK_PREVIOUS   0x08    /* ... in event.previous_message */

#define SC_SLACK_MAX_DEPTH  8       /* rich text nests lists in quotes */


static sc_parse_rc_e sc_slack_parse(const sc_request_t *rq,
    sc_events_t *out, sc_answer_t *answer, char *err, size_t errlen);
static int sc_slack_inline_answer(const sc_events_t *evs,
    const sc_reply_t *replies, sc_answer_t *answer);

static sc_parse_rc_e sc_slack_json(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);
static sc_parse_rc_e sc_slack_callback(sc_events_t *out, json_t *doc);
static const char *sc_slack_unescape(sc_events_t *out, const char *text);
static const char *sc_slack_words(sc_events_t *out, json_t *msg);
static int sc_slack_rich_text(json_t *el, json_t *parts, unsigned depth);
static unsigned sc_slack_nonempty(json_t *obj, const char *key);
static int sc_slack_line(json_t *parts);
static int sc_slack_rich_value(sc_events_t *out, json_t *rich,
    json_t *vals);
static int sc_slack_part(json_t *parts, const char *pre, json_t *v,
    const char *post);
static unsigned sc_slack_is_brand(json_t *doc, json_t *words,
    const char *user);
static unsigned sc_slack_is_app_user(json_t *doc, const char *user);
static sc_parse_rc_e sc_slack_form(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);
static sc_parse_rc_e sc_slack_command(sc_events_t *out, json_t *doc);
static sc_parse_rc_e sc_slack_interaction(sc_events_t *out, json_t *doc);
static const char *sc_slack_interaction_text(sc_events_t *out, json_t *doc);
static int sc_slack_action_values(sc_events_t *out, json_t *action,
    json_t *vals);
static sc_visibility_e sc_slack_visibility(const char *channel,
    const char *channel_type);


const sc_platform_t  sc_platform_slack = {
    "slack",
    NULL,
    sc_verify_slack,
    sc_slack_parse,
    sc_slack_inline_answer,
    0,
    0,
    0
};


/* message subtypes; a message without one is a person's */
static const sc_json_name_t  sc_slack_subtypes[] = {
    { "file_share",        "message",          SC_SLACK_ANSWER },
    { "thread_broadcast",  "message",          SC_SLACK_ANSWER },
    { "me_message",        "message",          SC_SLACK_ANSWER },
    { "bot_message",       "message",          SC_SLACK_BRAND },
    { "message_changed",   "message_changed",  SC_SLACK_INNER },
    { "message_deleted",   "message_deleted",  SC_SLACK_PREVIOUS },
    { "message_replied",   "message_replied",  SC_SLACK_INNER },
    { NULL,                NULL,               0 }
};


/* event_callback event types other than "message" */
static const sc_json_name_t  sc_slack_events[] = {
    { "app_mention",            "mention",            SC_SLACK_ANSWER },
    { "reaction_added",         "reaction",           0 },
    { "reaction_removed",       "reaction_removed",   0 },
    { "member_joined_channel",  "member_joined",      0 },
    { "member_left_channel",    "member_left",        0 },
    { "team_join",              "team_join",          0 },
    { "app_home_opened",        "app_home_opened",    0 },
    { "app_uninstalled",        "app_uninstalled",    0 },
    { "tokens_revoked",         "tokens_revoked",     0 },
    { "link_shared",            "link_shared",        0 },
    { "file_shared",            "file_shared",        0 },
    { NULL,                     NULL,                 0 }
};


/* interactivity payload types */
static const sc_json_name_t  sc_slack_payloads[] = {
    { "block_actions",        "interaction",  SC_SLACK_ANSWER },
    { "interactive_message",  "interaction",  SC_SLACK_ANSWER },
    { "message_action",       "interaction",  SC_SLACK_ANSWER },
    { "shortcut",             "interaction",  SC_SLACK_ANSWER },
    { "view_submission",      "interaction",  SC_SLACK_ANSWER },
    { "dialog_submission",    "interaction",  SC_SLACK_ANSWER },
    { "view_closed",          "view_closed",  0 },
    { "block_suggestion",     "suggestion",   0 },
    { NULL,                   NULL,           0 }
};


static sc_parse_rc_e
sc_slack_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    if (sc_json_body_is_json(rq)) {
        return sc_slack_json(rq, out, answer, err, errlen);
    }

    return sc_slack_form(rq, out, answer, err, errlen);
}


static sc_parse_rc_e
sc_slack_json(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t         *doc;
    const char     *type, *challenge;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    type = sc_json_str(doc, "type");

    if (sc_json_same(type, "url_verification")) {
        challenge = sc_json_str(doc, "challenge");

        if (challenge == NULL || challenge[0] == '\0') {
            sc_json_err(err, errlen, "url_verification without a "
                        "challenge");
            return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
        }

        if (sc_answer_set(answer, 200, "text/plain", challenge,
                          strlen(challenge))
            != 0)
        {
            return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
        }

        return SC_PARSE_OK;
    }

    if (sc_json_same(type, "event_callback")
        && json_is_object(json_object_get(doc, "event")))
    {
        rc = sc_slack_callback(out, doc);

    } else if (sc_json_same(type, "app_rate_limited")) {
        /* Slack is dropping this app's events: an operator must know */
        rc = sc_json_event(out, SC_SLACK_CHANNEL, "rate_limited", doc, &ev);
        if (rc == SC_PARSE_OK) {
            rc = sc_json_set_id_hash(ev, NULL);
        }

    } else {
        rc = sc_json_unsupported(out, SC_SLACK_CHANNEL, doc);
    }

    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_slack_callback(sc_events_t *out, json_t *doc)
{
    json_t                *event, *words;
    unsigned               flags;
    const char            *type, *subtype, *channel, *channel_type, *thread;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    event = json_object_get(doc, "event");
    type = sc_json_str(event, "type");
    subtype = sc_json_str(event, "subtype");

    if (sc_json_same(type, "message")) {
        t = sc_json_lookup(sc_slack_subtypes, subtype);

        if (t != NULL) {
            type = t->type;
            flags = t->flags;

        } else if (subtype == NULL) {
            type = "message";
            flags = SC_SLACK_ANSWER;

        } else {
            /* channel_join, channel_topic, ...: the channel's own news */
            type = "system";
            flags = 0;
        }

    } else {
        t = sc_json_lookup(sc_slack_events, type);
        if (t == NULL) {
            return sc_json_unsupported(out, SC_SLACK_CHANNEL, event);
        }

        type = t->type;
        flags = t->flags;
    }

    rc = sc_json_event(out, SC_SLACK_CHANNEL, type, event, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* an edit carries the new message inside, a deletion the old one */
    words = event;

    if (flags & SC_SLACK_INNER) {
        words = json_object_get(event, "message");

    } else if (flags & SC_SLACK_PREVIOUS) {
        words = json_object_get(event, "previous_message");
    }

    ev->text = sc_slack_unescape(out, sc_slack_words(out, words));
    ev->author_id = sc_json_str(words, "user");
    ev->author_handle = sc_json_path_str(words, "user_profile.name");
    ev->author_name = sc_json_path_str(words, "user_profile.real_name");

    if (ev->author_id == NULL) {
        /* file_shared names its user "user_id" */
        ev->author_id = sc_json_str(words, "user_id");
    }

    if (ev->author_handle == NULL) {
        ev->author_handle = sc_json_str(words, "username");
    }

    channel = sc_json_str(event, "channel");
    channel_type = sc_json_str(event, "channel_type");
    thread = NULL;

    if (channel == NULL) {
        /* a reaction names the message it is on */
        channel = sc_json_path_str(event, "item.channel");
        thread = sc_json_path_str(event, "item.ts");
    }

    if (channel == NULL) {
        channel = sc_json_str(event, "channel_id");
    }

    ev->visibility = sc_slack_visibility(channel, channel_type);

    /*
     * A DM is one conversation; in a channel the conversation is the
     * thread, named by its parent's ts, which is unique per channel only.
     */
    if (thread == NULL) {
        thread = sc_json_str(words, "thread_ts");
    }

    if (thread == NULL) {
        thread = sc_json_str(words, "ts");
    }

    if (ev->visibility == SC_VISIBILITY_PUBLIC && channel != NULL
        && thread != NULL)
    {
        ev->thread_id = sc_json_keep_fmt(out, "%s:%s", channel, thread);

    } else {
        ev->thread_id = channel;
    }

    ev->occurred_ms = sc_json_time_ms(json_object_get(event, "ts"),
                                      SC_TIME_S);
    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(event, "event_ts"),
                                          SC_TIME_S);
    }

    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "event_time"),
                                          SC_TIME_S);
    }

    ev->from_brand = (flags & SC_SLACK_BRAND)
                     || sc_slack_is_brand(doc, words, ev->author_id);
    ev->answerable = (flags & SC_SLACK_ANSWER) && !ev->from_brand;

    return sc_json_set_id(ev, sc_json_str(doc, "event_id"));
}


/*
 * A message's words: its text, else (blocks only, a file without a
 * comment) the words of its rich_text and section blocks, else those of
 * its legacy attachments; NULL when there are none.
 */
/*
 * Slack escapes the three characters its markup uses in message text:
 * "&amp;", "&lt;", "&gt;".  The customer typed "&", "<", ">": that is
 * what is stored and classified (raw keeps Slack's form).  Mentions and
 * links stay in Slack's own <...> markup.
 */

static const char *
sc_slack_unescape(sc_events_t *out, const char *text)
{
    char        *buf, *p;
    size_t       len;
    const char  *s, *kept;

    if (text == NULL || strchr(text, '&') == NULL) {
        return text;
    }

    len = strlen(text);

    buf = malloc(len + 1);
    if (buf == NULL) {
        return text;
    }

    for (s = text, p = buf; *s != '\0'; /* void */) {
        if (strncmp(s, "&amp;", 5) == 0) {
            *p++ = '&';
            s += 5;

        } else if (strncmp(s, "&lt;", 4) == 0) {
            *p++ = '<';
            s += 4;

        } else if (strncmp(s, "&gt;", 4) == 0) {
            *p++ = '>';
            s += 4;

        } else {
            *p++ = *s++;
        }
    }

    kept = sc_json_keep(out, buf, p - buf);
    free(buf);

    return kept ? kept : text;
}


static const char *
sc_slack_words(sc_events_t *out, json_t *msg)
{
    size_t       i;
    json_t      *parts, *list, *el;
    const char  *text, *type;

    text = sc_json_str(msg, "text");
    if (text != NULL && text[0] != '\0') {
        return text;
    }

    parts = json_array();
    if (parts == NULL) {
        return NULL;
    }

    list = json_object_get(msg, "blocks");

    for (i = 0; i < json_array_size(list); i++) {
        el = json_array_get(list, i);
        type = sc_json_str(el, "type");

        if (sc_json_same(type, "rich_text")) {
            if (sc_slack_rich_text(el, parts, 0) != 0) {
                goto failed;
            }

        } else if (sc_json_same(type, "section")
                   || sc_json_same(type, "header"))
        {
            if (sc_slack_part(parts, json_array_size(parts) ? "\n" : NULL,
                              sc_json_path(el, "text.text"), NULL)
                != 0)
            {
                goto failed;
            }
        }
    }

    list = json_object_get(msg, "attachments");

    for (i = 0; json_array_size(parts) == 0 && i < json_array_size(list);
         i++)
    {
        el = json_array_get(list, i);

        if (sc_slack_part(parts, NULL, json_object_get(el, "text"), NULL)
            != 0)
        {
            goto failed;
        }

        if (json_array_size(parts) == 0
            && sc_slack_part(parts, NULL, json_object_get(el, "fallback"),
                             NULL)
               != 0)
        {
            goto failed;
        }
    }

    text = sc_json_keep_join(out, parts, "");
    json_decref(parts);

    return (text != NULL && text[0] != '\0') ? text : NULL;

failed:

    json_decref(parts);

    return NULL;
}


/*
 * One rich_text element as Slack's own text would have it: words, links,
 * ":emoji:", "<@U123>" mentions; sections, list items, quotes and code
 * on lines of their own.  Returns -1 only on ENOMEM.
 */
static int
sc_slack_rich_text(json_t *el, json_t *parts, unsigned depth)
{
    size_t       i;
    json_t      *list;
    const char  *type;

    if (!json_is_object(el) || depth > SC_SLACK_MAX_DEPTH) {
        return 0;
    }

    type = sc_json_str(el, "type");

    if (sc_json_same(type, "text")) {
        return sc_slack_part(parts, NULL, json_object_get(el, "text"), NULL);
    }

    if (sc_json_same(type, "link")) {
        /* a link's label, else its address */
        return sc_slack_part(parts, NULL, sc_slack_nonempty(el, "text")
                                          ? json_object_get(el, "text")
                                          : json_object_get(el, "url"),
                             NULL);
    }

    if (sc_json_same(type, "emoji")) {
        return sc_slack_part(parts, ":", json_object_get(el, "name"), ":");
    }

    if (sc_json_same(type, "user")) {
        return sc_slack_part(parts, "<@", json_object_get(el, "user_id"),
                             ">");
    }

    if (sc_json_same(type, "channel")) {
        return sc_slack_part(parts, "<#", json_object_get(el, "channel_id"),
                             ">");
    }

    if (sc_json_same(type, "usergroup")) {
        return sc_slack_part(parts, "<!subteam^",
                             json_object_get(el, "usergroup_id"), ">");
    }

    if (sc_json_same(type, "broadcast")) {
        return sc_slack_part(parts, "<!", json_object_get(el, "range"), ">");
    }

    if (sc_json_same(type, "date")) {
        return sc_slack_part(parts, NULL, json_object_get(el, "fallback"),
                             NULL);
    }

    list = json_object_get(el, "elements");
    if (!json_is_array(list)) {
        return 0;
    }

    /* a new section, item, quote or code block starts a line */
    if (!sc_json_same(type, "rich_text") && sc_slack_line(parts) != 0) {
        return -1;
    }

    for (i = 0; i < json_array_size(list); i++) {
        if (sc_slack_rich_text(json_array_get(list, i), parts, depth + 1)
            != 0)
        {
            return -1;
        }
    }

    return 0;
}


/* obj[key] is a non-empty string */
static unsigned
sc_slack_nonempty(json_t *obj, const char *key)
{
    json_t  *v;

    v = json_object_get(obj, key);

    return json_is_string(v) && json_string_length(v) > 0;
}


/* a line break after the last part, unless there is one or none */
static int
sc_slack_line(json_t *parts)
{
    size_t       n;
    const char  *last;

    n = json_array_size(parts);
    if (n == 0) {
        return 0;
    }

    last = json_string_value(json_array_get(parts, n - 1));

    if (last == NULL || last[0] == '\0' || last[strlen(last) - 1] == '\n') {
        return 0;
    }

    return json_array_append_new(parts, json_string("\n"));
}


/* pre, v and post appended to parts when v is a non-empty string */
static int
sc_slack_part(json_t *parts, const char *pre, json_t *v, const char *post)
{
    if (!json_is_string(v) || json_string_length(v) == 0) {
        return 0;
    }

    if (pre != NULL && json_array_append_new(parts, json_string(pre)) != 0) {
        return -1;
    }

    if (json_array_append(parts, v) != 0) {
        return -1;
    }

    if (post != NULL && json_array_append_new(parts, json_string(post)) != 0)
    {
        return -1;
    }

    return 0;
}


/*
 * The brand speaks through a bot: the app's own bot user, or a message
 * carrying a bot id (chat.postMessage with a bot token, incoming webhooks,
 * other integrations: none of them is a customer), or the app's own id.
 */
static unsigned
sc_slack_is_brand(json_t *doc, json_t *words, const char *user)
{
    const char  *bot, *app;

    bot = sc_json_str(words, "bot_id");
    if (bot != NULL && bot[0] != '\0') {
        return 1;
    }

    app = sc_json_str(words, "app_id");
    if (app == NULL) {
        app = sc_json_path_str(words, "bot_profile.app_id");
    }

    if (sc_json_same(app, sc_json_str(doc, "api_app_id"))) {
        return 1;
    }

    return sc_slack_is_app_user(doc, user);
}


/* the user is the app's own bot user, as "authorizations" lists it */
static unsigned
sc_slack_is_app_user(json_t *doc, const char *user)
{
    size_t   i;
    json_t  *list, *a;

    if (user == NULL) {
        return 0;
    }

    list = json_object_get(doc, "authorizations");

    for (i = 0; i < json_array_size(list); i++) {
        a = json_array_get(list, i);

        if (json_is_true(json_object_get(a, "is_bot"))
            && sc_json_same(sc_json_str(a, "user_id"), user))
        {
            return 1;
        }
    }

    return 0;
}


static sc_parse_rc_e
sc_slack_form(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    json_t         *doc;
    size_t          len;
    sc_form_t       form;
    const char     *payload;
    sc_parse_rc_e   rc;

    sc_events_init(out);

    if (sc_form_parse((const char *) rq->body, rq->body_len, &form,
                      SC_JSON_FORM_MAX)
        != 0)
    {
        sc_json_err(err, errlen, "body is neither JSON nor a form of at "
                    "most %d fields without NUL bytes", SC_JSON_FORM_MAX);
        return SC_PARSE_BAD_JSON;
    }

    /* interactivity: the whole payload is one JSON form field */
    payload = sc_form_get(&form, "payload", &len);

    if (payload != NULL) {
        rc = sc_json_load((const unsigned char *) payload, len, out, &doc,
                          err, errlen);
        sc_form_free(&form);

        if (rc != SC_PARSE_OK) {
            return rc;
        }

        if (!json_is_object(doc)) {
            sc_json_err(err, errlen, "payload is not a JSON object");
            return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
        }

        rc = sc_slack_interaction(out, doc);

        return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
    }

    /* Slack checking the certificate of a command URL: nothing to keep */
    if (sc_form_get(&form, "ssl_check", NULL) != NULL
        && sc_form_get(&form, "command", NULL) == NULL)
    {
        sc_form_free(&form);

        if (sc_answer_set(answer, 200, "text/plain", NULL, 0) != 0) {
            return SC_PARSE_NOMEM;
        }

        return SC_PARSE_OK;
    }

    rc = sc_json_adopt_form(out, &form, &doc, err, errlen);
    sc_form_free(&form);

    if (rc != SC_PARSE_OK) {
        return rc;
    }

    if (json_object_size(doc) == 0) {
        sc_json_err(err, errlen, "body has no form fields");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    rc = (sc_json_str(doc, "command") != NULL)
         ? sc_slack_command(out, doc)
         : sc_json_unsupported(out, SC_SLACK_CHANNEL, doc);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


static sc_parse_rc_e
sc_slack_command(sc_events_t *out, json_t *doc)
{
    const char     *command, *text;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(out, SC_SLACK_CHANNEL, "command", doc, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    command = sc_json_str(doc, "command");
    text = sc_json_str(doc, "text");

    /* "/refund order 48213": the command names the intent */
    ev->text = (text != NULL && text[0] != '\0')
               ? sc_json_keep_fmt(out, "%s %s", command, text)
               : command;

    ev->author_id = sc_json_str(doc, "user_id");
    ev->author_handle = sc_json_str(doc, "user_name");
    ev->thread_id = sc_json_str(doc, "channel_id");
    ev->visibility = sc_json_same(sc_json_str(doc, "channel_name"),
                                  "directmessage")
                     ? SC_VISIBILITY_PRIVATE
                     : sc_slack_visibility(ev->thread_id, NULL);
    ev->answerable = 1;

    /* Slack shows the answer to a command to its user: no API call */
    ev->reply_inline = 1;

    return sc_json_set_id(ev, sc_json_str(doc, "trigger_id"));
}


static sc_parse_rc_e
sc_slack_interaction(sc_events_t *out, json_t *doc)
{
    json_t                *action, *user;
    const char            *id, *channel;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    t = sc_json_lookup(sc_slack_payloads, sc_json_str(doc, "type"));
    if (t == NULL) {
        return sc_json_unsupported(out, SC_SLACK_CHANNEL, doc);
    }

    rc = sc_json_event(out, SC_SLACK_CHANNEL, t->type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* "name" is the legacy handle: message shortcuts carry no other */
    user = json_object_get(doc, "user");
    ev->author_id = sc_json_str(user, "id");
    ev->author_handle = sc_json_str(user, "username");
    ev->author_name = sc_json_str(user, "name");

    if (ev->author_handle == NULL) {
        ev->author_handle = ev->author_name;
    }

    channel = sc_json_path_str(doc, "channel.id");
    if (channel == NULL) {
        channel = sc_json_path_str(doc, "container.channel_id");
    }

    /* no channel: a modal or a global shortcut, seen by the user alone */
    ev->thread_id = channel;
    ev->visibility = (channel != NULL)
                     ? sc_slack_visibility(channel, NULL)
                     : SC_VISIBILITY_PRIVATE;
    ev->text = sc_slack_interaction_text(out, doc);
    ev->answerable = (t->flags & SC_SLACK_ANSWER) != 0;

    action = json_array_get(json_object_get(doc, "actions"), 0);

    ev->occurred_ms = sc_json_time_ms(json_object_get(action, "action_ts"),
                                      SC_TIME_S);
    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "action_ts"),
                                          SC_TIME_S);
    }

    /* trigger_id is unique per user action; older payloads lack it */
    id = sc_json_str(doc, "trigger_id");
    if (id == NULL) {
        id = sc_json_str(action, "action_ts");
    }

    if (id == NULL) {
        id = sc_json_str(doc, "action_ts");
    }

    return sc_json_set_id(ev, id);
}


/*
 * What the user chose or typed: the actions' values (a button's label
 * when it has no value), a modal's input values, or the message a
 * message shortcut was used on.  Never the words of the message a button
 * sits on: those are the brand's.
 */
static const char *
sc_slack_interaction_text(sc_events_t *out, json_t *doc)
{
    size_t       i;
    json_t      *vals, *list, *block, *el;
    const char  *key, *text, *action_id;

    vals = json_array();
    if (vals == NULL) {
        return NULL;
    }

    list = json_object_get(doc, "actions");

    for (i = 0; i < json_array_size(list); i++) {
        if (sc_slack_action_values(out, json_array_get(list, i), vals) != 0) {
            goto done;
        }
    }

    /* view.state.values: block_id -> action_id -> element state */
    json_object_foreach(sc_json_path(doc, "view.state.values"), key, block) {
        json_object_foreach(block, action_id, el) {
            if (sc_slack_action_values(out, el, vals) != 0) {
                goto done;
            }
        }
    }

    /* legacy dialogs: submission is name -> value */
    json_object_foreach(json_object_get(doc, "submission"), key, el) {
        if (json_is_string(el) && json_string_length(el) > 0
            && json_array_append(vals, el) != 0)
        {
            goto done;
        }
    }

done:

    text = sc_json_keep_join(out, vals, " ");
    json_decref(vals);

    if (text == NULL
        && sc_json_same(sc_json_str(doc, "type"), "message_action"))
    {
        text = sc_slack_words(out, json_object_get(doc, "message"));
    }

    return text;
}


/*
 * The value(s) of one block action or input element state: typed text
 * (rich text too), chosen options, dates and times.  Users, channels and
 * conversations chosen are ids, not words: left to raw.
 */
static int
sc_slack_action_values(sc_events_t *out, json_t *action, json_t *vals)
{
    size_t   i;
    json_t  *v, *list;

    static const char  *scalars[] = {
        "value", "selected_option.value", "selected_date", "selected_time"
    };

    for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
        v = sc_json_path(action, scalars[i]);

        if (json_is_string(v) && json_string_length(v) > 0) {
            return json_array_append(vals, v);
        }
    }

    list = json_object_get(action, "selected_options");

    for (i = 0; i < json_array_size(list); i++) {
        v = json_object_get(json_array_get(list, i), "value");

        if (json_is_string(v) && json_array_append(vals, v) != 0) {
            return -1;
        }
    }

    if (sc_slack_rich_value(out, json_object_get(action, "rich_text_value"),
                            vals)
        != 0)
    {
        return -1;
    }

    /* a button without a value: what it said is what was chosen */
    if (sc_json_same(sc_json_str(action, "type"), "button")) {
        v = sc_json_path(action, "text.text");

        if (json_is_string(v) && json_string_length(v) > 0) {
            return json_array_append(vals, v);
        }
    }

    return 0;
}


/* a rich_text_input's words appended to vals as one string */
static int
sc_slack_rich_value(sc_events_t *out, json_t *rich, json_t *vals)
{
    int          rc;
    json_t      *parts;
    const char  *text;

    if (!json_is_object(rich)) {
        return 0;
    }

    parts = json_array();
    if (parts == NULL) {
        return -1;
    }

    rc = sc_slack_rich_text(rich, parts, 0);
    text = (rc == 0) ? sc_json_keep_join(out, parts, "") : NULL;
    json_decref(parts);

    if (rc != 0) {
        return -1;
    }

    if (text == NULL || text[0] == '\0') {
        return 0;
    }

    return json_array_append_new(vals, json_string(text));
}


/*
 * DMs (and the app's Messages tab, "app_home") are private; channels,
 * private channels and group DMs are seen.
 */
static sc_visibility_e
sc_slack_visibility(const char *channel, const char *channel_type)
{
    if (channel_type != NULL && channel_type[0] != '\0') {
        return (strcmp(channel_type, "im") == 0
                || strcmp(channel_type, "app_home") == 0)
               ? SC_VISIBILITY_PRIVATE : SC_VISIBILITY_PUBLIC;
    }

    /* events without channel_type (app_mention): DM channel ids are D... */
    return (channel != NULL && channel[0] == 'D') ? SC_VISIBILITY_PRIVATE
                                                  : SC_VISIBILITY_PUBLIC;
}


/*
 * Commands and interactions: Slack shows a JSON answer to the user or
 * reads it as a modal instruction.  A command with a holding reply is
 * answered {"response_type":"ephemeral","text":<reply>} (seen by its user
 * alone); other commands and interactions with an empty 200 (an empty
 * options list for a suggestion).  Events API deliveries take the
 * default answer.
 */
static int
sc_slack_inline_answer(const sc_events_t *evs, const sc_reply_t *replies,
    sc_answer_t *answer)
{
    size_t       i;
    json_t      *body;
    const char  *type;

    for (i = 0; i < evs->nevents; i++) {
        type = evs->events[i].type;

        if (evs->events[i].reply_inline && replies[i].text != NULL) {
            body = json_pack("{s:s, s:s}", "response_type", "ephemeral",
                             "text", replies[i].text);

            if (sc_json_answer(answer, 200, body) == 0) {
                return 1;
            }

            /* not UTF-8 or no memory: the empty 200, never our own JSON */
        }

        if (strcmp(type, "suggestion") == 0) {
            return sc_json_answer(answer, 200,
                                  json_pack("{s:[]}", "options")) == 0;
        }

        if (strcmp(type, "command") == 0 || strcmp(type, "interaction") == 0
            || strcmp(type, "view_closed") == 0)
        {
            return sc_answer_set(answer, 200, "text/plain", NULL, 0) == 0;
        }
    }

    return 0;
}
