/*
 * test_classify.c: the classifier (sc_classify.c, sc_classify_pii.c):
 * targeted cases, rules-file errors, and minimum scores over the labeled
 * set t/classify/labeled.tsv.  Run from the repository root.
 *
 * SC_CLASSIFY_VERBOSE=1 lists every message the classifier gets wrong.
 * bench/classify.c includes this file for its loader and scoring.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SC_CLASSIFY_BENCH
#include "tap.h"
#endif
#include "sc_classify.h"


#define LABELED      "t/classify/labeled.tsv"
#define HOLDOUT      "t/classify/holdout.tsv"
#define RULES        "rules/default.rules"
#define RULES_ES     "rules/es.rules"
#define INFLUENCER   10000

#define LINE_MAX_    4096


typedef struct {
    sc_intent_e       intent;
    int               priority;
    unsigned          pii;
    char             *topics;       /* "card,fraud" or "" */
    sc_visibility_e   visibility;
    int64_t           followers;
    char              lang[4];
    char             *text;
} sample_t;


typedef struct {
    sample_t         *s;
    size_t            n;
} set_t;


typedef struct {
    unsigned          n;
    unsigned          tp[SC_INTENT_COUNT];
    unsigned          fp[SC_INTENT_COUNT];
    unsigned          fn[SC_INTENT_COUNT];
    unsigned          pii_tp, pii_fp, pii_fn;
    unsigned          p1_tp, p1_fp, p1_fn;
    unsigned          prio_ok;
    unsigned          topic_tp, topic_fp, topic_fn;
} score_t;


static const char  *pii_kinds[] = {
    "card", "iban", "account", "routing", "national_id", "email", "phone",
    "secret"
};


static unsigned
pii_parse(const char *s)
{
    size_t    i, n;
    unsigned  mask;

    mask = 0;

    while (*s && *s != '-') {
        n = strcspn(s, ",");
        for (i = 0; i < 8; i++) {
            if (strlen(pii_kinds[i]) == n && strncmp(s, pii_kinds[i], n) == 0) {
                mask |= 1u << i;
            }
        }
        s += n + (s[n] == ',');
    }

    return mask;
}


static int
intent_parse(const char *s)
{
    int  i;

    for (i = 0; i < SC_INTENT_COUNT; i++) {
        if (strcmp(s, sc_intent_name((sc_intent_e) i)) == 0) {
            return i;
        }
    }

    return -1;
}


/* the labeled set: tab-separated, '#' comments (see its header) */
static int
set_load(const char *path, set_t *set)
{
    int        intent;
    FILE      *f;
    char       line[LINE_MAX_], *col[8], *p;
    size_t     i, nalloc, lineno;
    sample_t  *s, *grown;

    memset(set, 0, sizeof(set_t));

    f = fopen(path, "r");
    if (f == NULL) {
        printf("# cannot open %s\n", path);
        return -1;
    }

    nalloc = 0;
    lineno = 0;

    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';

        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }

        p = line;
        for (i = 0; i < 8; i++) {
            col[i] = p;
            p = (i < 7) ? strchr(p, '\t') : NULL;
            if (i < 7 && p == NULL) {
                break;
            }
            if (p != NULL) {
                *p++ = '\0';
            }
        }

        intent = intent_parse(col[0]);

        if (i < 8 || intent < 0) {
            printf("# %s:%zu: bad line\n", path, lineno);
            fclose(f);
            return -1;
        }

        if (set->n == nalloc) {
            nalloc = nalloc ? nalloc * 2 : 256;
            grown = realloc(set->s, nalloc * sizeof(sample_t));
            if (grown == NULL) {
                fclose(f);
                return -1;
            }
            set->s = grown;
        }

        s = &set->s[set->n++];
        s->intent = (sc_intent_e) intent;
        s->priority = atoi(col[1]);
        s->topics = strdup(strcmp(col[2], "-") ? col[2] : "");
        s->pii = pii_parse(col[3]);
        s->visibility = strcmp(col[4], "public") ? SC_VISIBILITY_PRIVATE
                                                 : SC_VISIBILITY_PUBLIC;
        s->followers = atoll(col[5]);
        snprintf(s->lang, sizeof(s->lang), "%s", col[6]);
        s->text = strdup(col[7]);

        if (s->topics == NULL || s->text == NULL) {
            fclose(f);
            return -1;
        }
    }

    fclose(f);

    return 0;
}


