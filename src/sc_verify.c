/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_verify.c: signature checks over the exact raw body.  Every comparison
 * of secret-derived bytes is CRYPTO_memcmp after a length check.  Headers
 * are hostile: each is bounded and decoded before use, and the work one
 * request can cause is capped.
 *
 * Timestamped schemes check the MAC first and the replay window after, so
 * SC_VERIFY_STALE always means an authentic but old (or clock-skewed)
 * request; a max_skew of 0 or less turns the window off.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "sc_form.h"
#include "sc_verify.h"


/* no platform sends a longer signature header; longer ones are refused */
#define SC_VERIFY_HEADER_MAX  4096

/* signatures tried from one list header (Standard Webhooks, TikTok) */
#define SC_VERIFY_SIGS_MAX    16

/* Twilio posts a few dozen parameters */
#define SC_VERIFY_FORM_MAX    1024

/* a Standard Webhooks key is 24 to 64 bytes */
#define SC_VERIFY_KEY_MAX     256

/* a decoded MAC; base64 decoding writes up to 2 padding bytes past it */
#define SC_VERIFY_MAC_BUF     (EVP_MAX_MD_SIZE + 3)

/* HMAC keys whose padded states are kept, per thread, and their size */
#define SC_HMAC_KEYS          8
#define SC_HMAC_KEY_MAX       128
#define SC_HMAC_MD_NAME       16

/* the largest digest block (SHA3-224) */
#define SC_HMAC_BLOCK_MAX     144


typedef enum {
    SC_ENC_HEX,
    SC_ENC_BASE64
} sc_enc_e;


typedef struct {
    EVP_MD_CTX      *inner;          /* after the key ^ ipad block */
    EVP_MD_CTX      *outer;          /* after the key ^ opad block */
    char             md_name[SC_HMAC_MD_NAME];
    size_t           key_len;
    unsigned char    key[SC_HMAC_KEY_MAX];
} sc_hmac_key_t;


static sc_hmac_key_t *sc_hmac_key(const char *md_name,
    const sc_secret_t *key, sc_hmac_key_t *once);
static void sc_hmac_key_free(sc_hmac_key_t *k);
static void sc_trim(const char **s, size_t *len);
static sc_verify_rc_e sc_bound(const char **s, size_t *len);
static sc_verify_rc_e sc_headers(const sc_request_t *rq,
    const char *const *names, size_t n, const char **values, size_t *lens);
static int sc_next(const char **p, const char *end, char sep,
    const char **tok, size_t *len);
static int sc_md_size(const char *md_name);
static long sc_decode(sc_enc_e enc, const char *s, size_t len,
    unsigned char *out, size_t out_size);
static int sc_want_add(sc_enc_e enc, const char *s, size_t len,
    unsigned char *want, size_t *nwant, int mac_len);
static sc_verify_rc_e sc_mac_match(const char *md_name,
    const sc_secret_t *secrets, size_t nsecrets,
    const unsigned char **parts, const size_t *lens, size_t nparts,
    const unsigned char *want, size_t nwant, int mac_len);
static sc_verify_rc_e sc_check_sig(const char *md_name, const char *prefix,
    sc_enc_e enc, const sc_secret_t *secrets, size_t nsecrets,
    const char *sig, size_t sig_len, const unsigned char **parts,
    const size_t *lens, size_t nparts);
static sc_verify_rc_e sc_check_body(const sc_verify_conf_t *vc,
    const sc_request_t *rq, const char *header, const char *md_name,
    const char *prefix, sc_enc_e enc);
static int sc_parse_digits(const char *s, size_t len, int64_t *t);
static int sc_parse_iso8601(const char *s, size_t len, int64_t *t);
static sc_verify_rc_e sc_fresh(sc_verify_rc_e rc, const sc_verify_conf_t *vc,
    const sc_request_t *rq, int64_t t);
static sc_verify_rc_e sc_twilio_url(const sc_verify_conf_t *vc,
    const sc_request_t *rq, const unsigned char *want,
    const unsigned char *params, size_t params_len);
static unsigned char *sc_twilio_params(const sc_request_t *rq, size_t *len,
    sc_verify_rc_e *rc);
static int sc_is_form(const sc_request_t *rq);
static sc_verify_rc_e sc_ed25519_verify(const sc_secret_t *key,
    const unsigned char *sig, const unsigned char *msg, size_t len);


/*
 * Per thread: the message's digest context, and the padded key states of
 * the keys used last (sc_hmac_key); fetching the HMAC and the digest
 * anew and hashing the key's pads cost more than the MAC of a webhook.
 */
static __thread EVP_MD_CTX     *sc_hmac_work;
static __thread sc_hmac_key_t   sc_hmac_keys[SC_HMAC_KEYS];
static __thread unsigned        sc_hmac_next;


static const char *sc_verify_reasons[] = {
    "ok",
    "signature_missing",
    "signature_malformed",
    "signature_mismatch",
    "signature_error",
    "signature_stale"
};


