/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_reply.c: holding replies.  A template is chosen by intent, visibility
 * (a public message with private data counts apart) and situation (open,
 * closed, crisis), filled from the event and the configuration, and cut
 * to the platform's length.  Never a reply to spam, abuse, the brand
 * itself or anything that is not a customer's message.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_reply.h"
#include "sc_template.h"


#define SC_REPLY_INTENTS     5       /* complaint .. other: answerable */
#define SC_REPLY_CONF_VALUE  128     /* bytes in an agent, team, ... */
#define SC_REPLY_NAME_CP     64      /* code points in {name} */
#define SC_REPLY_FIRST_CP    32      /* in {first_name} */
#define SC_REPLY_HANDLE_MAX  32
#define SC_REPLY_SMS_SEGS    2

#define SC_REPLY_TEAM        "the Care team"


typedef enum {
    SC_VAR_FIRST_NAME = 0,
    SC_VAR_NAME,
    SC_VAR_HANDLE,
    SC_VAR_AGENT,
    SC_VAR_TEAM,
    SC_VAR_TICKET,
    SC_VAR_CONTACT,
    SC_VAR_OPENS_AT,
    SC_VAR_BRAND,
    SC_VAR_ISSUE,
    SC_VAR_COUNT
} sc_reply_var_e;


/* the variables set by sc_reply_conf_set(), in sc_reply_var_e order */
typedef enum {
    SC_CONF_AGENT = 0,
    SC_CONF_TEAM,
    SC_CONF_CONTACT,
    SC_CONF_BRAND,
    SC_CONF_COUNT
} sc_reply_conf_var_e;


struct sc_reply_conf_s {
    char            *tpl[SC_REPLY_INTENTS][SC_REPLY_VIS_COUNT]
                        [SC_SITUATION_COUNT];       /* NULL: default */
    signed char      spec[SC_REPLY_INTENTS][SC_REPLY_VIS_COUNT]
                         [SC_SITUATION_COUNT];      /* -1: default */
    char            *vars[SC_CONF_COUNT];
    sc_hours_t       hours;
    unsigned         sms_segments;
    unsigned         clock12:1;
};


typedef struct {
    const char      *platform;
    const char      *channel;     /* NULL: any */
    int              visibility;  /* -1: any */
    sc_tpl_count_e   count;
    size_t           limit;
} sc_reply_limit_t;


static int sc_reply_build(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    const char *issue, sc_reply_t *out);
static int sc_reply_intent(const sc_class_t *cls);
static int sc_reply_find(const char *const *names, size_t n,
    const char *name);
static const char *sc_reply_clean(const char *s, size_t max_cp, char *buf,
    size_t size);
static const char *sc_reply_first_name(const char *name, char *buf,
    size_t size);
static int sc_reply_honorific(const char *w, size_t len);
static int sc_reply_letter(const char *w, size_t len);
static const char *sc_reply_handle(const char *s, char *buf, size_t size);
static void sc_reply_limit(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const char *platform, sc_tpl_limit_t *lim, unsigned *gsm);


static const char *const  sc_reply_vars[SC_VAR_COUNT] = {
    "first_name", "name", "handle", "agent", "team", "ticket", "contact",
    "opens_at", "brand", "issue"
};

static const char *const  sc_reply_intents[SC_REPLY_INTENTS] = {
    "complaint", "question", "praise", "feedback", "other"
};

static const char *const  sc_reply_visibilities[SC_REPLY_VIS_COUNT] = {
    "public", "private", "public-pii"
};

static const char *const  sc_reply_situations[SC_SITUATION_COUNT] = {
    "open", "closed", "crisis"
};

static const char *const  sc_reply_conf_names[SC_CONF_COUNT] = {
    "agent", "team", "contact", "brand"
};


/*
 * The defaults read like a person wrote them: a greeting that drops the
 * name it does not know, one clear next step, a signature.  Public
 * complaints and public messages with private data move to a private
 * channel; crisis replies say the problem is known without promising a
 * time; praise is thanked, never told about an incident.
 */

