/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_classify.c: intent, sentiment, priority and topics of a message, from
 * rules loaded once (rules/default.rules documents the format; the same
 * rules are compiled in for when no file is given).
 *
 * A message is tokenized once into a fixed buffer: ASCII lowercased, Latin
 * accents folded ("número" is "numero"), an emoji a token, emoticons kept
 * whole, each token hashed as it is read.  A token costs a look at a
 * filter of the keys, and a hash probe when it may be one, plus one per
 * distinct length of the "word*" prefixes its first two bytes may start;
 * phrases hang off their first word, their second word's hash beside
 * them, and a filter of first and second words skips them when the next
 * token continues none.  Nothing is allocated per message but the
 * redacted text.
 */

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_classify.h"


/* rules: bounded so a wrong path (a log, a disk image) fails fast */
#define SC_RULES_FILE_MAX   (1024 * 1024)
#define SC_RULES_DEPTH      8
#define SC_TERMS_MAX        65536
#define SC_TOPICS_LIMIT     64
#define SC_PHRASE_MAX       6
#define SC_WORD_MAX         48
#define SC_NAME_MAX         32
#define SC_LINE_MAX         4096
#define SC_MATCH_MAX        16

/* distinct cue words remembered per message: each counts once */
#define SC_SEEN_MAX         64

/* what is classified of a longer message; all of it is still redacted */
#define SC_TEXT_MAX         8192
#define SC_TOKENS_MAX       1024

/* a sentiment word is negated within this many words after "not" */
#define SC_NEGATION_SCOPE   3

/* an intensifier reaches this many words ahead: "so very angry" */
#define SC_BOOST_SCOPE      2

#define SC_FNV_OFFSET       2166136261u
#define SC_FNV_PRIME        16777619u

/*
 * Bits of the filters over the keys and over the first two words of the
 * phrases: most words of a message are no key, and most keys are not
 * followed by the second word of any of their phrases.
 */
#define SC_FILTER_BITS      16384


/*
 * How cues add up to an intent.  Rules weigh words; these weigh what the
 * words cannot say: punctuation, case, links, and sentiment as a whole.
 * Tuned on t/classify/labeled.tsv.
 */
#define SC_W_QUESTION_MARK  1.0f    /* a '?' anywhere */
#define SC_W_IMPATIENCE     0.4f    /* each "??" or "?!" */
#define SC_W_SHOUTING       1.0f    /* mostly capitals, to complaint */
#define SC_W_NEGATIVE       0.6f    /* per unit of negative sentiment */
#define SC_W_POSITIVE       0.3f    /* per unit of positive sentiment */
#define SC_W_LINK           0.6f    /* a link, to spam */
#define SC_W_LINK_PROMO     1.5f    /* a link beside promotion words */
#define SC_W_REPEAT         0.3f    /* $$$, 🚀🚀🚀, wowwww */
#define SC_W_CRISIS         1.5f    /* a crisis topic, to complaint */
#define SC_W_FELT_MAX       4.0f    /* sentiment counts up to this much */
#define SC_W_FAILURE        2.5f    /* a complaint cue this strong is a
                                       failure: it outweighs praise and
                                       insults */
#define SC_MIN_SCORE        1.0f    /* below: "other", unless felt */
#define SC_MIN_FELT         0.3f    /* sentiment that makes a complaint */
#define SC_MIN_PLEASED      0.5f    /* and praise: "👍" alone is a nod */

/* VADER's constants: "!" adds, "but" shifts weight to what follows */
#define SC_S_EXCLAIM        0.3f
#define SC_S_NEGATED        -0.6f
#define SC_S_CAPS           1.5f
#define SC_S_ELONG          1.3f
#define SC_S_BEFORE_BUT     0.5f
#define SC_S_AFTER_BUT      1.5f
#define SC_S_ALPHA          15.0


/* token flags */
#define SC_TOK_CAPS         0x01    /* written in capitals: ANGRY */
#define SC_TOK_ELONG        0x02    /* a letter three times: sooo */
#define SC_TOK_BREAK        0x04    /* a clause ends before it */
#define SC_TOK_POSS         0x08    /* ended in 's: "drivers" was driver's */


typedef enum {
    SC_SEC_NONE = 0,
    SC_SEC_TOPIC,
    SC_SEC_SENTIMENT,
    SC_SEC_INTENT,
    SC_SEC_NEGATION,
    SC_SEC_INTENSIFIER,
    SC_SEC_CONTRAST
} sc_section_e;


typedef struct sc_term_s  sc_term_t;

struct sc_term_s {
    sc_term_t      *next;            /* same first word, longer first */
    uint64_t        topics;          /* bit n: rules->topics[n] */
    float           sentiment;
    float           intensity;       /* 0: not an intensifier */
    float           intent[SC_INTENT_COUNT];
    uint8_t         nwords;
    uint8_t         prefix;          /* bit n: word n matches any ending */
    uint8_t         negation;
    uint8_t         contrast;
    uint8_t         has_sentiment;
    uint8_t         has_intent;
    uint8_t         start;           /* "^is it": first in a sentence */
    uint32_t        hash1;           /* sc_hash() of the second word */
    uint8_t         lens[SC_PHRASE_MAX];
    const char     *words[SC_PHRASE_MAX];
    char            text[];          /* the words, one after another */
};


typedef struct {
    uint32_t        hash;
    uint8_t         len;
    uint8_t         prefix;
    uint8_t         loose;           /* a phrase's second word is "word*" */
    const char     *key;
    sc_term_t      *terms;
    sc_term_t      *single;          /* the first one-word term of terms */
    uint32_t        phrases;         /* its phrases in rules->phrases[] */
    uint32_t        nphrases;
} sc_slot_t;


/* a phrase by the hash of its second word, for a look at many at once */
typedef struct {
    uint32_t        hash1;
    const sc_term_t *term;
} sc_phrase_t;


typedef struct {
    char            name[SC_NAME_MAX];
    char            team[SC_NAME_MAX];
} sc_topic_t;


struct sc_rules_s {
    sc_slot_t      *slots;
    size_t          nslots;          /* a power of two */
    size_t          nused;
    size_t          nterms;
    uint64_t        prefix_lens;     /* bit n: a "word*" key n bytes long */
    size_t          prefix_max;      /* the longest of them */
    uint64_t        crisis;          /* topics that make a crisis */
    size_t          ntopics;
    sc_topic_t      topics[SC_TOPICS_LIMIT];
    sc_phrase_t    *phrases;         /* each slot's, in its terms' order */
    uint64_t        keys[SC_FILTER_BITS / 64];
    uint64_t        singles[SC_FILTER_BITS / 64];  /* keys of a one-word
                                                      term, or loose */
    uint64_t        pairs[SC_FILTER_BITS / 64];
    uint64_t        starts[SC_FILTER_BITS / 64];  /* "word*" keys' first
                                                     two bytes */
};


typedef struct {
    uint16_t        off;
    uint8_t         len;
    uint8_t         flags;
    uint32_t        hash;            /* sc_hash() of the token */
} sc_tok_t;


/* a message as tokens, and what its punctuation and case say */
typedef struct {
    size_t          ntok;
    size_t          blen;
    unsigned        nexcl;           /* '!' and '¡' */
    unsigned        nquest;          /* '?' and '¿' */
    unsigned        nqrun;           /* "??", "?!": impatience */
    unsigned        nurl;
    unsigned        nletters;
    unsigned        nupper;
    unsigned        nrepeat;         /* sooo, $$$, 💰💰💰 */
    unsigned        nmention;
    sc_tok_t        tok[SC_TOKENS_MAX];
    char            buf[SC_TEXT_MAX];
} sc_text_t;


/* a word as sc_word() read it, for sc_tokenize() to keep or not */
typedef struct {
    size_t          end;             /* where it ends in the text */
    size_t          blen;            /* where it ends in tx->buf */
    uint32_t        hash;
    unsigned        flags;           /* SC_TOK_* */
    unsigned        letters;
    unsigned        upper;
    unsigned        alnum:1;         /* ASCII letters and digits only */
} sc_word_t;


/* what the words of a message add up to */
typedef struct {
    float           cue[SC_INTENT_COUNT];
    float           sentiment;
    uint64_t        topics;
    unsigned        contrast:1;
} sc_sum_t;


typedef struct {
    const char     *file;
    unsigned        line;
    char           *err;
    size_t          errlen;
    sc_rules_t     *rules;
    sc_text_t      *tx;
    int             depth;
    sc_section_e    section;
    int             topic;
    int             intent;
    float           weight;
} sc_loader_t;


static int sc_load_file(sc_loader_t *ld, const char *path);
static int sc_load_text(sc_loader_t *ld, const char *text, size_t len);
static int sc_load_line(sc_loader_t *ld, char *line);
static int sc_load_header(sc_loader_t *ld, char *line);
static int sc_load_include(sc_loader_t *ld, const char *name);
static int sc_load_item(sc_loader_t *ld, const char *item, size_t len);
static int sc_fail(sc_loader_t *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int sc_parse_weight(const char *s, float min, float max, float *w);
static int sc_topic_index(sc_loader_t *ld, const char *name,
    const char *team, int crisis);
static sc_term_t *sc_term_get(sc_loader_t *ld, const sc_text_t *tx,
    int start);
static int sc_slots_grow(sc_rules_t *rules);
static int sc_rules_index(sc_rules_t *rules);
static int sc_filter_test(const uint64_t *filter, uint32_t hash);
static void sc_filter_set(uint64_t *filter, uint32_t hash);
static uint32_t sc_pair_hash(uint32_t first, uint32_t second);
static uint32_t sc_start_hash(const char *w);
static int sc_pair_maybe(const sc_rules_t *rules, const sc_text_t *tx,
    size_t i, uint32_t hash, uint32_t *next);
static sc_slot_t *sc_slot_find(const sc_rules_t *rules, uint32_t hash,
    const char *key, size_t len, int prefix);
static uint32_t sc_hash(const char *s, size_t len);
static size_t sc_utf8(const unsigned char *p, size_t len, uint32_t *cp);
static int sc_is_alnum(unsigned char c);
static int sc_is_emoji(uint32_t cp);
static int sc_is_skipped(uint32_t cp);
static int sc_is_punct(uint32_t cp);
static char sc_fold_latin1(uint32_t cp, int *upper);
static size_t sc_url_len(const char *s, size_t len);
static void sc_tokenize(const char *s, size_t len, sc_text_t *tx);
static int sc_link_start(const unsigned char *p, size_t i);
static void sc_word(const unsigned char *p, size_t len, size_t i,
    sc_text_t *tx, unsigned flags, sc_word_t *w);
static void sc_word_keep(sc_text_t *tx, const sc_word_t *w);
static size_t sc_symbols(const unsigned char *p, size_t len, size_t i,
    sc_text_t *tx, unsigned *flags);
static void sc_push(sc_text_t *tx, size_t off, unsigned flags,
    uint32_t hash);
static size_t sc_match(const sc_rules_t *rules, const sc_text_t *tx,
    size_t i, const sc_term_t **found, size_t *nfound);
static void sc_match_key(const sc_rules_t *rules, const sc_text_t *tx,
    size_t i, uint32_t hash, const char *w, size_t len, int prefix,
    const sc_term_t **found, size_t *nfound, size_t *best);
static void sc_match_term(const sc_text_t *tx, size_t i, const sc_term_t *t,
    const sc_term_t **found, size_t *nfound, size_t *best);
static size_t sc_collapse(const char *w, size_t len, size_t keep, char *out);
static int sc_word_fits(const sc_term_t *t, size_t n, const char *w,
    const sc_tok_t *tok);
static void sc_sum(const sc_rules_t *rules, const sc_text_t *tx,
    sc_sum_t *sum);
static float sc_emphasis(const sc_text_t *tx, float s);
static double sc_squash(double x);
static sc_intent_e sc_decide(const sc_rules_t *rules, const sc_text_t *tx,
    const sc_sum_t *sum, double sentiment);
static void sc_topics(const sc_rules_t *rules, uint64_t mask,
    sc_class_t *out);
static const char *sc_builtin(size_t *len);


/* ASCII letters and digits; and what a domain's labels are made of */
#define SC_C_ALNUM          1
#define SC_C_LABEL          2

static const unsigned char  sc_char_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0,  /* 0x20 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0,  /* 0x30 */
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  /* 0x40 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,  /* 0x50 */
    0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  /* 0x60 */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,  /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xa0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xb0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xc0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xd0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xe0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0   /* 0xf0 */
};


