/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_reply.h: the holding reply, the acknowledgement a customer sees within
 * seconds.  Pure C.
 */

#ifndef _SC_REPLY_H_INCLUDED_
#define _SC_REPLY_H_INCLUDED_


#include "sc_event.h"


typedef struct {
    const char       *text;        /* NULL: no reply for this event */
    sc_visibility_e   visibility;
} sc_reply_t;


/* fills out; returns 1 when the event gets a holding reply, else 0 */
int sc_reply_compose(const sc_event_t *ev, sc_reply_t *out);


#endif /* _SC_REPLY_H_INCLUDED_ */
