/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_template.c: template checking, rendering and cutting to length.
 * Rendering interprets the template text directly (it was checked at
 * configuration time): a handful of variables in a few hundred bytes
 * costs less to walk than a compiled form would cost to maintain.
 */

#include <stdio.h>
#include <string.h>

#include "sc_template.h"
#include "sc_utf8.h"


typedef struct {
    const char *const  *names;
    size_t              nnames;
    const char *const  *values;
    sc_tpl_out_t       *out;
} sc_tpl_ctx_t;


/* what a prefix of the output measures */
typedef struct {
    size_t              cp;
    size_t              gsm;
    size_t              ucs;
    unsigned            nongsm:1;
} sc_tpl_units_t;


static int sc_tpl_name_char(char c);
static int sc_tpl_lookup(const char *const *names, size_t nnames,
    const char *name, size_t len);
static void sc_tpl_render_range(sc_tpl_ctx_t *ctx, const char *p,
    const char *end);
static const char *sc_tpl_close(const char *p);
static int sc_tpl_present(sc_tpl_ctx_t *ctx, const char *p,
    const char *end);
static const char *sc_tpl_ref(sc_tpl_ctx_t *ctx, const char *p,
    const char **value, const char **fallback, size_t *fallback_len);
static void sc_tpl_put(sc_tpl_out_t *out, const char *s, size_t n);
static int sc_gsm_septets(uint32_t cp);
static void sc_tpl_units_add(sc_tpl_units_t *u, uint32_t cp);
static int sc_tpl_fits(const sc_tpl_units_t *u, const sc_tpl_limit_t *lim,
    int ellipsis);
static int sc_tpl_in_span(const sc_tpl_out_t *out, size_t pos);
static int sc_tpl_inside_span(const sc_tpl_out_t *out, size_t pos,
    size_t *start);
static size_t sc_tpl_space_before(const sc_tpl_out_t *out, size_t pos);
static size_t sc_tpl_sentence_before(const sc_tpl_out_t *out, size_t pos);
static size_t sc_tpl_grapheme_back(const sc_tpl_out_t *out, size_t pos);
static size_t sc_utf8_prev(const char *s, size_t pos);
static int sc_tpl_extends(uint32_t cp);


int
sc_tpl_utf8_ok(const char *s, size_t len)
{
    size_t                n;
    uint32_t              cp;
    const unsigned char  *p, *end;

    p = (const unsigned char *) s;
    end = p + len;

    while (p < end) {
        n = sc_utf8_next(p, end, &cp);

        if (n == 0 || (cp < 0x20 && cp != '\n' && cp != '\t')
            || (cp >= 0x7f && cp < 0xa0))
        {
            return 0;
        }

        p += n;
    }

    return 1;
}


static int
sc_tpl_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}


static int
sc_tpl_lookup(const char *const *names, size_t nnames, const char *name,
    size_t len)
{
    size_t  i;

    for (i = 0; i < nnames; i++) {
        if (names[i][0] == name[0] && strncmp(names[i], name, len) == 0
            && names[i][len] == '\0')
        {
            return (int) i;
        }
    }

    return -1;
}


