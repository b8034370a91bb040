/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_request.c: header and query lookups over a plain sc_request_t.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_request.h"


/*
 * A header that comes twice with different values counts as absent: which
 * one a proxy in front of us looked at is unknown, and a request must not
 * verify because one of two disagreeing signature headers matches (the
 * first one used to win, so the order of the lines decided).  The same
 * value twice, as a proxy that duplicates a header sends it, is that value.
 */

const char *
sc_request_header(const sc_request_t *rq, const char *name, size_t *len)
{
    size_t              i, n;
    const sc_header_t  *h, *found;

    n = strlen(name);
    found = NULL;

    for (i = 0; i < rq->nheaders; i++) {
        h = &rq->headers[i];

        if (h->name_len != n || strncasecmp(h->name, name, n) != 0) {
            continue;
        }

        if (found == NULL) {
            found = h;
            continue;
        }

        if (h->value_len != found->value_len
            || (h->value_len && memcmp(h->value, found->value, h->value_len)))
        {
            return NULL;
        }
    }

    if (found == NULL) {
        return NULL;
    }

    if (len) {
        *len = found->value_len;
    }

    return found->value;
}


static int
sc_hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


int
sc_request_arg(const sc_request_t *rq, const char *name, char *out,
    size_t out_size, size_t *len)
{
    int          hi, lo;
    size_t       n, k;
    const char  *p, *end, *amp, *v;

    n = strlen(name);
    p = rq->query;
    end = rq->query ? rq->query + rq->query_len : NULL;

    while (p && p < end) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }

        if ((size_t) (amp - p) > n && p[n] == '=' && memcmp(p, name, n) == 0) {
            k = 0;

            for (v = p + n + 1; v < amp; v++) {
                if (k + 1 >= out_size) {
                    return 0;
                }

                if (*v == '+') {
                    out[k++] = ' ';

                } else if (*v == '%' && amp - v > 2
                           && (hi = sc_hex_digit(v[1])) >= 0
                           && (lo = sc_hex_digit(v[2])) >= 0)
                {
                    out[k++] = (char) (hi << 4 | lo);
                    v += 2;

                } else {
                    out[k++] = *v;
                }
            }

            out[k] = '\0';

            if (len) {
                *len = k;
            }

            return 1;
        }

        p = amp + 1;
    }

    return 0;
}


int
sc_answer_set(sc_answer_t *a, int status, const char *content_type,
    const char *body, size_t len)
{
    a->status = status;
    a->content_type = content_type;
    a->body = NULL;
    a->body_len = 0;

    if (body == NULL || len == 0) {
        return 0;
    }

    a->body = malloc(len);
    if (a->body == NULL) {
        a->status = 0;
        return -1;
    }

    memcpy(a->body, body, len);
    a->body_len = len;

    return 0;
}


void
sc_answer_free(sc_answer_t *a)
{
    free(a->body);
    a->body = NULL;
    a->body_len = 0;
}
