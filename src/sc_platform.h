/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform.h: webhook body -> normalized events, one parser per
 * platform.  Pure C, no nginx types.
 */

#ifndef _SC_PLATFORM_H_INCLUDED_
#define _SC_PLATFORM_H_INCLUDED_


#include <stddef.h>

#include "sc_event.h"


/*
 * Meta Graph API webhooks: Messenger, Instagram (DMs, comments, mentions),
 * WhatsApp Cloud API and Page feed changes.
 *
 * "out" is (re)initialized here; the caller calls sc_events_free(out) in
 * every case (it is harmless after a failure).  On failure "err" gets a
 * short sentence for the 400 answer; it never quotes the body beyond what
 * jansson reports about the position of a syntax error.
 */
sc_parse_rc_e sc_platform_meta_parse(const char *body, size_t len,
    sc_events_t *out, char *err, size_t errlen);


#endif /* _SC_PLATFORM_H_INCLUDED_ */
