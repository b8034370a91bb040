/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_tiktok.c: TikTok for Developers webhooks -> sc_event_t.
 *
 *   {"client_key": "bwo2m45353a6k85", "event": "authorization.removed",
 *    "create_time": 1615338610, "user_openid": "act.example...",
 *    "content": "{\"reason\": 1 }"}
 *
 * "content" is JSON serialized into a string.  The documented events
 * (authorization.removed, video.upload.failed, video.publish.completed,
 * post.publish.*, portability.download.ready) are account and publishing
 * notices, stored under their own name.  TikTok documents no message or
 * comment webhook for this API; should one appear with a "text" in its
 * content, it is stored as answerable.  One webhook is one event.
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdio.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_TIKTOK_CHANNEL   "tiktok"
#define SC_TIKTOK_TYPE_MAX  64


static const char *sc_tiktok_text(sc_events_t *out, json_t *content);
static sc_parse_rc_e sc_tiktok_set_id(sc_event_t *ev, json_t *doc);


static sc_parse_rc_e
sc_tiktok_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc;
    const char     *event, *type;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    (void) answer;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    event = sc_json_str(doc, "event");
    if (event == NULL) {
        sc_json_err(err, errlen, "body is not a TikTok webhook: no \"event\" "
                    "string");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    type = (event[0] != '\0' && strlen(event) <= SC_TIKTOK_TYPE_MAX)
           ? event : "unsupported";

    rc = sc_json_event(out, SC_TIKTOK_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    /* every event concerns one creator: the conversation is theirs */
    ev->author_id = sc_json_str(doc, "user_openid");
    ev->thread_id = ev->author_id;

    /*
     * Documented in seconds; the portal's test event sends milliseconds
     * (1752894700622): read by its size, as seconds it is no time at all.
     */
    ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "create_time"),
                                      SC_TIME_AUTO);
    ev->text = sc_tiktok_text(out, json_object_get(doc, "content"));

    ev->answerable = (ev->text != NULL
                      && (strstr(type, "message") != NULL
                          || strstr(type, "comment") != NULL));

    rc = sc_tiktok_set_id(ev, doc);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


/* content.text, kept with the events: content is parsed apart */
static const char *
sc_tiktok_text(sc_events_t *out, json_t *content)
{
    json_t       *obj;
    const char   *s;

    /* documented as a string; an object is read as it is */
    if (json_is_object(content)) {
        return sc_json_str(content, "text");
    }

    s = json_string_value(content);
    if (s == NULL || strchr(s, '{') == NULL) {
        return NULL;
    }

    obj = json_loads(s, 0, NULL);
    if (obj == NULL) {
        return NULL;
    }

    s = sc_json_str(obj, "text");
    s = (s != NULL && s[0] != '\0') ? sc_json_keep(out, s, strlen(s)) : NULL;

    json_decref(obj);

    return s;
}


/*
 * TikTok gives no event id: "<event>:<sha256>" of what identifies the
 * event (event, create_time, user_openid, content as sent), so that a
 * retry maps to the same row and fields TikTok may add do not split it.
 */
static sc_parse_rc_e
sc_tiktok_set_id(sc_event_t *ev, json_t *doc)
{
    int      rc;
    char     hex[SC_SHA256_HEX_LEN + 1];
    json_t  *parts;

    parts = json_pack("[O?O?O?O?]",
                      json_object_get(doc, "event"),
                      json_object_get(doc, "create_time"),
                      json_object_get(doc, "user_openid"),
                      json_object_get(doc, "content"));
    if (parts == NULL) {
        return SC_PARSE_NOMEM;
    }

    rc = sc_json_hash_hex(parts, hex);
    json_decref(parts);

    if (rc != 0) {
        return SC_PARSE_NOMEM;
    }

    /* the type is at most SC_TIKTOK_TYPE_MAX: "<type>:<64 hex>" fits */
    (void) snprintf(ev->external_id, SC_EXTERNAL_ID_MAX, "%s:%s", ev->type,
                    hex);

    return SC_PARSE_OK;
}


const sc_platform_t  sc_platform_tiktok = {
    "tiktok",
    NULL,           /* TikTok has no handshake */
    sc_verify_tiktok,
    sc_tiktok_parse,
    NULL,           /* TikTok reads no reply from the answer */
    0, 0, 0
};
