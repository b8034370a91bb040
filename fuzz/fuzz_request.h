/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_request.h: what the request-shaped harnesses (fuzz_verify.c,
 * fuzz_platform.c) share: a fuzz input split into a webhook request, and
 * the secrets each platform verifies with.
 *
 * Input format (text, so seeds are readable and mutations stay useful):
 *
 *     line 1        its first byte selects the platform: 'a' meta, 'b' x,
 *                   'c' slack, 'd' twilio, 'e' telegram, 'f' discord,
 *                   'g' line, 'h' viber, 'i' standard, 'j' zendesk,
 *                   'k' intercom, 'l' tiktok, 'm' github (any other byte:
 *                   modulo 13); the rest of the line is a comment
 *     header lines  "Name: value" (one space after the colon is skipped,
 *                   nothing else is trimmed), up to FZ_HDRS_MAX; pseudo
 *                   headers set the rest of the request:
 *                       :get          a GET (the handshake)
 *                       :url: U       the public URL (signed by Twilio);
 *                                     its query is the request's query
 *                                     unless :query is given (the first
 *                                     :url and :query count)
 *                       :query: Q     the raw query string
 *                       :now: N       unix seconds (default 1700000000)
 *                       :skew: N      max_skew (default 300)
 *                       :keys: N      how many secrets are configured
 *                                     (0..2, default 2)
 *     empty line
 *     body          the rest, byte for byte
 *
 * Every piece goes into its own malloc'd block of its exact size (no NUL
 * after it: nginx gives none either), so AddressSanitizer sees any read
 * past a header value, the URL, the query or the body.
 */

#ifndef _FUZZ_REQUEST_H_INCLUDED_
#define _FUZZ_REQUEST_H_INCLUDED_


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sc_request.h"
#include "sc_verify.h"


#define FZ_HDRS_MAX      32
#define FZ_NPLATFORMS    13
#define FZ_DEFAULT_NOW   1700000000


typedef struct {
    const char          *name;
    sc_verify_rc_e     (*verify)(const sc_verify_conf_t *vc,
                                 const sc_request_t *rq);
    sc_secret_t          secrets[2];
} fz_platform_t;


/*
 * The reference vectors' secrets (t/unit/test_verify.c), so the seeds
 * taken from them verify; a second one as a rotated secret.  Discord's are
 * Ed25519 public keys: RFC 8032 TEST 1, and one that does not decode.
 */
#define FZ_S(s)  { (const unsigned char *) (s), sizeof(s) - 1 }

static const unsigned char  fz_discord_pk[32] = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
    0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
    0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a
};

