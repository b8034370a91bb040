/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_reply.h: the holding reply, the acknowledgement a customer sees within
 * seconds, composed from templates per intent, visibility and situation
 * (business hours, after hours, crisis).  Pure C.
 */

#ifndef _SC_REPLY_H_INCLUDED_
#define _SC_REPLY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "sc_event.h"
#include "sc_classify.h"
#include "sc_hours.h"


typedef enum {
    SC_SITUATION_OPEN = 0,      /* within business hours */
    SC_SITUATION_CLOSED,        /* after hours: say when a person answers */
    SC_SITUATION_CRISIS,        /* a crisis is open for the topic */
    SC_SITUATION_COUNT
} sc_situation_e;


/*
 * Which templates apply besides the event's own visibility: a public
 * message carrying private data (cls->pii) is answered with a template
 * that moves the conversation to a private channel.
 */
typedef enum {
    SC_REPLY_VIS_PUBLIC = 0,
    SC_REPLY_VIS_PRIVATE,
    SC_REPLY_VIS_PUBLIC_PII,
    SC_REPLY_VIS_COUNT
} sc_reply_vis_e;


#define SC_REPLY_TICKET_SIZE  9       /* 8 characters and the NUL */


typedef struct sc_reply_conf_s  sc_reply_conf_t;


typedef struct {
    char             *text;        /* malloc'd; NULL: no reply */
    sc_visibility_e   visibility;
} sc_reply_t;


/*
 * Configuration, built once at configuration time.  The template syntax
 * (sc_template.h):
 *     {name} a variable, {name|text} with a fallback, [ ... ] left out
 *     when a variable in it has no value, \{ \} \[ \] \\ literals.
 * Variables: {first_name} {name} {handle} {agent} {team} {ticket}
 * {contact} {opens_at} {brand} {issue}.
 */
sc_reply_conf_t *sc_reply_conf_create(void);
void sc_reply_conf_free(sc_reply_conf_t *rc);

/*
 * Sets the template for intent ("complaint", "question", "praise",
 * "feedback", "other" or "*"), visibility ("public", "private",
 * "public-pii": a public message carrying private data, which "public"
 * does not cover, or "*": all three) and situation ("open", "closed",
 * "crisis" or "*").  A more specific
 * setting wins over a wildcard one whatever their order; among equals the
 * later wins.  An empty text means no reply there.  Returns 0, or -1 with
 * a sentence in err (unknown variable, bad syntax, unknown name).
 */
int sc_reply_conf_set_template(sc_reply_conf_t *rc, const char *intent,
    const char *visibility, const char *situation, const char *text,
    char *err, size_t errlen);

/*
 * Sets "agent", "team" (default "the Care team"), "contact", "brand"
 * (values of the variables of the same names; "" unsets), "clock" ("24h"
 * or "12h": how {opens_at} shows the time) or "sms_segments" (1 to 10,
 * default 2: how long an SMS reply may grow).  -1: unknown name, or a
 * value too long (128 bytes), not UTF-8 or out of range.
 */
int sc_reply_conf_set(sc_reply_conf_t *rc, const char *name,
    const char *value);

/* business hours (copied): outside them the "closed" templates apply */
int sc_reply_conf_set_hours(sc_reply_conf_t *rc, const sc_hours_t *hours);

/*
 * The short reference ({ticket}) of an event: 8 characters of Crockford
 * base32 from a hash of platform and external id, stable across nodes
 * and restarts, so the glue can store it and agents can search for it.
 */
void sc_reply_ticket(const char *platform, const char *external_id,
    char buf[SC_REPLY_TICKET_SIZE]);


/*
 * Composes the holding reply for ev as classified in cls (cls may be NULL:
 * unclassified: "other"), at now (unix seconds: business hours), for the
 * platform named platform (its length limit applies; ev->channel tells
 * SMS from WhatsApp on Twilio), with crisis set when a crisis is open for
 * one of the event's topics.  rc may be NULL: built-in defaults.
 * out->visibility is always the event's.  Returns 1 with out->text set,
 * 0 for no reply (spam, abuse, echoes, brand accounts, non-messages, an
 * empty template), -1 when out of memory.  Allocates only out->text.
 */
int sc_reply_compose(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    sc_reply_t *out);

/*
 * sc_reply_compose() in a crisis described by issue, what the affected
 * customers live through, completing "some customers ..." ("can't log
 * in", "are seeing failed card payments"): the {issue} variable.  NULL:
 * the templates' fallback ("are having trouble right now").
 */
int sc_reply_compose_crisis(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now,
    const char *issue, sc_reply_t *out);

void sc_reply_free(sc_reply_t *reply);


#endif /* _SC_REPLY_H_INCLUDED_ */
