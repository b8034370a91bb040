/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver.h: a claimed deliver_reply job -> the HTTP request of the
 * platform's reply API, and the platform's answer -> sent, retry or
 * fail; the escalation and crisis notifications.  Pure C, jansson and
 * OpenSSL, no nginx types: the worker owns sockets, TLS and the
 * database, this owns what goes over the wire and what comes back.
 *
 *     rc = sc_deliver_build(&d, &api, now, &req, &req_len, &reason);
 *     SC_DELIVER_SKIP:   replies.status = 'skipped', last_error = reason
 *     SC_DELIVER_ERROR:  replies.status = 'failed', last_error = reason
 *     SC_DELIVER_REQUEST:
 *         send req over TLS to api.host, read the answer (sc_http.h),
 *         sc_deliver_result(d.platform, &api, status, retry_after, body,
 *                           body_len, now, &res);
 *         SENT:  'sent', platform_reply_id; RETRY: again after
 *         res.retry_after seconds (0: the worker's backoff); FAIL:
 *         'failed', last_error = res.error
 *
 * What each platform gets (paths follow api->base_path, see
 * sc_deliver_default_url()):
 *
 *   meta  messenger, instagram DMs (any type but comment and mention):
 *           POST /me/messages {"recipient":{"id":<thread_id|author_id>},
 *           "messaging_type":"RESPONSE","message":{"text":..}}; skipped
 *           24 h after received_at
 *         a private reply to a comment (facebook, instagram) or a
 *           visitor post: POST /me/messages {"recipient":{"comment_id"
 *           (or "post_id"):<external_id>},"message":{"text":..}};
 *           skipped 7 days after received_at
 *         a public reply: facebook POST /<comment or post id>/comments,
 *           instagram POST /<comment id>/replies, {"message":..}
 *         whatsapp: POST /<phone_number_id>/messages {"messaging_product"
 *           :"whatsapp","recipient_type":"individual","to":<wa_id>,
 *           "type":"text","text":{"body":..},"context":{"message_id":
 *           <wamid>}}; phone_number_id from raw "metadata.phone_number_id"
 *           (or "phone_number_id"), else api->account; skipped 24 h
 *           after received_at
 *         instagram mentions: skipped (the /<ig-user-id>/mentions edge
 *           needs the account id, which the event does not keep)
 *   x     public: POST /2/tweets {"text":..,"reply":{
 *           "in_reply_to_tweet_id":<external_id>}}; a DM or a private
 *           reply: POST /2/dm_conversations/with/<user id>/messages
 *           {"text":..}
 *   slack POST /chat.postMessage {"channel":..,"text":..[,"thread_ts"]};
 *           a private reply to a public message goes to the author's
 *           app DM (channel = user id); commands: skipped (inline)
 *   telegram  POST /bot<token>/sendMessage {"chat_id":..,"text":..,
 *           "reply_parameters":{"message_id":..,
 *           "allow_sending_without_reply":true}[,"business_connection_id"]}
 *   line  a reply token younger than SC_DELIVER_LINE_TOKEN_TTL: POST
 *           /v2/bot/message/reply {"replyToken":..,"messages":[{"type":
 *           "text","text":..}]}; else POST /v2/bot/message/push {"to":..,
 *           "messages":[..]} with X-Line-Retry-Key (a UUID derived from
 *           reply_id, platform and external_id: stable across retries)
 *   viber POST /send_message {"receiver":..,"min_api_version":1,
 *           "sender":{"name":api->sender},"type":"text","text":..}
 *   twilio  POST /2010-04-01/Accounts/<sid>/Messages.json, form
 *           To=<raw From>&From=<raw To>&Body=.. (api->sender as From,
 *           or MessagingServiceSid when it starts with "MG", if raw has
 *           no To); WhatsApp skipped 24 h after received_at
 *   discord  in the interaction answer; a reply that waited (spooled)
 *           POST /webhooks/<application_id>/<token> {"content":..,
 *           "flags":64,"allowed_mentions":{"parse":[]}} within 15 minutes
 *           of the interaction (the token is the credential), else
 *           skipped
 *   zendesk, intercom, tiktok, github, standard: skipped, not answered
 *
 * Every request carries Host, User-Agent, Accept, Content-Type,
 * Content-Length, the platform's credential and "Connection: close".
 * Bodies are built with jansson (any UTF-8 text is escaped correctly);
 * ids that go into a path must be made of [A-Za-z0-9_-] (Telegram's
 * token also ':'), or the build fails: no CR LF, '/', '?', '%' or '.'
 * from event data ever reaches the request line or a header.
 */

#ifndef _SC_DELIVER_H_INCLUDED_
#define _SC_DELIVER_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


#define SC_DELIVER_USER_AGENT       "ngx_social_care_module"

/* Meta: the Send API window, private replies to comments and posts */
#define SC_DELIVER_META_WINDOW      (24 * 3600)
#define SC_DELIVER_META_PRIVATE     (7 * 24 * 3600)

/* LINE: "use the reply token within one minute"; the rest is transit */
#define SC_DELIVER_LINE_TOKEN_TTL   50

#define SC_DELIVER_RETRY_MAX        86400   /* longest wait we honour */


/* a claimed job: the reply and what it answers, as stored */
typedef struct {
    int64_t         reply_id;       /* replies.id: idempotency keys */
    const char     *platform;       /* meta, x, slack, twilio, telegram,
                                       line, viber, discord, zendesk,
                                       intercom, tiktok, github, standard */
    const char     *channel;        /* events.channel, may be NULL */
    const char     *event_type;
    const char     *external_id;
    const char     *thread_id;      /* may be NULL */
    const char     *author_id;      /* may be NULL */
    const char     *visibility;     /* of the reply: "public", "private" */
    const char     *text;           /* the reply, UTF-8 */
    double          received_at;    /* unix seconds */
    json_t         *raw;            /* events.raw, NULL with store_raw off */
} sc_delivery_t;


/* where and as whom a location delivers */
typedef struct {
    const char     *host;           /* Host header: "graph.facebook.com",
                                       "127.0.0.1:8099" */
    const char     *base_path;      /* the base URL's path without a final
                                       '/': "/v25.0", "" */
    const char     *token;          /* token_file, trimmed; Twilio:
                                       "AccountSid:AuthToken" */
    const char     *sender;         /* Viber: the sender name (required);
                                       Twilio: From or a MessagingService
                                       sid when raw lacks "To"; NULL */
    const char     *account;        /* WhatsApp: phone_number_id when raw
                                       lacks it; NULL */
} sc_api_t;


typedef enum {
    SC_DELIVER_REQUEST = 0,         /* *out holds the request */
    SC_DELIVER_SKIP,                /* nothing to send: *reason says why */
    SC_DELIVER_ERROR                /* cannot be built: *reason says why;
                                       the same job fails the same way,
                                       but for "out of memory" */
} sc_deliver_rc_e;


typedef enum {
    SC_OUTCOME_SENT = 0,
    SC_OUTCOME_RETRY,
    SC_OUTCOME_FAIL
} sc_outcome_e;


typedef struct {
    sc_outcome_e    outcome;
    int             retry_after;    /* seconds, 0 unknown */
    char            platform_reply_id[128]; /* from the success body */
    char            error[256];     /* a sentence for last_error, "" when
                                       sent; never the token */
} sc_deliver_result_t;


/*
 * The complete HTTP/1.1 request (request line, headers, body) for d into
 * *out (malloc'd, the caller frees; not NUL-terminated), *out_len.  now
 * is unix seconds (windows, LINE's reply token).  SKIP and ERROR set
 * *reason, a static sentence, and leave *out NULL.
 */
sc_deliver_rc_e sc_deliver_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, char **out, size_t *out_len, const char **reason);

