/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver.c: the platform table, the request around what a platform
 * builds (sc_deliver_<platform>.c), and the status rules every answer
 * falls back on.  See sc_deliver.h.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>

#include "sc_deliver_int.h"
#include "sc_http.h"
#include "sc_utf8.h"
#include "sc_verify.h"


#define SC_DELIVER_MASK       "[token]"
#define SC_DELIVER_MASK_MIN   (sizeof(SC_DELIVER_MASK) - 1)
#define SC_DELIVER_B64_TOKEN  512     /* tokens masked in base64 too */


typedef struct {
    const char             *name;
    sc_deliver_build_pt     build;      /* NULL: never delivered */
    sc_deliver_result_pt    result;     /* NULL: the status rules alone */
    const char             *skip;       /* why, when build is NULL */
    const char             *url;        /* the default base URL */
} sc_deliver_platform_t;


static const sc_deliver_platform_t *sc_deliver_find(const char *name);
static const char *sc_deliver_check_api(const sc_api_t *api,
    int needs_token);
static void sc_deliver_by_status(sc_deliver_result_t *r,
    const char *platform, int status, const char *message);
static void sc_deliver_mask(char *s, const char *secret, size_t len);
static void sc_deliver_mask_token(char *s, const char *token);


static const sc_deliver_platform_t  sc_deliver_platforms[] = {
    { "meta", sc_deliver_meta_build, sc_deliver_meta_result, NULL,
      "https://graph.facebook.com/v25.0" },
    { "x", sc_deliver_x_build, sc_deliver_x_result, NULL,
      "https://api.x.com" },
    { "slack", sc_deliver_slack_build, sc_deliver_slack_result, NULL,
      "https://slack.com/api" },
    { "telegram", sc_deliver_telegram_build, sc_deliver_telegram_result,
      NULL, "https://api.telegram.org" },
    { "line", sc_deliver_line_build, sc_deliver_line_result, NULL,
      "https://api.line.me" },
    { "viber", sc_deliver_viber_build, sc_deliver_viber_result, NULL,
      "https://chatapi.viber.com/pa" },
    { "twilio", sc_deliver_twilio_build, sc_deliver_twilio_result, NULL,
      "https://api.twilio.com" },

    /* the interaction answer, or its follow-up (sc_deliver_discord.c) */
    { "discord", sc_deliver_discord_build, NULL, NULL,
      "https://discord.com/api/v10" },
    { "zendesk", NULL, NULL, "zendesk events are not answered", NULL },
    { "intercom", NULL, NULL, "intercom events are not answered", NULL },
    { "tiktok", NULL, NULL, "tiktok events are not answered", NULL },
    { "github", NULL, NULL, "github events are not answered", NULL },
    { "standard", NULL, NULL, "standard webhook events are not answered",
      NULL },
    { NULL, NULL, NULL, NULL, NULL }
};


sc_deliver_rc_e
sc_deliver_build(const sc_delivery_t *d, const sc_api_t *api, double now,
    char **out, size_t *out_len, const char **reason)
{
    sc_dreq_t                     q;
    sc_deliver_rc_e               rc;
    const sc_deliver_platform_t  *p;

    *out = NULL;
    *out_len = 0;
    *reason = NULL;

    p = sc_deliver_find(d->platform);
    if (p == NULL) {
        *reason = "unknown platform";
        return SC_DELIVER_ERROR;
    }

    if (p->build == NULL) {
        *reason = p->skip;
        return SC_DELIVER_SKIP;
    }

    *reason = sc_deliver_check_api(api, p->build != sc_deliver_discord_build);
    if (*reason != NULL) {
        return SC_DELIVER_ERROR;
    }

    if (d->text == NULL || d->text[0] == '\0') {
        *reason = "the reply text is empty";
        return SC_DELIVER_ERROR;
    }

    /* jansson refuses such text anyway; say so rather than "no memory" */
    if (!sc_deliver_utf8(d->text, strlen(d->text))) {
        *reason = "the reply text is not UTF-8";
        return SC_DELIVER_ERROR;
    }

    memset(&q, 0, sizeof(sc_dreq_t));

    if (api->base_path != NULL && sc_dreq_path(&q, api->base_path) != 0) {
        *reason = q.reason;
        return SC_DELIVER_ERROR;
    }

    rc = p->build(d, api, now, &q);

    if (rc == SC_DELIVER_REQUEST
        && sc_dreq_assemble(&q, api->host, out, out_len) != 0)
    {
        q.reason = "out of memory";
        rc = SC_DELIVER_ERROR;
    }

    if (rc != SC_DELIVER_REQUEST) {
        *reason = q.reason ? q.reason : "the request cannot be built";
    }

    sc_dreq_free(&q);

    return rc;
}


