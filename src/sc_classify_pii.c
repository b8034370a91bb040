/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_classify_pii.c: private data in what customers write, found and
 * masked before anything is stored.  Numbers count only when they check
 * out (Luhn for cards, mod 97 for IBANs, the ABA checksum for routing
 * numbers, the valid ranges of an SSN, the control letter of a DNI) or
 * when the words before them say what they are ("account", "call me"):
 * order, ticket and case numbers, dates and amounts stay as written.
 *
 *   card      13-19 digits of an issuer, grouped as cards are, Luhn-valid
 *   iban      country, check digits and length of that country, mod 97
 *   account   6-20 digits after "account", "acct", "a/c", "cuenta"...
 *   routing   9 digits, ABA checksum, alone or after "routing", "aba"
 *   national  SSN ###-##-#### in valid ranges (9 digits after "ssn");
 *             Spanish DNI and NIE with their control letter
 *   phone     "+" and 8-15 digits; (415) 555-2671, 415-555-2671,
 *             1-800-555-0199; national numbers grouped from a 0;
 *             7-13 digits after "call", "phone", "my number"...
 *   email     local@domain.tld, masked l***@domain.tld
 *   secret    the value after "password:", "pin is", "the code ... is":
 *             a word after ':' or '=', one with a digit or symbol after
 *             "is", 3-8 digits for a PIN, CVV or one-time code
 *
 * Numbers keep their last 4 digits (****4242), secrets none (****).  One
 * pass over the text, no allocation unless something is found.
 */

#include <stdlib.h>
#include <string.h>

#include "sc_classify.h"


/* longer runs of digits are nobody's number: skipped whole */
#define SC_PII_DIGITS_MAX  34

#define SC_PII_GROUPS_MAX  8

/* how many words before (and after) a number may say what it is */
#define SC_PII_CTX_BEFORE  5
#define SC_PII_CTX_AFTER   3

/* words allowed between "pin" or "code" and the digits: "pin number is" */
#define SC_PII_FILLERS     4

#define SC_PII_WORD_MAX    24

/* what a masked number keeps */
#define SC_PII_KEEP        4


typedef enum {
    SC_CTX_NONE = 0,
    SC_CTX_ORDER,           /* order, ticket, case: a reference number */
    SC_CTX_PHONE,
    SC_CTX_ACCOUNT,
    SC_CTX_ROUTING,
    SC_CTX_NATIONAL,
    SC_CTX_NUMBER           /* "my number is": a phone unless told else */
} sc_ctx_e;


typedef enum {
    SC_SECRET_WORD = 1,     /* a password: any token after ':' or '=' */
    SC_SECRET_DIGITS        /* a PIN, CVV or one-time code: 3 to 8 digits */
} sc_secret_e;


typedef struct {
    const char  *word;
    int          kind;
} sc_pii_word_t;


/* a run of digits and the separators people type between them */
typedef struct {
    size_t       start;
    size_t       end;
    char         digits[SC_PII_DIGITS_MAX + 1];
    size_t       ndigits;
    size_t       groups[SC_PII_GROUPS_MAX];
    size_t       ngroups;
    char         sep;       /* the first separator: ' ', '-', '.' */
    unsigned     mixed:1;   /* separators differ */
    size_t       pgroup;    /* the group in parentheses */
    unsigned     plus:1;    /* +34 ... */
    unsigned     paren:1;   /* (415) ..., +1 (415) ... */
    unsigned     closed:1;
} sc_num_t;


typedef struct {
    const char  *text;
    size_t       len;
    char        *out;
    size_t       olen;
    size_t       cap;
    size_t       copied;    /* text[0, copied) is in out */
    size_t       local_end; /* no '@' ends the run of name bytes before */
    size_t       at;        /* the next '@' from here, len when none */
    uint32_t     secret[26];  /* by the first letter of sc_secret_words,
                                 their second bytes' sc_secret_class() */
    unsigned     secret_ready:1;
    unsigned     kinds;
    unsigned     want:1;
    unsigned     nomem:1;
} sc_redact_t;


static void sc_emit(sc_redact_t *r, size_t start, size_t end, unsigned kind,
    const char *mask, size_t mlen);
static void sc_emit_keep(sc_redact_t *r, size_t start, size_t end,
    unsigned kind, const char *keep, size_t nkeep);
static int sc_is_alnum(unsigned char c);
static int sc_is_wordc(unsigned char c);
static uint32_t sc_secret_class(unsigned char c, int in_word);
static int sc_word_eq(const char *s, size_t len, const char *word);
static int sc_word_find(const sc_pii_word_t *words, const char *s,
    size_t len);
static size_t sc_word_back(const char *t, size_t i, size_t *wstart);
static sc_ctx_e sc_context(const char *t, size_t len, const sc_num_t *n);
static int sc_num_parse(const char *t, size_t len, size_t i, sc_num_t *n);
static int sc_luhn(const char *d, size_t n);
static int sc_card(const sc_num_t *n);
static int sc_ssn(const char *d);
static int sc_aba(const char *d);
static int sc_us_phone(const sc_num_t *n);
static unsigned sc_num_kind(const char *t, size_t len, const sc_num_t *n);
static size_t sc_number(sc_redact_t *r, size_t i);
static size_t sc_email(sc_redact_t *r, size_t i);
static int sc_mod97(const char *s, size_t n);
static size_t sc_iban(sc_redact_t *r, size_t i);
static size_t sc_nie(sc_redact_t *r, size_t i);
static size_t sc_secret(sc_redact_t *r, size_t i);
static unsigned sc_redact_tree(json_t *node, int depth);
static void sc_redact_write_tree(sc_jw_t *w, const json_t *node);
static int sc_is_id_key(const char *key);


