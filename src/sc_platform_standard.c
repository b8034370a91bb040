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
 * the dedupe key the specification gives every message (the same on each
 * retry, whatever its timestamp and signatures).  One webhook is one
 * event.  The words, the person and the thread are looked for where
 * senders put them (data.text, data.message.content, data.sender, data.
 * conversation.id, ..., or the body itself when it has no "data"); only a
 * type naming a new message or comment is answered.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>
#include <strings.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_STANDARD_CHANNEL   "standard"

/* a sender's type longer than this is not a name: "event" instead */
#define SC_STANDARD_TYPE_MAX  64


static sc_parse_rc_e sc_standard_load_wide(const sc_request_t *rq,
    sc_events_t *out, json_t **doc, char *err, size_t errlen);
static const char *sc_standard_first(json_t *v, const char **paths);
static json_t *sc_standard_first_object(json_t *v, const char **paths);
static json_t *sc_standard_first_id(json_t *v, const char **paths);
static int sc_standard_answerable(const char *type);


/* the event's name: the specification's "type", or what senders use */
static const char  *sc_standard_type_paths[] = {
    "type", "event_type", "eventType", "event", NULL
};

/* where senders put the words and the person, most common first */
static const char  *sc_standard_text_paths[] = {
    "text", "message", "body", "content", "message.text", "message.body",
    "message.content", NULL
};

static const char  *sc_standard_author_paths[] = {
    "author", "user", "sender", "from", "customer", "contact", NULL
};

static const char  *sc_standard_thread_paths[] = {
    "thread_id", "conversation_id", "ticket_id", "thread.id",
    "conversation.id", "ticket.id", NULL
};

static const char  *sc_standard_time_paths[] = {
    "timestamp", "created_at", "createdAt", "occurred_at", NULL
};

/*
 * Words in a type that say the event is no new message from a customer:
 * "message.delivered", "message.updated", "message.attempt.exhausted"
 * (Svix's own), "conversation.message.read", ...
 */
static const char  *sc_standard_not_new[] = {
    "sent", "outbound", "outgoing", "delivered", "read", "seen", "failed",
    "failing", "bounced", "queued", "updated", "edited", "changed",
    "deleted", "removed", "status", "attempt", "exhausted", "recovered",
    "reaction", "reacted", "typing", NULL
};


