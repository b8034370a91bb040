/*
 * test_reply.c: holding replies: every default, variables and fallbacks,
 * template errors, per-platform length limits with exact outputs, no-reply
 * cases, business hours in replies, speed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "sc_reply.h"
#include "sc_template.h"


#define MADRID_FRI_2000   1711742400   /* Fri 2024-03-29 21:00 CET */
#define MADRID_WED_1000   1711530000   /* Wed 2024-03-27 10:00 CET */
#define NY_FRI_1800       1730498400   /* Fri 2024-11-01 18:00 EDT */

#define MOVE  "Please send us a private message so we can help " \
              "\xe2\x80\x94 don't share account details here."
#define SIGN  " \xe2\x80\x94 the Care team"


static sc_event_t   ev;
static sc_class_t   cls;
static char         err[1024];
static char         got[16384];


static const char *const  intents[] = {
    "complaint", "question", "praise", "feedback", "other"
};

static const sc_intent_e  intent_ids[] = {
    SC_INTENT_COMPLAINT, SC_INTENT_QUESTION, SC_INTENT_PRAISE,
    SC_INTENT_FEEDBACK, SC_INTENT_OTHER
};


static void
event(sc_visibility_e vis, const char *name, const char *handle)
{
    memset(&ev, 0, sizeof(ev));
    ev.channel = "messenger";
    ev.type = "message";
    strcpy(ev.external_id, "m_123");
    ev.author_name = name;
    ev.author_handle = handle;
    ev.text = "hello";
    ev.visibility = vis;
    ev.answerable = 1;

    memset(&cls, 0, sizeof(cls));
    cls.intent = SC_INTENT_OTHER;
}


/* the reply text (or NULL) after checking what always holds */
static const char *
reply(const sc_reply_conf_t *rc, const sc_class_t *c, const char *platform,
    int64_t now, int crisis)
{
    int         rv;
    sc_reply_t  r;

    rv = sc_reply_compose(rc, &ev, c, platform, now, crisis, &r);

    if (rv < 0 || r.visibility != ev.visibility
        || (rv == 1) != (r.text != NULL))
    {
        printf("# compose: rv %d, visibility %d\n", rv, (int) r.visibility);
        sc_reply_free(&r);
        return "(compose failed)";
    }

    if (r.text == NULL) {
        return NULL;
    }

    if (!sc_tpl_utf8_ok(r.text, strlen(r.text))) {
        printf("# invalid UTF-8\n");
    }

    snprintf(got, sizeof(got), "%s", r.text);
    sc_reply_free(&r);

    return got;
}


static const char *
reply_crisis(const sc_reply_conf_t *rc, const sc_class_t *c,
    const char *platform, const char *issue)
{
    sc_reply_t  r;

    if (sc_reply_compose_crisis(rc, &ev, c, platform, 0, issue, &r)
        != 1)
    {
        return NULL;
    }

    snprintf(got, sizeof(got), "%s", r.text);
    sc_reply_free(&r);

    return got;
}


static size_t
cps(const char *s)
{
    size_t  n;

    for (n = 0; *s; s++) {
        n += (((unsigned char) *s & 0xc0) != 0x80);
    }

    return n;
}


/* s repeated n times, without the last byte when chop */
static char *
rep(char *buf, const char *s, int n, int chop)
{
    int  i;

    buf[0] = '\0';

    for (i = 0; i < n; i++) {
        strcat(buf, s);
    }

    if (chop) {
        buf[strlen(buf) - 1] = '\0';
    }

    return buf;
}


static sc_reply_conf_t *
conf_hours(const char *spec)
{
    sc_hours_t        h;
    sc_reply_conf_t  *rc;

    rc = sc_reply_conf_create();

    if (rc == NULL || sc_hours_parse(spec, &h, err, sizeof(err)) != 0) {
        printf("# %s\n", err);
        exit(1);
    }

    if (sc_reply_conf_set_hours(rc, &h) != 0) {
        exit(1);
    }

    sc_hours_free(&h);

    return rc;
}


static int
tpl(sc_reply_conf_t *rc, const char *intent, const char *vis,
    const char *sit, const char *text)
{
    err[0] = '\0';

    return sc_reply_conf_set_template(rc, intent, vis, sit, text, err,
                                      sizeof(err));
}


