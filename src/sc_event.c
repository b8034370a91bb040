/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_event.c: the event list every platform parser fills.
 * Pure C, no nginx types.
 */


#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sc_event.h"


/* most webhooks carry one event; start small, double up to the cap */
#define SC_EVENTS_FIRST_ALLOC  8


static int sc_events_grow(sc_events_t *evs);


void
sc_events_init(sc_events_t *evs)
{
    memset(evs, 0, sizeof(sc_events_t));
}


void
sc_events_free(sc_events_t *evs)
{
    if (evs->root != NULL) {
        json_decref(evs->root);
    }

    free(evs->events);

    sc_events_init(evs);
}


/* doubles the array, never past SC_EVENTS_MAX elements */
static int
sc_events_grow(sc_events_t *evs)
{
    size_t       n;
    sc_event_t  *events;

    n = evs->nalloc ? evs->nalloc * 2 : SC_EVENTS_FIRST_ALLOC;
    if (n > SC_EVENTS_MAX) {
        n = SC_EVENTS_MAX;
    }

    events = realloc(evs->events, n * sizeof(sc_event_t));
    if (events == NULL) {
        return -1;
    }

    evs->events = events;
    evs->nalloc = n;

    return 0;
}


sc_event_t *
sc_events_push(sc_events_t *evs)
{
    sc_event_t  *ev;

    if (evs->nevents >= SC_EVENTS_MAX) {
        errno = E2BIG;
        return NULL;
    }

    if (evs->nevents == evs->nalloc && sc_events_grow(evs) != 0) {
        return NULL;
    }

    ev = &evs->events[evs->nevents++];
    memset(ev, 0, sizeof(sc_event_t));

    return ev;
}