static sc_parse_rc_e
sc_standard_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    int             kind;
    json_t         *doc, *data, *author;
    const char     *id, *type, *vis, *name;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    (void) answer;

    name = "webhook-id";

    if (sc_request_header(rq, name, NULL) == NULL) {
        name = "svix-id";
    }

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc == SC_PARSE_BAD_JSON) {
        rc = sc_standard_load_wide(rq, out, &doc, err, errlen);
    }

    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* the specification's dedupe key: without it a retry is a new row */
    if (sc_request_header(rq, name, NULL) == NULL) {
        sc_json_err(err, errlen, "no webhook-id header");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    type = sc_standard_first(doc, sc_standard_type_paths);
    if (type == NULL || type[0] == '\0'
        || strlen(type) > SC_STANDARD_TYPE_MAX)
    {
        type = "event";
    }

    rc = sc_json_event(out, SC_STANDARD_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    /* the payload is "data" by the specification; some send it bare */
    data = json_object_get(doc, "data");
    if (data == NULL) {
        data = doc;
    }

    ev->text = sc_standard_first(data, sc_standard_text_paths);

    author = sc_standard_first_object(data, sc_standard_author_paths);

    ev->author_id = sc_json_id_str(out, json_object_get(author, "id"));
    ev->author_name = sc_json_str(author, "name");
    ev->author_handle = sc_json_str(author, "handle");
    if (ev->author_handle == NULL) {
        ev->author_handle = sc_json_str(author, "username");
    }

    ev->thread_id = sc_json_id_str(out,
                                   sc_standard_first_id(data,
                                                  sc_standard_thread_paths));

    vis = sc_json_str(data, "visibility");
    ev->visibility = (vis != NULL && strcmp(vis, "public") == 0)
                     ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;

    ev->occurred_ms = sc_json_time_ms(sc_standard_first_id(doc,
                                                  sc_standard_time_paths),
                                      SC_TIME_AUTO);
    if (ev->occurred_ms == 0 && data != doc) {
        ev->occurred_ms = sc_json_time_ms(sc_standard_first_id(data,
                                                  sc_standard_time_paths),
                                          SC_TIME_AUTO);
    }

    /* "message.created", "conversation.message": a customer wrote */
    kind = ev->text != NULL ? sc_standard_answerable(type) : 0;
    ev->answerable = (kind != 0);

    /*
     * The sender names its types freely ("message.created",
     * "CommentPosted"): a new customer message or comment is stored as
     * "message" or "comment", the types the SLA watch and the reports
     * count (social_care.answerable_event_types); raw keeps the sender's.
     */
    if (kind) {
        ev->type = (kind == 2) ? "comment" : "message";
    }

    /*
     * webhook-id is the same on every retry of a message.  An unusable
     * one still dedupes: the body hashes the same when resent.
     */
    id = sc_json_keep_header(out, rq, name, SC_EXTERNAL_ID_MAX - 1);

    rc = (id != NULL) ? sc_json_set_id(ev, id)
                      : sc_json_set_id_hash(ev, NULL);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


/*
 * The sender's JSON is anyone's: an integer beyond 64 bits (JavaScript
 * writes 1e20 in digits) makes jansson refuse the whole body, and a 400
 * makes the sender retry it for days.  Such a body is read again with
 * every integer as a real: ids given as numbers are then lost, the
 * message is not.  What is no JSON object either way stays refused, with
 * the first reading's words.
 */
static sc_parse_rc_e
sc_standard_load_wide(const sc_request_t *rq, sc_events_t *out,
    json_t **doc, char *err, size_t errlen)
{
    json_t  *root;

    if (rq->body == NULL || rq->body_len == 0) {
        return SC_PARSE_BAD_JSON;
    }

    root = json_loadb((const char *) rq->body, rq->body_len,
                      JSON_DECODE_INT_AS_REAL, NULL);

    if (!json_is_object(root)) {
        json_decref(root);
        return SC_PARSE_BAD_JSON;
    }

    /* sc_json_adopt() steals root, also when it fails */
    if (sc_json_adopt(out, root) != SC_PARSE_OK) {
        return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
    }

    *doc = root;

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }

    return SC_PARSE_OK;
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


/* the first of paths under v that is an object */
static json_t *
sc_standard_first_object(json_t *v, const char **paths)
{
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t  *o;

    for ( /* void */ ; *paths != NULL; paths++) {
        o = sc_json_path(v, *paths);
        if (json_is_object(o)) {
            return o;
        }
    }

    return NULL;
}


/* the first of paths under v that is present at all (not null) */
static json_t *
sc_standard_first_id(json_t *v, const char **paths)
{
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t  *o;

    for ( /* void */ ; *paths != NULL; paths++) {
        o = sc_json_path(v, *paths);
        if (o != NULL && !json_is_null(o)) {
            return o;
        }
    }

    return NULL;
}


/*
 * A type that names a message (1) or only a comment (2)
 * ("message.created", "community.message.posted", "comment.created",
 * "MessageCreated") and no word of sc_standard_not_new; 0 otherwise.  Words are split on anything but
 * letters and digits and before a capital after a small letter, and
 * compared ignoring case.
 */
static int
sc_standard_answerable(const char *type)
{
    size_t        n;
    unsigned      noun;
    const char   *p, *w, **nn;

    noun = 0;

    for (p = type; *p != '\0'; p += n) {
        n = 0;

        while (p[n] != '\0'
               && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z')
                   || (p[n] >= '0' && p[n] <= '9'))
               && !(n > 0 && p[n] >= 'A' && p[n] <= 'Z'
                    && p[n - 1] >= 'a' && p[n - 1] <= 'z'))
        {
            n++;
        }

        if (n == 0) {
            n = 1;
            continue;
        }

        w = p;

        if ((n == 7 && strncasecmp(w, "message", 7) == 0)
            || (n == 8 && strncasecmp(w, "messages", 8) == 0))
        {
            noun = 1;
            continue;
        }

        if (n == 7 && strncasecmp(w, "comment", 7) == 0) {
            noun = noun ? noun : 2;
            continue;
        }

        for (nn = sc_standard_not_new; *nn != NULL; nn++) {
            if (strlen(*nn) == n && strncasecmp(w, *nn, n) == 0) {
                return 0;
            }
        }
    }

    return noun;
}


const sc_platform_t  sc_platform_standard = {
    "standard",
    NULL,           /* the specification has no handshake */
    sc_verify_standard,
    sc_standard_parse,
    NULL,           /* replies go through the sender's own API */
    0, 0, 0
};