int
sc_tpl_check(const char *text, const char *const *names, size_t nnames,
    char *err, size_t errlen)
{
    int          depth, refs;
    size_t       len, i, n, off;
    const char  *p, *q;
    char         known[256];

    len = strlen(text);

    if (len > SC_TPL_TEXT_MAX) {
        snprintf(err, errlen, "template longer than %d bytes: \"%.60s...\"",
                 SC_TPL_TEXT_MAX, text);
        return -1;
    }

    if (!sc_tpl_utf8_ok(text, len)) {
        snprintf(err, errlen, "template is not valid UTF-8 text (or has "
                 "control characters): \"%s\"", text);
        return -1;
    }

    depth = 0;
    refs = 0;

    for (p = text; *p != '\0'; p++) {

        switch (*p) {

        case '\\':
            if (p[1] != '\0') {
                p++;
            }

            break;

        case '[':
            if (++depth > SC_TPL_DEPTH_MAX) {
                snprintf(err, errlen, "template nests [ ] deeper than %d: "
                         "\"%s\"", SC_TPL_DEPTH_MAX, text);
                return -1;
            }

            break;

        case ']':
            if (depth-- == 0) {
                snprintf(err, errlen, "template has a ] without its [ at "
                         "\"%.20s\" (write \\] for a bracket): \"%s\"", p,
                         text);
                return -1;
            }

            break;

        case '}':
            snprintf(err, errlen, "template has a } without its { at "
                     "\"%.20s\" (write \\} for a brace): \"%s\"", p, text);
            return -1;

        case '{':
            for (q = p + 1; sc_tpl_name_char(*q); q++) {
                /* void */
            }

            n = q - p - 1;

            if (*q == '|') {
                while (*q != '\0' && *q != '}' && *q != '{') {
                    q++;
                }
            }

            if (*q != '}' || n == 0) {
                snprintf(err, errlen, "template has a malformed variable "
                         "at \"%.20s\" (variables are {name} or "
                         "{name|fallback}; write \\{ for a brace): \"%s\"",
                         p, text);
                return -1;
            }

            if (sc_tpl_lookup(names, nnames, p + 1, n) < 0) {
                off = 0;
                known[0] = '\0';

                for (i = 0; i < nnames && off < sizeof(known); i++) {
                    off += snprintf(known + off, sizeof(known) - off, "%s%s",
                                    i ? ", " : "", names[i]);
                }

                snprintf(err, errlen, "unknown variable {%.*s} in template "
                         "\"%s\" (known: %s)", (int) n, p + 1, text, known);
                return -1;
            }

            if (++refs > SC_TPL_REFS_MAX) {
                snprintf(err, errlen, "template has more than %d "
                         "variables: \"%.60s...\"", SC_TPL_REFS_MAX, text);
                return -1;
            }

            p = q;
            break;

        default:
            break;
        }
    }

    if (depth != 0) {
        snprintf(err, errlen, "template has a [ without its ] (write \\[ "
                 "for a bracket): \"%s\"", text);
        return -1;
    }

    return 0;
}


void
sc_tpl_render(const char *text, const char *const *names, size_t nnames,
    const char *const *values, sc_tpl_out_t *out)
{
    sc_tpl_ctx_t  ctx;

    ctx.names = names;
    ctx.nnames = nnames;
    ctx.values = values;
    ctx.out = out;

    out->len = 0;
    out->nspans = 0;

    sc_tpl_render_range(&ctx, text, text + strlen(text));

    out->buf[out->len] = '\0';
}


static void
sc_tpl_render_range(sc_tpl_ctx_t *ctx, const char *p, const char *end)
{
    size_t         fblen, start, n;
    const char    *lit, *close, *value, *fb;
    sc_tpl_out_t  *out;

    out = ctx->out;

    while (p < end) {

        switch (*p) {

        case '\\':
            if (p + 1 < end) {
                p++;
            }

            sc_tpl_put(out, p, 1);
            p++;
            break;

        case '[':
            close = sc_tpl_close(p + 1);

            if (sc_tpl_present(ctx, p + 1, close)) {
                sc_tpl_render_range(ctx, p + 1, close);
            }

            p = (*close == ']') ? close + 1 : close;
            break;

        case '{':
            p = sc_tpl_ref(ctx, p, &value, &fb, &fblen);

            /* every value or fallback is one span: never cut inside */
            start = out->len;

            if (value != NULL) {
                sc_tpl_put(out, value, strlen(value));

            } else {
                sc_tpl_put(out, fb, fblen);
            }

            /* sc_tpl_check() allows no more references than spans */
            if (out->len > start && out->nspans < SC_TPL_REFS_MAX) {
                out->spans[out->nspans].start = (uint32_t) start;
                out->spans[out->nspans].end = (uint32_t) out->len;
                out->nspans++;
            }

            break;

        default:
            /* the text runs on to a NUL; a range may end before it */
            lit = p;
            n = strcspn(p, "\\[{");
            p += ((size_t) (end - p) < n) ? (size_t) (end - p) : n;

            sc_tpl_put(out, lit, p - lit);
            break;
        }
    }
}


