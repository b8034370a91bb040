/*
 * Copyright (C) ngx_social_care_module authors
 *
 * bench/classify.c: the classifier's scores and speed on a labeled set.
 * Scores per intent (precision, recall, F1), private data, priority 1;
 * then microseconds per message, each the median of many timed calls, for
 * sc_classify alone and with sc_reply_compose after it, and for a
 * 280-character message.  Built with -O2 by bench/classify.sh.
 *
 *   bench/classify.sh [-v] [rules [labeled set]]
 */

#define SC_CLASSIFY_BENCH
#include "test_classify.c"

#include <time.h>

#include "sc_reply.h"


#define RUNS       101      /* timed calls per message: odd, for a median */
#define TWEET_LEN  280


static double
now_us(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}


static int
cmp_double(const void *a, const void *b)
{
    double  x, y;

    x = *(const double *) a;
    y = *(const double *) b;

    return (x > y) - (x < y);
}


/* the median of RUNS calls on ev: classify, then compose when asked */
static double
time_one(const sc_rules_t *rules, const sc_event_t *ev, int compose)
{
    int          r;
    double       t0, runs[RUNS];
    sc_class_t   cls;
    sc_reply_t   reply;

    for (r = 0; r < RUNS; r++) {
        t0 = now_us();

        if (sc_classify(rules, ev, INFLUENCER, &cls) != 0) {
            return -1;
        }

        if (compose && sc_reply_compose(NULL, ev, &cls, "meta", 0, 0, &reply)
                       > 0)
        {
            sc_reply_free(&reply);
        }

        sc_class_free(&cls);
        runs[r] = now_us() - t0;
    }

    qsort(runs, RUNS, sizeof(double), cmp_double);

    return runs[RUNS / 2];
}


/* medians per message, summarized: median, 99th percentile, maximum */
static void
time_set(const sc_rules_t *rules, const set_t *set, int compose)
{
    size_t       i;
    double      *t;
    sc_event_t   ev;

    t = malloc(set->n * sizeof(double));
    if (t == NULL) {
        return;
    }

    for (i = 0; i < set->n; i++) {
        sample_event(&set->s[i], &ev);
        t[i] = time_one(rules, &ev, compose);
    }

    qsort(t, set->n, sizeof(double), cmp_double);

    printf("%-20s median %6.2f us   p99 %6.2f us   max %6.2f us\n",
           compose ? "classify + compose" : "classify", t[set->n / 2],
           t[set->n * 99 / 100], t[set->n - 1]);

    free(t);
}


/* the set's own words run together up to 280 characters, like a tweet */
static void
time_tweet(const sc_rules_t *rules, const set_t *set)
{
    char         text[TWEET_LEN + 1];
    size_t       i, n, len;
    sc_event_t   ev;

    n = 0;
    for (i = 0; i < set->n && n < TWEET_LEN; i += 7) {
        len = strlen(set->s[i].text);
        if (n + len + 1 > TWEET_LEN) {
            len = TWEET_LEN - n - 1;
        }
        memcpy(text + n, set->s[i].text, len);
        n += len;
        text[n++] = ' ';
    }
    text[n - 1] = '\0';

    memset(&ev, 0, sizeof(sc_event_t));
    ev.text = text;
    ev.answerable = 1;
    ev.visibility = SC_VISIBILITY_PUBLIC;

    printf("%zu characters:      classify %6.2f us   + compose %6.2f us\n",
           strlen(text), time_one(rules, &ev, 0), time_one(rules, &ev, 1));
}


int
main(int argc, char **argv)
{
    int          verbose;
    char         err[512];
    set_t        set;
    score_t      sc;
    const char  *path, *labeled;
    sc_rules_t  *rules;

    verbose = (argc > 1 && strcmp(argv[1], "-v") == 0);
    argv += verbose;
    argc -= verbose;

    path = argc > 1 ? argv[1] : RULES_ES;
    labeled = argc > 2 ? argv[2] : LABELED;

    rules = sc_rules_load(path, err, sizeof(err));
    if (rules == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }

    if (set_load(labeled, &set) != 0 || set.n == 0) {
        fprintf(stderr, "%s: no messages\n", labeled);
        sc_rules_free(rules);
        return 1;
    }

    printf("%s with %s\n\n", labeled, path);

    evaluate(rules, &set, NULL, &sc, verbose);
    report(&sc, "");

    printf("\n");
    time_set(rules, &set, 0);
    time_set(rules, &set, 1);
    time_tweet(rules, &set);

    set_free(&set);
    sc_rules_free(rules);

    return 0;
}