static const unsigned char  fz_discord_bad[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static const fz_platform_t  fz_platforms[FZ_NPLATFORMS] = {
    { "meta", sc_verify_meta,
      { FZ_S("test_app_secret"), FZ_S("old_secret") } },
    { "x", sc_verify_x,
      { FZ_S("test_consumer_secret"), FZ_S("other") } },
    { "slack", sc_verify_slack,
      { FZ_S("8f742231b10e8888abcd99yyyzzz85a5"), FZ_S("fuzz") } },
    { "twilio", sc_verify_twilio,
      { FZ_S("12345"), FZ_S("54321") } },
    { "telegram", sc_verify_telegram,
      { FZ_S("s3cr3t_T0ken-x"), FZ_S("s3cr3t_T0ken-y") } },
    { "discord", sc_verify_discord,
      { { fz_discord_pk, 32 }, { fz_discord_bad, 32 } } },
    { "line", sc_verify_line,
      { FZ_S("channel_secret"), FZ_S("channel_secreT") } },
    { "viber", sc_verify_viber,
      { FZ_S("445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9"),
        FZ_S("fuzz") } },
    { "standard", sc_verify_standard,
      { FZ_S("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        FZ_S("whsec_not base64!") } },
    { "zendesk", sc_verify_zendesk,
      { FZ_S("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="), FZ_S("") } },
    { "intercom", sc_verify_intercom,
      { FZ_S("test_client_secret"), FZ_S("test_client") } },
    { "tiktok", sc_verify_tiktok,
      { FZ_S("test_client_secret"), FZ_S("Test_client_secret") } },
    { "github", sc_verify_github,
      { FZ_S("It's a Secret to Everybody"), FZ_S("It's a Secret to Nobody") } }
};

static const sc_secret_t  fz_verify_token = FZ_S("meatyhamhock");


typedef struct {
    sc_request_t         rq;
    sc_header_t          hdrs[FZ_HDRS_MAX];
    unsigned             platform;          /* index in fz_platforms */
    int64_t              max_skew;
    size_t               nkeys;
    void                *blocks[2 * FZ_HDRS_MAX + 3];
    size_t               nblocks;
} fz_req_t;


/* an exact-size copy; NULL only for len 0 (a zero-length value) */
static inline const char *
fz_dup(fz_req_t *r, const unsigned char *p, size_t len)
{
    void  *b;

    b = malloc(len ? len : 1);
    if (b == NULL) {
        abort();
    }

    memcpy(b, p, len);
    r->blocks[r->nblocks++] = b;

    return b;
}


static inline int64_t
fz_num(const unsigned char *p, size_t len)
{
    int      neg;
    size_t   i;
    int64_t  v;

    neg = (len > 0 && p[0] == '-');
    v = 0;

    for (i = neg; i < len && i < (size_t) neg + 18 && p[i] >= '0'
                  && p[i] <= '9'; i++)
    {
        v = v * 10 + (p[i] - '0');
    }

    return neg ? -v : v;
}


static inline void
fz_req_parse(fz_req_t *r, const uint8_t *data, size_t size)
{
    size_t          nlen, vlen;
    const uint8_t  *p, *end, *eol, *colon, *name, *value, *q;
    int             have_url, have_query;

    memset(r, 0, sizeof(fz_req_t));

    r->rq.now = FZ_DEFAULT_NOW;
    r->rq.headers = r->hdrs;
    r->max_skew = 300;
    r->nkeys = 2;

    p = data;
    end = data + size;
    have_url = 0;
    have_query = 0;

    if (p < end) {
        r->platform = (unsigned) (uint8_t) (p[0] - 'a') % FZ_NPLATFORMS;

        eol = memchr(p, '\n', (size_t) (end - p));
        p = eol ? eol + 1 : end;
    }

    while (p < end) {
        eol = memchr(p, '\n', (size_t) (end - p));
        if (eol == NULL) {
            eol = end;
        }

        if (eol == p) {
            p = eol + 1;
            break;
        }

        name = p;
        colon = memchr(p + 1, ':', (size_t) (eol - p - 1));

        if (colon) {
            nlen = (size_t) (colon - p);
            value = colon + 1;

            if (value < eol && *value == ' ') {
                value++;
            }

        } else {
            nlen = (size_t) (eol - p);
            value = eol;
        }

        vlen = (size_t) (eol - value);
        p = (eol < end) ? eol + 1 : end;

        if (name[0] == ':') {
            if (nlen == 4 && memcmp(name, ":get", 4) == 0) {
                r->rq.is_get = 1;

            } else if (nlen == 4 && memcmp(name, ":url", 4) == 0
                       && !have_url)
            {
                have_url = 1;
                r->rq.url = fz_dup(r, value, vlen);
                r->rq.url_len = vlen;

                q = memchr(value, '?', vlen);

                if (q && !have_query) {
                    r->rq.query = r->rq.url + (q + 1 - value);
                    r->rq.query_len = (size_t) (value + vlen - q - 1);
                }

            } else if (nlen == 6 && memcmp(name, ":query", 6) == 0
                       && !have_query)
            {
                r->rq.query = fz_dup(r, value, vlen);
                r->rq.query_len = vlen;
                have_query = 1;

            } else if (nlen == 4 && memcmp(name, ":now", 4) == 0) {
                r->rq.now = fz_num(value, vlen);

            } else if (nlen == 5 && memcmp(name, ":skew", 5) == 0) {
                r->max_skew = fz_num(value, vlen);

            } else if (nlen == 5 && memcmp(name, ":keys", 5) == 0) {
                r->nkeys = (size_t) fz_num(value, vlen) % 3;
            }

            continue;
        }

        if (r->rq.nheaders == FZ_HDRS_MAX) {
            continue;
        }

        r->hdrs[r->rq.nheaders].name = fz_dup(r, name, nlen);
        r->hdrs[r->rq.nheaders].name_len = nlen;
        r->hdrs[r->rq.nheaders].value = fz_dup(r, value, vlen);
        r->hdrs[r->rq.nheaders].value_len = vlen;
        r->rq.nheaders++;
    }

    r->rq.body = (const unsigned char *) fz_dup(r, p, (size_t) (end - p));
    r->rq.body_len = (size_t) (end - p);
}


static inline void
fz_req_conf(const fz_req_t *r, unsigned platform, sc_verify_conf_t *vc)
{
    memset(vc, 0, sizeof(sc_verify_conf_t));

    vc->secrets = r->nkeys ? fz_platforms[platform].secrets : NULL;
    vc->nsecrets = r->nkeys;
    vc->verify_token = &fz_verify_token;
    vc->max_skew = r->max_skew;
}


static inline void
fz_req_free(fz_req_t *r)
{
    size_t  i;

    for (i = 0; i < r->nblocks; i++) {
        free(r->blocks[i]);
    }

    r->nblocks = 0;
}


/* a string the code under test returned must end within size bytes */
#define FZ_TERMINATED(s, size)                                               \
    do {                                                                     \
        if (memchr((s), '\0', (size)) == NULL) {                             \
            __builtin_trap();                                                \
        }                                                                    \
    } while (0)

#define FZ_CHECK(cond)                                                       \
    do {                                                                     \
        if (!(cond)) {                                                       \
            __builtin_trap();                                                \
        }                                                                    \
    } while (0)


#endif /* _FUZZ_REQUEST_H_INCLUDED_ */
