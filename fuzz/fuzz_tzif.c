/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_tzif.c: the TZif (RFC 8536) reader behind the hours' time zones.
 * The input is a zone file image: sc_tz_parse_tzif, then offsets and
 * offset changes at instants from the far past to the far future (each
 * change must be after its instant), and business hours in that zone
 * asked when they next open and how that reads.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_hours.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             i, d;
    char            err[256], buf[64];
    int64_t         t, next, at;
    sc_tz_t         tz;
    sc_hours_t      h;
    unsigned char  *image;
    /* the clock's domain: years -500 to 9999 (extremes of int64 are no
       unix time a server has) */
    static const int64_t  times[] = {
        -77914137600LL, -2208988800LL, -1, 0, 1700000000, 1711846800,
        2147483647, 4102444800LL, 253402300799LL
    };

    /* an exact-size copy */
    image = malloc(size ? size : 1);
    FZ_CHECK(image != NULL);
    memcpy(image, data, size);

    memset(err, 'E', sizeof(err));

    if (sc_tz_parse_tzif(&tz, image, size, err, sizeof(err)) != 0) {
        FZ_TERMINATED(err, sizeof(err));
        free(image);
        return 0;
    }

    free(image);

    for (i = 0; i < (int) (sizeof(times) / sizeof(times[0])); i++) {
        t = times[i];

        (void) sc_tz_offset(&tz, t);
        next = sc_tz_next_change(&tz, t);
        FZ_CHECK(next > t || next == INT64_MAX);
    }

    /* a walk through the changes of the next decades */
    t = 1600000000;

    for (i = 0; i < 64; i++) {
        next = sc_tz_next_change(&tz, t);
        FZ_CHECK(next > t || next == INT64_MAX);

        if (next > 4102444800LL) {
            break;
        }

        (void) sc_tz_offset(&tz, next);
        t = next;
    }

    /* mon-fri 09:00-17:30 and sun 23:00-01:00 in that zone */
    sc_hours_init(&h);
    h.tz = tz;
    h.set = 1;

    for (d = 0; d < 5; d++) {
        h.nranges[d] = 1;
        h.ranges[d][0].start = 9 * 60;
        h.ranges[d][0].end = 17 * 60 + 30;
    }

    h.nranges[6] = 1;
    h.ranges[6][0].start = 23 * 60;
    h.ranges[6][0].end = 1440;
    h.nranges[0] = 2;
    h.ranges[0][1] = h.ranges[0][0];
    h.ranges[0][0].start = 0;
    h.ranges[0][0].end = 60;

    for (i = 2; i < 9; i++) {
        t = times[i];
        at = sc_hours_next_open(&h, t);

        if (at >= 0) {
            FZ_CHECK(at >= t && sc_hours_is_open(&h, at));
            (void) sc_hours_format(&h, t, at, i & 1, buf, sizeof(buf));
        }
    }

    sc_tz_free(&tz);

    return 0;
}
