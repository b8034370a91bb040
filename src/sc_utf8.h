/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_utf8.h: one UTF-8 decoder for the pure cores.  Pure C.
 */

#ifndef _SC_UTF8_H_INCLUDED_
#define _SC_UTF8_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/*
 * The length of the well-formed UTF-8 sequence at p (before end), its
 * code point in *cp; 0 when there is none.  Well-formed as jansson and
 * PostgreSQL judge it: no overlong forms, no surrogates, nothing past
 * U+10FFFF.  ASCII, NUL included, is a sequence of one.
 */
size_t sc_utf8_next(const unsigned char *p, const unsigned char *end,
    uint32_t *cp);


#endif /* _SC_UTF8_H_INCLUDED_ */
