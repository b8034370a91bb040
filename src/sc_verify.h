/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_verify.h: webhook signature schemes.  Pure C and OpenSSL: no nginx
 * types, so unit tests and fuzzers call it directly.
 */

#ifndef _SC_VERIFY_H_INCLUDED_
#define _SC_VERIFY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "sc_request.h"


typedef struct {
    const unsigned char  *data;
    size_t                len;
} sc_secret_t;


typedef enum {
    SC_VERIFY_OK = 0,
    SC_VERIFY_MISSING,      /* no signature header */
    SC_VERIFY_MALFORMED,    /* header present, not in the scheme's format */
    SC_VERIFY_MISMATCH,     /* well formed, no configured secret matches */
    SC_VERIFY_ERROR,        /* OpenSSL failed */
    SC_VERIFY_STALE         /* timestamp outside the replay window */
} sc_verify_rc_e;


/* what a location verifies with */
typedef struct {
    /*
     * HMAC keys, shared tokens, or for Ed25519 schemes (Discord) the raw
     * 32-byte public keys; several while they are rotated.
     */
    const sc_secret_t    *secrets;
    size_t                nsecrets;
    const sc_secret_t    *verify_token;   /* Meta's handshake, or NULL */
    int64_t               max_skew;       /* seconds, timestamped schemes */
} sc_verify_conf_t;


/* a stable machine-readable reason: "ok", "signature_missing", ... */
const char *sc_verify_reason(sc_verify_rc_e rc);

/*
 * One check per platform, each the sc_platform_t.verify of its platform:
 * over the exact raw body (rq->body), the headers and, for Twilio, the
 * public URL.  Every configured secret is tried (rotation).  Timestamped
 * schemes answer SC_VERIFY_STALE outside vc->max_skew of rq->now.
 * shared/reference/platform-signatures.md has each scheme.
 */
sc_verify_rc_e sc_verify_meta(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_x(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_slack(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_twilio(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_telegram(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_discord(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_line(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_viber(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_standard(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_zendesk(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_intercom(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_tiktok(const sc_verify_conf_t *vc,
    const sc_request_t *rq);
sc_verify_rc_e sc_verify_github(const sc_verify_conf_t *vc,
    const sc_request_t *rq);

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

/*
 * Primitives the schemes share.  sc_hmac: md is "sha256" or "sha1"; the
 * message is the concatenation of nparts parts; returns the MAC length or
 * -1.  Base64 uses the standard alphabet with padding; encoding needs
 * 4 * ((len + 2) / 3) + 1 bytes of out (a NUL follows the returned
 * length); decoding needs out_size >= len / 4 * 3 (the padding is
 * written, then not counted).
 */
int sc_hmac(const char *md, const sc_secret_t *key, const unsigned char **parts,
    const size_t *lens, size_t nparts, unsigned char *out);
size_t sc_base64_encode(const unsigned char *in, size_t len, char *out);
long sc_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t out_size);

/* hex to bytes, either case; returns bytes written or -1 */
long sc_hex_decode(const char *hex, size_t len, unsigned char *out,
    size_t out_size);


#endif /* _SC_VERIFY_H_INCLUDED_ */