/* words that say what the number after them is (lowercase, as typed) */
static const sc_pii_word_t  sc_ctx_words[] = {
    { "order", SC_CTX_ORDER }, { "orders", SC_CTX_ORDER },
    { "ref", SC_CTX_ORDER }, { "reference", SC_CTX_ORDER },
    { "tracking", SC_CTX_ORDER }, { "confirmation", SC_CTX_ORDER },
    { "conf", SC_CTX_ORDER }, { "booking", SC_CTX_ORDER },
    { "ticket", SC_CTX_ORDER }, { "case", SC_CTX_ORDER },
    { "invoice", SC_CTX_ORDER }, { "bill", SC_CTX_ORDER },
    { "pnr", SC_CTX_ORDER }, { "sku", SC_CTX_ORDER },
    { "model", SC_CTX_ORDER }, { "item", SC_CTX_ORDER },
    { "id", SC_CTX_ORDER }, { "transaction", SC_CTX_ORDER },
    { "receipt", SC_CTX_ORDER }, { "claim", SC_CTX_ORDER },
    { "serial", SC_CTX_ORDER }, { "flight", SC_CTX_ORDER },
    { "application", SC_CTX_ORDER }, { "parcel", SC_CTX_ORDER },
    { "package", SC_CTX_ORDER }, { "shipment", SC_CTX_ORDER },
    { "pedido", SC_CTX_ORDER }, { "factura", SC_CTX_ORDER },
    { "referencia", SC_CTX_ORDER }, { "localizador", SC_CTX_ORDER },
    { "incidencia", SC_CTX_ORDER }, { "envio", SC_CTX_ORDER },
    { "env\xc3\xado", SC_CTX_ORDER },

    { "phone", SC_CTX_PHONE }, { "call", SC_CTX_PHONE },
    { "calling", SC_CTX_PHONE }, { "text", SC_CTX_PHONE },
    { "txt", SC_CTX_PHONE }, { "sms", SC_CTX_PHONE },
    { "cell", SC_CTX_PHONE }, { "cellphone", SC_CTX_PHONE },
    { "mobile", SC_CTX_PHONE }, { "tel", SC_CTX_PHONE },
    { "telephone", SC_CTX_PHONE }, { "whatsapp", SC_CTX_PHONE },
    { "contact", SC_CTX_PHONE }, { "reach", SC_CTX_PHONE },
    { "line", SC_CTX_PHONE }, { "callback", SC_CTX_PHONE },
    { "fax", SC_CTX_PHONE }, { "zelle", SC_CTX_PHONE },
    { "venmo", SC_CTX_PHONE }, { "bizum", SC_CTX_PHONE },
    { "port", SC_CTX_PHONE },
    { "telefono", SC_CTX_PHONE }, { "tel\xc3\xa9" "fono", SC_CTX_PHONE },
    { "movil", SC_CTX_PHONE }, { "m\xc3\xb3vil", SC_CTX_PHONE },
    { "celular", SC_CTX_PHONE }, { "llamame", SC_CTX_PHONE },
    { "ll\xc3\xa1mame", SC_CTX_PHONE }, { "llamar", SC_CTX_PHONE },
    { "llamen", SC_CTX_PHONE }, { "ll\xc3\xa1menme", SC_CTX_PHONE },

    { "number", SC_CTX_NUMBER }, { "numero", SC_CTX_NUMBER },
    { "n\xc3\xbamero", SC_CTX_NUMBER }, { "nr", SC_CTX_NUMBER },

    { "account", SC_CTX_ACCOUNT }, { "acct", SC_CTX_ACCOUNT },
    { "acc", SC_CTX_ACCOUNT }, { "a/c", SC_CTX_ACCOUNT },
    { "checking", SC_CTX_ACCOUNT }, { "savings", SC_CTX_ACCOUNT },
    { "cuenta", SC_CTX_ACCOUNT }, { "ccc", SC_CTX_ACCOUNT },

    { "routing", SC_CTX_ROUTING }, { "aba", SC_CTX_ROUTING },
    { "rtn", SC_CTX_ROUTING }, { "transit", SC_CTX_ROUTING },

    { "ssn", SC_CTX_NATIONAL }, { "social", SC_CTX_NATIONAL },
    { "itin", SC_CTX_NATIONAL }, { "tin", SC_CTX_NATIONAL },
    { "dni", SC_CTX_NATIONAL }, { "nie", SC_CTX_NATIONAL },
    { "nif", SC_CTX_NATIONAL },

    { NULL, 0 }
};


/* words whose value is a secret; "pass" alone is a boarding pass */
static const sc_pii_word_t  sc_secret_words[] = {
    { "password", SC_SECRET_WORD }, { "passwd", SC_SECRET_WORD },
    { "pwd", SC_SECRET_WORD }, { "pw", SC_SECRET_WORD },
    { "passphrase", SC_SECRET_WORD }, { "contrasena", SC_SECRET_WORD },
    { "contrase\xc3\xb1" "a", SC_SECRET_WORD }, { "clave", SC_SECRET_WORD },

    { "pin", SC_SECRET_DIGITS }, { "nip", SC_SECRET_DIGITS },
    { "passcode", SC_SECRET_DIGITS }, { "otp", SC_SECRET_DIGITS },
    { "cvv", SC_SECRET_DIGITS }, { "cvc", SC_SECRET_DIGITS },
    { "cvv2", SC_SECRET_DIGITS }, { "code", SC_SECRET_DIGITS },
    { "codigo", SC_SECRET_DIGITS }, { "c\xc3\xb3" "digo", SC_SECRET_DIGITS },
    { NULL, 0 }
};


/* "zip code 90210" and "error code 5003" are no secrets */
static const sc_pii_word_t  sc_code_not_secret[] = {
    { "zip", 1 }, { "postal", 1 }, { "postcode", 1 }, { "area", 1 },
    { "error", 1 }, { "promo", 1 }, { "promotional", 1 },
    { "discount", 1 }, { "coupon", 1 }, { "voucher", 1 }, { "gift", 1 },
    { "country", 1 }, { "tracking", 1 }, { "reference", 1 },
    { "booking", 1 }, { "confirmation", 1 }, { "bar", 1 }, { "qr", 1 },
    { "swift", 1 }, { "sort", 1 }, { "product", 1 }, { "status", 1 },
    { "dress", 1 }, { "source", 1 }, { "referral", 1 }, { "invite", 1 },
    { "offer", 1 }, { "use", 1 }, { "enter", 1 },
    { "descuento", 1 }, { "promocional", 1 },
    { NULL, 0 }
};


/* "they took the otp and debited rs 25000": an amount, not the code */
static const sc_pii_word_t  sc_currency_words[] = {
    { "rs", 1 }, { "inr", 1 }, { "usd", 1 }, { "eur", 1 }, { "gbp", 1 },
    { "aud", 1 }, { "cad", 1 }, { "ngn", 1 }, { "naira", 1 },
    { "rupees", 1 }, { "dollars", 1 }, { "pounds", 1 }, { "euros", 1 },
    { NULL, 0 }
};


