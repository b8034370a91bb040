/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_json_write.h: compact JSON written straight into one growing buffer.
 * Pure C and jansson, no nginx types.
 *
 * Why not json_dumps(): the intake wrote every row and every answer by
 * building a jansson tree and dumping it, and the dump alone cost more
 * than verifying, parsing, classifying and composing the reply together
 * (a loop-detection hash entry with a printf'd pointer key per object,
 * UTF-8 decoding of every character, a callback per piece).  Here the
 * fields are written where they are, and a jansson value (the platform's
 * raw object) is written byte for byte as json_dumps(JSON_COMPACT) would
 * (t/unit/test_json_write.c compares them).
 *
 * Usage: sc_jw_init(&w); sc_jw_lit(&w, "{", 1); sc_jw_key(&w, "id");
 * sc_jw_int(&w, 42); sc_jw_lit(&w, "}", 1); s = sc_jw_detach(&w, &len).
 * A failed allocation makes every later call a no-op and detach return
 * NULL: callers check once, at the end.
 */

#ifndef _SC_JSON_WRITE_H_INCLUDED_
#define _SC_JSON_WRITE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


typedef struct {
    char      *data;        /* malloc'd, NUL-terminated once detached */
    size_t     len;
    size_t     size;
    unsigned   failed:1;
} sc_jw_t;


void sc_jw_init(sc_jw_t *w);
void sc_jw_free(sc_jw_t *w);

/* the text so far, NUL-terminated, now the caller's (free()); NULL if an
 * allocation failed */
char *sc_jw_detach(sc_jw_t *w, size_t *len);

/* bytes as they are: punctuation, or JSON written elsewhere */
void sc_jw_lit(sc_jw_t *w, const char *s, size_t n);

/*
 * A comma unless the last byte opened an object or array (or nothing
 * was written), so members and elements need no bookkeeping; sc_jw_key
 * adds "key": after it.
 */
void sc_jw_sep(sc_jw_t *w);
void sc_jw_key(sc_jw_t *w, const char *key);

/*
 * A JSON string of n bytes (UTF-8; a byte that does not start a valid
 * sequence is written as U+FFFD); sc_jw_cstr: NULL is null.
 */
void sc_jw_str(sc_jw_t *w, const char *s, size_t n);
void sc_jw_cstr(sc_jw_t *w, const char *s);

void sc_jw_int(sc_jw_t *w, int64_t v);
void sc_jw_bool(sc_jw_t *w, int v);

/* as jansson writes a real: %.17g, always with a '.' or an exponent */
void sc_jw_real(sc_jw_t *w, double v);

/* a decimal of at most three places, shortest form: -0.25, 0.6, 1 */
void sc_jw_milli(sc_jw_t *w, double v);

/* any jansson value, exactly as json_dumps(v, JSON_COMPACT) */
void sc_jw_value(sc_jw_t *w, const json_t *v);


#endif /* _SC_JSON_WRITE_H_INCLUDED_ */
