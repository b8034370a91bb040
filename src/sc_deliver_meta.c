/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_meta.c: replies through Meta's Graph API: the Messenger and
 * Instagram Send API (DMs and private replies to comments and posts),
 * Page comment replies, Instagram comment replies and the WhatsApp Cloud
 * API.  What sc_platform_meta.c stored addresses them:
 *
 *   messenger, instagram DMs   thread_id (the customer's PSID / IGSID)
 *   facebook comment, post     external_id (comment_id or post_id)
 *   instagram comment          external_id (the comment id)
 *   whatsapp                   thread_id (wa_id), external_id (wamid),
 *                              the phone number id from raw or api
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


static sc_deliver_rc_e sc_deliver_meta_whatsapp(const sc_delivery_t *d,
    const sc_api_t *api, double age, sc_dreq_t *q);
static int sc_deliver_meta_retry(json_int_t code);


/* the Graph codes that mean "later": throttling and transient failures */
static const json_int_t  sc_deliver_meta_retry_codes[] = {
    1,          /* unknown error, "retry your request later" */
    2,          /* service temporarily unavailable */
    4,          /* application request limit */
    17,         /* user request limit */
    32,         /* page request limit */
    341,        /* application limit */
    613,        /* calls exceed the rate limit */
    130429,     /* WhatsApp: throughput rate limit */
    131000,     /* WhatsApp: something went wrong */
    131016,     /* WhatsApp: service unavailable */
    131048,     /* WhatsApp: spam rate limit */
    131056,     /* WhatsApp: pair rate limit */
    133004,     /* WhatsApp: server temporarily unavailable */
    0
};


sc_deliver_rc_e
sc_deliver_meta_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    json_t      *body;
    double       age;
    const char  *type, *channel, *to, *key;

    type = d->event_type ? d->event_type : "";
    channel = d->channel ? d->channel : "";

    /* an unknown receipt time opens no window: the API will say */
    age = (d->received_at > 0) ? now - d->received_at : 0;

    if (strcmp(channel, "whatsapp") == 0) {
        return sc_deliver_meta_whatsapp(d, api, age, q);
    }

    if (strcmp(type, "mention") == 0) {
        return sc_dreq_skip(q, "instagram mentions are answered through "
                            "/<ig-user-id>/mentions, and the event does not "
                            "keep the account id");
    }

    if (sc_dreq_header(q, "Authorization", "Bearer %s", api->token) != 0) {
        return SC_DELIVER_ERROR;
    }

    if (strcmp(type, "comment") == 0 || strcmp(type, "post") == 0) {

        if (!sc_deliver_private(d)) {
            if (sc_dreq_path(q, "/") != 0
                || sc_dreq_seg(q, d->external_id, NULL,
                               "the comment id is not a Graph API id") != 0
                || sc_dreq_path(q, strcmp(channel, "instagram") == 0
                                   ? "/replies" : "/comments") != 0
                || sc_dreq_json(q, json_pack("{s:s}", "message", d->text))
                   != 0)
            {
                return SC_DELIVER_ERROR;
            }

            return SC_DELIVER_REQUEST;
        }

        /* Private Replies: one message, within 7 days of the comment */
        if (age > SC_DELIVER_META_PRIVATE) {
            return sc_dreq_skip(q, "meta private reply window (7 days) "
                                "closed");
        }

        if (sc_deliver_str(d->external_id) == NULL) {
            return sc_dreq_skip(q, "no comment or post to reply to");
        }

        key = (strcmp(type, "post") == 0) ? "post_id" : "comment_id";

        body = json_pack("{s:{s:s}, s:{s:s}}", "recipient", key,
                         d->external_id, "message", "text", d->text);

    } else {
        if (age > SC_DELIVER_META_WINDOW) {
            return sc_dreq_skip(q, "meta 24-hour messaging window closed");
        }

        /* thread_id is the customer's, whoever wrote; author_id may not */
        to = sc_deliver_str(d->thread_id);
        if (to == NULL) {
            to = sc_deliver_str(d->author_id);
        }

        if (to == NULL) {
            return sc_dreq_skip(q, "no recipient to reply to");
        }

        body = json_pack("{s:{s:s}, s:s, s:{s:s}}", "recipient", "id", to,
                         "messaging_type", "RESPONSE", "message", "text",
                         d->text);
    }

    /* the body first: it is consumed whatever happens next */
    if (sc_dreq_json(q, body) != 0 || sc_dreq_path(q, "/me/messages") != 0) {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}


static sc_deliver_rc_e
sc_deliver_meta_whatsapp(const sc_delivery_t *d, const sc_api_t *api,
    double age, sc_dreq_t *q)
{
    json_t      *body, *context;
    const char  *to, *number;

    /* outside the customer service window only templates may be sent */
    if (age > SC_DELIVER_META_WINDOW) {
        return sc_dreq_skip(q, "meta 24-hour messaging window closed");
    }

    to = sc_deliver_str(d->thread_id);
    if (to == NULL) {
        to = sc_deliver_str(d->author_id);
    }

    if (to == NULL) {
        return sc_dreq_skip(q, "no recipient to reply to");
    }

    number = sc_json_path_str(d->raw, "metadata.phone_number_id");
    if (number == NULL) {
        number = sc_json_str(d->raw, "phone_number_id");
    }

    if (number == NULL) {
        number = sc_deliver_str(api->account);
    }

    if (number == NULL) {
        return sc_dreq_error(q, "whatsapp phone_number_id unknown: not in "
                             "the event's raw and no account configured");
    }

    if (sc_dreq_path(q, "/") != 0
        || sc_dreq_seg(q, number, NULL,
                       "the whatsapp phone_number_id is not a Graph API id")
           != 0
        || sc_dreq_path(q, "/messages") != 0
        || sc_dreq_header(q, "Authorization", "Bearer %s", api->token) != 0)
    {
        return SC_DELIVER_ERROR;
    }

    /*
     * A customer with a WhatsApp username may come without a phone number,
     * named by a business-scoped user id ("GB.1392..."): such an id goes
     * in "recipient", a phone number (digits only) in "to".
     */
    body = json_pack("{s:s, s:s, s:s, s:s, s:{s:b, s:s}}",
                     "messaging_product", "whatsapp",
                     "recipient_type", "individual",
                     strchr(to, '.') ? "recipient" : "to", to,
                     "type", "text",
                     "text", "preview_url", 0, "body", d->text);

    /* quote the customer's message, which a wamid names */
    if (body != NULL && d->external_id != NULL
        && strncmp(d->external_id, "wamid.", 6) == 0)
    {
        context = json_pack("{s:s}", "message_id", d->external_id);

        if (context == NULL
            || json_object_set_new(body, "context", context) != 0)
        {
            json_decref(body);
            body = NULL;
        }
    }

    return (sc_dreq_json(q, body) == 0) ? SC_DELIVER_REQUEST
                                         : SC_DELIVER_ERROR;
}


/*
 * {"error":{"message","type","code","error_subcode","is_transient",
 * "error_data":{"details"}}} whatever the status (throttling comes as
 * 400 or 403); a success: {"recipient_id","message_id"}, {"id"} or
 * WhatsApp's {"messages":[{"id"}]}.
 */
int
sc_deliver_meta_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    json_t       *err;
    json_int_t    code, subcode;
    const char   *msg, *details;

    (void) body;
    (void) len;

    err = json_object_get(doc, "error");

    if (json_is_object(err)) {
        code = json_integer_value(json_object_get(err, "code"));
        subcode = json_integer_value(json_object_get(err, "error_subcode"));

        msg = sc_json_str(err, "message");
        details = sc_json_path_str(err, "error_data.details");

        if (msg == NULL) {
            msg = "";
        }

        if (code == 131047 || (code == 10 && subcode == 2018278)) {
            sc_dres_set(r, SC_OUTCOME_FAIL, "meta 24-hour messaging window "
                        "closed: %s", msg);
            return 1;
        }

        sc_dres_set(r, (sc_deliver_meta_retry(code)
                        || json_is_true(json_object_get(err, "is_transient"))
                        || status >= 500 || status == 429)
                       ? SC_OUTCOME_RETRY : SC_OUTCOME_FAIL,
                    "meta error %" JSON_INTEGER_FORMAT "/%"
                    JSON_INTEGER_FORMAT " (HTTP %d): %s%s%s",
                    code, subcode, status, msg, details ? ": " : "",
                    details ? details : "");
        return 1;
    }

    if (status < 200 || status > 299) {
        *message = NULL;
        return 0;
    }

    r->outcome = SC_OUTCOME_SENT;

    if (!sc_dres_id(r, json_object_get(doc, "message_id"))
        && !sc_dres_id(r, json_object_get(doc, "id")))
    {
        (void) sc_dres_id(r, json_object_get(json_array_get(
                                 json_object_get(doc, "messages"), 0), "id"));
    }

    return 1;
}


static int
sc_deliver_meta_retry(json_int_t code)
{
    const json_int_t  *c;

    /* business use case rate limits */
    if (code >= 80001 && code <= 80014) {
        return 1;
    }

    for (c = sc_deliver_meta_retry_codes; *c != 0; c++) {
        if (*c == code) {
            return 1;
        }
    }

    return 0;
}