/* "password is 1234", "contraseña es ...": the words before a value */
static const sc_pii_word_t  sc_secret_links[] = {
    { "is", 1 }, { "was", 1 }, { "es", 1 }, { "era", 1 }, { "now", 1 },
    { NULL, 0 }
};


/* IBAN lengths by country (SWIFT registry) */
static const struct {
    char     cc[3];
    uint8_t  len;
} sc_iban_lengths[] = {
    { "AD", 24 }, { "AE", 23 }, { "AL", 28 }, { "AT", 20 }, { "AZ", 28 },
    { "BA", 20 }, { "BE", 16 }, { "BG", 22 }, { "BH", 22 }, { "BR", 29 },
    { "BY", 28 }, { "CH", 21 }, { "CR", 22 }, { "CY", 28 }, { "CZ", 24 },
    { "DE", 22 }, { "DK", 18 }, { "DO", 28 }, { "EE", 20 }, { "EG", 29 },
    { "ES", 24 }, { "FI", 18 }, { "FO", 18 }, { "FR", 27 }, { "GB", 22 },
    { "GE", 22 }, { "GI", 23 }, { "GL", 18 }, { "GR", 27 }, { "GT", 28 },
    { "HR", 21 }, { "HU", 28 }, { "IE", 22 }, { "IL", 23 }, { "IQ", 23 },
    { "IS", 26 }, { "IT", 27 }, { "JO", 30 }, { "KW", 30 }, { "KZ", 20 },
    { "LB", 28 }, { "LC", 32 }, { "LI", 21 }, { "LT", 20 }, { "LU", 20 },
    { "LV", 21 }, { "MC", 27 }, { "MD", 24 }, { "ME", 22 }, { "MK", 19 },
    { "MR", 27 }, { "MT", 31 }, { "MU", 30 }, { "NL", 18 }, { "NO", 15 },
    { "PK", 24 }, { "PL", 28 }, { "PS", 29 }, { "PT", 25 }, { "QA", 29 },
    { "RO", 24 }, { "RS", 22 }, { "SA", 24 }, { "SC", 31 }, { "SE", 24 },
    { "SI", 19 }, { "SK", 24 }, { "SM", 27 }, { "ST", 25 }, { "SV", 28 },
    { "TL", 23 }, { "TN", 24 }, { "TR", 26 }, { "UA", 29 }, { "VA", 22 },
    { "VG", 24 }, { "XK", 20 }
};


static const char  sc_dni_letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";


/*
 * Bytes of words (ASCII letters and digits, UTF-8: "número"), '@', and
 * the digits among them.
 */
#define SC_PII_WORDC  1
#define SC_PII_AT     2
#define SC_PII_DIGIT  4

static const unsigned char  sc_pii_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x20 */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 0, 0, 0, 0,  /* 0x30 */
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x40 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,  /* 0x50 */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x60 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,  /* 0x70 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x80 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0x90 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xa0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xb0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xc0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xd0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  /* 0xe0 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1   /* 0xf0 */
};


int
sc_pii_redact(const char *text, size_t len, unsigned *kinds, char **redacted)
{
    size_t         i, next;
    unsigned char  c, prev;
    const void    *at;
    sc_redact_t    r;

    memset(&r, 0, sizeof(sc_redact_t));
    r.text = text;
    r.len = len;
    r.want = (redacted != NULL);

    i = 0;
    prev = ' ';

    /* an email needs an '@' ahead: most texts have none */
    at = memchr(text, '@', len);
    r.at = at ? (size_t) ((const char *) at - text) : len;

    while (i < len) {

        /* items start where a word starts, never inside one */
        if (sc_pii_class[prev] & (SC_PII_WORDC | SC_PII_AT)) {
            do {
                prev = (unsigned char) text[i++];
            } while (i < len
                     && (sc_pii_class[prev] & (SC_PII_WORDC | SC_PII_AT)));

            continue;
        }

        c = (unsigned char) text[i];
        next = 0;

        if (r.at < len) {
            if (r.at < i) {
                at = memchr(text + i, '@', len - i);
                r.at = at ? (size_t) ((const char *) at - text) : len;
            }

            if (r.at < len) {
                next = sc_email(&r, i);
            }
        }

        if (next == 0 && ((c >= '0' && c <= '9') || c == '+' || c == '(')) {
            next = sc_number(&r, i);
        }

        if (next == 0 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
            /* an IBAN has digits from its third byte, a NIE its second */
            if (i + 2 < len
                && ((sc_pii_class[(unsigned char) text[i + 1]]
                     | sc_pii_class[(unsigned char) text[i + 2]])
                    & SC_PII_DIGIT))
            {
                next = sc_iban(&r, i);
                if (next == 0) {
                    next = sc_nie(&r, i);
                }
            }
            if (next == 0) {
                next = sc_secret(&r, i);
            }
        }

        if (next > i) {
            i = next;
            prev = (unsigned char) text[i - 1];
            continue;
        }

        prev = c;
        i++;
    }

    *kinds = r.kinds;

    if (r.nomem) {
        free(r.out);
        return -1;
    }

    if (redacted == NULL) {
        return 0;
    }

    *redacted = NULL;

    if (r.out == NULL) {
        return 0;
    }

    /* the tail after the last item; cap always has room for it */
    memcpy(r.out + r.olen, text + r.copied, len - r.copied);
    r.olen += len - r.copied;
    r.out[r.olen] = '\0';
    *redacted = r.out;

    return 0;
}


/* replaces text[start, end) by mask in the output, copying what precedes */
static void
sc_emit(sc_redact_t *r, size_t start, size_t end, unsigned kind,
    const char *mask, size_t mlen)
{
    size_t   need;
    char    *out;

    r->kinds |= kind;

    if (!r->want || r->nomem) {
        return;
    }

    /* a mask outgrows its item by 3 bytes at most: "a@b.cd" */
    need = r->olen + (start - r->copied) + mlen + (r->len - end) + 1;

    if (need > r->cap) {
        need = need > r->len * 2 + 16 ? need : r->len * 2 + 16;
        out = realloc(r->out, need);
        if (out == NULL) {
            r->nomem = 1;
            return;
        }
        r->out = out;
        r->cap = need;
    }

    memcpy(r->out + r->olen, r->text + r->copied, start - r->copied);
    r->olen += start - r->copied;
    memcpy(r->out + r->olen, mask, mlen);
    r->olen += mlen;
    r->copied = end;
}


