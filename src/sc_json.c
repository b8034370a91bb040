/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_json.c: jansson helpers shared by the platform normalizers: lookups,
 * numbers and times as platforms send them, derived strings kept alive
 * with the events, external ids and JSON answers.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "sc_json.h"
#include "sc_utf8.h"


#define SC_JSON_MAX_DIGITS     19       /* INT64_MAX has 19 digits */
#define SC_JSON_MS_THRESHOLD   100000000000LL
#define SC_JSON_KEY_MAX        128      /* one path step */
#define SC_JSON_NUM_MAX        64       /* a number rendered as text */

/* 9999-12-31T23:59:59Z in seconds: beyond it a "time" is garbage */
#define SC_JSON_MAX_SECONDS    253402300799LL

/*
 * The direct parser (sc_json_fast) leaves to json_loadb whatever it does
 * not take: deeper nesting, integers that might overflow, escaped keys,
 * long real numbers, and every error, which jansson then words.
 */
#define SC_JSON_FAST_DEPTH     64
#define SC_JSON_FAST_DIGITS    19       /* an int64_t, or a uint64_t over it */
#define SC_JSON_FAST_REAL      64       /* bytes of a real number's text */
#define SC_JSON_FAST_BUF       1024     /* decoded strings on the stack */

/* the first marked byte of a little-endian word by its trailing zeros */
#if defined(__GNUC__) && defined(__BYTE_ORDER__)                            \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SC_JSON_CTZ            1
#else
#define SC_JSON_CTZ            0
#endif

#if JSON_INTEGER_IS_LONG_LONG
#define SC_JSON_INT_MAX        LLONG_MAX
#else
#define SC_JSON_INT_MAX        LONG_MAX
#endif


typedef struct {
    const unsigned char   *p;
    const unsigned char   *end;
    char                  *buf;       /* for decoded strings: the stack's */
    size_t                 size;
    char                  *heap;      /* or, made when needed, the heap's */
    unsigned               depth;
} sc_json_parser_t;


static int sc_json_digits(const char *s, size_t n);
static int64_t sc_json_decimal_ms(const char *s, int64_t scale);
static int sc_json_fixed(const char **p, size_t n, int *out);
static const char *sc_json_num_text(json_t *v, char *buf, size_t size);
static void sc_json_hex(const unsigned char *md, size_t n, char *out);
static int sc_json_utf8(const char *s, size_t len);
static json_t *sc_json_fast(const unsigned char *body, size_t len);
static json_t *sc_json_fast_value(sc_json_parser_t *jp);
static json_t *sc_json_fast_object(sc_json_parser_t *jp);
static json_t *sc_json_fast_array(sc_json_parser_t *jp);
static int sc_json_fast_string(sc_json_parser_t *jp, const char **s,
    size_t *len, int key);
static json_t *sc_json_fast_number(sc_json_parser_t *jp);
static const unsigned char *sc_json_fast_plain(const unsigned char *p,
    const unsigned char *end);
static long sc_json_fast_hex4(const unsigned char *p);
static void sc_json_fast_blank(sc_json_parser_t *jp);


json_t *
sc_json_path(json_t *v, const char *path)
{
    size_t       n;
    const char  *dot;
    char         key[SC_JSON_KEY_MAX];

    if (path == NULL) {
        return NULL;
    }

    while (v != NULL) {
        dot = strchr(path, '.');
        if (dot == NULL) {
            return json_object_get(v, path);
        }

        n = (size_t) (dot - path);
        if (n >= sizeof(key)) {
            return NULL;
        }

        memcpy(key, path, n);
        key[n] = '\0';

        v = json_object_get(v, key);
        path = dot + 1;
    }

    return NULL;
}


const char *
sc_json_path_str(json_t *v, const char *path)
{
    return json_string_value(sc_json_path(v, path));
}


const char *
sc_json_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}


/* n > 0 ASCII digits, nothing else: strtoll would take spaces and signs */
static int
sc_json_digits(const char *s, size_t n)
{
    size_t  i;

    if (n == 0) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }

    return 1;
}


int
sc_json_int64(json_t *v, int64_t *out)
{
    char        *end;
    size_t       n;
    double       d;
    long long    ll;
    const char  *s, *digits;

    if (json_is_integer(v)) {
        *out = (int64_t) json_integer_value(v);
        return 0;
    }

    if (json_is_real(v)) {
        d = json_real_value(v);

        /* NaN fails both comparisons; 9.2e18 stays below INT64_MAX */
        if (!(d > -9.2e18 && d < 9.2e18) || d != (double) (int64_t) d) {
            return -1;
        }

        *out = (int64_t) d;
        return 0;
    }

    s = json_string_value(v);
    if (s == NULL) {
        return -1;
    }

    digits = (s[0] == '-') ? s + 1 : s;
    n = strlen(digits);

    if (n > SC_JSON_MAX_DIGITS || !sc_json_digits(digits, n)) {
        return -1;
    }

    errno = 0;
    ll = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') {
        return -1;
    }

    *out = (int64_t) ll;
    return 0;
}