/* p just after a '[': its ']' (or the end of a malformed text) */
static const char *
sc_tpl_close(const char *p)
{
    int  depth;

    depth = 0;

    for ( ;; ) {
        /* on to the next byte that matters */
        p += strcspn(p, "\\{[]");

        switch (*p) {

        case '\0':
            return p;

        case '\\':
            if (p[1] != '\0') {
                p++;
            }

            break;

        case '{':
            while (*p != '\0' && *p != '}') {
                p++;
            }

            if (*p == '\0') {
                return p;
            }

            break;

        case '[':
            depth++;
            break;

        case ']':
            if (depth == 0) {
                return p;
            }

            depth--;
            break;

        default:
            break;
        }

        p++;
    }
}


/* 1 when every variable directly in [p, end) renders something */
static int
sc_tpl_present(sc_tpl_ctx_t *ctx, const char *p, const char *end)
{
    size_t       fblen;
    const char  *value, *fb;

    while (p < end) {

        switch (*p) {

        case '\\':
            p += (p + 1 < end) ? 2 : 1;
            break;

        case '[':
            p = sc_tpl_close(p + 1);

            if (p < end) {
                p++;
            }

            break;

        case '{':
            p = sc_tpl_ref(ctx, p, &value, &fb, &fblen);

            if (value == NULL && fblen == 0) {
                return 0;
            }

            break;

        default:
            p++;
            break;
        }
    }

    return 1;
}


/* parses the {reference} at p; returns what follows it */
static const char *
sc_tpl_ref(sc_tpl_ctx_t *ctx, const char *p, const char **value,
    const char **fallback, size_t *fallback_len)
{
    int          i;
    const char  *name, *v;

    name = ++p;

    while (sc_tpl_name_char(*p)) {
        p++;
    }

    i = sc_tpl_lookup(ctx->names, ctx->nnames, name, p - name);
    v = (i >= 0) ? ctx->values[i] : NULL;

    if (v != NULL && (v[0] == '\0' || strlen(v) > SC_TPL_VALUE_MAX)) {
        v = NULL;
    }

    *value = v;
    *fallback = p;
    *fallback_len = 0;

    if (*p == '|') {
        *fallback = ++p;

        while (*p != '\0' && *p != '}') {
            p++;
        }

        *fallback_len = p - *fallback;
    }

    return (*p == '}') ? p + 1 : p;
}


/*
 * Appends, and for SMS replaces typographic marks by their GSM-7 look-
 * alikes: one curly apostrophe would otherwise turn the whole message
 * into UCS-2 and halve what a segment holds (Twilio's "smart encoding").
 * No replacement is longer than its UTF-8 original.
 */