/* "****" and the last characters kept: enough to recognize, not to use */
static void
sc_emit_keep(sc_redact_t *r, size_t start, size_t end, unsigned kind,
    const char *keep, size_t nkeep)
{
    char  mask[4 + SC_PII_KEEP];

    if (nkeep > SC_PII_KEEP) {
        keep += nkeep - SC_PII_KEEP;
        nkeep = SC_PII_KEEP;
    }

    memcpy(mask, "****", 4);
    memcpy(mask + 4, keep, nkeep);

    sc_emit(r, start, end, kind, mask, 4 + nkeep);
}


static int
sc_is_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}


/* UTF-8 bytes are letters here: "número" is one word */
static int
sc_is_wordc(unsigned char c)
{
    return sc_pii_class[c] & SC_PII_WORDC;
}


/*
 * The class of a word's second byte c, as a bit: each ASCII letter in
 * either case, the end of the word (in_word 0), or anything else.
 */
static uint32_t
sc_secret_class(unsigned char c, int in_word)
{
    if (!in_word || c == '\0') {
        return (uint32_t) 1 << 26;
    }

    c = (c >= 'A' && c <= 'Z') ? (c | 0x20) : c;

    return (c >= 'a' && c <= 'z') ? (uint32_t) 1 << (c - 'a')
                                  : (uint32_t) 1 << 27;
}


/* s[0, len) equals word, ASCII letters in any case */
static int
sc_word_eq(const char *s, size_t len, const char *word)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];
        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;
        }
        if (word[i] == '\0' || (unsigned char) word[i] != c) {
            return 0;
        }
    }

    return word[len] == '\0';
}


static int
sc_word_find(const sc_pii_word_t *words, const char *s, size_t len)
{
    unsigned char         c0, c1;
    const sc_pii_word_t  *w;

    /* numbers are no telling words: most lookups end here, cheaply */
    if (len == 0 || len > SC_PII_WORD_MAX || (s[0] >= '0' && s[0] <= '9')) {
        return 0;
    }

    /* the first two bytes at a glance (the second is NUL for one) */
    c0 = (unsigned char) s[0];
    c0 = (c0 >= 'A' && c0 <= 'Z') ? (c0 | 0x20) : c0;
    c1 = (len > 1) ? (unsigned char) s[1] : 0;
    c1 = (c1 >= 'A' && c1 <= 'Z') ? (c1 | 0x20) : c1;

    for (w = words; w->word != NULL; w++) {
        if ((unsigned char) w->word[0] == c0
            && (unsigned char) w->word[1] == c1
            && sc_word_eq(s, len, w->word))
        {
            return w->kind;
        }
    }

    return 0;
}


/*
 * The word that ends at or before t[i - 1], skipping what is between; its
 * length (0 at the start of the text or of a sentence) and start.  "a/c"
 * counts as one word.
 */
static size_t
sc_word_back(const char *t, size_t i, size_t *wstart)
{
    size_t  end;

    while (i > 0 && !sc_is_wordc((unsigned char) t[i - 1])) {
        if (t[i - 1] == '!' || t[i - 1] == '?' || t[i - 1] == '\n') {
            return 0;
        }
        i--;
    }

    end = i;
    while (i > 0 && sc_is_wordc((unsigned char) t[i - 1])) {
        i--;
    }

    if (end - i == 1 && i >= 2 && t[i - 1] == '/' && (t[i - 2] | 0x20) == 'a'
        && (i == 2 || !sc_is_wordc((unsigned char) t[i - 3])))
    {
        i -= 2;
    }

    *wstart = i;

    return end - i;
}


/*
 * What the words around a number say it is: the nearest telling word
 * before it wins; a '#' right before it marks a reference unless a word
 * just before says otherwise ("acct #"); words after it count for phones
 * only ("4155552671 on Zelle").
 */
static sc_ctx_e
sc_context(const char *t, size_t len, const sc_num_t *n)
{
    int       kind, weak;
    size_t    i, j, k, wlen, wstart, limit;
    sc_ctx_e  hash;

    weak = 0;
    hash = SC_CTX_NONE;

    i = n->start;
    while (i > 0 && t[i - 1] == ' ') {
        i--;
    }
    if (i > 0 && t[i - 1] == '#') {
        hash = SC_CTX_ORDER;
    }

    i = n->start;
    limit = SC_PII_CTX_BEFORE;

    for (k = 0; k < limit; k++) {
        wlen = sc_word_back(t, i, &wstart);
        if (wlen == 0) {
            break;
        }

        kind = sc_word_find(sc_ctx_words, t + wstart, wlen);

        if (kind == SC_CTX_NUMBER) {
            /* the word before "number" says whose: always look at it */
            weak = 1;
            limit = k + 2 > limit ? k + 2 : limit;

        } else if (kind != SC_CTX_NONE) {
            return (sc_ctx_e) kind;
        }

        if (hash != SC_CTX_NONE && k >= 1) {
            return hash;
        }

        i = wstart;
    }

    if (hash != SC_CTX_NONE) {
        return hash;
    }

    if (weak) {
        return SC_CTX_NUMBER;
    }

    i = n->end;
    for (k = 0; k < SC_PII_CTX_AFTER && i < len; k++) {
        while (i < len && !sc_is_wordc((unsigned char) t[i])) {
            if (t[i] == '!' || t[i] == '?' || t[i] == '.' || t[i] == '\n') {
                return SC_CTX_NONE;
            }
            i++;
        }

        j = i;
        while (j < len && sc_is_wordc((unsigned char) t[j])) {
            j++;
        }

        if (sc_word_find(sc_ctx_words, t + i, j - i) == SC_CTX_PHONE) {
            return SC_CTX_PHONE;
        }

        i = j;
    }

    return SC_CTX_NONE;
}


/*
 * Reads digits from t[i] with single separators between groups: spaces,
 * '-' or '.', a '+' in front, one group in parentheses: "(415) 555-2671",
 * "+1 (415) 555-2671".  Returns 1 with n filled when the run is a
 * candidate, 0 when not (n->end still says where it ends).
 */