#define HI      "Hi[ {first_name}], "
#define THANKS  "Thank you[, {first_name}] \xe2\x80\x94 that made our day!"
#define SIGN    " \xe2\x80\x94 [{agent} from ]{team}"
/*
 * A holding reply is one message, where the customer wrote: it invites a
 * public writer to a private channel rather than claiming a private
 * message was sent (none is until a person writes one).
 */
#define MOVE    "Please send us a private message so we can help " \
                "\xe2\x80\x94 don't share account details here."
#define REF     "[ Your reference is {ticket}.]"
#define URGENT  "[ If it's urgent, you can also reach us at {contact}.]"
#define BACK    "Our team is back {opens_at|soon} and will "
#define AWARE   "we're aware some customers {issue|are having trouble right " \
                "now}, and our team is on it."
#define DASH    " \xe2\x80\x94 "


static const char *const
    sc_reply_defaults[SC_REPLY_INTENTS][SC_REPLY_VIS_COUNT]
                     [SC_SITUATION_COUNT] =
{
    /* complaint */
    {
        {   /* public */
            HI "we're sorry to hear this, and we want to put it right. "
            MOVE SIGN,
            HI "we're sorry to hear this. " MOVE " " BACK
            "pick it up first thing." SIGN,
            HI "sorry for the trouble" DASH AWARE " " MOVE SIGN
        },
        {   /* private */
            HI "we're sorry about this, and thank you for letting us know. "
            "We're looking into it now and will get back to you here "
            "shortly." REF SIGN,
            HI "we're sorry about this, and thank you for letting us know. "
            BACK "pick it up first thing." REF URGENT SIGN,
            HI "sorry for the trouble" DASH AWARE " We'll update you here "
            "as soon as we know more." REF SIGN
        },
        {   /* public, private data */
            HI "we're sorry to hear this, and we want to put it right. "
            MOVE SIGN,
            HI "we're sorry to hear this. " MOVE " " BACK
            "pick it up first thing." SIGN,
            HI "sorry for the trouble" DASH AWARE " " MOVE SIGN
        }
    },

    /* question */
    {
        {
            HI "thanks for your question! One of our team will answer here "
            "shortly." SIGN,
            HI "thanks for your question! " BACK "answer then." SIGN,
            HI "thanks for your patience" DASH AWARE SIGN
        },
        {
            HI "thanks for your question! One of our team will answer you "
            "here shortly." SIGN,
            HI "thanks for your question! " BACK "answer you then." URGENT
            SIGN,
            HI "thanks for your message" DASH AWARE " We'll answer your "
            "question here as soon as we can." SIGN
        },
        {
            HI "thanks for your question. " MOVE SIGN,
            HI "thanks for your question. " MOVE " " BACK "answer then."
            SIGN,
            HI "thanks for your patience" DASH AWARE " " MOVE SIGN
        }
    },

    /* praise */
    {
        {
            THANKS " We'll pass your kind words on to the team." SIGN,
            THANKS " We'll pass your kind words on to the team." SIGN,
            THANKS " We'll pass your kind words on to the team." SIGN
        },
        {
            THANKS " We'll pass your kind words on to the team." SIGN,
            THANKS " We'll pass your kind words on to the team." SIGN,
            THANKS " We'll pass your kind words on to the team." SIGN
        },
        {
            THANKS " " MOVE SIGN,
            THANKS " " MOVE SIGN,
            THANKS " " MOVE SIGN
        }
    },

    /* feedback */
    {
        {
            HI "thanks for the feedback" DASH "we've passed it on to the "
            "team." SIGN,
            HI "thanks for the feedback" DASH "we'll pass it on to the "
            "team[ when we're back {opens_at}]." SIGN,
            HI "thanks for the feedback" DASH AWARE SIGN
        },
        {
            HI "thanks for taking the time to share this. We've passed it "
            "on to the team, and we'll follow up here if we have "
            "questions." SIGN,
            HI "thanks for taking the time to share this. We'll pass it on "
            "to the team[ when we're back {opens_at}]." SIGN,
            HI "thanks for taking the time to share this" DASH AWARE
            " We've passed your feedback on too." SIGN
        },
        {
            HI "thanks for the feedback. " MOVE SIGN,
            HI "thanks for the feedback. " MOVE SIGN,
            HI "thanks for the feedback" DASH AWARE " " MOVE SIGN
        }
    },

    /* other */
    {
        {
            HI "thanks for reaching out! One of our team will reply here "
            "shortly." SIGN,
            HI "thanks for reaching out! " BACK "reply then." SIGN,
            HI "thanks for reaching out" DASH AWARE SIGN
        },
        {
            HI "thanks for your message! One of our team will be with you "
            "here shortly." SIGN,
            HI "thanks for your message! " BACK "reply then." URGENT SIGN,
            HI "thanks for your message" DASH AWARE " We'll get back to "
            "you here as soon as we can." SIGN
        },
        {
            HI "thanks for reaching out. " MOVE SIGN,
            HI "thanks for reaching out. " MOVE " " BACK "reply then." SIGN,
            HI "thanks for reaching out" DASH AWARE " " MOVE SIGN
        }
    }
};