const char *
sc_verify_reason(sc_verify_rc_e rc)
{
    if ((size_t) rc >= sizeof(sc_verify_reasons) / sizeof(char *)) {
        return "signature_error";
    }

    return sc_verify_reasons[rc];
}


static int
sc_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


long
sc_hex_decode(const char *hex, size_t len, unsigned char *out,
    size_t out_size)
{
    int     hi, lo;
    size_t  i;

    if (len % 2 != 0 || len / 2 > out_size) {
        return -1;
    }

    for (i = 0; i < len; i += 2) {
        hi = sc_hex_value(hex[i]);
        lo = sc_hex_value(hex[i + 1]);

        if (hi < 0 || lo < 0) {
            return -1;
        }

        out[i / 2] = (unsigned char) (hi << 4 | lo);
    }

    return (long) (len / 2);
}


int
sc_hmac(const char *md_name, const sc_secret_t *key,
    const unsigned char **parts, const size_t *lens, size_t nparts,
    unsigned char *out)
{
    int               rc;
    size_t            i;
    unsigned int      n;
    EVP_MD_CTX       *work;
    sc_hmac_key_t     once, *k;
    unsigned char     inner[EVP_MAX_MD_SIZE];

    k = sc_hmac_key(md_name, key, &once);
    if (k == NULL) {
        return -1;
    }

    if (sc_hmac_work == NULL) {
        sc_hmac_work = EVP_MD_CTX_new();
    }

    work = sc_hmac_work;
    rc = -1;

    /* HMAC = H(key ^ opad, H(key ^ ipad, message)), RFC 2104 */
    if (work == NULL || EVP_MD_CTX_copy_ex(work, k->inner) != 1) {
        goto done;
    }

    for (i = 0; i < nparts; i++) {
        if (lens[i] && EVP_DigestUpdate(work, parts[i], lens[i]) != 1) {
            goto done;
        }
    }

    if (EVP_DigestFinal_ex(work, inner, &n) != 1
        || EVP_MD_CTX_copy_ex(work, k->outer) != 1
        || EVP_DigestUpdate(work, inner, n) != 1
        || EVP_DigestFinal_ex(work, out, &n) != 1)
    {
        goto done;
    }

    rc = (int) n;

done:

    OPENSSL_cleanse(inner, sizeof(inner));

    if (k == &once) {
        sc_hmac_key_free(&once);
    }

    return rc;
}


/*
 * The digest states after the padded key of (md_name, key): cached per
 * thread for keys of up to SC_HMAC_KEY_MAX bytes (the last
 * SC_HMAC_KEYS used), else made into *once for this call.  NULL when md
 * is unknown or unfit (an XOF), or when out of memory.
 */
static sc_hmac_key_t *
sc_hmac_key(const char *md_name, const sc_secret_t *key, sc_hmac_key_t *once)
{
    int                   bs;
    size_t                i, len;
    unsigned int          n;
    EVP_MD               *md;
    sc_hmac_key_t        *k;
    const unsigned char  *kd;
    unsigned char         pad[SC_HMAC_BLOCK_MAX];
    unsigned char         hashed[EVP_MAX_MD_SIZE];

    if (key->len <= SC_HMAC_KEY_MAX && strlen(md_name) < SC_HMAC_MD_NAME) {
        for (i = 0; i < SC_HMAC_KEYS; i++) {
            k = &sc_hmac_keys[i];

            if (k->inner != NULL && k->key_len == key->len
                && strcmp(k->md_name, md_name) == 0
                && (key->len == 0
                    || memcmp(k->key, key->data, key->len) == 0))
            {
                return k;
            }
        }

        k = &sc_hmac_keys[sc_hmac_next];
        sc_hmac_next = (sc_hmac_next + 1) % SC_HMAC_KEYS;
        sc_hmac_key_free(k);

    } else {
        k = once;
        memset(k, 0, sizeof(sc_hmac_key_t));
    }

    md = EVP_MD_fetch(NULL, md_name, NULL);
    if (md == NULL) {
        return NULL;
    }

    bs = EVP_MD_get_block_size(md);
    kd = key->data;
    len = key->len;
    k->inner = EVP_MD_CTX_new();
    k->outer = EVP_MD_CTX_new();

    if (bs <= 0 || (size_t) bs > sizeof(pad)
        || (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF)
        || k->inner == NULL || k->outer == NULL)
    {
        goto failed;
    }

    /* a key longer than a block is hashed first */
    if (len > (size_t) bs) {
        if (EVP_Digest(kd, len, hashed, &n, md, NULL) != 1) {
            goto failed;
        }

        kd = hashed;
        len = n;
    }

    memset(pad, 0, sizeof(pad));
    if (len) {
        memcpy(pad, kd, len);
    }

    for (i = 0; i < (size_t) bs; i++) {
        pad[i] ^= 0x36;
    }

    if (EVP_DigestInit_ex(k->inner, md, NULL) != 1
        || EVP_DigestUpdate(k->inner, pad, bs) != 1)
    {
        goto failed;
    }

    /* 0x36 ^ 0x5c: from the inner pad to the outer one */
    for (i = 0; i < (size_t) bs; i++) {
        pad[i] ^= 0x36 ^ 0x5c;
    }

    if (EVP_DigestInit_ex(k->outer, md, NULL) != 1
        || EVP_DigestUpdate(k->outer, pad, bs) != 1)
    {
        goto failed;
    }

    EVP_MD_free(md);
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(hashed, sizeof(hashed));

    if (k != once) {
        memcpy(k->md_name, md_name, strlen(md_name) + 1);
        k->key_len = key->len;

        if (key->len) {
            memcpy(k->key, key->data, key->len);
        }
    }

    return k;

failed:

    EVP_MD_free(md);
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(hashed, sizeof(hashed));
    sc_hmac_key_free(k);

    return NULL;
}


