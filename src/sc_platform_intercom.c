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
 * stored under its own name, with text and author only when it carries
 * someone's words (replies, notes, the Operator; not tags or reads).
 * Bodies are HTML: stored as plain text.  API 1.x notifications (the
 * first message in "conversation_message", the customer in "user") are
 * read too.
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
#define SC_INTERCOM_OPERATOR  "conversation.operator."

#define SC_INTERCOM_UTF8_MAX  4

#define sc_intercom_prefix(s, p)  (strncmp(s, p, sizeof(p) - 1) == 0)


typedef struct {
    const char         *name;
    size_t              len;
    const char         *utf8;     /* never longer than name */
} sc_intercom_entity_t;


static void sc_intercom_words(sc_events_t *out, sc_event_t *ev, json_t *item,
    const char *topic);
static json_t *sc_intercom_part(json_t *item, const char *topic);
static int sc_intercom_customer(json_t *part);
static const char *sc_intercom_text(sc_events_t *out, const char *html);
static size_t sc_intercom_tag(const char *s, const char *end, char *sep);
static size_t sc_intercom_entity(const char *s, char *u, size_t *ulen);
static size_t sc_intercom_numeric(const char *s, char *u, size_t *ulen);


/*
 * The topics whose notification carries someone's words.  Any other
 * conversation topic (conversation.read, conversation_part.tag.created,
 * conversation.admin.assigned, conversation.priority.updated, ...) carries
 * the conversation with its parts too, the customer's last message among
 * them: read as its text, a tag or a read receipt would be the same
 * complaint once more.
 */
static const char  *sc_intercom_said[] = {
    "conversation.user.created",
    "conversation.user.replied",
    "conversation.admin.replied",
    "conversation.admin.noted",
    "conversation.admin.single.created",
    "conversation.admin.closed",
    "conversation.operator.replied",
    NULL
};


/* block elements end a line; inline ones (<b>, <a>) join words */
static const char  *sc_intercom_blocks[] = {
    "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "tr", NULL
};

/*
 * The entities Intercom's editor writes (numeric ones apart); others are
 * kept as they are.
 */
static const sc_intercom_entity_t  sc_intercom_entities[] = {
    { "&amp;",    5, "&" },
    { "&lt;",     4, "<" },
    { "&gt;",     4, ">" },
    { "&quot;",   6, "\"" },
    { "&apos;",   6, "'" },
    { "&nbsp;",   6, " " },
    { "&ndash;",  7, "\xe2\x80\x93" },
    { "&mdash;",  7, "\xe2\x80\x94" },
    { "&lsquo;",  7, "\xe2\x80\x98" },
    { "&rsquo;",  7, "\xe2\x80\x99" },
    { "&ldquo;",  7, "\xe2\x80\x9c" },
    { "&rdquo;",  7, "\xe2\x80\x9d" },
    { "&hellip;", 8, "\xe2\x80\xa6" },
    { NULL,       0, NULL }
};


