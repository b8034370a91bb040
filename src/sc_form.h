/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_form.h: application/x-www-form-urlencoded bodies (Twilio, Slack slash
 * commands) decoded into name/value pairs.  Pure C: no nginx types.
 */

#ifndef _SC_FORM_H_INCLUDED_
#define _SC_FORM_H_INCLUDED_


#include <stddef.h>


typedef struct {
    char                 *name;        /* decoded, NUL-terminated */
    size_t                name_len;
    char                 *value;       /* decoded, NUL-terminated */
    size_t                value_len;
} sc_form_field_t;


typedef struct {
    sc_form_field_t      *fields;      /* in body order until sorted */
    size_t                n;
    char                 *buf;         /* every decoded byte, one block */
} sc_form_t;


/*
 * Splits body on '&' into name=value fields ('+' is a space, %XX a byte; an
 * invalid escape stays literal; a field without '=' has an empty value;
 * empty fields are skipped).  Returns 0, or -1 when a NUL byte (raw or
 * %00) appears, there are more than max_fields fields, or on ENOMEM; out
 * then holds nothing.  sc_form_free() releases a parsed form.
 */
int sc_form_parse(const char *body, size_t len, sc_form_t *out,
    size_t max_fields);

/* the first field named name, its length in *len; NULL when absent */
const char *sc_form_get(const sc_form_t *f, const char *name, size_t *len);

/* orders the fields by name, then value, in unsigned byte order; 0 */
int sc_form_sort(sc_form_t *f);

void sc_form_free(sc_form_t *f);


#endif /* _SC_FORM_H_INCLUDED_ */
