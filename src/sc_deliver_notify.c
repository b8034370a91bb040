/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_notify.c: escalation and crisis notifications for
 * social_care_escalate_url, signed per Standard Webhooks (see
 * sc_deliver.h).  The receiver may be a Slack incoming webhook, which
 * reads "text" alone, or the team's own service, which reads the rest:
 * the payload as the worker built it.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sc_deliver_int.h"
#include "sc_json.h"
#include "sc_verify.h"


#define SC_NOTIFY_ID_MAX      128
#define SC_NOTIFY_LABEL_MAX   48        /* bytes of a label in the line */
#define SC_NOTIFY_QUOTE_MIN   24        /* less room: the text is left out */
#define SC_NOTIFY_ELLIPSIS    "\xe2\x80\xa6"
#define SC_NOTIFY_DASH        " \xe2\x80\x94 "


typedef struct {
    char            buf[SC_DELIVER_NOTIFY_TEXT + 1];
    size_t          len;
} sc_notify_line_t;


static int sc_notify_path_ok(const char *path);
static int sc_notify_id_ok(const char *id);
static void sc_notify_escalation(sc_notify_line_t *l, json_t *payload,
    double now);
static void sc_notify_crisis(sc_notify_line_t *l, json_t *payload);
static void sc_notify_topics(sc_notify_line_t *l, json_t *topics);
static void sc_notify_quote(sc_notify_line_t *l, const char *text,
    size_t room);