static int
sc_num_parse(const char *t, size_t len, size_t i, sc_num_t *n)
{
    size_t         j, spaces, dashes, closes, opens;
    unsigned char  c;

    memset(n, 0, sizeof(sc_num_t));
    n->start = i;

    if (t[i] == '+') {
        n->plus = 1;
        i++;
    }

    if (i < len && t[i] == '(') {
        n->paren = 1;
        i++;
    }

    if (i >= len || t[i] < '0' || t[i] > '9') {
        n->end = i;
        return 0;
    }

    for ( ;; ) {
        if (n->ngroups == SC_PII_GROUPS_MAX) {
            break;
        }

        n->groups[n->ngroups] = 0;

        while (i < len && t[i] >= '0' && t[i] <= '9') {
            if (n->ndigits == SC_PII_DIGITS_MAX) {
                /*
                 * No one's number is this long: skip the rest of the run
                 * (what is glued to it, groups after a blank or a dash),
                 * never the words after it, which may hold data.
                 */
                while (i < len
                       && (sc_is_alnum((unsigned char) t[i])
                           || ((t[i] == ' ' || t[i] == '-') && i + 1 < len
                               && t[i + 1] >= '0' && t[i + 1] <= '9')))
                {
                    i++;
                }
                n->end = i;
                return 0;
            }
            n->digits[n->ndigits++] = t[i++];
            n->groups[n->ngroups]++;
        }

        n->ngroups++;
        n->end = i;

        /* a separator: at most one '-' or '.', a space or two, a paren */
        spaces = dashes = closes = opens = 0;
        for (j = i; j < len && j - i < 3; j++) {
            c = (unsigned char) t[j];
            if (c == ' ') {
                spaces++;
            } else if (c == '-' || c == '.') {
                dashes++;
            } else if (c == ')' && n->paren && !n->closed
                       && n->ngroups - 1 == n->pgroup)
            {
                closes++;
            } else if (c == '(' && n->plus && !n->paren && n->ngroups == 1) {
                opens++;
            } else {
                break;
            }
        }

        if (j == i || j >= len || t[j] < '0' || t[j] > '9'
            || dashes > 1 || spaces > 2 || (spaces == 2 && dashes == 0)
            || closes > 1 || opens > 1)
        {
            break;
        }

        /* a group opened must close right after it */
        if (n->paren && !n->closed && n->ngroups - 1 == n->pgroup
            && closes == 0)
        {
            break;
        }

        if (closes) {
            n->closed = 1;
        }

        if (opens) {
            n->paren = 1;
            n->pgroup = n->ngroups;
        }

        c = (unsigned char) (dashes ? (memchr(t + i, '-', j - i) ? '-' : '.')
                                    : ' ');
        if (n->ngroups == 1) {
            n->sep = (char) c;
        } else if ((char) c != n->sep) {
            n->mixed = 1;
        }

        i = j;
    }

    if (n->paren && (!n->closed || n->groups[n->pgroup] > 4)) {
        return 0;
    }

    /* "4111x" or "12.5%" or "1.5" are not numbers of anyone */
    if (n->end < len && (sc_is_wordc((unsigned char) t[n->end])
                         || t[n->end] == '%'))
    {
        return 0;
    }

    if (n->start > 0 && (t[n->start - 1] == '$' || t[n->start - 1] == '.'
                         || t[n->start - 1] == ','))
    {
        return 0;
    }

    return 1;
}


static int
sc_luhn(const char *d, size_t n)
{
    int     sum, x, dbl;
    size_t  i;

    sum = 0;
    dbl = 0;

    for (i = n; i > 0; i--) {
        x = d[i - 1] - '0';
        if (dbl) {
            x *= 2;
            if (x > 9) {
                x -= 9;
            }
        }
        sum += x;
        dbl = !dbl;
    }

    return sum % 10 == 0;
}


/* 13 to 19 digits of a card issuer, grouped as cards are, Luhn-valid */
static int
sc_card(const sc_num_t *n)
{
    int     first4;
    size_t  g;

    if (n->plus || n->paren || n->mixed
        || n->ndigits < 13 || n->ndigits > 19)
    {
        return 0;
    }

    switch (n->digits[0]) {

    case '2':
        first4 = (n->digits[0] - '0') * 1000 + (n->digits[1] - '0') * 100
                 + (n->digits[2] - '0') * 10 + (n->digits[3] - '0');
        if (first4 < 2221 || first4 > 2720) {
            return 0;
        }
        break;

    case '3':
    case '4':
    case '5':
    case '6':
        break;

    default:
        return 0;
    }

    if (n->ngroups > 1) {
        if (n->sep == '.') {
            return 0;
        }

        /* 4-6-5 (Amex) and 4-6-4 (Diners), else fours */
        if (!(n->ngroups == 3 && n->groups[0] == 4 && n->groups[1] == 6
              && (n->groups[2] == 5 || n->groups[2] == 4)))
        {
            for (g = 0; g + 1 < n->ngroups; g++) {
                if (n->groups[g] != 4) {
                    return 0;
                }
            }
        }
    }

    return sc_luhn(n->digits, n->ndigits);
}


