/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_viber.c: replies through the Viber REST Bot API's
 * send_message, authenticated by X-Viber-Auth-Token, with the sender
 * name Viber requires.  From what sc_platform_viber.c stored: author_id
 * (= thread_id) is the user's id.  Viber answers 200 whatever happened
 * and says in "status" (0 ok, 12 rate control breach, ...).
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


#define SC_VIBER_TOO_MANY    12         /* tooManyRequests */
#define SC_VIBER_LAST_CODE   24         /* beyond: "generalError" */


static int sc_deliver_viber_token(sc_deliver_result_t *r, const char *body,
    size_t len);


sc_deliver_rc_e
sc_deliver_viber_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    const char  *to;

    (void) now;

    if (sc_deliver_str(api->sender) == NULL) {
        return sc_dreq_error(q, "viber needs a sender name");
    }

    to = sc_deliver_str(d->author_id);
    if (to == NULL) {
        to = sc_deliver_str(d->thread_id);
    }

    if (to == NULL) {
        return sc_dreq_skip(q, "no recipient to reply to");
    }

    if (sc_dreq_path(q, "/send_message") != 0
        || sc_dreq_header(q, "X-Viber-Auth-Token", "%s", api->token) != 0
        || sc_dreq_json(q, json_pack("{s:s, s:i, s:{s:s}, s:s, s:s}",
                                     "receiver", to,
                                     "min_api_version", 1,
                                     "sender", "name", api->sender,
                                     "type", "text",
                                     "text", d->text))
           != 0)
    {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}


/*
 * {"status":0,"status_message":"ok","message_token":5741311803571721087,
 * "chat_hostname":"SN-CHAT-05_"}; an error {"status":6,"status_message":
 * "receiverNotSubscribed"}.
 */
int
sc_deliver_viber_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    json_t       *v;
    double        code;
    const char   *msg;

    v = json_object_get(doc, "status");

    if (!json_is_number(v)) {
        if (status >= 200 && status <= 299) {
            sc_dres_set(r, SC_OUTCOME_RETRY, "viber answered HTTP %d "
                        "without a status", status);
            return 1;
        }

        *message = NULL;
        return 0;
    }

    code = json_number_value(v);
    msg = sc_json_str(doc, "status_message");

    if (msg == NULL) {
        msg = "no status_message";
    }

    if (code == 0) {
        r->outcome = SC_OUTCOME_SENT;

        if (!sc_dres_id(r, json_object_get(doc, "message_token"))) {
            (void) sc_deliver_viber_token(r, body, len);
        }

        return 1;
    }

    sc_dres_set(r, (code == SC_VIBER_TOO_MANY || code < 0
                    || code > SC_VIBER_LAST_CODE || status >= 500)
                   ? SC_OUTCOME_RETRY : SC_OUTCOME_FAIL,
                "viber error %.0f: %s", code, msg);

    return 1;
}


/*
 * message_token is an unsigned 64-bit number that jansson may have read
 * as a double (JSON_DECODE_INT_AS_REAL, sc_deliver.c): its digits are
 * taken from the body as they are.
 */
static int
sc_deliver_viber_token(sc_deliver_result_t *r, const char *body,
    size_t len)
{
    size_t       n;
    const char  *p, *end, *key;

    if (body == NULL) {
        return 0;
    }

    end = body + len;
    key = "\"message_token\"";

    for (p = body; (size_t) (end - p) > strlen(key); p++) {
        if (memcmp(p, key, strlen(key)) != 0) {
            continue;
        }

        p += strlen(key);

        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n'
                           || *p == '\r' || *p == ':'))
        {
            p++;
        }

        for (n = 0; p + n < end && p[n] >= '0' && p[n] <= '9'; n++) {
            /* void */
        }

        if (n == 0 || n >= sizeof(r->platform_reply_id)) {
            return 0;
        }

        memcpy(r->platform_reply_id, p, n);
        r->platform_reply_id[n] = '\0';

        return 1;
    }

    return 0;
}