static void
sc_tpl_put(sc_tpl_out_t *out, const char *s, size_t n)
{
    size_t                i, room;
    unsigned char         c1, c2;
    const char           *r;
    const unsigned char  *u;

    room = SC_TPL_OUT_MAX - 8 - out->len;

    if (!out->gsm) {
        if (n > room) {
            n = room;
        }

        memcpy(out->buf + out->len, s, n);
        out->len += n;
        return;
    }

    u = (const unsigned char *) s;

    for (i = 0; i < n && room >= 3; ) {
        r = NULL;

        if (u[i] == 0xe2 && i + 2 < n) {
            c1 = u[i + 1];
            c2 = u[i + 2];

            if (c1 == 0x80 && c2 >= 0x90 && c2 <= 0x95) {
                r = "-";

            } else if (c1 == 0x80 && ((c2 >= 0x98 && c2 <= 0x9b)
                                      || c2 == 0xb2))
            {
                r = "'";

            } else if (c1 == 0x80 && ((c2 >= 0x9c && c2 <= 0x9f)
                                      || c2 == 0xb3))
            {
                r = "\"";

            } else if (c1 == 0x80 && c2 == 0xa6) {
                r = "...";

            } else if (c1 == 0x80 && ((c2 >= 0x82 && c2 <= 0x8a)
                                      || c2 == 0xaf))
            {
                r = " ";

            } else if (c1 == 0x88 && c2 == 0x92) {
                r = "-";
            }

            if (r != NULL) {
                i += 3;
            }

        } else if (u[i] == 0xc2 && i + 1 < n && u[i + 1] == 0xa0) {
            r = " ";
            i += 2;
        }

        if (r != NULL) {
            while (*r != '\0') {
                out->buf[out->len++] = *r++;
                room--;
            }

            continue;
        }

        out->buf[out->len++] = s[i++];
        room--;
    }
}


/* GSM 03.38: 1 for the basic table, 2 for the extension table, else 0 */
static int
sc_gsm_septets(uint32_t cp)
{
    static const uint32_t  basic[] = {
        0xa1, 0xa3, 0xa4, 0xa5, 0xa7, 0xbf, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9,
        0xd1, 0xd6, 0xd8, 0xdc, 0xdf, 0xe0, 0xe4, 0xe5, 0xe6, 0xe8, 0xe9,
        0xec, 0xf1, 0xf2, 0xf6, 0xf8, 0xf9, 0xfc, 0x393, 0x394, 0x398,
        0x39b, 0x39e, 0x3a0, 0x3a3, 0x3a6, 0x3a8, 0x3a9
    };

    size_t  i;

    if (cp < 0x80) {
        if (cp == '\n' || cp == '\r') {
            return 1;
        }

        if (cp == '\f' || cp == '^' || cp == '{' || cp == '}' || cp == '\\'
            || cp == '[' || cp == '~' || cp == ']' || cp == '|')
        {
            return 2;
        }

        return (cp >= 0x20 && cp < 0x7f && cp != '`') ? 1 : 0;
    }

    if (cp == 0x20ac) {
        return 2;
    }

    for (i = 0; i < sizeof(basic) / sizeof(basic[0]); i++) {
        if (basic[i] == cp) {
            return 1;
        }
    }

    return 0;
}


static void
sc_tpl_units_add(sc_tpl_units_t *u, uint32_t cp)
{
    int  g;

    u->cp++;
    u->ucs += (cp > 0xffff) ? 2 : 1;

    if (!u->nongsm) {
        g = sc_gsm_septets(cp);

        if (g == 0) {
            u->nongsm = 1;

        } else {
            u->gsm += g;
        }
    }
}


/* with ellipsis: room for "…" (or "..." in a GSM-7 SMS) after it */
static int
sc_tpl_fits(const sc_tpl_units_t *u, const sc_tpl_limit_t *lim,
    int ellipsis)
{
    if (lim->count == SC_TPL_COUNT_CP) {
        return u->cp + (ellipsis ? 1 : 0) <= lim->limit;
    }

    return (!u->nongsm && u->gsm + (ellipsis ? 3 : 0) <= lim->limit)
           || u->ucs + (ellipsis ? 1 : 0) <= lim->limit_ucs2;
}


size_t
sc_tpl_sms_units(const char *s, size_t len, int *ucs2)
{
    size_t                n;
    uint32_t              cp;
    sc_tpl_units_t        u;
    const unsigned char  *p, *end;

    memset(&u, 0, sizeof(u));
    p = (const unsigned char *) s;
    end = p + len;

    while (p < end) {
        n = sc_utf8_next(p, end, &cp);
        if (n == 0) {
            n = 1;
            cp = 0xfffd;
        }

        sc_tpl_units_add(&u, cp);
        p += n;
    }

    *ucs2 = u.nongsm;

    return u.nongsm ? u.ucs : u.gsm;
}


