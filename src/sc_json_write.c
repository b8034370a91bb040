/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_json_write.c: compact JSON into one growing buffer (see the header
 * for why not json_dumps()).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "sc_json_write.h"
#include "sc_utf8.h"


#define SC_JW_MIN_SIZE  1024


static int sc_jw_grow(sc_jw_t *w, size_t n);


void
sc_jw_init(sc_jw_t *w)
{
    w->data = NULL;
    w->len = 0;
    w->size = 0;
    w->failed = 0;
}


void
sc_jw_free(sc_jw_t *w)
{
    free(w->data);
    sc_jw_init(w);
}


char *
sc_jw_detach(sc_jw_t *w, size_t *len)
{
    char  *s;

    if (w->failed || sc_jw_grow(w, 1) != 0) {
        sc_jw_free(w);
        return NULL;
    }

    w->data[w->len] = '\0';

    s = w->data;

    if (len) {
        *len = w->len;
    }

    sc_jw_init(w);

    return s;
}


/* room for n more bytes (and the terminating NUL of detach) */

static int
sc_jw_grow(sc_jw_t *w, size_t n)
{
    char    *p;
    size_t   size;

    if (w->failed) {
        return -1;
    }

    if (w->size - w->len > n) {
        return 0;
    }

    if (n > (size_t) -1 / 4 - w->len) {
        w->failed = 1;
        return -1;
    }

    size = w->size ? w->size : SC_JW_MIN_SIZE;

    while (size - w->len <= n) {
        size *= 2;
    }

    p = realloc(w->data, size);
    if (p == NULL) {
        w->failed = 1;
        return -1;
    }

    w->data = p;
    w->size = size;

    return 0;
}


void
sc_jw_lit(sc_jw_t *w, const char *s, size_t n)
{
    if (sc_jw_grow(w, n) != 0) {
        return;
    }

    memcpy(w->data + w->len, s, n);
    w->len += n;
}


void
sc_jw_sep(sc_jw_t *w)
{
    char  c;

    if (w->len == 0 || w->failed) {
        return;
    }

    c = w->data[w->len - 1];

    if (c != '{' && c != '[' && c != ',' && c != ':') {
        sc_jw_lit(w, ",", 1);
    }
}


void
sc_jw_key(sc_jw_t *w, const char *key)
{
    sc_jw_sep(w);
    sc_jw_str(w, key, strlen(key));
    sc_jw_lit(w, ":", 1);
}


/*
 * What a byte becomes in a JSON string: 0 as it is, '8' the start of a
 * UTF-8 sequence to check, else the character after the backslash ('u':
 * \u00XX).  The same escapes as jansson, so that a value is written as
 * json_dumps() writes it: '"', '\\' and the control characters; the
 * rest as is, UTF-8 included.  Not UTF-8 (a string the module cut or
 * derived itself) never reaches the database: each stray byte is written
 * as U+FFFD, where jansson would have refused the whole value.
 */

static const unsigned char  sc_jw_escape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x80 and up: the start of a UTF-8 sequence, checked */
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8', '8',
    '8', '8'
};


void
sc_jw_str(sc_jw_t *w, const char *s, size_t n)
{
    char                 *p;
    size_t                i, run;
    uint32_t              cp;
    unsigned char         c, e;
    static const char     hex[] = "0123456789ABCDEF";

    /* the worst case, every byte \u00XX, so one check covers the string */
    if (n > ((size_t) -1 - 2) / 6 || sc_jw_grow(w, 6 * n + 2) != 0) {
        w->failed = 1;
        return;
    }

    p = w->data + w->len;
    *p++ = '"';

    for (i = 0; i < n; /* void */) {
        for (run = i; run < n && sc_jw_escape[(unsigned char) s[run]] == 0;
             run++)
        {
            /* void */
        }

        memcpy(p, s + i, run - i);
        p += run - i;
        i = run;

        if (i == n) {
            break;
        }

        c = (unsigned char) s[i];
        e = sc_jw_escape[c];

        if (e == '8') {
            /* valid UTF-8 as it is; a stray byte becomes U+FFFD */
            run = sc_utf8_next((const unsigned char *) s + i,
                               (const unsigned char *) s + n, &cp);

            if (run) {
                memcpy(p, s + i, run);
                p += run;
                i += run;

            } else {
                memcpy(p, "\xef\xbf\xbd", 3);
                p += 3;
                i++;
            }

            continue;
        }

        i++;
        *p++ = '\\';
        *p++ = (char) e;

        if (e == 'u') {
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
        }
    }

    *p++ = '"';
    w->len = p - w->data;
}


