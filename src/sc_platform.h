/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform.h: webhook body -> normalized events, one parser per
 * platform.  Pure C, no nginx types.
 */

#ifndef _SC_PLATFORM_H_INCLUDED_
#define _SC_PLATFORM_H_INCLUDED_


#include <stddef.h>

#include "sc_event.h"
#include "sc_request.h"
#include "sc_verify.h"
#include "sc_reply.h"


/*
 * One platform: its handshake, signature scheme, normalizer and, where the
 * platform reads a reply from the webhook answer, that answer.  The nginx
 * glue only calls these; every platform is one sc_platform_<name>.c file
 * defining one of these descriptors.
 */

typedef struct {
    const char       *name;            /* the social_care directive value */

    /*
     * A GET handshake (Meta hub.challenge, X crc_token): fills answer and
     * returns 1; returns 0 when the GET is none of the platform's.  NULL:
     * the platform has no GET handshake (GET answers 405).
     */
    int             (*handshake)(const sc_verify_conf_t *vc,
                                 const sc_request_t *rq, sc_answer_t *answer);

    /* the signature check of a POST over rq->body (and headers, URL) */
    sc_verify_rc_e  (*verify)(const sc_verify_conf_t *vc,
                              const sc_request_t *rq);

    /*
     * Events from a verified POST.  "out" is initialized by the caller and
     * freed by the caller in every case.  A POST that is a handshake or a
     * ping (Slack url_verification, Discord PING, Viber "webhook", ...)
     * sets answer (status, type, body) and yields no events: it is
     * answered as the platform specifies and not stored.  err gets a short
     * sentence for a 400 answer.
     */
    sc_parse_rc_e   (*parse)(const sc_request_t *rq, sc_events_t *out,
                             sc_answer_t *answer, char *err, size_t errlen);

    /*
     * The answer in the platform's own format, carrying the holding reply
     * (Telegram method call, Twilio TwiML, Discord interaction response),
     * after the events are stored; replies[i].text is NULL for events that
     * get no reply (duplicates included).  Returns 1 when it set answer,
     * 0 for the module's default JSON answer.  NULL: always the default.
     */
    int             (*inline_answer)(const sc_events_t *evs,
                                     const sc_reply_t *replies,
                                     sc_answer_t *answer);

    unsigned          reply_inline:1;  /* holding replies go in the answer */
    unsigned          public_keys:1;   /* secrets are Ed25519 public keys,
                                          hex in social_care_public_key_file */
    unsigned          signs_url:1;     /* the scheme covers the public URL */
} sc_platform_t;


/* by directive value, case-insensitive; NULL when unknown */
const sc_platform_t *sc_platform_find(const char *name, size_t len);

/* the table, for counters kept per platform */
#define SC_PLATFORMS_MAX  16

size_t sc_platform_count(void);
const sc_platform_t *sc_platform_at(size_t i);
size_t sc_platform_index(const sc_platform_t *p);

/* "meta, x, slack, ..." for error messages */
const char *sc_platform_names(void);


/*
 * Meta Graph API webhooks: Messenger, Instagram (DMs, comments, mentions),
 * WhatsApp Cloud API and Page feed changes.
 *
 * "out" is (re)initialized here; the caller calls sc_events_free(out) in
 * every case (it is harmless after a failure).  On failure "err" gets a
 * short sentence for the 400 answer; it never quotes the body beyond what
 * jansson reports about the position of a syntax error.
 */
sc_parse_rc_e sc_platform_meta_parse(const char *body, size_t len,
    sc_events_t *out, char *err, size_t errlen);


#endif /* _SC_PLATFORM_H_INCLUDED_ */
