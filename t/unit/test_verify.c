/*
 * test_verify.c: signature schemes against the reference vectors
 * (shared/reference/platform-signatures.md).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

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


/*
 * A request under test: the platform tests fill it with hdr()/url(), and
 * the shared checks (battery, hostile) vary one thing at a time.
 */

typedef sc_verify_rc_e (*verify_pt)(const sc_verify_conf_t *vc,
    const sc_request_t *rq);

static sc_header_t       hdrs[8];
static sc_request_t      rq;
static sc_verify_conf_t  vc;
static char              body_buf[1024];


/* a fresh request of body at now, verified with good alone, 300 s skew */
static void
req(const char *body, int64_t now, const sc_secret_t *good)
{
    memset(&rq, 0, sizeof(rq));
    memset(&vc, 0, sizeof(vc));

    snprintf(body_buf, sizeof(body_buf), "%s", body);

    rq.headers = hdrs;
    rq.body = (const unsigned char *) body_buf;
    rq.body_len = strlen(body_buf);
    rq.now = now;
    vc.secrets = good;
    vc.nsecrets = 1;
    vc.max_skew = 300;
}


static void
hdr(const char *name, const char *value)
{
    hdrs[rq.nheaders].name = name;
    hdrs[rq.nheaders].name_len = strlen(name);
    hdrs[rq.nheaders].value = value;
    hdrs[rq.nheaders].value_len = strlen(value);
    rq.nheaders++;
}


/* the URL and its query, as the glue sets them */
static void
url(const char *u)
{
    const char  *q;

    q = strchr(u, '?');

    rq.url = u;
    rq.url_len = strlen(u);
    rq.query = q ? q + 1 : NULL;
    rq.query_len = q ? strlen(q + 1) : 0;
}


static sc_header_t *
find(const char *name)
{
    size_t  i;

    for (i = 0; i < rq.nheaders; i++) {
        if (strcasecmp(hdrs[i].name, name) == 0) {
            return &hdrs[i];
        }
    }

    return NULL;
}


/* fn over the request with header name's value replaced by value */
static sc_verify_rc_e
with(verify_pt fn, const char *name, const char *value, size_t len)
{
    sc_header_t     *h, saved;
    sc_verify_rc_e   rc;

    h = find(name);
    saved = *h;
    h->value = value;
    h->value_len = len;

    rc = fn(&vc, &rq);

    *h = saved;

    return rc;
}


/* fn over the request without header name */
static sc_verify_rc_e
without(verify_pt fn, const char *name)
{
    sc_header_t     *h, saved;
    sc_verify_rc_e   rc;

    h = find(name);
    saved = *h;
    h->name = "x-absent";
    h->name_len = 8;

    rc = fn(&vc, &rq);

    *h = saved;

    return rc;
}


static sc_verify_rc_e
with_secrets(verify_pt fn, const sc_secret_t *s, size_t n)
{
    const sc_secret_t  *saved;
    size_t              nsaved;
    sc_verify_rc_e      rc;

    saved = vc.secrets;
    nsaved = vc.nsecrets;
    vc.secrets = s;
    vc.nsecrets = n;

    rc = fn(&vc, &rq);

    vc.secrets = saved;
    vc.nsecrets = nsaved;

    return rc;
}


/*
 * What every platform must do: verify the vector with its secret alone and
 * as the second one configured, refuse another secret, no secret and
 * (when the body is signed) one flipped body byte.
 */
static void
battery(const char *name, verify_pt fn, sc_secret_t good, sc_secret_t wrong,
    int body_signed)
{
    sc_secret_t  both[2];

    both[0] = wrong;
    both[1] = good;

    is_int(with_secrets(fn, &good, 1), SC_VERIFY_OK, "%s: vector verifies",
           name);
    is_int(with_secrets(fn, both, 2), SC_VERIFY_OK,
           "%s: second (rotated) secret verifies", name);
    is_int(with_secrets(fn, both, 1), SC_VERIFY_MISMATCH,
           "%s: wrong secret is a mismatch", name);
    is_int(with_secrets(fn, NULL, 0), SC_VERIFY_MISMATCH,
           "%s: no secret never verifies", name);

    if (body_signed) {
        body_buf[rq.body_len - 1] ^= 0x01;
        is_int(with_secrets(fn, &good, 1), SC_VERIFY_MISMATCH,
               "%s: one flipped body byte is a mismatch", name);
        body_buf[rq.body_len - 1] ^= 0x01;
    }
}


/*
 * Hostile values of the header sig: absent, empty, blank, huge, non-ASCII,
 * and repeated (the first one counts).  garbage is what non-ASCII gives.
 */