/*
 * The platform's answer: HTTP status (0: no answer, a broken one or a
 * timeout), the Retry-After value (NULL when absent), the body.  api (may
 * be NULL) is the one the request was built with: its token is masked
 * out of r->error.  now is unix seconds (a Retry-After HTTP-date).
 *
 *   2xx with the platform's success shape: SENT with the id (Meta
 *     message_id or id, WhatsApp messages[0].id, X data.id or
 *     data.dm_event_id, Slack ts, LINE sentMessages[0].id, Viber
 *     message_token, Telegram result.message_id, Twilio sid)
 *   Slack ok:false: ratelimited, service_unavailable, internal_error,
 *     request_timeout RETRY, others FAIL; Telegram ok:false: 429 RETRY
 *     after parameters.retry_after, 5xx RETRY, others FAIL; Viber
 *     status 12 (rate control) and codes outside 1..24 (general error)
 *     RETRY, others FAIL; Meta codes 1, 2, 4, 17, 32, 341, 613,
 *     80001-80014, 130429, 131000, 131016, 131048, 131056, 133004 and
 *     is_transient RETRY, others (the 24-hour window 10/2018278 and
 *     131047, 551, 100, 190, ...) FAIL; LINE 409 (the retry key was
 *     accepted before) SENT, "Invalid reply token" RETRY after 60 s
 *     (the next build pushes), a monthly limit FAIL
 *   otherwise by status: 429, 408 and 5xx RETRY (Retry-After honoured,
 *     up to SC_DELIVER_RETRY_MAX), 0 RETRY, other 4xx, 1xx, 3xx FAIL; a
 *     2xx whose body is not the success shape is SENT without an id,
 *     but for Slack, Telegram and Viber, where it is RETRY
 */