static void
test_defaults(void)
{
    int               i, v, s, good;
    const char       *t;
    sc_reply_conf_t  *rc;

    rc = conf_hours("mon-fri 09:00-18:00 Europe/Madrid");

    /* all 45, with the properties each must have */
    for (i = 0; i < 5; i++) {
        for (v = 0; v < 3; v++) {
            for (s = 0; s < 3; s++) {
                event(v == 1 ? SC_VISIBILITY_PRIVATE : SC_VISIBILITY_PUBLIC,
                      "Ana Garc\xc3\xad" "a", "ana_g");
                cls.intent = intent_ids[i];
                cls.pii = (v == 2) ? SC_PII_CARD : 0;

                t = reply(rc, &cls, "meta",
                          s == 1 ? MADRID_FRI_2000 : MADRID_WED_1000,
                          s == 2);

                good = (t != NULL && strchr(t, '{') == NULL
                        && strchr(t, '[') == NULL
                        && strstr(t, "Ana") != NULL
                        && strstr(t, "Garc") == NULL
                        && strstr(t, SIGN) != NULL);

                /* public complaints and private data go private */
                if (good && v != 1 && (i == 0 || v == 2)) {
                    good = strstr(t, MOVE) != NULL;

                } else if (good) {
                    good = strstr(t, "private message") == NULL;
                }

                /* crisis: the known issue, but never to praise */
                if (good && s == 2) {
                    good = (strstr(t, "we're aware some customers are "
                                   "having trouble right now, and our "
                                   "team is on it.") != NULL) == (i != 2);

                } else if (good) {
                    good = strstr(t, "aware") == NULL;
                }

                /* after hours: when a person answers */
                if (good && s == 1 && i != 2 && !(i == 3 && v == 2)) {
                    good = strstr(t, "Monday at 9:00") != NULL;

                } else if (good) {
                    good = strstr(t, "Monday") == NULL;
                }

                ok(good, "default %s/%s/%s", intents[i],
                   v == 0 ? "public" : v == 1 ? "private" : "public-pii",
                   s == 0 ? "open" : s == 1 ? "closed" : "crisis");

                if (!good) {
                    printf("#   got: %s\n", t ? t : "(null)");
                }
            }
        }
    }

    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    cls.intent = SC_INTENT_COMPLAINT;
    is_str(reply(NULL, &cls, "x", 0, 0),
           "Hi Ana, we're sorry to hear this, and we want to put it right. "
           MOVE SIGN, "public complaint: sorry, action, private channel");

    is_str(reply(rc, &cls, "x", MADRID_FRI_2000, 0),
           "Hi Ana, we're sorry to hear this. " MOVE " Our team is back "
           "Monday at 9:00 and will pick it up first thing." SIGN,
           "public complaint after hours");

    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    cls.intent = SC_INTENT_COMPLAINT;
    is_str(reply(NULL, &cls, "meta", 0, 0),
           "Hi Ana, we're sorry about this, and thank you for letting us "
           "know. We're looking into it now and will get back to you here "
           "shortly. Your reference is FD9EPKG3." SIGN,
           "private complaint with its reference");

    cls.intent = SC_INTENT_QUESTION;
    is_str(reply(NULL, &cls, "meta", 0, 0),
           "Hi Ana, thanks for your question! One of our team will answer "
           "you here shortly." SIGN, "private question: answer soon");

    cls.intent = SC_INTENT_PRAISE;
    is_str(reply(NULL, &cls, "meta", 0, 1),
           "Thank you, Ana \xe2\x80\x94 that made our day! We'll pass your "
           "kind words on to the team." SIGN, "praise, even in a crisis");

    event(SC_VISIBILITY_PUBLIC, NULL, NULL);
    cls.intent = SC_INTENT_QUESTION;
    cls.pii = SC_PII_EMAIL;
    is_str(reply(NULL, &cls, "x", 0, 0),
           "Hi, thanks for your question. " MOVE SIGN,
           "public question with an email address goes private; no name");

    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    is_str(reply(NULL, NULL, "x", 0, 0),
           "Hi Ana, thanks for reaching out! One of our team will reply "
           "here shortly." SIGN, "unclassified: other");

    sc_reply_conf_free(rc);
}


