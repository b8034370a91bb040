/*
 * test_deliver.c: reply delivery.  Events come from the real normalizers
 * over t/fixtures, so the requests are addressed from what is stored;
 * each request is taken apart (request line, headers, the body parsed
 * back with jansson), answers are interpreted per platform, hostile ids
 * and text never escape into the request line or headers, and the
 * notification's signature verifies with sc_verify_standard.
 */

#define _GNU_SOURCE

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tap.h"
#include "sc_deliver.h"
#include "sc_platform.h"
#include "sc_json.h"
#include "sc_form.h"
#include "sc_verify.h"


#define NOW         1718040000.0        /* 2024-06-10 17:20:00 UTC */
#define HOUR        3600.0
#define DAY         86400.0

#define TEXT        "Thanks for reaching out \xe2\x80\x94 we're on it."
#define HOSTILE     "He said \"hi\"\r\nX-Injected: yes\n\xf0\x9f\x98\xa1 " \
                    "\\ back/slash </script> \t end"


/* the last request, taken apart */
static char            *req;
static size_t           req_len;
static const char      *reason;
static char             reqline[2048];
static char             head[16384];
static const char      *body;
static size_t           body_len;
static json_t          *doc;
static int              sane;

static sc_events_t      evs;
static sc_deliver_result_t  res;


/*
 * Splits req: the request line, the header block, the body.  sane: every
 * header line is "Name: value" of printable ASCII, the block ends in an
 * empty line and Content-Length is the body's length.
 */
static void
take_apart(void)
{
    char        *p, *eol, *end, *colon;
    size_t       n;
    const char  *cl;

    sane = 0;
    reqline[0] = '\0';
    head[0] = '\0';
    body = NULL;
    body_len = 0;
    json_decref(doc);
    doc = NULL;

    if (req == NULL) {
        return;
    }

    p = memchr(req, '\0', req_len) ? NULL : req;
    if (p == NULL) {
        printf("# NUL in the request\n");
        return;
    }

    end = NULL;

    for (n = 0; n + 4 <= req_len; n++) {
        if (memcmp(req + n, "\r\n\r\n", 4) == 0) {
            end = req + n;
            break;
        }
    }

    if (end == NULL || (size_t) (end - req) >= sizeof(head)) {
        printf("# no end of headers\n");
        return;
    }

    memcpy(head, req, (size_t) (end - req));
    head[end - req] = '\0';
    strcat(head, "\r\n");

    body = end + 4;
    body_len = req_len - (size_t) (body - req);

    eol = strstr(head, "\r\n");
    memcpy(reqline, head, (size_t) (eol - head));
    reqline[eol - head] = '\0';

    /* the request line: no bytes but printable ASCII */
    for (p = reqline; *p != '\0'; p++) {
        if (*p < ' ' || *p > '~') {
            printf("# bad byte in the request line\n");
            return;
        }
    }

    for (p = eol + 2; *p != '\0'; p = eol + 2) {
        eol = strstr(p, "\r\n");
        colon = memchr(p, ':', (size_t) (eol - p));

        if (colon == NULL || colon == p || colon[1] != ' ') {
            printf("# bad header line\n");
            return;
        }

        for ( /* void */ ; p < eol; p++) {
            if (*p < ' ' || *p > '~') {
                printf("# bad byte in a header\n");
                return;
            }
        }
    }

    doc = json_loadb(body, body_len, 0, NULL);

    cl = NULL;
    p = strcasestr(head, "\r\nContent-Length: ");
    if (p != NULL) {
        cl = p + strlen("\r\nContent-Length: ");
    }

    sane = (cl != NULL && (size_t) strtoul(cl, NULL, 10) == body_len);
}


/* a header's value from the last request, "" when absent */
static const char *
hdr(const char *name)
{
    char         want[128];
    size_t       n;
    const char  *p, *eol;
    static char  value[4096];

    snprintf(want, sizeof(want), "\r\n%s: ", name);

    p = strcasestr(head, want);
    if (p == NULL) {
        return "";
    }

    p += strlen(want);
    eol = strstr(p, "\r\n");
    n = (size_t) (eol - p);

    if (n >= sizeof(value)) {
        return "";
    }

    memcpy(value, p, n);
    value[n] = '\0';

    return value;
}


static const char *
body_str(const char *path)
{
    return sc_json_path_str(doc, path);
}


static sc_deliver_rc_e
build(const sc_delivery_t *d, const sc_api_t *api, double now)
{
    sc_deliver_rc_e  rc;

    free(req);
    req = NULL;

    rc = sc_deliver_build(d, api, now, &req, &req_len, &reason);

    if ((rc == SC_DELIVER_REQUEST) != (req != NULL)
        || (rc != SC_DELIVER_REQUEST && reason == NULL))
    {
        printf("# build broke its contract\n");
        rc = -1;
    }

    take_apart();

    return rc;
}


/* the event idx of a fixture, parsed by its platform's normalizer */
static const sc_event_t *
fixture(const char *platform, const char *name, size_t idx)
{
    long                  n;
    char                  path[256], err[256], *buf;
    FILE                 *f;
    sc_answer_t           answer;
    sc_request_t          rq;
    sc_parse_rc_e         rc;
    const sc_platform_t  *p;

    sc_events_free(&evs);
    sc_events_init(&evs);

    snprintf(path, sizeof(path), "t/fixtures/%s/%s", platform, name);

    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        printf("# cannot read %s\n", path);
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }

    buf = malloc((size_t) n + 1);
    if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n) {
        fclose(f);
        free(buf);
        return NULL;
    }

    fclose(f);

    memset(&rq, 0, sizeof(sc_request_t));
    memset(&answer, 0, sizeof(sc_answer_t));
    rq.body = (const unsigned char *) buf;
    rq.body_len = (size_t) n;

    p = sc_platform_find(platform, strlen(platform));
    rc = p->parse(&rq, &evs, &answer, err, sizeof(err));

    sc_answer_free(&answer);
    free(buf);

    if (rc != SC_PARSE_OK || idx >= evs.nevents) {
        printf("# %s: parse %d, %zu events\n", path, rc, evs.nevents);
        return NULL;
    }

    return &evs.events[idx];
}


/* the delivery of a reply to ev as the worker reads it from the tables */
static void
delivery(sc_delivery_t *d, const char *platform, const sc_event_t *ev,
    const char *visibility, double received_at)
{
    memset(d, 0, sizeof(sc_delivery_t));

    d->reply_id = 1001;
    d->platform = platform;
    d->visibility = visibility;
    d->text = TEXT;
    d->received_at = received_at;

    if (ev != NULL) {
        d->channel = ev->channel;
        d->event_type = ev->type;
        d->external_id = ev->external_id;
        d->thread_id = ev->thread_id;
        d->author_id = ev->author_id;
        d->raw = ev->raw;
    }
}


static void
result(const char *platform, const sc_api_t *api, int status,
    const char *retry_after, const char *answer)
{
    sc_deliver_result(platform, api, status, retry_after, answer,
                      answer ? strlen(answer) : 0, NOW, &res);
}


static const sc_api_t  meta_api = {
    "graph.facebook.com", "/v25.0", "EAAG-page-token-1234567890", NULL, NULL
};


