/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_reply.h: the holding reply, the acknowledgement a customer sees within
 * seconds, composed from templates per intent, visibility and situation
 * (business hours, after hours, crisis).  Pure C.
 */

#ifndef _SC_REPLY_H_INCLUDED_
#define _SC_REPLY_H_INCLUDED_


#include <stdint.h>

#include "sc_event.h"
#include "sc_classify.h"


typedef enum {
    SC_SITUATION_OPEN = 0,      /* within business hours */
    SC_SITUATION_CLOSED,        /* after hours: say when a person answers */
    SC_SITUATION_CRISIS,        /* a crisis is open for the topic */
    SC_SITUATION_COUNT
} sc_situation_e;


typedef struct sc_reply_conf_s  sc_reply_conf_t;


typedef struct {
    char             *text;        /* malloc'd; NULL: no reply */
    sc_visibility_e   visibility;
} sc_reply_t;


/*
 * Composes the holding reply for ev as classified in cls (cls may be NULL:
 * unclassified), at unix time now, for the platform named platform (its
 * length limit applies), with crisis set when a crisis is open for one of
 * the event's topics.  rc may be NULL: built-in defaults.
 * Returns 1 with out->text set, 0 for no reply (spam, abuse, echoes,
 * brand accounts, non-messages), -1 when out of memory.
 */
int sc_reply_compose(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    sc_reply_t *out);
void sc_reply_free(sc_reply_t *reply);


#endif /* _SC_REPLY_H_INCLUDED_ */