void
sc_jw_cstr(sc_jw_t *w, const char *s)
{
    if (s == NULL) {
        sc_jw_lit(w, "null", 4);
        return;
    }

    sc_jw_str(w, s, strlen(s));
}


void
sc_jw_int(sc_jw_t *w, int64_t v)
{
    char      buf[24], *p;
    uint64_t  u;

    p = buf + sizeof(buf);
    u = v < 0 ? (uint64_t) 0 - (uint64_t) v : (uint64_t) v;

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (v < 0) {
        *--p = '-';
    }

    sc_jw_lit(w, p, buf + sizeof(buf) - p);
}


void
sc_jw_bool(sc_jw_t *w, int v)
{
    if (v) {
        sc_jw_lit(w, "true", 4);

    } else {
        sc_jw_lit(w, "false", 5);
    }
}


void
sc_jw_real(sc_jw_t *w, double v)
{
    int     n;
    char    buf[64], *e, *from;
    size_t  len;

    n = snprintf(buf, sizeof(buf) - 2, "%.17g", v);
    if (n < 0 || (size_t) n >= sizeof(buf) - 2) {
        w->failed = 1;
        return;
    }

    len = n;

    /* a real stays a real when read back: 1.0, not 1 */
    if (strchr(buf, '.') == NULL && strchr(buf, 'e') == NULL) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }

    /* 1e+20 -> 1e20, 1e-05 -> 1e-5 (jansson's form) */
    e = strchr(buf, 'e');

    if (e) {
        e++;
        from = e + 1;

        if (*e == '-') {
            e++;
        }

        while (*from == '0') {
            from++;
        }

        if (from != e) {
            memmove(e, from, len - (from - buf) + 1);
            len -= from - e;
        }
    }

    sc_jw_lit(w, buf, len);
}


void
sc_jw_milli(sc_jw_t *w, double v)
{
    char     buf[32], *p;
    int64_t  m;
    int      digits;

    if (!isfinite(v) || v > 1e15 || v < -1e15) {
        sc_jw_lit(w, "null", 4);
        return;
    }

    m = (int64_t) (v < 0 ? v * 1000 - 0.5 : v * 1000 + 0.5);

    if (m % 1000 == 0) {
        sc_jw_int(w, m / 1000);
        return;
    }

    p = buf + sizeof(buf);
    digits = 0;

    if (m < 0) {
        m = -m;
        sc_jw_lit(w, "-", 1);
    }

    /* the fraction without trailing zeros, then the integer part */
    while (m % 10 == 0) {
        m /= 10;
        digits++;
    }

    for (/* void */; digits < 3; digits++) {
        *--p = (char) ('0' + m % 10);
        m /= 10;
    }

    *--p = '.';

    do {
        *--p = (char) ('0' + m % 10);
        m /= 10;
    } while (m);

    sc_jw_lit(w, p, buf + sizeof(buf) - p);
}


void
sc_jw_value(sc_jw_t *w, const json_t *v)
{
    size_t       i, n;
    void        *iter;
    json_t      *o;

    if (v == NULL) {
        w->failed = 1;
        return;
    }

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        sc_jw_lit(w, "{", 1);

        o = (json_t *) v;

        for (iter = json_object_iter(o); iter;
             iter = json_object_iter_next(o, iter))
        {
            sc_jw_sep(w);
            sc_jw_str(w, json_object_iter_key(iter),
                      json_object_iter_key_len(iter));
            sc_jw_lit(w, ":", 1);
            sc_jw_value(w, json_object_iter_value(iter));
        }

        sc_jw_lit(w, "}", 1);
        return;

    case JSON_ARRAY:
        sc_jw_lit(w, "[", 1);

        n = json_array_size(v);

        for (i = 0; i < n; i++) {
            if (i) {
                sc_jw_lit(w, ",", 1);
            }

            sc_jw_value(w, json_array_get(v, i));
        }

        sc_jw_lit(w, "]", 1);
        return;

    case JSON_STRING:
        sc_jw_str(w, json_string_value(v), json_string_length(v));
        return;

    case JSON_INTEGER:
        sc_jw_int(w, json_integer_value(v));
        return;

    case JSON_REAL:
        sc_jw_real(w, json_real_value(v));
        return;

    case JSON_TRUE:
        sc_jw_lit(w, "true", 4);
        return;

    case JSON_FALSE:
        sc_jw_lit(w, "false", 5);
        return;

    case JSON_NULL:
        sc_jw_lit(w, "null", 4);
        return;
    }

    w->failed = 1;
}