const char *
sc_deliver_default_url(const char *platform)
{
    const sc_deliver_platform_t  *p;

    p = sc_deliver_find(platform);

    return p ? p->url : NULL;
}


static const sc_deliver_platform_t *
sc_deliver_find(const char *name)
{
    const sc_deliver_platform_t  *p;

    if (name == NULL) {
        return NULL;
    }

    for (p = sc_deliver_platforms; p->name != NULL; p++) {
        if (strcasecmp(p->name, name) == 0) {
            return p;
        }
    }

    return NULL;
}


/*
 * What goes into the request line and headers verbatim: the host, the
 * base path (both from configuration) and the token (from a file).
 */
static const char *
sc_deliver_check_api(const sc_api_t *api, int needs_token)
{
    const char  *s;

    if (api == NULL || api->host == NULL || api->host[0] == '\0') {
        return "no API host configured";
    }

    if (!sc_deliver_host_ok(api->host)) {
        return "the API host has characters a Host header cannot carry";
    }

    s = api->base_path;

    if (s != NULL && s[0] != '\0') {
        if (s[0] != '/') {
            return "the API base path does not start with '/'";
        }

        for ( /* void */ ; *s != '\0'; s++) {
            if (*s <= ' ' || *s >= 0x7f || *s == '?' || *s == '#') {
                return "the API base path has characters a request line "
                       "cannot carry";
            }
        }
    }

    /* Discord's follow-ups carry their credential in the path */
    if (!needs_token && (api->token == NULL || api->token[0] == '\0')) {
        return NULL;
    }

    if (api->token == NULL || api->token[0] == '\0') {
        return "no API token configured";
    }

    for (s = api->token; *s != '\0'; s++) {
        if (*s <= ' ' || *s >= 0x7f) {
            return "the API token is not printable ASCII";
        }
    }

    return NULL;
}


/*
 * "POST <path> HTTP/1.1" and the headers every platform sends, the
 * platform's own headers, the body.  The values were checked on the
 * way in (sc_deliver_check_api, sc_dreq_seg, sc_dreq_header).
 */
int
sc_dreq_assemble(const sc_dreq_t *q, const char *host, char **out,
    size_t *out_len)
{
    int      n;
    char    *buf, *p;
    size_t   i, size, left;

    size = q->path_len + strlen(host) + q->body_len + 512;

    for (i = 0; i < q->nheaders; i++) {
        size += strlen(q->headers[i].name) + strlen(q->headers[i].value) + 4;
    }

    buf = malloc(size);
    if (buf == NULL) {
        return -1;
    }

    p = buf;
    left = size;

    n = snprintf(p, left,
                 "POST %s HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "User-Agent: " SC_DELIVER_USER_AGENT "\r\n"
                 "Accept: application/json\r\n"
                 "Content-Type: %s\r\n"
                 "Content-Length: %zu\r\n",
                 q->path_len ? q->path : "/", host, q->content_type,
                 q->body_len);
    if (n < 0 || (size_t) n >= left) {
        goto failed;
    }

    p += n;
    left -= (size_t) n;

    for (i = 0; i < q->nheaders; i++) {
        n = snprintf(p, left, "%s: %s\r\n", q->headers[i].name,
                     q->headers[i].value);
        if (n < 0 || (size_t) n >= left) {
            goto failed;
        }

        p += n;
        left -= (size_t) n;
    }

    n = snprintf(p, left, "Connection: close\r\n\r\n");
    if (n < 0 || (size_t) n >= left || left - (size_t) n < q->body_len) {
        goto failed;
    }

    p += n;

    if (q->body_len > 0) {
        memcpy(p, q->body, q->body_len);
        p += q->body_len;
    }

    *out = buf;
    *out_len = (size_t) (p - buf);

    return 0;

failed:

    free(buf);

    return -1;
}


void
sc_dreq_free(sc_dreq_t *q)
{
    size_t  i;

    for (i = 0; i < q->nheaders; i++) {
        /* credentials: not left behind in freed memory */
        OPENSSL_cleanse(q->headers[i].value, strlen(q->headers[i].value));
        free(q->headers[i].value);
    }

    free(q->body);

    q->nheaders = 0;
    q->body = NULL;
}


int
sc_deliver_host_ok(const char *host)
{
    const char  *s;

    if (host == NULL || host[0] == '\0') {
        return 0;
    }

    /* a name or an address, a port: "[::1]:8099" at most */
    for (s = host; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9') || strchr(".-:[]_", *s) != NULL))
        {
            return 0;
        }
    }

    return 1;
}


