/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_hours.c: the business hours parser.  The input is a spec
 * ("mon-fri 09:00-18:00 Europe/Madrid"): sc_hours_parse, then, when it
 * parses, every question the replies ask of it at instants around the
 * epoch, today and far away: open?, next opening (which must be open and
 * not before now), that opening formatted into buffers from 1 byte up,
 * and a deep copy.  Zone names read /usr/share/zoneinfo (or $TZDIR).
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_hours.h"


#define FZ_SPEC_MAX  1024


static void
fz_ask(const sc_hours_t *h, int64_t now)
{
    char     buf[128];
    size_t   n, size;
    int64_t  at;

    (void) sc_hours_is_open(h, now);

    at = sc_hours_next_open(h, now);

    if (at == -1) {
        FZ_CHECK(h->set);
        return;
    }

    FZ_CHECK(at >= now);
    FZ_CHECK(sc_hours_is_open(h, at));

    if (!h->set) {
        FZ_CHECK(at == now);
    }

    for (size = 1; size <= sizeof(buf); size *= 2) {
        memset(buf, 'X', sizeof(buf));
        n = sc_hours_format(h, now, at, (int) (size & 1), buf, size);

        if (n > 0) {
            FZ_CHECK(n < size && buf[n] == '\0' && strlen(buf) == n);
        }
    }

    (void) sc_hours_format(h, now, at + 86400 * 9, 0, buf, sizeof(buf));
    (void) sc_hours_format(h, at, now, 1, buf, sizeof(buf));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t       i, d;
    char        *spec, err[256];
    sc_hours_t   h, copy;
    static const int64_t  times[] = {
        0, 1700000000, 1711846800, 1729990800, 4102444800LL, 253402300799LL
    };

    if (size > FZ_SPEC_MAX) {
        return 0;
    }

    spec = malloc(size + 1);
    FZ_CHECK(spec != NULL);
    memcpy(spec, data, size);
    spec[size] = '\0';

    memset(err, 'E', sizeof(err));

    if (sc_hours_parse(spec, &h, err, sizeof(err)) != 0) {
        FZ_TERMINATED(err, sizeof(err));
        free(spec);
        return 0;
    }

    FZ_TERMINATED(h.tz.name, sizeof(h.tz.name));

    for (d = 0; d < 7; d++) {
        FZ_CHECK(h.nranges[d] <= SC_HOURS_RANGES_MAX);

        for (i = 0; i < h.nranges[d]; i++) {
            FZ_CHECK(h.ranges[d][i].end <= 1440);
        }
    }

    for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        fz_ask(&h, times[i]);
        fz_ask(&h, times[i] + (int64_t) (size * 7919 % 604800));
    }

    FZ_CHECK(sc_hours_copy(&copy, &h) == 0);
    FZ_CHECK(sc_hours_is_open(&copy, 1700000000)
             == sc_hours_is_open(&h, 1700000000));
    sc_hours_free(&copy);

    sc_hours_free(&h);
    free(spec);

    return 0;
}