static sc_parse_rc_e
sc_intercom_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen)
{
    json_t         *doc, *item;
    const char     *topic, *type, *id;
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
        ev->thread_id = sc_json_id_str(out, json_object_get(item, "id"));
        sc_intercom_words(out, ev, item, topic);

        /* whatever the part, an admin's or the Operator's topic is ours */
        if (sc_intercom_prefix(topic, SC_INTERCOM_ADMIN)
            || sc_intercom_prefix(topic, SC_INTERCOM_OPERATOR))
        {
            ev->from_brand = 1;
        }
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
 * The words a notification of topic carries (see sc_intercom_said): text,
 * author, time, and whether an admin or a bot wrote them.
 */
static void
sc_intercom_words(sc_events_t *out, sc_event_t *ev, json_t *item,
    const char *topic)
{
    json_t       *part, *author, *user;
    const char   *atype, *const *t;

    for (t = sc_intercom_said; *t != NULL; t++) {
        if (strcmp(topic, *t) == 0) {
            break;
        }
    }

    if (*t == NULL) {
        return;
    }

    part = sc_intercom_part(item, topic);
    author = json_object_get(part, "author");
    user = json_object_get(item, "user");

    /* API 1.x conversations name the customer in "user" */
    if (!json_is_object(author)) {
        author = user;
    }

    /* the email stays in raw: a handle is public, an email is not */
    ev->author_id = sc_json_id_str(out, json_object_get(author, "id"));
    ev->author_name = sc_json_str(author, "name");

    /* API 1.x: the message's author is {type, id}, the name is the user's */
    if (ev->author_name == NULL && author != user
        && sc_json_same(ev->author_id, sc_json_id_str(out,
                                           json_object_get(user, "id"))))
    {
        ev->author_name = sc_json_str(user, "name");
    }

    ev->text = sc_intercom_text(out, sc_json_str(part, "body"));

    atype = sc_json_str(author, "type");
    ev->from_brand = (sc_json_same(atype, "admin")
                      || sc_json_same(atype, "bot")
                      || sc_json_same(atype, "team"));

    ev->occurred_ms = sc_json_time_ms(json_object_get(part, "created_at"),
                                      SC_TIME_S);
}


/*
 * What the notification is about.  A new conversation's first message is
 * its "source" (API 1.x: "conversation_message"); a reply or a note is a
 * conversation part.  The webhook carries the parts added since the last
 * notification, and a workflow may have added its own after the
 * customer's (an assignment, a bot's notice), a customer may have written
 * again before an admin's close: a customer's topic is about their last
 * part, an admin's or the Operator's about the last part not theirs.
 */
static json_t *
sc_intercom_part(json_t *item, const char *topic)
{
    size_t   n, i;
    json_t  *parts, *part, *first;
    int      user;

    first = json_object_get(item, "source");
    if (!json_is_object(first)) {
        first = json_object_get(item, "conversation_message");
    }

    if (sc_json_same(topic, "conversation.user.created")) {
        return first;
    }

    parts = sc_json_path(item, "conversation_parts.conversation_parts");
    n = json_array_size(parts);

    /* an admin's first outbound message has no part yet */
    if (n == 0) {
        return first;
    }

    user = sc_intercom_prefix(topic, SC_INTERCOM_USER);

    for (i = n; i > 0; i--) {
        part = json_array_get(parts, i - 1);

        if (sc_intercom_customer(part) == user) {
            return part;
        }
    }

    return json_array_get(parts, n - 1);
}


/* a part written by the customer (a user, lead or contact) */
static int
sc_intercom_customer(json_t *part)
{
    const char  *atype;

    atype = sc_json_str(json_object_get(part, "author"), "type");

    return !(sc_json_same(atype, "admin") || sc_json_same(atype, "bot")
             || sc_json_same(atype, "team"));
}


/*
 * Intercom bodies are HTML ("<p>Hi</p><p>there</p>"): the text without
 * tags, a newline where a block ends, the common entities decoded, spaces
 * collapsed.  Plain text is returned as it is.
 */
static const char *
sc_intercom_text(sc_events_t *out, const char *html)
{
    char        *buf, *p, c, sep, u[SC_INTERCOM_UTF8_MAX];
    size_t       n, ulen;
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
            n = sc_intercom_entity(s, u, &ulen);

            /* a character of several bytes is never a space */
            if (ulen > 1) {
                if (sep != '\0' && p > buf) {
                    *p++ = sep;
                }

                sep = '\0';
                memcpy(p, u, ulen);
                p += ulen;

                continue;
            }

            c = u[0];
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


/*
 * The length of the entity at s and its character, UTF-8, in u (ulen
 * bytes, never more than the entity's length); else 1 and '&'.
 */
static size_t
sc_intercom_entity(const char *s, char *u, size_t *ulen)
{
    size_t                       n;
    const sc_intercom_entity_t  *e;

    if (s[1] == '#') {
        n = sc_intercom_numeric(s, u, ulen);
        if (n > 0) {
            return n;
        }
    }

    for (e = sc_intercom_entities; e->name != NULL; e++) {
        if (strncmp(s, e->name, e->len) == 0) {
            *ulen = strlen(e->utf8);
            memcpy(u, e->utf8, *ulen);
            return e->len;
        }
    }

    u[0] = '&';
    *ulen = 1;

    return 1;
}


/*
 * "&#8217;" or "&#x2019;": the code point in UTF-8, and the entity's
 * length; 0 when s is no such entity or names no character (NUL, a
 * surrogate, beyond U+10FFFF).  Every encoding is shorter than its entity:
 * U+0080 already takes "&#128;", 6 bytes for 2.
 */
static size_t
sc_intercom_numeric(const char *s, char *u, size_t *ulen)
{
    size_t         i, digits;
    unsigned long  cp;
    int            hex, d;

    hex = (s[2] == 'x' || s[2] == 'X');
    i = hex ? 3 : 2;
    cp = 0;

    for (digits = 0; digits < 8; digits++, i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            d = s[i] - '0';

        } else if (hex && s[i] >= 'a' && s[i] <= 'f') {
            d = s[i] - 'a' + 10;

        } else if (hex && s[i] >= 'A' && s[i] <= 'F') {
            d = s[i] - 'A' + 10;

        } else {
            break;
        }

        cp = cp * (hex ? 16 : 10) + (unsigned long) d;
    }

    if (digits == 0 || s[i] != ';' || cp == 0 || cp > 0x10ffff
        || (cp >= 0xd800 && cp <= 0xdfff))
    {
        return 0;
    }

    if (cp < 0x80) {
        u[0] = (char) cp;
        *ulen = 1;

    } else if (cp < 0x800) {
        u[0] = (char) (0xc0 | (cp >> 6));
        u[1] = (char) (0x80 | (cp & 0x3f));
        *ulen = 2;

    } else if (cp < 0x10000) {
        u[0] = (char) (0xe0 | (cp >> 12));
        u[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char) (0x80 | (cp & 0x3f));
        *ulen = 3;

    } else {
        u[0] = (char) (0xf0 | (cp >> 18));
        u[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char) (0x80 | (cp & 0x3f));
        *ulen = 4;
    }

    return i + 1;
}


const sc_platform_t  sc_platform_intercom = {
    "intercom",
    NULL,           /* the ping is a POST notification */
    sc_verify_intercom,
    sc_intercom_parse,
    NULL,           /* replies happen in Intercom */
    0, 0, 0
};
