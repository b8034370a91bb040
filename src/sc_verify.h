/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_verify.h: webhook signature schemes.  Pure C and OpenSSL: no nginx
 * types, so unit tests and fuzzers call it directly.
 */

#ifndef _SC_VERIFY_H_INCLUDED_
#define _SC_VERIFY_H_INCLUDED_


#include <stddef.h>


typedef struct {
    const unsigned char  *data;
    size_t                len;
} sc_secret_t;


typedef enum {
    SC_VERIFY_OK = 0,
    SC_VERIFY_MISSING,      /* no signature header */
    SC_VERIFY_MALFORMED,    /* header present, not in the scheme's format */
    SC_VERIFY_MISMATCH,     /* well formed, no configured secret matches */
    SC_VERIFY_ERROR         /* OpenSSL failed */
} sc_verify_rc_e;


/* a stable machine-readable reason: "ok", "signature_missing", ... */
const char *sc_verify_reason(sc_verify_rc_e rc);

/*
 * Meta (Messenger, Instagram, WhatsApp): X-Hub-Signature-256 is
 * "sha256=" + hex(HMAC-SHA256(app secret, raw body)).  Every secret is
 * tried (rotation); header may be NULL when absent.
 */
sc_verify_rc_e sc_verify_meta(const sc_secret_t *secrets, size_t nsecrets,
    const char *header, size_t header_len, const unsigned char *body,
    size_t body_len);

/*
 * Generic "<prefix>" + hex(HMAC(md, secret, body)) check, md being
 * "sha256" or "sha1"; Meta, GitHub and Intercom are instances of it.
 */
sc_verify_rc_e sc_verify_hmac_hex(const char *md, const char *prefix,
    const sc_secret_t *secrets, size_t nsecrets, const char *header,
    size_t header_len, const unsigned char *body, size_t body_len);

/* constant-time equality of a configured token and a presented one */
int sc_verify_token_equal(const sc_secret_t *token, const char *got,
    size_t got_len);

/* hex to bytes, either case; returns bytes written or -1 */
long sc_hex_decode(const char *hex, size_t len, unsigned char *out,
    size_t out_size);


#endif /* _SC_VERIFY_H_INCLUDED_ */
