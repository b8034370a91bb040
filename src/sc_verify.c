/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_verify.c: signature checks over the exact raw body.  Every comparison
 * of secret-derived bytes is CRYPTO_memcmp after a length check.
 */

#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "sc_verify.h"


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
    int            rc;
    size_t         i, n;
    EVP_MAC       *mac;
    EVP_MAC_CTX   *ctx;
    OSSL_PARAM     params[2];

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        return -1;
    }

    ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);

    if (ctx == NULL) {
        return -1;
    }

    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *) md_name,
                                                 0);
    params[1] = OSSL_PARAM_construct_end();

    rc = -1;

    /* an empty key is legal HMAC; OpenSSL wants a non-NULL pointer */
    if (EVP_MAC_init(ctx, key->len ? key->data : (const unsigned char *) "",
                     key->len, params) != 1)
    {
        goto done;
    }

    for (i = 0; i < nparts; i++) {
        if (lens[i] && EVP_MAC_update(ctx, parts[i], lens[i]) != 1) {
            goto done;
        }
    }

    if (EVP_MAC_final(ctx, out, &n, EVP_MAX_MD_SIZE) != 1) {
        goto done;
    }

    rc = (int) n;

done:

    EVP_MAC_CTX_free(ctx);

    return rc;
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


sc_verify_rc_e
sc_verify_hmac_hex(const char *md_name, const char *prefix,
    const sc_secret_t *secrets, size_t nsecrets, const char *header,
    size_t header_len, const unsigned char *body, size_t body_len)
{
    long           n;
    size_t         i, plen;
    unsigned int   mac_len;
    const EVP_MD  *md;
    unsigned char  want[EVP_MAX_MD_SIZE], mac[EVP_MAX_MD_SIZE];

    if (header == NULL || header_len == 0) {
        return SC_VERIFY_MISSING;
    }

    md = EVP_get_digestbyname(md_name);
    if (md == NULL) {
        return SC_VERIFY_ERROR;
    }

    sc_trim(&header, &header_len);

    plen = strlen(prefix);

    if (header_len < plen || strncasecmp(header, prefix, plen) != 0) {
        return SC_VERIFY_MALFORMED;
    }

    n = sc_hex_decode(header + plen, header_len - plen, want, sizeof(want));

    if (n != EVP_MD_get_size(md)) {
        return SC_VERIFY_MALFORMED;
    }

    for (i = 0; i < nsecrets; i++) {
        mac_len = 0;

        if (HMAC(md, secrets[i].data, (int) secrets[i].len,
                 body_len ? body : (const unsigned char *) "", body_len,
                 mac, &mac_len)
            == NULL)
        {
            return SC_VERIFY_ERROR;
        }

        if (mac_len == (unsigned int) n
            && CRYPTO_memcmp(mac, want, mac_len) == 0)
        {
            return SC_VERIFY_OK;
        }
    }

    return SC_VERIFY_MISMATCH;
}


sc_verify_rc_e
sc_verify_meta(const sc_verify_conf_t *vc, const sc_request_t *rq)
{
    size_t       len;
    const char  *sig;

    sig = sc_request_header(rq, "x-hub-signature-256", &len);

    return sc_verify_hmac_hex("sha256", "sha256=", vc->secrets, vc->nsecrets,
                              sig, sig ? len : 0, rq->body, rq->body_len);
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