static void
test_meta(void)
{
    json_t             *raw;
    sc_api_t            api;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    /* a Messenger DM */
    ev = fixture("meta", "messenger_text.json", 0);
    delivery(&d, "meta", ev, "private", NOW - HOUR);

    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST, "meta dm: built");
    ok(sane, "meta dm: well formed");
    is_str(reqline, "POST /v25.0/me/messages HTTP/1.1", "meta dm: line");
    is_str(hdr("Host"), "graph.facebook.com", "meta dm: Host");
    is_str(hdr("Authorization"), "Bearer EAAG-page-token-1234567890",
           "meta dm: bearer token");
    is_str(hdr("Content-Type"), "application/json; charset=utf-8",
           "meta dm: Content-Type");
    is_str(hdr("Connection"), "close", "meta dm: Connection");
    is_str(hdr("User-Agent"), SC_DELIVER_USER_AGENT, "meta dm: User-Agent");
    is_str(body_str("recipient.id"), "6972318462817403",
           "meta dm: recipient is the sender (PSID)");
    is_str(body_str("messaging_type"), "RESPONSE", "meta dm: RESPONSE");
    is_str(body_str("message.text"), TEXT, "meta dm: text");

    delivery(&d, "meta", ev, "private", NOW - DAY - 1);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_SKIP,
           "meta dm: 24 h later skipped");
    is_str(reason, "meta 24-hour messaging window closed",
           "meta dm: ... the window");
    ok(req == NULL, "meta dm: ... no request");

    /* Instagram DM: the same Send API */
    ev = fixture("meta", "instagram_dm.json", 0);
    delivery(&d, "meta", ev, "private", NOW - 60);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "instagram dm: built");
    is_str(reqline, "POST /v25.0/me/messages HTTP/1.1", "instagram dm: line");
    is_str(body_str("recipient.id"), ev ? ev->thread_id : "",
           "instagram dm: recipient is the thread (IGSID)");

    /* a Page comment: public reply, private reply */
    ev = fixture("meta", "feed_comment.json", 0);
    delivery(&d, "meta", ev, "public", NOW - HOUR);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "facebook comment: built");
    ok(sane, "facebook comment: well formed");
    is_str(reqline, "POST /v25.0/823470196512345_1187734529012345/comments "
           "HTTP/1.1", "facebook comment: reply under the comment");
    is_str(body_str("message"), TEXT, "facebook comment: message");

    d.received_at = NOW - 8 * DAY;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "facebook comment: public replies have no window");

    d.visibility = "private";
    d.received_at = NOW - 6 * DAY;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "facebook comment: private reply after 6 days");
    is_str(reqline, "POST /v25.0/me/messages HTTP/1.1",
           "facebook comment: private reply through the Send API");
    is_str(body_str("recipient.comment_id"),
           "823470196512345_1187734529012345",
           "facebook comment: recipient is the comment");
    ok(json_object_get(doc, "messaging_type") == NULL,
       "facebook comment: no messaging_type on a private reply");

    d.received_at = NOW - 8 * DAY;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_SKIP,
           "facebook comment: private reply after 8 days skipped");
    is_str(reason, "meta private reply window (7 days) closed",
           "facebook comment: ... why");

    /* an Instagram comment */
    ev = fixture("meta", "instagram_comment.json", 0);
    delivery(&d, "meta", ev, "public", NOW - HOUR);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "instagram comment: built");
    is_str(reqline, "POST /v25.0/17865799348092651/replies HTTP/1.1",
           "instagram comment: /replies");
    is_str(body_str("message"), TEXT, "instagram comment: message");

    d.visibility = "private";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "instagram comment: private reply");
    is_str(body_str("recipient.comment_id"), "17865799348092651",
           "instagram comment: private reply to the comment");

    /* a visitor post, answered privately */
    delivery(&d, "meta", NULL, "private", NOW - HOUR);
    d.channel = "facebook";
    d.event_type = "post";
    d.external_id = "104381712345678_823470196512345";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "facebook post: private reply");
    is_str(body_str("recipient.post_id"), "104381712345678_823470196512345",
           "facebook post: recipient is the post");

    d.channel = "instagram";
    d.event_type = "mention";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_SKIP,
           "instagram mention: skipped");

    /* WhatsApp: the normalizer keeps the webhook's metadata in raw */
    ev = fixture("meta", "whatsapp_text.json", 0);
    delivery(&d, "meta", ev, "private", NOW - HOUR);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "whatsapp: phone_number_id from raw");
    ok(strstr(reqline, "/106540352242922/messages") != NULL,
       "whatsapp: ... the number the customer wrote to");

    /* without it (social_care_store_raw off): account= or an error */
    d.raw = NULL;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR,
           "whatsapp: no phone_number_id in raw, none configured");
    ok(reason != NULL && strstr(reason, "phone_number_id") != NULL,
       "whatsapp: ... says so");

    api = meta_api;
    api.account = "106540352242922";
    is_int(build(&d, &api, NOW), SC_DELIVER_REQUEST,
           "whatsapp: the configured account");
    ok(sane, "whatsapp: well formed");
    is_str(reqline, "POST /v25.0/106540352242922/messages HTTP/1.1",
           "whatsapp: line");
    is_str(body_str("messaging_product"), "whatsapp",
           "whatsapp: messaging_product");
    is_str(body_str("recipient_type"), "individual",
           "whatsapp: recipient_type");
    is_str(body_str("to"), "16315551181", "whatsapp: to the wa_id");
    is_str(body_str("type"), "text", "whatsapp: type");
    is_str(body_str("text.body"), TEXT, "whatsapp: text.body");
    is_str(body_str("context.message_id"),
           "wamid.HBgLMTYzMTU1NTExODEVAgASGBQzQTdGQ0U5QjhEMkE0RTYxQzk3MQA=",
           "whatsapp: quotes the customer's wamid");

    /* what the normalizer would add: metadata in raw wins */
    raw = json_deep_copy(ev ? ev->raw : NULL);
    json_object_set_new(raw, "metadata",
                        json_pack("{s:s}", "phone_number_id", "111222333"));
    d.raw = raw;
    is_int(build(&d, &api, NOW), SC_DELIVER_REQUEST,
           "whatsapp: raw metadata.phone_number_id");
    is_str(reqline, "POST /v25.0/111222333/messages HTTP/1.1",
           "whatsapp: ... used");

    json_object_set_new(raw, "metadata",
                        json_pack("{s:s}", "phone_number_id", "1/../me"));
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "whatsapp: a phone_number_id with '/' refused");
    json_decref(raw);

    /* a username customer: a business-scoped user id, no phone number */
    ev = fixture("meta", "whatsapp_bsuid.json", 0);
    delivery(&d, "meta", ev, "private", NOW - HOUR);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "whatsapp bsuid: a request");
    is_str(body_str("recipient"), "GB.1392840571928374655",
           "whatsapp bsuid: the user id as recipient");
    ok(body_str("to") == NULL, "whatsapp bsuid: ... not as to");

    ev = fixture("meta", "whatsapp_text.json", 0);
    delivery(&d, "meta", ev, "private", NOW - HOUR);
    d.raw = ev ? ev->raw : NULL;
    d.received_at = NOW - DAY - 60;
    is_int(build(&d, &api, NOW), SC_DELIVER_SKIP,
           "whatsapp: 24 h later skipped");
    is_str(reason, "meta 24-hour messaging window closed",
           "whatsapp: ... the window");
}