/*
 * "<digits>[.<digits>]" times scale (1000 for seconds, 1 for ms) as ms;
 * 0 when malformed or out of range.  Fractions of a ms are cut.
 */
static int64_t
sc_json_decimal_ms(const char *s, int64_t scale)
{
    int64_t      whole, frac, unit;
    size_t       n, i;
    const char  *dot;

    dot = strchr(s, '.');
    n = dot ? (size_t) (dot - s) : strlen(s);

    if (n > 16 || !sc_json_digits(s, n)) {
        return 0;
    }

    whole = 0;

    for (i = 0; i < n; i++) {
        whole = whole * 10 + (s[i] - '0');
    }

    if (whole > SC_JSON_MAX_SECONDS * (1000 / scale)) {
        return 0;
    }

    frac = 0;

    if (dot != NULL) {
        n = strlen(dot + 1);
        if (!sc_json_digits(dot + 1, n)) {
            return 0;
        }

        /* the first digits of the fraction that still count in ms */
        unit = scale;

        for (i = 0; i < n && unit > 1; i++) {
            unit /= 10;
            frac += (dot[1 + i] - '0') * unit;
        }
    }

    return whole * scale + frac;
}


int64_t
sc_json_time_ms(json_t *v, sc_time_unit_e unit)
{
    double       d;
    int64_t      t;
    const char  *s;

    s = json_string_value(v);

    if (s != NULL) {
        if (strchr(s, '-') != NULL) {
            return sc_time_iso8601_ms(s);
        }

        if (unit == SC_TIME_S) {
            return sc_json_decimal_ms(s, 1000);
        }

        if (unit == SC_TIME_MS && strchr(s, '.') != NULL) {
            return sc_json_decimal_ms(s, 1);
        }
    }

    if (json_is_real(v) && unit == SC_TIME_S) {
        d = json_real_value(v);

        if (!(d > 0.0 && d <= (double) SC_JSON_MAX_SECONDS)) {
            return 0;
        }

        return (int64_t) (d * 1000.0);
    }

    if (sc_json_int64(v, &t) != 0 || t <= 0) {
        return 0;
    }

    if (unit == SC_TIME_MS
        || (unit == SC_TIME_AUTO && t > SC_JSON_MS_THRESHOLD))
    {
        return (t <= SC_JSON_MAX_SECONDS * 1000) ? t : 0;
    }

    return (t <= SC_JSON_MAX_SECONDS) ? t * 1000 : 0;
}


int64_t
sc_time_days(int64_t year, int month, int day)
{
    int64_t  era, yoe, doy, doe;

    /* H. Hinnant's days_from_civil: no timegm(), no TZ, no locale */
    year -= (month <= 2);
    era = (year >= 0 ? year : year - 399) / 400;
    yoe = year - era * 400;
    doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


/* exactly n digits at *p, advancing *p */
static int
sc_json_fixed(const char **p, size_t n, int *out)
{
    size_t  i;
    int     v;

    v = 0;

    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9') {
            return -1;
        }

        v = v * 10 + ((*p)[i] - '0');
    }

    *p += n;
    *out = v;

    return 0;
}


int64_t
sc_time_iso8601_ms(const char *s)
{
    int          year, mon, day, hh, mm, ss, oh, om, sign, ms, unit;
    int64_t      t;
    const char  *p;

    if (s == NULL) {
        return 0;
    }

    p = s;
    hh = 0;
    mm = 0;
    ss = 0;
    ms = 0;

    if (sc_json_fixed(&p, 4, &year) != 0 || *p++ != '-'
        || sc_json_fixed(&p, 2, &mon) != 0 || *p++ != '-'
        || sc_json_fixed(&p, 2, &day) != 0)
    {
        return 0;
    }

    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;

        if (sc_json_fixed(&p, 2, &hh) != 0 || *p++ != ':'
            || sc_json_fixed(&p, 2, &mm) != 0)
        {
            return 0;
        }

        if (*p == ':') {
            p++;

            if (sc_json_fixed(&p, 2, &ss) != 0) {
                return 0;
            }
        }

        if (*p == '.' || *p == ',') {
            p++;

            if (*p < '0' || *p > '9') {
                return 0;
            }

            for (unit = 100; *p >= '0' && *p <= '9'; p++) {
                ms += (*p - '0') * unit;
                unit /= 10;
            }
        }
    }

    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59
        || ss > 60)
    {
        return 0;
    }

    t = ((sc_time_days(year, mon, day) * 24 + hh) * 60 + mm) * 60 + ss;

    if (*p == 'Z' || *p == 'z') {
        p++;

    } else if (*p == '+' || *p == '-') {
        sign = (*p++ == '+') ? 1 : -1;

        if (sc_json_fixed(&p, 2, &oh) != 0) {
            return 0;
        }

        if (*p == ':') {
            p++;
        }

        if (*p == '\0') {
            om = 0;

        } else if (sc_json_fixed(&p, 2, &om) != 0) {
            return 0;
        }

        if (oh > 23 || om > 59) {
            return 0;
        }

        /* local time = UTC + offset */
        t -= sign * (oh * 3600 + om * 60);
    }

    if (*p != '\0' || t <= 0) {
        return 0;
    }

    return t * 1000 + ms;
}


