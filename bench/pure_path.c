/*
 * pure_path.c: verify + parse + classify + compose for one ~1 KB Meta
 * webhook, N times: callgrind counts its instructions (bench/pure_path.sh).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_classify.h"
#include "sc_reply.h"


int
main(int argc, char **argv)
{
    int               i, n;
    size_t            k, len;
    char              body[2048], sig[80];
    unsigned char     mac[64];
    sc_events_t       evs;
    sc_answer_t       answer;
    sc_class_t        cls;
    sc_reply_t        reply;
    sc_rules_t       *rules;
    sc_header_t       h[1];
    sc_request_t      rq;
    sc_secret_t       secret = { (const unsigned char *) "test_app_secret", 15 };
    sc_verify_conf_t  vc = { &secret, 1, NULL, 300 };
    const sc_platform_t  *meta;
    const unsigned char  *parts[1];
    char              err[256];

    n = argc > 1 ? atoi(argv[1]) : 1000;

    len = (size_t) snprintf(body, sizeof(body),
        "{\"object\":\"page\",\"entry\":[{\"id\":\"100200300\",\"time\":"
        "1795443797000,\"messaging\":[{\"sender\":{\"id\":\"6543210987654321\"}"
        ",\"recipient\":{\"id\":\"100200300\"},\"timestamp\":1795443797000,"
        "\"message\":{\"mid\":\"m_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg"
        "hijklmnopqrstuvwxyz\",\"text\":\"Hi, this is the third time I write."
        " My card payment failed twice this morning at the supermarket and "
        "the app keeps showing an error when I try to log in. I was charged "
        "a fee for the failed payment too, which is not fair at all. Can "
        "someone please check my account and call me back? I have been a "
        "customer for 12 years and I am seriously thinking about closing "
        "my account if this is not fixed today. Thanks in advance, Maria\"}"
        "}]}]}");

    parts[0] = (const unsigned char *) body;
    k = len;
    (void) sc_hmac("sha256", &secret, parts, &k, 1, mac);
    memcpy(sig, "sha256=", 7);
    for (k = 0; k < 32; k++) {
        sprintf(sig + 7 + 2 * k, "%02x", mac[k]);
    }

    h[0].name = "X-Hub-Signature-256";
    h[0].name_len = 19;
    h[0].value = sig;
    h[0].value_len = strlen(sig);

    memset(&rq, 0, sizeof(rq));
    rq.headers = h;
    rq.nheaders = 1;
    rq.body = (const unsigned char *) body;
    rq.body_len = len;
    rq.now = 1795443797;

    rules = sc_rules_load(NULL, err, sizeof(err));
    meta = sc_platform_find("meta", 4);

    if (rules == NULL || meta == NULL) {
        fprintf(stderr, "setup failed: %s\n", err);
        return 1;
    }

    for (i = 0; i < n; i++) {
        if (meta->verify(&vc, &rq) != SC_VERIFY_OK) {
            fprintf(stderr, "verify failed\n");
            return 1;
        }

        sc_events_init(&evs);
        memset(&answer, 0, sizeof(answer));

        if (meta->parse(&rq, &evs, &answer, err, sizeof(err)) != SC_PARSE_OK
            || evs.nevents != 1
            || sc_classify(rules, &evs.events[0], 10000, &cls) != 0
            || sc_reply_compose(NULL, &evs.events[0], &cls, "meta",
                                rq.now, 0, &reply) < 0)
        {
            fprintf(stderr, "pipeline failed: %s\n", err);
            return 1;
        }

        sc_reply_free(&reply);
        sc_class_free(&cls);
        sc_events_free(&evs);
    }

    printf("body %zu bytes, %d iterations\n", len, n);
    sc_rules_free(rules);

    return 0;
}
