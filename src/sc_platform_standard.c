/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_standard.c: Standard Webhooks (and Svix) senders ->
 * sc_event_t.  Any helpdesk or app that signs the Standard Webhooks way.
 *
 *   webhook-id: msg_2ZqH8a5Rk1            (svix-id with Svix)
 *   {"type": "message.created", "timestamp": "2024-06-10T15:59:59Z",
 *    "data": {"text": ..., "author": {"id", "name", "username"}, ...}}
 *
 * The body is the sender's own JSON; "type"/"timestamp"/"data" is only a
 * convention, so every field is optional except the webhook-id header,
 * the dedupe key the specification gives every message.  One webhook is
 * one event.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_STANDARD_CHANNEL   "standard"

/* a sender's type longer than this is not a name: "event" instead */
#define SC_STANDARD_TYPE_MAX  64


static const char *sc_standard_first(json_t *v, const char **paths);


/* where senders put the words and the person, most common first */
static const char  *sc_standard_text_paths[] = {
    "text", "message", "body", "message.text", "message.body", NULL
};

static const char  *sc_standard_thread_paths[] = {
    "thread_id", "conversation_id", "ticket_id", NULL
};


static sc_parse_rc_e
sc_standard_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc, *data, *author, *thread;
    const char     *id, *type, *vis, *name, **path;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    (void) answer;

    name = "webhook-id";

    if (sc_request_header(rq, name, NULL) == NULL) {
        name = "svix-id";
    }

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* the specification's dedupe key: without it a retry is a new row */
    if (sc_request_header(rq, name, NULL) == NULL) {
        sc_json_err(err, errlen, "no webhook-id header");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    type = sc_json_str(doc, "type");
    if (type == NULL || type[0] == '\0'
        || strlen(type) > SC_STANDARD_TYPE_MAX)
    {
        type = "event";
    }

    rc = sc_json_event(out, SC_STANDARD_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    data = json_object_get(doc, "data");

    ev->text = sc_standard_first(data, sc_standard_text_paths);

    author = json_object_get(data, "author");
    if (!json_is_object(author)) {
        author = json_object_get(data, "user");
    }

    ev->author_id = sc_json_id_str(out, json_object_get(author, "id"));
    ev->author_name = sc_json_str(author, "name");
    ev->author_handle = sc_json_str(author, "handle");
    if (ev->author_handle == NULL) {
        ev->author_handle = sc_json_str(author, "username");
    }

    thread = NULL;
    for (path = sc_standard_thread_paths; *path && thread == NULL; path++) {
        thread = json_object_get(data, *path);
    }

    ev->thread_id = sc_json_id_str(out, thread);

    vis = sc_json_str(data, "visibility");
    ev->visibility = (vis != NULL && strcmp(vis, "public") == 0)
                     ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;

    ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "timestamp"),
                                      SC_TIME_AUTO);

    /* "message.created", "conversation.message": a customer wrote */
    ev->answerable = (strstr(type, "message") != NULL && ev->text != NULL);

    id = sc_json_keep_header(out, rq, name, SC_EXTERNAL_ID_MAX - 1);

    /* an unusable id still dedupes: the body hashes the same when resent */
    rc = (id != NULL) ? sc_json_set_id(ev, id)
                      : sc_json_set_id_hash(ev, NULL);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


/* the first of paths under v that is a string */
static const char *
sc_standard_first(json_t *v, const char **paths)
{
    const char  *s;

    for ( /* void */ ; *paths != NULL; paths++) {
        s = sc_json_path_str(v, *paths);
        if (s != NULL) {
            return s;
        }
    }

    return NULL;
}


const sc_platform_t  sc_platform_standard = {
    "standard",
    NULL,           /* the specification has no handshake */
    sc_verify_standard,
    sc_standard_parse,
    NULL,           /* replies go through the sender's own API */
    0, 0, 0
};