int
sc_json_same(const char *a, const char *b)
{
    return a != NULL && b != NULL && a[0] != '\0' && strcmp(a, b) == 0;
}


const sc_json_name_t *
sc_json_lookup(const sc_json_name_t *table, const char *name)
{
    if (name == NULL) {
        return NULL;
    }

    for ( /* void */ ; table->name != NULL; table++) {
        if (strcmp(table->name, name) == 0) {
            return table;
        }
    }

    return NULL;
}


sc_parse_rc_e
sc_json_load(const unsigned char *body, size_t len, sc_events_t *out,
    json_t **doc, char *err, size_t errlen)
{
    char          *p;
    json_t        *root;
    json_error_t   jerr;

    sc_events_init(out);

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }

    /*
     * "\u0000" inside strings is refused (no JSON_ALLOW_NUL): every C
     * string is whole.  Scalars are JSON too: the caller calls a document
     * of the wrong type invalid rather than unparseable.  The direct
     * parser builds what json_loadb would; what it leaves, jansson reads.
     */
    root = sc_json_fast(body, len);

    if (root == NULL) {
        root = json_loadb((const char *) body, len, JSON_DECODE_ANY, &jerr);
    }

    if (root == NULL) {
        if (len == 0) {
            sc_json_err(err, errlen, "body is empty, JSON was expected");

        } else {
            /*
             * jansson quotes the offending token ("near '...'"), bytes of
             * the body that need not be UTF-8 nor printable: err goes
             * into a JSON answer and the log, so it stays printable ASCII.
             */
            for (p = jerr.text; *p != '\0'; p++) {
                if ((unsigned char) *p < 0x20 || (unsigned char) *p > 0x7e) {
                    *p = '?';
                }
            }

            sc_json_err(err, errlen, "body is not valid JSON: %s at line %d "
                        "column %d", jerr.text, jerr.line, jerr.column);
        }

        return SC_PARSE_BAD_JSON;
    }

    if (sc_json_adopt(out, root) != SC_PARSE_OK) {
        return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
    }

    *doc = root;

    return SC_PARSE_OK;
}