int
sc_dreq_path(sc_dreq_t *q, const char *s)
{
    size_t  n;

    n = strlen(s);

    if (n >= sizeof(q->path) - q->path_len) {
        q->reason = "the request path is too long";
        return -1;
    }

    memcpy(q->path + q->path_len, s, n + 1);
    q->path_len += n;

    return 0;
}


int
sc_dreq_seg(sc_dreq_t *q, const char *id, const char *extra,
    const char *reason)
{
    size_t       n;
    const char  *s;

    if (id == NULL || id[0] == '\0') {
        q->reason = reason;
        return -1;
    }

    /*
     * ids are digits, letters, '_' and '-' on every platform: anything
     * else ('/', '?', '%', '.', CR, LF, a space) could change the path,
     * the query or the request itself, so it is refused, not encoded
     */
    for (s = id, n = 0; *s != '\0'; s++, n++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
              || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'
              || (extra != NULL && strchr(extra, *s) != NULL)))
        {
            q->reason = reason;
            return -1;
        }
    }

    if (n > SC_DREQ_SEG_MAX) {
        q->reason = reason;
        return -1;
    }

    return sc_dreq_path(q, id);
}


int
sc_dreq_json(sc_dreq_t *q, json_t *body)
{
    /* json_pack() fails on memory and on a string that is not UTF-8 */
    if (body == NULL) {
        q->reason = "the request body cannot be built (no memory, or a "
                    "value that is not UTF-8)";
        return -1;
    }

    q->body = json_dumps(body, JSON_COMPACT);
    json_decref(body);

    if (q->body == NULL) {
        q->reason = "out of memory";
        return -1;
    }

    q->body_len = strlen(q->body);
    q->content_type = SC_DREQ_JSON;

    return 0;
}


int
sc_dreq_header(sc_dreq_t *q, const char *name, const char *fmt, ...)
{
    int       n;
    char     *v;
    va_list   args;

    if (q->nheaders == SC_DREQ_HEADERS_MAX) {
        q->reason = "too many headers";
        return -1;
    }

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    if (n < 0) {
        q->reason = "out of memory";
        return -1;
    }

    v = malloc((size_t) n + 1);
    if (v == NULL) {
        q->reason = "out of memory";
        return -1;
    }

    va_start(args, fmt);
    (void) vsnprintf(v, (size_t) n + 1, fmt, args);
    va_end(args);

    if (strpbrk(v, "\r\n") != NULL) {
        free(v);
        q->reason = "a header value with a line break";
        return -1;
    }

    q->headers[q->nheaders].name = name;
    q->headers[q->nheaders].value = v;
    q->nheaders++;

    return 0;
}


sc_deliver_rc_e
sc_dreq_skip(sc_dreq_t *q, const char *reason)
{
    q->reason = reason;
    return SC_DELIVER_SKIP;
}


sc_deliver_rc_e
sc_dreq_error(sc_dreq_t *q, const char *reason)
{
    q->reason = reason;
    return SC_DELIVER_ERROR;
}


const char *
sc_deliver_str(const char *s)
{
    return (s != NULL && s[0] != '\0') ? s : NULL;
}


int
sc_deliver_private(const sc_delivery_t *d)
{
    return d->visibility != NULL && strcmp(d->visibility, "private") == 0;
}


int
sc_deliver_utf8(const char *s, size_t len)
{
    size_t                n;
    uint32_t              c;
    const unsigned char  *p, *end;

    p = (const unsigned char *) s;
    end = p + len;

    for ( /* void */ ; p < end; p += n) {
        n = sc_utf8_next(p, end, &c);

        /* a NUL would cut the text short in a C string */
        if (n == 0 || c == 0) {
            return 0;
        }
    }

    return 1;
}


void
sc_deliver_result(const char *platform, const sc_api_t *api, int status,
    const char *retry_after, const char *body, size_t body_len, double now,
    sc_deliver_result_t *r)
{
    json_t                       *doc;
    const char                   *message, *name;
    const sc_deliver_platform_t  *p;

    memset(r, 0, sizeof(sc_deliver_result_t));

    p = sc_deliver_find(platform);
    name = p ? p->name : "the platform";

    r->retry_after = sc_http_retry_after(retry_after, now,
                                         SC_DELIVER_RETRY_MAX);

    doc = NULL;

    if (body != NULL && body_len > 0) {
        doc = json_loadb(body, body_len, 0, NULL);

        /* Viber's message_token may pass 2^63: read the rest anyway */
        if (doc == NULL) {
            doc = json_loadb(body, body_len, JSON_DECODE_INT_AS_REAL, NULL);
        }
    }

    message = NULL;

    if (status < 100 || status > 599 || p == NULL || p->result == NULL
        || !p->result(status, doc, body, body_len, r, &message))
    {
        sc_deliver_by_status(r, name, status, message);
    }

    json_decref(doc);

    if (r->outcome != SC_OUTCOME_RETRY) {
        r->retry_after = 0;
    }

    if (api != NULL) {
        sc_deliver_mask_token(r->error, api->token);
    }
}