static void
test_no_reply(void)
{
    sc_reply_conf_t  *rc;

    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    cls.intent = SC_INTENT_SPAM;
    ok(reply(NULL, &cls, "x", 0, 0) == NULL, "spam: no reply");
    cls.intent = SC_INTENT_ABUSE;
    ok(reply(NULL, &cls, "x", 0, 1) == NULL, "abuse: no reply");

    /* a person in danger gets a person, not a template */
    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    cls.intent = SC_INTENT_COMPLAINT;
    cls.topics[0] = "loans";
    cls.topics[1] = "self_harm";
    cls.ntopics = 2;
    ok(reply(NULL, &cls, "x", 0, 0) == NULL, "self_harm: no holding reply");
    cls.ntopics = 1;
    ok(reply(NULL, &cls, "x", 0, 0) != NULL, "... other topics: a reply");
    cls.ntopics = 0;

    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    ev.from_brand = 1;
    ok(reply(NULL, &cls, "meta", 0, 0) == NULL, "echo: no reply");
    ok(reply(NULL, NULL, "meta", 0, 0) == NULL, "echo, unclassified");

    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    ev.answerable = 0;
    ok(reply(NULL, NULL, "meta", 0, 0) == NULL, "not answerable: no reply");

    rc = sc_reply_conf_create();
    ok(tpl(rc, "praise", "*", "*", "") == 0, "an empty template");
    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    cls.intent = SC_INTENT_PRAISE;
    ok(reply(rc, &cls, "x", 0, 0) == NULL, "empty template: no reply");
    cls.intent = SC_INTENT_QUESTION;
    ok(reply(rc, &cls, "x", 0, 0) != NULL, "other intents still answered");
    sc_reply_conf_free(rc);
}