static const char  *sc_intent_names[SC_INTENT_COUNT] = {
    "complaint", "question", "praise", "feedback", "spam", "abuse", "other"
};


sc_rules_t *
sc_rules_load(const char *path, char *err, size_t errlen)
{
    int           rc;
    size_t        len;
    const char   *text;
    sc_loader_t   ld;

    memset(&ld, 0, sizeof(sc_loader_t));
    ld.err = err;
    ld.errlen = errlen;

    ld.rules = calloc(1, sizeof(sc_rules_t));
    ld.tx = malloc(sizeof(sc_text_t));

    if (ld.rules == NULL || ld.tx == NULL || sc_slots_grow(ld.rules) != 0) {
        snprintf(err, errlen, "out of memory");
        free(ld.tx);
        sc_rules_free(ld.rules);
        return NULL;
    }

    if (path == NULL) {
        ld.file = "built-in rules";
        text = sc_builtin(&len);
        rc = sc_load_text(&ld, text, len);

    } else {
        rc = sc_load_file(&ld, path);
    }

    free(ld.tx);

    if (rc != 0) {
        sc_rules_free(ld.rules);
        return NULL;
    }

    if (sc_rules_index(ld.rules) != 0) {
        snprintf(err, errlen, "out of memory");
        sc_rules_free(ld.rules);
        return NULL;
    }

    return ld.rules;
}


void
sc_rules_free(sc_rules_t *rules)
{
    size_t      i;
    sc_term_t  *t, *next;

    if (rules == NULL) {
        return;
    }

    for (i = 0; i < rules->nslots; i++) {
        for (t = rules->slots[i].terms; t != NULL; t = next) {
            next = t->next;
            free(t);
        }
    }

    free(rules->phrases);
    free(rules->slots);
    free(rules);
}


static int
sc_load_file(sc_loader_t *ld, const char *path)
{
    int           rc;
    long          size;
    FILE         *f;
    char         *text;
    const char   *file;
    unsigned      line;

    if (ld->depth >= SC_RULES_DEPTH) {
        return sc_fail(ld, "includes nested deeper than %d at \"%s\"",
                       SC_RULES_DEPTH, path);
    }

    f = fopen(path, "rb");
    if (f == NULL) {
        return sc_fail(ld, "cannot open \"%s\": %s", path, strerror(errno));
    }

    size = -1;
    if (fseek(f, 0, SEEK_END) == 0) {
        size = ftell(f);
    }

    if (size < 0 || size > SC_RULES_FILE_MAX || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return sc_fail(ld, "\"%s\" is no rules file: over %d bytes or not"
                       " a regular file", path, SC_RULES_FILE_MAX);
    }

    text = malloc((size_t) size + 1);
    if (text == NULL || fread(text, 1, (size_t) size, f) != (size_t) size) {
        fclose(f);
        free(text);
        return sc_fail(ld, "cannot read \"%s\"", path);
    }

    fclose(f);

    /* an included file starts without a section and counts its own lines */
    file = ld->file;
    line = ld->line;

    ld->file = path;
    ld->line = 0;
    ld->section = SC_SEC_NONE;
    ld->depth++;

    rc = sc_load_text(ld, text, (size_t) size);

    ld->depth--;
    free(text);

    if (rc == 0) {
        ld->file = file;
        ld->line = line;
        ld->section = SC_SEC_NONE;
    }

    return rc;
}


static int
sc_load_text(sc_loader_t *ld, const char *text, size_t len)
{
    char         line[SC_LINE_MAX];
    size_t       n;
    const char  *p, *end, *nl;

    p = text;
    end = text + len;

    while (p < end) {
        nl = memchr(p, '\n', end - p);
        n = (nl ? nl : end) - p;
        ld->line++;

        if (n >= sizeof(line)) {
            return sc_fail(ld, "a line longer than %d bytes",
                           SC_LINE_MAX - 1);
        }

        if (memchr(p, '\0', n) != NULL) {
            return sc_fail(ld, "a NUL byte: not a text file");
        }

        memcpy(line, p, n);
        line[n] = '\0';

        if (sc_load_line(ld, line) != 0) {
            return -1;
        }

        p += n + 1;
    }

    return 0;
}


static int
sc_load_line(sc_loader_t *ld, char *line)
{
    char    *p, *item;
    size_t   n;

    /* comments: '#' at the start of the line or after a blank */
    for (p = line; *p; p++) {
        if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            break;
        }
    }

    n = strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'
                     || line[n - 1] == '\r'))
    {
        line[--n] = '\0';
    }

    if (n == 0) {
        return 0;
    }

    if (line[0] != ' ' && line[0] != '\t') {
        return sc_load_header(ld, line);
    }

    if (ld->section == SC_SEC_NONE) {
        return sc_fail(ld, "words before any section: start with a line"
                       " such as \"topic card cards\"");
    }

    /* indented: words and phrases separated by commas */
    for (item = line; item != NULL; item = p) {
        p = strchr(item, ',');
        n = p ? (size_t) (p - item) : strlen(item);
        if (p != NULL) {
            p++;
        }

        while (n > 0 && (*item == ' ' || *item == '\t')) {
            item++;
            n--;
        }
        while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t')) {
            n--;
        }

        if (n > 0 && sc_load_item(ld, item, n) != 0) {
            return -1;
        }
    }

    return 0;
}


static int
sc_load_header(sc_loader_t *ld, char *line)
{
    int    i, n;
    char  *arg[5], *save, *w;

    n = 0;
    arg[0] = line;
    for (w = strtok_r(line, " \t", &save); w != NULL;
         w = strtok_r(NULL, " \t", &save))
    {
        if (n == 5) {
            return sc_fail(ld, "too many words in section line \"%s ...\"",
                           arg[0]);
        }
        arg[n++] = w;
    }

    ld->section = SC_SEC_NONE;

    if (strcmp(arg[0], "topic") == 0) {
        if (n < 3 || n > 4 || (n == 4 && strcmp(arg[3], "crisis") != 0)) {
            return sc_fail(ld, "\"topic\" wants: topic NAME TEAM [crisis]");
        }

        ld->topic = sc_topic_index(ld, arg[1], arg[2], n == 4);
        if (ld->topic < 0) {
            return -1;
        }

        ld->section = SC_SEC_TOPIC;
        return 0;
    }

    if (strcmp(arg[0], "sentiment") == 0) {
        if (n != 2 || sc_parse_weight(arg[1], -4, 4, &ld->weight) != 0) {
            return sc_fail(ld, "\"sentiment\" wants a weight from -4 to 4");
        }

        ld->section = SC_SEC_SENTIMENT;
        return 0;
    }

    if (strcmp(arg[0], "intent") == 0) {
        ld->intent = -1;
        for (i = 0; n == 3 && i < SC_INTENT_OTHER; i++) {
            if (strcmp(arg[1], sc_intent_names[i]) == 0) {
                ld->intent = i;
            }
        }

        if (ld->intent < 0 || sc_parse_weight(arg[2], 0, 10, &ld->weight)) {
            return sc_fail(ld, "\"intent\" wants: intent NAME WEIGHT, NAME"
                           " one of complaint question praise feedback"
                           " spam abuse, WEIGHT from 0 to 10");
        }

        ld->section = SC_SEC_INTENT;
        return 0;
    }

    if (strcmp(arg[0], "negation") == 0 || strcmp(arg[0], "contrast") == 0) {
        if (n != 1) {
            return sc_fail(ld, "\"%s\" takes no arguments", arg[0]);
        }

        ld->section = arg[0][0] == 'n' ? SC_SEC_NEGATION : SC_SEC_CONTRAST;
        return 0;
    }

    if (strcmp(arg[0], "intensifier") == 0) {
        if (n != 2 || sc_parse_weight(arg[1], 0.1f, 4, &ld->weight) != 0) {
            return sc_fail(ld, "\"intensifier\" wants a factor from 0.1"
                           " to 4");
        }

        ld->section = SC_SEC_INTENSIFIER;
        return 0;
    }

    if (strcmp(arg[0], "include") == 0) {
        if (n != 2) {
            return sc_fail(ld, "\"include\" wants one file name");
        }

        return sc_load_include(ld, arg[1]);
    }

    return sc_fail(ld, "unknown section \"%s\": topic, sentiment, intent,"
                   " negation, intensifier, contrast or include", arg[0]);
}


/* another rules file, its name relative to the including one */
static int
sc_load_include(sc_loader_t *ld, const char *name)
{
    int          n;
    char         path[SC_LINE_MAX];
    const char  *slash;

    if (ld->depth == 0) {
        return sc_fail(ld, "\"include\" works in rules files only");
    }

    slash = strrchr(ld->file, '/');

    if (name[0] == '/' || slash == NULL) {
        n = snprintf(path, sizeof(path), "%s", name);

    } else {
        n = snprintf(path, sizeof(path), "%.*s/%s", (int) (slash - ld->file),
                     ld->file, name);
    }

    if (n < 0 || (size_t) n >= sizeof(path)) {
        return sc_fail(ld, "include path too long");
    }

    return sc_load_file(ld, path);
}


/* one word or phrase of the current section */
static int
sc_load_item(sc_loader_t *ld, const char *item, size_t len)
{
    int         start;
    sc_term_t  *t;

    /* "^is it": only where a sentence starts */
    start = (item[0] == '^');
    sc_tokenize(item + start, len - start, ld->tx);

    if (ld->tx->ntok == 0 || ld->tx->nurl || ld->tx->nmention) {
        return sc_fail(ld, "\"%.*s\" is no word", (int) len, item);
    }

    t = sc_term_get(ld, ld->tx, start);
    if (t == NULL) {
        return -1;
    }

    switch (ld->section) {

    case SC_SEC_TOPIC:
        t->topics |= (uint64_t) 1 << ld->topic;
        break;

    /* a later line wins: a language file may re-weigh a default word */
    case SC_SEC_SENTIMENT:
        t->sentiment = ld->weight;
        t->has_sentiment = 1;
        break;

    case SC_SEC_INTENT:
        t->intent[ld->intent] = ld->weight;
        t->has_intent = 1;
        break;

    case SC_SEC_NEGATION:
        t->negation = 1;
        break;

    case SC_SEC_INTENSIFIER:
        t->intensity = ld->weight;
        break;

    default:
        t->contrast = 1;
        break;
    }

    return 0;
}


/* "file:line: what is wrong" into err; always -1 */
static int
sc_fail(sc_loader_t *ld, const char *fmt, ...)
{
    int      n;
    va_list  args;

    n = 0;
    if (ld->line > 0) {
        n = snprintf(ld->err, ld->errlen, "%s:%u: ", ld->file, ld->line);
        if (n < 0 || (size_t) n >= ld->errlen) {
            return -1;
        }
    }

    va_start(args, fmt);
    vsnprintf(ld->err + n, ld->errlen - n, fmt, args);
    va_end(args);

    return -1;
}


/* [-+]digits[.digits], no locale: "0.5" is a half wherever nginx runs */
static int
sc_parse_weight(const char *s, float min, float max, float *w)
{
    int     sign, digits;
    float   v, scale;

    sign = 1;
    if (*s == '-' || *s == '+') {
        sign = (*s == '-') ? -1 : 1;
        s++;
    }

    v = 0;
    digits = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        digits++;
    }

    if (*s == '.') {
        s++;
        for (scale = 0.1f; *s >= '0' && *s <= '9'; scale /= 10) {
            v += (*s++ - '0') * scale;
            digits++;
        }
    }

    v *= sign;

    if (*s != '\0' || digits == 0 || digits > 8 || v < min || v > max) {
        return -1;
    }

    *w = v;

    return 0;
}


/* a topic's index; a topic named again may add words and change owner */
static int
sc_topic_index(sc_loader_t *ld, const char *name, const char *team,
    int crisis)
{
    size_t       i;
    uint64_t     bit;
    sc_rules_t  *rules;

    rules = ld->rules;

    if (strlen(name) >= SC_NAME_MAX || strlen(team) >= SC_NAME_MAX
        || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-")
           != strlen(name))
    {
        return sc_fail(ld, "topic \"%s\": a name of lowercase letters,"
                       " digits, '_' and '-', and a team, each %d bytes at"
                       " most", name, SC_NAME_MAX - 1);
    }

    for (i = 0; i < rules->ntopics; i++) {
        if (strcmp(rules->topics[i].name, name) == 0) {
            break;
        }
    }

    if (i == rules->ntopics) {
        if (i == SC_TOPICS_LIMIT) {
            return sc_fail(ld, "topic \"%s\": more than %d topics", name,
                           SC_TOPICS_LIMIT);
        }
        rules->ntopics++;
    }

    strcpy(rules->topics[i].name, name);
    strcpy(rules->topics[i].team, team);

    bit = (uint64_t) 1 << i;
    rules->crisis = crisis ? (rules->crisis | bit) : (rules->crisis & ~bit);

    return (int) i;
}