static void
sc_hmac_key_free(sc_hmac_key_t *k)
{
    EVP_MD_CTX_free(k->inner);
    EVP_MD_CTX_free(k->outer);
    OPENSSL_cleanse(k, sizeof(sc_hmac_key_t));
}


size_t
sc_base64_encode(const unsigned char *in, size_t len, char *out)
{
    /* out needs 4 * ((len + 2) / 3) + 1 bytes */
    return (size_t) EVP_EncodeBlock((unsigned char *) out, in, (int) len);
}


long
sc_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t out_size)
{
    int     n;
    size_t  pad;

    if (len == 0 || len % 4 != 0 || len / 4 * 3 > out_size) {
        return -1;
    }

    n = EVP_DecodeBlock(out, (const unsigned char *) in, (int) len);
    if (n < 0) {
        return -1;
    }

    /* EVP_DecodeBlock counts the padding as data */
    pad = 0;

    if (in[len - 1] == '=') {
        pad++;

        if (in[len - 2] == '=') {
            pad++;
        }
    }

    return n - (long) pad;
}


static void
sc_trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }

    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
        (*len)--;
    }
}


/* a presented value, trimmed: MISSING when empty, MALFORMED when huge */
static sc_verify_rc_e
sc_bound(const char **s, size_t *len)
{
    if (*s == NULL || *len == 0) {
        return SC_VERIFY_MISSING;
    }

    if (*len > SC_VERIFY_HEADER_MAX) {
        return SC_VERIFY_MALFORMED;
    }

    sc_trim(s, len);

    return *len ? SC_VERIFY_OK : SC_VERIFY_MISSING;
}


/* every named header, bounded: MISSING as soon as one is absent */
static sc_verify_rc_e
sc_headers(const sc_request_t *rq, const char *const *names, size_t n,
    const char **values, size_t *lens)
{
    size_t          i;
    sc_verify_rc_e  rc, first;

    first = SC_VERIFY_OK;

    for (i = 0; i < n; i++) {
        values[i] = sc_request_header(rq, names[i], &lens[i]);

        rc = sc_bound(&values[i], &lens[i]);

        if (rc == SC_VERIFY_MISSING) {
            return rc;
        }

        if (first == SC_VERIFY_OK) {
            first = rc;
        }
    }

    return first;
}


/* the next sep-separated token of [*p, end), trimmed; 0 after the last */
static int
sc_next(const char **p, const char *end, char sep, const char **tok,
    size_t *len)
{
    const char  *s;

    if (*p >= end) {
        return 0;
    }

    s = memchr(*p, sep, (size_t) (end - *p));

    *tok = *p;
    *len = (size_t) ((s ? s : end) - *p);
    *p = s ? s + 1 : end;

    sc_trim(tok, len);

    return 1;
}


static int
sc_md_size(const char *md_name)
{
    const EVP_MD  *md;

    /* the digests platforms sign with, without a lookup by name */
    if (strcmp(md_name, "sha256") == 0) {
        return 32;
    }

    if (strcmp(md_name, "sha1") == 0) {
        return 20;
    }

    md = EVP_get_digestbyname(md_name);

    return md ? EVP_MD_get_size(md) : -1;
}


static long
sc_decode(sc_enc_e enc, const char *s, size_t len, unsigned char *out,
    size_t out_size)
{
    if (enc == SC_ENC_HEX) {
        return sc_hex_decode(s, len, out, out_size);
    }

    return sc_base64_decode(s, len, out, out_size);
}


/*
 * Decodes one presented MAC into the next slot of want (mac_len bytes a
 * slot, SC_VERIFY_SIGS_MAX slots); -1 when it is not one or want is full.
 */
static int
sc_want_add(sc_enc_e enc, const char *s, size_t len, unsigned char *want,
    size_t *nwant, int mac_len)
{
    unsigned char  mac[SC_VERIFY_MAC_BUF];

    if (*nwant >= SC_VERIFY_SIGS_MAX
        || sc_decode(enc, s, len, mac, sizeof(mac)) != mac_len)
    {
        return -1;
    }

    memcpy(want + *nwant * mac_len, mac, mac_len);
    (*nwant)++;

    return 0;
}