void sc_deliver_result(const char *platform, const sc_api_t *api,
    int status, const char *retry_after, const char *body, size_t body_len,
    double now, sc_deliver_result_t *r);

/* the default base URL of a platform's reply API; NULL when it has none */
const char *sc_deliver_default_url(const char *platform);


/*
 * An escalation or crisis notification for social_care_escalate_url:
 * POST path (with its query) to host, body
 *
 *     {"type":"escalation"|"crisis","text":<one Slack-compatible line>,
 *      ...every field of payload...}
 *
 * text is at most SC_DELIVER_NOTIFY_TEXT bytes: for an escalation
 * ':rotating_light: P1 complaint on meta (atm) waiting 16 min: "<the
 * event's text, cut at a word>" — level 2 team lead', for a crisis
 * ':fire: crisis on atm: 42 events in 15 min (baseline 3)'; & < > are
 * escaped for Slack, nothing but the payload's (already redacted) text
 * and labels goes in.  Signed per Standard Webhooks: webhook-id
 * ("msg_" + msg_id unless msg_id starts so; [A-Za-z0-9_.-], at most
 * 128), webhook-timestamp (now) and webhook-signature "v1,<base64
 * HMAC-SHA256(key, id.timestamp.body)>", the key being the base64
 * decoding of what follows "whsec_" when secret starts so, else secret
 * itself; no secret (secret_len 0): no webhook-signature header.
 * Returns SC_DELIVER_REQUEST with *out (malloc'd), or SC_DELIVER_ERROR
 * (a bad host, path, id or secret, out of memory).
 */
#define SC_DELIVER_NOTIFY_TEXT      300

sc_deliver_rc_e sc_deliver_notify(const char *type, json_t *payload,
    const char *msg_id, const char *host, const char *path,
    const unsigned char *secret, size_t secret_len, double now, char **out,
    size_t *out_len);

/*
 * "v1,<base64>" for id, timestamp and body with secret as above into sig
 * (at least SC_DELIVER_SIG_SIZE bytes); 0, or -1 (a "whsec_" secret that
 * is not base64, OpenSSL failed).
 */
#define SC_DELIVER_SIG_SIZE         48

int sc_deliver_webhook_sign(const unsigned char *secret, size_t secret_len,
    const char *id, const char *timestamp, const char *body, size_t len,
    char *sig);


#endif /* _SC_DELIVER_H_INCLUDED_ */
