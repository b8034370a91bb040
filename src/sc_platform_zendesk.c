/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_zendesk.c: Zendesk webhooks -> sc_event_t.
 *
 * Two kinds of body arrive at a Zendesk webhook:
 *
 *   event subscriptions  {"type": "zen:event-type:ticket.comment_added",
 *                         "id": "<uuid>", "time": "<ISO 8601>",
 *                         "subject": "zen:ticket:5158", "detail": {...},
 *                         "event": {"comment": {...}}}
 *   triggers/automations whatever JSON the admin wrote with placeholders,
 *                         by habit {"ticket": {"id", "latest_comment", ...}}
 *
 * Zendesk is itself a helpdesk: its events are stored for SLA and volume
 * metrics and never answered from here.  One webhook is one event.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_ZENDESK_CHANNEL   "zendesk"
#define SC_ZENDESK_PREFIX    "zen:event-type:"

#define SC_ZENDESK_TYPE_MAX  64


static sc_parse_rc_e
sc_zendesk_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    size_t          plen;
    json_t         *doc, *author;
    unsigned        zen;
    const char     *type, *id;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    (void) answer;

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    plen = sizeof(SC_ZENDESK_PREFIX) - 1;
    type = sc_json_str(doc, "type");
    zen = (type != NULL && strncmp(type, SC_ZENDESK_PREFIX, plen) == 0);

    if (zen) {
        type += plen;
    }

    if (type == NULL || type[0] == '\0'
        || strlen(type) > SC_ZENDESK_TYPE_MAX)
    {
        type = "zendesk";
    }

    rc = sc_json_event(out, SC_ZENDESK_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    if (zen) {
        author = sc_json_path(doc, "event.comment.author");

        /*
         * Only a new comment is something said now: a comment made
         * private or redacted carries the old words again, and stored as
         * text they would count as the same complaint a second time.
         */
        if (strcmp(type, "ticket.comment_added") == 0) {
            ev->text = sc_json_path_str(doc, "event.comment.body");
        }

        /*
         * Every ticket event's detail repeats the description; only for a
         * new ticket is it what happened (the requester's first words),
         * else each status change would read as the complaint again.
         */
        if (ev->text == NULL && strcmp(type, "ticket.created") == 0) {
            ev->text = sc_json_path_str(doc, "detail.description");
            ev->author_id = sc_json_id_str(out, sc_json_path(doc,
                                                "detail.requester_id"));
        }

    } else {
        /* the placeholders admins use: {{ticket.latest_comment}}, ... */
        author = sc_json_path(doc, "ticket.requester");
        ev->text = sc_json_path_str(doc, "ticket.latest_comment");
    }

    if (author != NULL) {
        ev->author_id = sc_json_id_str(out, json_object_get(author, "id"));
        ev->author_name = sc_json_str(author, "name");
    }

    /* an agent's comment is the brand talking, not a customer */
    ev->from_brand = json_is_true(json_object_get(author, "is_staff"));

    /* "zen:ticket:5158": every event about one ticket shares a thread */
    ev->thread_id = zen ? sc_json_str(doc, "subject")
                        : sc_json_id_str(out, sc_json_path(doc, "ticket.id"));

    ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "time"),
                                      SC_TIME_AUTO);
    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(sc_json_path(doc,
                                                       "ticket.updated_at"),
                                          SC_TIME_AUTO);
    }

    /*
     * Only an event subscription's "id" names the event.  In a trigger
     * body an "id" is whatever the admin put there, often the ticket's:
     * as a dedupe key it would drop every later update of that ticket.
     */
    id = zen ? sc_json_id_str(out, json_object_get(doc, "id")) : NULL;

    if (id == NULL) {
        id = sc_json_keep_header(out, rq,
                                 "X-Zendesk-Webhook-Invocation-Id",
                                 SC_EXTERNAL_ID_MAX - 1);
    }

    rc = (id != NULL) ? sc_json_set_id(ev, id)
                      : sc_json_set_id_hash(ev, SC_ZENDESK_CHANNEL);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


const sc_platform_t  sc_platform_zendesk = {
    "zendesk",
    NULL,           /* Zendesk has no handshake */
    sc_verify_zendesk,
    sc_zendesk_parse,
    NULL,           /* a helpdesk: its agents answer, not we */
    0, 0, 0
};