/* area 001-899 but 666, group 01-99, serial 0001-9999 */
static int
sc_ssn(const char *d)
{
    int  area, group, serial;

    area = (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
    group = (d[3] - '0') * 10 + (d[4] - '0');
    serial = (d[5] - '0') * 1000 + (d[6] - '0') * 100 + (d[7] - '0') * 10
             + (d[8] - '0');

    return area > 0 && area < 900 && area != 666 && group > 0 && serial > 0;
}


/* the ABA checksum and a Federal Reserve prefix: 00-12, 21-32, 61-72, 80 */
static int
sc_aba(const char *d)
{
    int  x[9], i, prefix, sum;

    for (i = 0; i < 9; i++) {
        x[i] = d[i] - '0';
    }

    prefix = x[0] * 10 + x[1];
    if (!(prefix <= 12 || (prefix >= 21 && prefix <= 32)
          || (prefix >= 61 && prefix <= 72) || prefix == 80))
    {
        return 0;
    }

    sum = 3 * (x[0] + x[3] + x[6]) + 7 * (x[1] + x[4] + x[7])
          + (x[2] + x[5] + x[8]);

    return sum % 10 == 0;
}


/* (415) 555-2671, 415-555-2671, 415.555.2671, 1-800-555-0199 */
static int
sc_us_phone(const sc_num_t *n)
{
    const size_t  *g;

    g = n->groups;

    if (n->paren) {
        return n->ndigits == 10 && n->groups[0] == 3;
    }

    if (n->ngroups == 3 && g[0] == 3 && g[1] == 3 && g[2] == 4) {
        return n->digits[0] >= '2';
    }

    return n->ngroups == 4 && g[0] == 1 && n->digits[0] == '1'
           && g[1] == 3 && g[2] == 3 && g[3] == 4;
}


/* decides what a run of digits is; the order matters: see each comment */
static unsigned
sc_num_kind(const char *t, size_t len, const sc_num_t *n)
{
    size_t    nd;
    sc_ctx_e  ctx;

    nd = n->ndigits;

    if (sc_card(n)) {
        return SC_PII_CARD;
    }

    /* 123-45-6789 is an SSN or nothing: never a phone */
    if (n->ngroups == 3 && n->groups[0] == 3 && n->groups[1] == 2
        && n->groups[2] == 4 && !n->plus && !n->paren && n->sep != '.')
    {
        return sc_ssn(n->digits) ? SC_PII_NATIONAL : 0;
    }

    if (n->plus) {
        return (nd >= 8 && nd <= 15) ? SC_PII_PHONE : 0;
    }

    /* shorter than any kind below, whatever the words around it say */
    if (nd < 6) {
        return 0;
    }

    ctx = sc_context(t, len, n);

    if (ctx == SC_CTX_NATIONAL && nd == 9 && n->ngroups == 1) {
        return sc_ssn(n->digits) ? SC_PII_NATIONAL : 0;
    }

    if (ctx == SC_CTX_ORDER) {
        return 0;
    }

    if (sc_us_phone(n)) {
        return SC_PII_PHONE;
    }

    if (ctx == SC_CTX_ACCOUNT) {
        return (nd >= 6 && nd <= 20) ? SC_PII_ACCOUNT : 0;
    }

    if (nd == 9 && n->ngroups == 1
        && (ctx == SC_CTX_ROUTING || ctx == SC_CTX_NONE))
    {
        return sc_aba(n->digits) ? SC_PII_ROUTING : 0;
    }

    if ((ctx == SC_CTX_PHONE || ctx == SC_CTX_NUMBER) && nd >= 7 && nd <= 13) {
        return SC_PII_PHONE;
    }

    /* national formats: 07700 900123, 020 7946 0958; 612 34 56 78 */
    if (n->ngroups > 1 && !n->mixed
        && ((n->digits[0] == '0' && nd >= 10 && nd <= 12)
            || (nd == 9 && (n->digits[0] == '6' || n->digits[0] == '7')
                && n->groups[0] == 3)))
    {
        return SC_PII_PHONE;
    }

    return 0;
}


/* a number at t[i]; returns where scanning resumes, 0 if nothing */
static size_t
sc_number(sc_redact_t *r, size_t i)
{
    int       ok;
    unsigned  kind;
    size_t    end;
    sc_num_t  n;

    ok = sc_num_parse(r->text, r->len, i, &n);

    /* 12345678Z: a Spanish DNI, the letter a check of the number */
    if (!ok && n.ndigits == 8 && n.ngroups == 1 && !n.plus && !n.paren) {
        end = n.end;
        if (end < r->len && r->text[end] == '-') {
            end++;
        }

        if (end < r->len
            && (((unsigned char) r->text[end]) & 0xdf)
               == (unsigned char) sc_dni_letters[atol(n.digits) % 23]
            && (end + 1 == r->len
                || !sc_is_wordc((unsigned char) r->text[end + 1])))
        {
            sc_emit_keep(r, i, end + 1, SC_PII_NATIONAL, n.digits + 4, 4);
            return end + 1;
        }
    }

    if (!ok) {
        return n.end > i ? n.end : 0;
    }

    kind = sc_num_kind(r->text, r->len, &n);
    if (kind == 0) {
        return n.end;
    }

    sc_emit_keep(r, i, n.end, kind, n.digits + n.ndigits
                 - (n.ndigits < SC_PII_KEEP ? n.ndigits : SC_PII_KEEP),
                 n.ndigits < SC_PII_KEEP ? n.ndigits : SC_PII_KEEP);

    return n.end;
}


/* local@domain.tld, masked as l***@domain.tld */
static size_t
sc_email(sc_redact_t *r, size_t i)
{
    char           mask[4];
    size_t         j, at, dot, label, tld;
    unsigned char  c;
    const char    *t;

    t = r->text;

    /* a start inside a run already seen without '@' is no start either */
    if (i < r->local_end) {
        return 0;
    }

    for (j = i; j < r->len; j++) {
        c = (unsigned char) t[j];
        if (!(sc_is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+'
              || c == '-'))
        {
            break;
        }
    }

    if (j == i || j >= r->len || t[j] != '@' || t[i] == '.') {
        r->local_end = j;
        return 0;
    }

    at = j++;
    dot = 0;
    label = 0;
    tld = 0;

    for ( ; j < r->len; j++) {
        c = (unsigned char) t[j];

        if (sc_is_alnum(c) || c == '-') {
            label++;
            tld = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? tld + 1 : 0;
            continue;
        }

        /* a dot ends a label only when another label follows */
        if (c == '.' && label > 0 && j + 1 < r->len
            && sc_is_alnum((unsigned char) t[j + 1]))
        {
            dot = j;
            label = 0;
            tld = 0;
            continue;
        }

        break;
    }

    if (dot == 0 || tld < 2 || tld != label
        || (j < r->len && sc_is_wordc((unsigned char) t[j])))
    {
        return 0;
    }

    mask[0] = t[i];
    memcpy(mask + 1, "***", 3);

    sc_emit(r, i, at, SC_PII_EMAIL, mask, 4);

    return j;
}


/* the remainder of the rearranged IBAN, letters as 10..35, must be 1 */
static int
sc_mod97(const char *s, size_t n)
{
    int            rem;
    size_t         k, i;
    unsigned char  c;

    rem = 0;

    for (k = 0; k < n; k++) {
        i = (k + 4) % n;
        c = (unsigned char) s[i];

        if (c >= '0' && c <= '9') {
            rem = (rem * 10 + (c - '0')) % 97;

        } else {
            rem = (rem * 100 + ((c | 0x20) - 'a' + 10)) % 97;
        }
    }

    return rem == 1;
}


/* GB82 WEST 1234 5698 7654 32, grouped or not, either case */
static size_t
sc_iban(sc_redact_t *r, size_t i)
{
    char           buf[34];
    size_t         j, n, want, k;
    unsigned char  c;
    const char    *t;

    t = r->text;

    if (i + 4 > r->len || !(t[i + 2] >= '0' && t[i + 2] <= '9')
        || !(t[i + 3] >= '0' && t[i + 3] <= '9')
        || !((t[i + 1] | 0x20) >= 'a' && (t[i + 1] | 0x20) <= 'z'))
    {
        return 0;
    }

    want = 0;
    for (k = 0; k < sizeof(sc_iban_lengths) / sizeof(sc_iban_lengths[0]);
         k++)
    {
        if ((t[i] & 0xdf) == sc_iban_lengths[k].cc[0]
            && (t[i + 1] & 0xdf) == sc_iban_lengths[k].cc[1])
        {
            want = sc_iban_lengths[k].len;
            break;
        }
    }

    if (want == 0) {
        return 0;
    }

    n = 0;
    for (j = i; j < r->len && n < want; j++) {
        c = (unsigned char) t[j];

        if (sc_is_alnum(c)) {
            buf[n++] = (char) c;
            continue;
        }

        if (c == ' ' && n % 4 == 0 && j + 1 < r->len
            && sc_is_alnum((unsigned char) t[j + 1]))
        {
            continue;
        }

        break;
    }

    if (n != want || (j < r->len && sc_is_wordc((unsigned char) t[j]))) {
        return 0;
    }

    /* a mistyped IBAN is nothing, and its digits are no card either */
    if (!sc_mod97(buf, n)) {
        return j;
    }

    sc_emit_keep(r, i, j, SC_PII_IBAN, buf + n - SC_PII_KEEP, SC_PII_KEEP);

    return j;
}


/* X1234567L: a Spanish foreigner's id (NIE), X, Y, Z standing for 0-2 */
static size_t
sc_nie(sc_redact_t *r, size_t i)
{
    long         v;
    size_t       j;
    const char  *t;

    t = r->text;

    if (i + 9 > r->len || (t[i] & 0xdf) < 'X' || (t[i] & 0xdf) > 'Z') {
        return 0;
    }

    v = (t[i] & 0xdf) - 'X';
    for (j = i + 1; j < i + 8; j++) {
        if (t[j] < '0' || t[j] > '9') {
            return 0;
        }
        v = v * 10 + (t[j] - '0');
    }

    if ((((unsigned char) t[j]) & 0xdf)
        != (unsigned char) sc_dni_letters[v % 23]
        || (j + 1 < r->len && sc_is_wordc((unsigned char) t[j + 1])))
    {
        return 0;
    }

    sc_emit_keep(r, i, j + 1, SC_PII_NATIONAL, t + i + 4, 4);

    return j + 1;
}


/*
 * "password: hunter2", "my pin is 1234", "the code you texted me is
 * 482913": the value after a secret's name is masked whole.  A password
 * counts right after ':' or '=', or after "is" when it looks like one
 * (a digit, a symbol or a capital inside); a PIN or code is 3 to 8
 * digits within a few words.
 */
static size_t
sc_secret(sc_redact_t *r, size_t i)
{
    int                   kind, strong;
    size_t                j, k, w, ws, vend, words;
    unsigned char         c, q;
    const char           *t;
    const sc_pii_word_t  *sw;

    t = r->text;

    /* most words start unlike any secret's name: the table read once */
    if (!r->secret_ready) {
        for (sw = sc_secret_words; sw->word != NULL; sw++) {
            c = (unsigned char) sw->word[0];

            if (c >= 'a' && c <= 'z') {
                r->secret[c - 'a'] |= sc_secret_class(
                                          (unsigned char) sw->word[1], 1);
            }
        }

        r->secret_ready = 1;
    }

    c = (unsigned char) t[i] | 0x20;

    if (r->secret[c - 'a'] == 0
        || !(r->secret[c - 'a']
             & sc_secret_class(i + 1 < r->len ? (unsigned char) t[i + 1] : 0,
                               i + 1 < r->len && sc_is_wordc(t[i + 1]))))
    {
        return 0;
    }

    for (j = i; j < r->len && sc_is_wordc((unsigned char) t[j]); j++) {
        /* the word */
    }

    kind = sc_word_find(sc_secret_words, t + i, j - i);
    if (kind == 0) {
        return 0;
    }

    if (sc_word_eq(t + i, j - i, "code") || sc_word_eq(t + i, j - i, "codigo")
        || sc_word_eq(t + i, j - i, "c\xc3\xb3" "digo"))
    {
        w = sc_word_back(t, i, &ws);
        if (w > 0 && sc_word_find(sc_code_not_secret, t + ws, w)) {
            return 0;
        }
    }

    strong = 0;
    words = 0;

    for ( ;; ) {
        while (j < r->len && (t[j] == ' ' || t[j] == ':' || t[j] == '='
                              || t[j] == '#' || t[j] == '-'))
        {
            if (t[j] == ':' || t[j] == '=') {
                strong = 1;
            }
            j++;
        }

        if (j >= r->len) {
            return 0;
        }

        c = (unsigned char) t[j];

        for (k = j; k < r->len && sc_is_wordc((unsigned char) t[k]); k++) {
            /* the next word */
        }

        if (kind == SC_SECRET_DIGITS && c >= '0' && c <= '9') {
            for (w = j; w < k && t[w] >= '0' && t[w] <= '9'; w++) {
                /* the digits */
            }
            if (w != k || k - j < 3 || k - j > 8) {
                return 0;
            }
            sc_emit(r, j, k, SC_PII_SECRET, "****", 4);
            return k;
        }

        if (kind == SC_SECRET_WORD
            && (strong || !sc_is_wordc(c) || k == j
                || sc_word_find(sc_secret_links, t + j, k - j) == 0))
        {
            break;
        }

        if (kind == SC_SECRET_DIGITS
            && (k == j || ++words > SC_PII_FILLERS
                || sc_word_find(sc_currency_words, t + j, k - j)))
        {
            return 0;
        }

        j = k;
    }

    /* a password: the whole token, or what is between quotes */
    q = (unsigned char) t[j];
    if (q == '"' || q == '\'' || q == '`') {
        for (vend = j + 1; vend < r->len && t[vend] != (char) q; vend++) {
            /* the quoted value */
        }
        if (vend >= r->len || vend - j - 1 < 3) {
            return 0;
        }
        sc_emit(r, j + 1, vend, SC_PII_SECRET, "****", 4);
        return vend + 1;
    }

    vend = j;
    while (vend < r->len && t[vend] != ' ' && t[vend] != '\n'
           && t[vend] != '\t')
    {
        vend++;
    }

    /* the sentence's own stops are not part of the password */
    while (vend >= j + 3 && memchr(".,;:?", t[vend - 1], 5) != NULL) {
        vend--;
    }

    if (vend < j + 3) {
        return 0;
    }

    if (!strong) {
        /* "Sunshine!" is a word and an exclamation, not a password */
        for (w = vend; w > j && t[w - 1] == '!'; w--) {
            /* void */
        }

        for (k = j; k < w; k++) {
            c = (unsigned char) t[k];
            if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c < 0x80) {
                break;
            }
            if (k > j && c >= 'A' && c <= 'Z') {
                break;
            }
        }
        if (k == w || vend - j < 4) {
            return 0;
        }
    }

    sc_emit(r, j, vend, SC_PII_SECRET, "****", 4);

    return vend;
}


