/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_template.h: reply templates.  Checked once at configuration time,
 * rendered per message into a fixed buffer that remembers where each
 * substituted value lies, then cut to a platform's length without ever
 * splitting a value.  Pure C, no allocation.
 *
 * Syntax:
 *     {name}           a variable; {name|text}: text when it has no value
 *     [ ... ]          optional: left out when a variable directly inside
 *                      has no value (and no |fallback); may nest
 *     \{ \} \[ \] \\   literal braces, brackets and backslash
 */

#ifndef _SC_TEMPLATE_H_INCLUDED_
#define _SC_TEMPLATE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define SC_TPL_TEXT_MAX   2048    /* bytes in a template */
#define SC_TPL_REFS_MAX   32      /* {variables} in a template */
#define SC_TPL_VALUE_MAX  255     /* bytes in a value; longer: no value */
#define SC_TPL_DEPTH_MAX  4       /* nested [ ] */

/* literal bytes never grow when rendered, so this always suffices */
#define SC_TPL_OUT_MAX                                                       \
    (SC_TPL_TEXT_MAX + SC_TPL_REFS_MAX * SC_TPL_VALUE_MAX + 16)


typedef struct {
    uint32_t          start;
    uint32_t          end;
} sc_tpl_span_t;


typedef struct {
    size_t            len;
    size_t            nspans;
    sc_tpl_span_t     spans[SC_TPL_REFS_MAX];   /* values, in order */
    unsigned          gsm:1;      /* in: SMS, typographic marks to GSM-7 */
    char              buf[SC_TPL_OUT_MAX];
} sc_tpl_out_t;


typedef enum {
    SC_TPL_COUNT_CP = 0,          /* Unicode code points */
    SC_TPL_COUNT_SMS              /* GSM-7 septets, or UTF-16 units when
                                     a character is not in GSM-7 */
} sc_tpl_count_e;


typedef struct {
    sc_tpl_count_e    count;
    size_t            limit;      /* code points, or GSM-7 septets */
    size_t            limit_ucs2; /* SMS: UTF-16 units */
} sc_tpl_limit_t;


/*
 * 0 when text is a valid template over the variables names[0..nnames),
 * else -1 with a sentence quoting the template in err.
 */
int sc_tpl_check(const char *text, const char *const *names, size_t nnames,
    char *err, size_t errlen);

/*
 * Renders a checked template; values[i] is the value of names[i], NULL or
 * "" when it has none.  Values must be valid UTF-8.
 */
void sc_tpl_render(const char *text, const char *const *names,
    size_t nnames, const char *const *values, sc_tpl_out_t *out);

/*
 * Cuts out->buf to fit lim: at a word boundary with "…" ("..." in a GSM-7
 * SMS), or before the sentence holding a value that would be cut.
 * Returns 0 when it fitted, 1 when cut, -1 when nothing sensible is left.
 */
int sc_tpl_fit(sc_tpl_out_t *out, const sc_tpl_limit_t *lim);

/* SMS length: GSM-7 septets, or UTF-16 units with *ucs2 set */
size_t sc_tpl_sms_units(const char *s, size_t len, int *ucs2);

/* 1 when s[0..len) is valid UTF-8 without control characters but \n */
int sc_tpl_utf8_ok(const char *s, size_t len);


#endif /* _SC_TEMPLATE_H_INCLUDED_ */