static void
set_free(set_t *set)
{
    size_t  i;

    for (i = 0; i < set->n; i++) {
        free(set->s[i].topics);
        free(set->s[i].text);
    }

    free(set->s);
    memset(set, 0, sizeof(set_t));
}


static void
sample_event(const sample_t *s, sc_event_t *ev)
{
    memset(ev, 0, sizeof(sc_event_t));
    ev->text = s->text;
    ev->author_followers = s->followers;
    ev->visibility = s->visibility;
    ev->answerable = 1;
}


/* is name in the comma-separated list? */
static int
in_list(const char *list, const char *name)
{
    size_t  n, len;

    len = strlen(name);

    while (*list) {
        n = strcspn(list, ",");
        if (n == len && strncmp(list, name, n) == 0) {
            return 1;
        }
        list += n + (list[n] == ',');
    }

    return 0;
}


static void
score_topics(const sample_t *s, const sc_class_t *cls, score_t *sc)
{
    size_t       i, n, found;
    const char  *p;

    found = 0;
    for (i = 0; i < cls->ntopics; i++) {
        if (in_list(s->topics, cls->topics[i])) {
            sc->topic_tp++;
            found++;
        } else {
            sc->topic_fp++;
        }
    }

    n = 0;
    for (p = s->topics; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != 0))
    {
        n++;
    }

    sc->topic_fn += n - found;
}


/*
 * Classifies the samples of language lang (NULL: all) and counts hits.
 * verbose lists the misses.
 */
static void
evaluate(const sc_rules_t *rules, const set_t *set, const char *lang,
    score_t *sc, int verbose)
{
    int          miss;
    size_t       i, k;
    unsigned     bit;
    sc_event_t   ev;
    sc_class_t   cls;
    const sample_t *s;

    memset(sc, 0, sizeof(score_t));

    for (i = 0; i < set->n; i++) {
        s = &set->s[i];
        if (lang != NULL && strcmp(s->lang, lang) != 0) {
            continue;
        }

        sample_event(s, &ev);
        if (sc_classify(rules, &ev, INFLUENCER, &cls) != 0) {
            continue;
        }

        sc->n++;
        miss = 0;

        if (cls.intent == s->intent) {
            sc->tp[s->intent]++;
        } else {
            sc->fp[cls.intent]++;
            sc->fn[s->intent]++;
            miss = 1;
        }

        for (k = 0; k < 8; k++) {
            bit = 1u << k;
            if ((cls.pii & bit) && (s->pii & bit)) {
                sc->pii_tp++;
            } else if (cls.pii & bit) {
                sc->pii_fp++;
                miss = 1;
            } else if (s->pii & bit) {
                sc->pii_fn++;
                miss = 1;
            }
        }

        if (cls.priority == s->priority) {
            sc->prio_ok++;
        } else {
            miss |= (cls.priority == 1 || s->priority == 1);
        }

        sc->p1_tp += (cls.priority == 1 && s->priority == 1);
        sc->p1_fp += (cls.priority == 1 && s->priority != 1);
        sc->p1_fn += (cls.priority != 1 && s->priority == 1);

        score_topics(s, &cls, sc);

        if (verbose && miss) {
            printf("# miss: %s/%d pii %x, want %s/%d pii %x (%.2f) %s\n",
                   sc_intent_name(cls.intent), cls.priority, cls.pii,
                   sc_intent_name(s->intent), s->priority, s->pii,
                   cls.sentiment, s->text);
        }

        sc_class_free(&cls);
    }
}


static double
ratio(unsigned a, unsigned b)
{
    return b ? (double) a / b : 1.0;
}


static double
f1(double p, double r)
{
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}


static double
precision(const score_t *sc, int k)
{
    return ratio(sc->tp[k], sc->tp[k] + sc->fp[k]);
}


static double
recall(const score_t *sc, int k)
{
    return ratio(sc->tp[k], sc->tp[k] + sc->fn[k]);
}