static void sc_notify_fmt(sc_notify_line_t *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int sc_notify_text(sc_notify_line_t *l, const char *s, size_t max);


sc_deliver_rc_e
sc_deliver_notify(const char *type, json_t *payload, const char *msg_id,
    const char *host, const char *path, const unsigned char *secret,
    size_t secret_len, double now, char **out, size_t *out_len)
{
    int                rc;
    char               id[SC_NOTIFY_ID_MAX + 5], ts[32];
    char               sig[SC_DELIVER_SIG_SIZE];
    json_t            *body, *v;
    sc_dreq_t          q;
    const char        *key;
    sc_notify_line_t   line;

    *out = NULL;
    *out_len = 0;

    if (type == NULL
        || (strcmp(type, "escalation") != 0 && strcmp(type, "crisis") != 0)
        || !sc_deliver_host_ok(host) || !sc_notify_path_ok(path)
        || !sc_notify_id_ok(msg_id) || now <= 0)
    {
        return SC_DELIVER_ERROR;
    }

    snprintf(id, sizeof(id), "%s%s",
             strncmp(msg_id, "msg_", 4) == 0 ? "" : "msg_", msg_id);
    snprintf(ts, sizeof(ts), "%lld", (long long) now);

    line.len = 0;
    line.buf[0] = '\0';

    if (type[0] == 'e') {
        sc_notify_escalation(&line, payload, now);

    } else {
        sc_notify_crisis(&line, payload);
    }

    body = json_pack("{s:s, s:s}", "type", type, "text", line.buf);
    if (body == NULL) {
        return SC_DELIVER_ERROR;
    }

    /* the payload's fields after ours; ours are not overwritten */
    json_object_foreach(payload, key, v) {
        if (strcmp(key, "type") == 0 || strcmp(key, "text") == 0) {
            continue;
        }

        if (json_object_set(body, key, v) != 0) {
            json_decref(body);
            return SC_DELIVER_ERROR;
        }
    }

    memset(&q, 0, sizeof(sc_dreq_t));

    rc = -1;

    if (sc_dreq_path(&q, path) != 0 || sc_dreq_json(&q, body) != 0
        || sc_dreq_header(&q, "webhook-id", "%s", id) != 0
        || sc_dreq_header(&q, "webhook-timestamp", "%s", ts) != 0)
    {
        goto done;
    }

    q.content_type = "application/json";

    if (secret != NULL && secret_len > 0) {
        if (sc_deliver_webhook_sign(secret, secret_len, id, ts, q.body,
                                    q.body_len, sig)
            != 0
            || sc_dreq_header(&q, "webhook-signature", "%s", sig) != 0)
        {
            goto done;
        }
    }

    rc = sc_dreq_assemble(&q, host, out, out_len);

done:

    sc_dreq_free(&q);

    return (rc == 0) ? SC_DELIVER_REQUEST : SC_DELIVER_ERROR;
}


int
sc_deliver_webhook_sign(const unsigned char *secret, size_t secret_len,
    const char *id, const char *timestamp, const char *body, size_t len,
    char *sig)
{
    int                    n;
    long                   k;
    size_t                 lens[5], size;
    sc_secret_t            key;
    unsigned char          mac[EVP_MAX_MD_SIZE], *raw;
    const unsigned char   *parts[5];

    raw = NULL;
    key.data = secret;
    key.len = secret_len;

    /* "whsec_<base64>": the key is the decoded bytes */
    if (secret_len > 6 && memcmp(secret, "whsec_", 6) == 0) {
        size = (secret_len - 6) / 4 * 3 + 3;

        raw = malloc(size);
        if (raw == NULL) {
            return -1;
        }

        k = sc_base64_decode((const char *) secret + 6, secret_len - 6, raw,
                             size);
        if (k <= 0) {
            free(raw);
            return -1;
        }

        key.data = raw;
        key.len = (size_t) k;
    }

    parts[0] = (const unsigned char *) id;
    lens[0] = strlen(id);
    parts[1] = (const unsigned char *) ".";
    lens[1] = 1;
    parts[2] = (const unsigned char *) timestamp;
    lens[2] = strlen(timestamp);
    parts[3] = parts[1];
    lens[3] = 1;
    parts[4] = (const unsigned char *) body;
    lens[4] = len;

    n = sc_hmac("sha256", &key, parts, lens, 5, mac);

    if (raw != NULL) {
        OPENSSL_cleanse(raw, (size_t) key.len);
        free(raw);
    }

    if (n != 32) {
        return -1;
    }

    memcpy(sig, "v1,", 3);
    sc_base64_encode(mac, 32, sig + 3);

    return 0;
}


/* an origin-form target: "/" and printable ASCII, no fragment */
static int
sc_notify_path_ok(const char *path)
{
    const char  *s;

    if (path == NULL || path[0] != '/') {
        return 0;
    }

    for (s = path; *s != '\0'; s++) {
        if (*s <= ' ' || *s >= 0x7f || *s == '#') {
            return 0;
        }
    }

    return (size_t) (s - path) < SC_DREQ_PATH_MAX;
}


static int
sc_notify_id_ok(const char *id)
{
    size_t  n;

    if (id == NULL) {
        return 0;
    }

    n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                   "0123456789_.-");

    return n > 0 && n <= SC_NOTIFY_ID_MAX && id[n] == '\0';
}


/*
 * ':rotating_light: P1 complaint on meta (atm) waiting 16 min: "..." —
 * level 2 team lead': the labels first, the customer's words in the room
 * left, cut at a word.
 */