/*
 * Lengths a reply may have.  X counts code points here (its weighting of
 * URLs and CJK is left out); a DM allows far more than a post.  SMS is
 * counted in segments (sc_reply_limit).
 */
static const sc_reply_limit_t  sc_reply_limits[] = {
    { "x", NULL, SC_VISIBILITY_PRIVATE, SC_TPL_COUNT_CP, 10000 },
    { "x", NULL, -1, SC_TPL_COUNT_CP, 280 },
    { "twilio", "whatsapp", -1, SC_TPL_COUNT_CP, 1600 },
    { "meta", "instagram", -1, SC_TPL_COUNT_CP, 1000 },
    { "meta", "whatsapp", -1, SC_TPL_COUNT_CP, 4096 },
    { "meta", NULL, -1, SC_TPL_COUNT_CP, 2000 },
    { "slack", NULL, -1, SC_TPL_COUNT_CP, 4000 },
    { "telegram", NULL, -1, SC_TPL_COUNT_CP, 4096 },
    { "discord", NULL, -1, SC_TPL_COUNT_CP, 2000 },
    { "line", NULL, -1, SC_TPL_COUNT_CP, 5000 },
    { "viber", NULL, -1, SC_TPL_COUNT_CP, 7000 },
    { NULL, NULL, -1, SC_TPL_COUNT_CP, 4000 }
};


/* configuration */

sc_reply_conf_t *
sc_reply_conf_create(void)
{
    sc_reply_conf_t  *rc;

    rc = calloc(1, sizeof(sc_reply_conf_t));
    if (rc == NULL) {
        return NULL;
    }

    memset(rc->spec, -1, sizeof(rc->spec));
    rc->sms_segments = SC_REPLY_SMS_SEGS;

    return rc;
}


void
sc_reply_conf_free(sc_reply_conf_t *rc)
{
    int  i, v, s;

    if (rc == NULL) {
        return;
    }

    for (i = 0; i < SC_REPLY_INTENTS; i++) {
        for (v = 0; v < SC_REPLY_VIS_COUNT; v++) {
            for (s = 0; s < SC_SITUATION_COUNT; s++) {
                free(rc->tpl[i][v][s]);
            }
        }
    }

    for (i = 0; i < SC_CONF_COUNT; i++) {
        free(rc->vars[i]);
    }

    sc_hours_free(&rc->hours);
    free(rc);
}


/* the index of name in names, n for "*", -1 when unknown */
static int
sc_reply_find(const char *const *names, size_t n, const char *name)
{
    size_t  i;

    if (strcmp(name, "*") == 0) {
        return (int) n;
    }

    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return (int) i;
        }
    }

    return -1;
}


