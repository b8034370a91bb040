/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_x.c: replies through the X API v2 with a user-context
 * bearer token: a public reply is a post in reply to the customer's
 * (POST /2/tweets), a private one a DM to the customer
 * (POST /2/dm_conversations/with/:participant_id/messages).  From what
 * sc_platform_x.c stored: external_id is the post or DM event id,
 * thread_id of a DM the customer's user id, author_id the writer's.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


static int sc_deliver_x_digits(const char *s);


/* event types that are posts one can reply to */
static const char  *sc_deliver_x_posts[] = {
    "tweet", "reply", "mention", "post", NULL
};


sc_deliver_rc_e
sc_deliver_x_build(const sc_delivery_t *d, const sc_api_t *api, double now,
    sc_dreq_t *q)
{
    const char   *to, **t;
    unsigned      post;

    (void) now;

    post = 0;

    for (t = sc_deliver_x_posts; *t != NULL; t++) {
        if (d->event_type != NULL && strcmp(d->event_type, *t) == 0) {
            post = 1;
        }
    }

    if (sc_dreq_header(q, "Authorization", "Bearer %s", api->token) != 0) {
        return SC_DELIVER_ERROR;
    }

    if (post && !sc_deliver_private(d)) {
        if (!sc_deliver_x_digits(d->external_id)) {
            return sc_dreq_skip(q, "no post id to reply to");
        }

        if (sc_dreq_path(q, "/2/tweets") != 0
            || sc_dreq_json(q, json_pack("{s:s, s:{s:s}}", "text", d->text,
                                         "reply", "in_reply_to_tweet_id",
                                         d->external_id))
               != 0)
        {
            return SC_DELIVER_ERROR;
        }

        return SC_DELIVER_REQUEST;
    }

    /* a DM's thread is the customer; a post's author is */
    to = post ? sc_deliver_str(d->author_id) : sc_deliver_str(d->thread_id);
    if (to == NULL) {
        to = sc_deliver_str(d->author_id);
    }

    if (to == NULL) {
        return sc_dreq_skip(q, "no recipient to reply to");
    }

    if (!sc_deliver_x_digits(to)) {
        return sc_dreq_error(q, "the X user id is not numeric");
    }

    if (sc_dreq_path(q, "/2/dm_conversations/with/") != 0
        || sc_dreq_seg(q, to, NULL, "the X user id is not numeric") != 0
        || sc_dreq_path(q, "/messages") != 0
        || sc_dreq_json(q, json_pack("{s:s}", "text", d->text)) != 0)
    {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}


/*
 * 201 {"data":{"id","text"}} or {"data":{"dm_conversation_id",
 * "dm_event_id"}}; problems {"title","detail","type","status"} or
 * {"errors":[{"message"}]}, also with a 200.
 */
int
sc_deliver_x_result(int status, json_t *doc, const char *body, size_t len,
    sc_deliver_result_t *r, const char **message)
{
    json_t      *data;
    const char  *msg;

    (void) body;
    (void) len;

    msg = sc_json_str(doc, "detail");
    if (msg == NULL) {
        msg = sc_json_str(json_array_get(json_object_get(doc, "errors"), 0),
                          "message");
    }

    if (msg == NULL) {
        msg = sc_json_str(doc, "title");
    }

    *message = msg;

    if (status < 200 || status > 299) {
        return 0;
    }

    data = json_object_get(doc, "data");

    if (sc_dres_id(r, json_object_get(data, "id"))
        || sc_dres_id(r, json_object_get(data, "dm_event_id")))
    {
        r->outcome = SC_OUTCOME_SENT;
        return 1;
    }

    if (msg != NULL && data == NULL) {
        sc_dres_set(r, SC_OUTCOME_FAIL, "x answered HTTP %d: %s", status,
                    msg);
        return 1;
    }

    return 0;
}


static int
sc_deliver_x_digits(const char *s)
{
    if (s == NULL || s[0] == '\0') {
        return 0;
    }

    return strspn(s, "0123456789") == strlen(s);
}