static void
test_meta_results(void)
{
    sc_api_t  api;

    result("meta", &meta_api, 200, NULL,
           "{\"recipient_id\":\"6972318462817403\",\"message_id\":"
           "\"m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma\"}");
    is_int(res.outcome, SC_OUTCOME_SENT, "meta result: sent");
    is_str(res.platform_reply_id,
           "m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma",
           "meta result: message_id");
    is_str(res.error, "", "meta result: no error");

    result("meta", &meta_api, 200, NULL, "{\"id\":\"823470196512345_99\"}");
    is_str(res.platform_reply_id, "823470196512345_99",
           "meta result: a comment's id");

    result("meta", &meta_api, 200, NULL,
           "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":"
           "\"16315551181\",\"wa_id\":\"16315551181\"}],\"messages\":"
           "[{\"id\":\"wamid.HBgLMTY=\"}]}");
    is_int(res.outcome, SC_OUTCOME_SENT, "whatsapp result: sent");
    is_str(res.platform_reply_id, "wamid.HBgLMTY=",
           "whatsapp result: messages[0].id");

    result("meta", &meta_api, 200, NULL, "not json");
    ok(res.outcome == SC_OUTCOME_SENT && res.platform_reply_id[0] == '\0',
       "meta result: a 2xx without JSON is sent, without an id");

#define META_ERR(code, sub, msg)                                             \
    "{\"error\":{\"message\":\"" msg "\",\"type\":\"OAuthException\","       \
    "\"code\":" #code ",\"error_subcode\":" #sub ",\"fbtrace_id\":\"Ab1\"}}"

    result("meta", &meta_api, 400, NULL,
           META_ERR(4, 0, "(#4) Application request limit reached"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: code 4 retried");
    ok(strstr(res.error, "Application request limit") != NULL,
       "meta result: ... names Meta's message");

    result("meta", &meta_api, 400, NULL, META_ERR(613, 0, "Calls exceed"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: 613 retried");
    result("meta", &meta_api, 403, NULL, META_ERR(32, 0, "Page limit"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: 32 retried");
    result("meta", &meta_api, 400, NULL, META_ERR(80006, 0, "BUC"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: 80006 retried");
    result("meta", &meta_api, 400, NULL, META_ERR(130429, 0, "Rate limit"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "whatsapp result: 130429 retried");
    result("meta", &meta_api, 400, NULL, META_ERR(131056, 0, "Pair rate"));
    is_int(res.outcome, SC_OUTCOME_RETRY, "whatsapp result: 131056 retried");

    result("meta", &meta_api, 400, NULL,
           "{\"error\":{\"message\":\"x\",\"code\":1234,\"is_transient\":"
           "true}}");
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: is_transient");

    result("meta", &meta_api, 400, NULL,
           META_ERR(10, 2018278, "(#10) This message is sent outside of "
                    "allowed window."));
    is_int(res.outcome, SC_OUTCOME_FAIL, "meta result: 10/2018278 fails");
    ok(strstr(res.error, "24-hour messaging window") != NULL,
       "meta result: ... as the window");

    result("meta", &meta_api, 400, NULL,
           META_ERR(131047, 0, "Re-engagement message"));
    is_int(res.outcome, SC_OUTCOME_FAIL, "whatsapp result: 131047 fails");
    ok(strstr(res.error, "24-hour") != NULL, "whatsapp result: ... window");

    result("meta", &meta_api, 400, NULL,
           META_ERR(551, 1545041, "This person isn't available right now."));
    is_int(res.outcome, SC_OUTCOME_FAIL, "meta result: 551 fails");

    result("meta", &meta_api, 400, NULL,
           META_ERR(100, 2018001, "(#100) No matching user found"));
    is_int(res.outcome, SC_OUTCOME_FAIL, "meta result: 100/2018001 fails");
    ok(strstr(res.error, "No matching user found") != NULL
       && strstr(res.error, "100/2018001") != NULL,
       "meta result: ... code, subcode and message");

    result("meta", &meta_api, 401, NULL,
           META_ERR(190, 463, "Error validating access token "
                    "EAAG-page-token-1234567890: Session has expired"));
    is_int(res.outcome, SC_OUTCOME_FAIL, "meta result: 190 fails");
    ok(strstr(res.error, "EAAG-page-token") == NULL
       && strstr(res.error, "[token]") != NULL,
       "meta result: the token is masked");

    api = meta_api;
    result("meta", &api, 500, NULL, "");
    is_int(res.outcome, SC_OUTCOME_RETRY, "meta result: 500 retried");
    result("meta", &api, 503, "30", "<html>busy</html>");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 30,
       "meta result: 503 with Retry-After 30");
    result("meta", &api, 0, NULL, NULL);
    ok(res.outcome == SC_OUTCOME_RETRY && res.error[0] != '\0',
       "meta result: no answer retried");
}


static const sc_api_t  x_api = {
    "api.x.com", "", "x-user-token-abcdefghijkl", NULL, NULL
};


static void
test_x(void)
{
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("x", "tweet_mention.json", 0);
    delivery(&d, "x", ev, "public", NOW - HOUR);

    is_int(build(&d, &x_api, NOW), SC_DELIVER_REQUEST, "x post: built");
    ok(sane, "x post: well formed");
    is_str(reqline, "POST /2/tweets HTTP/1.1", "x post: line");
    is_str(hdr("Host"), "api.x.com", "x post: Host");
    is_str(hdr("Authorization"), "Bearer x-user-token-abcdefghijkl",
           "x post: bearer");
    is_str(body_str("text"), TEXT, "x post: text");
    is_str(body_str("reply.in_reply_to_tweet_id"), "1050118621198921728",
           "x post: in reply to the customer's post");

    d.visibility = "private";
    is_int(build(&d, &x_api, NOW), SC_DELIVER_REQUEST,
           "x post answered privately: built");
    is_str(reqline, "POST /2/dm_conversations/with/6253282/messages "
           "HTTP/1.1", "x post answered privately: a DM to the author");

    ev = fixture("x", "dm.json", 0);
    delivery(&d, "x", ev, "private", NOW - HOUR);
    is_int(build(&d, &x_api, NOW), SC_DELIVER_REQUEST, "x dm: built");
    is_str(reqline, "POST /2/dm_conversations/with/3001969357/messages "
           "HTTP/1.1", "x dm: to the customer");
    is_str(body_str("text"), TEXT, "x dm: text");
    ok(json_object_size(doc) == 1, "x dm: text alone");

    d.thread_id = "3001969357/../../2/tweets";
    is_int(build(&d, &x_api, NOW), SC_DELIVER_ERROR,
           "x dm: a user id with '/' refused");

    delivery(&d, "x", NULL, "public", NOW);
    d.event_type = "mention";
    d.external_id = "tweet:abc";
    is_int(build(&d, &x_api, NOW), SC_DELIVER_SKIP,
           "x post: a non-numeric id is no post");

    result("x", &x_api, 201, NULL,
           "{\"data\":{\"id\":\"1445880548472328192\",\"text\":\"hi\"}}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "1445880548472328192") == 0,
       "x result: data.id");
    result("x", &x_api, 201, NULL,
           "{\"data\":{\"dm_conversation_id\":\"1-2\",\"dm_event_id\":"
           "\"1582838238736654341\"}}");
    is_str(res.platform_reply_id, "1582838238736654341",
           "x result: data.dm_event_id");
    result("x", &x_api, 429, "900",
           "{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\","
           "\"type\":\"about:blank\",\"status\":429}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 900,
       "x result: 429 retried after Retry-After");
    result("x", &x_api, 403, NULL,
           "{\"detail\":\"You are not allowed to create a Tweet with "
           "duplicate content.\",\"type\":\"about:blank\",\"title\":"
           "\"Forbidden\",\"status\":403}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "duplicate content") != NULL,
       "x result: 403 fails with X's detail");
    result("x", &x_api, 200, NULL,
           "{\"errors\":[{\"message\":\"Your account is suspended\"}]}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "suspended") != NULL,
       "x result: a 200 with errors and no data fails");
    result("x", &x_api, 503, NULL, "{\"title\":\"Service Unavailable\"}");
    is_int(res.outcome, SC_OUTCOME_RETRY, "x result: 503 retried");
}


static const sc_api_t  slack_api = {
    "slack.com", "/api", "xoxb-1234-5678-abcdefghijkl", NULL, NULL
};


static void
test_slack(void)
{
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("slack", "app_mention.json", 0);
    delivery(&d, "slack", ev, "public", NOW - 60);

    is_int(build(&d, &slack_api, NOW), SC_DELIVER_REQUEST,
           "slack mention: built");
    ok(sane, "slack mention: well formed");
    is_str(reqline, "POST /api/chat.postMessage HTTP/1.1",
           "slack mention: line");
    is_str(hdr("Host"), "slack.com", "slack mention: Host");
    is_str(hdr("Authorization"), "Bearer xoxb-1234-5678-abcdefghijkl",
           "slack mention: bearer");
    is_str(body_str("channel"), "C0LAN2Q65", "slack mention: channel");
    is_str(body_str("thread_ts"), "1718035900.000100",
           "slack mention: in the thread it was in");
    is_str(body_str("text"), TEXT, "slack mention: text");

    d.visibility = "private";
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_REQUEST,
           "slack mention answered privately: built");
    is_str(body_str("channel"), "U061F7AUR",
           "slack mention answered privately: the author's app DM");
    ok(json_object_get(doc, "thread_ts") == NULL,
       "slack mention answered privately: no thread");

    ev = fixture("slack", "message_im.json", 0);
    delivery(&d, "slack", ev, "private", NOW - 60);
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_REQUEST,
           "slack dm: built");
    is_str(body_str("channel"), "D024BE91L", "slack dm: the DM channel");
    ok(json_object_get(doc, "thread_ts") == NULL, "slack dm: no thread");

    ev = fixture("slack", "block_actions.form", 0);
    delivery(&d, "slack", ev, "public", NOW - 60);
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_REQUEST,
           "slack interaction: built");
    is_str(body_str("channel"), "C0LAN2Q65", "slack interaction: channel");
    is_str(body_str("thread_ts"), "1718037000.000100",
           "slack interaction: under the message with the button");

    ev = fixture("slack", "slash_command.form", 0);
    delivery(&d, "slack", ev, "public", NOW - 60);
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_SKIP,
           "slack command: skipped");
    is_str(reason, "slack commands are answered inline",
           "slack command: ... inline");

    /* store_raw off: the thread id carries channel and ts */
    delivery(&d, "slack", NULL, "public", NOW - 60);
    d.event_type = "message";
    d.thread_id = "C0LAN2Q65:1718035900.000100";
    d.text = "<!channel> refunds & returns > 5 days";
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_REQUEST,
           "slack without raw: built");
    is_str(body_str("channel"), "C0LAN2Q65",
           "slack without raw: channel from the thread id");
    is_str(body_str("thread_ts"), "1718035900.000100",
           "slack without raw: ts from the thread id");
    is_str(body_str("text"), "&lt;!channel&gt; refunds &amp; returns &gt; 5 "
           "days", "slack: & < > escaped, no channel ping");

    d.thread_id = NULL;
    is_int(build(&d, &slack_api, NOW), SC_DELIVER_SKIP,
           "slack: no channel, skipped");

    result("slack", &slack_api, 200, NULL,
           "{\"ok\":true,\"channel\":\"C0LAN2Q65\",\"ts\":"
           "\"1503435956.000247\",\"message\":{\"text\":\"x\"}}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "1503435956.000247") == 0,
       "slack result: ts");
    result("slack", &slack_api, 200, NULL,
           "{\"ok\":false,\"error\":\"ratelimited\"}");
    is_int(res.outcome, SC_OUTCOME_RETRY, "slack result: ratelimited");
    result("slack", &slack_api, 429, "30",
           "{\"ok\":false,\"error\":\"ratelimited\"}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 30,
       "slack result: 429 with Retry-After");
    result("slack", &slack_api, 200, NULL,
           "{\"ok\":false,\"error\":\"channel_not_found\"}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "channel_not_found") != NULL,
       "slack result: channel_not_found fails");
    result("slack", &slack_api, 200, NULL,
           "{\"ok\":false,\"error\":\"invalid_auth\"}");
    is_int(res.outcome, SC_OUTCOME_FAIL, "slack result: invalid_auth");
    result("slack", &slack_api, 200, NULL, "<html>proxy</html>");
    is_int(res.outcome, SC_OUTCOME_RETRY,
           "slack result: a 200 without ok is retried");
    result("slack", &slack_api, 502, NULL, "");
    is_int(res.outcome, SC_OUTCOME_RETRY, "slack result: 502 retried");
}


static const sc_api_t  tg_api = {
    "api.telegram.org", "", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    NULL, NULL
};


static void
test_telegram(void)
{
    sc_api_t            api;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("telegram", "message_private.json", 0);
    delivery(&d, "telegram", ev, "private", NOW - 60);

    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram: built");
    ok(sane, "telegram: well formed");
    is_str(reqline, "POST /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/"
           "sendMessage HTTP/1.1", "telegram: the token in the path");
    is_str(hdr("Authorization"), "", "telegram: no Authorization");
    ok(json_is_integer(json_object_get(doc, "chat_id"))
       && json_integer_value(json_object_get(doc, "chat_id")) == 5234567890,
       "telegram: chat_id, an integer");
    is_str(body_str("text"), TEXT, "telegram: text");
    is_int(json_integer_value(sc_json_path(doc,
                                           "reply_parameters.message_id")),
           4412, "telegram: quotes the message");
    ok(json_is_true(sc_json_path(doc, "reply_parameters."
                                      "allow_sending_without_reply")),
       "telegram: ... even if it was deleted");

    ev = fixture("telegram", "group_photo.json", 0);
    delivery(&d, "telegram", ev, "public", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram group: built");
    is_int(json_integer_value(json_object_get(doc, "chat_id")),
           -1001987654321LL, "telegram group: the group");

    d.visibility = "private";
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram group answered privately: built");
    is_int(json_integer_value(json_object_get(doc, "chat_id")), 6011223344LL,
           "telegram group answered privately: to the user");
    ok(json_object_get(doc, "reply_parameters") == NULL,
       "telegram group answered privately: no quote across chats");

    ev = fixture("telegram", "business_message.json", 0);
    delivery(&d, "telegram", ev, "private", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram business: built");
    is_str(body_str("business_connection_id"), "AbCdEfGhIjKlMnOp0123",
           "telegram business: on behalf of the business");

    ev = fixture("telegram", "callback_query.json", 0);
    delivery(&d, "telegram", ev, "private", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram callback: built");
    is_int(json_integer_value(json_object_get(doc, "chat_id")), 5234567890LL,
           "telegram callback: the message's chat");
    ok(json_object_get(doc, "reply_parameters") == NULL,
       "telegram callback: the bot's own message is not quoted");

    /* where in the chat: the forum topic, the channel DM user's topic */
    ev = fixture("telegram", "supergroup_topic.json", 0);
    delivery(&d, "telegram", ev, "public", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram topic: built");
    is_int(json_integer_value(json_object_get(doc, "message_thread_id")),
           90180, "telegram topic: in the customer's topic");

    ev = fixture("telegram", "callback_topic.json", 0);
    delivery(&d, "telegram", ev, "public", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram callback in a topic: built");
    is_int(json_integer_value(json_object_get(doc, "message_thread_id")),
           90180, "telegram callback in a topic: in that topic");

    ev = fixture("telegram", "direct_messages.json", 0);
    delivery(&d, "telegram", ev, "private", NOW - 60);
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram channel DMs: built");
    is_int(json_integer_value(json_object_get(doc, "direct_messages_topic_id")),
           5234567890LL, "telegram channel DMs: the user's topic");
    ok(json_object_get(doc, "message_thread_id") == NULL,
       "telegram channel DMs: no forum topic");

    ev = fixture("telegram", "message_private.json", 0);
    delivery(&d, "telegram", ev, "private", NOW - 60);
    (void) build(&d, &tg_api, NOW);
    ok(json_object_get(doc, "message_thread_id") == NULL
       && json_object_get(doc, "direct_messages_topic_id") == NULL,
       "telegram private chat: no topic");

    delivery(&d, "telegram", NULL, "public", NOW - 60);
    d.thread_id = "-1001234567890";
    is_int(build(&d, &tg_api, NOW), SC_DELIVER_REQUEST,
           "telegram without raw: built");
    is_int(json_integer_value(json_object_get(doc, "chat_id")),
           -1001234567890LL, "telegram without raw: the stored chat id");
    d.thread_id = "@acme_news";
    (void) build(&d, &tg_api, NOW);
    is_str(body_str("chat_id"), "@acme_news",
           "telegram without raw: a username stays a string");

    api = tg_api;
    api.token = "123456789:AAH/../../x";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "telegram: a token with '/' refused");
    api.token = "bot:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "telegram: a token without a bot id refused");
    api.token = "123456789:AAH?x=1";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "telegram: a token with '?' refused");

    result("telegram", &tg_api, 200, NULL,
           "{\"ok\":true,\"result\":{\"message_id\":4413,\"chat\":{\"id\":1},"
           "\"date\":1718040000,\"text\":\"x\"}}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "4413") == 0,
       "telegram result: result.message_id");
    result("telegram", &tg_api, 429, NULL,
           "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many "
           "Requests: retry after 5\",\"parameters\":{\"retry_after\":5}}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 5,
       "telegram result: 429 after parameters.retry_after");
    result("telegram", &tg_api, 400, NULL,
           "{\"ok\":false,\"error_code\":400,\"description\":"
           "\"Bad Request: chat not found\"}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "chat not found") != NULL,
       "telegram result: chat not found fails");
    result("telegram", &tg_api, 403, NULL,
           "{\"ok\":false,\"error_code\":403,\"description\":"
           "\"Forbidden: bot was blocked by the user\"}");
    is_int(res.outcome, SC_OUTCOME_FAIL, "telegram result: blocked fails");
    result("telegram", &tg_api, 400, NULL,
           "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: "
           "group chat was upgraded to a supergroup chat\",\"parameters\":"
           "{\"migrate_to_chat_id\":-1001234567890}}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "-1001234567890") != NULL,
       "telegram result: a migrated chat names the new one");
    result("telegram", &tg_api, 401, NULL,
           "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized:"
           " 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw\"}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") == NULL,
       "telegram result: the token is masked");
    result("telegram", &tg_api, 502, NULL, "<html>Bad Gateway</html>");
    is_int(res.outcome, SC_OUTCOME_RETRY, "telegram result: 502 retried");
    result("telegram", &tg_api, 200, NULL, "[]");
    is_int(res.outcome, SC_OUTCOME_RETRY,
           "telegram result: a 200 without ok is retried");
}


static const sc_api_t  line_api = {
    "api.line.me", "", "line-channel-token-abcdefghijkl", NULL, NULL
};


static int
is_uuid4(const char *s)
{
    size_t  i;

    if (strlen(s) != 36 || s[14] != '4' || strchr("89ab", s[19]) == NULL) {
        return 0;
    }

    for (i = 0; i < 36; i++) {
        if ((i == 8 || i == 13 || i == 18 || i == 23)
            ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL)
        {
            return 0;
        }
    }

    return 1;
}


static void
test_line(void)
{
    char                key[64];
    json_t             *raw;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("line", "message_text.json", 0);
    delivery(&d, "line", ev, "private", NOW - 10);

    /* a redelivery received now of an event LINE sent two minutes ago */
    raw = json_deep_copy(d.raw);
    json_object_set_new(raw, "timestamp",
                        json_integer((json_int_t) (NOW - 120) * 1000));
    d.raw = raw;
    is_int(build(&d, &line_api, NOW), SC_DELIVER_REQUEST,
           "line redelivered late: built");
    is_str(reqline, "POST /v2/bot/message/push HTTP/1.1",
           "line redelivered late: pushed, the token has expired");

    json_object_set_new(raw, "timestamp",
                        json_integer((json_int_t) (NOW - 12) * 1000));
    is_int(build(&d, &line_api, NOW), SC_DELIVER_REQUEST,
           "line fresh: built");
    ok(sane, "line fresh: well formed");
    is_str(reqline, "POST /v2/bot/message/reply HTTP/1.1",
           "line fresh: the reply API");
    is_str(hdr("Authorization"), "Bearer line-channel-token-abcdefghijkl",
           "line fresh: bearer");
    is_str(hdr("X-Line-Retry-Key"), "",
           "line fresh: no retry key (a 400 on reply)");
    is_str(body_str("replyToken"), "38ef843bde154d9b91c21320ffd17a0f",
           "line fresh: the reply token");
    is_str(sc_json_str(json_array_get(json_object_get(doc, "messages"), 0),
                       "type"), "text", "line fresh: a text message");
    is_str(sc_json_str(json_array_get(json_object_get(doc, "messages"), 0),
                       "text"), TEXT, "line fresh: text");

    d.received_at = NOW - 120;
    is_int(build(&d, &line_api, NOW), SC_DELIVER_REQUEST, "line stale: built");
    is_str(reqline, "POST /v2/bot/message/push HTTP/1.1",
           "line stale: the push API");
    is_str(body_str("to"), "U4af4980629f2e8a1b2c3d4e5f6a7b8c9",
           "line stale: to the user");
    ok(is_uuid4(hdr("X-Line-Retry-Key")), "line stale: retry key is a UUID");
    snprintf(key, sizeof(key), "%s", hdr("X-Line-Retry-Key"));

    (void) build(&d, &line_api, NOW + 3600);
    is_str(hdr("X-Line-Retry-Key"), key,
           "line stale: the same key on every attempt");
    d.reply_id++;
    (void) build(&d, &line_api, NOW);
    ok(strcmp(hdr("X-Line-Retry-Key"), key) != 0,
       "line stale: another reply, another key");
    d.reply_id--;
    d.external_id = "01H810YECXQQZ37VAXPF6H9E6U";
    (void) build(&d, &line_api, NOW);
    ok(strcmp(hdr("X-Line-Retry-Key"), key) != 0,
       "line stale: the same reply id for another event, another key");

    /* a group: public in the group; private to the user, by push */
    json_decref(raw);
    raw = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "type", "message",
                    "replyToken", "0f3779fba3b349968c5d07db31eab56f",
                    "source", "type", "group", "groupId", "Ca56f94637c",
                    "userId", "U4af4980629f2e8a1b2c3d4e5f6a7b8c9");
    delivery(&d, "line", NULL, "private", NOW - 5);
    d.raw = raw;
    d.thread_id = "Ca56f94637c";
    d.author_id = "U4af4980629f2e8a1b2c3d4e5f6a7b8c9";
    is_int(build(&d, &line_api, NOW), SC_DELIVER_REQUEST,
           "line group answered privately: built");
    is_str(reqline, "POST /v2/bot/message/push HTTP/1.1",
           "line group answered privately: pushed, not replied");
    is_str(body_str("to"), "U4af4980629f2e8a1b2c3d4e5f6a7b8c9",
           "line group answered privately: to the user");

    d.visibility = "public";
    (void) build(&d, &line_api, NOW);
    is_str(reqline, "POST /v2/bot/message/reply HTTP/1.1",
           "line group answered publicly: the reply token");
    json_decref(raw);

    delivery(&d, "line", NULL, "public", NOW - 5);
    is_int(build(&d, &line_api, NOW), SC_DELIVER_SKIP,
           "line: nothing to reply to");
    is_str(reason, "line: neither a fresh reply token nor a push target",
           "line: ... why");

    result("line", &line_api, 200, NULL,
           "{\"sentMessages\":[{\"id\":\"461230966842064897\",\"quoteToken\""
           ":\"IStG5h1Tz7b\"}]}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "461230966842064897") == 0,
       "line result: sentMessages[0].id");
    result("line", &line_api, 409, NULL,
           "{\"message\":\"The retry key is already accepted\","
           "\"sentMessages\":[{\"id\":\"461230966842064898\"}]}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "461230966842064898") == 0,
       "line result: 409, accepted before, is sent");
    result("line", &line_api, 400, NULL,
           "{\"message\":\"Invalid reply token\"}");
    ok(res.outcome == SC_OUTCOME_RETRY
       && res.retry_after > SC_DELIVER_LINE_TOKEN_TTL,
       "line result: an expired token is retried as a push");
    result("line", &line_api, 429, NULL,
           "{\"message\":\"You have reached your monthly limit.\"}");
    is_int(res.outcome, SC_OUTCOME_FAIL, "line result: monthly limit fails");
    result("line", &line_api, 429, "60",
           "{\"message\":\"The API rate limit has been exceeded. Try again "
           "later.\"}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 60,
       "line result: rate limit retried");
    result("line", &line_api, 400, NULL,
           "{\"message\":\"The request body has 1 error(s)\",\"details\":"
           "[{\"message\":\"May not be empty\",\"property\":"
           "\"messages[0].text\"}]}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "request body has 1 error") != NULL,
       "line result: 400 fails with LINE's message");
    result("line", &line_api, 500, NULL, "");
    is_int(res.outcome, SC_OUTCOME_RETRY, "line result: 500 retried");
}


static const sc_api_t  viber_api = {
    "chatapi.viber.com", "/pa", "445da6az1s345z78-dazcczb2542zv51a",
    "Acme Care", NULL
};


static void
test_viber(void)
{
    sc_api_t            api;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("viber", "message_text.json", 0);
    delivery(&d, "viber", ev, "private", NOW - 60);

    is_int(build(&d, &viber_api, NOW), SC_DELIVER_REQUEST, "viber: built");
    ok(sane, "viber: well formed");
    is_str(reqline, "POST /pa/send_message HTTP/1.1", "viber: line");
    is_str(hdr("Host"), "chatapi.viber.com", "viber: Host");
    is_str(hdr("X-Viber-Auth-Token"), "445da6az1s345z78-dazcczb2542zv51a",
           "viber: X-Viber-Auth-Token");
    is_str(body_str("receiver"), "01234567890A=", "viber: to the sender");
    is_int(json_integer_value(json_object_get(doc, "min_api_version")), 1,
           "viber: min_api_version");
    is_str(body_str("sender.name"), "Acme Care", "viber: sender name");
    is_str(body_str("type"), "text", "viber: type");
    is_str(body_str("text"), TEXT, "viber: text");

    api = viber_api;
    api.sender = NULL;
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "viber: no sender name refused");

    result("viber", &viber_api, 200, NULL,
           "{\"status\":0,\"status_message\":\"ok\",\"message_token\":"
           "5741311803571721087,\"chat_hostname\":\"SN-CHAT-05_\"}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "5741311803571721087") == 0,
       "viber result: message_token");
    result("viber", &viber_api, 200, NULL,
           "{\"status\":0,\"status_message\":\"ok\",\"message_token\":"
           "18446744073709551615}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id, "18446744073709551615") == 0,
       "viber result: a token past 2^63, digits kept");
    result("viber", &viber_api, 200, NULL,
           "{\"status\":12,\"status_message\":\"tooManyRequests\"}");
    is_int(res.outcome, SC_OUTCOME_RETRY, "viber result: 12 retried");
    result("viber", &viber_api, 200, NULL,
           "{\"status\":6,\"status_message\":\"receiverNotSubscribed\"}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "receiverNotSubscribed") != NULL,
       "viber result: 6 fails");
    result("viber", &viber_api, 200, NULL,
           "{\"status\":2,\"status_message\":\"invalidAuthToken\"}");
    is_int(res.outcome, SC_OUTCOME_FAIL, "viber result: bad token fails");
    result("viber", &viber_api, 200, NULL,
           "{\"status\":99,\"status_message\":\"generalError\"}");
    is_int(res.outcome, SC_OUTCOME_RETRY,
           "viber result: a general error is retried");
    result("viber", &viber_api, 200, NULL, "<html>");
    is_int(res.outcome, SC_OUTCOME_RETRY,
           "viber result: a 200 without status is retried");
}


static const sc_api_t  twilio_api = {
    "api.twilio.com", "",
    "AC3e8b7f1c2d4a5b6c7d8e9f0a1b2c3d4e:authtok0123456789", NULL, NULL
};


static void
test_twilio(void)
{
    char                want[256], dec[256];
    long                n;
    sc_api_t            api;
    sc_form_t           form;
    const char         *v;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("twilio", "sms_inbound.form", 0);
    delivery(&d, "twilio", ev, "private", NOW - 60);
    d.text = "R&D = 100% \"fixed\"?\nYes + more";

    is_int(build(&d, &twilio_api, NOW), SC_DELIVER_REQUEST, "twilio: built");
    ok(sane, "twilio: well formed");
    is_str(reqline, "POST /2010-04-01/Accounts/"
           "AC3e8b7f1c2d4a5b6c7d8e9f0a1b2c3d4e/Messages.json HTTP/1.1",
           "twilio: line");
    is_str(hdr("Content-Type"), "application/x-www-form-urlencoded",
           "twilio: a form");

    v = hdr("Authorization");
    ok(strncmp(v, "Basic ", 6) == 0, "twilio: Basic auth");
    n = sc_base64_decode(v + 6, strlen(v + 6), (unsigned char *) dec,
                         sizeof(dec) - 1);
    dec[n > 0 ? n : 0] = '\0';
    is_str(dec, twilio_api.token, "twilio: ... of AccountSid:AuthToken");

    ok(body != NULL && sc_form_parse(body, body_len, &form, 8) == 0,
       "twilio: the body is a form");
    is_str(sc_form_get(&form, "To", NULL), "+14155550123",
           "twilio: To is the customer");
    is_str(sc_form_get(&form, "From", NULL), "+14155550100",
           "twilio: From is the number they wrote to");
    is_str(sc_form_get(&form, "Body", NULL), d.text,
           "twilio: Body round-trips & = %% \" + and a newline");
    sc_form_free(&form);

    ev = fixture("twilio", "whatsapp_inbound.form", 0);
    delivery(&d, "twilio", ev, "private", NOW - 60);
    (void) build(&d, &twilio_api, NOW);
    snprintf(want, sizeof(want), "To=%s&From=%s&Body=",
             "whatsapp%3A%2B5511987654321", "whatsapp%3A%2B14155238886");
    ok(body != NULL && strncmp(body, want, strlen(want)) == 0,
       "twilio whatsapp: whatsapp: addresses both ways");

    d.received_at = NOW - DAY - 1;
    is_int(build(&d, &twilio_api, NOW), SC_DELIVER_SKIP,
           "twilio whatsapp: 24 h later skipped");

    delivery(&d, "twilio", NULL, "private", NOW - 60);
    d.author_id = "+14155550123";
    is_int(build(&d, &twilio_api, NOW), SC_DELIVER_SKIP,
           "twilio without raw or sender: nothing to send from");

    api = twilio_api;
    api.sender = "MG9c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
    is_int(build(&d, &api, NOW), SC_DELIVER_REQUEST,
           "twilio without raw: the messaging service");
    ok(body != NULL && strstr(body, "&MessagingServiceSid="
                                    "MG9c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e&")
                       != NULL,
       "twilio without raw: MessagingServiceSid");

    api.token = "AC3e8b7f1c2d4a5b6c7d8e9f0a1b2c3d4e";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "twilio: a token without AuthToken refused");
    api.token = "AC3e/../x:authtok0123456789";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "twilio: an AccountSid with '/' refused");

    result("twilio", &twilio_api, 201, NULL,
           "{\"sid\":\"SM9f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f\",\"status\":"
           "\"queued\",\"to\":\"+14155550123\"}");
    ok(res.outcome == SC_OUTCOME_SENT
       && strcmp(res.platform_reply_id,
                 "SM9f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f") == 0,
       "twilio result: sid");
    result("twilio", &twilio_api, 400, NULL,
           "{\"code\":21211,\"message\":\"The 'To' number +1 is not a valid "
           "phone number.\",\"more_info\":\"https://www.twilio.com/docs/"
           "errors/21211\",\"status\":400}");
    ok(res.outcome == SC_OUTCOME_FAIL && strstr(res.error, "21211") != NULL,
       "twilio result: 21211 fails");
    result("twilio", &twilio_api, 429, "2",
           "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":"
           "429}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 2,
       "twilio result: 20429 retried");
    result("twilio", &twilio_api, 401, NULL,
           "{\"code\":20003,\"message\":\"Authenticate: authtok0123456789 "
           "QUMzZThiN2YxYzJkNGE1YjZjN2Q4ZTlmMGExYjJjM2Q0ZTphdXRodG9rMDEyMzQ1"
           "Njc4OQ==\",\"status\":401}");
    ok(res.outcome == SC_OUTCOME_FAIL
       && strstr(res.error, "authtok") == NULL
       && strstr(res.error, "QUMzZThi") == NULL,
       "twilio result: AuthToken and Basic credential masked");
}


static const sc_api_t  discord_api = {
    "discord.com", "/api/v10", NULL, NULL, NULL
};


/* a reply that waited in the spool: the interaction's follow-up */
static void
test_discord(void)
{
    json_t             *raw;
    sc_delivery_t       d;
    const sc_event_t   *ev;

    ev = fixture("discord", "command_guild.json", 0);
    delivery(&d, "discord", ev, "public", NOW - 60);

    is_int(build(&d, &discord_api, NOW), SC_DELIVER_REQUEST,
           "discord follow-up: built, without a configured token");
    ok(sane, "discord follow-up: well formed");
    is_str(reqline, "POST /api/v10/webhooks/1234567890123456789/"
           "aW50ZXJhY3Rpb246MTI1MjIxMzEyMzQ1Njc4OTAxMjpzZWNyZXQ HTTP/1.1",
           "discord follow-up: the interaction's webhook");
    is_str(hdr("Authorization"), "", "discord follow-up: no Authorization");
    is_str(body_str("content"), TEXT, "discord follow-up: content");
    is_int(json_integer_value(json_object_get(doc, "flags")), 64,
           "discord follow-up: ephemeral");
    ok(json_is_array(sc_json_path(doc, "allowed_mentions.parse"))
       && json_array_size(sc_json_path(doc, "allowed_mentions.parse")) == 0,
       "discord follow-up: mentions nobody");

    d.received_at = NOW - 15 * 60;
    is_int(build(&d, &discord_api, NOW), SC_DELIVER_SKIP,
           "discord follow-up: 15 minutes later skipped");
    ok(reason != NULL && strstr(reason, "expired") != NULL,
       "discord follow-up: ... the token expired");

    raw = json_deep_copy(d.raw);
    json_object_set_new(raw, "token", json_string("abc/../../users/@me"));
    d.raw = raw;
    d.received_at = NOW - 60;
    is_int(build(&d, &discord_api, NOW), SC_DELIVER_ERROR,
           "discord follow-up: a token that would change the path refused");
    json_decref(raw);

    ev = fixture("discord", "webhook_lobby_message.json", 0);
    delivery(&d, "discord", ev, "private", NOW - 60);
    is_int(build(&d, &discord_api, NOW), SC_DELIVER_SKIP,
           "discord webhook event: skipped (no interaction)");

    is_str(sc_deliver_default_url("discord"), "https://discord.com/api/v10",
           "default URL: discord");
}


static void
test_skips(void)
{
    size_t          i;
    sc_delivery_t   d;
    static const char  *names[] = {
        "zendesk", "intercom", "tiktok", "github", "standard"
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        delivery(&d, names[i], NULL, "public", NOW);
        d.external_id = "1";
        d.author_id = "2";
        is_int(build(&d, &meta_api, NOW), SC_DELIVER_SKIP, "%s: skipped",
               names[i]);
        ok(reason != NULL && strstr(reason, names[i]) != NULL,
           "%s: ... says so", names[i]);
        ok(sc_deliver_default_url(names[i]) == NULL, "%s: no reply API URL",
           names[i]);
    }

    is_str(reason, "standard webhook events are not answered",
           "standard: the reason");


    delivery(&d, "myspace", NULL, "public", NOW);
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR,
           "an unknown platform: error");
    d.platform = NULL;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR, "no platform: error");

    is_str(sc_deliver_default_url("meta"), "https://graph.facebook.com/v25.0",
           "default URL: meta");
    is_str(sc_deliver_default_url("LINE"), "https://api.line.me",
           "default URL: by name, any case");
}