int
sc_reply_conf_set_template(sc_reply_conf_t *rc, const char *intent,
    const char *visibility, const char *situation, const char *text,
    char *err, size_t errlen)
{
    int    in, vi, si, i, v, s, spec;
    char  *dup;

    in = sc_reply_find(sc_reply_intents, SC_REPLY_INTENTS, intent);
    vi = sc_reply_find(sc_reply_visibilities, SC_REPLY_VIS_COUNT,
                       visibility);
    si = sc_reply_find(sc_reply_situations, SC_SITUATION_COUNT, situation);

    if (in < 0) {
        if (strcmp(intent, "spam") == 0 || strcmp(intent, "abuse") == 0) {
            snprintf(err, errlen, "reply template: %s never gets a reply",
                     intent);

        } else {
            snprintf(err, errlen, "reply template: unknown intent \"%s\" "
                     "(complaint, question, praise, feedback, other or *)",
                     intent);
        }

        return -1;
    }

    if (vi < 0) {
        snprintf(err, errlen, "reply template: unknown visibility \"%s\" "
                 "(public, private, public-pii or *)", visibility);
        return -1;
    }

    if (si < 0) {
        snprintf(err, errlen, "reply template: unknown situation \"%s\" "
                 "(open, closed, crisis or *)", situation);
        return -1;
    }

    if (sc_tpl_check(text, sc_reply_vars, SC_VAR_COUNT, err, errlen) != 0) {
        return -1;
    }

    spec = (in < SC_REPLY_INTENTS) + (vi < SC_REPLY_VIS_COUNT)
           + (si < SC_SITUATION_COUNT);

    for (i = 0; i < SC_REPLY_INTENTS; i++) {
        if (in != SC_REPLY_INTENTS && in != i) {
            continue;
        }

        for (v = 0; v < SC_REPLY_VIS_COUNT; v++) {
            if (vi != SC_REPLY_VIS_COUNT && vi != v) {
                continue;
            }

            for (s = 0; s < SC_SITUATION_COUNT; s++) {
                if ((si != SC_SITUATION_COUNT && si != s)
                    || rc->spec[i][v][s] > spec)
                {
                    continue;
                }

                dup = strdup(text);
                if (dup == NULL) {
                    snprintf(err, errlen, "reply template: out of memory");
                    return -1;
                }

                free(rc->tpl[i][v][s]);
                rc->tpl[i][v][s] = dup;
                rc->spec[i][v][s] = (signed char) spec;
            }
        }
    }

    return 0;
}


int
sc_reply_conf_set(sc_reply_conf_t *rc, const char *name, const char *value)
{
    int    i;
    long   n;
    char  *dup, *end;

    if (strcmp(name, "clock") == 0) {
        if (strcmp(value, "12h") != 0 && strcmp(value, "24h") != 0) {
            return -1;
        }

        rc->clock12 = (value[0] == '1');
        return 0;
    }

    if (strcmp(name, "sms_segments") == 0) {
        n = strtol(value, &end, 10);

        if (end == value || *end != '\0' || n < 1 || n > 10) {
            return -1;
        }

        rc->sms_segments = (unsigned) n;
        return 0;
    }

    i = sc_reply_find(sc_reply_conf_names, SC_CONF_COUNT, name);

    if (i < 0 || i == SC_CONF_COUNT || strlen(value) > SC_REPLY_CONF_VALUE
        || !sc_tpl_utf8_ok(value, strlen(value))
        || strchr(value, '\n') != NULL)
    {
        return -1;
    }

    dup = NULL;

    if (value[0] != '\0') {
        dup = strdup(value);
        if (dup == NULL) {
            return -1;
        }
    }

    free(rc->vars[i]);
    rc->vars[i] = dup;

    return 0;
}


int
sc_reply_conf_set_hours(sc_reply_conf_t *rc, const sc_hours_t *hours)
{
    sc_hours_t  copy;

    if (sc_hours_copy(&copy, hours) != 0) {
        return -1;
    }

    sc_hours_free(&rc->hours);
    rc->hours = copy;

    return 0;
}


void
sc_reply_ticket(const char *platform, const char *external_id,
    char buf[SC_REPLY_TICKET_SIZE])
{
    static const char  b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    int                   i;
    uint64_t              h;
    const unsigned char  *p;

    /* FNV-1a, then a finalizer so that every input bit reaches the top */
    h = 0xcbf29ce484222325ULL;

    for (p = (const unsigned char *) (platform ? platform : ""); *p; p++) {
        h = (h ^ *p) * 0x100000001b3ULL;
    }

    h = (h ^ ':') * 0x100000001b3ULL;

    for (p = (const unsigned char *) external_id; *p; p++) {
        h = (h ^ *p) * 0x100000001b3ULL;
    }

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;

    for (i = 0; i < 8; i++) {
        buf[i] = b32[(h >> (59 - 5 * i)) & 31];
    }

    buf[8] = '\0';
}