/* the byte at pos belongs to a value */
static int
sc_tpl_in_span(const sc_tpl_out_t *out, size_t pos)
{
    size_t  i;

    for (i = 0; i < out->nspans; i++) {
        if (pos >= out->spans[i].start && pos < out->spans[i].end) {
            return 1;
        }
    }

    return 0;
}


/* a cut at pos would split a value, which starts at *start (if wanted) */
static int
sc_tpl_inside_span(const sc_tpl_out_t *out, size_t pos, size_t *start)
{
    size_t  i;

    for (i = 0; i < out->nspans; i++) {
        if (pos > out->spans[i].start && pos < out->spans[i].end) {
            if (start != NULL) {
                *start = out->spans[i].start;
            }

            return 1;
        }
    }

    return 0;
}


/* the last blank at or before pos outside the values, 0 when none */
static size_t
sc_tpl_space_before(const sc_tpl_out_t *out, size_t pos)
{
    char  c;

    for ( ; pos > 0; pos--) {
        c = (pos < out->len) ? out->buf[pos] : ' ';

        if ((c == ' ' || c == '\n' || c == '\t')
            && !sc_tpl_inside_span(out, pos, NULL))
        {
            return pos;
        }
    }

    return 0;
}


/* the last end of a sentence (". ", "! ", "? ") at or before pos */
static size_t
sc_tpl_sentence_before(const sc_tpl_out_t *out, size_t pos)
{
    char  c, next;

    for ( ; pos > 0; pos--) {
        c = out->buf[pos - 1];
        next = (pos < out->len) ? out->buf[pos] : ' ';

        if ((c == '.' || c == '!' || c == '?')
            && (next == ' ' || next == '\n')
            && !sc_tpl_in_span(out, pos - 1))
        {
            return pos;
        }
    }

    return 0;
}


static size_t
sc_utf8_prev(const char *s, size_t pos)
{
    do {
        pos--;
    } while (pos > 0 && ((unsigned char) s[pos] & 0xc0) == 0x80);

    return pos;
}


/* code points that belong to the character before them */
static int
sc_tpl_extends(uint32_t cp)
{
    return cp == 0x200d                            /* zero width joiner */
           || (cp >= 0xfe00 && cp <= 0xfe0f)       /* variation selectors */
           || (cp >= 0x1f3fb && cp <= 0x1f3ff)     /* skin tones */
           || cp == 0x20e3                         /* keycap */
           || (cp >= 0x300 && cp <= 0x36f)         /* combining marks */
           || (cp >= 0xe0020 && cp <= 0xe007f);    /* emoji tags */
}


/*
 * With no blank to cut at, pos moves back until it does not split an
 * emoji sequence (ZWJ, modifier, flag) or a letter from its accent.
 */
static size_t
sc_tpl_grapheme_back(const sc_tpl_out_t *out, size_t pos)
{
    size_t                prev, q, ri;
    uint32_t              cur, pcp, c;
    const unsigned char  *b, *end;

    b = (const unsigned char *) out->buf;
    end = b + out->len;

    while (pos > 0) {
        cur = 0;

        if (pos < out->len && sc_utf8_next(b + pos, end, &cur) == 0) {
            cur = 0;
        }

        prev = sc_utf8_prev(out->buf, pos);

        if (sc_utf8_next(b + prev, end, &pcp) == 0) {
            pcp = 0;
        }

        if (sc_tpl_extends(cur) || pcp == 0x200d) {
            pos = prev;
            continue;
        }

        /* regional indicators pair up into flags from the left */
        if (cur >= 0x1f1e6 && cur <= 0x1f1ff) {
            ri = 0;

            for (q = pos; q > 0; q = sc_utf8_prev(out->buf, q)) {
                c = 0;
                (void) sc_utf8_next(b + sc_utf8_prev(out->buf, q), end, &c);

                if (c < 0x1f1e6 || c > 0x1f1ff) {
                    break;
                }

                ri++;
            }

            if (ri % 2 == 1) {
                pos = prev;
                continue;
            }
        }

        break;
    }

    return pos;
}


