/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_intercom.c: Intercom webhook notifications -> sc_event_t.
 *
 *   {"type": "notification_event", "id": "notif_...", "topic":
 *    "conversation.user.replied", "created_at": <s>,
 *    "data": {"item": {"type": "conversation", "id", "source": {...},
 *             "conversation_parts": {"conversation_parts": [...]}}}}
 *
 * One notification is one event.  Topic "ping" (sent when the webhook is
 * saved) is answered 200 {} and not stored.  A customer's words
 * (conversation.user.*) become "message" events; every other topic is
 * stored under its own name.
 *
 * None is answerable here: Intercom owns the conversation, its Operator
 * or Fin acknowledges the customer, and a reply from the edge would need
 * an admin id and an access token this module does not hold.  The events
 * feed SLA, volume and sentiment metrics.
 *
 * Pure C and jansson, no nginx types.
 */


#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_INTERCOM_CHANNEL   "intercom"
#define SC_INTERCOM_TYPE_MAX  64

/* topics of the customer's own words, and of the brand's */
#define SC_INTERCOM_USER      "conversation.user."
#define SC_INTERCOM_ADMIN     "conversation.admin."

#define sc_intercom_prefix(s, p)  (strncmp(s, p, sizeof(p) - 1) == 0)


typedef struct {
    const char         *name;
    size_t              len;
    char                c;
} sc_intercom_entity_t;


static json_t *sc_intercom_part(json_t *item, const char *topic);
static const char *sc_intercom_text(sc_events_t *out, const char *html);
static size_t sc_intercom_tag(const char *s, const char *end, char *sep);
static size_t sc_intercom_entity(const char *s, char *c);


/* block elements end a line; inline ones (<b>, <a>) join words */
static const char  *sc_intercom_blocks[] = {
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", NULL
};

/* the entities Intercom's editor writes; others are kept as they are */
static const sc_intercom_entity_t  sc_intercom_entities[] = {
    { "&amp;",  5, '&' },
    { "&lt;",   4, '<' },
    { "&gt;",   4, '>' },
    { "&quot;", 6, '"' },
    { "&#39;",  5, '\'' },
    { "&apos;", 6, '\'' },
    { "&nbsp;", 6, ' ' },
    { NULL,     0, '\0' }
};