/*
 * Whether HMAC(md, a secret, parts) is one of the nwant MACs in want:
 * OK, MISMATCH, or ERROR when OpenSSL fails.
 */
static sc_verify_rc_e
sc_mac_match(const char *md_name, const sc_secret_t *secrets,
    size_t nsecrets, const unsigned char **parts, const size_t *lens,
    size_t nparts, const unsigned char *want, size_t nwant, int mac_len)
{
    size_t          i, j;
    unsigned char   mac[EVP_MAX_MD_SIZE];
    sc_verify_rc_e  rc;

    rc = SC_VERIFY_MISMATCH;

    for (i = 0; i < nsecrets && rc == SC_VERIFY_MISMATCH; i++) {
        if (sc_hmac(md_name, &secrets[i], parts, lens, nparts, mac)
            != mac_len)
        {
            rc = SC_VERIFY_ERROR;
            break;
        }

        for (j = 0; j < nwant; j++) {
            if (CRYPTO_memcmp(mac, want + j * mac_len, mac_len) == 0) {
                rc = SC_VERIFY_OK;
                break;
            }
        }
    }

    OPENSSL_cleanse(mac, sizeof(mac));

    return rc;
}


/* sig is prefix + the encoded MAC of the concatenated parts */
static sc_verify_rc_e
sc_check_sig(const char *md_name, const char *prefix, sc_enc_e enc,
    const sc_secret_t *secrets, size_t nsecrets, const char *sig,
    size_t sig_len, const unsigned char **parts, const size_t *lens,
    size_t nparts)
{
    int             mac_len;
    size_t          plen, nwant;
    sc_verify_rc_e  rc;
    unsigned char   want[EVP_MAX_MD_SIZE * SC_VERIFY_SIGS_MAX];

    rc = sc_bound(&sig, &sig_len);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    mac_len = sc_md_size(md_name);
    if (mac_len <= 0) {
        return SC_VERIFY_ERROR;
    }

    plen = strlen(prefix);
    nwant = 0;

    if (sig_len < plen || strncasecmp(sig, prefix, plen) != 0
        || sc_want_add(enc, sig + plen, sig_len - plen, want, &nwant,
                       mac_len)
           != 0)
    {
        return SC_VERIFY_MALFORMED;
    }

    return sc_mac_match(md_name, secrets, nsecrets, parts, lens, nparts,
                        want, nwant, mac_len);
}


/* a header of prefix + the encoded MAC of the body */
static sc_verify_rc_e
sc_check_body(const sc_verify_conf_t *vc, const sc_request_t *rq,
    const char *header, const char *md_name, const char *prefix,
    sc_enc_e enc)
{
    size_t                len;
    const char           *sig;
    const unsigned char  *parts[1];

    sig = sc_request_header(rq, header, &len);
    parts[0] = rq->body;

    return sc_check_sig(md_name, prefix, enc, vc->secrets, vc->nsecrets,
                        sig, sig ? len : 0, parts, &rq->body_len, 1);
}


/* unix seconds as 1 to 18 digits, nothing else: no sign, no space */
static int
sc_parse_digits(const char *s, size_t len, int64_t *t)
{
    size_t  i;

    if (len == 0 || len > 18) {
        return -1;
    }

    *t = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        *t = *t * 10 + (s[i] - '0');
    }

    return 0;
}


/*
 * YYYY-MM-DDTHH:MM:SS[.fraction]Z, years 1970 to 9999, to unix seconds;
 * -1 for anything else.  No locale and no timezone database: days from
 * the civil date by H. Hinnant's algorithm (all operands positive here).
 */