int
sc_tpl_fit(sc_tpl_out_t *out, const sc_tpl_limit_t *lim)
{
    int                   ellipsis, ucs2;
    size_t                i, n, q, p, start, cl;
    uint32_t              cp;
    uint64_t              w;
    const char           *e;
    sc_tpl_units_t        u, next;
    const unsigned char  *b, *end;

    b = (const unsigned char *) out->buf;
    end = b + out->len;

    memset(&u, 0, sizeof(u));

    if (lim->count == SC_TPL_COUNT_CP) {
        /* code points alone: ASCII needs no decoding, 8 bytes a step */
        for (i = 0; i < out->len; i += cl) {
            if (out->len - i >= 8) {
                memcpy(&w, b + i, 8);

                if ((w & 0x8080808080808080ULL) == 0) {
                    u.cp += 8;
                    cl = 8;
                    continue;
                }
            }

            cl = 1;

            if (b[i] >= 0x80) {
                cl = sc_utf8_next(b + i, end, &cp);
                if (cl == 0) {
                    return -1;
                }
            }

            u.cp++;
        }

    } else {
        for (i = 0; i < out->len; i += cl) {
            cl = sc_utf8_next(b + i, end, &cp);
            if (cl == 0) {
                return -1;
            }

            sc_tpl_units_add(&u, cp);
        }
    }

    if (sc_tpl_fits(&u, lim, 0)) {
        return 0;
    }

    /* q: the longest prefix that fits with the ellipsis after it */
    memset(&u, 0, sizeof(u));
    q = 0;

    for (i = 0; i < out->len; i += cl) {
        cl = sc_utf8_next(b + i, end, &cp);
        next = u;
        sc_tpl_units_add(&next, cp);

        if (!sc_tpl_fits(&next, lim, 1)) {
            break;
        }

        u = next;
        q = i + cl;
    }

    if (sc_tpl_inside_span(out, q, &start)) {
        /* a value would be cut: drop its sentence, or at least it */
        p = sc_tpl_sentence_before(out, start);

        if (p == 0) {
            p = sc_tpl_space_before(out, start);
        }

    } else {
        p = sc_tpl_space_before(out, q);

        if (p == 0) {
            p = sc_tpl_grapheme_back(out, q);

            if (sc_tpl_inside_span(out, p, &start)) {
                p = start;
            }
        }
    }

    /* no dangling blank, comma or dash before the ellipsis */
    while (p > 0 && !sc_tpl_in_span(out, p - 1)) {
        if (strchr(" \n\t,;:-(", out->buf[p - 1]) != NULL) {
            p--;

        } else if (p >= 3 && (unsigned char) out->buf[p - 3] == 0xe2
                   && (unsigned char) out->buf[p - 2] == 0x80
                   && ((unsigned char) out->buf[p - 1] == 0x93
                       || (unsigned char) out->buf[p - 1] == 0x94)
                   && !sc_tpl_in_span(out, p - 3))
        {
            p -= 3;

        } else {
            break;
        }
    }

    if (p == 0) {
        return -1;
    }

    /* a whole sentence needs no ellipsis */
    ellipsis = (strchr(".!?", out->buf[p - 1]) == NULL);
    e = "\xe2\x80\xa6";

    if (ellipsis && lim->count == SC_TPL_COUNT_SMS) {
        n = sc_tpl_sms_units(out->buf, p, &ucs2);

        if (!ucs2 && n + 3 <= lim->limit) {
            e = "...";
        }
    }

    out->len = p;

    if (ellipsis) {
        memcpy(out->buf + p, e, 3);
        out->len += 3;
    }

    out->buf[out->len] = '\0';

    while (out->nspans > 0 && out->spans[out->nspans - 1].end > p) {
        out->nspans--;
    }

    return 1;
}