/* the term for these words, made on first sight */
static sc_term_t *
sc_term_get(sc_loader_t *ld, const sc_text_t *tx, int start)
{
    char        *p;
    size_t       i, n, len, total;
    size_t       lens[SC_PHRASE_MAX];
    uint8_t      prefix;
    uint32_t     hash;
    sc_slot_t   *slot;
    sc_term_t   *t, **pt;
    sc_rules_t  *rules;
    const char  *w;

    rules = ld->rules;
    n = tx->ntok;

    if (n > SC_PHRASE_MAX) {
        sc_fail(ld, "a phrase of more than %d words", SC_PHRASE_MAX);
        return NULL;
    }

    /* "refund*": any ending; "f***" is a word with its stars */
    prefix = 0;
    total = 0;
    for (i = 0; i < n; i++) {
        w = tx->buf + tx->tok[i].off;
        len = tx->tok[i].len;

        if (len > 1 && w[len - 1] == '*' && w[len - 2] != '*') {
            len--;
            if (len < 3 || len > 63) {
                sc_fail(ld, "\"%.*s*\": 3 to 63 bytes before a '*'",
                        (int) len, w);
                return NULL;
            }
            prefix |= 1 << i;
        }

        if (len > SC_WORD_MAX) {
            sc_fail(ld, "a word longer than %d bytes", SC_WORD_MAX);
            return NULL;
        }

        lens[i] = len;
        total += len;
    }

    w = tx->buf + tx->tok[0].off;
    hash = sc_hash(w, lens[0]);
    slot = sc_slot_find(rules, hash, w, lens[0], prefix & 1);

    for (t = slot->terms; t != NULL; t = t->next) {
        if (t->nwords != n || t->prefix != prefix || t->start != start) {
            continue;
        }

        for (i = 1; i < n; i++) {
            if (t->lens[i] != lens[i]
                || memcmp(t->words[i], tx->buf + tx->tok[i].off, lens[i]))
            {
                break;
            }
        }

        if (i == n) {
            return t;
        }
    }

    if (rules->nterms == SC_TERMS_MAX) {
        sc_fail(ld, "more than %d words and phrases", SC_TERMS_MAX);
        return NULL;
    }

    t = calloc(1, sizeof(sc_term_t) + total);
    if (t == NULL) {
        sc_fail(ld, "out of memory");
        return NULL;
    }

    p = t->text;
    for (i = 0; i < n; i++) {
        memcpy(p, tx->buf + tx->tok[i].off, lens[i]);
        t->words[i] = p;
        t->lens[i] = (uint8_t) lens[i];
        p += lens[i];
    }
    t->nwords = (uint8_t) n;
    t->prefix = prefix;
    t->start = (uint8_t) start;
    rules->nterms++;

    if (slot->terms == NULL) {
        slot->hash = hash;
        slot->key = t->words[0];
        slot->len = t->lens[0];
        slot->prefix = prefix & 1;
        slot->terms = t;
        rules->nused++;

        if (prefix & 1) {
            rules->prefix_lens |= (uint64_t) 1 << t->lens[0];
        }

        if (sc_slots_grow(rules) != 0) {
            sc_fail(ld, "out of memory");
            return NULL;
        }

        return t;
    }

    /* longest phrases first: the first that fits is the longest */
    for (pt = &slot->terms; *pt != NULL && (*pt)->nwords >= n;
         pt = &(*pt)->next)
    {
        /* void */
    }

    t->next = *pt;
    *pt = t;

    return t;
}


/* keeps the table under half full, so probes stay short and end */
static int
sc_slots_grow(sc_rules_t *rules)
{
    size_t      i, n;
    sc_slot_t  *old, *slot;
    sc_rules_t  grown;

    if (rules->nused * 2 < rules->nslots) {
        return 0;
    }

    n = rules->nslots ? rules->nslots * 2 : 256;

    grown.slots = calloc(n, sizeof(sc_slot_t));
    if (grown.slots == NULL) {
        return -1;
    }
    grown.nslots = n;

    old = rules->slots;
    for (i = 0; i < rules->nslots; i++) {
        if (old[i].terms != NULL) {
            slot = sc_slot_find(&grown, old[i].hash, old[i].key, old[i].len,
                                old[i].prefix);
            *slot = old[i];
        }
    }

    free(old);
    rules->slots = grown.slots;
    rules->nslots = n;

    return 0;
}


/* the slot of a key, or the empty one where it would go */
static sc_slot_t *
sc_slot_find(const sc_rules_t *rules, uint32_t hash, const char *key,
    size_t len, int prefix)
{
    size_t      i, k, mask;
    sc_slot_t  *slot;

    mask = rules->nslots - 1;

    for (i = hash & mask; ; i = (i + 1) & mask) {
        slot = &rules->slots[i];

        if (slot->terms == NULL) {
            return slot;
        }

        if (slot->hash == hash && slot->len == len && slot->prefix == prefix) {
            /* keys are words: a loop costs less than a call to memcmp */
            for (k = 0; k < len && slot->key[k] == key[k]; k++) {
                /* void */
            }

            if (k == len) {
                return slot;
            }
        }
    }
}


static uint32_t
sc_hash(const char *s, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = SC_FNV_OFFSET;
    for (i = 0; i < len; i++) {
        h = (h ^ (unsigned char) s[i]) * SC_FNV_PRIME;
    }

    return h;
}


/*
 * What matching skips once the rules are loaded: the filters of keys and
 * of phrases' first two words, each slot's first one-word term (the terms
 * hang longest first), its phrases with the hashes of their second words
 * side by side, and the length of the longest "word*" key.  0, or -1 when
 * out of memory.
 */
static int
sc_rules_index(sc_rules_t *rules)
{
    size_t      i, n;
    sc_slot_t  *slot;
    sc_term_t  *t;

    n = 0;

    for (i = 0; i < rules->nslots; i++) {
        for (t = rules->slots[i].terms; t != NULL; t = t->next) {
            n += (t->nwords > 1);
        }
    }

    rules->phrases = malloc((n ? n : 1) * sizeof(sc_phrase_t));
    if (rules->phrases == NULL) {
        return -1;
    }

    n = 0;

    for (i = 0; i < rules->nslots; i++) {
        slot = &rules->slots[i];

        if (slot->terms == NULL) {
            continue;
        }

        sc_filter_set(rules->keys, slot->hash);

        if (slot->prefix) {
            sc_filter_set(rules->starts, sc_start_hash(slot->key));
        }

        slot->phrases = (uint32_t) n;

        for (t = slot->terms; t != NULL && t->nwords > 1; t = t->next) {
            t->hash1 = sc_hash(t->words[1], t->lens[1]);
            rules->phrases[n].hash1 = t->hash1;
            rules->phrases[n].term = t;
            n++;
        }

        slot->nphrases = (uint32_t) (n - slot->phrases);

        for (t = slot->terms; t != NULL; t = t->next) {
            if (t->nwords == 1) {
                slot->single = t;
                sc_filter_set(rules->singles, slot->hash);
                break;
            }

            if (t->prefix & 2) {
                slot->loose = 1;
                sc_filter_set(rules->singles, slot->hash);

            } else {
                sc_filter_set(rules->pairs,
                              sc_pair_hash(slot->hash, t->hash1));
            }
        }
    }

    for (i = 0; i < 64; i++) {
        if ((rules->prefix_lens >> i) & 1) {
            rules->prefix_max = i;
        }
    }

    return 0;
}


static int
sc_filter_test(const uint64_t *filter, uint32_t hash)
{
    hash &= SC_FILTER_BITS - 1;

    return (filter[hash / 64] >> (hash % 64)) & 1;
}


static void
sc_filter_set(uint64_t *filter, uint32_t hash)
{
    hash &= SC_FILTER_BITS - 1;

    filter[hash / 64] |= (uint64_t) 1 << (hash % 64);
}


static uint32_t
sc_pair_hash(uint32_t first, uint32_t second)
{
    return (first ^ (second >> 7) ^ (second << 11)) * SC_FNV_PRIME;
}


/* the first two bytes of a word of 2 bytes or more */
static uint32_t
sc_start_hash(const char *w)
{
    return (uint32_t) (unsigned char) w[0] << 8 | (unsigned char) w[1];
}


/*
 * Whether a phrase starting with the key of hash may go on with token
 * i + 1: as written (its hash in next[0]), or as "driver" when written
 * "driver's" (next[1], else the same as next[0]).
 */
static int
sc_pair_maybe(const sc_rules_t *rules, const sc_text_t *tx, size_t i,
    uint32_t hash, uint32_t *next)
{
    const sc_tok_t  *tok;

    if (i + 1 >= tx->ntok) {
        return 0;
    }

    tok = &tx->tok[i + 1];

    if (tok->flags & SC_TOK_BREAK) {
        return 0;
    }

    next[0] = tok->hash;
    next[1] = tok->hash;

    if ((tok->flags & SC_TOK_POSS) && tok->len > 0) {
        next[1] = sc_hash(tx->buf + tok->off, tok->len - 1);
    }

    return sc_filter_test(rules->pairs, sc_pair_hash(hash, next[0]))
           || (next[1] != next[0]
               && sc_filter_test(rules->pairs, sc_pair_hash(hash, next[1])));
}


/* one UTF-8 sequence: its length, or 0 when malformed or cut */
static size_t
sc_utf8(const unsigned char *p, size_t len, uint32_t *cp)
{
    size_t    n, i;
    uint32_t  c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }

    if ((p[0] & 0xe0) == 0xc0) {
        n = 2;
        c = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3;
        c = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4;
        c = p[0] & 0x07;
    } else {
        return 0;
    }

    if (n > len) {
        return 0;
    }

    for (i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (p[i] & 0x3f);
    }

    *cp = c;

    return n;
}


static int
sc_is_alnum(unsigned char c)
{
    return sc_char_class[c] & SC_C_ALNUM;
}


static int
sc_is_emoji(uint32_t cp)
{
    return (cp >= 0x1f000 && cp <= 0x1faff && !(cp >= 0x1f1e6
                                                && cp <= 0x1f1ff))
           || (cp >= 0x2600 && cp <= 0x27bf)
           || (cp >= 0x2b00 && cp <= 0x2bff)
           || (cp >= 0x2190 && cp <= 0x21ff);
}


/* what changes an emoji's look, not its meaning: 👍🏽, ❤️, flags */
static int
sc_is_skipped(uint32_t cp)
{
    return cp == 0xfe0e || cp == 0xfe0f || cp == 0x200d || cp == 0x20e3
           || (cp >= 0x1f3fb && cp <= 0x1f3ff)
           || (cp >= 0x1f1e6 && cp <= 0x1f1ff)
           || (cp >= 0xe0020 && cp <= 0xe007f)
           || cp == 0xa0 || cp == 0x200b;
}


