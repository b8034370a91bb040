/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_reply.c: holding replies.  One fixed acknowledgement per visibility
 * until the template engine lands; never a reply to the brand itself or to
 * anything that is not a customer's message.
 */

#include <stdlib.h>
#include <string.h>

#include "sc_reply.h"


static const char  sc_reply_private[] =
    "Thanks for your message. We have it, and a member of our care team "
    "will get back to you here shortly.";

static const char  sc_reply_public[] =
    "Thanks for reaching out. A member of our care team will reply shortly; "
    "please don't share account or card details in public.";


int
sc_reply_compose(const sc_reply_conf_t *rc, const sc_event_t *ev,
    const sc_class_t *cls, const char *platform, int64_t now, int crisis,
    sc_reply_t *out)
{
    const char  *text;

    (void) rc;
    (void) cls;
    (void) platform;
    (void) now;
    (void) crisis;

    out->text = NULL;
    out->visibility = ev->visibility;

    if (!ev->answerable || ev->from_brand) {
        return 0;
    }

    text = (ev->visibility == SC_VISIBILITY_PUBLIC) ? sc_reply_public
                                                    : sc_reply_private;

    out->text = strdup(text);

    return out->text ? 1 : -1;
}


void
sc_reply_free(sc_reply_t *reply)
{
    free(reply->text);
    reply->text = NULL;
}