static int
sc_parse_iso8601(const char *s, size_t len, int64_t *t)
{
    int64_t            y, mon, d, h, min, sec, era, yoe, doy, doe;
    size_t             i;
    static const char  form[] = "dddd-dd-ddTdd:dd:dd";
    static const int   mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                   30, 31 };

    if (len < sizeof(form) || s[len - 1] != 'Z') {
        return -1;
    }

    for (i = 0; i < sizeof(form) - 1; i++) {
        if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i]) {
            return -1;
        }
    }

    if (i < len - 1) {
        if (s[i] != '.' || i + 1 == len - 1) {
            return -1;
        }

        for (i++; i < len - 1; i++) {
            if (s[i] < '0' || s[i] > '9') {
                return -1;
            }
        }
    }

    (void) sc_parse_digits(s, 4, &y);
    (void) sc_parse_digits(s + 5, 2, &mon);
    (void) sc_parse_digits(s + 8, 2, &d);
    (void) sc_parse_digits(s + 11, 2, &h);
    (void) sc_parse_digits(s + 14, 2, &min);
    (void) sc_parse_digits(s + 17, 2, &sec);

    if (y < 1970 || mon < 1 || mon > 12 || d < 1 || h > 23 || min > 59
        || sec > 59)
    {
        return -1;
    }

    if (d > mdays[mon - 1]
        + (mon == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    {
        return -1;
    }

    y -= mon <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    *t = (era * 146097 + doe - 719468) * 86400 + h * 3600 + min * 60 + sec;

    return 0;
}


/* an authentic request (rc OK) is STALE when t is outside the window */
static sc_verify_rc_e
sc_fresh(sc_verify_rc_e rc, const sc_verify_conf_t *vc,
    const sc_request_t *rq, int64_t t)
{
    uint64_t  skew;

    if (rc != SC_VERIFY_OK || vc->max_skew <= 0) {
        return rc;
    }

    /* unsigned, so that no value of now overflows */
    skew = t > rq->now ? (uint64_t) t - (uint64_t) rq->now
                       : (uint64_t) rq->now - (uint64_t) t;

    return skew > (uint64_t) vc->max_skew ? SC_VERIFY_STALE : SC_VERIFY_OK;
}


sc_verify_rc_e
sc_verify_hmac_hex(const char *md_name, const char *prefix,
    const sc_secret_t *secrets, size_t nsecrets, const char *header,
    size_t header_len, const unsigned char *body, size_t body_len)
{
    const unsigned char  *parts[1];

    parts[0] = body;

    return sc_check_sig(md_name, prefix, SC_ENC_HEX, secrets, nsecrets,
                        header, header_len, parts, &body_len, 1);
}


int
sc_verify_token_equal(const sc_secret_t *token, const char *got,
    size_t got_len)
{
    if (token->len == 0 || got == NULL || got_len != token->len) {
        return 0;
    }

    return CRYPTO_memcmp(token->data, got, got_len) == 0;
}


sc_verify_rc_e
sc_verify_meta(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    return sc_check_body(vc, rq, "x-hub-signature-256", "sha256", "sha256=",
                         SC_ENC_HEX);
}


/*
 * Apps with both an OAuth 2.0 client secret and an OAuth 1.0 consumer
 * secret may get both headers: either one matching is enough.
 */
sc_verify_rc_e
sc_verify_x(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    size_t                    i;
    sc_verify_rc_e            rc, first;
    static const char *const  names[] = {
        "x-twitter-webhooks-signature-oauth2",
        "x-twitter-webhooks-signature"
    };

    first = SC_VERIFY_MISSING;

    for (i = 0; i < 2; i++) {
        rc = sc_check_body(vc, rq, names[i], "sha256", "sha256=",
                           SC_ENC_BASE64);

        if (rc == SC_VERIFY_OK || rc == SC_VERIFY_ERROR) {
            return rc;
        }

        if (first == SC_VERIFY_MISSING) {
            first = rc;
        }
    }

    return first;
}


sc_verify_rc_e
sc_verify_slack(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    int64_t                   t;
    size_t                    lens[2], plens[4];
    const char               *v[2];
    sc_verify_rc_e            rc;
    const unsigned char      *parts[4];
    static const char *const  names[] = {
        "x-slack-request-timestamp",
        "x-slack-signature"
    };

    rc = sc_headers(rq, names, 2, v, lens);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    if (sc_parse_digits(v[0], lens[0], &t) != 0) {
        return SC_VERIFY_MALFORMED;
    }

    parts[0] = (const unsigned char *) "v0:";
    plens[0] = 3;
    parts[1] = (const unsigned char *) v[0];
    plens[1] = lens[0];
    parts[2] = (const unsigned char *) ":";
    plens[2] = 1;
    parts[3] = rq->body;
    plens[3] = rq->body_len;

    rc = sc_check_sig("sha256", "v0=", SC_ENC_HEX, vc->secrets, vc->nsecrets,
                      v[1], lens[1], parts, plens, 4);

    return sc_fresh(rc, vc, rq, t);
}


sc_verify_rc_e
sc_verify_twilio(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    size_t                    len, hash_len, params_len;
    const char               *sig;
    unsigned int              digest_len;
    unsigned char            *params;
    sc_verify_rc_e            rc;
    char                      hex[128];
    unsigned char             want[SC_VERIFY_MAC_BUF], hash[32],
                              digest[EVP_MAX_MD_SIZE];
    static const char *const  name = "x-twilio-signature";

    rc = sc_headers(rq, &name, 1, &sig, &len);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    if (sc_base64_decode(sig, len, want, sizeof(want)) != 20) {
        return SC_VERIFY_MALFORMED;
    }

    if (rq->url == NULL || rq->url_len == 0) {
        return SC_VERIFY_ERROR;
    }

    if (!sc_request_arg(rq, "bodySHA256", hex, sizeof(hex), &hash_len)) {
        params = sc_twilio_params(rq, &params_len, &rc);
        if (rc != SC_VERIFY_OK) {
            return rc;
        }

        rc = sc_twilio_url(vc, rq, want, params, params_len);
        free(params);

        return rc;
    }

    /* a JSON body: the URL alone is signed, the body through its hash */
    if (sc_hex_decode(hex, hash_len, hash, sizeof(hash)) != 32) {
        return SC_VERIFY_MALFORMED;
    }

    rc = sc_twilio_url(vc, rq, want, NULL, 0);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    if (EVP_Digest(rq->body_len ? rq->body : (const unsigned char *) "",
                   rq->body_len, digest, &digest_len, EVP_sha256(), NULL)
        != 1)
    {
        return SC_VERIFY_ERROR;
    }

    if (digest_len != sizeof(hash)
        || CRYPTO_memcmp(digest, hash, sizeof(hash)) != 0)
    {
        return SC_VERIFY_MISMATCH;
    }

    return SC_VERIFY_OK;
}


/*
 * Twilio signs the URL it called; its SDKs also accept the URL with the
 * scheme's default port added when it has none, or removed when it has
 * exactly that one.  A non-default port is signed as is.
 */
static sc_verify_rc_e
sc_twilio_url(const sc_verify_conf_t *vc, const sc_request_t *rq,
    const unsigned char *want, const unsigned char *params,
    size_t params_len)
{
    size_t                i, host, end, dlen;
    const char           *url, *dport;
    sc_verify_rc_e        rc;
    size_t                lens[4];
    const unsigned char  *parts[4];

    url = rq->url;

    parts[0] = (const unsigned char *) url;
    lens[0] = rq->url_len;
    parts[1] = NULL;
    lens[1] = 0;
    parts[2] = NULL;
    lens[2] = 0;
    parts[3] = params;
    lens[3] = params_len;

    rc = sc_mac_match("sha1", vc->secrets, vc->nsecrets, parts, lens, 4,
                      want, 1, 20);

    if (rc != SC_VERIFY_MISMATCH) {
        return rc;
    }

    if (rq->url_len > 8 && strncasecmp(url, "https://", 8) == 0) {
        host = 8;
        dport = ":443";

    } else if (rq->url_len > 7 && strncasecmp(url, "http://", 7) == 0) {
        host = 7;
        dport = ":80";

    } else {
        return SC_VERIFY_MISMATCH;
    }

    dlen = strlen(dport);

    for (end = host; end < rq->url_len; end++) {
        if (url[end] == '/' || url[end] == '?' || url[end] == '#') {
            break;
        }
    }

    /* the authority ends in ":digits" when it has a port */
    for (i = end; i > host && url[i - 1] >= '0' && url[i - 1] <= '9'; i--) {
        /* void */
    }

    if (i > host && url[i - 1] == ':') {
        if (end - (i - 1) != dlen || memcmp(url + i - 1, dport, dlen) != 0) {
            return SC_VERIFY_MISMATCH;
        }

        lens[0] = i - 1;

    } else if (end > host) {
        lens[0] = end;
        parts[1] = (const unsigned char *) dport;
        lens[1] = dlen;

    } else {
        return SC_VERIFY_MISMATCH;
    }

    parts[2] = (const unsigned char *) url + end;
    lens[2] = rq->url_len - end;

    return sc_mac_match("sha1", vc->secrets, vc->nsecrets, parts, lens, 4,
                        want, 1, 20);
}


/*
 * What Twilio appends to the URL of a form POST: every parameter, sorted by
 * name then value, as name + value.  malloc'd; NULL (*len 0) for nothing.
 */
static unsigned char *
sc_twilio_params(const sc_request_t *rq, size_t *len, sc_verify_rc_e *rc)
{
    size_t          i, n;
    sc_form_t       form;
    unsigned char  *out, *p;

    *len = 0;
    *rc = SC_VERIFY_OK;

    if (rq->is_get || rq->body_len == 0 || !sc_is_form(rq)) {
        return NULL;
    }

    if (sc_form_parse((const char *) rq->body, rq->body_len, &form,
                      SC_VERIFY_FORM_MAX)
        != 0)
    {
        *rc = SC_VERIFY_MALFORMED;
        return NULL;
    }

    (void) sc_form_sort(&form);

    n = 0;

    for (i = 0; i < form.n; i++) {
        n += form.fields[i].name_len + form.fields[i].value_len;
    }

    out = NULL;

    if (n) {
        out = malloc(n);

        if (out == NULL) {
            *rc = SC_VERIFY_ERROR;

        } else {
            p = out;

            for (i = 0; i < form.n; i++) {
                memcpy(p, form.fields[i].name, form.fields[i].name_len);
                p += form.fields[i].name_len;
                memcpy(p, form.fields[i].value, form.fields[i].value_len);
                p += form.fields[i].value_len;
            }

            *len = n;
        }
    }

    sc_form_free(&form);

    return out;
}


/* Twilio signs POST parameters of form bodies only */
static int
sc_is_form(const sc_request_t *rq)
{
    size_t             len, n;
    const char        *ct;
    static const char  form[] = "application/x-www-form-urlencoded";

    ct = sc_request_header(rq, "content-type", &len);

    if (ct == NULL) {
        return 1;
    }

    sc_trim(&ct, &len);
    n = sizeof(form) - 1;

    return len >= n && strncasecmp(ct, form, n) == 0
           && (len == n || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}


sc_verify_rc_e
sc_verify_telegram(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    size_t                    i, len;
    const char               *token;
    sc_verify_rc_e            rc;
    static const char *const  name = "x-telegram-bot-api-secret-token";

    rc = sc_headers(rq, &name, 1, &token, &len);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    for (i = 0; i < vc->nsecrets; i++) {
        if (sc_verify_token_equal(&vc->secrets[i], token, len)) {
            return SC_VERIFY_OK;
        }
    }

    return SC_VERIFY_MISMATCH;
}


sc_verify_rc_e
sc_verify_discord(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    int64_t                   t;
    size_t                    i, len, lens[2];
    const char               *v[2];
    unsigned char            *msg, sig[64];
    sc_verify_rc_e            rc;
    static const char *const  names[] = {
        "x-signature-ed25519",
        "x-signature-timestamp"
    };

    rc = sc_headers(rq, names, 2, v, lens);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    if (sc_hex_decode(v[0], lens[0], sig, sizeof(sig)) != sizeof(sig)) {
        return SC_VERIFY_MALFORMED;
    }

    /* Ed25519 hashes the message twice: it cannot be streamed */
    len = lens[1] + rq->body_len;

    msg = malloc(len);
    if (msg == NULL) {
        return SC_VERIFY_ERROR;
    }

    memcpy(msg, v[1], lens[1]);

    if (rq->body_len) {
        memcpy(msg + lens[1], rq->body, rq->body_len);
    }

    rc = SC_VERIFY_MISMATCH;

    for (i = 0; i < vc->nsecrets && rc == SC_VERIFY_MISMATCH; i++) {
        rc = sc_ed25519_verify(&vc->secrets[i], sig, msg, len);
    }

    free(msg);

    /* no window is documented: only a unix-seconds timestamp is checked */
    if (sc_parse_digits(v[1], lens[1], &t) == 0) {
        rc = sc_fresh(rc, vc, rq, t);
    }

    return rc;
}


static sc_verify_rc_e
sc_ed25519_verify(const sc_secret_t *key, const unsigned char *sig,
    const unsigned char *msg, size_t len)
{
    EVP_PKEY        *pkey;
    EVP_MD_CTX      *ctx;
    sc_verify_rc_e   rc;

    /* a key of another length cannot verify anything */
    if (key->len != 32) {
        return SC_VERIFY_MISMATCH;
    }

    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, key->data,
                                       key->len);
    if (pkey == NULL) {
        ERR_clear_error();
        return SC_VERIFY_ERROR;
    }

    rc = SC_VERIFY_ERROR;

    ctx = EVP_MD_CTX_new();

    if (ctx != NULL
        && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1)
    {
        /*
         * 0 is a wrong signature and below 0 one OpenSSL cannot decode:
         * both are the sender's fault, and Discord probes with such on
         * purpose, expecting a 401 rather than a 500.
         */
        rc = EVP_DigestVerify(ctx, sig, 64, msg, len) == 1
             ? SC_VERIFY_OK : SC_VERIFY_MISMATCH;
    }

    /* leave nothing in the queue for nginx's next SSL call to misread */
    ERR_clear_error();

    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);

    return rc;
}