/* Latin-1, general and CJK punctuation, currency signs: boundaries */
static int
sc_is_punct(uint32_t cp)
{
    return (cp >= 0xa1 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7
           || (cp >= 0x2000 && cp <= 0x206f)
           || (cp >= 0x20a0 && cp <= 0x20cf)
           || (cp >= 0x3000 && cp <= 0x303f);
}


/* À..ÿ to their ASCII letter, lowercase; 0 for none */
static char
sc_fold_latin1(uint32_t cp, int *upper)
{
    static const char  fold[] =
        "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
        "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

    if (cp < 0xc0 || cp > 0xff) {
        return 0;
    }

    *upper = cp < 0xdf;

    return fold[cp - 0xc0];
}


/*
 * A link at s: "http://", "https://", "www.", or a domain with a path
 * ("bit.ly/x") or with a top-level domain spammers use.  Its length (up
 * to the next blank), 0 if none.  Reads no further than the domain unless
 * it is a link, which the caller then skips: each byte is read once.
 */
static size_t
sc_url_len(const char *s, size_t len)
{
    char         c;
    size_t       i, k, dots, label, tld;
    const char  *t;

    static const char  *tlds[] = {
        "com", "net", "org", "io", "co", "ly", "me", "xyz", "shop", "bet",
        "info", "biz", "app", "link", "site", "online", "store", "club",
        "live", "top", "ru", "cc", "gg", "tk", "win", "vip", NULL
    };

    c = s[0] | 0x20;

    if ((c == 'h' && ((len > 7 && strncasecmp(s, "http://", 7) == 0)
                      || (len > 8 && strncasecmp(s, "https://", 8) == 0)))
        || (c == 'w' && len > 4 && strncasecmp(s, "www.", 4) == 0))
    {
        goto link;
    }

    /* a domain has a dot after its first label: most words end before */
    for (i = 0; i < len && (sc_char_class[(unsigned char) s[i]] & SC_C_LABEL);
         i++)
    {
        /* void */
    }

    if (i == len || s[i] != '.') {
        return 0;
    }

    dots = 0;
    label = 0;
    tld = 0;

    for (i = 0; i < len; i++) {
        if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') {
            label++;
            tld++;
        } else if ((s[i] >= '0' && s[i] <= '9') || s[i] == '-') {
            label++;
            tld = 0;
        } else if (s[i] == '.' && label > 0) {
            dots++;
            label = 0;
            tld = 0;
        } else {
            break;
        }
    }

    if (dots == 0 || label == 0 || tld != label || tld < 2 || tld > 6) {
        return 0;
    }

    if (i < len && s[i] == '/') {
        goto link;
    }

    /* a bare domain only with a known ending: "luckyspin.bet" */
    if (i < len && s[i] > ' ' && memchr(".,!?)", s[i], 5) == NULL) {
        return 0;
    }

    t = s + i - tld;
    for (k = 0; tlds[k] != NULL; k++) {
        if (strlen(tlds[k]) == tld && strncasecmp(t, tlds[k], tld) == 0) {
            goto link;
        }
    }

    return 0;

link:

    for (i = 0; i < len && s[i] > ' '; i++) {
        /* the link runs to the next blank */
    }

    return i;
}


static void
sc_tokenize(const char *s, size_t len, sc_text_t *tx)
{
    int                   link;
    size_t                i, n;
    uint32_t              cp;
    unsigned              flags;
    unsigned char         c;
    sc_word_t             w;
    const unsigned char  *p;

    memset(tx, 0, offsetof(sc_text_t, tok));

    p = (const unsigned char *) s;
    if (len > SC_TEXT_MAX) {
        len = SC_TEXT_MAX;
    }

    flags = 0;
    i = 0;

    while (i < len && tx->ntok < SC_TOKENS_MAX) {
        c = p[i];

        /* blanks and control characters; a line break ends a clause */
        if (c <= ' ' || c == 0x7f) {
            flags |= (c == '\n') ? SC_TOK_BREAK : 0;
            i++;
            continue;
        }

        if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            && !(c >= '0' && c <= '9'))
        {
            /* @handles say nothing; #hashtags are their words */
            if (c == '@' && i + 1 < len && p[i + 1] > ' ') {
                for (i++; i < len && (p[i] == '_' || p[i] == '.'
                                      || (p[i] >= '0' && p[i] <= '9')
                                      || ((p[i] | 0x20) >= 'a'
                                          && (p[i] | 0x20) <= 'z'));
                     i++)
                {
                    /* the handle */
                }
                tx->nmention++;
                continue;
            }

            if (c == '#' && i + 1 < len && p[i + 1] > ' ' && p[i + 1] != '#') {
                i++;
                continue;
            }

            i = sc_symbols(p, len, i, tx, &flags);
            continue;
        }

        if (c < 0x80) {
            /* -1: whether a link may start here is asked when it matters */
            link = -1;

            /* "http://", "https://", "www.": checked whole right away */
            if (i + 1 < len
                && (((c | 0x20) == 'h' && (p[i + 1] | 0x20) == 't')
                    || ((c | 0x20) == 'w' && (p[i + 1] | 0x20) == 'w'))
                && sc_link_start(p, i))
            {
                n = sc_url_len(s + i, len - i);
                if (n > 0) {
                    tx->nurl++;
                    i += n;
                    continue;
                }

                link = 0;
            }

        } else {
            n = sc_utf8(p + i, len - i, &cp);

            if (n == 0 || sc_is_skipped(cp)) {
                i += n ? n : 1;
                continue;
            }

            if (sc_is_emoji(cp)) {
                /* the same emoji three times running is a pattern of spam */
                if (tx->ntok >= 2 && tx->tok[tx->ntok - 1].len == n
                    && tx->tok[tx->ntok - 2].len == n
                    && memcmp(tx->buf + tx->tok[tx->ntok - 1].off, s + i, n)
                       == 0
                    && memcmp(tx->buf + tx->tok[tx->ntok - 2].off, s + i, n)
                       == 0)
                {
                    tx->nrepeat++;
                }

                memcpy(tx->buf + tx->blen, s + i, n);
                tx->blen += n;
                sc_push(tx, tx->blen - n, flags, sc_hash(s + i, n));
                flags = 0;
                i += n;
                continue;
            }

            if (sc_is_punct(cp)) {
                if (cp == 0xbf) {
                    tx->nquest++;
                } else if (cp == 0xa1) {
                    tx->nexcl++;
                } else if (cp == 0x2026) {
                    flags |= SC_TOK_BREAK;
                }

                i += n;
                continue;
            }

            link = 0;
        }

        /*
         * A domain ("bit.ly/x") is a word of letters, digits and '-'
         * before a dot: read as a word first, and not kept if so.
         */
        sc_word(p, len, i, tx, flags, &w);

        if (w.end < len
            && (p[w.end] == '-'
                || (p[w.end] == '.' && w.end + 1 < len
                    && (sc_char_class[p[w.end + 1]] & SC_C_LABEL)))
            && w.alnum && link != 0 && sc_link_start(p, i))
        {
            n = sc_url_len(s + i, len - i);

            if (n > 0) {
                tx->nurl++;
                i += n;
                continue;
            }
        }

        sc_word_keep(tx, &w);
        i = w.end;
        flags = 0;
    }
}


/* a link starts a run of text or follows "(" */
static int
sc_link_start(const unsigned char *p, size_t i)
{
    return i == 0 || p[i - 1] <= ' ' || memchr("(<\"'[", p[i - 1], 5) != NULL;
}


/*
 * A word from p[i]: letters and digits, censoring stars kept ("f***"),
 * inner apostrophes dropped: "don't" is "dont", as half of them type it.
 * Written to tx->buf after tx->blen; sc_word_keep() makes it a token.
 */
static void
sc_word(const unsigned char *p, size_t len, size_t i, sc_text_t *tx,
    unsigned flags, sc_word_t *w)
{
    int            up, poss;
    char           ch, *q, *start;
    size_t         n, k, run, slow;
    uint32_t       cp, h;
    unsigned       upper, lower, elong;
    unsigned char  c, last;

    /* where the bytes go in a register: stores to them may alias tx */
    start = tx->buf + tx->blen;
    q = start;
    poss = 0;
    upper = 0;
    lower = 0;
    slow = 0;
    h = SC_FNV_OFFSET;
    run = 0;
    last = 0;
    elong = 0;
    w->alnum = 1;

    while (i < len) {

        /* lowercase ASCII, most of any text: as below, with less to do */
        if (p[i] >= 'a' && p[i] <= 'z') {
            c = p[i++];
            run = (c == last) ? run + 1 : 0;
            elong |= (run == 2);
            h = (h ^ c) * SC_FNV_PRIME;
            *q++ = (char) c;
            last = c;
            continue;
        }

        n = 1;
        up = 0;
        ch = 0;

        if (p[i] < 0x80) {
            ch = (char) p[i];

            if (ch >= 'A' && ch <= 'Z') {
                ch |= 0x20;
                up = 1;

            } else if (!(ch >= '0' && ch <= '9')) {
                if (!(ch == '\'' && q > start && i + 1 < len
                      && ((p[i + 1] | 0x20) >= 'a'
                          && (p[i + 1] | 0x20) <= 'z'))
                    && !(ch == '*' && q > start
                         && (last == '*' || (last >= 'a' && last <= 'z'))))
                {
                    break;
                }

                w->alnum = 0;
            }

        } else {
            n = sc_utf8(p + i, len - i, &cp);
            if (n == 0 || sc_is_emoji(cp) || sc_is_skipped(cp)) {
                break;
            }

            w->alnum = 0;

            if ((cp == 0x2019 || cp == 0x2018) && q > start
                && i + n < len && ((p[i + n] | 0x20) >= 'a'
                                   && (p[i + n] | 0x20) <= 'z'))
            {
                ch = '\'';

            } else if (sc_is_punct(cp)) {
                break;

            } else {
                ch = sc_fold_latin1(cp, &up);
            }
        }

        if (ch == 0) {
            /* a letter of another script: its bytes as they are */
            for (k = 0; k < n; k++) {
                *q++ = (char) p[i + k];
                h = (h ^ p[i + k]) * SC_FNV_PRIME;
            }

            slow += n;
            last = 0;
            run = 0;
            lower++;
            i += n;
            continue;
        }

        run = ((unsigned char) ch == last && ch >= 'a' && ch <= 'z')
              ? run + 1 : 0;
        elong |= (run == 2);

        if (ch >= 'a' && ch <= 'z') {
            upper += up;
            lower += !up;
        }

        if (ch == '\'') {
            poss = (i + n < len && (p[i + n] | 0x20) == 's'
                    && (i + n + 1 == len || !sc_is_alnum(p[i + n + 1])));
            i += n;
            continue;
        }

        *q++ = ch;
        h = (h ^ (unsigned char) ch) * SC_FNV_PRIME;
        last = (unsigned char) ch;
        slow++;
        i += n;
    }

    /* what the first branch kept is lowercase letters */
    lower += (unsigned) (q - start - slow);

    if (elong) {
        flags |= SC_TOK_ELONG;
    }

    if (upper >= 2 && lower == 0) {
        flags |= SC_TOK_CAPS;
    }

    if (poss) {
        flags |= SC_TOK_POSS;
    }

    w->end = i;
    w->blen = q - tx->buf;
    w->hash = h;
    w->flags = flags;
    w->letters = upper + lower;
    w->upper = upper;
}


static void
sc_word_keep(sc_text_t *tx, const sc_word_t *w)
{
    size_t  start;

    start = tx->blen;

    tx->nletters += w->letters;
    tx->nupper += w->upper;

    if (w->flags & SC_TOK_ELONG) {
        tx->nrepeat++;
    }

    /* no rule has a word this long: counted, not kept */
    if (w->blen - start > SC_WORD_MAX) {
        return;
    }

    tx->blen = w->blen;
    sc_push(tx, start, w->flags, w->hash);
}


/*
 * Punctuation from p[i]: counts '!' and '?', ends clauses, and keeps an
 * emoticon (":)", ":'(", "<3", ":D") as a token.
 */
static size_t
sc_symbols(const unsigned char *p, size_t len, size_t i, sc_text_t *tx,
    unsigned *flags)
{
    int            face;
    size_t         start, end, j, n, same;
    unsigned char  c;

    start = i;
    face = 0;
    same = 0;

    for ( ; i < len && p[i] < 0x7f && p[i] > ' '; i++) {
        c = p[i];

        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            break;
        }
        if (c >= '0' && c <= '9') {
            break;
        }

        if (c == '!') {
            tx->nexcl++;
        } else if (c == '?') {
            tx->nquest++;
        } else if (c == ':' || c == ';' || c == '=' || c == '<') {
            face = 1;
        }

        if ((c == '?' || c == '!') && i > start
            && (p[i - 1] == '?' || (p[i - 1] == '!' && c == '?')))
        {
            tx->nqrun++;
        }

        same = (i > start && p[i - 1] == c) ? same + 1 : 0;
        if (same == 2 && c != '!' && c != '?' && c != '.') {
            tx->nrepeat++;
        }

        if (c == '.' || c == ',' || c == ';' || c == '!' || c == '?') {
            *flags |= SC_TOK_BREAK;
        }
    }

    /* a face is the run without the sentence's own ".", "!" after it */
    for (end = i; end > start && (p[end - 1] == '.' || p[end - 1] == ','
                                  || p[end - 1] == '!' || p[end - 1] == '?');
         end--)
    {
        /* void */
    }

    if (!face || end - start > 4) {
        return i;
    }

    /* ":D", ":P", "<3": one letter or digit closes a face */
    j = end;
    if (j == i && j < len && sc_is_alnum(p[j])
        && (j + 1 == len || !sc_is_alnum(p[j + 1])))
    {
        j++;

    } else if (j == i && j < len && sc_is_alnum(p[j])) {
        return i;
    }

    if (j - start < 2) {
        return i;
    }

    for (n = start; n < j; n++) {
        c = p[n];
        tx->buf[tx->blen++] = (char) ((c >= 'A' && c <= 'Z') ? c | 0x20 : c);
    }

    /* a face says how the words before it feel: it ends no clause */
    sc_push(tx, tx->blen - (j - start), *flags & ~SC_TOK_BREAK,
            sc_hash(tx->buf + tx->blen - (j - start), j - start));

    return j > i ? j : i;
}