unsigned
sc_pii_redact_json(json_t *root)
{
    return root ? sc_redact_tree(root, 0) : 0;
}


int
sc_pii_redact_write(sc_jw_t *w, const json_t *root)
{
    if (root == NULL) {
        w->failed = 1;
        return -1;
    }

    sc_redact_write_tree(w, root);

    return w->failed ? -1 : 0;
}


/* sc_redact_tree's walk, writing instead of replacing */

static void
sc_redact_write_tree(sc_jw_t *w, const json_t *node)
{
    char        *red;
    size_t       i, n;
    void        *iter;
    json_t      *o, *v;
    unsigned     found;
    const char  *key;

    switch (json_typeof(node)) {

    case JSON_OBJECT:
        sc_jw_lit(w, "{", 1);

        o = (json_t *) node;

        for (iter = json_object_iter(o); iter;
             iter = json_object_iter_next(o, iter))
        {
            key = json_object_iter_key(iter);
            v = json_object_iter_value(iter);

            sc_jw_sep(w);
            sc_jw_str(w, key, json_object_iter_key_len(iter));
            sc_jw_lit(w, ":", 1);

            if (sc_is_id_key(key) && json_is_string(v)) {
                sc_jw_value(w, v);

            } else {
                sc_redact_write_tree(w, v);
            }
        }

        sc_jw_lit(w, "}", 1);
        return;

    case JSON_ARRAY:
        sc_jw_lit(w, "[", 1);

        n = json_array_size(node);

        for (i = 0; i < n; i++) {
            if (i) {
                sc_jw_lit(w, ",", 1);
            }

            sc_redact_write_tree(w, json_array_get(node, i));
        }

        sc_jw_lit(w, "]", 1);
        return;

    case JSON_STRING:
        red = NULL;

        /* out of memory: fail the row rather than store it unmasked */
        if (sc_pii_redact(json_string_value(node), json_string_length(node),
                          &found, &red)
            != 0)
        {
            w->failed = 1;
            return;
        }

        if (red != NULL) {
            sc_jw_str(w, red, strlen(red));
            free(red);
            return;
        }

        sc_jw_value(w, node);
        return;

    default:
        sc_jw_value(w, node);
        return;
    }
}