sc_verify_rc_e
sc_verify_line(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    return sc_check_body(vc, rq, "x-line-signature", "sha256", "",
                         SC_ENC_BASE64);
}


sc_verify_rc_e
sc_verify_viber(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    return sc_check_body(vc, rq, "x-viber-content-signature", "sha256", "",
                         SC_ENC_HEX);
}


/*
 * Standard Webhooks, and Svix under its own header names: the key is the
 * base64 after "whsec_"; any "v1" entry of the list may match.
 */
sc_verify_rc_e
sc_verify_standard(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    long                      n;
    size_t                    i, tlen, nwant, lens[3], plens[5];
    int64_t                   t;
    const char               *v[3], *p, *tok;
    sc_secret_t               key;
    sc_verify_rc_e            rc;
    const unsigned char      *parts[5];
    unsigned char             want[32 * SC_VERIFY_SIGS_MAX],
                              raw[SC_VERIFY_KEY_MAX];
    static const char *const  names[2][3] = {
        { "webhook-id", "webhook-timestamp", "webhook-signature" },
        { "svix-id", "svix-timestamp", "svix-signature" }
    };

    i = sc_request_header(rq, names[0][2], NULL) ? 0 : 1;

    rc = sc_headers(rq, names[i], 3, v, lens);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    if (sc_parse_digits(v[1], lens[1], &t) != 0) {
        return SC_VERIFY_MALFORMED;
    }

    /* v1a (Ed25519) and versions to come are not ours to check */
    nwant = 0;
    p = v[2];

    while (nwant < SC_VERIFY_SIGS_MAX
           && sc_next(&p, v[2] + lens[2], ' ', &tok, &tlen))
    {
        if (tlen > 3 && memcmp(tok, "v1,", 3) == 0) {
            (void) sc_want_add(SC_ENC_BASE64, tok + 3, tlen - 3, want,
                               &nwant, 32);
        }
    }

    if (nwant == 0) {
        return SC_VERIFY_MALFORMED;
    }

    parts[0] = (const unsigned char *) v[0];
    plens[0] = lens[0];
    parts[1] = (const unsigned char *) ".";
    plens[1] = 1;
    parts[2] = (const unsigned char *) v[1];
    plens[2] = lens[1];
    parts[3] = parts[1];
    plens[3] = 1;
    parts[4] = rq->body;
    plens[4] = rq->body_len;

    rc = SC_VERIFY_MISMATCH;

    for (i = 0; i < vc->nsecrets && rc == SC_VERIFY_MISMATCH; i++) {
        key = vc->secrets[i];

        if (key.len > 6 && memcmp(key.data, "whsec_", 6) == 0) {
            key.data += 6;
            key.len -= 6;
        }

        n = sc_base64_decode((const char *) key.data, key.len, raw,
                             sizeof(raw));

        /* not base64: a misconfigured secret must not fail the others */
        if (n <= 0) {
            continue;
        }

        key.data = raw;
        key.len = (size_t) n;

        rc = sc_mac_match("sha256", &key, 1, parts, plens, 5, want, nwant,
                          32);
    }

    OPENSSL_cleanse(raw, sizeof(raw));

    return sc_fresh(rc, vc, rq, t);
}


