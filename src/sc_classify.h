/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_classify.h: what a message means for a care team, decided on arrival:
 * intent, sentiment, priority, topics (and the team that owns them), and
 * the private data it carries, with the redacted text to store instead.
 * Rules are loaded once, at configuration time.  Pure C, no nginx types.
 */

#ifndef _SC_CLASSIFY_H_INCLUDED_
#define _SC_CLASSIFY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "sc_event.h"
#include "sc_json_write.h"


#define SC_TOPICS_MAX  8


typedef enum {
    SC_INTENT_COMPLAINT = 0,
    SC_INTENT_QUESTION,
    SC_INTENT_PRAISE,
    SC_INTENT_FEEDBACK,
    SC_INTENT_SPAM,
    SC_INTENT_ABUSE,
    SC_INTENT_OTHER,         /* nothing to go on: "ok", a sticker, ... */
    SC_INTENT_COUNT
} sc_intent_e;


/* kinds of private data, a bit each */
#define SC_PII_CARD      0x0001  /* Luhn-valid card number */
#define SC_PII_IBAN      0x0002  /* mod-97-valid IBAN */
#define SC_PII_ACCOUNT   0x0004  /* bank account number in context */
#define SC_PII_ROUTING   0x0008  /* ABA routing number (checksum) */
#define SC_PII_NATIONAL  0x0010  /* SSN and other national ids */
#define SC_PII_EMAIL     0x0020
#define SC_PII_PHONE     0x0040
#define SC_PII_SECRET    0x0080  /* a PIN, password or passcode mentioned */

/* the kinds that must not stay in public view (emails, phones may) */
#define SC_PII_SENSITIVE  (SC_PII_CARD | SC_PII_IBAN | SC_PII_ACCOUNT        \
                           | SC_PII_ROUTING | SC_PII_NATIONAL | SC_PII_SECRET)


typedef struct sc_rules_s  sc_rules_t;


typedef struct {
    sc_intent_e    intent;
    double         sentiment;            /* [-1, 1] */
    int            priority;             /* 1 (crisis) .. 4 */
    unsigned       crisis:1;             /* a crisis topic matched */

    const char    *topics[SC_TOPICS_MAX];  /* owned by the rules */
    size_t         ntopics;
    const char    *team;                 /* owner of the first topic, or NULL */

    unsigned       pii;                  /* SC_PII_* */
    char          *redacted;             /* malloc'd text with the private
                                            data masked, NULL if none found */
} sc_class_t;


/*
 * Rules from a file (format documented in the README and in
 * rules/default.rules), or the built-in defaults when path is NULL.
 * NULL on error with a sentence naming the file and line in err.
 */
sc_rules_t *sc_rules_load(const char *path, char *err, size_t errlen);
void sc_rules_free(sc_rules_t *rules);

/*
 * Classifies ev->text (and what the event says about its author:
 * followers above influencer_followers, when > 0, raise the priority to 1).
 * Priority: 1 for a crisis topic (unless the message is praise) or an
 * influencer, 2 for complaints and for sensitive private data in a public
 * post, 3 for questions, 4 for the rest.  Spam gets no topics and no
 * crisis; the brand's own messages (ev->from_brand) are "other", 4.  With
 * rules NULL only the private data is found.  The first 8 KB of a longer
 * text are classified, all of it is redacted.
 * Returns 0, or -1 when out of memory.  sc_class_free() releases out.
 */
int sc_classify(const sc_rules_t *rules, const sc_event_t *ev,
    int64_t influencer_followers, sc_class_t *out);
void sc_class_free(sc_class_t *cls);

/* "complaint", "question", ... */
const char *sc_intent_name(sc_intent_e intent);

/* appends the names of the kinds in mask to a JSON array; 0, or -1 */
int sc_pii_names(unsigned mask, json_t *array);

/* the name of one SC_PII_* bit ("card", ...), NULL for none */
const char *sc_pii_name(unsigned bit);

/*
 * Finds the private data in text[0, len): *kinds gets the SC_PII_* found,
 * and, when redacted is not NULL and something was found, *redacted a
 * malloc'd NUL-terminated copy with each item masked (NULL otherwise).
 * Returns 0, or -1 when out of memory.
 */
int sc_pii_redact(const char *text, size_t len, unsigned *kinds,
    char **redacted);

/*
 * Masks private data in every string of a JSON tree in place (the raw
 * payload stored beside the redacted text), except identifiers: the values
 * of keys "id", "mid", "..._id" and "...Id" are the platform's references.
 * Strings are replaced, so an event's borrowed pointers into the tree
 * dangle afterwards: classify first.  Returns the kinds found.
 */
unsigned sc_pii_redact_json(json_t *root);

/*
 * Writes root as JSON with the masking of sc_pii_redact_json(), without
 * copying or changing the tree: the same text json_dumps() gives for a
 * redacted copy.  Returns 0, or -1 (w failed, out of memory).
 */
int sc_pii_redact_write(sc_jw_t *w, const json_t *root);


#endif /* _SC_CLASSIFY_H_INCLUDED_ */
