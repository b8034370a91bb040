/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_event.h: the normalized customer-care event, the unit every platform
 * parser produces and every later stage (classify, reply, persist) reads.
 * Pure C, no nginx types.
 */

#ifndef _SC_EVENT_H_INCLUDED_
#define _SC_EVENT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


#define SC_EXTERNAL_ID_MAX  256
#define SC_EVENTS_MAX       4096      /* per webhook; Meta sends up to 1000 */


typedef enum {
    SC_VISIBILITY_PUBLIC = 0,
    SC_VISIBILITY_PRIVATE
} sc_visibility_e;


typedef struct {
    /* static strings or borrowed from the parsed tree, never freed */
    const char       *channel;     /* messenger, instagram, whatsapp, facebook */
    const char       *type;        /* message, postback, comment, post, ... */

    /* the platform's dedupe key, unique per (platform, external_id) */
    char              external_id[SC_EXTERNAL_ID_MAX];

    /* borrowed from the parsed JSON tree (sc_events_t.root), may be NULL */
    const char       *thread_id;
    const char       *author_id;
    const char       *author_handle;
    const char       *author_name;
    const char       *text;

    int64_t           occurred_ms;  /* platform's own time, 0 if unknown */
    int64_t           author_followers;  /* where given (X), else 0 */
    sc_visibility_e   visibility;

    unsigned          from_brand:1; /* echo or the brand's own account */
    unsigned          answerable:1; /* a customer message: deserves a reply */
    unsigned          reply_inline:1; /* the webhook answer carries its reply
                                         (Slack commands), whatever the
                                         platform's default */

    json_t           *raw;          /* borrowed: the platform's own object */
} sc_event_t;


typedef struct {
    json_t           *root;         /* owned: the parsed webhook body */
    sc_event_t       *events;       /* owned: malloc'd array */
    size_t            nevents;
    size_t            nalloc;
} sc_events_t;


typedef enum {
    SC_PARSE_OK = 0,
    SC_PARSE_BAD_JSON,      /* not JSON at all: 400 */
    SC_PARSE_INVALID,       /* JSON, but not this platform's shape: 400 */
    SC_PARSE_TOO_MANY,      /* more than SC_EVENTS_MAX events: 413 */
    SC_PARSE_NOMEM
} sc_parse_rc_e;


void sc_events_init(sc_events_t *evs);
void sc_events_free(sc_events_t *evs);

/* appends a zeroed event; NULL when SC_EVENTS_MAX is reached or no memory */
sc_event_t *sc_events_push(sc_events_t *evs);


#endif /* _SC_EVENT_H_INCLUDED_ */