/* a token of tx->buf from off, hash its sc_hash() */
static void
sc_push(sc_text_t *tx, size_t off, unsigned flags, uint32_t hash)
{
    sc_tok_t  *t;

    if (tx->ntok == SC_TOKENS_MAX || tx->blen - off > 255) {
        tx->blen = off;
        return;
    }

    t = &tx->tok[tx->ntok++];
    t->off = (uint16_t) off;
    t->len = (uint8_t) (tx->blen - off);
    t->flags = (uint8_t) flags;
    t->hash = hash;
}


/*
 * The terms that match at token i, phrases and words, exact keys before
 * "word*" ones.  Returns the longest length in tokens, 0 if none.
 */
static size_t
sc_match(const sc_rules_t *rules, const sc_text_t *tx, size_t i,
    const sc_term_t **found, size_t *nfound)
{
    char         alt[SC_WORD_MAX];
    size_t       best, k, len, n;
    uint32_t     h;
    const char  *w;

    w = tx->buf + tx->tok[i].off;
    len = tx->tok[i].len;
    best = 0;
    *nfound = 0;

    if (sc_filter_test(rules->keys, tx->tok[i].hash)) {
        sc_match_key(rules, tx, i, tx->tok[i].hash, w, len, 0, found, nfound,
                     &best);
    }

    /* the "word*" keys (3 bytes or more) the token starts with */
    n = len < rules->prefix_max ? len : rules->prefix_max;

    if (n < 3 || !sc_filter_test(rules->starts, sc_start_hash(w))) {
        n = 0;
    }

    h = SC_FNV_OFFSET;

    for (k = 0; k < n; k++) {
        h = (h ^ (unsigned char) w[k]) * SC_FNV_PRIME;

        if ((rules->prefix_lens >> (k + 1)) & 1) {
            sc_match_key(rules, tx, i, h, w, k + 1, 1, found, nfound, &best);
        }
    }

    /* "sooo" is "soo" or "so"; "driver's" is "driver" */
    if (best == 0 && (tx->tok[i].flags & SC_TOK_ELONG)) {
        n = sc_collapse(w, len, 2, alt);
        sc_match_key(rules, tx, i, sc_hash(alt, n), alt, n, 0, found, nfound,
                     &best);

        if (best == 0) {
            n = sc_collapse(w, len, 1, alt);
            sc_match_key(rules, tx, i, sc_hash(alt, n), alt, n, 0, found,
                         nfound, &best);
        }
    }

    if (best == 0 && (tx->tok[i].flags & SC_TOK_POSS)) {
        sc_match_key(rules, tx, i, sc_hash(w, len - 1), w, len - 1, 0, found,
                     nfound, &best);
    }

    return best;
}


/* the terms under one key whose other words follow token i */
static void
sc_match_key(const sc_rules_t *rules, const sc_text_t *tx, size_t i,
    uint32_t hash, const char *w, size_t len, int prefix,
    const sc_term_t **found, size_t *nfound, size_t *best)
{
    int                 phrases;
    size_t              k;
    uint32_t            next[2];
    const sc_term_t    *t;
    const sc_slot_t    *slot;
    const sc_phrase_t  *ph;

    if (!sc_filter_test(rules->keys, hash)) {
        return;
    }

    /* a key of phrases alone is no match when the next token starts none */
    next[0] = 0;
    next[1] = 0;
    phrases = sc_pair_maybe(rules, tx, i, hash, next);

    if (!phrases && !sc_filter_test(rules->singles, hash)) {
        return;
    }

    slot = sc_slot_find(rules, hash, w, len, prefix);

    if (slot->loose) {
        /* a phrase's second word is "word*": each term the long way */
        for (t = slot->terms; t != NULL; t = t->next) {
            sc_match_term(tx, i, t, found, nfound, best);
        }

        return;
    }

    /* the phrases, longest first, then the one-word terms */
    if (phrases) {
        ph = &rules->phrases[slot->phrases];

        for (k = 0; k < slot->nphrases; k++) {
            if (ph[k].hash1 == next[0] || ph[k].hash1 == next[1]) {
                sc_match_term(tx, i, ph[k].term, found, nfound, best);
            }
        }
    }

    for (t = slot->single; t != NULL; t = t->next) {
        sc_match_term(tx, i, t, found, nfound, best);
    }
}


/* adds term t to found when it follows from token i */
static void
sc_match_term(const sc_text_t *tx, size_t i, const sc_term_t *t,
    const sc_term_t **found, size_t *nfound, size_t *best)
{
    size_t           k;
    const sc_tok_t  *tok;

    if (*nfound >= SC_MATCH_MAX || i + t->nwords > tx->ntok
        || (t->start && i > 0 && !(tx->tok[i].flags & SC_TOK_BREAK)))
    {
        return;
    }

    for (k = 1; k < t->nwords; k++) {
        tok = &tx->tok[i + k];
        if ((tok->flags & SC_TOK_BREAK)
            || !sc_word_fits(t, k, tx->buf + tok->off, tok))
        {
            return;
        }
    }

    *best = t->nwords > *best ? t->nwords : *best;
    found[(*nfound)++] = t;
}


/* w with runs of a letter cut to keep: "soooo" to "soo" or "so" */
static size_t
sc_collapse(const char *w, size_t len, size_t keep, char *out)
{
    size_t  i, n, run;

    n = 0;
    run = 0;

    for (i = 0; i < len && n < SC_WORD_MAX; i++) {
        run = (i > 0 && w[i] == w[i - 1]) ? run + 1 : 0;
        if (run < keep) {
            out[n++] = w[i];
        }
    }

    return n;
}


/* word n of a phrase against a token; "anyone else's" is "anyone else" */
static int
sc_word_fits(const sc_term_t *t, size_t n, const char *w, const sc_tok_t *tok)
{
    size_t  len;

    len = tok->len;

    if (t->prefix & (1 << n)) {
        return len >= t->lens[n] && memcmp(t->words[n], w, t->lens[n]) == 0;
    }

    if ((tok->flags & SC_TOK_POSS) && len - 1 == t->lens[n]) {
        len -= 1;
    }

    return len == t->lens[n] && memcmp(t->words[n], w, len) == 0;
}


/*
 * Walks the tokens once: topics, intent cues, and sentiment the way VADER
 * weighs it (negation flips and damps the next words, intensifiers and
 * capitals and elongation scale, "but" shifts weight to what follows).
 *
 * Where a phrase matches, it covers its words: for each kind of meaning
 * (sentiment, intent cues, intensity) the longest matching term that has
 * one speaks, so "thanks so much" keeps the warmth of "thanks" and adds
 * its own praise, and "late fee" can say it is no complaint.  Topics add
 * up.  A cue word counts once per message: "idiots idiots" is one insult.
 */
static void
sc_sum(const sc_rules_t *rules, const sc_text_t *tx, sc_sum_t *sum)
{
    int               negated, shouting;
    size_t            i, n, k, m, neg, boost_left, nfound, nseen;
    float             s, boost, before, after;
    const sc_tok_t   *tok;
    const sc_term_t  *t, *st, *it, *bt, *found[SC_MATCH_MAX];
    const sc_term_t  *seen[SC_SEEN_MAX];

    memset(sum, 0, sizeof(sc_sum_t));

    shouting = tx->nletters >= 8 && tx->nupper * 10 >= tx->nletters * 7;

    neg = 0;
    boost = 1;
    boost_left = 0;
    before = 0;
    after = 0;
    nseen = 0;

    for (i = 0; i < tx->ntok; i += n) {
        tok = &tx->tok[i];

        if (tok->flags & SC_TOK_BREAK) {
            neg = 0;
            boost_left = 0;
        }

        n = sc_match(rules, tx, i, found, &nfound);

        if (n == 0) {
            n = 1;
            neg -= neg > 0;
            boost_left -= boost_left > 0;
            continue;
        }

        negated = neg > 0;
        st = NULL;
        it = NULL;
        bt = NULL;

        for (m = 0; m < nfound; m++) {
            t = found[m];
            sum->topics |= t->topics;

            if (t->has_sentiment && (st == NULL || t->nwords > st->nwords)) {
                st = t;
            }
            if (t->has_intent && (it == NULL || t->nwords > it->nwords)) {
                it = t;
            }
            if (t->intensity && (bt == NULL || t->nwords > bt->nwords)) {
                bt = t;
            }

            /* "not" leading "not working" negates nothing after it */
            if (t->nwords == n && t->negation) {
                neg = SC_NEGATION_SCOPE + n;
            }

            if (t->nwords == n && t->contrast) {
                sum->contrast = 1;
                before += after;
                after = 0;
            }
        }

        if (bt != NULL) {
            boost = boost_left ? boost * bt->intensity : bt->intensity;
            boost_left = SC_BOOST_SCOPE + n;
        }

        if (st != NULL && st->sentiment != 0) {
            s = st->sentiment;

            if (boost_left && bt == NULL) {
                s *= boost;
                boost_left = 0;
            }

            if ((tok->flags & SC_TOK_CAPS) && !shouting) {
                s *= SC_S_CAPS;
            }

            if (tok->flags & SC_TOK_ELONG) {
                s *= SC_S_ELONG;
            }

            after += negated ? s * SC_S_NEGATED : s;
        }

        for (k = 0; it != NULL && k < nseen && seen[k] != it; k++) {
            /* void */
        }

        if (it != NULL && k == nseen) {
            if (nseen < SC_SEEN_MAX) {
                seen[nseen++] = it;
            }

            /* "not helpful" praises nothing; "not working" is a phrase */
            if (!negated) {
                for (k = 0; k < SC_INTENT_COUNT; k++) {
                    sum->cue[k] += it->intent[k];
                }

            } else {
                for (k = 0; k < SC_INTENT_COUNT; k++) {
                    if (k != SC_INTENT_PRAISE && k != SC_INTENT_COMPLAINT
                        && k != SC_INTENT_FEEDBACK)
                    {
                        sum->cue[k] += it->intent[k];
                    }
                }
            }
        }

        neg = neg > n ? neg - n : 0;
        boost_left = boost_left > n ? boost_left - n : 0;
    }

    sum->sentiment = sum->contrast ? before * SC_S_BEFORE_BUT
                                     + after * SC_S_AFTER_BUT
                                   : after;

    if (shouting) {
        sum->cue[SC_INTENT_COMPLAINT] += SC_W_SHOUTING;
    }
}


/* '!' strengthens what is felt; "??" is impatience; capitals, anger */
static float
sc_emphasis(const sc_text_t *tx, float s)
{
    unsigned  n;

    n = tx->nexcl < 4 ? tx->nexcl : 4;

    if (s > 0) {
        s += n * SC_S_EXCLAIM;

    } else if (s < 0) {
        s -= n * SC_S_EXCLAIM;
    }

    if (tx->nqrun && s <= 0) {
        s -= SC_S_EXCLAIM * (tx->nqrun < 3 ? tx->nqrun : 3);
    }

    if (tx->nletters >= 8 && tx->nupper * 10 >= tx->nletters * 7) {
        s = s * SC_S_CAPS - SC_S_EXCLAIM;
    }

    return s;
}


/* x / sqrt(x^2 + alpha), VADER's normalization, without libm */
static double
sc_squash(double x)
{
    int     i;
    double  v, r;

    v = x * x + SC_S_ALPHA;
    r = (x < 0 ? -x : x) + 2;

    for (i = 0; i < 8; i++) {
        r = 0.5 * (r + v / r);
    }

    return x / r;
}