static void
test_hostile(void)
{
    size_t              i;
    sc_api_t            api;
    json_t             *got;
    sc_delivery_t       d;
    static const char  *ids[] = {
        "1/../../me/messages", "1?access_token=stolen", "1#x", "1%2F2",
        "..", "1.2", "1\r\nX-Evil: 1", "1\nHost: evil", "1 HTTP/1.1",
        "", "\xc3\xa9", "1\\2",
        "11111111111111111111111111111111111111111111111111111111111111111"
        "111111111111111111111111111111111111111111111111111111111111111111",
        NULL
    };

    /* ids that would go into a path */
    for (i = 0; ids[i] != NULL; i++) {
        delivery(&d, "meta", NULL, "public", NOW - HOUR);
        d.channel = "facebook";
        d.event_type = "comment";
        d.external_id = ids[i];

        is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR,
               "hostile comment id %zu refused", i);
        ok(req == NULL, "hostile comment id %zu: no request", i);
    }

    /* ids and text that go into JSON: escaped, never in the headers */
    delivery(&d, "meta", NULL, "private", NOW - HOUR);
    d.channel = "messenger";
    d.event_type = "message";
    d.thread_id = "69\"72\r\nX-Evil: 1\\";
    d.text = HOSTILE;

    is_int(build(&d, &meta_api, NOW), SC_DELIVER_REQUEST,
           "hostile DM: built");
    ok(sane, "hostile DM: header block intact");
    ok(strstr(head, "X-Injected") == NULL && strstr(head, "X-Evil") == NULL,
       "hostile DM: nothing injected into the headers");
    is_str(body_str("message.text"), HOSTILE,
           "hostile DM: the text round-trips through JSON");
    is_str(body_str("recipient.id"), "69\"72\r\nX-Evil: 1\\",
           "hostile DM: the id round-trips through JSON");

    got = json_loadb(body, body_len, 0, NULL);
    ok(got != NULL && memchr(body, '\n', body_len) == NULL,
       "hostile DM: the body is one line of JSON");
    json_decref(got);

    d.text = "bad \xc3\x28 utf-8";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR,
           "text that is not UTF-8: error");
    is_str(reason, "the reply text is not UTF-8", "... why");
    d.text = "overlong \xc0\xaf slash";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR,
           "an overlong '/' is not UTF-8");
    d.text = "";
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR, "empty text: error");
    d.text = NULL;
    is_int(build(&d, &meta_api, NOW), SC_DELIVER_ERROR, "no text: error");

    /* the configuration goes into the request line and headers too */
    d.text = TEXT;
    api = meta_api;
    api.host = "graph.facebook.com\r\nX-Evil: 1";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: host with CRLF");
    api.host = "";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: no host");
    api.host = "127.0.0.1:8099";
    api.base_path = "v25.0";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR,
           "api: base path without '/'");
    api.base_path = "/v25.0 HTTP/1.0\r\n";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: base path with CRLF");
    api.base_path = "/v25.0?x=1";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: base path with '?'");
    api.base_path = "/v25.0";
    api.token = "EAAG\r\nX-Evil: 1";
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: token with CRLF");
    api.token = NULL;
    is_int(build(&d, &api, NOW), SC_DELIVER_ERROR, "api: no token");
    api.token = "EAAG";
    is_int(build(&d, &api, NOW), SC_DELIVER_REQUEST, "api: local host");
    is_str(hdr("Host"), "127.0.0.1:8099", "api: ... the port in Host");
}


