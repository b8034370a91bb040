/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform.c: the table of platforms, by directive value.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sc_platform.h"


extern const sc_platform_t  sc_platform_meta;
extern const sc_platform_t  sc_platform_x;
extern const sc_platform_t  sc_platform_slack;
extern const sc_platform_t  sc_platform_twilio;
extern const sc_platform_t  sc_platform_telegram;
extern const sc_platform_t  sc_platform_discord;
extern const sc_platform_t  sc_platform_line;
extern const sc_platform_t  sc_platform_viber;
extern const sc_platform_t  sc_platform_standard;
extern const sc_platform_t  sc_platform_zendesk;
extern const sc_platform_t  sc_platform_intercom;
extern const sc_platform_t  sc_platform_tiktok;
extern const sc_platform_t  sc_platform_github;


static const sc_platform_t  *sc_platforms[] = {
    &sc_platform_meta,
    &sc_platform_x,
    &sc_platform_slack,
    &sc_platform_twilio,
    &sc_platform_telegram,
    &sc_platform_discord,
    &sc_platform_line,
    &sc_platform_viber,
    &sc_platform_standard,
    &sc_platform_zendesk,
    &sc_platform_intercom,
    &sc_platform_tiktok,
    &sc_platform_github,
    NULL
};


const sc_platform_t *
sc_platform_find(const char *name, size_t len)
{
    size_t  i;

    for (i = 0; sc_platforms[i]; i++) {
        if (strlen(sc_platforms[i]->name) == len
            && strncasecmp(sc_platforms[i]->name, name, len) == 0)
        {
            return sc_platforms[i];
        }
    }

    return NULL;
}


size_t
sc_platform_count(void)
{
    return sizeof(sc_platforms) / sizeof(sc_platforms[0]) - 1;
}


const sc_platform_t *
sc_platform_at(size_t i)
{
    return i < sc_platform_count() ? sc_platforms[i] : NULL;
}


size_t
sc_platform_index(const sc_platform_t *p)
{
    size_t  i;

    for (i = 0; sc_platforms[i]; i++) {
        if (sc_platforms[i] == p) {
            return i;
        }
    }

    return 0;
}


const char *
sc_platform_names(void)
{
    static char  names[256];
    size_t       i, n;

    if (names[0] != '\0') {
        return names;
    }

    n = 0;

    for (i = 0; sc_platforms[i]; i++) {
        n += (size_t) snprintf(names + n, sizeof(names) - n, "%s%s",
                               i ? ", " : "", sc_platforms[i]->name);

        if (n >= sizeof(names)) {
            break;
        }
    }

    return names;
}
