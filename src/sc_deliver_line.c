/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_line.c: replies through the LINE Messaging API.  A reply
 * token is good for about a minute after the webhook and costs nothing:
 * used while fresh (SC_DELIVER_LINE_TOKEN_TTL).  After that, or for a
 * private answer to a group message, a push message to the chat (or the
 * user), with an X-Line-Retry-Key so that a retry after a lost answer is
 * not delivered twice (LINE accepts the key on push only: a reply with
 * one is a 400).
 *
 * From what sc_platform_line.c stored: raw is the webhook event
 * (replyToken, source), thread_id the user, group or room id, author_id
 * the user's id.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


#define SC_LINE_UUID_SIZE  37


static int sc_deliver_line_key(const sc_delivery_t *d, char *uuid);


sc_deliver_rc_e
sc_deliver_line_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    char          key[SC_LINE_UUID_SIZE];
    double        since;
    json_t       *raw, *body;
    int64_t       ms;
    unsigned      group, fresh;
    const char   *token, *to, *type;

    raw = d->raw;

    token = sc_json_str(raw, "replyToken");
    type = sc_json_path_str(raw, "source.type");
    group = (type != NULL && strcmp(type, "user") != 0);

    /*
     * A reply token answers in the chat the event came from, for a while
     * after LINE sent the event: a redelivery (our endpoint failed the
     * first time) arrives with the old token, so the event's own time
     * counts when it is older than ours.
     */
    since = d->received_at;

    if (sc_json_int64(json_object_get(raw, "timestamp"), &ms) == 0
        && ms > 0 && (double) ms / 1000 < since)
    {
        since = (double) ms / 1000;
    }

    fresh = (token != NULL && token[0] != '\0' && since > 0
             && now - since < SC_DELIVER_LINE_TOKEN_TTL
             && !(group && sc_deliver_private(d)));

    if (sc_dreq_header(q, "Authorization", "Bearer %s", api->token) != 0) {
        return SC_DELIVER_ERROR;
    }

    if (fresh) {
        body = json_pack("{s:s, s:[{s:s, s:s}]}", "replyToken", token,
                         "messages", "type", "text", "text", d->text);

        /* the body first: it is consumed whatever happens next */
        if (sc_dreq_json(q, body) != 0
            || sc_dreq_path(q, "/v2/bot/message/reply") != 0)
        {
            return SC_DELIVER_ERROR;
        }

        return SC_DELIVER_REQUEST;
    }

    if (sc_deliver_private(d)) {
        to = sc_deliver_str(d->author_id);
        if (to == NULL) {
            to = sc_json_path_str(raw, "source.userId");
        }

    } else {
        to = sc_deliver_str(d->thread_id);
        if (to == NULL) {
            to = sc_deliver_str(d->author_id);
        }
    }

    if (to == NULL) {
        return sc_dreq_skip(q, "line: neither a fresh reply token nor a "
                            "push target");
    }

    if (sc_deliver_line_key(d, key) != 0) {
        return sc_dreq_error(q, "out of memory");
    }

    body = json_pack("{s:s, s:[{s:s, s:s}]}", "to", to, "messages", "type",
                     "text", "text", d->text);

    if (sc_dreq_json(q, body) != 0
        || sc_dreq_path(q, "/v2/bot/message/push") != 0
        || sc_dreq_header(q, "X-Line-Retry-Key", "%s", key) != 0)
    {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}


/*
 * The retry key: the same for every attempt at one reply, another for
 * any other reply, even one whose id a rebuilt database reuses (the
 * event's id is in it), shaped as a version 4 UUID.
 */
static int
sc_deliver_line_key(const sc_delivery_t *d, char *uuid)
{
    int            n;
    char           seed[64];
    unsigned int   len;
    unsigned char  md[EVP_MAX_MD_SIZE];
    EVP_MD_CTX    *ctx;

    n = snprintf(seed, sizeof(seed), "sc-line-retry-key:%lld:",
                 (long long) d->reply_id);

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return -1;
    }

    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1
        || EVP_DigestUpdate(ctx, seed, (size_t) n) != 1
        || EVP_DigestUpdate(ctx, d->platform, strlen(d->platform) + 1) != 1
        || (d->external_id != NULL
            && EVP_DigestUpdate(ctx, d->external_id,
                                strlen(d->external_id)) != 1)
        || EVP_DigestFinal_ex(ctx, md, &len) != 1)
    {
        EVP_MD_CTX_free(ctx);
        return -1;
    }

    EVP_MD_CTX_free(ctx);

    md[6] = (unsigned char) ((md[6] & 0x0f) | 0x40);
    md[8] = (unsigned char) ((md[8] & 0x3f) | 0x80);

    snprintf(uuid, SC_LINE_UUID_SIZE,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7],
             md[8], md[9], md[10], md[11], md[12], md[13], md[14], md[15]);

    return 0;
}


/*
 * 200 {"sentMessages":[{"id","quoteToken"}]}; errors {"message",
 * "details":[{"message","property"}]}; 409 when the retry key was
 * accepted before (it was sent); 429 for throttling and for the monthly
 * message limit.
 */
int
sc_deliver_line_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    const char  *msg;

    (void) body;
    (void) len;

    if ((status >= 200 && status <= 299) || status == 409) {
        r->outcome = SC_OUTCOME_SENT;
        (void) sc_dres_id(r, json_object_get(json_array_get(
                                 json_object_get(doc, "sentMessages"), 0),
                                 "id"));
        return 1;
    }

    msg = sc_json_str(doc, "message");
    *message = msg;

    if (msg == NULL) {
        return 0;
    }

    /* expired before its minute was up: the next attempt pushes */
    if (status == 400 && strstr(msg, "Invalid reply token") != NULL) {
        r->retry_after = SC_DELIVER_LINE_TOKEN_TTL + 10;
        sc_dres_set(r, SC_OUTCOME_RETRY, "line answered HTTP 400: %s (the "
                    "next attempt pushes)", msg);
        return 1;
    }

    if (status == 429 && strstr(msg, "monthly limit") != NULL) {
        sc_dres_set(r, SC_OUTCOME_FAIL, "line answered HTTP 429: %s", msg);
        return 1;
    }

    return 0;
}