static sc_parse_rc_e
sc_intercom_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc, *item, *part, *author;
    const char     *topic, *type, *atype, *id;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_load(rq->body, rq->body_len, out, &doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    topic = sc_json_str(doc, "topic");
    if (topic == NULL) {
        sc_json_err(err, errlen, "body is not an Intercom notification: no "
                    "\"topic\" string");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    if (strcmp(topic, "ping") == 0) {
        if (sc_json_answer(answer, 200, json_object()) != 0) {
            return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
        }

        return SC_PARSE_OK;
    }

    if (sc_intercom_prefix(topic, SC_INTERCOM_USER)) {
        type = "message";

    } else if (topic[0] != '\0' && strlen(topic) <= SC_INTERCOM_TYPE_MAX) {
        type = topic;

    } else {
        type = "unsupported";
    }

    rc = sc_json_event(out, SC_INTERCOM_CHANNEL, type, doc, &ev);
    if (rc != SC_PARSE_OK) {
        return sc_json_fail(out, rc, err, errlen);
    }

    item = sc_json_path(doc, "data.item");

    if (sc_json_same(sc_json_str(item, "type"), "conversation")) {
        part = sc_intercom_part(item, topic);
        author = json_object_get(part, "author");

        /* API 1.x conversations name the customer in "user" */
        if (!json_is_object(author)) {
            author = json_object_get(item, "user");
        }

        /* the email stays in raw: a handle is public, an email is not */
        ev->author_id = sc_json_id_str(out, json_object_get(author, "id"));
        ev->author_name = sc_json_str(author, "name");
        ev->thread_id = sc_json_id_str(out, json_object_get(item, "id"));
        ev->text = sc_intercom_text(out, sc_json_str(part, "body"));

        atype = sc_json_str(author, "type");
        ev->from_brand = (sc_intercom_prefix(topic, SC_INTERCOM_ADMIN)
                          || sc_json_same(atype, "admin")
                          || sc_json_same(atype, "bot"));

        ev->occurred_ms = sc_json_time_ms(json_object_get(part, "created_at"),
                                          SC_TIME_S);
    }

    if (ev->occurred_ms == 0) {
        ev->occurred_ms = sc_json_time_ms(json_object_get(doc, "created_at"),
                                          SC_TIME_S);
    }

    /* ping's id is null; any other notification carries "notif_..." */
    id = sc_json_str(doc, "id");

    rc = (id != NULL && id[0] != '\0' && strlen(id) < SC_EXTERNAL_ID_MAX)
         ? sc_json_set_id(ev, id)
         : sc_json_set_id_hash(ev, SC_INTERCOM_CHANNEL);

    return (rc == SC_PARSE_OK) ? rc : sc_json_fail(out, rc, err, errlen);
}


/*
 * What the notification is about: a new conversation's first message is
 * its "source"; a reply, note or assignment is the last conversation part
 * (the webhook carries the parts added since the previous notification).
 */
static json_t *
sc_intercom_part(json_t *item, const char *topic)
{
    size_t   n;
    json_t  *parts;

    parts = sc_json_path(item, "conversation_parts.conversation_parts");
    n = json_array_size(parts);

    if (n > 0 && !sc_json_same(topic, "conversation.user.created")) {
        return json_array_get(parts, n - 1);
    }

    return json_object_get(item, "source");
}


/*
 * Intercom bodies are HTML ("<p>Hi</p><p>there</p>"): the text without
 * tags, a newline where a block ends, the common entities decoded, spaces
 * collapsed.  Plain text is returned as it is.
 */
static const char *
sc_intercom_text(sc_events_t *out, const char *html)
{
    char        *buf, *p, c, sep;
    size_t       n;
    const char  *s, *kept, *gt;

    if (html == NULL || strpbrk(html, "<&") == NULL) {
        return html;
    }

    /* removing tags and decoding entities only ever shortens */
    buf = malloc(strlen(html) + 1);
    if (buf == NULL) {
        return NULL;
    }

    p = buf;
    sep = '\0';

    /*
     * The first '>' at or after s (NULL: none left), found once for every
     * '<' before it: a body of many '<' and no tags stays linear.
     */
    gt = strchr(html, '>');

    for (s = html; *s != '\0'; s += n) {
        n = 1;
        c = *s;

        if (c == '<') {
            if (gt != NULL && gt < s) {
                gt = strchr(s, '>');
            }

            n = (gt != NULL) ? sc_intercom_tag(s, gt, &sep) : 0;
            if (n > 0) {
                continue;
            }

            n = 1;

        } else if (c == '&') {
            n = sc_intercom_entity(s, &c);
        }

        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (sep == '\0') {
                sep = ' ';
            }

            continue;
        }

        /* a pending separator only between words, never at the edges */
        if (sep != '\0' && p > buf) {
            *p++ = sep;
        }

        sep = '\0';
        *p++ = c;
    }

    /* "<p></p>": an empty body is no text */
    kept = (p > buf) ? sc_json_keep(out, buf, (size_t) (p - buf)) : NULL;
    free(buf);

    return kept;
}


/*
 * The length of the tag at s ("<p>", "</div>", "<br/>") that end (the
 * first '>' after s) closes, 0 when s starts no tag; a block tag makes
 * *sep a newline.
 */
static size_t
sc_intercom_tag(const char *s, const char *end, char *sep)
{
    size_t        n, len;
    const char   *name, **b;

    name = s + 1;
    if (*name == '/') {
        name++;
    }

    len = strspn(name, "abcdefghijklmnopqrstuvwxyz"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    if (len == 0) {
        return 0;
    }

    for (b = sc_intercom_blocks; *b != NULL; b++) {
        n = strlen(*b);

        if (n == len && strncasecmp(name, *b, n) == 0) {
            *sep = '\n';
            break;
        }
    }

    return (size_t) (end - s) + 1;
}


/* the length of the entity at s and its character in *c; else 1, '&' */
static size_t
sc_intercom_entity(const char *s, char *c)
{
    const sc_intercom_entity_t  *e;

    for (e = sc_intercom_entities; e->name != NULL; e++) {
        if (strncmp(s, e->name, e->len) == 0) {
            *c = e->c;
            return e->len;
        }
    }

    *c = '&';
    return 1;
}


const sc_platform_t  sc_platform_intercom = {
    "intercom",
    NULL,           /* the ping is a POST notification */
    sc_verify_intercom,
    sc_intercom_parse,
    NULL,           /* replies happen in Intercom */
    0, 0, 0
};