static void
sc_deliver_by_status(sc_deliver_result_t *r, const char *platform,
    int status, const char *message)
{
    sc_outcome_e  outcome;

    if (status < 100 || status > 599) {
        sc_dres_set(r, SC_OUTCOME_RETRY, "no answer from %s", platform);
        return;
    }

    if (status >= 200 && status < 300) {
        r->outcome = SC_OUTCOME_SENT;
        return;
    }

    outcome = (status == 429 || status == 408 || status >= 500)
              ? SC_OUTCOME_RETRY : SC_OUTCOME_FAIL;

    if (message != NULL && message[0] != '\0') {
        sc_dres_set(r, outcome, "%s answered HTTP %d: %s", platform, status,
                    message);

    } else {
        sc_dres_set(r, outcome, "%s answered HTTP %d", platform, status);
    }
}


int
sc_dres_id(sc_deliver_result_t *r, json_t *v)
{
    const char  *s;

    if (json_is_integer(v)) {
        snprintf(r->platform_reply_id, sizeof(r->platform_reply_id),
                 "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return 1;
    }

    s = json_string_value(v);

    if (s == NULL || s[0] == '\0' || strlen(s) >= sizeof(r->platform_reply_id)
        || !sc_deliver_utf8(s, strlen(s)))
    {
        return 0;
    }

    strcpy(r->platform_reply_id, s);

    return 1;
}


void
sc_dres_set(sc_deliver_result_t *r, sc_outcome_e outcome, const char *fmt,
    ...)
{
    char           *s;
    size_t          n;
    va_list         args;
    unsigned char   c;

    r->outcome = outcome;

    va_start(args, fmt);
    (void) vsnprintf(r->error, sizeof(r->error), fmt, args);
    va_end(args);

    /* one line for logs and last_error */
    for (s = r->error; *s != '\0'; s++) {
        c = (unsigned char) *s;

        if (c < 0x20 || c == 0x7f) {
            *s = ' ';
        }
    }

    /* vsnprintf may have cut a character in two: drop its first bytes */
    n = strlen(r->error);

    while (n > 0 && !sc_deliver_utf8(r->error, n)) {
        r->error[--n] = '\0';
    }
}


/*
 * Platforms quote requests in errors now and then; the credential never
 * reaches last_error or a log: the token, what follows its last ':' (the
 * secret half of Twilio's "AccountSid:AuthToken" and of a Telegram bot
 * token; the ids before it are public) and its base64 (Basic auth).
 */
static void
sc_deliver_mask_token(char *s, const char *token)
{
    size_t         n, len;
    char           b64[4 * ((SC_DELIVER_B64_TOKEN + 2) / 3) + 1];
    const char    *secret;

    if (token == NULL || token[0] == '\0') {
        return;
    }

    len = strlen(token);

    sc_deliver_mask(s, token, len);

    secret = strrchr(token, ':');
    if (secret != NULL) {
        sc_deliver_mask(s, secret + 1, strlen(secret + 1));
    }

    if (len <= SC_DELIVER_B64_TOKEN) {
        n = sc_base64_encode((const unsigned char *) token, len, b64);
        sc_deliver_mask(s, b64, n);
    }
}


/*
 * Every occurrence of secret[0..len) in s becomes "[token]"; a start of
 * it that ends s (the sentence was cut to fit) is cut off.
 */
static void
sc_deliver_mask(char *s, const char *secret, size_t len)
{
    char    *hit;
    size_t   rest, k;

    /* shorter than the mask: not a secret, and the text would grow */
    if (len < SC_DELIVER_MASK_MIN) {
        return;
    }

    for ( ;; ) {
        hit = NULL;

        for (rest = strlen(s); rest >= len; s++, rest--) {
            if (memcmp(s, secret, len) == 0) {
                hit = s;
                break;
            }
        }

        if (hit == NULL) {
            break;
        }

        memcpy(hit, SC_DELIVER_MASK, SC_DELIVER_MASK_MIN);
        memmove(hit + SC_DELIVER_MASK_MIN, hit + len,
                strlen(hit + len) + 1);

        s = hit + SC_DELIVER_MASK_MIN;
    }

    /* s is now the last len - 1 bytes at most: where a cut secret ends */
    rest = strlen(s);

    for (k = (rest < len) ? rest : len - 1; k >= 3; k--) {
        if (memcmp(s + rest - k, secret, k) == 0) {
            s[rest - k] = '\0';
            return;
        }
    }
}