static void
hostile(const char *name, verify_pt fn, const char *sig,
    sc_verify_rc_e garbage)
{
    size_t           n;
    sc_header_t     *h;
    sc_verify_rc_e   rc;
    static char      huge[5000];

    memset(huge, 'a', sizeof(huge));

    is_int(without(fn, sig), SC_VERIFY_MISSING, "%s: %s missing", name, sig);
    is_int(with(fn, sig, "", 0), SC_VERIFY_MISSING, "%s: %s empty", name,
           sig);
    is_int(with(fn, sig, "  \t ", 4), SC_VERIFY_MISSING, "%s: %s blank",
           name, sig);
    is_int(with(fn, sig, huge, sizeof(huge)), SC_VERIFY_MALFORMED,
           "%s: %s of 5000 bytes", name, sig);
    is_int(with(fn, sig, "\xff\xfe\x80=\xc3\xa9,", 7), garbage,
           "%s: %s non-ASCII", name, sig);

    /* a second, different header after the good one: neither counts */
    h = find(sig);
    n = rq.nheaders;
    hdr(h->name, "garbage");
    rc = fn(&vc, &rq);
    is_int(rc, SC_VERIFY_MISSING, "%s: repeated %s, disagreeing: none counts",
           name, sig);
    rq.nheaders = n;

    /* the same value twice (a proxy that duplicates it) is that value */
    h = find(sig);
    hdr(h->name, h->value);
    rc = fn(&vc, &rq);
    is_int(rc, SC_VERIFY_OK, "%s: repeated %s, the same value", name, sig);
    rq.nheaders = n;
}


static void
test_x(void)
{
    sc_secret_t  good = S("test_consumer_secret"), wrong = S("other");
    const char  *sig = "sha256=cm3R69SKb70cFabzYc+Y9gzwkVVco27A/ZMW7/wWKTg=";

    req("{\"for_user_id\":\"2244994945\"}", 0, &good);

    hdr("X-Twitter-Webhooks-Signature-OAuth2", sig);
    battery("x oauth2", sc_verify_x, good, wrong, 1);
    hostile("x oauth2", sc_verify_x, "x-twitter-webhooks-signature-oauth2",
            SC_VERIFY_MALFORMED);
    is_int(with(sc_verify_x, "x-twitter-webhooks-signature-oauth2",
                H("sha256=cm3R")),
           SC_VERIFY_MALFORMED, "x: short base64 is malformed");
    is_int(with(sc_verify_x, "x-twitter-webhooks-signature-oauth2",
                H("cm3R69SKb70cFabzYc+Y9gzwkVVco27A/ZMW7/wWKTg=")),
           SC_VERIFY_MALFORMED, "x: no sha256= prefix is malformed");

    req("{\"for_user_id\":\"2244994945\"}", 0, &good);
    hdr("X-Twitter-Webhooks-Signature", sig);
    battery("x legacy", sc_verify_x, good, wrong, 1);

    hdr("X-Twitter-Webhooks-Signature-OAuth2", "garbage");
    is_int(sc_verify_x(&vc, &rq), SC_VERIFY_OK,
           "x: a bad OAuth2 header, a good legacy one");
    is_int(with(sc_verify_x, "x-twitter-webhooks-signature", H("garbage")),
           SC_VERIFY_MALFORMED, "x: both bad, the OAuth2 reason");
}