static void
test_status_rules(void)
{
    result("meta", NULL, 408, NULL, NULL);
    is_int(res.outcome, SC_OUTCOME_RETRY, "status: 408 retried");
    result("x", NULL, 404, "10", NULL);
    ok(res.outcome == SC_OUTCOME_FAIL && res.retry_after == 0,
       "status: 404 fails, no wait");
    result("line", NULL, 302, NULL, NULL);
    is_int(res.outcome, SC_OUTCOME_FAIL, "status: 302 fails");
    result("twilio", NULL, 0, NULL, NULL);
    is_int(res.outcome, SC_OUTCOME_RETRY, "status: none retried");
    result("viber", NULL, 999, NULL, NULL);
    is_int(res.outcome, SC_OUTCOME_RETRY, "status: out of range retried");
    result("slack", NULL, 429, "Mon, 10 Jun 2024 17:25:00 GMT", NULL);
    ok(res.outcome == SC_OUTCOME_RETRY && res.retry_after == 300,
       "status: Retry-After as an HTTP-date");
    result("x", NULL, 503, "99999999", NULL);
    is_int(res.retry_after, SC_DELIVER_RETRY_MAX,
           "status: Retry-After capped");
    result("nowhere", NULL, 201, NULL, "{}");
    is_int(res.outcome, SC_OUTCOME_SENT, "status: an unknown platform's 2xx");
    result("nowhere", NULL, 500, NULL, "{}");
    ok(res.outcome == SC_OUTCOME_RETRY && res.error[0] != '\0',
       "status: an unknown platform's 500");
}