static void
test_variables(void)
{
    char              t[64];
    sc_reply_conf_t  *rc;

    rc = sc_reply_conf_create();

    ok(tpl(rc, "*", "*", "*", "{first_name}|{name}|{handle}|{agent}|{team}|"
           "{ticket}|{contact}|{opens_at}|{brand}|{issue}") == 0,
       "every variable is known");

    event(SC_VISIBILITY_PRIVATE, "Dr. Mar\xc3\xad" "a Jos\xc3\xa9",
          "@maria_j");
    is_str(reply(rc, NULL, "meta", 0, 0),
           "Mar\xc3\xad" "a|Dr. Mar\xc3\xad" "a Jos\xc3\xa9|maria_j||the "
           "Care team|FD9EPKG3||||", "values and the missing ones");

    ok(sc_reply_conf_set(rc, "agent", "Marta") == 0
       && sc_reply_conf_set(rc, "team", "Acme Care") == 0
       && sc_reply_conf_set(rc, "contact", "help.acme.example") == 0
       && sc_reply_conf_set(rc, "brand", "Acme") == 0, "conf values set");
    is_str(reply(rc, NULL, "meta", 0, 0),
           "Mar\xc3\xad" "a|Dr. Mar\xc3\xad" "a Jos\xc3\xa9|maria_j|Marta|"
           "Acme Care|FD9EPKG3|help.acme.example||Acme|", "conf values");

    ok(sc_reply_conf_set(rc, "agent", "") == 0, "\"\" unsets");
    ok(sc_reply_conf_set(rc, "team", "") == 0, "\"\" unsets the team");
    is_str(reply(rc, NULL, "meta", 0, 0),
           "Mar\xc3\xad" "a|Dr. Mar\xc3\xad" "a Jos\xc3\xa9|maria_j||the "
           "Care team|FD9EPKG3|help.acme.example||Acme|",
           "unset team: back to the default");

    ok(sc_reply_conf_set(rc, "agnet", "x") == -1, "unknown name refused");
    ok(sc_reply_conf_set(rc, "*", "x") == -1, "\"*\" refused");
    ok(sc_reply_conf_set(rc, "brand", "bad\xff") == -1, "bad UTF-8 refused");
    ok(sc_reply_conf_set(rc, "brand", "two\nlines") == -1,
       "newline refused");
    memset(t, 'x', sizeof(t));
    t[63] = '\0';
    ok(sc_reply_conf_set(rc, "brand", rep(got, t, 3, 0)) == -1,
       "190 bytes refused");
    ok(sc_reply_conf_set(rc, "clock", "12h") == 0
       && sc_reply_conf_set(rc, "clock", "13h") == -1, "clock");
    ok(sc_reply_conf_set(rc, "sms_segments", "3") == 0
       && sc_reply_conf_set(rc, "sms_segments", "0") == -1
       && sc_reply_conf_set(rc, "sms_segments", "11") == -1
       && sc_reply_conf_set(rc, "sms_segments", "2x") == -1,
       "sms_segments 1..10");
    sc_reply_conf_free(rc);

    /* names */
    rc = sc_reply_conf_create();
    ok(tpl(rc, "*", "*", "*", "Hi[ {first_name}], [@{handle} ]ok") == 0,
       "greeting template");

    event(SC_VISIBILITY_PUBLIC, "ANA", NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi Ana, ok", "a shouted name");
    event(SC_VISIBILITY_PUBLIC, "\xf0\x9f\x8c\xb8 Luc\xc3\xad" "a",
          NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi Luc\xc3\xad" "a, ok",
           "emoji before the name skipped");
    event(SC_VISIBILITY_PUBLIC, "Mrs Smith", "jsmith");
    is_str(reply(rc, NULL, "x", 0, 0), "Hi Smith, @jsmith ok",
           "title skipped");
    event(SC_VISIBILITY_PUBLIC, "<!channel>", NULL);
    is_str(reply(rc, NULL, "slack", 0, 0), "Hi, ok",
           "markup in a name: no name");
    event(SC_VISIBILITY_PUBLIC, "Deals at www.spam.example", NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi, ok", "a link: no name");
    event(SC_VISIBILITY_PUBLIC, "Fan of @someone", NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi, ok", "a mention: no name");
    event(SC_VISIBILITY_PUBLIC, "12345", "+14155550100");
    is_str(reply(rc, NULL, "x", 0, 0), "Hi, ok",
           "digits are no name, a phone number no handle");
    event(SC_VISIBILITY_PUBLIC, rep(got + 8192, "abcdefgh ", 8, 1), NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi, ok", "71 characters: no name");
    sc_reply_conf_free(rc);

    /* tickets */
    sc_reply_ticket("x", "m_123", t);
    is_str(t, "8ZQSD8MH", "ticket: stable");
    sc_reply_ticket("meta", "m_123", got);
    ok(strcmp(t, got) != 0 && strlen(got) == 8
       && strspn(got, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 8,
       "ticket: per platform, Crockford base32 (%s)", got);
}


static void
test_syntax(void)
{
    char              big[2100];
    sc_reply_conf_t  *rc;

    rc = sc_reply_conf_create();

    ok(tpl(rc, "complaint", "public", "open", "Hi {frist_name}, sorry.")
       == -1, "unknown variable refused");
    ok(strstr(err, "unknown variable {frist_name}") != NULL
       && strstr(err, "\"Hi {frist_name}, sorry.\"") != NULL
       && strstr(err, "first_name") != NULL,
       "the error names it, quotes the template, lists the known ones");
    printf("# %s\n", err);

    ok(tpl(rc, "*", "*", "*", "Hi {first_name") == -1
       && strstr(err, "malformed variable") != NULL, "unclosed {");
    ok(tpl(rc, "*", "*", "*", "Hi {first_name|a{b}") == -1
       && strstr(err, "malformed variable") != NULL, "{ in a fallback");
    ok(tpl(rc, "*", "*", "*", "Hi {}") == -1
       && strstr(err, "malformed variable") != NULL, "empty name");
    ok(tpl(rc, "*", "*", "*", "Hi }") == -1
       && strstr(err, "} without its {") != NULL, "stray }");
    ok(tpl(rc, "*", "*", "*", "Hi ]") == -1
       && strstr(err, "] without its [") != NULL, "stray ]");
    ok(tpl(rc, "*", "*", "*", "[Hi {name}") == -1
       && strstr(err, "[ without its ]") != NULL, "unclosed [");
    ok(tpl(rc, "*", "*", "*", "[[[[[x]]]]]") == -1
       && strstr(err, "deeper than 4") != NULL, "nesting limit");
    ok(tpl(rc, "*", "*", "*", "bad \xc3\x28") == -1
       && strstr(err, "UTF-8") != NULL, "invalid UTF-8");
    memset(big, 'a', sizeof(big));
    big[2049] = '\0';
    ok(tpl(rc, "*", "*", "*", big) == -1
       && strstr(err, "longer than 2048") != NULL, "too long");
    ok(tpl(rc, "*", "*", "*", rep(big, "{name}", 33, 0)) == -1
       && strstr(err, "more than 32 variables") != NULL, "too many refs");
    ok(tpl(rc, "spam", "*", "*", "x") == -1
       && strstr(err, "spam never gets a reply") != NULL, "spam refused");
    ok(tpl(rc, "complain", "*", "*", "x") == -1
       && strstr(err, "unknown intent \"complain\"") != NULL,
       "unknown intent");
    ok(tpl(rc, "*", "dm", "*", "x") == -1
       && strstr(err, "unknown visibility \"dm\"") != NULL,
       "unknown visibility");
    ok(tpl(rc, "*", "*", "night", "x") == -1
       && strstr(err, "unknown situation \"night\"") != NULL,
       "unknown situation");

    /* rendering */
    ok(tpl(rc, "other", "*", "*",
           "Hi {first_name|there}, \\[EUR\\] \\{x\\} \\\\ "
           "[{first_name}[ (@{handle})]!]") == 0, "escapes and segments");

    event(SC_VISIBILITY_PUBLIC, NULL, NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi there, [EUR] {x} \\ ",
           "fallback; segment without its value left out");
    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    is_str(reply(rc, NULL, "x", 0, 0), "Hi Ana, [EUR] {x} \\ Ana!",
           "outer segment, inner one left out");
    event(SC_VISIBILITY_PUBLIC, "Ana", "ana_g");
    is_str(reply(rc, NULL, "x", 0, 0),
           "Hi Ana, [EUR] {x} \\ Ana (@ana_g)!", "both segments");
    event(SC_VISIBILITY_PUBLIC, NULL, "ana_g");
    is_str(reply(rc, NULL, "x", 0, 0), "Hi there, [EUR] {x} \\ ",
           "inner value alone does not bring the outer segment");

    /* the more specific setting wins whatever the order */
    ok(tpl(rc, "*", "*", "*", "A") == 0
       && tpl(rc, "complaint", "public", "open", "B") == 0, "A, then B");
    cls.intent = SC_INTENT_COMPLAINT;
    is_str(reply(rc, &cls, "x", 0, 0), "B", "specific B");
    cls.intent = SC_INTENT_QUESTION;
    is_str(reply(rc, &cls, "x", 0, 0), "A", "wildcard A");
    ok(tpl(rc, "*", "*", "*", "C") == 0, "then C for all");
    cls.intent = SC_INTENT_COMPLAINT;
    is_str(reply(rc, &cls, "x", 0, 0), "B", "B stays");
    cls.intent = SC_INTENT_QUESTION;
    is_str(reply(rc, &cls, "x", 0, 0), "C", "C replaces A");
    ok(tpl(rc, "question", "*", "open", "D") == 0
       && tpl(rc, "question", "public", "open", "E") == 0
       && tpl(rc, "question", "*", "open", "F") == 0, "D, E, F");
    is_str(reply(rc, &cls, "x", 0, 0), "E", "two fields beat one");
    cls.pii = SC_PII_CARD;
    is_str(reply(rc, &cls, "x", 0, 0), "F",
           "public-pii is its own visibility");
    sc_reply_conf_free(rc);

    rc = sc_reply_conf_create();
    ok(tpl(rc, "question", "public", "open", "Q") == 0, "public only");
    is_str(reply(rc, &cls, "x", 0, 0), "Hi, thanks for your question. "
           MOVE SIGN, "\"public\" does not cover private data");
    sc_reply_conf_free(rc);
}


static void
test_hours(void)
{
    sc_reply_conf_t  *rc;

    rc = conf_hours("mon-fri 09:00-17:00 America/New_York");
    ok(sc_reply_conf_set(rc, "clock", "12h") == 0, "12-hour clock");

    event(SC_VISIBILITY_PRIVATE, "Sam", NULL);
    cls.intent = SC_INTENT_QUESTION;
    is_str(reply(rc, &cls, "slack", NY_FRI_1800, 0),
           "Hi Sam, thanks for your question! Our team is back Monday at "
           "9:00 AM and will answer you then." SIGN,
           "after hours in New York, across the DST change");
    is_str(reply(rc, &cls, "slack", NY_FRI_1800 - 3 * 3600, 0),
           "Hi Sam, thanks for your question! One of our team will answer "
           "you here shortly." SIGN, "Friday 15:00: open");
    is_str(reply(rc, &cls, "slack", NY_FRI_1800, 1),
           "Hi Sam, thanks for your message \xe2\x80\x94 we're aware some "
           "customers are having trouble right now, and our team is on it. "
           "We'll answer your question here as soon as we can." SIGN,
           "a crisis outranks the hours");

    ok(sc_reply_conf_set(rc, "contact", "+1 800 555 0100") == 0
       && sc_reply_conf_set(rc, "agent", "Jo") == 0, "contact and agent");
    ok(tpl(rc, "feedback", "private", "closed",
           "Thanks! Back {opens_at}[, or call {contact}].") == 0,
       "a closed template");
    cls.intent = SC_INTENT_FEEDBACK;
    is_str(reply(rc, &cls, "slack", 1730725200, 0),
           "Thanks! Back today at 9:00 AM, or call +1 800 555 0100.",
           "Monday 08:00: today");
    cls.intent = SC_INTENT_OTHER;
    is_str(reply(rc, &cls, "slack", NY_FRI_1800, 0),
           "Hi Sam, thanks for your message! Our team is back Monday at "
           "9:00 AM and will reply then. If it's urgent, you can also reach "
           "us at +1 800 555 0100. \xe2\x80\x94 Jo from the Care team",
           "contact and agent in the default");
    sc_reply_conf_free(rc);

    event(SC_VISIBILITY_PUBLIC, "Ana", NULL);
    cls.intent = SC_INTENT_COMPLAINT;
    is_str(reply_crisis(NULL, &cls, "x", "can't log in"),
           "Hi Ana, sorry for the trouble \xe2\x80\x94 we're aware some "
           "customers can't log in, and our team is on it. " MOVE SIGN,
           "crisis with the issue named");
}


static void
test_lengths(void)
{
    int               i;
    char              a[8192], b[8192], c[8192];
    sc_reply_conf_t  *rc;

    static const struct {
        const char       *platform;
        const char       *channel;
        sc_visibility_e   vis;
        int               copies;      /* of the 250-character issue */
    } lim[] = {
        { "meta", "messenger", SC_VISIBILITY_PRIVATE, 8 },     /* 2000 */
        { "meta", "instagram", SC_VISIBILITY_PRIVATE, 4 },     /* 1000 */
        { "meta", "whatsapp", SC_VISIBILITY_PRIVATE, 16 },     /* 4096 */
        { "discord", NULL, SC_VISIBILITY_PUBLIC, 8 },          /* 2000 */
        { "slack", NULL, SC_VISIBILITY_PUBLIC, 16 },           /* 4000 */
        { "telegram", NULL, SC_VISIBILITY_PRIVATE, 16 },       /* 4096 */
        { "line", NULL, SC_VISIBILITY_PRIVATE, 20 },           /* 5000 */
        { "viber", NULL, SC_VISIBILITY_PRIVATE, 28 },          /* 7000 */
        { "twilio", "whatsapp", SC_VISIBILITY_PRIVATE, 6 },    /* 1600 */
        { "standard", NULL, SC_VISIBILITY_PRIVATE, 16 },       /* 4000 */
        { "x", NULL, SC_VISIBILITY_PUBLIC, 1 },                /* 280 */
        { "x", NULL, SC_VISIBILITY_PRIVATE, 32 }               /* 10000 */
    };

    rc = sc_reply_conf_create();

    /* X: 280 code points, a word boundary, "…" */
    ok(tpl(rc, "other", "public", "open", rep(a, "care ", 60, 0)) == 0,
       "300 characters");
    event(SC_VISIBILITY_PUBLIC, NULL, NULL);
    strcat(rep(b, "care ", 56, 1), "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b, "X: cut at a word, \"…\"");
    is_int(cps(got), 280, "X: 280 code points");
    is_str(reply(rc, NULL, "slack", 0, 0), a, "Slack: not cut");

    /* code points, not bytes */
    strcat(rep(a, "\xc3\xb1" "a\xc3\xb1\xc3\xa1 ", 55, 0),
           "\xc3\xb1" "a\xc3\xb1\xc3\xa1!");
    ok(tpl(rc, "other", "public", "open", a) == 0, "280 multibyte");
    is_str(reply(rc, NULL, "x", 0, 0), a, "X: 280 code points (%zu bytes) "
           "fit", strlen(a));
    strcat(a, "!");
    ok(tpl(rc, "other", "public", "open", a) == 0, "281 multibyte");
    strcat(rep(b, "\xc3\xb1" "a\xc3\xb1\xc3\xa1 ", 55, 1), "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b, "X: 281 cut to 275");

    /* emoji at the boundary, no blank to cut at */
    memset(a, 'x', 278);
    strcpy(a + 278, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd" "yy");
    ok(tpl(rc, "other", "public", "open", a) == 0, "thumbs up, skin tone");
    memset(b, 'x', 278);
    strcpy(b + 278, "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b,
           "a skin tone is not split from its emoji");

    memset(a, 'x', 276);
    strcpy(a + 276, "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80"
           "\x8d\xf0\x9f\x91\xa7");
    ok(tpl(rc, "other", "public", "open", a) == 0, "a ZWJ family");
    memset(b, 'x', 276);
    strcpy(b + 276, "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b, "a ZWJ sequence stays whole");

    memset(a, 'x', 277);
    strcpy(a + 277, "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8\xf0\x9f\x87\xaa\xf0"
           "\x9f\x87\xb8");
    ok(tpl(rc, "other", "public", "open", a) == 0, "two flags");
    memset(b, 'x', 277);
    strcpy(b + 277, "\xf0\x9f\x87\xaa\xf0\x9f\x87\xb8\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b, "one whole flag kept");
    memmove(a + 1, a, strlen(a) + 1);
    a[0] = 'y';
    ok(tpl(rc, "other", "public", "open", a) == 0, "two flags, one later");
    memset(b, 'x', 278);
    b[0] = 'y';
    strcpy(b + 278, "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b, "half a flag is dropped");

    /* a value that would be cut takes its sentence with it */
    strcat(rep(a, "abcd ", 53, 0), "done. Ref {name} ok.");
    ok(tpl(rc, "other", "public", "open", a) == 0, "value near the end");
    event(SC_VISIBILITY_PUBLIC, "Anastasia", NULL);
    strcat(rep(b, "abcd ", 53, 0), "done.");
    is_str(reply(rc, NULL, "x", 0, 0), b,
           "the sentence with the value dropped, no ellipsis");

    /* ... or, with no sentence before it, just the value and after */
    strcat(rep(a, "abcd ", 53, 0), "{name} and more words here");
    ok(tpl(rc, "other", "public", "open", a) == 0, "value, no sentence");
    event(SC_VISIBILITY_PUBLIC, "Anastasia Rodr\xc3\xadguez", NULL);
    strcat(rep(b, "abcd ", 53, 1), "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "x", 0, 0), b,
           "never cut inside a value, even at its own blank");

    /* SMS: GSM-7 septets, 2 segments (306), "..." */
    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    ev.channel = "sms";
    ok(tpl(rc, "other", "private", "open", rep(a, "text ", 70, 0)) == 0,
       "350 septets");
    strcat(rep(b, "text ", 60, 1), "...");
    is_str(reply(rc, NULL, "twilio", 0, 0), b, "SMS: 2 segments, \"...\"");
    is_int(strlen(got), 302, "SMS: 302 septets");

    /* a non-GSM character past the cut does not force UCS-2 */
    strcat(a, "\xf0\x9f\x98\x80");
    ok(tpl(rc, "other", "private", "open", a) == 0, "an emoji at the end");
    is_str(reply(rc, NULL, "twilio", 0, 0), b, "still GSM-7 when cut");

    ok(sc_reply_conf_set(rc, "sms_segments", "1") == 0, "one segment");
    strcat(rep(b, "text ", 31, 1), "...");
    is_str(reply(rc, NULL, "twilio", 0, 0), b, "SMS: 160 septets");

    /* UCS-2: 67 UTF-16 units a segment, an emoji is two */
    ok(sc_reply_conf_set(rc, "sms_segments", "2") == 0, "two segments");
    strcat(strcpy(a, "Hi \xf0\x9f\x91\x8b "), rep(c, "text ", 40, 0));
    ok(tpl(rc, "other", "private", "open", a) == 0, "UCS-2 text");
    strcat(strcat(strcpy(b, "Hi \xf0\x9f\x91\x8b "), rep(c, "text ", 25, 1)),
           "\xe2\x80\xa6");
    is_str(reply(rc, NULL, "twilio", 0, 0), b, "SMS: UCS-2, 134 units");
    is_int(sc_tpl_sms_units(got, strlen(got), &i), 131, "131 units");
    ok(i, "UCS-2");

    /* typographic marks become GSM-7 for SMS */
    ok(tpl(rc, "other", "private", "open",
           "It\xe2\x80\x99s \xe2\x80\x9c" "fine\xe2\x80\x9d \xe2\x80\x94 "
           "really\xe2\x80\xa6 {name}") == 0, "curly quotes, dash");
    event(SC_VISIBILITY_PRIVATE, "Ren\xc3\xa9\xe2\x80\x99s", NULL);
    ev.channel = "sms";
    is_str(reply(rc, NULL, "twilio", 0, 0),
           "It's \"fine\" - really... Ren\xc3\xa9's", "SMS smart encoding");
    ev.channel = "whatsapp";
    is_str(reply(rc, NULL, "twilio", 0, 0),
           "It\xe2\x80\x99s \xe2\x80\x9c" "fine\xe2\x80\x9d \xe2\x80\x94 "
           "really\xe2\x80\xa6 Ren\xc3\xa9\xe2\x80\x99s",
           "WhatsApp keeps them");
    is_int(sc_tpl_sms_units("\xe2\x82\xac" "5 [ok]", 9, &i), 10,
           "\xe2\x82\xac, [ and ] count two septets");
    ok(!i, "and are GSM-7");

    event(SC_VISIBILITY_PRIVATE, "Ana", NULL);
    ev.channel = "sms";
    cls.intent = SC_INTENT_COMPLAINT;
    sc_reply_conf_free(rc);
    rc = NULL;
    is_str(reply(NULL, &cls, "twilio", 0, 0),
           "Hi Ana, we're sorry about this, and thank you for letting us "
           "know. We're looking into it now and will get back to you here "
           "shortly. Your reference is MEJGZSNM. - the Care team",
           "default SMS: GSM-7, 2 segments");
    is_int(sc_tpl_sms_units(got, strlen(got), &i), 175, "175 septets");
    ok(!i, "not UCS-2");

    /* every platform's limit, cutting between values */
    rc = sc_reply_conf_create();
    ok(tpl(rc, "other", "*", "crisis", rep(a, "{issue} ", 32, 0)) == 0,
       "32 values of 249 characters");
    rep(c, "abcd ", 50, 1);

    for (i = 0; i < (int) (sizeof(lim) / sizeof(lim[0])); i++) {
        event(lim[i].vis, NULL, NULL);
        ev.channel = lim[i].channel;

        rep(b, "abcd ", 50 * lim[i].copies, lim[i].copies < 32);

        if (lim[i].copies < 32) {
            strcat(b, "\xe2\x80\xa6");
        }

        is_str(reply_crisis(rc, NULL, lim[i].platform, c), b,
               "%s%s%s: %d values", lim[i].platform,
               lim[i].channel ? "/" : "", lim[i].channel ? lim[i].channel
                                                         : "",
               lim[i].copies);
    }

    sc_reply_conf_free(rc);
}


static void
test_speed(void)
{
    int               i, n, under_valgrind;
    double            ns;
    const char       *preload;
    sc_reply_t        r;
    struct timespec   t0, t1;
    sc_reply_conf_t  *rc;

    rc = conf_hours("mon-fri 09:00-18:00, sat 10:00-14:00 Europe/Madrid");
    (void) sc_reply_conf_set(rc, "agent", "Marta");

    event(SC_VISIBILITY_PUBLIC, "Ana Garc\xc3\xad" "a", "ana_g");
    ev.text = "I have been waiting for my refund for three weeks now and "
              "nobody answers my emails. This is the third time I write "
              "about order 4417. I want my money back today or I will "
              "cancel everything and tell everyone about it. Really "
              "disappointed with you all, honestly.";
    cls.intent = SC_INTENT_COMPLAINT;

    n = 20000;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    for (i = 0; i < n; i++) {
        if (sc_reply_compose(rc, &ev, &cls, "x", MADRID_FRI_2000 + i, 0, &r)
            != 1)
        {
            break;
        }

        sc_reply_free(&r);
    }

    clock_gettime(CLOCK_MONOTONIC, &t1);

    ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n;
    printf("# compose, after hours, X: %.0f ns\n", ns);

    /* valgrind makes everything 20-50 times slower: report only */
    preload = getenv("LD_PRELOAD");
    under_valgrind = (preload != NULL && strstr(preload, "vgpreload"));

    is_int(i, n, "%d composes", n);
    ok(under_valgrind || ns < 10000, "under 10 us a reply%s",
       under_valgrind ? " (not timed under valgrind)" : "");

    sc_reply_conf_free(rc);
}


int
main(void)
{
    test_defaults();
    test_no_reply();
    test_variables();
    test_syntax();
    test_hours();
    test_lengths();
    test_speed();

    return done_testing();
}