/* the scores as a table, each line after prefix */
static void
report(const score_t *sc, const char *prefix)
{
    int  k;

    printf("%s%-10s %6s %6s %6s %5s\n", prefix, "class", "P", "R", "F1",
           "n");

    for (k = 0; k < SC_INTENT_COUNT; k++) {
        printf("%s%-10s %6.3f %6.3f %6.3f %5u\n", prefix,
               sc_intent_name((sc_intent_e) k), precision(sc, k),
               recall(sc, k), f1(precision(sc, k), recall(sc, k)),
               sc->tp[k] + sc->fn[k]);
    }

    printf("%sprivate data: P %.3f R %.3f (%u items)\n", prefix,
           ratio(sc->pii_tp, sc->pii_tp + sc->pii_fp),
           ratio(sc->pii_tp, sc->pii_tp + sc->pii_fn),
           sc->pii_tp + sc->pii_fn);
    printf("%spriority 1: P %.3f R %.3f (%u); priority exact %.3f\n", prefix,
           ratio(sc->p1_tp, sc->p1_tp + sc->p1_fp),
           ratio(sc->p1_tp, sc->p1_tp + sc->p1_fn), sc->p1_tp + sc->p1_fn,
           ratio(sc->prio_ok, sc->n));
    printf("%stopics: P %.3f R %.3f; %u messages\n", prefix,
           ratio(sc->topic_tp, sc->topic_tp + sc->topic_fp),
           ratio(sc->topic_tp, sc->topic_tp + sc->topic_fn), sc->n);
}


#ifndef SC_CLASSIFY_BENCH


static sc_rules_t  *rules;
static sc_class_t   last;


/* classifies text as a post of an ordinary author; valid until the next */
static sc_class_t *
classify(const char *text)
{
    sc_class_t  *cls;
    sc_event_t   ev;

    cls = &last;
    sc_class_free(cls);
    memset(&ev, 0, sizeof(sc_event_t));
    ev.text = text;
    ev.answerable = 1;

    if (sc_classify(rules, &ev, INFLUENCER, cls) != 0) {
        memset(cls, 0, sizeof(sc_class_t));
    }

    return cls;
}


static double
feel(const char *text)
{
    return classify(text)->sentiment;
}


