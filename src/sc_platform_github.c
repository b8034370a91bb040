/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_github.c: GitHub webhooks (and GitHub-style senders such as
 * Gitea and Forgejo, which send the same headers) -> sc_event_t.
 *
 *   X-GitHub-Event: issue_comment          the event's name
 *   X-GitHub-Delivery: 72d3162e-cc78-...   the delivery's id, kept on
 *                                          redelivery: the dedupe key
 *   {"action": "created", "issue": {...}, "comment": {...},
 *    "repository": {...}, "sender": {"login", "id", "type"}}
 *
 * Issues, discussions and their comments are what customers write (their
 * words only when opened, created or edited); every other event is stored
 * under its own name, the sender as its author.  "ping" (sent when the hook
 * is created) is answered 200 {"status":"pong"} and not stored.  The body
 * is JSON, or the form "payload=<JSON>" when the hook was set up with
 * content type application/x-www-form-urlencoded.  One delivery is one
 * event.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_GITHUB_CHANNEL     "github"
#define SC_GITHUB_TYPE_MAX    64

#define SC_GITHUB_ISSUE       0x01    /* about an issue, else a discussion */
#define SC_GITHUB_COMMENT     0x02    /* a comment on it */
#define SC_GITHUB_OPENED      0x04    /* a new one is "opened", not "created" */


static const sc_json_name_t  sc_github_events[] = {
    { "issues",             "issue",      SC_GITHUB_ISSUE|SC_GITHUB_OPENED },
    { "issue_comment",      "comment",    SC_GITHUB_ISSUE|SC_GITHUB_COMMENT },
    { "discussion",         "discussion", 0 },
    { "discussion_comment", "comment",    SC_GITHUB_COMMENT },
    { NULL,                 NULL,         0 }
};


/* author_association of the repository's own people: the brand */
static const char  *sc_github_staff[] = {
    "OWNER", "MEMBER", "COLLABORATOR", NULL
};


static sc_parse_rc_e sc_github_load_form(const sc_request_t *rq,
    sc_events_t *out, json_t **doc, char *err, size_t errlen);
static void sc_github_item(sc_events_t *out, sc_event_t *ev, json_t *doc,
    const sc_json_name_t *t);


static sc_parse_rc_e
sc_github_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t                *doc, *sender;
    const char            *event, *type, *id;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    if (rq->body_len > 8 && memcmp(rq->body, "payload=", 8) == 0) {
        rc = sc_github_load_form(rq, out, &doc, err, errlen);

    } else {
        rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                                 errlen);
    }

    if (rc != SC_PARSE_OK) {
        return rc;
    }

    event = sc_json_keep_header(out, rq, "X-GitHub-Event",
                                SC_GITHUB_TYPE_MAX);

    if (sc_json_same(event, "ping")) {
        if (sc_json_answer(answer, 200, json_pack("{s:s}", "status", "pong"))
            != 0)
        {
            return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
        }

        return SC_PARSE_OK;
    }

    t = sc_json_lookup(sc_github_events, event);
    type = t ? t->type : (event ? event : "event");

    rc = sc_json_event(out, SC_GITHUB_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    sender = json_object_get(doc, "sender");

    ev->author_id = sc_json_id_str(out, json_object_get(sender, "id"));
    ev->author_handle = sc_json_str(sender, "login");
    ev->from_brand = sc_json_same(sc_json_str(sender, "type"), "Bot");

    /* a private repository's issues are seen by its members only */
    ev->visibility = json_is_true(sc_json_path(doc, "repository.private"))
                     ? SC_VISIBILITY_PRIVATE : SC_VISIBILITY_PUBLIC;

    if (t != NULL) {
        sc_github_item(out, ev, doc, t);
    }

    /* no usable delivery id: the body hashes the same when redelivered */
    id = sc_json_keep_header(out, rq, "X-GitHub-Delivery",
                             SC_EXTERNAL_ID_MAX - 1);

    rc = sc_json_set_id(ev, id);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


/* "payload=<URL-encoded JSON object>": the JSON becomes out's document */
static sc_parse_rc_e
sc_github_load_form(const sc_request_t *rq, sc_events_t *out, json_t **doc,
    char *err, size_t errlen)
{
    json_t         *form, *payload;
    const char     *s;
    json_error_t    jerr;
    sc_parse_rc_e   rc;

    rc = sc_json_load_form(rq->body, rq->body_len, out, &form, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    s = sc_json_str(form, "payload");
    payload = (s != NULL) ? json_loads(s, 0, &jerr) : NULL;

    if (payload == NULL) {
        sc_json_err(err, errlen, "form field \"payload\" is not JSON");
        return sc_json_fail(out, SC_PARSE_BAD_JSON, err, errlen);
    }

    /* the form object is released, payload now owned by out */
    rc = sc_json_adopt(out, payload);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    if (!json_is_object(payload)) {
        sc_json_err(err, errlen, "form field \"payload\" is not a JSON "
                    "object");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    *doc = payload;

    return SC_PARSE_OK;
}


/*
 * An issue, a discussion or a comment on one: its thread (the issue's or
 * discussion's page) for every action; its words, author and whether a
 * customer wrote them only when the action brings the words (opened,
 * created, edited).  A label, a close, an assignment or a deleted comment
 * carries the old body too: stored as its words it would read as the same
 * complaint once more, told by whoever clicked.
 */
static void
sc_github_item(sc_events_t *out, sc_event_t *ev, json_t *doc,
    const sc_json_name_t *t)
{
    json_t       *topic, *obj, *user;
    const char   *assoc, **staff, *opened, *action;

    topic = json_object_get(doc, (t->flags & SC_GITHUB_ISSUE) ? "issue"
                                                             : "discussion");
    obj = (t->flags & SC_GITHUB_COMMENT) ? json_object_get(doc, "comment")
                                         : topic;

    ev->thread_id = sc_json_str(topic, "html_url");
    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_id_str(out, json_object_get(topic, "number"));
    }

    ev->occurred_ms = sc_json_time_ms(json_object_get(obj, "updated_at"),
                                      SC_TIME_AUTO);

    opened = (t->flags & SC_GITHUB_OPENED) ? "opened" : "created";
    action = sc_json_str(doc, "action");

    if (!sc_json_same(action, opened) && !sc_json_same(action, "edited")) {
        return;
    }

    /* an issue opened with an empty body still says what is wrong */
    ev->text = sc_json_str(obj, "body");
    if ((ev->text == NULL || ev->text[0] == '\0')
        && !(t->flags & SC_GITHUB_COMMENT))
    {
        ev->text = sc_json_str(obj, "title");
    }

    /*
     * The words are their author's, not the sender's: an edit by a
     * maintainer leaves a customer's comment the customer's.
     */
    user = json_object_get(obj, "user");

    if (json_is_object(user)) {
        ev->author_id = sc_json_id_str(out, json_object_get(user, "id"));
        ev->author_handle = sc_json_str(user, "login");
        ev->from_brand = sc_json_same(sc_json_str(user, "type"), "Bot");
    }

    assoc = sc_json_str(obj, "author_association");

    for (staff = sc_github_staff; *staff != NULL; staff++) {
        if (sc_json_same(assoc, *staff)) {
            ev->from_brand = 1;
        }
    }

    /* edits: only a new issue or comment wants an answer */
    ev->answerable = (!ev->from_brand && ev->text != NULL
                      && sc_json_same(action, opened));
}


const sc_platform_t  sc_platform_github = {
    "github",
    NULL,           /* "ping" is a POST */
    sc_verify_github,
    sc_github_parse,
    NULL,           /* GitHub reads no reply from the answer */
    0, 0, 0
};