static void
sc_notify_escalation(sc_notify_line_t *l, json_t *payload, double now)
{
    char               tail[SC_DELIVER_NOTIFY_TEXT + 1];
    json_t            *ev;
    int64_t            ms, level, priority;
    const char        *s;
    sc_notify_line_t   t;

    ev = json_object_get(payload, "event");

    if (sc_json_int64(json_object_get(ev, "priority"), &priority) != 0) {
        priority = 0;
    }

    sc_notify_fmt(l, "%s", priority == 1 ? ":rotating_light:" : ":warning:");

    if (priority >= 1 && priority <= 4) {
        sc_notify_fmt(l, " P%d", (int) priority);
    }

    s = sc_json_str(ev, "category");
    sc_notify_fmt(l, " ");
    (void) sc_notify_text(l, s ? s : "escalation", SC_NOTIFY_LABEL_MAX);

    s = sc_json_str(ev, "platform");
    if (s != NULL) {
        sc_notify_fmt(l, " on ");
        (void) sc_notify_text(l, s, SC_NOTIFY_LABEL_MAX);
    }

    sc_notify_topics(l, json_object_get(ev, "topics"));

    ms = sc_json_time_ms(json_object_get(ev, "received_at"), SC_TIME_S);
    if (ms > 0 && now * 1000 >= ms) {
        sc_notify_fmt(l, " waiting %lld min",
                      (long long) ((now * 1000 - ms) / 60000));
    }

    /* the tail is kept whole: who must act matters more than the quote */
    t.len = 0;
    t.buf[0] = '\0';

    if (sc_json_int64(json_object_get(payload, "level"), &level) == 0) {
        sc_notify_fmt(&t, SC_NOTIFY_DASH "level %lld", (long long) level);

        s = sc_json_str(payload, "target");
        if (s != NULL && s[0] != '\0') {
            sc_notify_fmt(&t, " ");
            (void) sc_notify_text(&t, s, SC_NOTIFY_LABEL_MAX);
        }
    }

    memcpy(tail, t.buf, t.len + 1);

    s = sc_json_str(ev, "text");

    if (s != NULL && l->len + t.len + SC_NOTIFY_QUOTE_MIN
                     < SC_DELIVER_NOTIFY_TEXT)
    {
        sc_notify_quote(l, s, SC_DELIVER_NOTIFY_TEXT - l->len - t.len);
    }

    sc_notify_fmt(l, "%s", tail);
}


/* ':fire: crisis on atm: 42 events in 15 min (baseline 3)' */
static void
sc_notify_crisis(sc_notify_line_t *l, json_t *payload)
{
    double       baseline;
    int          whole;
    int64_t      events, window;
    const char  *topic;

    sc_notify_fmt(l, ":fire: crisis");

    topic = sc_json_str(payload, "topic");
    if (topic != NULL) {
        sc_notify_fmt(l, " on ");
        (void) sc_notify_text(l, topic, SC_NOTIFY_LABEL_MAX);
    }

    if (sc_json_int64(json_object_get(payload, "events"), &events) == 0) {
        sc_notify_fmt(l, ": %lld events", (long long) events);

        if (sc_json_int64(json_object_get(payload, "window_seconds"),
                          &window) == 0 && window > 0)
        {
            if (window % 60 == 0) {
                sc_notify_fmt(l, " in %lld min", (long long) (window / 60));

            } else {
                sc_notify_fmt(l, " in %lld s", (long long) window);
            }
        }
    }

    if (json_is_number(json_object_get(payload, "baseline"))) {
        baseline = json_number_value(json_object_get(payload, "baseline"));
        whole = (baseline > -1e15 && baseline < 1e15
                 && baseline == (double) (int64_t) baseline);

        sc_notify_fmt(l, " (baseline %.*f)", whole ? 0 : 1, baseline);
    }
}


/* " (atm, card)" from an array of names, or a string as it is */
static void
sc_notify_topics(sc_notify_line_t *l, json_t *topics)
{
    size_t       i, n;
    const char  *s;

    if (json_is_string(topics)) {
        s = json_string_value(topics);

        if (s[0] != '\0') {
            sc_notify_fmt(l, " (");
            (void) sc_notify_text(l, s, SC_NOTIFY_LABEL_MAX);
            sc_notify_fmt(l, ")");
        }

        return;
    }

    n = 0;

    for (i = 0; i < json_array_size(topics) && i < 3; i++) {
        s = json_string_value(json_array_get(topics, i));
        if (s == NULL || s[0] == '\0') {
            continue;
        }

        sc_notify_fmt(l, n++ ? ", " : " (");
        (void) sc_notify_text(l, s, SC_NOTIFY_LABEL_MAX / 2);
    }

    if (n > 0) {
        sc_notify_fmt(l, ")");
    }
}