/* composing */

int
sc_reply_compose(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    sc_reply_t *out)
{
    return sc_reply_build(rc, ev, cls, platform, now, crisis, NULL, out);
}


int
sc_reply_compose_crisis(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now,
    const char *issue, sc_reply_t *out)
{
    return sc_reply_build(rc, ev, cls, platform, now, 1, issue, out);
}


void
sc_reply_free(sc_reply_t *reply)
{
    free(reply->text);
    reply->text = NULL;
}


static int
sc_reply_build(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    const char *issue, sc_reply_t *out)
{
    int                intent, vis, sit;
    int64_t            at;
    unsigned           gsm;
    const char        *text, *values[SC_VAR_COUNT];
    sc_tpl_limit_t     lim;
    const sc_hours_t  *hours;
    sc_tpl_out_t       r;
    char               name[SC_TPL_VALUE_MAX + 1];
    char               first[SC_TPL_VALUE_MAX + 1];
    char               handle[SC_REPLY_HANDLE_MAX + 1];
    char               opens[64];
    char               crisis_issue[SC_TPL_VALUE_MAX + 1];
    char               ticket[SC_REPLY_TICKET_SIZE];

    out->text = NULL;
    out->visibility = ev->visibility;

    if (!ev->answerable || ev->from_brand) {
        return 0;
    }

    intent = sc_reply_intent(cls);
    if (intent < 0) {
        return 0;
    }

    if (ev->visibility == SC_VISIBILITY_PRIVATE) {
        vis = SC_REPLY_VIS_PRIVATE;

    } else {
        vis = (cls != NULL && cls->pii != 0) ? SC_REPLY_VIS_PUBLIC_PII
                                             : SC_REPLY_VIS_PUBLIC;
    }

    hours = (rc != NULL) ? &rc->hours : NULL;

    if (crisis) {
        sit = SC_SITUATION_CRISIS;

    } else if (hours != NULL && !sc_hours_is_open(hours, now)) {
        sit = SC_SITUATION_CLOSED;

    } else {
        sit = SC_SITUATION_OPEN;
    }

    text = (rc != NULL && rc->tpl[intent][vis][sit] != NULL)
           ? rc->tpl[intent][vis][sit] : sc_reply_defaults[intent][vis][sit];

    if (text[0] == '\0') {
        return 0;
    }

    memset(values, 0, sizeof(values));

    values[SC_VAR_NAME] = sc_reply_clean(ev->author_name, SC_REPLY_NAME_CP,
                                         name, sizeof(name));
    if (values[SC_VAR_NAME] != NULL) {
        values[SC_VAR_FIRST_NAME] = sc_reply_first_name(name, first,
                                                        sizeof(first));
    }

    values[SC_VAR_HANDLE] = sc_reply_handle(ev->author_handle, handle,
                                            sizeof(handle));

    if (ev->external_id[0] != '\0') {
        sc_reply_ticket(platform, ev->external_id, ticket);
        values[SC_VAR_TICKET] = ticket;
    }

    if (rc != NULL) {
        values[SC_VAR_AGENT] = rc->vars[SC_CONF_AGENT];
        values[SC_VAR_TEAM] = rc->vars[SC_CONF_TEAM];
        values[SC_VAR_CONTACT] = rc->vars[SC_CONF_CONTACT];
        values[SC_VAR_BRAND] = rc->vars[SC_CONF_BRAND];
    }

    if (values[SC_VAR_TEAM] == NULL) {
        values[SC_VAR_TEAM] = SC_REPLY_TEAM;
    }

    if (sit == SC_SITUATION_CLOSED) {
        at = sc_hours_next_open(hours, now);

        if (at >= 0
            && sc_hours_format(hours, now, at, rc->clock12, opens,
                               sizeof(opens))
               > 0)
        {
            values[SC_VAR_OPENS_AT] = opens;
        }
    }

    if (issue != NULL) {
        values[SC_VAR_ISSUE] = sc_reply_clean(issue, SC_TPL_VALUE_MAX,
                                              crisis_issue,
                                              sizeof(crisis_issue));
    }

    sc_reply_limit(rc, ev, platform, &lim, &gsm);

    r.gsm = gsm;
    sc_tpl_render(text, sc_reply_vars, SC_VAR_COUNT, values, &r);

    if (r.len == 0 || sc_tpl_fit(&r, &lim) < 0) {
        return 0;
    }

    out->text = malloc(r.len + 1);
    if (out->text == NULL) {
        return -1;
    }

    memcpy(out->text, r.buf, r.len + 1);

    return 1;
}