/* the Standard Webhooks reference vector, and an independent HMAC */
static void
test_sign(void)
{
    char           sig[SC_DELIVER_SIG_SIZE], want[SC_DELIVER_SIG_SIZE];
    unsigned int   n;
    unsigned char  mac[EVP_MAX_MD_SIZE];
    static const char  key[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static const char  raw[] = "a plain secret, not base64!";
    static const char  msg[] = "msg_1.1718040000.{\"a\":1}";

    is_int(sc_deliver_webhook_sign((const unsigned char *) key,
                                   sizeof(key) - 1,
                                   "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                   "1614265330", "{\"test\": 2432232314}",
                                   20, sig),
           0, "sign: the reference vector");
    is_str(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
           "sign: ... matches");

    is_int(sc_deliver_webhook_sign((const unsigned char *) raw,
                                   sizeof(raw) - 1, "msg_1", "1718040000",
                                   "{\"a\":1}", 7, sig),
           0, "sign: a raw secret");

    HMAC(EVP_sha256(), raw, (int) sizeof(raw) - 1,
         (const unsigned char *) msg, sizeof(msg) - 1, mac, &n);
    memcpy(want, "v1,", 3);
    EVP_EncodeBlock((unsigned char *) want + 3, mac, (int) n);
    is_str(sig, want, "sign: a raw secret is used as its bytes");

    is_int(sc_deliver_webhook_sign((const unsigned char *) "whsec_not b64!",
                                   14, "msg_1", "1", "{}", 2, sig),
           -1, "sign: a whsec_ secret that is not base64");
}


static json_t *
escalation(const char *text, double received_at)
{
    return json_pack("{s:i, s:i, s:s, s:s, s:s, s:{s:i, s:s, s:s, s:s, s:s,"
                     " s:s, s:s, s:s, s:s, s:f, s:i, s:[s], s:s, s:f}}",
                     "escalation_id", 42,
                     "level", 2,
                     "reason", "sla_breached",
                     "target", "team lead",
                     "deadline", "2024-06-10T17:30:00Z",
                     "event",
                     "id", 7,
                     "platform", "meta",
                     "channel", "messenger",
                     "external_id", "m_1",
                     "thread_id", "6972318462817403",
                     "author_handle", "dana.w",
                     "author_name", "Dana Whitfield",
                     "text", text,
                     "category", "complaint",
                     "sentiment", -0.8,
                     "priority", 1,
                     "topics", "atm",
                     "team", "cards",
                     "received_at", received_at);
}


static void
test_notify(void)
{
    char            text[1024];
    size_t          i, n;
    json_t         *p;
    const char     *t, *q, *end;
    sc_header_t     h[3];
    sc_secret_t     secret;
    sc_request_t    rq;
    sc_deliver_rc_e rc;
    sc_verify_conf_t  vc;
    static const char  key[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    p = escalation("My card was charged twice &\nnobody   answers "
                   "<!channel>", NOW - 960);

    free(req);
    req = NULL;
    rc = sc_deliver_notify("escalation", p, "esc-42",
                           "hooks.example.com:8443", "/hooks/care?team=cards",
                           (const unsigned char *) key, sizeof(key) - 1, NOW,
                           &req, &req_len);
    take_apart();

    is_int(rc, SC_DELIVER_REQUEST, "notify: built");
    ok(sane, "notify: well formed");
    is_str(reqline, "POST /hooks/care?team=cards HTTP/1.1", "notify: line");
    is_str(hdr("Host"), "hooks.example.com:8443", "notify: Host");
    is_str(hdr("Content-Type"), "application/json", "notify: Content-Type");
    is_str(hdr("webhook-id"), "msg_esc-42", "notify: webhook-id");
    is_str(hdr("webhook-timestamp"), "1718040000", "notify: timestamp");
    is_str(body_str("type"), "escalation", "notify: type");
    is_str(body_str("text"),
           ":rotating_light: P1 complaint on meta (atm) waiting 16 min: "
           "\"My card was charged twice &amp; nobody answers "
           "&lt;!channel&gt;\" \xe2\x80\x94 level 2 team lead",
           "notify: the Slack line, escaped, one line");
    is_int(json_integer_value(json_object_get(doc, "escalation_id")), 42,
           "notify: the payload's fields follow");
    is_str(body_str("event.author_name"), "Dana Whitfield",
           "notify: ... the event whole");
    t = body_str("text");
    ok(t != NULL && strstr(t, "Dana") == NULL && strstr(t, "dana") == NULL,
       "notify: the line names no author");

    /* the signature, checked by the intake's own verifier */
    memset(&rq, 0, sizeof(rq));
    memset(&vc, 0, sizeof(vc));
    secret.data = (const unsigned char *) key;
    secret.len = sizeof(key) - 1;
    vc.secrets = &secret;
    vc.nsecrets = 1;
    vc.max_skew = 300;

    h[0].name = "webhook-id";
    h[1].name = "webhook-timestamp";
    h[2].name = "webhook-signature";

    for (i = 0; i < 3; i++) {
        h[i].name_len = strlen(h[i].name);
        h[i].value = strdup(hdr(h[i].name));
        h[i].value_len = strlen(h[i].value);
    }

    rq.headers = h;
    rq.nheaders = 3;
    rq.body = (const unsigned char *) body;
    rq.body_len = body_len;
    rq.now = (int64_t) NOW + 10;

    is_int(sc_verify_standard(&vc, &rq), SC_VERIFY_OK,
           "notify: sc_verify_standard accepts the signature");

    rq.body_len--;
    is_int(sc_verify_standard(&vc, &rq), SC_VERIFY_MISMATCH,
           "notify: ... and refuses a changed body");

    for (i = 0; i < 3; i++) {
        free((char *) h[i].value);
    }

    /* no secret: no signature */
    free(req);
    req = NULL;
    (void) sc_deliver_notify("escalation", p, "msg_x1", "h", "/", NULL, 0,
                             NOW, &req, &req_len);
    take_apart();
    is_str(hdr("webhook-signature"), "", "notify: no secret, no signature");
    is_str(hdr("webhook-id"), "msg_x1", "notify: a msg_ id kept as it is");
    json_decref(p);

    /* a long text: cut at a word, the tail whole, 300 bytes at most */
    text[0] = '\0';
    for (i = 0; i < 60; i++) {
        strcat(text, "blocked ");
    }
    strcat(text, "end");

    p = escalation(text, NOW - 60);
    free(req);
    req = NULL;
    (void) sc_deliver_notify("escalation", p, "1", "h", "/", NULL, 0, NOW,
                             &req, &req_len);
    take_apart();
    json_decref(p);

    t = body_str("text");
    n = t ? strlen(t) : 0;
    ok(n > 200 && n <= SC_DELIVER_NOTIFY_TEXT,
       "notify: a long text fits 300 bytes (%zu)", n);
    end = t ? strstr(t, "\xe2\x80\xa6\" \xe2\x80\x94 level 2 team lead")
            : NULL;
    ok(end != NULL && end[-1] == 'd' && end[-2] == 'e',
       "notify: cut after a whole word, an ellipsis, the tail whole");
    q = t ? strchr(t, '"') : NULL;
    ok(q != NULL && strncmp(q + 1, "blocked blocked", 15) == 0,
       "notify: the quote starts at the text's start");
    ok(t != NULL && strstr(t, "waiting 1 min") != NULL,
       "notify: waiting a minute");

    /* a crisis */
    p = json_pack("{s:i, s:s, s:i, s:f, s:i, s:s}", "crisis_id", 3,
                  "topic", "atm", "events", 42, "baseline", 3.0,
                  "window_seconds", 900, "opened_at", "2024-06-10T17:05:00Z");
    free(req);
    req = NULL;
    rc = sc_deliver_notify("crisis", p, "crisis-3", "h", "/c", NULL, 0, NOW,
                           &req, &req_len);
    take_apart();
    is_int(rc, SC_DELIVER_REQUEST, "crisis: built");
    is_str(body_str("text"), ":fire: crisis on atm: 42 events in 15 min "
           "(baseline 3)", "crisis: the line");
    is_str(body_str("type"), "crisis", "crisis: type");
    is_int(json_integer_value(json_object_get(doc, "events")), 42,
           "crisis: the payload follows");

    json_object_set_new(p, "baseline", json_real(2.5));
    free(req);
    req = NULL;
    (void) sc_deliver_notify("crisis", p, "crisis-3", "h", "/c", NULL, 0, NOW,
                             &req, &req_len);
    take_apart();
    is_str(body_str("text"), ":fire: crisis on atm: 42 events in 15 min "
           "(baseline 2.5)", "crisis: a fractional baseline");

    /* what is refused */
    free(req);
    req = NULL;
    is_int(sc_deliver_notify("crisis", p, "1\r\nX: y", "h", "/", NULL, 0, NOW,
                             &req, &req_len),
           SC_DELIVER_ERROR, "notify: an id with CRLF");
    is_int(sc_deliver_notify("crisis", p, "1", "h\r\nX: y", "/", NULL, 0,
                             NOW, &req, &req_len),
           SC_DELIVER_ERROR, "notify: a host with CRLF");
    is_int(sc_deliver_notify("crisis", p, "1", "h", "hooks", NULL, 0, NOW,
                             &req, &req_len),
           SC_DELIVER_ERROR, "notify: a path without '/'");
    is_int(sc_deliver_notify("crisis", p, "1", "h", "/a b", NULL, 0, NOW,
                             &req, &req_len),
           SC_DELIVER_ERROR, "notify: a path with a space");
    is_int(sc_deliver_notify("digest", p, "1", "h", "/", NULL, 0, NOW, &req,
                             &req_len),
           SC_DELIVER_ERROR, "notify: an unknown type");
    is_int(sc_deliver_notify("crisis", p, "1", "h", "/",
                             (const unsigned char *) "whsec_***", 9, NOW,
                             &req, &req_len),
           SC_DELIVER_ERROR, "notify: a whsec_ secret that is not base64");
    ok(req == NULL, "notify: no request when refused");
    json_decref(p);
}


int
main(void)
{
    sc_events_init(&evs);

    test_meta();
    test_meta_results();
    test_x();
    test_slack();
    test_telegram();
    test_line();
    test_viber();
    test_twilio();
    test_discord();
    test_skips();
    test_hostile();
    test_status_rules();
    test_sign();
    test_notify();

    sc_events_free(&evs);
    free(req);
    json_decref(doc);

    return done_testing();
}