static sc_intent_e
sc_decide(const sc_rules_t *rules, const sc_text_t *tx, const sc_sum_t *sum,
    double sentiment)
{
    int          k, best;
    float        score[SC_INTENT_COUNT], felt;
    const float *cue;

    cue = sum->cue;
    memcpy(score, cue, sizeof(score));

    felt = sum->sentiment;
    if (felt > SC_W_FELT_MAX) {
        felt = SC_W_FELT_MAX;
    } else if (felt < -SC_W_FELT_MAX) {
        felt = -SC_W_FELT_MAX;
    }

    score[SC_INTENT_COMPLAINT] += tx->nqrun * SC_W_IMPATIENCE;
    if (felt < 0) {
        score[SC_INTENT_COMPLAINT] -= felt * SC_W_NEGATIVE;
    } else {
        score[SC_INTENT_PRAISE] += felt * SC_W_POSITIVE;
    }

    if (sum->topics & rules->crisis) {
        score[SC_INTENT_COMPLAINT] += SC_W_CRISIS;
    }

    /* a lone "?" asks nothing in particular */
    if (tx->nquest && tx->ntok > 0) {
        score[SC_INTENT_QUESTION] += SC_W_QUESTION_MARK;
    }

    if (tx->nurl) {
        score[SC_INTENT_SPAM] += cue[SC_INTENT_SPAM] > 0 ? SC_W_LINK_PROMO
                                                         : SC_W_LINK;
    }
    score[SC_INTENT_SPAM] += (tx->nrepeat < 3 ? tx->nrepeat : 3) * SC_W_REPEAT;

    /*
     * Praise beside a failure is sarcasm or politeness, and thanks closing
     * a request is politeness: the failure or the request wins.
     */
    if (cue[SC_INTENT_COMPLAINT] >= SC_W_FAILURE) {
        score[SC_INTENT_PRAISE] *= 0.3f;

    } else if (cue[SC_INTENT_QUESTION] >= 2) {
        score[SC_INTENT_PRAISE] *= 0.5f;
    }

    best = SC_INTENT_OTHER;
    for (k = 0; k < SC_INTENT_OTHER; k++) {
        if (score[k] > (best == SC_INTENT_OTHER ? 0 : score[best])) {
            best = k;
        }
    }

    /* an insult beside a failure: the customer still needs an answer */
    if (best == SC_INTENT_ABUSE && cue[SC_INTENT_COMPLAINT] >= SC_W_FAILURE) {
        best = SC_INTENT_COMPLAINT;
    }

    if (best == SC_INTENT_OTHER || score[best] < SC_MIN_SCORE) {
        if (sentiment <= -SC_MIN_FELT) {
            return SC_INTENT_COMPLAINT;
        }
        if (sentiment >= SC_MIN_PLEASED) {
            return SC_INTENT_PRAISE;
        }

        /* a topic and no question, thanks or idea: a problem with it */
        return sum->topics ? SC_INTENT_COMPLAINT : SC_INTENT_OTHER;
    }

    return (sc_intent_e) best;
}


/* crisis topics first, then the file's order: the first one's team owns */
static void
sc_topics(const sc_rules_t *rules, uint64_t mask, sc_class_t *out)
{
    int       pass;
    size_t    i, first;
    uint64_t  m;

    first = 0;

    for (pass = 0; pass < 2; pass++) {
        m = mask & (pass ? ~rules->crisis : rules->crisis);

        /* the topics of the pass in the file's order, up to the last */
        for (i = 0; m != 0 && i < rules->ntopics
                    && out->ntopics < SC_TOPICS_MAX; i++, m >>= 1)
        {
            if (m & 1) {
                first = (out->ntopics == 0) ? i : first;
                out->topics[out->ntopics++] = rules->topics[i].name;
            }
        }
    }

    if (out->ntopics > 0) {
        out->team = rules->topics[first].team;
    }
}


int
sc_classify(const sc_rules_t *rules, const sc_event_t *ev,
    int64_t influencer_followers, sc_class_t *out)
{
    size_t       len;
    double       sentiment;
    sc_sum_t     sum;
    const char  *text;
    sc_text_t    tx;

    memset(out, 0, sizeof(sc_class_t));
    out->intent = SC_INTENT_OTHER;
    out->priority = 4;

    text = ev->text ? ev->text : "";
    len = strlen(text);

    if (sc_pii_redact(text, len, &out->pii, &out->redacted) != 0) {
        return -1;
    }

    if (rules == NULL) {
        return 0;
    }

    sc_tokenize(text, len, &tx);
    sc_sum(rules, &tx, &sum);

    sentiment = sc_squash(sc_emphasis(&tx, sum.sentiment));
    out->sentiment = sentiment;

    /* the brand's own words are recorded, not triaged */
    if (ev->from_brand) {
        sc_topics(rules, sum.topics, out);
        return 0;
    }

    out->intent = sc_decide(rules, &tx, &sum, sentiment);

    /* spam is about nothing: a "hacked?" scam opens no crisis */
    if (out->intent == SC_INTENT_SPAM) {
        return 0;
    }

    sc_topics(rules, sum.topics, out);

    /* thanks for stopping fraud is no crisis */
    out->crisis = (sum.topics & rules->crisis) != 0
                  && out->intent != SC_INTENT_PRAISE;

    switch (out->intent) {
    case SC_INTENT_COMPLAINT:
        out->priority = 2;
        break;
    case SC_INTENT_QUESTION:
        out->priority = 3;
        break;
    default:
        out->priority = 4;
    }

    /* card numbers in public view: someone must hide the post soon */
    if (ev->visibility == SC_VISIBILITY_PUBLIC
        && (out->pii & SC_PII_SENSITIVE) && out->priority > 2)
    {
        out->priority = 2;
    }

    if (out->crisis || (influencer_followers > 0
                        && ev->author_followers > influencer_followers))
    {
        out->priority = 1;
    }

    return 0;
}


void
sc_class_free(sc_class_t *cls)
{
    free(cls->redacted);
    cls->redacted = NULL;
}


const char *
sc_intent_name(sc_intent_e intent)
{
    return (intent >= 0 && intent < SC_INTENT_COUNT) ? sc_intent_names[intent]
                                                     : "other";
}


/*
 * rules/default.rules as it ships, without its comments, so the module
 * works without the file.  After editing the file, paste it back here
 * (the unit test compares the two):
 *   sed -e '/^#/d' -e '/^$/d' -e 's/\\/\\\\/g' -e 's/"/\\"/g' \
 *       -e 's/^/"/' -e 's/$/\\n"/' rules/default.rules
 */