static void
test_slack(void)
{
    sc_secret_t  good = S("8f742231b10e8888abcd99yyyzzz85a5");
    sc_secret_t  wrong = S("8f742231b10e8888abcd99yyyzzz85a6");

    req("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain="
        "testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id="
        "U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
        "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
        "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015"
        ".47445629121.803a0bc887a14d10d2c447fce8b6703c", 1531420618, &good);
    hdr("X-Slack-Request-Timestamp", "1531420618");
    hdr("X-Slack-Signature",
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");

    battery("slack", sc_verify_slack, good, wrong, 1);
    hostile("slack", sc_verify_slack, "x-slack-signature",
            SC_VERIFY_MALFORMED);
    is_int(without(sc_verify_slack, "x-slack-request-timestamp"),
           SC_VERIFY_MISSING, "slack: timestamp missing");

    rq.now = 1531420618 + 301;
    is_int(sc_verify_slack(&vc, &rq), SC_VERIFY_STALE,
           "slack: now = ts + 301 is stale");
    rq.now = 1531420618 - 301;
    is_int(sc_verify_slack(&vc, &rq), SC_VERIFY_STALE,
           "slack: a timestamp 301 s ahead is stale");
    rq.now = 1531420618 + 300;
    is_int(sc_verify_slack(&vc, &rq), SC_VERIFY_OK,
           "slack: now = ts + 300 is in the window");
    rq.now = 0;
    vc.max_skew = 0;
    is_int(sc_verify_slack(&vc, &rq), SC_VERIFY_OK,
           "slack: max_skew 0 turns the window off");
    vc.max_skew = 300;
    is_int(with_secrets(sc_verify_slack, &wrong, 1), SC_VERIFY_MISMATCH,
           "slack: a stale forgery is a mismatch, not stale");
    rq.now = 1531420618;

    is_int(with(sc_verify_slack, "x-slack-request-timestamp",
                H("1531420618x")),
           SC_VERIFY_MALFORMED, "slack: timestamp with a letter");
    is_int(with(sc_verify_slack, "x-slack-request-timestamp",
                H("+1531420618")),
           SC_VERIFY_MALFORMED, "slack: signed timestamp");
    is_int(with(sc_verify_slack, "x-slack-request-timestamp",
                H("99999999999999999999")),
           SC_VERIFY_MALFORMED, "slack: 20-digit timestamp");
    is_int(with(sc_verify_slack, "x-slack-request-timestamp",
                H("1531420619")),
           SC_VERIFY_MISMATCH, "slack: the timestamp is signed");
    is_int(with(sc_verify_slack, "x-slack-signature",
                H("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd2751966648"
                  "9c69b503")),
           SC_VERIFY_MALFORMED, "slack: v1= is malformed");
    is_int(with(sc_verify_slack, "x-slack-signature",
                H("v0=A2114D57B48EAC39B9AD189DD8316235A7B4A8D21A10BD2751966648"
                  "9C69B503")),
           SC_VERIFY_OK, "slack: upper-case hex verifies");
}


static void
test_twilio(void)
{
    sc_secret_t  good = S("12345"), wrong = S("54321");
    const char  *form = "application/x-www-form-urlencoded";

    /* posted in another order than signed, '+' escaped as Twilio does */
    req("To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
        "&From=%2B14158675309&Digits=1234", 0, &good);
    url("https://mycompany.com/myapp.php?foo=1&bar=2");
    hdr("Content-Type", form);
    hdr("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");

    battery("twilio", sc_verify_twilio, good, wrong, 1);
    hostile("twilio", sc_verify_twilio, "x-twilio-signature",
            SC_VERIFY_MALFORMED);

    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("kvajT1Ptam85bY51eRf/AJRuM3w=")),
           SC_VERIFY_OK, "twilio: :443 signed, URL without a port");
    is_int(with(sc_verify_twilio, "x-twilio-signature", H("YWJj")),
           SC_VERIFY_MALFORMED, "twilio: 3-byte signature is malformed");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("RSOYDt4T1cUTdK1PDd93/VVr8B8")),
           SC_VERIFY_MALFORMED, "twilio: unpadded base64 is malformed");

    url("https://mycompany.com:443/myapp.php?foo=1&bar=2");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("kvajT1Ptam85bY51eRf/AJRuM3w=")),
           SC_VERIFY_OK, "twilio: :443 signed and in the URL");
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_OK,
           "twilio: signed without a port, URL with :443");

    url("http://mycompany.com:1234/myapp.php?foo=1&bar=2");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")),
           SC_VERIFY_OK, "twilio: http :1234 vector");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")),
           SC_VERIFY_MISMATCH,
           "twilio: a non-default port is never removed (http)");

    url("https://mycompany.com:1234/myapp.php?foo=1&bar=2");
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_MISMATCH,
           "twilio: a non-default port is never removed (https)");

    url("http://mycompany.com/myapp.php?foo=1&bar=2");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("0ZXoZLH/DfblKGATFgpif+LLRf4=")),
           SC_VERIFY_OK, "twilio: http :80 vector, URL without a port");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("kvajT1Ptam85bY51eRf/AJRuM3w=")),
           SC_VERIFY_MISMATCH, "twilio: http never gets :443");

    url("http://mycompany.com:80/myapp.php?foo=1&bar=2");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("0ZXoZLH/DfblKGATFgpif+LLRf4=")),
           SC_VERIFY_OK, "twilio: http :80 vector, URL with :80");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")),
           SC_VERIFY_OK, "twilio: signed without a port, URL with :80");

    url("http://mycompany.com:443/myapp.php?foo=1&bar=2");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("fbd3mZLChjntlj2PMwOUrmrhx7I=")),
           SC_VERIFY_OK, "twilio: http :443 is signed as is");
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")),
           SC_VERIFY_MISMATCH, "twilio: http :443 is not http's default");

    url("https://mycompany.com/myapp.php?foo=1&bar=2");
    hdrs[0].value = "application/x-www-form-urlencoded; charset=utf-8";
    hdrs[0].value_len = strlen(hdrs[0].value);
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_OK,
           "twilio: form with a charset");

    /* a body that is not a form: the URL alone, as for a GET */
    hdrs[0].value = "application/json";
    hdrs[0].value_len = strlen(hdrs[0].value);
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("zYQTYrRWXE7LtzbG4PfP7/bkkGo=")),
           SC_VERIFY_OK, "twilio: non-form body, URL alone signed");
    hdrs[0].value = form;
    hdrs[0].value_len = strlen(form);
    rq.is_get = 1;
    is_int(with(sc_verify_twilio, "x-twilio-signature",
                H("zYQTYrRWXE7LtzbG4PfP7/bkkGo=")),
           SC_VERIFY_OK, "twilio: GET, URL alone signed");
    rq.is_get = 0;

    rq.url = NULL;
    rq.url_len = 0;
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_ERROR,
           "twilio: no URL from the glue is an error");

    req("Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234", 0, &good);
    url("https://mycompany.com/myapp.php?foo=1&bar=2");
    hdr("X-Twilio-Signature", "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    battery("twilio duplicates", sc_verify_twilio, good, wrong, 1);

    req("Sid=CA123&Digits=%00", 0, &good);
    url("https://mycompany.com/myapp.php?foo=1&bar=2");
    hdr("X-Twilio-Signature", "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_MALFORMED,
           "twilio: a form with %%00 is malformed");

    req("{\"property\": \"value\", \"boolean\": true}", 0, &good);
    url("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256="
        "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
    hdr("Content-Type", "application/json");
    hdr("X-Twilio-Signature", "a9nBmqA0ju/hNViExpshrM61xv4=");
    battery("twilio json", sc_verify_twilio, good, wrong, 1);

    hdrs[0].value = form;
    hdrs[0].value_len = strlen(form);
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_OK,
           "twilio json: bodySHA256 wins over the content type");

    url("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1f");
    is_int(sc_verify_twilio(&vc, &rq), SC_VERIFY_MALFORMED,
           "twilio json: short bodySHA256 is malformed");
}


