/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_slack.c: replies through Slack's chat.postMessage with the
 * bot token.  In a channel the reply goes into the message's thread; in
 * a DM to the DM; a private reply to a public message to the author's
 * app DM (chat.postMessage takes a user id as channel).  Commands were
 * answered in the webhook answer (sc_platform_slack.c): never here.
 *
 * From what sc_platform_slack.c stored: raw is the event (Events API) or
 * the interaction payload; thread_id is "<channel>:<thread ts>" in a
 * channel, the channel id in a DM.
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdlib.h>
#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


#define SC_SLACK_CHANNEL_MAX  64


static const char *sc_deliver_slack_thread(json_t *raw);
static char *sc_deliver_slack_escape(const char *s);


/* ok:false errors that pass */
static const char  *sc_deliver_slack_retry[] = {
    "ratelimited", "rate_limited", "service_unavailable", "internal_error",
    "request_timeout", NULL
};


sc_deliver_rc_e
sc_deliver_slack_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    char          chan[SC_SLACK_CHANNEL_MAX], *text;
    json_t       *raw, *body;
    size_t        n;
    const char   *channel, *thread, *colon;

    (void) now;

    if (d->event_type != NULL && strcmp(d->event_type, "command") == 0) {
        return sc_dreq_skip(q, "slack commands are answered inline");
    }

    raw = d->raw;

    /* an event names its channel; an interaction its channel or container */
    channel = sc_json_str(raw, "channel");
    if (channel == NULL) {
        channel = sc_json_path_str(raw, "channel.id");
    }

    if (channel == NULL) {
        channel = sc_json_path_str(raw, "container.channel_id");
    }

    thread = sc_deliver_slack_thread(raw);

    /* without raw: "<channel>:<ts>" or the channel alone */
    if (channel == NULL && sc_deliver_str(d->thread_id) != NULL) {
        colon = strchr(d->thread_id, ':');

        if (colon == NULL) {
            channel = d->thread_id;

        } else {
            n = (size_t) (colon - d->thread_id);

            if (n == 0 || n >= sizeof(chan)) {
                return sc_dreq_skip(q, "no slack channel to reply to");
            }

            memcpy(chan, d->thread_id, n);
            chan[n] = '\0';
            channel = chan;

            if (thread == NULL && colon[1] != '\0') {
                thread = colon + 1;
            }
        }
    }

    if (channel == NULL || channel[0] == '\0') {
        return sc_dreq_skip(q, "no slack channel to reply to");
    }

    /* DM channels are D...: a private reply elsewhere goes to the app DM */
    if (channel[0] == 'D') {
        thread = NULL;

    } else if (sc_deliver_private(d)) {
        channel = sc_deliver_str(d->author_id);
        thread = NULL;

        if (channel == NULL) {
            return sc_dreq_skip(q, "no slack user to answer privately");
        }
    }

    text = sc_deliver_slack_escape(d->text);
    if (text == NULL) {
        return sc_dreq_error(q, "out of memory");
    }

    body = json_pack("{s:s, s:s}", "channel", channel, "text", text);
    free(text);

    if (body != NULL && thread != NULL && thread[0] != '\0'
        && json_object_set_new(body, "thread_ts", json_string(thread)) != 0)
    {
        json_decref(body);
        body = NULL;
    }

    /* the body first: it is consumed whatever happens next */
    if (sc_dreq_json(q, body) != 0
        || sc_dreq_path(q, "/chat.postMessage") != 0
        || sc_dreq_header(q, "Authorization", "Bearer %s", api->token) != 0)
    {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}


/*
 * The thread a reply belongs to: the parent's ts when the message is in
 * one, else the message's own ts (events: the event, an edit's inner
 * message; interactions: the container, the message with the button).
 */
static const char *
sc_deliver_slack_thread(json_t *raw)
{
    size_t                    i;
    const char               *ts;
    static const char *const  paths[] = {
        "thread_ts", "message.thread_ts", "container.thread_ts", "ts",
        "container.message_ts", "message.ts"
    };

    for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        ts = sc_json_path_str(raw, paths[i]);
        if (ts != NULL && ts[0] != '\0') {
            return ts;
        }
    }

    return NULL;
}


/*
 * Slack reads &, < and > as markup ("<!channel>" pings a whole channel):
 * a reply is plain text, so they are escaped, nothing else.
 */
static char *
sc_deliver_slack_escape(const char *s)
{
    char        *out, *p;
    const char  *e;

    out = malloc(strlen(s) * 5 + 1);
    if (out == NULL) {
        return NULL;
    }

    for (p = out; *s != '\0'; s++) {
        e = (*s == '&') ? "&amp;" : (*s == '<') ? "&lt;"
            : (*s == '>') ? "&gt;" : NULL;

        if (e == NULL) {
            *p++ = *s;
            continue;
        }

        memcpy(p, e, strlen(e));
        p += strlen(e);
    }

    *p = '\0';

    return out;
}


/*
 * Always 200 {"ok":true,"channel","ts","message"} or {"ok":false,
 * "error":"channel_not_found"}; throttling is a 429 with Retry-After.
 */
int
sc_deliver_slack_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    json_t       *ok;
    const char   *error, **e;

    (void) body;
    (void) len;

    ok = json_object_get(doc, "ok");

    if (json_is_true(ok)) {
        r->outcome = SC_OUTCOME_SENT;
        (void) sc_dres_id(r, json_object_get(doc, "ts"));
        return 1;
    }

    if (json_is_false(ok)) {
        error = sc_json_str(doc, "error");
        if (error == NULL) {
            error = "unknown error";
        }

        for (e = sc_deliver_slack_retry; *e != NULL; e++) {
            if (strcmp(*e, error) == 0) {
                break;
            }
        }

        sc_dres_set(r, (*e != NULL || status == 429 || status >= 500)
                       ? SC_OUTCOME_RETRY : SC_OUTCOME_FAIL,
                    "slack error (HTTP %d): %s", status, error);
        return 1;
    }

    /* a 200 without "ok" tells nothing: the message may not be there */
    if (status >= 200 && status <= 299) {
        sc_dres_set(r, SC_OUTCOME_RETRY, "slack answered HTTP %d without "
                    "\"ok\"", status);
        return 1;
    }

    *message = NULL;

    return 0;
}