sc_parse_rc_e
sc_json_load_object(const unsigned char *body, size_t len, sc_events_t *out,
    json_t **doc, char *err, size_t errlen)
{
    sc_parse_rc_e  rc;

    rc = sc_json_load(body, len, out, doc, err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    if (!json_is_object(*doc)) {
        *doc = NULL;
        sc_json_err(err, errlen, "body is not a JSON object");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    return SC_PARSE_OK;
}


/*
 * The document json_loadb(body, len, JSON_DECODE_ANY) would return, built
 * with the same jansson calls in the same order (so objects keep their key
 * order, and a repeated key its first place and last value), or NULL for
 * json_loadb to read instead: whatever jansson refuses (the grammar,
 * control characters, UTF-8 that is overlong, a surrogate or out of
 * range, lone UTF-16 surrogates in \u escapes, "\u0000") and what this
 * parser leaves to it (see SC_JSON_FAST_*).  jansson's lexer costs some
 * hundred instructions a byte; this one a few.
 */
static json_t *
sc_json_fast(const unsigned char *body, size_t len)
{
    json_t            *v;
    sc_json_parser_t   jp;
    char               buf[SC_JSON_FAST_BUF];

    if (body == NULL) {
        return NULL;
    }

    jp.p = body;
    jp.end = body + len;
    jp.buf = buf;
    jp.size = sizeof(buf);
    jp.heap = NULL;
    jp.depth = 0;

    sc_json_fast_blank(&jp);

    v = sc_json_fast_value(&jp);

    if (v != NULL) {
        sc_json_fast_blank(&jp);

        if (jp.p != jp.end) {
            json_decref(v);
            v = NULL;
        }
    }

    free(jp.heap);

    return v;
}


static void
sc_json_fast_blank(sc_json_parser_t *jp)
{
    while (jp->p < jp->end
           && (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\r'
               || *jp->p == '\t'))
    {
        jp->p++;
    }
}


static json_t *
sc_json_fast_value(sc_json_parser_t *jp)
{
    size_t       len;
    const char  *s;

    if (jp->p == jp->end) {
        return NULL;
    }

    switch (*jp->p) {

    case '{':
        return sc_json_fast_object(jp);

    case '[':
        return sc_json_fast_array(jp);

    case '"':
        if (sc_json_fast_string(jp, &s, &len, 0) != 0) {
            return NULL;
        }

        return json_stringn_nocheck(s, len);

    case 't':
        if (jp->end - jp->p >= 4 && memcmp(jp->p, "true", 4) == 0) {
            jp->p += 4;
            return json_true();
        }

        return NULL;

    case 'f':
        if (jp->end - jp->p >= 5 && memcmp(jp->p, "false", 5) == 0) {
            jp->p += 5;
            return json_false();
        }

        return NULL;

    case 'n':
        if (jp->end - jp->p >= 4 && memcmp(jp->p, "null", 4) == 0) {
            jp->p += 4;
            return json_null();
        }

        return NULL;

    default:
        return sc_json_fast_number(jp);
    }
}


static json_t *
sc_json_fast_object(sc_json_parser_t *jp)
{
    size_t       len;
    json_t      *obj, *v;
    const char  *key;
#if JANSSON_VERSION_HEX < 0x020e00
    char         name[256];
#endif

    if (++jp->depth > SC_JSON_FAST_DEPTH) {
        return NULL;
    }

    obj = json_object();
    if (obj == NULL) {
        return NULL;
    }

    jp->p++;
    sc_json_fast_blank(jp);

    if (jp->p < jp->end && *jp->p == '}') {
        jp->p++;
        jp->depth--;
        return obj;
    }

    for ( ;; ) {
        if (jp->p == jp->end || *jp->p != '"'
            || sc_json_fast_string(jp, &key, &len, 1) != 0)
        {
            goto failed;
        }

        sc_json_fast_blank(jp);

        if (jp->p == jp->end || *jp->p != ':') {
            goto failed;
        }

        jp->p++;
        sc_json_fast_blank(jp);

        v = sc_json_fast_value(jp);
        if (v == NULL) {
            goto failed;
        }

        /* the key points into the body: strings decoded since are apart */
#if JANSSON_VERSION_HEX >= 0x020e00
        if (json_object_setn_new_nocheck(obj, key, len, v) != 0) {
            goto failed;
        }
#else
        if (len >= sizeof(name)) {
            json_decref(v);
            goto failed;
        }

        memcpy(name, key, len);
        name[len] = '\0';

        if (json_object_set_new_nocheck(obj, name, v) != 0) {
            goto failed;
        }
#endif

        sc_json_fast_blank(jp);

        if (jp->p == jp->end) {
            goto failed;
        }

        if (*jp->p == '}') {
            jp->p++;
            jp->depth--;
            return obj;
        }

        if (*jp->p != ',') {
            goto failed;
        }

        jp->p++;
        sc_json_fast_blank(jp);
    }

failed:

    json_decref(obj);
    return NULL;
}


static json_t *
sc_json_fast_array(sc_json_parser_t *jp)
{
    json_t  *arr, *v;

    if (++jp->depth > SC_JSON_FAST_DEPTH) {
        return NULL;
    }

    arr = json_array();
    if (arr == NULL) {
        return NULL;
    }

    jp->p++;
    sc_json_fast_blank(jp);

    if (jp->p < jp->end && *jp->p == ']') {
        jp->p++;
        jp->depth--;
        return arr;
    }

    for ( ;; ) {
        v = sc_json_fast_value(jp);

        /* json_array_append_new() releases v when it fails */
        if (v == NULL || json_array_append_new(arr, v) != 0) {
            goto failed;
        }

        sc_json_fast_blank(jp);

        if (jp->p == jp->end) {
            goto failed;
        }

        if (*jp->p == ']') {
            jp->p++;
            jp->depth--;
            return arr;
        }

        if (*jp->p != ',') {
            goto failed;
        }

        jp->p++;
        sc_json_fast_blank(jp);
    }

failed:

    json_decref(arr);
    return NULL;
}


/*
 * The string at jp->p (its opening quote): *s and *len are its bytes in
 * the body when it has no escapes, else its decoded bytes in jp->buf,
 * valid until the next string.  An escaped key is left to jansson.
 */
static int
sc_json_fast_string(sc_json_parser_t *jp, const char **s, size_t *len,
    int key)
{
    long                  cp, lo;
    char                 *q;
    size_t                n;
    uint32_t              uc;
    unsigned char         c;
    const unsigned char  *p, *start, *end;

    start = jp->p + 1;
    end = jp->end;
    p = start;

    for ( ;; ) {
        p = sc_json_fast_plain(p, end);

        if (p == end) {
            return -1;
        }

        c = *p;

        if (c == '"') {
            *s = (const char *) start;
            *len = p - start;
            jp->p = p + 1;
            return 0;
        }

        if (c < 0x80) {
            /* a control character or a backslash */
            break;
        }

        n = sc_utf8_next(p, end, &uc);
        if (n == 0) {
            return -1;
        }

        p += n;
    }

    if (*p != '\\' || key) {
        return -1;
    }

    /*
     * A decoded string is never longer than its text in the body: the
     * first one that may not fit on the stack makes room for all after it.
     */
    if ((size_t) (end - start) >= jp->size) {
        jp->heap = malloc(end - start + 1);
        if (jp->heap == NULL) {
            return -1;
        }

        jp->buf = jp->heap;
        jp->size = end - start + 1;
    }

    q = jp->buf;
    memcpy(q, start, p - start);
    q += p - start;

    while (p < end) {
        c = *p;

        if (c == '"') {
            *s = jp->buf;
            *len = q - jp->buf;
            jp->p = p + 1;
            return 0;
        }

        if (c < 0x20) {
            return -1;
        }

        if (c >= 0x80) {
            n = sc_utf8_next(p, end, &uc);
            if (n == 0) {
                return -1;
            }

            memcpy(q, p, n);
            q += n;
            p += n;
            continue;
        }

        if (c != '\\') {
            *q++ = (char) c;
            p++;
            continue;
        }

        if (end - p < 2) {
            return -1;
        }

        switch (p[1]) {

        case '"':
        case '\\':
        case '/':
            *q++ = (char) p[1];
            break;

        case 'b':
            *q++ = '\b';
            break;

        case 'f':
            *q++ = '\f';
            break;

        case 'n':
            *q++ = '\n';
            break;

        case 'r':
            *q++ = '\r';
            break;

        case 't':
            *q++ = '\t';
            break;

        case 'u':
            if (end - p < 6) {
                return -1;
            }

            cp = sc_json_fast_hex4(p + 2);

            if (cp >= 0xd800 && cp <= 0xdbff) {
                /* a high surrogate wants its low one right after it */
                if (end - p < 12 || p[6] != '\\' || p[7] != 'u') {
                    return -1;
                }

                lo = sc_json_fast_hex4(p + 8);
                if (lo < 0xdc00 || lo > 0xdfff) {
                    return -1;
                }

                cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
                p += 6;

            } else if (cp <= 0 || (cp >= 0xdc00 && cp <= 0xdfff)) {
                /* malformed, "\u0000" or a lone low surrogate */
                return -1;
            }

            if (cp < 0x80) {
                *q++ = (char) cp;

            } else if (cp < 0x800) {
                *q++ = (char) (0xc0 | (cp >> 6));
                *q++ = (char) (0x80 | (cp & 0x3f));

            } else if (cp < 0x10000) {
                *q++ = (char) (0xe0 | (cp >> 12));
                *q++ = (char) (0x80 | ((cp >> 6) & 0x3f));
                *q++ = (char) (0x80 | (cp & 0x3f));

            } else {
                *q++ = (char) (0xf0 | (cp >> 18));
                *q++ = (char) (0x80 | ((cp >> 12) & 0x3f));
                *q++ = (char) (0x80 | ((cp >> 6) & 0x3f));
                *q++ = (char) (0x80 | (cp & 0x3f));
            }

            p += 4;
            break;

        default:
            return -1;
        }

        p += 2;
    }

    return -1;
}


/*
 * The first byte from p on that is not printable ASCII or is '"' or '\\',
 * end when none: eight bytes a step while they are all plain.
 */
static const unsigned char *
sc_json_fast_plain(const unsigned char *p, const unsigned char *end)
{
    uint64_t  w, q, b, m;

    static const uint64_t  ones = 0x0101010101010101ULL;
    static const uint64_t  high = 0x8080808080808080ULL;

    while (end - p >= 8) {
        memcpy(&w, p, 8);

        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');

        /*
         * The top bit of each byte that is '"', '\\', below 0x20 or
         * above 0x7f; a borrow may mark bytes after the first one too,
         * never one before it.
         */
        m = (((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w)
             | w) & high;

        if (m != 0) {
#if SC_JSON_CTZ
            return p + (__builtin_ctzll(m) >> 3);
#else
            break;
#endif
        }

        p += 8;
    }

    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
        p++;
    }

    return p;
}


/* four hex digits, either case; -1 when they are not */
static long
sc_json_fast_hex4(const unsigned char *p)
{
    int   i;
    long  v;

    v = 0;

    for (i = 0; i < 4; i++) {
        v <<= 4;

        if (p[i] >= '0' && p[i] <= '9') {
            v |= p[i] - '0';

        } else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f') {
            v |= (p[i] | 0x20) - 'a' + 10;

        } else {
            return -1;
        }
    }

    return v;
}


/*
 * A number as jansson lexes it: an integer here, within json_int_t as
 * jansson's strtoll (or strtol) checks it, a real by jansson itself
 * (strtod, in its locale handling).
 */
static json_t *
sc_json_fast_number(sc_json_parser_t *jp)
{
    int                   neg;
    size_t                n;
    json_t               *v;
    uint64_t              u;
    const unsigned char  *p, *start, *digits, *end;

    start = jp->p;
    end = jp->end;
    p = start;

    neg = (*p == '-');
    p += neg;
    digits = p;

    if (p == end || *p < '0' || *p > '9') {
        return NULL;
    }

    if (*p == '0') {
        p++;

        if (p < end && *p >= '0' && *p <= '9') {
            return NULL;
        }

    } else {
        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (p == end || (*p != '.' && *p != 'e' && *p != 'E')) {
        if (p - digits > SC_JSON_FAST_DIGITS) {
            return NULL;
        }

        for (u = 0; digits < p; digits++) {
            u = u * 10 + (*digits - '0');
        }

        /* strtoll's range: jansson calls anything beyond it an error */
        if (u > (uint64_t) SC_JSON_INT_MAX + neg) {
            return NULL;
        }

        jp->p = p;

        return json_integer(neg ? (json_int_t) (0 - u) : (json_int_t) u);
    }

    if (*p == '.') {
        p++;

        if (p == end || *p < '0' || *p > '9') {
            return NULL;
        }

        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;

        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }

        if (p == end || *p < '0' || *p > '9') {
            return NULL;
        }

        while (p < end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    n = p - start;
    if (n > SC_JSON_FAST_REAL) {
        return NULL;
    }

    /* the number alone is the same token to jansson's lexer */
    v = json_loadb((const char *) start, n, JSON_DECODE_ANY, NULL);

    if (!json_is_real(v)) {
        json_decref(v);
        return NULL;
    }

    jp->p = p;

    return v;
}


int
sc_json_body_is_json(const sc_request_t *rq)
{
    size_t             i, len;
    const char        *ct;
    static const char  json[] = "application/json";

    ct = sc_request_header(rq, "content-type", &len);

    if (ct != NULL) {
        while (len > 0 && (*ct == ' ' || *ct == '\t')) {
            ct++;
            len--;
        }

        return len >= sizeof(json) - 1
               && strncasecmp(ct, json, sizeof(json) - 1) == 0;
    }

    for (i = 0; i < rq->body_len; i++) {
        if (rq->body[i] != ' ' && rq->body[i] != '\t' && rq->body[i] != '\r'
            && rq->body[i] != '\n')
        {
            return rq->body[i] == '{' || rq->body[i] == '[';
        }
    }

    return 0;
}


sc_parse_rc_e
sc_json_load_form(const unsigned char *body, size_t len, sc_events_t *out,
    json_t **doc, char *err, size_t errlen)
{
    sc_form_t      form;
    sc_parse_rc_e  rc;

    sc_events_init(out);

    if (err != NULL && errlen > 0) {
        err[0] = '\0';
    }

    if (sc_form_parse((const char *) body, len, &form, SC_JSON_FORM_MAX)
        != 0)
    {
        sc_json_err(err, errlen, "body is not a form of at most %d fields "
                    "without NUL bytes", SC_JSON_FORM_MAX);
        return SC_PARSE_BAD_JSON;
    }

    rc = sc_json_adopt_form(out, &form, doc, err, errlen);

    sc_form_free(&form);

    return rc;
}


sc_parse_rc_e
sc_json_adopt_form(sc_events_t *out, const sc_form_t *form, json_t **doc,
    char *err, size_t errlen)
{
    size_t                  i;
    json_t                 *obj, *value, *prev, *list;
    const sc_form_field_t  *f;

    obj = json_object();
    if (obj == NULL) {
        return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
    }

    for (i = 0; i < form->n; i++) {
        f = &form->fields[i];

        /* jansson refuses what is not UTF-8; the form has no NULs */
        if (!sc_json_utf8(f->name, f->name_len)
            || !sc_json_utf8(f->value, f->value_len))
        {
            json_decref(obj);
            sc_json_err(err, errlen, "form field %zu is not UTF-8", i + 1);
            return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
        }

        value = json_stringn(f->value, f->value_len);
        prev = json_object_get(obj, f->name);

        if (value == NULL) {
            goto nomem;
        }

        /* the jansson *_new setters release value even when they fail */

        if (prev == NULL) {
            if (json_object_set_new(obj, f->name, value) != 0) {
                goto nomem;
            }

            continue;
        }

        /* a repeated name: all its values, in order */
        if (!json_is_array(prev)) {
            list = json_pack("[O]", prev);

            if (list == NULL || json_object_set_new(obj, f->name, list) != 0)
            {
                json_decref(value);
                goto nomem;
            }

            prev = list;
        }

        if (json_array_append_new(prev, value) != 0) {
            goto nomem;
        }
    }

    if (sc_json_adopt(out, obj) != SC_PARSE_OK) {
        return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
    }

    *doc = obj;

    return SC_PARSE_OK;

nomem:

    json_decref(obj);
    return sc_json_fail(out, SC_PARSE_NOMEM, err, errlen);
}


/* valid UTF-8, as jansson judges it */
static int
sc_json_utf8(const char *s, size_t len)
{
    json_t  *str;

    str = json_stringn(s, len);
    if (str == NULL) {
        return 0;
    }

    json_decref(str);

    return 1;
}


sc_parse_rc_e
sc_json_adopt(sc_events_t *out, json_t *doc)
{
    json_t  *root;

    if (doc == NULL) {
        return SC_PARSE_NOMEM;
    }

    root = json_array();
    if (root == NULL) {
        json_decref(doc);
        return SC_PARSE_NOMEM;
    }

    /* json_array_append_new() releases doc when it fails */
    if (json_array_append_new(root, doc) != 0) {
        json_decref(root);
        return SC_PARSE_NOMEM;
    }

    if (out->root != NULL) {
        json_decref(out->root);
    }

    out->root = root;

    return SC_PARSE_OK;
}


json_t *
sc_json_doc(const sc_events_t *out)
{
    return json_array_get(out->root, 0);
}


const char *
sc_json_keep(sc_events_t *out, const char *s, size_t len)
{
    json_t  *str;

    if (!json_is_array(out->root) || s == NULL) {
        return NULL;
    }

    /* no UTF-8 check: s is made of strings jansson has checked already */
    str = json_stringn_nocheck(s, len);
    if (str == NULL || json_array_append_new(out->root, str) != 0) {
        return NULL;
    }

    return json_string_value(str);
}


const char *
sc_json_keep_fmt(sc_events_t *out, const char *fmt, ...)
{
    int          n;
    char        *buf;
    va_list      args;
    const char  *s;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    if (n < 0) {
        return NULL;
    }

    buf = malloc((size_t) n + 1);
    if (buf == NULL) {
        return NULL;
    }

    va_start(args, fmt);
    (void) vsnprintf(buf, (size_t) n + 1, fmt, args);
    va_end(args);

    s = sc_json_keep(out, buf, (size_t) n);
    free(buf);

    return s;
}


/* a scalar as text: strings as they are, numbers and booleans rendered */
static const char *
sc_json_num_text(json_t *v, char *buf, size_t size)
{
    switch (json_typeof(v)) {

    case JSON_STRING:
        return json_string_value(v);

    case JSON_INTEGER:
        (void) snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
                        json_integer_value(v));
        return buf;

    case JSON_REAL:
        (void) snprintf(buf, size, "%.15g", json_real_value(v));
        return buf;

    case JSON_TRUE:
        return "true";

    case JSON_FALSE:
        return "false";

    default:
        return NULL;
    }
}


const char *
sc_json_keep_join(sc_events_t *out, json_t *vals, const char *sep)
{
    char        *buf, *nbuf;
    size_t       i, len, size, n, seplen;
    const char  *s, *kept;
    char         num[SC_JSON_NUM_MAX];

    buf = NULL;
    len = 0;
    size = 0;
    seplen = strlen(sep);

    for (i = 0; i < json_array_size(vals); i++) {
        s = sc_json_num_text(json_array_get(vals, i), num, sizeof(num));
        if (s == NULL) {
            continue;
        }

        n = strlen(s);

        /* room for a separator, s and the final NUL */
        if (len + seplen + n + 1 > size) {
            size = 2 * (len + seplen + n + 1);

            nbuf = realloc(buf, size);
            if (nbuf == NULL) {
                free(buf);
                return NULL;
            }

            buf = nbuf;
        }

        if (len > 0) {
            memcpy(buf + len, sep, seplen);
            len += seplen;
        }

        memcpy(buf + len, s, n);
        len += n;
        buf[len] = '\0';
    }

    if (buf == NULL) {
        return NULL;
    }

    kept = sc_json_keep(out, buf, len);
    free(buf);

    return kept;
}


const char *
sc_json_keep_header(sc_events_t *out, const sc_request_t *rq,
    const char *name, size_t max)
{
    size_t       i, len;
    const char  *v;

    v = sc_request_header(rq, name, &len);
    if (v == NULL || len == 0 || len > max) {
        return NULL;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) v[i] < 0x20 || (unsigned char) v[i] > 0x7e) {
            return NULL;
        }
    }

    return sc_json_keep(out, v, len);
}