/* the template row of an intent, -1 for no reply at all */
static int
sc_reply_intent(const sc_class_t *cls)
{
    size_t  i;

    if (cls == NULL) {
        return SC_REPLY_INTENTS - 1;
    }

    /*
     * Someone who speaks of harming themselves gets a person, not a
     * template: no holding reply; the topic is a crisis topic, so the
     * message is priority 1 and escalated at once.
     */
    for (i = 0; i < cls->ntopics; i++) {
        if (strcmp(cls->topics[i], "self_harm") == 0) {
            return -1;
        }
    }

    switch (cls->intent) {

    case SC_INTENT_COMPLAINT:
        return 0;

    case SC_INTENT_QUESTION:
        return 1;

    case SC_INTENT_PRAISE:
        return 2;

    case SC_INTENT_FEEDBACK:
        return 3;

    case SC_INTENT_SPAM:
    case SC_INTENT_ABUSE:
        return -1;

    default:
        return SC_REPLY_INTENTS - 1;
    }
}


/*
 * A customer-supplied name goes into a reply the brand publishes: one
 * carrying a mention, a hashtag, a link or markup (Slack's <!channel>)
 * would make the brand ping, tag or advertise for whoever chose it, so
 * such a name is no name at all.  So is one too long to be a name.
 */
static const char *
sc_reply_clean(const char *s, size_t max_cp, char *buf, size_t size)
{
    size_t  len, i, cp;

    if (s == NULL) {
        return NULL;
    }

    while (*s == ' ') {
        s++;
    }

    len = strlen(s);

    while (len > 0 && s[len - 1] == ' ') {
        len--;
    }

    if (len == 0 || len >= size || !sc_tpl_utf8_ok(s, len)
        || memchr(s, '\n', len) != NULL || memchr(s, '\t', len) != NULL
        || memchr(s, '@', len) != NULL || memchr(s, '#', len) != NULL
        || memchr(s, '<', len) != NULL || memchr(s, '>', len) != NULL)
    {
        return NULL;
    }

    memcpy(buf, s, len);
    buf[len] = '\0';

    if (strstr(buf, "://") != NULL) {
        return NULL;
    }

    for (i = 0, cp = 0; i < len; i++) {
        cp += (((unsigned char) buf[i] & 0xc0) != 0x80);

        if (i + 4 <= len && strncasecmp(buf + i, "www.", 4) == 0) {
            return NULL;
        }
    }

    return (cp <= max_cp) ? buf : NULL;
}


/*
 * The first word of a name that is a name: titles and emoji before it are
 * skipped, trailing punctuation dropped, and a shouted ASCII name
 * ("ANA") written as a name ("Ana").
 */
static const char *
sc_reply_first_name(const char *name, char *buf, size_t size)
{
    size_t       len, i, cp;
    int          upper;
    const char  *w;

    for (w = name; *w != '\0'; w += len) {
        while (*w == ' ') {
            w++;
        }

        len = strcspn(w, " ");

        if (len == 0) {
            break;
        }

        i = len;

        while (i > 0 && strchr(".,;:!?", w[i - 1]) != NULL) {
            i--;
        }

        if (i == 0 || sc_reply_honorific(w, i) || !sc_reply_letter(w, i)) {
            continue;
        }

        for (len = i, i = 0, cp = 0; i < len; i++) {
            cp += (((unsigned char) w[i] & 0xc0) != 0x80);
        }

        if (cp > SC_REPLY_FIRST_CP || len >= size) {
            return NULL;
        }

        memcpy(buf, w, len);
        buf[len] = '\0';

        upper = (len > 1);

        for (i = 0; i < len; i++) {
            if (!(buf[i] >= 'A' && buf[i] <= 'Z')) {
                upper = 0;
                break;
            }
        }

        for (i = 1; upper && i < len; i++) {
            buf[i] = (char) (buf[i] - 'A' + 'a');
        }

        return buf;
    }

    return NULL;
}


