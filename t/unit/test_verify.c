/*
 * test_verify.c: signature schemes against the reference vectors
 * (shared/reference/platform-signatures.md).
 */

#include <string.h>

#include "tap.h"
#include "sc_verify.h"


#define S(s)  { (const unsigned char *) (s), sizeof(s) - 1 }
#define B(s)  (const unsigned char *) (s), sizeof(s) - 1
#define H(s)  (s), strlen(s)


static sc_verify_rc_e
meta_raw(const sc_secret_t *secrets, size_t n, const char *header,
    size_t header_len, const unsigned char *body, size_t body_len)
{
    return sc_verify_hmac_hex("sha256", "sha256=", secrets, n, header,
                              header_len, body, body_len);
}


int
main(void)
{
    unsigned char  out[8];
    sc_secret_t    meta[] = { S("test_app_secret") };
    sc_secret_t    rotated[] = { S("old_secret"), S("test_app_secret") };
    sc_secret_t    github[] = { S("It's a Secret to Everybody") };
    sc_secret_t    intercom[] = { S("test_client_secret") };
    sc_secret_t    token = S("meatyhamhock");
    const char    *good =
        "sha256=5da47c9c7409e70d7a1851f0cfd9bc27786bd99587a9bf1dd5b51e23a2de03cf";
    const char    *upper =
        "sha256=5DA47C9C7409E70D7A1851F0CFD9BC27786BD99587A9BF1DD5B51E23A2DE03CF";
    const char    *body = "{\"object\":\"page\",\"entry\":[]}";

    is_int(meta_raw(meta, 1, H(good), (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_OK, "meta computed vector verifies");

    is_int(meta_raw(meta, 1, H(upper), (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_OK, "meta hex is case-insensitive");

    is_int(meta_raw(rotated, 2, H(good), (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_OK, "meta second (rotated) secret verifies");

    is_int(meta_raw(rotated, 1, H(good), (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_MISMATCH, "meta wrong secret is a mismatch");

    is_int(meta_raw(meta, 1, H(good), B("{\"object\":\"page\",\"entry\":[ ]}")),
           SC_VERIFY_MISMATCH, "meta one changed byte is a mismatch");

    is_int(meta_raw(meta, 1, NULL, 0, (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_MISSING, "meta missing header");

    is_int(meta_raw(meta, 1, H("sha1=abcdef"),
                          (const unsigned char *) body, strlen(body)),
           SC_VERIFY_MALFORMED, "meta sha1 header is malformed for sha256");

    is_int(meta_raw(meta, 1, H("sha256=zz"),
                          (const unsigned char *) body, strlen(body)),
           SC_VERIFY_MALFORMED, "meta non-hex is malformed");

    is_int(meta_raw(meta, 1, H("sha256=5da47c9c"),
                          (const unsigned char *) body, strlen(body)),
           SC_VERIFY_MALFORMED, "meta short digest is malformed");

    is_int(meta_raw(meta, 0, H(good), (const unsigned char *) body,
                          strlen(body)),
           SC_VERIFY_MISMATCH, "no secrets never verifies");

    is_int(sc_verify_hmac_hex("sha256", "sha256=", github, 1,
               H("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
               B("Hello, World!")),
           SC_VERIFY_OK, "github documented vector");

    is_int(sc_verify_hmac_hex("sha1", "sha1=", intercom, 1,
               H("sha1=59dc376710f2bb3f57a9fdb4921361641556cfb1"),
               B("{\"type\":\"notification_event\",\"topic\":\"ping\"}")),
           SC_VERIFY_OK, "intercom sha1 computed vector");

    ok(sc_verify_token_equal(&token, H("meatyhamhock")), "token equal");
    ok(!sc_verify_token_equal(&token, H("meatyhamhocK")), "token differs");
    ok(!sc_verify_token_equal(&token, H("meatyham")), "token prefix differs");
    ok(!sc_verify_token_equal(&token, NULL, 0), "no token presented");

    is_int(sc_hex_decode("0aFf", 4, out, sizeof(out)), 2, "hex decodes");
    ok(out[0] == 0x0a && out[1] == 0xff, "hex bytes right");
    is_int(sc_hex_decode("abc", 3, out, sizeof(out)), -1, "odd hex rejected");

    is_str(sc_verify_reason(SC_VERIFY_MISMATCH), "signature_mismatch",
           "reason text");
    {
        sc_header_t       h[2] = {
            { "Content-Type", 12, "application/json", 16 },
            { "X-HUB-Signature-256", 19, good, strlen(good) } };
        sc_request_t      rq = { 0, NULL, 0, NULL, 0, h, 2,
                                 (const unsigned char *) body, strlen(body),
                                 0 };
        sc_verify_conf_t  vc = { rotated, 2, NULL, 300 };

        is_int(sc_verify_meta(&vc, &rq), SC_VERIFY_OK,
               "meta request form, header name in any case");
        rq.nheaders = 1;
        is_int(sc_verify_meta(&vc, &rq), SC_VERIFY_MISSING,
               "meta request form without the header");
    }

    is_str(sc_verify_reason(SC_VERIFY_STALE), "signature_stale",
           "stale reason text");

    {
        char                  b64[64];
        unsigned char         mac[64], raw[48];
        sc_secret_t           x = S("test_consumer_secret");
        const unsigned char  *parts[2] = { (const unsigned char *) "challenge",
                                           (const unsigned char *) "_string" };
        size_t                lens[2] = { 9, 7 };
        int                   n;

        n = sc_hmac("sha256", &x, parts, lens, 2, mac);
        is_int(n, 32, "sc_hmac sha256 length");
        b64[sc_base64_encode(mac, (size_t) n, b64)] = '\0';
        is_str(b64, "583uAmerwtjpykYEAEm+CEIRm6dOywK4QKRr0ha/Pd4=",
               "X CRC vector through sc_hmac in two parts + base64");

        is_int(sc_base64_decode(b64, strlen(b64), raw, sizeof(raw)), 32,
               "base64 decodes to 32 bytes");
        ok(memcmp(raw, mac, 32) == 0, "base64 round trip");
        is_int(sc_base64_decode("YQ==", 4, raw, sizeof(raw)), 1,
               "padding is not data");
        is_int(sc_base64_decode("YQ=", 3, raw, sizeof(raw)), -1,
               "unpadded length rejected");
    }

    return done_testing();
}