static void
test_telegram(void)
{
    sc_secret_t  good = S("s3cr3t_T0ken-x"), wrong = S("s3cr3t_T0ken-y");

    req("{\"update_id\":1}", 0, &good);
    hdr("X-Telegram-Bot-Api-Secret-Token", "s3cr3t_T0ken-x");

    battery("telegram", sc_verify_telegram, good, wrong, 0);
    hostile("telegram", sc_verify_telegram,
            "x-telegram-bot-api-secret-token", SC_VERIFY_MISMATCH);
    is_int(with(sc_verify_telegram, "x-telegram-bot-api-secret-token",
                H("s3cr3t_T0ken")),
           SC_VERIFY_MISMATCH, "telegram: a prefix is a mismatch");
    is_int(with(sc_verify_telegram, "x-telegram-bot-api-secret-token",
                H("s3cr3t_T0ken-xx")),
           SC_VERIFY_MISMATCH, "telegram: a longer token is a mismatch");
}


/* an Ed25519 signature of ts + body with the RFC 8032 TEST 1 seed */
static void
discord_sign(const char *ts, const char *body, char *hex)
{
    size_t          i, len;
    EVP_PKEY       *pkey;
    EVP_MD_CTX     *ctx;
    unsigned char   seed[32], sig[64], msg[256];

    sc_hex_decode("9d61b19deffd5a60ba844af492ec2cc4"
                  "4449c5697b326919703bac031cae7f60", 64, seed, sizeof(seed));
    len = (size_t) snprintf((char *) msg, sizeof(msg), "%s%s", ts, body);

    pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    ctx = EVP_MD_CTX_new();
    len = EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) == 1
          && EVP_DigestSign(ctx, sig, &(size_t) { 64 }, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);

    for (i = 0; i < 64; i++) {
        sprintf(hex + 2 * i, "%02x", len ? sig[i] : 0);
    }
}


