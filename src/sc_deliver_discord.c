/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_deliver_discord.c: a reply the interaction answer could not carry
 * (the database was down: the answer was an ephemeral deferral and the
 * reply waited in the spool) goes as the interaction's follow-up, POST
 * /webhooks/<application_id>/<interaction token>, which after a deferral
 * replaces Discord's "thinking…".  The token in the path is the
 * credential: no Authorization header, no configured token.  It lives 15
 * minutes; later the reply is skipped.  Discord webhook events (not
 * interactions) have no token: skipped.
 *
 * Pure C and jansson, no nginx types.
 */


#include <string.h>

#include "sc_deliver_int.h"
#include "sc_json.h"


#define SC_DISCORD_TOKEN_TTL   (15 * 60 - 30)   /* 15 minutes, less transit */
#define SC_DISCORD_TOKEN_MAX   512
#define SC_DISCORD_EPHEMERAL   64


sc_deliver_rc_e
sc_deliver_discord_build(const sc_delivery_t *d, const sc_api_t *api,
    double now, sc_dreq_t *q)
{
    size_t       n;
    json_t      *body;
    const char  *app, *token;

    (void) api;

    app = sc_json_str(d->raw, "application_id");
    token = sc_json_str(d->raw, "token");

    if (app == NULL || token == NULL) {
        return sc_dreq_skip(q, "no discord interaction to follow up");
    }

    if (d->received_at > 0 && now - d->received_at > SC_DISCORD_TOKEN_TTL) {
        return sc_dreq_skip(q, "discord interaction token expired "
                            "(15 minutes)");
    }

    /* the token goes in the path: only what a path segment carries as is */
    n = strspn(token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_-");

    if (n == 0 || token[n] != '\0' || n > SC_DISCORD_TOKEN_MAX) {
        return sc_dreq_error(q, "the discord interaction token has "
                             "characters a path cannot carry");
    }

    body = json_pack("{s:s, s:i, s:{s:[]}}", "content", d->text,
                     "flags", SC_DISCORD_EPHEMERAL,
                     "allowed_mentions", "parse");

    if (sc_dreq_json(q, body) != 0
        || sc_dreq_path(q, "/webhooks/") != 0
        || sc_dreq_seg(q, app, NULL, "the discord application id is not "
                       "an id") != 0
        || sc_dreq_path(q, "/") != 0
        || sc_dreq_path(q, token) != 0)
    {
        return SC_DELIVER_ERROR;
    }

    return SC_DELIVER_REQUEST;
}
