/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_verify.c: signature headers and verification.  A request
 * (fuzz_request.h) goes through every platform's scheme with that
 * platform's secrets (the seeds are the reference vectors, which verify),
 * and every header value through the primitives the schemes share, with
 * output buffers of exactly the documented size: hex and base64 decoding
 * (round-tripped through encoding), the generic HMAC check and the token
 * comparison.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_request.h"


static void
fz_primitives(const fz_req_t *r, const char *v, size_t len)
{
    long            n, m;
    size_t          size, elen;
    char           *enc;
    unsigned char  *out, *back;

    /* hex: exactly len / 2 bytes of room */
    size = len / 2;
    out = malloc(size ? size : 1);
    FZ_CHECK(out != NULL);

    n = sc_hex_decode(v, len, out, size);
    FZ_CHECK(n >= -1 && n <= (long) size);

    if (n >= 0) {
        FZ_CHECK((size_t) n * 2 == len);
    }

    free(out);

    /* base64: out_size >= len / 4 * 3, the documented minimum */
    size = len / 4 * 3;
    out = malloc(size ? size : 1);
    FZ_CHECK(out != NULL);

    n = sc_base64_decode(v, len, out, size);
    FZ_CHECK(n >= -1 && n <= (long) size);

    /* (blanks alone decode to 0 bytes, and "" does not decode) */
    if (n > 0) {
        /* EVP_EncodeBlock adds a NUL (sc_verify.c) */
        elen = ((size_t) n + 2) / 3 * 4;
        enc = malloc(elen + 1);
        FZ_CHECK(enc != NULL);
        FZ_CHECK(sc_base64_encode(out, (size_t) n, enc) == elen);

        back = malloc(elen / 4 * 3 ? elen / 4 * 3 : 1);
        FZ_CHECK(back != NULL);
        m = sc_base64_decode(enc, elen, back, elen / 4 * 3);
        FZ_CHECK(m == n && memcmp(back, out, (size_t) n) == 0);

        free(back);
        free(enc);
    }

    free(out);

    (void) sc_verify_hmac_hex("sha256", "sha256=", fz_platforms[0].secrets,
                              r->nkeys, v, len, r->rq.body, r->rq.body_len);
    (void) sc_verify_hmac_hex("sha1", "sha1=", fz_platforms[10].secrets,
                              r->nkeys, v, len, r->rq.body, r->rq.body_len);

    if (sc_verify_token_equal(&fz_verify_token, v, len)) {
        FZ_CHECK(len == fz_verify_token.len
                 && memcmp(v, fz_verify_token.data, len) == 0);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t            i;
    fz_req_t          r;
    sc_verify_rc_e    rc;
    sc_verify_conf_t  vc;

    fz_req_parse(&r, data, size);

    for (i = 0; i < FZ_NPLATFORMS; i++) {
        fz_req_conf(&r, (unsigned) i, &vc);

        rc = fz_platforms[i].verify(&vc, &r.rq);

        FZ_CHECK(rc >= SC_VERIFY_OK && rc <= SC_VERIFY_STALE);

        if (r.nkeys == 0) {
            /* no secret never verifies */
            FZ_CHECK(rc != SC_VERIFY_OK && rc != SC_VERIFY_STALE);
        }
    }

    for (i = 0; i < r.rq.nheaders && i < 4; i++) {
        fz_primitives(&r, r.hdrs[i].value, r.hdrs[i].value_len);
    }

    fz_req_free(&r);

    return 0;
}