static void
test_discord(void)
{
    char           hex[129];
    unsigned char  pk[32], pk2[32], bad[32];
    sc_secret_t    good, wrong, short_key, odd[2];

    sc_hex_decode("d75a980182b10ab7d54bfed3c964073a"
                  "0ee172f3daa62325af021a68f707511a", 64, pk, sizeof(pk));
    sc_hex_decode("3d4017c3e843895a92b70aa74d1b7ebc"
                  "9c982ccf2ec4968cc0cd55f12af4660c", 64, pk2, sizeof(pk2));
    good.data = pk;
    good.len = 32;
    wrong.data = pk2;
    wrong.len = 32;

    req("{\"type\":1}", 1700000000, &good);
    hdr("X-Signature-Ed25519",
        "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228"
        "ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f");
    hdr("X-Signature-Timestamp", "1700000000");

    battery("discord", sc_verify_discord, good, wrong, 1);
    hostile("discord", sc_verify_discord, "x-signature-ed25519",
            SC_VERIFY_MALFORMED);
    is_int(without(sc_verify_discord, "x-signature-timestamp"),
           SC_VERIFY_MISSING, "discord: timestamp missing");
    is_int(with(sc_verify_discord, "x-signature-timestamp", H("1700000001")),
           SC_VERIFY_MISMATCH, "discord: the timestamp is signed");
    is_int(with(sc_verify_discord, "x-signature-ed25519",
                H("1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87"
                  "b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4d"
                  "c13cd47f0")),
           SC_VERIFY_MALFORMED, "discord: 127 hex digits");
    is_int(with(sc_verify_discord, "x-signature-ed25519",
                H("zz95961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87"
                  "b6228ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4d"
                  "c13cd47f0f")),
           SC_VERIFY_MALFORMED, "discord: non-hex signature");
    /* S >= L: a signature OpenSSL refuses to decode */
    is_int(with(sc_verify_discord, "x-signature-ed25519",
                H("1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87"
                  "b6228ffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                  "ffffffffff")),
           SC_VERIFY_MISMATCH, "discord: undecodable signature, mismatch");

    short_key.data = pk;
    short_key.len = 31;
    memset(bad, 0xff, sizeof(bad));
    odd[0].data = bad;
    odd[0].len = 32;
    odd[1] = short_key;
    is_int(with_secrets(sc_verify_discord, odd, 2), SC_VERIFY_MISMATCH,
           "discord: undecodable and short keys are mismatches");
    odd[1] = good;
    is_int(with_secrets(sc_verify_discord, odd, 2), SC_VERIFY_OK,
           "discord: a good key after them verifies");

    rq.now = 1700000000 + 301;
    is_int(sc_verify_discord(&vc, &rq), SC_VERIFY_STALE,
           "discord: now = ts + 301 is stale");
    vc.max_skew = 0;
    is_int(sc_verify_discord(&vc, &rq), SC_VERIFY_OK,
           "discord: max_skew 0, no window");
    vc.max_skew = 300;

    /* a timestamp that is not unix seconds is signed, never aged */
    discord_sign("Tue, 14 Nov 2023", "{\"type\":1}", hex);
    req("{\"type\":1}", 0, &good);
    hdr("X-Signature-Ed25519", hex);
    hdr("X-Signature-Timestamp", "Tue, 14 Nov 2023");
    is_int(sc_verify_discord(&vc, &rq), SC_VERIFY_OK,
           "discord: non-numeric timestamp verifies, not aged");

    discord_sign("1700000000", "{\"type\":1}", hex);
    is_str(hex,
           "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228"
           "ae531ddbf91fb7bc28d7edf7f08604da16f54624f38a6bc0614e4dc13cd47f0f",
           "discord: the documented signature from the RFC 8032 seed");
}


static void
test_line(void)
{
    sc_secret_t  good = S("channel_secret"), wrong = S("channel_secreT");

    req("bodybodybodybody", 0, &good);
    hdr("X-Line-Signature", "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=");

    battery("line", sc_verify_line, good, wrong, 1);
    hostile("line", sc_verify_line, "x-line-signature", SC_VERIFY_MALFORMED);
    is_int(with(sc_verify_line, "x-line-signature",
                H("fe083d6be2ef15ebd31f5b1ded7090c9c0fbb6c59c942c229e3ecc8411f"
                  "137b9")),
           SC_VERIFY_MALFORMED, "line: hex is malformed");
}


static void
test_viber(void)
{
    sc_secret_t  good =
                     S("445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9");
    sc_secret_t  wrong =
                     S("445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im8");

    req("{\"event\":\"webhook\",\"timestamp\":1457764197627,"
        "\"message_token\":241256543215}", 0, &good);
    hdr("X-Viber-Content-Signature",
        "bd52434b46be1542d32bfa5e3332b757b927e183c5ef3b20a5f9877207dc55b9");

    battery("viber", sc_verify_viber, good, wrong, 1);
    hostile("viber", sc_verify_viber, "x-viber-content-signature",
            SC_VERIFY_MALFORMED);
    is_int(with(sc_verify_viber, "x-viber-content-signature",
                H("BD52434B46BE1542D32BFA5E3332B757B927E183C5EF3B20A5F9877207D"
                  "C55B9")),
           SC_VERIFY_OK, "viber: upper-case hex verifies");
    is_int(with(sc_verify_viber, "x-viber-content-signature",
                H("sha256=bd52434b46be1542d32bfa5e3332b757b927e183c5ef3b20a5f9"
                  "877207dc55b9")),
           SC_VERIFY_MALFORMED, "viber: a prefix is malformed");
}


static void
test_standard(void)
{
    char         many[1024];
    size_t       i;
    sc_secret_t  good = S("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    sc_secret_t  bare = S("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    sc_secret_t  wrong =
                     S("whsec_YSB3cm9uZyBzdGFuZGFyZCB3ZWJob29rcyBrZXkhISE=");
    sc_secret_t  junk[2] = { S("whsec_not base64!"), S("") };
    const char  *sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    req("{\"test\": 2432232314}", 1614265330, &good);
    hdr("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
    hdr("webhook-timestamp", "1614265330");
    hdr("webhook-signature", sig);

    battery("standard", sc_verify_standard, good, wrong, 1);
    hostile("standard", sc_verify_standard, "webhook-signature",
            SC_VERIFY_MALFORMED);
    is_int(without(sc_verify_standard, "webhook-id"), SC_VERIFY_MISSING,
           "standard: id missing");
    is_int(without(sc_verify_standard, "webhook-timestamp"),
           SC_VERIFY_MISSING, "standard: timestamp missing");
    is_int(with(sc_verify_standard, "webhook-timestamp", H("1614265330.5")),
           SC_VERIFY_MALFORMED, "standard: fractional timestamp");
    is_int(with(sc_verify_standard, "webhook-id", H("msg_other")),
           SC_VERIFY_MISMATCH, "standard: the id is signed");
    is_int(with_secrets(sc_verify_standard, &bare, 1), SC_VERIFY_OK,
           "standard: a key without whsec_");

    junk[1] = good;
    is_int(with_secrets(sc_verify_standard, junk, 2), SC_VERIFY_OK,
           "standard: a non-base64 secret is skipped");
    is_int(with_secrets(sc_verify_standard, junk, 1), SC_VERIFY_MISMATCH,
           "standard: only a non-base64 secret, mismatch");

    is_int(with(sc_verify_standard, "webhook-signature",
                H("v1a,AAAA v1,bm90IGEgbWFj  v2,xx "
                  "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")),
           SC_VERIFY_OK, "standard: the matching v1 among others");
    is_int(with(sc_verify_standard, "webhook-signature",
                H("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
                  "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")),
           SC_VERIFY_OK, "standard: the second v1 entry matches");
    is_int(with(sc_verify_standard, "webhook-signature",
                H("v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")),
           SC_VERIFY_MALFORMED, "standard: v1a only is not checkable");
    is_int(with(sc_verify_standard, "webhook-signature",
                H("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")),
           SC_VERIFY_MALFORMED, "standard: unpadded base64");

    many[0] = '\0';
    for (i = 0; i < 16; i++) {
        strcat(many, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ");
    }
    strcat(many, sig);
    is_int(with(sc_verify_standard, "webhook-signature", many, strlen(many)),
           SC_VERIFY_MISMATCH, "standard: only the first 16 v1 are tried");

    rq.now = 1614265330 + 301;
    is_int(sc_verify_standard(&vc, &rq), SC_VERIFY_STALE,
           "standard: now = ts + 301 is stale");
    rq.now = 1614265330 - 301;
    is_int(sc_verify_standard(&vc, &rq), SC_VERIFY_STALE,
           "standard: ts 301 s ahead is stale");

    req("{\"test\": 2432232314}", 1614265330, &good);
    hdr("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
    hdr("svix-timestamp", "1614265330");
    hdr("svix-signature", sig);
    battery("svix", sc_verify_standard, good, wrong, 1);
}


/* a Zendesk signature for any timestamp, with the primitives */
static const char *
zendesk_sign(const sc_secret_t *key, const char *ts)
{
    int                   n;
    size_t                lens[2];
    unsigned char         mac[64];
    const unsigned char  *parts[2];
    static char           b64[5][64];
    static int            next;

    parts[0] = (const unsigned char *) ts;
    lens[0] = strlen(ts);
    parts[1] = rq.body;
    lens[1] = rq.body_len;

    n = sc_hmac("sha256", key, parts, lens, 2, mac);
    next = (next + 1) % 5;
    b64[next][sc_base64_encode(mac, (size_t) n, b64[next])] = '\0';

    return b64[next];
}


/* ts signed and presented, at now: OK or STALE tells what it parsed to */
static sc_verify_rc_e
zendesk_at(const sc_secret_t *key, const char *ts, int64_t now)
{
    const char      *sig;
    sc_verify_rc_e   rc;
    sc_header_t      saved[2];

    saved[0] = *find("x-zendesk-webhook-signature");
    saved[1] = *find("x-zendesk-webhook-signature-timestamp");

    sig = zendesk_sign(key, ts);
    find("x-zendesk-webhook-signature")->value = sig;
    find("x-zendesk-webhook-signature")->value_len = strlen(sig);
    find("x-zendesk-webhook-signature-timestamp")->value = ts;
    find("x-zendesk-webhook-signature-timestamp")->value_len = strlen(ts);
    rq.now = now;

    rc = sc_verify_zendesk(&vc, &rq);

    *find("x-zendesk-webhook-signature") = saved[0];
    *find("x-zendesk-webhook-signature-timestamp") = saved[1];

    return rc;
}


static void
test_zendesk(void)
{
    size_t       i;
    sc_secret_t  good = S("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==");
    sc_secret_t  wrong = S("dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=");
    static const char  *unparsed[] = {
        "2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z",
        "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01 00:00:00Z",
        "2024-01-01T00:00:00", "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1xZ",
        "2024-1-01T00:00:00Z", "1969-12-31T23:59:59Z",
        "2024-01-01t00:00:00z", "1704067200", ""
    };

    req("{\"type\":\"test\"}", 1704067200 + 100, &good);
    hdr("X-Zendesk-Webhook-Signature",
        "uJYfkPqpz7qx0xVEazQQSAGLHVgMZDWc+7/NCq4Pk2E=");
    hdr("X-Zendesk-Webhook-Signature-Timestamp", "2024-01-01T00:00:00Z");

    battery("zendesk", sc_verify_zendesk, good, wrong, 1);
    hostile("zendesk", sc_verify_zendesk, "x-zendesk-webhook-signature",
            SC_VERIFY_MALFORMED);
    is_int(without(sc_verify_zendesk, "x-zendesk-webhook-signature-timestamp"),
           SC_VERIFY_MISSING, "zendesk: timestamp missing");
    is_int(with(sc_verify_zendesk, "x-zendesk-webhook-signature-timestamp",
                H("2024-01-01T00:00:01Z")),
           SC_VERIFY_MISMATCH, "zendesk: the timestamp is signed");

    rq.now = 1704067200 + 301;
    is_int(sc_verify_zendesk(&vc, &rq), SC_VERIFY_STALE,
           "zendesk: 2024-01-01T00:00:00Z at +301 s is stale");
    rq.now = 1704067200 - 300;
    is_int(sc_verify_zendesk(&vc, &rq), SC_VERIFY_OK,
           "zendesk: 300 s ahead is in the window");

    is_int(zendesk_at(&good, "2024-02-29T12:34:56.789Z", 1709210096),
           SC_VERIFY_OK, "zendesk: leap day with a fraction parses");
    is_int(zendesk_at(&good, "2024-02-29T12:34:56.789Z", 1709210096 + 301),
           SC_VERIFY_STALE, "zendesk: and ages");
    is_int(zendesk_at(&good, "2024-12-31T23:59:59Z", 1735689599 - 300),
           SC_VERIFY_OK, "zendesk: year end parses");
    is_int(zendesk_at(&good, "2024-12-31T23:59:59Z", 1735689599 - 301),
           SC_VERIFY_STALE, "zendesk: year end ages");
    is_int(zendesk_at(&good, "2000-02-29T00:00:00Z", 951782400),
           SC_VERIFY_OK, "zendesk: 2000 is a leap year");
    is_int(zendesk_at(&good, "1970-01-01T00:00:00Z", 0),
           SC_VERIFY_OK, "zendesk: the epoch");
    is_int(zendesk_at(&good, "9999-12-31T23:59:59Z", 253402300799LL),
           SC_VERIFY_OK, "zendesk: year 9999");

    for (i = 0; i < sizeof(unparsed) / sizeof(char *); i++) {
        is_int(zendesk_at(&good, unparsed[i], 1704067200),
               unparsed[i][0] ? SC_VERIFY_OK : SC_VERIFY_MISSING,
               "zendesk: '%s' is not ISO-8601 UTC: signed, not aged",
               unparsed[i]);
    }
}


static void
test_intercom(void)
{
    sc_secret_t  good = S("test_client_secret"), wrong = S("test_client");

    req("{\"type\":\"notification_event\",\"topic\":\"ping\"}", 0, &good);
    hdr("X-Hub-Signature", "sha1=59dc376710f2bb3f57a9fdb4921361641556cfb1");

    battery("intercom", sc_verify_intercom, good, wrong, 1);
    hostile("intercom", sc_verify_intercom, "x-hub-signature",
            SC_VERIFY_MALFORMED);
    is_int(with(sc_verify_intercom, "x-hub-signature",
                H("sha256=59dc376710f2bb3f57a9fdb4921361641556cfb1")),
           SC_VERIFY_MALFORMED, "intercom: sha256= is malformed");
    is_int(with(sc_verify_intercom, "x-hub-signature",
                H("sha1=59dc376710f2bb3f57a9fdb4921361641556cf")),
           SC_VERIFY_MALFORMED, "intercom: 19 bytes is malformed");
}


static void
test_tiktok(void)
{
    sc_secret_t  good = S("test_client_secret");
    sc_secret_t  wrong = S("Test_client_secret");
    const char  *s =
        "s=794cbb3a61c941f8d7d24ae29eafaf36d579c86d3eaed4133f6c75266d6e6d12";
    char         h[256];

    req("{\"event\":\"authorization.removed\"}", 1633174587, &good);
    snprintf(h, sizeof(h), "t=1633174587,%s", s);
    hdr("TikTok-Signature", h);

    battery("tiktok", sc_verify_tiktok, good, wrong, 1);
    hostile("tiktok", sc_verify_tiktok, "tiktok-signature",
            SC_VERIFY_MALFORMED);

    rq.now = 1633174587 + 301;
    is_int(sc_verify_tiktok(&vc, &rq), SC_VERIFY_STALE,
           "tiktok: now = t + 301 is stale");
    rq.now = 1633174587;

    snprintf(h, sizeof(h), "%s,t=1633174587", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)), SC_VERIFY_OK,
           "tiktok: s before t");
    snprintf(h, sizeof(h), " t=1633174587 , %s , v=2", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)), SC_VERIFY_OK,
           "tiktok: spaces and an unknown element");
    snprintf(h, sizeof(h), "t=1633174587,s=%064d,%s", 0, s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)), SC_VERIFY_OK,
           "tiktok: the second s matches");
    snprintf(h, sizeof(h), "t=1633174587,t=1633174587,%s", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)),
           SC_VERIFY_MALFORMED, "tiktok: two t");
    snprintf(h, sizeof(h), "t=1633174587x,%s", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)),
           SC_VERIFY_MALFORMED, "tiktok: t not digits");
    snprintf(h, sizeof(h), "%s", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)),
           SC_VERIFY_MALFORMED, "tiktok: no t");
    is_int(with(sc_verify_tiktok, "tiktok-signature", H("t=1633174587")),
           SC_VERIFY_MALFORMED, "tiktok: no s");
    is_int(with(sc_verify_tiktok, "tiktok-signature",
                H("t=1633174587,s=794cbb3a")),
           SC_VERIFY_MALFORMED, "tiktok: short s");
    snprintf(h, sizeof(h), "t=1633174588,%s", s);
    is_int(with(sc_verify_tiktok, "tiktok-signature", H(h)),
           SC_VERIFY_MISMATCH, "tiktok: t is signed");
}