const char *
sc_json_id_str(sc_events_t *out, json_t *v)
{
    char  num[SC_JSON_NUM_MAX];

    if (json_is_string(v)) {
        return json_string_value(v);
    }

    if (!json_is_integer(v)) {
        return NULL;
    }

    (void) snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                    json_integer_value(v));

    return sc_json_keep(out, num, strlen(num));
}


sc_parse_rc_e
sc_json_event(sc_events_t *out, const char *channel, const char *type,
    json_t *raw, sc_event_t **evp)
{
    sc_event_t  *ev;

    ev = sc_events_push(out);
    if (ev == NULL) {
        /* a push fails only on the cap or on ENOMEM */
        return (out->nevents >= SC_EVENTS_MAX) ? SC_PARSE_TOO_MANY
                                               : SC_PARSE_NOMEM;
    }

    ev->channel = channel;
    ev->type = type;
    ev->raw = raw;
    ev->visibility = SC_VISIBILITY_PRIVATE;

    *evp = ev;

    return SC_PARSE_OK;
}


sc_parse_rc_e
sc_json_unsupported(sc_events_t *out, const char *channel, json_t *raw)
{
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(out, channel, "unsupported", raw, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    return sc_json_set_id_hash(ev, NULL);
}


sc_parse_rc_e
sc_json_set_id(sc_event_t *ev, const char *id)
{
    size_t  n;

    if (id == NULL || id[0] == '\0') {
        return sc_json_set_id_hash(ev, NULL);
    }

    n = strlen(id);
    if (n >= SC_EXTERNAL_ID_MAX) {
        return sc_json_set_id_hash(ev, NULL);
    }

    memcpy(ev->external_id, id, n + 1);

    return SC_PARSE_OK;
}


sc_parse_rc_e
sc_json_set_id_join(sc_event_t *ev, const char *prefix, json_t **parts,
    size_t n)
{
    int          w;
    char        *p, *last;
    size_t       i;
    const char  *sep;

    p = ev->external_id;
    last = ev->external_id + SC_EXTERNAL_ID_MAX;

    if (prefix != NULL) {
        w = snprintf(p, last - p, "%s", prefix);
        if (w < 0 || w >= last - p) {
            return sc_json_set_id_hash(ev, NULL);
        }

        p += w;
    }

    for (i = 0; i < n; i++) {
        sep = (prefix != NULL || i > 0) ? ":" : "";

        if (json_is_string(parts[i])
            && json_string_value(parts[i])[0] != '\0')
        {
            w = snprintf(p, last - p, "%s%s", sep,
                         json_string_value(parts[i]));

        } else if (json_is_integer(parts[i])) {
            w = snprintf(p, last - p, "%s%" JSON_INTEGER_FORMAT, sep,
                         json_integer_value(parts[i]));

        } else {
            return sc_json_set_id_hash(ev, NULL);
        }

        if (w < 0 || w >= last - p) {
            return sc_json_set_id_hash(ev, NULL);
        }

        p += w;
    }

    return SC_PARSE_OK;
}


sc_parse_rc_e
sc_json_set_id_hash(sc_event_t *ev, const char *prefix)
{
    size_t  n;
    char    hex[SC_SHA256_HEX_LEN + 1];

    if (prefix == NULL) {
        prefix = ev->type ? ev->type : "event";
    }

    n = strlen(prefix);

    /* prefixes are short static names; refuse rather than truncate */
    if (n + 1 + SC_SHA256_HEX_LEN >= SC_EXTERNAL_ID_MAX
        || sc_json_hash_hex(ev->raw, hex) != 0)
    {
        return SC_PARSE_NOMEM;
    }

    memcpy(ev->external_id, prefix, n);
    ev->external_id[n] = ':';
    memcpy(ev->external_id + n + 1, hex, SC_SHA256_HEX_LEN + 1);

    return SC_PARSE_OK;
}


static void
sc_json_hex(const unsigned char *md, size_t n, char *out)
{
    size_t             i;
    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < n; i++) {
        *out++ = hex[md[i] >> 4];
        *out++ = hex[md[i] & 0x0f];
    }

    *out = '\0';
}