/* webhooks nest a few levels; jansson itself refuses deeper than 2048 */
static unsigned
sc_redact_tree(json_t *node, int depth)
{
    char        *red;
    size_t       i;
    json_t      *v;
    unsigned     kinds, found;
    const char  *key;

    kinds = 0;

    switch (json_typeof(node)) {

    case JSON_OBJECT:
        json_object_foreach(node, key, v) {
            if (!sc_is_id_key(key) || !json_is_string(v)) {
                kinds |= sc_redact_tree(v, depth + 1);
            }
        }
        break;

    case JSON_ARRAY:
        json_array_foreach(node, i, v) {
            kinds |= sc_redact_tree(v, depth + 1);
        }
        break;

    case JSON_STRING:
        red = NULL;
        if (sc_pii_redact(json_string_value(node), json_string_length(node),
                          &found, &red)
            != 0)
        {
            /* out of memory: the kind is known, the text cannot be masked */
            found = 0;
        }
        if (red != NULL) {
            (void) json_string_set(node, red);
            free(red);
        }
        kinds |= found;
        break;

    default:
        break;
    }

    return kinds;
}


static int
sc_is_id_key(const char *key)
{
    size_t  n;

    n = strlen(key);

    return strcmp(key, "id") == 0 || strcmp(key, "mid") == 0
           || (n > 3 && strcmp(key + n - 3, "_id") == 0)
           || (n > 2 && strcmp(key + n - 2, "Id") == 0);
}


const char *
sc_pii_name(unsigned bit)
{
    size_t  i;

    /* in the order of the bits: sc_pii_names() lists them so */
    static const struct {
        unsigned     bit;
        const char  *name;
    } names[] = {
        { SC_PII_CARD, "card" }, { SC_PII_IBAN, "iban" },
        { SC_PII_ACCOUNT, "account" }, { SC_PII_ROUTING, "routing" },
        { SC_PII_NATIONAL, "national_id" }, { SC_PII_EMAIL, "email" },
        { SC_PII_PHONE, "phone" }, { SC_PII_SECRET, "secret" }
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].bit == bit) {
            return names[i].name;
        }
    }

    return NULL;
}


int
sc_pii_names(unsigned mask, json_t *array)
{
    unsigned     bit;
    const char  *name;

    for (bit = 1; bit && bit <= mask; bit <<= 1) {
        name = (mask & bit) ? sc_pii_name(bit) : NULL;

        if (name && json_array_append_new(array, json_string(name)) != 0) {
            return -1;
        }
    }

    return 0;
}