static const char *
sc_builtin(size_t *len)
{
    static const char  text[] =
/* BUILTIN RULES BEGIN */
"negation\n"
"    not, no, never, nothing, nobody, none, neither, nor, without, hardly\n"
"    barely, cannot, dont, don't, doesnt, doesn't, didnt, didn't, isnt\n"
"    isn't, wasnt, wasn't, arent, aren't, werent, weren't, cant, can't\n"
"    couldnt, couldn't, wont, won't, wouldnt, wouldn't, shouldnt\n"
"    shouldn't, havent, haven't, hasnt, hasn't, hadnt, hadn't, aint\n"
"    ain't, nope, zero\n"
"contrast\n"
"    but, however, although, though, yet\n"
"intensifier 1.6\n"
"    extremely, incredibly, absolutely, totally, completely, utterly\n"
"    insanely, unbelievably, beyond, seriously, truly, deeply, fucking\n"
"    f***ing, freaking, frickin, bloody, so so\n"
"intensifier 1.3\n"
"    very, so, really, super, such, too, highly, quite, damn, literally\n"
"    especially, most, more, even, way, so much, really really, hella\n"
"intensifier 0.6\n"
"    slightly, somewhat, a bit, a little, kinda, kind of, sort of, fairly\n"
"    mildly, partly, almost\n"
"sentiment -3.5\n"
"    worst, horrible, horrendous, terrible, awful, atrocious, appalling\n"
"    disgusting, disgraceful, shameful, pathetic, outrageous, unacceptable\n"
"    ridiculous, unreal, furious, livid, hate, hated, hating, nightmare\n"
"    useless, incompetent, joke, a joke, scam, scammed, thieves, crooks\n"
"    never again, wtf, fuck*, f***, f*ck*, shit*, sh*t, crap, crappy\n"
"    garbage, trash, 😡, 🤬, 😠, 💩, 🤮, 👿\n"
"sentiment -2\n"
"    bad, poor, rude, disrespectful, dismissive, disappointed\n"
"    disappointing, disappointment, frustrated, frustrating, frustration\n"
"    annoyed, annoying, angry, mad, upset, sucks, suck, sucked, lousy\n"
"    broken, broke, failed, failing, fails, failure, lost, missing, wrong\n"
"    unhelpful, unprofessional, mess, messed up, sick of, fed up, tired of\n"
"    misleading, sneaky, shady, greedy, overcharged, rip off, ripoff\n"
"    stuck, ignored, ignoring, ignore, scared, afraid, worried, dangerous\n"
"    unsafe, embarrassing, embarrassed, confusing, ruined, ruin, ruining\n"
"    damaged, dirty, expensive, stolen, hacked, fraud, fraudulent\n"
"    unauthorized, injured, hurt, sick, cold, inconvenient, smh, ugh\n"
"    argh, bait and switch, false advertising, not happy, impossible\n"
"    slow, crashing, crashes, crashed, declined, cancelled, canceled\n"
"    😤, 😒, 😞, 😢, 😭, 👎, 😩, 😫, 🤦, 😖, 😣, 😔, 😟, 🤡, ☹\n"
"    :(, :-(, :'(, >:(, ):, :[, =(\n"
"sentiment -1\n"
"    late, delay, delayed, delays, waiting, wait, problem, problems, issue\n"
"    issues, error, difficult, meh, unfortunately, sadly, hmm, still\n"
"    again, sigh, no one, nobody, nothing, confused, weird, strange, odd\n"
"    expired, blocked, locked, worse, tight, 🙃, 😕, 😐, 😑, 🙄, :/, :-/\n"
"sentiment 1\n"
"    ok, okay, fine, fair, decent, quick, fast, easy, smooth, works\n"
"    solved, resolved, fixed, sorted, on time, early, clean, safe\n"
"    reasonable, useful, better, lol, 😂, 🤣, 😅\n"
"sentiment 2\n"
"    good, great, nice, happy, glad, helpful, friendly, patient, pleased\n"
"    impressed, recommend, cool, kind, polite, professional, efficient\n"
"    reliable, appreciate, appreciated, appreciation, thank, thanks\n"
"    thank you, thx, ty, grateful, comfortable, solid, fun, enjoy, enjoyed\n"
"    well done, smile, 🙂, 😊, 👍, 🙏, 👏, 😀, 😃, 😄, ✅, 👌\n"
"    :), :-), :d, :-d, ;), ;-), =), :p\n"
"sentiment 3\n"
"    excellent, amazing, awesome, fantastic, wonderful, outstanding\n"
"    perfect, brilliant, superb, love, loved, loving, lovely, best\n"
"    incredible, star, hero, legend, exceptional, phenomenal, stellar\n"
"    obsessed, rock, rocks, kudos, shoutout, shout out, above and beyond\n"
"    10/10, 😍, ❤, 💯, 🔥, 🙌, ⭐, 🥰, 😁, 🎉, 💙, 💚, 💜, 🤩, 😘, <3\n"
"sentiment 1.5\n"
"    not bad, not too bad, no problem, no problems, no worries\n"
"sentiment 2\n"
"    not bad at all, problem solved, no complaints\n"
"intent complaint 2.5\n"
"    charged twice, charged me twice, double charge, double charged\n"
"    charged 2x, charged three times, charged me for, overcharged\n"
"    overcharges, still waiting, still haven't, still hasn't, still no\n"
"    still not, still nothing, never arrived, never received, never got\n"
"    never came, never shipped, not received, hasn't arrived, hasn't hit\n"
"    haven't received, didn't arrive, didn't receive, not working\n"
"    isn't working, is not working, not loading, doesn't work\n"
"    does not work, don't work, won't work, won't let me, wont let me\n"
"    can't log in, cannot log in, can't access, can't get in, can't see\n"
"    keeps crashing, keeps failing, keeps getting, keeps dropping\n"
"    keeps cutting out, keeps saying, declined, got declined, rejected\n"
"    unacceptable, ridiculous, worst, fix it, fix your, fix this\n"
"    do better, sort it out, on hold, nobody answers, no one answers\n"
"    nobody replied, no response, no reply, no answer, no update\n"
"    no updates, no explanation, no communication, no service, no signal\n"
"    no internet, lost my, lost, missing, broken, broke, damaged, ruined\n"
"    wrong item, wrong address, delayed, cancelled, canceled, crashing\n"
"    crashes, stuck, overdrawn, not honor, won't honor, refused, rude\n"
"    not impressed, not happy, disappointed, never again, neverflyingagain\n"
"    took the money, without notice, not covered, hung up, failed\n"
"    hang up, going in circles, false advertising, bait and switch\n"
"    sneaky, scam, waste, wasted, money is gone, not there, losing\n"
"    where is the money, where is my money, where's my money, didn't give\n"
"    did not give, not here, it's not here, says invalid, why it's\n"
"    why is my, why was i, why was my, been waiting, keeps asking\n"
"    instead of my, someone changed, urgent, need help, ate my card\n"
"    pretending to be, called from, data breach, where's my refund\n"
"    where is my refund, crushed, shattered, smashed, dented, cracked\n"
"    leaking, torn, ripped, stopped working, quit working, doesn't load\n"
"    won't load, won't open, logs me out, kicked out, in a loop\n"
"    got charged, charged me, was charged, paying for nothing, for nothing\n"
"    bounced back, bounced, excuses, nobody told me, no one told me\n"
"    double billed, billed twice, billed me twice\n"
"    not shipped, not on my card, supposed to, promised, was told\n"
"    were told, told me, error, 2 hours, 3 hours, hours now, and counting\n"
"    for hours, days late, overnight, stolen, unauthorized, hacked\n"
"    didn't authorize, did not authorize, not me, wasn't me, running late\n"
"    drops, drop, died, flickering, what is going on\n"
"    what's going on, threw, makes no sense, never agreed, never chose\n"
"    can't get to, won't rebook, negative balance, double what\n"
"    still says\n"
"    slow, disaster, embarrassing, nightmare\n"
"intent complaint 0\n"
"    late fee, no problem, no problems, no worries, problem solved\n"
"intent complaint 1.5\n"
"    again, another, third time, 3rd time, 2nd time, second time, the third\n"
"    every time, every single time, every week, yet again, as usual\n"
"    as always, waiting, wait, still, problem, issue, issues, useless\n"
"    joke, awful, terrible, horrible, bad, poor, why, seriously\n"
"    smh, ugh, wtf, even, ago, sick of, fed up, tired of, 🙃, 🙄\n"
"    blocked, expired\n"
"    pending, weeks, a week, a month, months, nothing, nobody, no one, late\n"
"    three times\n"
"    lol ok, love that for me, love how, oh great, oh wonderful, oh cool\n"
"    just great, great just great, thanks a lot, thanks for nothing\n"
"    really made my day, made my day, super helpful, so helpful\n"
"    how hard, in circles, 😤, 😡, 🤬, 😒, 😠\n"
"intent question 2\n"
"    how do i, how can i, how long, how much, how many, how to, ^can i\n"
"    ^could i, ^can we, can you tell, can you check, can you confirm\n"
"    ^could you, ^do you, ^does the, ^does this, ^does it, ^do i\n"
"    ^is there, ^are there, what is, what's the, what are, what do\n"
"    what time, what payment, where can i, where do i, when is, when will\n"
"    when does, which, is it possible, ^do i need, ^will i, ^will my\n"
"    ^will it, ^will you, ^should i, any way to, wondering\n"
"    quick question, a question, anyone know, does anyone know, ^is it\n"
"    ^are you, ^is the, ^is this, ^is my, ^is that, ^anyone\n"
"    ^can someone, any update, any branch, any news, what's your\n"
"    what's the number, what does, how does, ^is online, any eta, eta\n"
"    please call, call me, ^can you\n"
"intent question 1.5\n"
"    ^is, ^are, ^does, ^do, ^can, ^could, ^will, ^would, ^should, ^did\n"
"    ^has, ^have, please send, please update, please pay, send it to\n"
"    pay to, please\n"
"intent question 1\n"
"    how, what, when, where, who\n"
"intent praise 2.5\n"
"    thank you, thanks so much, thank u, thanks a million, thanks guys\n"
"    thanks kevin, shoutout, shout out, kudos, well done, great job\n"
"    good job, hats off, you rock, you guys rock, appreciate, appreciated\n"
"    grateful, love you, love you guys, best airline, best bank, the best\n"
"    best banking app, amazing service, excellent service, great service\n"
"    above and beyond, 10/10, on point, impressed, no regrets\n"
"    never disappoint, rock solid, give that woman a raise, promote him\n"
"    promote her, lovely touch, how are you this fast, take back\n"
"    absolute star, no complaints, smooth flight, obsessed, a smile\n"
"    problem solved, so much better, much better, that's how you\n"
"    no questions asked, keep it up, rock solid, thanks guys\n"
"    thanks for catching, not bad at all, big ups, props to, a gem\n"
"    made my day, made my kid, so clean, well designed, so smooth\n"
"    went out of her way, went out of his way, stayed late, lifesaver\n"
"    life saver, saved me, saved my, much appreciated\n"
"intent praise 1.5\n"
"    thanks, thank, thx, ty, cheers, great, amazing, awesome, fantastic\n"
"    excellent, perfect, love, loved, helpful, fast, quick, easy, early\n"
"    fastest, comfortable, friendly, patient, 👏, 🙌, ❤, 😍, 💯, 🙏, ⭐\n"
"intent feedback 2.5\n"
"    suggestion, feature request, would be nice, would be great\n"
"    it'd be great, would love it if, would love to see, would help\n"
"    it would help, would be really useful, would be useful, please add\n"
"    please bring back, bring back, you should, should add, should offer\n"
"    should let, should show, should be able, please consider, consider\n"
"    maybe add, maybe look into, maybe save, idea, feedback, wish you\n"
"    i wish, how about, why not, not a complaint, liked the old\n"
"    would keep more, too much plastic, more options, a little more\n"
"    please make, in more colors, a bit more, is fine but, is nice but\n"
"    is cool but, is better but, keep more customers, you'd\n"
"    would be cool, would be awesome, be great if, if i could, if you could\n"
"    please put, just an idea, just saying, it would be, would be better\n"
"    would prefer, i'd prefer, i'd love, i would love, it'd be nice\n"
"intent feedback 1\n"
"    should, could, improve, improvement, instead, option, options\n"
"    design, layout, menu, logo, packaging\n"
"intent feedback 0.8\n"
"    i think, tbh\n"
"intent spam 8\n"
"    got mine back, helped me recover, recover your account, recovery expert\n"
"    lost funds, restored my account, they restored, fixed mine\n"
"    one trick, lose weight, lose 20 pounds, weight loss, signals group\n"
"    crypto signals, 95% accuracy, join now, kindly verify, selected for\n"
"intent spam 3\n"
"    giveaway, free followers, cheap followers, followers, follow back\n"
"    follow me, link in bio, click the link, click here, claim now\n"
"    claim here, claim your, to claim, dm me for, dm me to, make money\n"
"    passive income, crypto, bitcoin, btc\n"
"    usdt, eth, nft, airdrop, forex, binary options, invested\n"
"    investment, profit, trading bot, cash app flip, limited time offer\n"
"    free spins, onlyfans, singles, recover your, verify your details\n"
"    will be suspended, congratulations, selected to win, win a\n"
"    no credit check, fast approval, minimum investment, 100% real\n"
"    legit, no scam, check out my, my channel, my page, free movies\n"
"    mint now, sells out, connect your wallet, before it's too late\n"
"    buy now, shop now, free shipping worldwide, buy cheap, hot deals\n"
"    only today, today only, recovery specialist, account recovery\n"
"    message me for, 💰, 💸, 💵\n"
"    🚀, 🎁, 👉, 💹, 🎰\n"
"intent spam 1.5\n"
"    free, win, offer, deal, discount, subscribe, promo, sale\n"
"    income, dear, earn, dm me, telegram, god bless, promo code\n"
"    highly recommend, work from home\n"
"intent abuse 4\n"
"    idiot*, moron*, imbecile*, clowns, clown, scum, scumbag*, f*** you\n"
"    fuck you, fuck off, f off, screw you, stfu, shut up, go to hell\n"
"    losers, loser, brain dead, braindead, dumbest, dumb*ss, b*tch*\n"
"    bitch*, eat sh*t, eat shit, asshole*, a**hole*, bastard*\n"
"    pathetic losers, trash company, garbage company, get a real job, 🤡\n"
"    you're pathetic, retards, get f***ed, get fucked, you're garbage\n"
"    you're trash, you are garbage, shut the hell up, corporate clowns\n"
"    f*** yourselves, fuck yourselves, f*** yourself, fuck yourself\n"
"    bunch of thieves, thieves and liars\n"
"intent abuse 1.5\n"
"    dumb, stupid, useless, pathetic, you people, all of you\n"
"    every single one of you, you guys are, run by, whoever runs\n"
"    imagine working\n"
"topic outage noc crisis\n"
"    outage, outages, is down, are down, app down, app is down, site down\n"
"    site is down, website down, website is down, system down, systems down\n"
"    servers down, server down, down again, down for everyone\n"
"    down for anyone, everyone else, anyone else, is it down\n"
"    is it just me, or just me, whole neighborhood, entire neighborhood\n"
"    whole building, whole area, whole city, entire city, nationwide\n"
"    downdetector, down detector, service down, network down\n"
"    network is down, network has been down, internet down, error 503\n"
"    not loading, and app are down, are down, massive outage, all down\n"
"    everything is down, everything's down, nothing works, nothing is working\n"
"    down everywhere, service is out, power is out, internet is out\n"
"    cable is out, wifi is out, power outage, outage map, in all of\n"
"    all over, across the city, across town\n"
"    whole town, whole street, whole state, whole country, entire building\n"
"    entire area, entire region, thousands of reports, hundreds of reports\n"
"    thousands of people, everyone i know, east coast, west coast\n"
"    system wide, systemwide, statewide, every store, everywhere\n"
"    not working for anyone, is anyone else, anyone else having\n"
"    down right now, down again today, servers are down, site crashed\n"
"topic fraud fraud crisis\n"
"    fraud, fraudulent, scam, scammed, scammer, scammers, unauthorized\n"
"    unauthorised, didn't authorize, did not authorize, didn't make\n"
"    did not make, never made, don't recognize, do not recognize\n"
"    not mine, wasn't me, was not me, someone used my card, someone has my\n"
"    someone charged, stolen, stole, phishing, identity theft\n"
"    impersonating, pretending to be, fake call, fake text, skimmer\n"
"    skimming, cloned, robbed, fraud department, fraud line, didnt make\n"
"    i didnt authorize, never authorized, not authorized, don't recognise\n"
"    dont recognize, charges i don't recognize, unknown charges\n"
"    strange charges, someone is using my card, using my card, used my card\n"
"    card was used, my card was used, scam call, scam text, fake website\n"
"    fake email, fake account pretending, identity stolen, card skimmed\n"
"    money missing, money is missing, money disappeared, emptied my account\n"
"    drained my account, without my permission, without my consent\n"
"    without my knowledge, i didn't do that, didn't do that, wasn't me\n"
"    never been there, i don't own, not my device, not my phone\n"
"topic security security crisis\n"
"    hacked, hack, breach, data breach, leak, leaked, compromised\n"
"    someone logged in, someone is in my account, someone changed\n"
"    password was changed, changed my password and, account takeover\n"
"    security breach, exposed, got hacked, was hacked, been hacked\n"
"    accessed my account, someone accessed, someone logged into\n"
"    unknown device, new device i don't, reset my password without\n"
"    locked me out of my own, takeover, codes i didn't request\n"
"    code i didn't request, someone else has access, leaked my, login from\n"
"    sign in from, signed in from, device i don't own, was updated\n"
"    were changed, was changed\n"
"topic safety safety crisis\n"
"    injured, injury, injuries, hurt, hit her head, hit his head, bleeding\n"
"    ambulance, hospital, er, emergency room, unsafe, not safe\n"
"    don't feel safe, felt unsafe, dangerous, danger, fire, caught fire\n"
"    catch fire, smoke, smoking, smell of smoke, burn, burned, burnt\n"
"    explode*, exploding, swelling, swollen, overheating, super hot\n"
"    food poisoning, poisoning, glass in, allergic reaction, harass*\n"
"    assault*, threatened, threatening, speeding, reckless, almost hit\n"
"    violent, violence, attacked, punched, hit me, weapon, gun, knife\n"
"    drunk, intoxicated, melted, sparks, sparking, electric shock\n"
"    electrocuted, carbon monoxide, gas leak, i fell, she fell, he fell\n"
"    slipped, tripped, paramedics, medical attention, choking, recalled\n"
"    product recall, set on fire, exploded, kids here, child safety\n"
"    unsafe driving, police, call 911, called 911, can't call 911\n"
"    rear ended, crashed into, hit my car, mold, moldy, contaminated\n"
"    spoiled, rotten, undercooked, raw chicken\n"
"topic legal legal crisis\n"
"    lawyer, lawyers, attorney, attorneys, attorney general, lawsuit\n"
"    sue you, will sue, i'll sue, gonna sue, going to sue, suing, sued\n"
"    legal action, take legal, court, small claims\n"
"    class action, cfpb, fca, fcc, ftc, dot complaint, ombudsman\n"
"    regulator, regulators, report you to, reporting you to\n"
"    consumer protection, federal rules, illegal, illegally, gdpr\n"
"    filed a complaint, filing a complaint, submitting a complaint\n"
"    file a complaint with, complaint with the\n"
"    department of transportation, state regulator, regulatory\n"
"    litigation, my legal team, legal team, legal department, subpoena\n"
"    consumer financial protection, financial ombudsman, trading standards\n"
"    insurance commissioner, public utilities commission, breach of contract\n"
"    discrimination, discriminated, disability rights, violation of\n"
"    violates, against the law, my rights, better business bureau, bbb\n"
"topic card cards\n"
"    card, cards, debit card, credit card, debit, visa, mastercard, amex\n"
"    discover card, contactless, chip, pin, replacement card, new card\n"
"    declined, decline, cvv, annual fee, apple pay, cc, unionpay, jcb\n"
"topic atm atm\n"
"    atm, atms, cash machine, cashpoint, withdrawal, withdraw, withdrew\n"
"    ate my card\n"
"topic payments payments\n"
"    payment, payments, transfer, transfers, wire, wired, zelle, venmo\n"
"    direct deposit, deposit, pending, transaction, transactions\n"
"    charged twice, double charge, double charged, charged me twice\n"
"    charged 2x, charged three times, checkout, sent money, send money\n"
"    send it to, iban, routing number, routing, ach\n"
"    paid with, pay to, debited, auto-debited, took the money, receiving\n"
"    a transfer, compensation, payment methods\n"
"topic fees billing\n"
"    fee, fees, overdraft, overdraft fee, maintenance fee, annual fee\n"
"    late fee, interest, foreign transaction fee, foreign fees\n"
"    activation fee, waived\n"
"topic billing billing\n"
"    bill, bills, billing, invoice, overcharged, overcharges, autopay\n"
"    plan, plans, price lock, price, credit for switching, cheaper plan\n"
"    discount for military, due\n"
"topic refund billing\n"
"    refund*, money back, chargeback, returned, voucher, travel voucher\n"
"topic branch branches\n"
"    branch, branches, teller, tellers, store, stores, registers\n"
"    self checkout, manager, staff, in store, the store, line out the door\n"
"    appointment\n"
"topic login digital\n"
"    login, log in, logging in, logs me out, sign in, locked out, password\n"
"    passcode, 2fa, verification code, code you texted, otp, reset\n"
"    username, let me in, pw, login email\n"
"topic app digital\n"
"    app, apps, website, online banking, mobile app, app update\n"
"    new update, the update, crash*, bug, glitch, dark mode, android\n"
"    booking site, screenshot of the error, budgeting tool\n"
"topic delivery logistics\n"
"    delivery, deliveries, deliver, delivered, package, packages, parcel\n"
"    courier, driver, tracking, shipped, shipping, ship, order, orders\n"
"    out for delivery, in transit, warehouse, locker, delivery address\n"
"    delivery window, my stuff, my order\n"
"topic network network\n"
"    signal, coverage, no service, internet, wifi, wi fi, broadband, 5g\n"
"    4g, lte, bars, dropped calls, calls keep dropping, calls dropping\n"
"    speedtest, mbps, router, sos only, no bars, technician\n"
"topic flight operations\n"
"    flight, flights, delayed, delay, delays, gate, gate agent, boarding\n"
"    tarmac, pilot, crew, flight attendant, departure, layover\n"
"    missed connection, my connection, airport, plane, cabin, red eye\n"
"    red-eye, terminal, legroom, airline, turbulence, on time\n"
"topic baggage baggage\n"
"    bag, bags, baggage, luggage, suitcase, carry on, checked bag\n"
"    lost bag, carousel, guitar, bike box\n"
"topic booking reservations\n"
"    booking, book, booked, reservation, reservations, ticket, tickets\n"
"    itinerary, rebook*, check in, seat, seats, boarding pass\n"
"    schedule change, name on my booking, pnr, e ticket\n"
"    booking reference, seat selection, window seat, confirmation\n"
"topic account accounts\n"
"    account, accounts, open an account, close my account, joint account\n"
"    business account, statement, statements, balance, savings, checking\n"
"    address on file, a/c, acct, closed my account, my plan, add my daughter\n"
"    transfer my number, authorized user, sign up bonus\n"
"topic loan lending\n"
"    loan, loans, mortgage, refinance, refinancing, 30 year fixed, apr\n"
"    car loan, pay off\n"
"topic support care\n"
"    customer service, support, agent, agents, on hold, chat, call center\n"
"    representative, callback, call me, call back, nobody answers\n"
"    no response, no reply, hold music, reservations line, the phone\n"
"    social team, chat team, answers, replied, reply, copy paste replies\n"
"    service hours\n"
"topic product retail\n"
"    product, item, items, wrong item, size, sizes, quality, material\n"
"    defective, defect, warranty, in stock, stock, blender, tv, charger\n"
"    screen, sneakers, jacket, color, colors, packaging, model\n"
"    purchase, run small, collection, kids sizes\n"
"intent spam 1.5\n"
"    legit\n"
"topic fraud fraud crisis\n"
"    asking for my pin, asked for my pin, asking for my password\n"
"    asked for my password, asked for the code, asking for the code\n"
"    asked for my code, asking for my code, claiming to be, claims to be\n"
"    posing as, saying they were from, said they were from\n"
"    say theyre from, say they're from, says theyre from, fraud team\n"
"    is this a scam, is this legit, is this email real, is this text real\n"
"    someone spent, someone spend, someone bought, someone withdrew\n"
"    someone took, lost my wallet, wallet was stolen\n"
"topic security security crisis\n"
"    password got changed, email got changed, number got changed\n"
"    pin got changed, changed my email, changed my phone number\n"
"    changed my number\n"
"topic outage noc crisis\n"
"    has been down, have been down, been down for, down since, down all day\n"
"    down all morning, entire town, entire street, whole block\n"
"    whole neighbourhood, entire neighbourhood, service unavailable\n"
"topic legal legal crisis\n"
"    solicitor, solicitors\n"
"topic safety safety crisis\n"
"    cockroach, maggot*, found a bug, found a hair, hair in my\n"
"intent question 2\n"
"    can u, ^can u, could u, ^could u, email me, text me\n"
"intent complaint 1.5\n"
"    switching to, switching banks, done with\n"
"    find a new bank, find a new provider, find a new carrier\n"
"    keep charging, keeps charging, need a human, talk to a human\n"
"    speak to a human, oh fantastic, oh perfect, oh lovely, oh brilliant\n"
"intent complaint 2.5\n"
"    why does my, why do my, how is it possible, how is this possible\n"
"    wrost, horible, terible, rediculous, ridiculus, unacceptible\n"
"sentiment -3.5\n"
"    wrost, horible, terible, rediculous, ridiculus, unacceptible\n"
"intent feedback 2.5\n"
"    would love a, would love an, would love more\n"
"intent spam 8\n"
"    recovered my money, recovered my account, sugar daddy\n"
"    exclusive content, check my profile, bad credit ok, loans approved\n"
"intent abuse 4\n"
"    dumbass*\n"
"topic self_harm safety crisis\n"
"    kill myself, killing myself, end my life, ending my life\n"
"    take my own life, suicide, suicidal, want to die, hurt myself\n"
"    harm myself, self harm\n"
"topic safety safety crisis\n"
"    burn it down, burn down, hurt someone\n"
"    kill you, kill someone, brakes failed, brake failure, brakes went out\n"
"    engine failure, engine problem, engine fire, someone is going to die\n"
"    someone could die, someone will die, could have died, could've died\n"
"    almost died, gas smell, smell gas, smells like gas, smell of gas\n"
"    needs a recall, issue a recall, should be recalled\n"
"    vomiting, throwing up\n"
"intent abuse 4\n"
"    burn it down, burn down your, hurt someone, kill you, i know where you\n"
"topic legal legal crisis\n"
"    going to the news, go to the news, going to the press, go to the press\n"
"    contact the media, contacting the media, going to the media\n"
"    go to the media, reporter, tv station, news station, news channel\n"
"    to the dot, with the dot\n"
"topic outage noc crisis\n"
"    power out, power's out, power is off, no power since, no power for\n"
"    no power in, without power, lights are out, no internet in the whole\n"
"    no power in the whole, no service in the whole, production is down\n"
"    500 error, 500 errors, no service anywhere\n"
"    no signal anywhere\n"
"topic fraud fraud crisis\n"
"    is this from you, is this text from you, is this email from you\n"
"    is this really you, really from you, that's not me\n"
"    asking for my card details, asked for my card details\n"
"    asking for card details\n"
"intent spam 8\n"
"    got it back for me, got my account back\n"
"intent complaint 2.5\n"
"    got banned, was banned, been banned, banned me, banned my, unban\n"
"    never calls back, never called back, never call back\n"
"    different answers, fell apart, collapsed\n"
"    production is down, returning 500, returning errors, throwing errors\n"
"    500 error, 500 errors\n"
"intent question 2\n"
"    hw do i, hw can i, how do u, how can u\n"
"intent complaint 1.5\n"
"    worst company, worst bank, worst airline, worst provider, worst carrier\n"
"    worst store, worst service\n"
"intent complaint 2.5\n"
"    not reflecting, has not reflected, hasn't reflected, not yet reflected\n"
"    not credited, not been credited, is cheating, cheated, empty box\n"
"    received the wrong, nobody is picking, no one is picking\n"
"    not picking up, nobody is answering, no one is answering\n"
"    how is that acceptable, how is this acceptable\n"
"    stop calling me, stop texting, stop messaging, stop emailing\n"
"    how did you get my number, how did you get my details\n"
"    raised my bill, put my bill up, price hike, hour delay, hours delay\n"
"    love paying for, keeps dropping out, dropping out every\n"
"    says delivered but, shows delivered but, marked as delivered but\n"
"    repeat myself, repeating myself, different agents\n"
"intent complaint 1.5\n"
"    fortnight, been sitting, bugger all, not able to, been trying to\n"
"intent question 0\n"
"    anyone there, is anyone there, anybody there\n"
"intent question 2\n"
"    any updates, kindly tell, kindly guide, kindly advise, kindly let me\n"
"    want to apply, like to apply, job openings, vacancy, vacancies\n"
"    internship, legit or scam, or a scam, is it legit, is this real\n"
"    is this genuine\n"
"intent spam 0\n"
"    peanut free, nut free, gluten free, dairy free, sugar free, toll free\n"
"intent spam 3\n"
"    cheap flights, whatsapp us, whatsapp me\n"
"intent feedback 2.5\n"
"    are lovely but\n"
"intent abuse 4\n"
"    bunch of muppets, you muppets, numpties, wanker, wankers, tosser\n"
"    tossers, bellend, bellends\n"
"    f*** off, f**k off, f*ck off, smash the place, smash up the\n"
"    wreck the place\n"
"topic legal legal crisis\n"
"    ofcom, ofgem, ofwat, information commissioner, the ico, to the ico\n"
"    consumer court, consumer forum, accc, afca\n"
"topic safety safety crisis\n"
"    anaphyla*, brake pedal went, brakes gave out, brakes stopped\n"
"    nearly crashed, almost crashed, could have crashed, nearly killed\n"
"    almost killed, nearly hit me, nearly hit my daughter, nearly hit my son\n"
"    nearly hit my child, nearly hit my kid, ran a red light\n"
"    ran the red light, jumped the lights, jumped a red, found mould\n"
"    found mold, mouldy, smash the place, smash up the\n"
"    wreck the place\n"
"topic self_harm safety crisis\n"
"    no reason to live, don't want to live anymore\n"
"    don't want to be alive\n"
"topic fraud fraud crisis\n"
"    unrecognised transaction, unrecognised transactions\n"
"    unrecognised charge, unrecognised charges, unrecognised payment\n"
"    unrecognised payments, unrecognized transaction\n"
"    unrecognized transactions, unrecognized charge, unrecognized charges\n"
"    unrecognized payment, unrecognized payments, saying he is from\n"
"    saying she is from, took otp, took my otp, asked for otp\n"
"    asked for my otp, legit or scam, or a scam\n"
"topic outage noc crisis\n"
"    no signal in the whole, banking down, banking is down\n"
"topic flight operations\n"
"    hour delay, hours delay, cheap flights\n"
"topic network network\n"
"    nbn, no signal\n"
"topic delivery logistics\n"
"    depot\n"
"topic support care\n"
"    different agents\n"
"topic account accounts\n"
"    personal data, delete my data, subject access, opt out\n"
/* BUILTIN RULES END */
    ;

    *len = sizeof(text) - 1;

    return text;
}