sc_verify_rc_e
sc_verify_zendesk(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    int64_t                   t;
    size_t                    lens[2];
    const char               *v[2];
    sc_verify_rc_e            rc;
    const unsigned char      *parts[2];
    size_t                    plens[2];
    static const char *const  names[] = {
        "x-zendesk-webhook-signature",
        "x-zendesk-webhook-signature-timestamp"
    };

    rc = sc_headers(rq, names, 2, v, lens);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    parts[0] = (const unsigned char *) v[1];
    plens[0] = lens[1];
    parts[1] = rq->body;
    plens[1] = rq->body_len;

    rc = sc_check_sig("sha256", "", SC_ENC_BASE64, vc->secrets, vc->nsecrets,
                      v[0], lens[0], parts, plens, 2);

    /* the window is not documented: only an ISO-8601 UTC value is checked */
    if (sc_parse_iso8601(v[1], lens[1], &t) == 0) {
        rc = sc_fresh(rc, vc, rq, t);
    }

    return rc;
}


sc_verify_rc_e
sc_verify_intercom(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    return sc_check_body(vc, rq, "x-hub-signature", "sha1", "sha1=",
                         SC_ENC_HEX);
}


/* TikTok-Signature: t=<unix seconds>,s=<hex>, in any order */
sc_verify_rc_e
sc_verify_tiktok(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    int64_t                   t;
    size_t                    len, tlen, ts_len, nwant, plens[3];
    const char               *h, *p, *tok, *ts;
    sc_verify_rc_e            rc;
    const unsigned char      *parts[3];
    unsigned char             want[32 * SC_VERIFY_SIGS_MAX];
    static const char *const  name = "tiktok-signature";

    rc = sc_headers(rq, &name, 1, &h, &len);
    if (rc != SC_VERIFY_OK) {
        return rc;
    }

    ts = NULL;
    ts_len = 0;
    nwant = 0;
    p = h;

    while (sc_next(&p, h + len, ',', &tok, &tlen)) {
        if (tlen < 2 || tok[1] != '=') {
            continue;
        }

        if (tok[0] == 't') {
            /* two timestamps: which one was signed? */
            if (ts != NULL) {
                return SC_VERIFY_MALFORMED;
            }

            ts = tok + 2;
            ts_len = tlen - 2;

        } else if (tok[0] == 's'
                   && sc_want_add(SC_ENC_HEX, tok + 2, tlen - 2, want,
                                  &nwant, 32)
                      != 0)
        {
            return SC_VERIFY_MALFORMED;
        }
    }

    if (ts == NULL || nwant == 0 || sc_parse_digits(ts, ts_len, &t) != 0) {
        return SC_VERIFY_MALFORMED;
    }

    parts[0] = (const unsigned char *) ts;
    plens[0] = ts_len;
    parts[1] = (const unsigned char *) ".";
    plens[1] = 1;
    parts[2] = rq->body;
    plens[2] = rq->body_len;

    rc = sc_mac_match("sha256", vc->secrets, vc->nsecrets, parts, plens, 3,
                      want, nwant, 32);

    return sc_fresh(rc, vc, rq, t);
}


sc_verify_rc_e
sc_verify_github(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    return sc_check_body(vc, rq, "x-hub-signature-256", "sha256", "sha256=",
                         SC_ENC_HEX);
}