/*
 * ': "<text>"' in at most room bytes; a text that does not fit is cut at
 * the last blank of what fits (unless that leaves less than half) and
 * ends in an ellipsis.
 */
static void
sc_notify_quote(sc_notify_line_t *l, const char *text, size_t room)
{
    char              *blank;
    size_t             start, max;
    sc_notify_line_t   save;

    /* ': "' + '"' + the ellipsis */
    if (room < 4 + sizeof(SC_NOTIFY_ELLIPSIS) - 1 + 8) {
        return;
    }

    save = *l;

    sc_notify_fmt(l, ": \"");
    start = l->len;
    max = room - 4 - (sizeof(SC_NOTIFY_ELLIPSIS) - 1);

    if (sc_notify_text(l, text, max)) {
        /* escapes hold no blank: a blank is never inside "&amp;" */
        l->buf[l->len] = '\0';
        blank = strrchr(l->buf + start, ' ');

        if (blank != NULL && (size_t) (blank - (l->buf + start)) > max / 2) {
            l->len = (size_t) (blank - l->buf);
        }

        while (l->len > start && l->buf[l->len - 1] == ' ') {
            l->len--;
        }

        l->buf[l->len] = '\0';
        sc_notify_fmt(l, SC_NOTIFY_ELLIPSIS);
    }

    if (l->len == start) {
        *l = save;
        return;
    }

    sc_notify_fmt(l, "\"");
}


/* printf into the line; what does not fit is left out */
static void
sc_notify_fmt(sc_notify_line_t *l, const char *fmt, ...)
{
    int      n;
    char     tmp[SC_DELIVER_NOTIFY_TEXT + 1];
    va_list  args;

    va_start(args, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, args);
    va_end(args);

    if (n < 0 || (size_t) n > SC_DELIVER_NOTIFY_TEXT - l->len) {
        return;
    }

    memcpy(l->buf + l->len, tmp, (size_t) n + 1);
    l->len += (size_t) n;
}


/*
 * Appends s as one line of Slack text: &, <, > escaped (customer text
 * must not ping "<!channel>" or forge a link), control bytes and blank
 * runs made one space, at most max bytes and never past the line's end,
 * whole characters only.  Returns 1 when s was cut.
 */
static int
sc_notify_text(sc_notify_line_t *l, const char *s, size_t max)
{
    size_t          n, k, room, start;
    const char     *rep;
    unsigned char   c;

    start = l->len;
    room = SC_DELIVER_NOTIFY_TEXT - l->len;
    if (room > max) {
        room = max;
    }

    while (*s != '\0') {
        c = (unsigned char) *s;

        if (c <= ' ' || c == 0x7f) {
            /* one blank for a run, none at the start */
            while (*s != '\0' && ((unsigned char) *s <= ' '
                                  || (unsigned char) *s == 0x7f))
            {
                s++;
            }

            if (l->len == start || *s == '\0') {
                continue;
            }

            rep = " ";
            n = 1;
            k = 0;

        } else {
            rep = (c == '&') ? "&amp;" : (c == '<') ? "&lt;"
                  : (c == '>') ? "&gt;" : NULL;

            /* a UTF-8 character whole, or one invalid byte as "?" */
            k = (c < 0x80) ? 1 : (c >= 0xf0) ? 4 : (c >= 0xe0) ? 3
                : (c >= 0xc0) ? 2 : 1;

            if (rep == NULL
                && (strnlen(s, k) < k || !sc_deliver_utf8(s, k)))
            {
                rep = "?";
                k = 1;
            }

            if (rep != NULL) {
                n = strlen(rep);

            } else {
                rep = s;
                n = k;
            }
        }

        if (l->len - start + n > room) {
            l->buf[l->len] = '\0';
            return 1;
        }

        memcpy(l->buf + l->len, rep, n);
        l->len += n;
        s += k;
    }

    l->buf[l->len] = '\0';

    return 0;
}
