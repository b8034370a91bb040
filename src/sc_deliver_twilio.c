/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_twilio.c: replies through Twilio's Messages resource (SMS,
 * MMS, WhatsApp), a form POST with Basic auth "AccountSid:AuthToken".
 * The reply goes back the way the message came: To is the customer's
 * From, From the number the customer wrote to (raw "To").  The holding
 * reply rides in the webhook answer as TwiML (sc_platform_twilio.c);
 * later replies come here.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdlib.h>
#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"
#include "sc_verify.h"


#define SC_TWILIO_SID_MAX    64
#define SC_TWILIO_RATE       20429      /* Too Many Requests */


static size_t sc_deliver_form(char *out, const char *name, const char *v);


sc_deliver_rc_e
sc_deliver_twilio_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    char         sid[SC_TWILIO_SID_MAX + 1], *b64, *p;
    size_t       n, size;
    const char  *colon, *to, *from, *from_name;

    colon = strchr(api->token, ':');
    n = colon ? (size_t) (colon - api->token) : 0;

    if (n == 0 || n > SC_TWILIO_SID_MAX || colon[1] == '\0') {
        return sc_dreq_error(q, "the twilio token is not "
                             "\"AccountSid:AuthToken\"");
    }

    memcpy(sid, api->token, n);
    sid[n] = '\0';

    /* a WhatsApp session closes 24 hours after the customer's message */
    if (d->channel != NULL && strcmp(d->channel, "whatsapp") == 0
        && d->received_at > 0 && now - d->received_at > SC_DELIVER_META_WINDOW)
    {
        return sc_dreq_skip(q, "twilio whatsapp 24-hour session window "
                            "closed");
    }

    to = sc_json_str(d->raw, "From");
    if (to == NULL) {
        to = sc_deliver_str(d->author_id);
    }

    if (to == NULL) {
        to = sc_deliver_str(d->thread_id);
    }

    if (to == NULL || to[0] == '\0') {
        return sc_dreq_skip(q, "no recipient to reply to");
    }

    from = sc_json_str(d->raw, "To");
    from_name = "From";

    if (from == NULL || from[0] == '\0') {
        from = sc_deliver_str(api->sender);

        if (from != NULL && strncmp(from, "MG", 2) == 0) {
            from_name = "MessagingServiceSid";
        }
    }

    if (from == NULL) {
        return sc_dreq_skip(q, "twilio: no number to send from (raw To or "
                            "a sender)");
    }

    if (sc_dreq_path(q, "/2010-04-01/Accounts/") != 0
        || sc_dreq_seg(q, sid, NULL, "the twilio AccountSid is not "
                       "alphanumeric") != 0
        || sc_dreq_path(q, "/Messages.json") != 0)
    {
        return SC_DELIVER_ERROR;
    }

    /* every byte may become "%XX" */
    size = 3 * (strlen(to) + strlen(from) + strlen(d->text)) + 64;

    q->body = malloc(size);
    if (q->body == NULL) {
        return sc_dreq_error(q, "out of memory");
    }

    p = q->body;
    p += sc_deliver_form(p, "To", to);
    *p++ = '&';
    p += sc_deliver_form(p, from_name, from);
    *p++ = '&';
    p += sc_deliver_form(p, "Body", d->text);
    *p = '\0';

    q->body_len = (size_t) (p - q->body);
    q->content_type = SC_DREQ_FORM;

    n = strlen(api->token);

    b64 = malloc(4 * ((n + 2) / 3) + 1);
    if (b64 == NULL) {
        return sc_dreq_error(q, "out of memory");
    }

    sc_base64_encode((const unsigned char *) api->token, n, b64);

    if (sc_dreq_header(q, "Authorization", "Basic %s", b64) != 0) {
        free(b64);
        return SC_DELIVER_ERROR;
    }

    free(b64);

    return SC_DELIVER_REQUEST;
}


/* name=value, the value percent-encoded (space as '+'); returns length */
static size_t
sc_deliver_form(char *out, const char *name, const char *v)
{
    char                  *p;
    unsigned char          c;
    static const char      hex[] = "0123456789ABCDEF";

    p = out;

    memcpy(p, name, strlen(name));
    p += strlen(name);
    *p++ = '=';

    for ( /* void */ ; *v != '\0'; v++) {
        c = (unsigned char) *v;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            *p++ = (char) c;

        } else if (c == ' ') {
            *p++ = '+';

        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0x0f];
        }
    }

    return (size_t) (p - out);
}


/*
 * 201 {"sid":"SM..","status":"queued",...}; errors {"code":21211,
 * "message":"The 'To' number ... is not a valid phone number.",
 * "more_info":"https://www.twilio.com/docs/errors/21211","status":400}.
 */
int
sc_deliver_twilio_result(int status, json_t *doc, const char *body,
    size_t len, sc_deliver_result_t *r, const char **message)
{
    json_int_t   code;
    const char  *msg;

    (void) body;
    (void) len;

    if (status >= 200 && status <= 299) {
        r->outcome = SC_OUTCOME_SENT;
        (void) sc_dres_id(r, json_object_get(doc, "sid"));
        return 1;
    }

    msg = sc_json_str(doc, "message");
    code = json_integer_value(json_object_get(doc, "code"));

    if (msg == NULL) {
        *message = NULL;
        return 0;
    }

    sc_dres_set(r, (code == SC_TWILIO_RATE || status == 429
                    || status == 408 || status >= 500)
                   ? SC_OUTCOME_RETRY : SC_OUTCOME_FAIL,
                "twilio error %" JSON_INTEGER_FORMAT " (HTTP %d): %s", code,
                status, msg);

    return 1;
}
