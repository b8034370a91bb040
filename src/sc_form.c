/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_form.c: application/x-www-form-urlencoded decoding.  Every decoded
 * byte goes into one block sized from the raw length, so a hostile body
 * costs at most two allocations and linear time.
 */

#include <stdlib.h>
#include <string.h>

#include "sc_form.h"
#include "sc_verify.h"


static int sc_form_decode(const char *s, size_t len, char *out,
    size_t *out_len);
static int sc_form_cmp(const void *a, const void *b);
static int sc_form_bytes_cmp(const char *a, size_t alen, const char *b,
    size_t blen);


int
sc_form_parse(const char *body, size_t len, sc_form_t *out,
    size_t max_fields)
{
    char             *buf, *d;
    size_t            i, j, n, k, end;
    const char       *amp, *eq;
    sc_form_field_t  *f;

    out->fields = NULL;
    out->n = 0;
    out->buf = NULL;

    /* count first, so that the table and the bytes are allocated once */
    n = 0;

    for (i = 0; i < len; i = end + 1) {
        amp = memchr(body + i, '&', len - i);
        end = amp ? (size_t) (amp - body) : len;

        if (end > i) {
            n++;
        }
    }

    if (n == 0) {
        return 0;
    }

    if (n > max_fields) {
        return -1;
    }

    /*
     * A field of L raw bytes decodes to at most L - 1 bytes of name and
     * value plus two NULs when it has a '=', and to at most L bytes plus
     * one NUL (the empty value shares it) when it has none: L + 1 either
     * way, so len + n bytes hold them all.
     */
    f = calloc(n, sizeof(sc_form_field_t));
    buf = malloc(len + n);

    if (f == NULL || buf == NULL) {
        goto failed;
    }

    d = buf;

    for (i = 0, k = 0; i < len; i = end + 1) {
        amp = memchr(body + i, '&', len - i);
        end = amp ? (size_t) (amp - body) : len;

        if (end == i) {
            continue;
        }

        eq = memchr(body + i, '=', end - i);
        j = eq ? (size_t) (eq - body) : end;

        f[k].name = d;

        if (sc_form_decode(body + i, j - i, d, &f[k].name_len) != 0) {
            goto failed;
        }

        d += f[k].name_len;
        *d = '\0';

        if (eq == NULL) {
            /* the name's NUL is the empty value */
            f[k].value = d++;
            f[k].value_len = 0;

        } else {
            f[k].value = ++d;

            if (sc_form_decode(body + j + 1, end - j - 1, d,
                               &f[k].value_len)
                != 0)
            {
                goto failed;
            }

            d += f[k].value_len;
            *d++ = '\0';
        }

        k++;
    }

    out->fields = f;
    out->n = n;
    out->buf = buf;

    return 0;

failed:

    free(f);
    free(buf);

    return -1;
}


/* a NUL would cut names and values short in C strings and in SQL */
static int
sc_form_decode(const char *s, size_t len, char *out, size_t *out_len)
{
    size_t         i, k;
    unsigned char  c, byte;

    for (i = 0, k = 0; i < len; i++) {
        c = (unsigned char) s[i];

        if (c == '+') {
            c = ' ';

        } else if (c == '%' && len - i > 2
                   && sc_hex_decode(s + i + 1, 2, &byte, 1) == 1)
        {
            c = byte;
            i += 2;
        }

        if (c == '\0') {
            return -1;
        }

        out[k++] = (char) c;
    }

    *out_len = k;

    return 0;
}


const char *
sc_form_get(const sc_form_t *f, const char *name, size_t *len)
{
    size_t  i, n;

    n = strlen(name);

    for (i = 0; i < f->n; i++) {
        if (f->fields[i].name_len == n
            && memcmp(f->fields[i].name, name, n) == 0)
        {
            if (len) {
                *len = f->fields[i].value_len;
            }

            return f->fields[i].value;
        }
    }

    return NULL;
}


int
sc_form_sort(sc_form_t *f)
{
    if (f->n > 1) {
        qsort(f->fields, f->n, sizeof(sc_form_field_t), sc_form_cmp);
    }

    return 0;
}


static int
sc_form_cmp(const void *a, const void *b)
{
    int                     rc;
    const sc_form_field_t  *fa, *fb;

    fa = a;
    fb = b;

    rc = sc_form_bytes_cmp(fa->name, fa->name_len, fb->name, fb->name_len);

    if (rc != 0) {
        return rc;
    }

    return sc_form_bytes_cmp(fa->value, fa->value_len, fb->value,
                             fb->value_len);
}


/* memcmp compares as unsigned char: UTF-8 sorts by code point */
static int
sc_form_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    int  rc;

    rc = memcmp(a, b, alen < blen ? alen : blen);

    if (rc != 0) {
        return rc;
    }

    return (alen > blen) - (alen < blen);
}


void
sc_form_free(sc_form_t *f)
{
    free(f->fields);
    free(f->buf);

    f->fields = NULL;
    f->n = 0;
    f->buf = NULL;
}