static int
sc_reply_honorific(const char *w, size_t len)
{
    static const char *const  titles[] = {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "sr", "sra",
        "srta", "herr", "frau", "mme", "mlle", "dott", "ing", NULL
    };

    int  i;

    for (i = 0; titles[i] != NULL; i++) {
        if (strlen(titles[i]) == len && strncasecmp(w, titles[i], len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* the word starts with a letter of some script, not a digit or emoji */
static int
sc_reply_letter(const char *w, size_t len)
{
    uint32_t             cp;
    const unsigned char  *p;

    p = (const unsigned char *) w;

    if (p[0] < 0x80) {
        return (p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z');
    }

    if (p[0] >= 0xf0) {
        return 0;       /* astral: emoji, mostly; rare names are fine */
    }

    if (p[0] >= 0xe0) {
        if (len < 3) {
            return 0;
        }

        cp = ((uint32_t) (p[0] & 0x0f) << 12) | ((uint32_t) (p[1] & 0x3f) << 6)
             | (p[2] & 0x3f);

        /* punctuation, symbols, dingbats, CJK marks, private use */
        return !((cp >= 0x2000 && cp < 0x2c00)
                 || (cp >= 0x3000 && cp < 0x3040)
                 || (cp >= 0xe000 && cp < 0xf900)
                 || cp >= 0xfe00);
    }

    /* two bytes: Latin-1 letters and on, not its symbols */
    cp = ((uint32_t) (p[0] & 0x1f) << 6) | (p[1] & 0x3f);

    return cp >= 0xc0 && cp != 0xd7 && cp != 0xf7;
}


/* a handle is letters, digits, "_", "." and "-": nothing else is echoed */
static const char *
sc_reply_handle(const char *s, char *buf, size_t size)
{
    size_t  i;

    if (s == NULL) {
        return NULL;
    }

    if (*s == '@') {
        s++;
    }

    for (i = 0; s[i] != '\0'; i++) {
        if (i + 1 >= size
            || !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')
                 || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'
                 || s[i] == '.' || s[i] == '-'))
        {
            return NULL;
        }

        buf[i] = s[i];
    }

    if (i == 0) {
        return NULL;
    }

    buf[i] = '\0';

    return buf;
}


/*
 * SMS through Twilio: a GSM-7 segment holds 160 septets, 153 when
 * concatenated; a UCS-2 one 70 UTF-16 units, 67 concatenated.
 */
static void
sc_reply_limit(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const char *platform, sc_tpl_limit_t *lim, unsigned *gsm)
{
    unsigned                 segs;
    const sc_reply_limit_t  *l;

    *gsm = 0;
    lim->limit_ucs2 = 0;

    if (platform != NULL && strcmp(platform, "twilio") == 0
        && (ev->channel == NULL || strcmp(ev->channel, "whatsapp") != 0))
    {
        segs = (rc != NULL) ? rc->sms_segments : SC_REPLY_SMS_SEGS;

        *gsm = 1;
        lim->count = SC_TPL_COUNT_SMS;
        lim->limit = (segs == 1) ? 160 : 153 * segs;
        lim->limit_ucs2 = (segs == 1) ? 70 : 67 * segs;
        return;
    }

    for (l = sc_reply_limits; l->platform != NULL; l++) {
        if (platform == NULL || strcmp(l->platform, platform) != 0) {
            continue;
        }

        if (l->channel != NULL
            && (ev->channel == NULL || strcmp(l->channel, ev->channel) != 0))
        {
            continue;
        }

        if (l->visibility >= 0 && (int) ev->visibility != l->visibility) {
            continue;
        }

        break;
    }

    lim->count = l->count;
    lim->limit = l->limit;
}