static int
has_topic(const sc_class_t *cls, const char *name)
{
    size_t  i;

    for (i = 0; i < cls->ntopics; i++) {
        if (strcmp(cls->topics[i], name) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the text redacted, or the text itself when nothing was found */
static const char *
redact(const char *text, unsigned *kinds)
{
    static char  out[1024];
    char        *red;
    unsigned     k;

    red = NULL;
    k = 0;
    if (kinds != NULL) {
        *kinds = 0;
    }

    if (sc_pii_redact(text, strlen(text), &k, &red) != 0) {
        return "(out of memory)";
    }

    snprintf(out, sizeof(out), "%s", red ? red : text);
    free(red);

    if (kinds != NULL) {
        *kinds = k;
    }

    return out;
}


static void
test_sentiment(void)
{
    double  s;

    ok(feel("I am happy with the service") > 0.2, "happy is positive");
    ok(feel("I am not happy with the service") < -0.2,
       "negation: not happy is negative");
    ok(feel("the app is not bad at all") > 0, "negation: not bad leans up");
    ok(feel("the service was very bad") < feel("the service was bad"),
       "intensifier: very bad is worse than bad");
    ok(feel("the service was slightly bad") > feel("the service was bad"),
       "diminisher: slightly bad is milder");
    ok(feel("the service was BAD today") < feel("the service was bad today"),
       "a word in capitals weighs more");
    ok(feel("the service was baaaad") < feel("the service was bad"),
       "an elongated word weighs more");
    ok(feel("the service was bad!!!") < feel("the service was bad"),
       "exclamation marks weigh more");
    ok(feel("the app is good but slow") < 0,
       "contrast: what follows 'but' counts more");
    ok(feel("😡") < -0.3 && feel("😍") > 0.3, "emoji carry sentiment");
    ok(feel("thanks ❤️") > feel("thanks"), "emoji with a variation selector");
    ok(feel("delivery again :(") < 0 && feel("got it :)") > 0
       && feel("lol :D") > 0, "emoticons carry sentiment");
    ok(feel("sent you a DM") == 0, "nothing to go on is neutral");

    s = feel("WORST WORST HORRIBLE AWFUL TERRIBLE 😡😡😡😡 !!!!!!!");
    ok(s >= -1 && s < -0.9, "sentiment stays in [-1, 1]: %.3f", s);
    s = feel("amazing amazing love love best best 😍😍😍 !!!!");
    ok(s <= 1 && s > 0.9, "and at the top: %.3f", s);
}


/* the priority of text from an author with followers, seen as vis */
static int
priority(const char *text, int64_t followers, int64_t threshold,
    sc_visibility_e vis)
{
    int         prio;
    sc_event_t  ev;
    sc_class_t  cls;

    memset(&ev, 0, sizeof(sc_event_t));
    ev.text = text;
    ev.author_followers = followers;
    ev.visibility = vis;

    if (sc_classify(rules, &ev, threshold, &cls) != 0) {
        return -1;
    }

    prio = cls.priority;
    sc_class_free(&cls);

    return prio;
}


static void
test_intent(void)
{
    size_t       i;
    sc_class_t  *c;
    sc_event_t   ev;
    sc_class_t   own;

    static const struct {
        const char   *text;
        sc_intent_e   intent;
        int           priority;
        const char   *why;
    } cases[] = {
        { "How do I reset my online banking password?",
          SC_INTENT_QUESTION, 3, "a how-to is a question, priority 3" },
        { "my card got declined AGAIN, this is ridiculous",
          SC_INTENT_COMPLAINT, 2, "a failure is a complaint, priority 2" },
        { "thank you so much, great service!",
          SC_INTENT_PRAISE, 4, "thanks is praise, priority 4" },
        { "would be nice if the app had dark mode",
          SC_INTENT_FEEDBACK, 4, "a suggestion is feedback" },
        { "FREE bitcoin giveaway \xf0\x9f\x9a\x80\xf0\x9f\x9a\x80 click "
          "here bit.ly/fr33", SC_INTENT_SPAM, 4, "a giveaway is spam" },
        { "Was your account hacked? DM me, I helped 200 people recover your"
          " account in minutes https://recover.example",
          SC_INTENT_SPAM, 4, "a recovery scam is spam, and no crisis" },
        { "you people are useless morons",
          SC_INTENT_ABUSE, 4, "insults are abuse" },
        { "you idiots charged me twice. refund it now",
          SC_INTENT_COMPLAINT, 2, "an insult beside a failure: complaint" },
        { "ok", SC_INTENT_OTHER, 4, "ok is nothing to go on" },
        { "Great job losing my bag AGAIN \xf0\x9f\x91\x8f",
          SC_INTENT_COMPLAINT, 2, "sarcasm is a complaint" },
        { "thanks for catching the fraud on my card so fast!",
          SC_INTENT_PRAISE, 4, "thanks for stopping fraud is no crisis" },
        { "is the app down? can't log in",
          SC_INTENT_COMPLAINT, 1, "an outage: priority 1" },
        { "whats the cutoff for wires", SC_INTENT_QUESTION, 3,
          "apostrophes dropped: whats is what's" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        c = classify(cases[i].text);
        ok(c->intent == cases[i].intent && c->priority == cases[i].priority,
           "%s", cases[i].why);
        if (c->intent != cases[i].intent || c->priority != cases[i].priority) {
            printf("#   got %s/%d\n", sc_intent_name(c->intent), c->priority);
        }
    }

    c = classify("How do I reset my online banking password?");
    ok(has_topic(c, "login"), "password: the login topic");

    c = classify("FREE bitcoin giveaway click here bit.ly/fr33");
    ok(c->ntopics == 0 && !c->crisis, "spam has no topics, opens no crisis");

    c = classify("my card got declined AGAIN");
    is_str(c->team, "cards", "the card team owns a declined card");

    c = classify("my debit card was stolen and someone used it");
    ok(c->priority == 1 && c->crisis, "stolen card: crisis, priority 1");
    is_str(c->topics[0], "fraud", "crisis topics come first");
    is_str(c->team, "fraud", "the fraud team owns it");
    ok(has_topic(c, "card"), "and the card topic follows");

    is_int(priority("my package is late", 250000, INFLUENCER,
                    SC_VISIBILITY_PUBLIC), 1,
           "an influencer's complaint is priority 1");
    is_int(priority("my package is late", 250000, 0, SC_VISIBILITY_PUBLIC), 2,
           "influencer threshold 0: off");
    is_int(priority("my package is late", INFLUENCER, INFLUENCER,
                    SC_VISIBILITY_PUBLIC), 2,
           "exactly the threshold is not above it");
    is_int(priority("@bank what is the limit on 4242 4242 4242 4242?", 0,
                    INFLUENCER, SC_VISIBILITY_PUBLIC), 2,
           "a card number in public: priority 2");
    is_int(priority("@bank what is the limit on 4242 4242 4242 4242?", 0,
                    INFLUENCER, SC_VISIBILITY_PRIVATE), 3,
           "in private, the question's own 3");

    memset(&ev, 0, sizeof(sc_event_t));
    ev.from_brand = 1;
    ev.author_followers = 250000;
    ev.text = "Sorry about that! Your card 4242 4242 4242 4242 is unblocked";
    is_int(sc_classify(rules, &ev, INFLUENCER, &own), 0, "classify");
    ok(own.intent == SC_INTENT_OTHER && own.priority == 4,
       "the brand's own message is not triaged");
    ok(own.pii == SC_PII_CARD && own.redacted != NULL, "but it is redacted");
    sc_class_free(&own);

    memset(&ev, 0, sizeof(sc_event_t));
    is_int(sc_classify(rules, &ev, INFLUENCER, &own), 0, "no text at all");
    ok(own.intent == SC_INTENT_OTHER && own.redacted == NULL, "is other");
    sc_class_free(&own);

    is_int(sc_classify(NULL, &ev, INFLUENCER, &own), 0, "no rules");
    sc_class_free(&own);

    is_str(sc_intent_name(SC_INTENT_ABUSE), "abuse", "intent names");
    is_str(sc_intent_name((sc_intent_e) 99), "other", "out of range: other");
}


static void
test_pii(void)
{
    size_t       i;
    unsigned     k;
    json_t      *a;
    char        *dump;
    const char  *got;

    /* want NULL: nothing found, the text stays as it is */
    static const struct {
        const char  *text;
        const char  *want;
        unsigned     kinds;
        const char  *why;
    } cases[] = {
        { "my card 4242 4242 4242 4242 was declined",
          "my card ****4242 was declined", SC_PII_CARD, "card with spaces" },
        { "4111-1111-1111-1111.", "****1111.", SC_PII_CARD,
          "card with dashes" },
        { "amex 3782 822463 10005 ok", "amex ****0005 ok", SC_PII_CARD,
          "Amex grouping 4-6-5" },
        { "4242 4242 4242 4241", NULL, 0, "Luhn: one digit off, no card" },
        { "ref 1234 5678 9012 3456", NULL, 0, "Luhn: a reference number" },

        { "IBAN GB82 WEST 1234 5698 7654 32 thanks", "IBAN ****5432 thanks",
          SC_PII_IBAN, "IBAN grouped" },
        { "de89370400440532013000", "****3000", SC_PII_IBAN,
          "IBAN lowercase, not grouped" },
        { "GB82 WEST 1234 5698 7654 33", NULL, 0, "mod 97: one digit off" },
        { "DE89 3704 0044 0532 0130 01", NULL, 0,
          "a mistyped IBAN's digits are no card either" },

        { "ssn 123-45-6789", "ssn ****6789", SC_PII_NATIONAL, "SSN" },
        { "000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000",
          NULL, 0, "SSN ranges: area 000, 666, 9xx; group 00; serial 0000" },
        { "DNI 12345678Z", "DNI ****5678", SC_PII_NATIONAL,
          "DNI, its letter checks" },
        { "DNI 12345678A", NULL, 0, "a wrong DNI letter" },

        { "routing 021000021 account 000123456789",
          "routing ****0021 account ****6789",
          SC_PII_ROUTING | SC_PII_ACCOUNT, "routing and account numbers" },
        { "routing 021000022", NULL, 0, "ABA checksum" },
        { "my a/c 30119928 please", "my a/c ****9928 please", SC_PII_ACCOUNT,
          "account after a/c" },
        { "order 30119928, 12345678 and account 4471", NULL, 0,
          "no account number without the word, nor of 4 digits" },

        { "mail john.doe@example.com.", "mail j***@example.com.",
          SC_PII_EMAIL, "email" },
        { "ask @john_doe or admin@localhost", NULL, 0,
          "handles and hosts are no emails" },

        { "call +1 (415) 555-2671 or 415.555.2671",
          "call ****2671 or ****2671", SC_PII_PHONE, "US phones" },
        { "+44 20 7946 0958, 07700 900123, +34 612 345 678",
          "****0958, ****0123, ****5678", SC_PII_PHONE,
          "international and national phones" },
        { "my number is 4155552671", "my number is ****2671", SC_PII_PHONE,
          "ten digits after 'my number'" },
        { "order 415-555-2671, on 2024-05-18 or 05/18/2024 at 10:45, "
          "$1,234.56 or 1.234,56 EUR, order 4155552671, #20240311778",
          NULL, 0, "orders, dates, times and amounts are no phones" },

        { "my pin is 1234", "my pin is ****", SC_PII_SECRET, "a PIN" },
        { "password: hunter2", "password: ****", SC_PII_SECRET,
          "a password" },
        { "pw is Fluffy#99. help", "pw is ****. help", SC_PII_SECRET,
          "a password after 'is'" },
        { "the code you texted me is 482913",
          "the code you texted me is ****", SC_PII_SECRET,
          "a one-time code" },
        { "my password is not working, zip code 90210, error code 5003",
          NULL, 0, "no value, no secret" },
        { "what's the password requirement? too weak", NULL, 0,
          "a word and its question mark are no password" },
        { "he took the otp and debited Rs 25000, another INR 4999",
          NULL, 0, "an amount after a code's name is no code" },
        { "otp 482913 then they took rs 25000",
          "otp **** then they took rs 25000", SC_PII_SECRET,
          "the code masked, the amount kept" },

        { "card 4111111111111111, mail ana@x.es, pin: 0852",
          "card ****1111, mail a***@x.es, pin: ****",
          SC_PII_CARD | SC_PII_EMAIL | SC_PII_SECRET, "several at once" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got = redact(cases[i].text, &k);
        is_str(got, cases[i].want ? cases[i].want : cases[i].text, "%s",
               cases[i].why);
        is_int(k, cases[i].kinds, "  and its kinds");
    }

    a = json_array();
    is_int(sc_pii_names(SC_PII_CARD | SC_PII_NATIONAL | SC_PII_SECRET, a), 0,
           "pii names");
    dump = json_dumps(a, JSON_COMPACT);
    is_str(dump, "[\"card\",\"national_id\",\"secret\"]", "names in order");
    free(dump);
    json_decref(a);
}


static void
test_pii_json(void)
{
    char      *dump;
    json_t    *root;
    unsigned   k;

    root = json_loads("{\"entry\":[{\"id\":\"4111111111111111\","
                      "\"message\":{\"mid\":\"4242424242424242\","
                      "\"text\":\"my card is 4111111111111111\"},"
                      "\"sender_id\":\"4111111111111111\"}],"
                      "\"note\":[\"call 415-555-2671\",7,null],"
                      "\"userId\":\"4111111111111111\"}", 0, NULL);
    ok(root != NULL, "payload parses");

    k = sc_pii_redact_json(root);
    is_int(k, SC_PII_CARD | SC_PII_PHONE, "kinds found in the tree");

    dump = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
    is_str(dump, "{\"entry\":[{\"id\":\"4111111111111111\",\"message\":"
           "{\"mid\":\"4242424242424242\",\"text\":\"my card is ****1111\"},"
           "\"sender_id\":\"4111111111111111\"}],\"note\":[\"call ****2671\""
           ",7,null],\"userId\":\"4111111111111111\"}",
           "strings masked in place, identifiers kept");
    free(dump);
    json_decref(root);

    is_int(sc_pii_redact_json(NULL), 0, "no tree, nothing found");
}


/* writes name in dir with text; the path in path */
static void
put(const char *dir, const char *name, const char *text, char *path,
    size_t size)
{
    FILE  *f;

    snprintf(path, size, "%s/%s", dir, name);

    f = fopen(path, "w");
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}


/* loading text as a rules file fails with want in the message */
static void
load_fails(const char *dir, const char *text, const char *want)
{
    char         path[512], err[512];
    sc_rules_t  *r;

    put(dir, "bad.rules", text, path, sizeof(path));
    err[0] = '\0';

    r = sc_rules_load(path, err, sizeof(err));
    ok(r == NULL && strstr(err, want) != NULL, "refused: %s", err);
    if (r == NULL && strstr(err, want) == NULL) {
        printf("#   expected: '%s'\n", want);
    }

    sc_rules_free(r);
}


static void
test_rules_file(void)
{
    int          i;
    char         dir[] = "/tmp/test_classify_XXXXXX";
    char         path[512], err[512], many[4096];
    size_t       n;
    sc_event_t   ev;
    sc_class_t   cls;
    sc_rules_t  *r;

    /* a rules file, and what its error message must say */
    static const char  *bad[][2] = {
        { "topik card cards\n    card\n",
          "bad.rules:1: unknown section \"topik\"" },
        { "# words first\n\n    card\n",
          "bad.rules:3: words before any section" },
        { "sentiment lots\n", "bad.rules:1: \"sentiment\" wants" },
        { "sentiment 9\n", "bad.rules:1: \"sentiment\" wants" },
        { "intent rant 2\n", "bad.rules:1: \"intent\" wants" },
        { "topic Cards! x\n", "bad.rules:1: topic \"Cards!\"" },
        { "topic card\n", "bad.rules:1: \"topic\" wants" },
        { "topic card cards urgent\n", "\"topic\" wants" },
        { "negation\n    not\ntopic x y\n    ab*\n",
          "bad.rules:4: \"ab*\": 3 to 63 bytes" },
        { "topic x y\n    a b c d e f g\n",
          "bad.rules:2: a phrase of more than 6 words" },
        { "topic x y\n    https://example.com\n",
          "bad.rules:2: \"https://example.com\" is no word" },
        { "include nowhere.rules\n", "cannot open" },
        { "include bad.rules\n", "nested deeper than 8" },
    };

    if (mkdtemp(dir) == NULL) {
        ok(0, "temporary directory");
        return;
    }

    for (i = 0; i < (int) (sizeof(bad) / sizeof(bad[0])); i++) {
        load_fails(dir, bad[i][0], bad[i][1]);
    }

    n = 0;
    for (i = 0; i < 65; i++) {
        n += snprintf(many + n, sizeof(many) - n, "topic t%d team\n", i);
    }
    load_fails(dir, many, "bad.rules:65: topic \"t64\": more than 64");

    r = sc_rules_load("/nonexistent/care.rules", err, sizeof(err));
    ok(r == NULL && strstr(err, "cannot open \"/nonexistent/care.rules\"")
       && strstr(err, "No such file"), "a missing file: %s", err);

    /* a language file that includes another and re-weighs a word */
    put(dir, "base.rules", "sentiment -2\n    meh\n\ntopic pets petcare\n"
        "    dog, cat*, guinea pig\n", path, sizeof(path));
    put(dir, "lang.rules", "include base.rules\n\nsentiment 2  # upbeat\n"
        "    meh\n\ntopic pets petcare crisis\n    perro\n", path,
        sizeof(path));

    r = sc_rules_load(path, err, sizeof(err));
    ok(r != NULL, "rules with an include load: %s", r ? "yes" : err);

    if (r != NULL) {
        memset(&ev, 0, sizeof(sc_event_t));
        ev.text = "my cats and my GUINEA-PIG think it's meh";
        is_int(sc_classify(r, &ev, 0, &cls), 0, "classify");
        ok(cls.ntopics == 1 && strcmp(cls.topics[0], "pets") == 0
           && strcmp(cls.team, "petcare") == 0, "prefix and phrase match");
        ok(cls.sentiment > 0, "the later weight wins");
        ok(cls.crisis && cls.priority == 1, "a reopened topic's crisis flag");
        sc_class_free(&cls);
        sc_rules_free(r);
    }

    unlink(path);
    snprintf(path, sizeof(path), "%s/base.rules", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/bad.rules", dir);
    unlink(path);
    rmdir(dir);
}


/* the compiled-in rules are rules/default.rules */
static void
test_builtin(const set_t *set)
{
    char         err[512];
    size_t       i, j, same;
    sc_event_t   ev;
    sc_class_t   a, b;
    sc_rules_t  *builtin;

    builtin = sc_rules_load(NULL, err, sizeof(err));
    ok(builtin != NULL, "built-in rules load: %s", builtin ? "yes" : err);
    if (builtin == NULL) {
        return;
    }

    same = 0;
    for (i = 0; i < set->n; i++) {
        sample_event(&set->s[i], &ev);
        if (sc_classify(builtin, &ev, INFLUENCER, &a) != 0) {
            continue;
        }
        if (sc_classify(rules, &ev, INFLUENCER, &b) != 0) {
            sc_class_free(&a);
            continue;
        }

        j = 0;
        if (a.intent == b.intent && a.priority == b.priority
            && a.sentiment == b.sentiment && a.ntopics == b.ntopics)
        {
            for (j = 0; j < a.ntopics; j++) {
                if (strcmp(a.topics[j], b.topics[j]) != 0) {
                    break;
                }
            }
        }
        same += (j == a.ntopics && a.intent == b.intent
                 && a.sentiment == b.sentiment);

        sc_class_free(&a);
        sc_class_free(&b);
    }

    is_int(same, set->n, "built-in and %s agree on every message", RULES);
    sc_rules_free(builtin);
}


/* the minimum scores over a labeled set of at least min messages */
static void
test_scores(const set_t *set, const char *file, const sc_rules_t *r,
    const char *name, const char *lang, unsigned min, int verbose)
{
    double   p, rc;
    score_t  sc;

    evaluate(r, set, lang, &sc, verbose);
    printf("# %s with %s, %s messages:\n", file, name, lang ? lang : "all");
    report(&sc, "#   ");

    ok(sc.n >= min, "%u messages", sc.n);

    p = precision(&sc, SC_INTENT_COMPLAINT);
    rc = recall(&sc, SC_INTENT_COMPLAINT);
    ok(f1(p, rc) >= 0.85, "complaint F1 %.3f >= 0.85", f1(p, rc));

    p = ratio(sc.pii_tp, sc.pii_tp + sc.pii_fp);
    rc = ratio(sc.pii_tp, sc.pii_tp + sc.pii_fn);
    ok(rc >= 0.99, "private-data recall %.3f >= 0.99", rc);
    ok(p >= 0.95, "private-data precision %.3f >= 0.95", p);

    rc = ratio(sc.p1_tp, sc.p1_tp + sc.p1_fn);
    ok(rc >= 0.95, "priority-1 recall %.3f >= 0.95", rc);
}


int
main(void)
{
    int          verbose;
    char         err[512];
    set_t        set, holdout;
    sc_rules_t  *es;

    verbose = getenv("SC_CLASSIFY_VERBOSE") != NULL;

    rules = sc_rules_load(RULES, err, sizeof(err));
    ok(rules != NULL, "%s loads: %s", RULES, rules ? "yes" : err);
    if (rules == NULL) {
        return done_testing();
    }

    test_sentiment();
    test_intent();
    test_pii();
    test_pii_json();
    test_rules_file();

    ok(set_load(LABELED, &set) == 0, "%s loads", LABELED);
    ok(set_load(HOLDOUT, &holdout) == 0, "%s loads", HOLDOUT);

    test_builtin(&set);

    es = sc_rules_load(RULES_ES, err, sizeof(err));
    ok(es != NULL, "%s loads: %s", RULES_ES, es ? "yes" : err);

    /* the sets have Spanish: English and Spanish rules for all of them */
    if (es != NULL) {
        test_scores(&set, LABELED, es, RULES_ES, NULL, 400, verbose);
        test_scores(&holdout, HOLDOUT, es, RULES_ES, NULL, 100, verbose);
    }
    test_scores(&set, LABELED, rules, RULES, "en", 300, verbose);

    sc_rules_free(es);
    sc_rules_free(rules);
    set_free(&set);
    set_free(&holdout);
    sc_class_free(&last);

    return done_testing();
}


#endif /* SC_CLASSIFY_BENCH */