int
sc_sha256_hex(const void *data, size_t len, char *out)
{
    unsigned int   mdlen;
    unsigned char  md[EVP_MAX_MD_SIZE];

    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1
        || mdlen * 2 != SC_SHA256_HEX_LEN)
    {
        return -1;
    }

    sc_json_hex(md, mdlen, out);

    return 0;
}


int
sc_json_hash_hex(json_t *v, char *out)
{
    int    rc;
    char  *dump;

    /* the canonical form: the same object hashes the same when resent */
    dump = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (dump == NULL) {
        return -1;
    }

    rc = sc_sha256_hex(dump, strlen(dump), out);
    free(dump);

    return rc;
}


void
sc_json_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list  args;

    if (err == NULL || errlen == 0) {
        return;
    }

    va_start(args, fmt);
    (void) vsnprintf(err, errlen, fmt, args);
    va_end(args);
}


sc_parse_rc_e
sc_json_fail(sc_events_t *out, sc_parse_rc_e rc, char *err, size_t errlen)
{
    switch (rc) {

    case SC_PARSE_OK:
        return rc;

    case SC_PARSE_TOO_MANY:
        sc_json_err(err, errlen, "webhook carries more than %d events",
                    SC_EVENTS_MAX);
        break;

    case SC_PARSE_NOMEM:
        sc_json_err(err, errlen, "out of memory while normalizing the "
                    "webhook");
        break;

    default:
        break;
    }

    sc_events_free(out);

    return rc;
}


int
sc_json_answer(sc_answer_t *answer, int status, json_t *body)
{
    int    rc;
    char  *dump;

    answer->status = 0;

    if (body == NULL) {
        return -1;
    }

    dump = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(body);

    if (dump == NULL) {
        return -1;
    }

    rc = sc_answer_set(answer, status, "application/json", dump,
                       strlen(dump));
    free(dump);

    return rc;
}