static void
test_github(void)
{
    sc_secret_t  good = S("It's a Secret to Everybody");
    sc_secret_t  wrong = S("It's a Secret to Nobody");

    req("Hello, World!", 0, &good);
    hdr("X-Hub-Signature-256",
        "sha256=757107ea0eb2509fc211221cce984b8a"
        "37570b6d7586c22c46f4379c8b043e17");

    battery("github", sc_verify_github, good, wrong, 1);
    hostile("github", sc_verify_github, "x-hub-signature-256",
            SC_VERIFY_MALFORMED);
}


static void
test_meta(void)
{
    sc_secret_t  good = S("test_app_secret"), wrong = S("old_secret");

    req("{\"object\":\"page\",\"entry\":[]}", 0, &good);
    hdr("X-Hub-Signature-256",
        "sha256=5da47c9c7409e70d7a1851f0cfd9bc27"
        "786bd99587a9bf1dd5b51e23a2de03cf");

    battery("meta", sc_verify_meta, good, wrong, 1);
    hostile("meta", sc_verify_meta, "x-hub-signature-256",
            SC_VERIFY_MALFORMED);
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

    test_meta();
    test_x();
    test_slack();
    test_twilio();
    test_telegram();
    test_discord();
    test_line();
    test_viber();
    test_standard();
    test_zendesk();
    test_intercom();
    test_tiktok();
    test_github();

    return done_testing();
}
