/*
 * test_hours.c: business hours specs, TZif zones and their POSIX footers,
 * is_open / next_open across DST changes and the week end, {opens_at};
 * the open intervals of a span (business-hours SLAs), checked against
 * is_open minute by minute.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sc_hours.h"


#define MADRID  "Europe/Madrid"
#define NY      "America/New_York"

#define IV_MAX  64
#define H       3600
#define MIN     60


static char  err[512];


static int
has(const char *s, const char *part)
{
    return strstr(s, part) != NULL;
}


static void
parse_ok(const char *spec, sc_hours_t *h)
{
    int  rc;

    /* err is only meaningful after a failure: days are tried first */
    err[0] = '\0';
    rc = sc_hours_parse(spec, h, err, sizeof(err));
    ok(rc == 0, "parses \"%s\"%s%s", spec ? spec : "(null)",
       rc ? ": " : "", rc ? err : "");
}


static void
parse_bad(const char *spec, const char *want)
{
    sc_hours_t  h;

    err[0] = '\0';
    ok(sc_hours_parse(spec, &h, err, sizeof(err)) == -1
       && has(err, want), "rejects \"%s\" saying \"%s\"", spec, want);

    if (!has(err, want)) {
        printf("#   err: %s\n", err);
    }
}


static const char *
fmt(const sc_hours_t *h, int64_t now, int clock12)
{
    static char  buf[64];

    buf[0] = '\0';
    (void) sc_hours_format(h, now, sc_hours_next_open(h, now), clock12, buf,
                           sizeof(buf));

    return buf;
}


static void
test_parse(void)
{
    sc_hours_t  h;

    parse_ok("mon-fri 09:00-18:00, sat 10:00-14:00 " MADRID, &h);
    is_str(h.tz.name, MADRID, "zone name kept");
    ok(h.tz.ntrans > 100 && h.tz.has_rule, "TZif table and footer rule");
    ok(h.set, "hours set");
    is_int(h.nranges[0], 1, "Monday: one range");
    is_int(h.ranges[0][0].start, 9 * 60, "Monday opens 09:00");
    is_int(h.ranges[0][0].end, 18 * 60, "Monday closes 18:00");
    is_int(h.nranges[4], 1, "Friday: one range");
    is_int(h.nranges[5], 1, "Saturday: one range");
    is_int(h.ranges[5][0].start, 10 * 60, "Saturday opens 10:00");
    is_int(h.ranges[5][0].end, 14 * 60, "Saturday closes 14:00");
    is_int(h.nranges[6], 0, "Sunday closed");
    sc_hours_free(&h);

    parse_ok("mon-fri 09:00-13:00 15:00-18:00 UTC", &h);
    is_int(h.nranges[2], 2, "two ranges a day");
    is_int(h.ranges[2][1].start, 15 * 60, "second range from 15:00");
    is_int(h.tz.ntrans, 0, "UTC: no transitions");
    sc_hours_free(&h);

    parse_ok("MON,Wed,friday 9:00-17:30 +02:00", &h);
    ok(h.nranges[0] == 1 && h.nranges[1] == 0 && h.nranges[2] == 1
       && h.nranges[3] == 0 && h.nranges[4] == 1, "a list of days");
    is_int(h.ranges[4][0].end, 17 * 60 + 30, "17:30");
    is_int(h.tz.utoff0, 7200, "+02:00 is two hours east");
    sc_hours_free(&h);

    parse_ok("fri-mon 08:00-12:00 UTC-03:30", &h);
    ok(h.nranges[4] && h.nranges[5] && h.nranges[6] && h.nranges[0]
       && !h.nranges[1] && !h.nranges[3], "a range across the week end");
    is_int(h.tz.utoff0, -(3 * 3600 + 1800), "UTC-03:30");
    sc_hours_free(&h);

    parse_ok("fri 22:00-02:00", &h);
    ok(h.nranges[4] == 1 && h.ranges[4][0].start == 22 * 60
       && h.ranges[4][0].end == 1440, "overnight: Friday until midnight");
    ok(h.nranges[5] == 1 && h.ranges[5][0].start == 0
       && h.ranges[5][0].end == 120, "overnight: Saturday until 02:00");
    sc_hours_free(&h);

    parse_ok("mon 09:00-12:00 11:00-14:00 14:00-15:00, daily 20:00-24:00",
             &h);
    is_int(h.nranges[0], 2, "overlapping and touching ranges merge");
    is_int(h.ranges[0][0].end, 15 * 60, "merged to 09:00-15:00");
    is_int(h.ranges[3][0].start, 20 * 60, "daily");
    sc_hours_free(&h);

    parse_ok("weekdays 08:00-20:00 weekends 10:00-14:00 " NY, &h);
    ok(h.ranges[1][0].start == 8 * 60 && h.ranges[6][0].start == 10 * 60,
       "weekdays and weekends groups");
    sc_hours_free(&h);

    parse_ok("", &h);
    ok(!h.set && sc_hours_is_open(&h, 1711733400), "empty: always open");
    is_int(sc_hours_next_open(&h, 1711733400), 1711733400,
           "empty: next open is now");
    sc_hours_free(&h);

    parse_ok(NULL, &h);
    ok(!h.set, "NULL: always open");

    parse_ok("  " MADRID "  ", &h);
    ok(!h.set && sc_hours_is_open(&h, 0), "a zone alone: always open");
    sc_hours_free(&h);

    parse_bad("mon-fry 09:00-18:00", "unknown day \"fry\"");
    parse_bad("funday 09:00-18:00", "unknown day \"funday\"");
    parse_bad("09:00-18:00 " MADRID, "\"09:00-18:00\" has no days");
    parse_bad("mon-fri 9-18", "\"9-18\" is not a time range");
    parse_bad("mon-fri 09:00-25:00", "\"09:00-25:00\" is not a time range");
    parse_bad("mon-fri 09:60-18:00", "is not a time range");
    parse_bad("mon-fri 24:00-18:00", "is not a time range");
    parse_bad("mon-fri 09:00-09:00", "empty time range");
    parse_bad("mon-fri " MADRID, "have no time range");
    parse_bad("mon-fri 09:00-18:00 sat", "ends with days without a time");
    parse_bad("mon-fri 09:00-18:00 Europe/Madird",
              "unknown time zone: /usr/share/zoneinfo/Europe/Madird: No "
              "such file");
    parse_bad("mon-fri 09:00-18:00 +15:00", "at most 14 hours");
    parse_bad("mon-fri 09:00-18:00 +02:7", "at most 14 hours");
    parse_bad("mon-fri 09:00-18:00 ../../etc/passwd", "not a zone name");
    parse_bad("mon-fri 09:00-18:00 Europe/Mad;rid", "not a zone name");
    parse_bad("mon-fri 09:00-18:00 notaday", "neither a day nor a time zone");
    parse_bad("mon-fri 09:00-18:00 " MADRID " sat",
              "unknown day \"" MADRID "\"");
    parse_bad("mon 1:00-2:00 3:00-4:00 5:00-6:00 7:00-8:00 9:00-10:00 "
              "11:00-12:00 13:00-14:00 15:00-16:00 17:00-18:00",
              "more than 8 separate time ranges on Monday");
}


/* TZif image with no transitions: the footer rule alone decides */
static size_t
tzif_footer_only(unsigned char *buf, int32_t std_off, const char *rule)
{
    size_t  n, i;

    n = 0;

    for (i = 0; i < 2; i++) {
        memset(buf + n, 0, 44);
        memcpy(buf + n, "TZif2", 5);
        buf[n + 39] = 1;                /* typecnt */
        buf[n + 43] = 4;                /* charcnt */
        n += 44;
        buf[n++] = (unsigned char) ((uint32_t) std_off >> 24);
        buf[n++] = (unsigned char) ((uint32_t) std_off >> 16);
        buf[n++] = (unsigned char) ((uint32_t) std_off >> 8);
        buf[n++] = (unsigned char) std_off;
        buf[n++] = 0;
        buf[n++] = 0;
        memcpy(buf + n, "STD", 4);
        n += 4;
    }

    n += sprintf((char *) buf + n, "\n%s\n", rule);

    return n;
}


/* the footer rule agrees with the zone's own table, second for second */
static void
rule_matches(const char *zone, int32_t std_off, const char *rule)
{
    size_t          n, i, bad;
    int64_t         t, at;
    sc_tz_t         tz, ft;
    unsigned char   buf[256];

    n = tzif_footer_only(buf, std_off, rule);

    if (sc_tz_load(&tz, zone, err, sizeof(err)) != 0
        || sc_tz_parse_tzif(&ft, buf, n, err, sizeof(err)) != 0)
    {
        ok(0, "%s: load: %s", zone, err);
        return;
    }

    ok(ft.has_rule && ft.ntrans == 0, "%s: \"%s\" parsed", zone, rule);

    bad = 0;

    /* 2023 (the current rules everywhere) to 2037, every 3 h 17 min */
    for (t = 1672531200; t < 2114380800; t += 11820) {
        bad += (sc_tz_offset(&tz, t) != sc_tz_offset(&ft, t));
    }

    for (i = 0; i < tz.ntrans; i++) {
        at = tz.trans[i].at;

        if (at < 1672531200) {
            continue;
        }

        bad += (sc_tz_offset(&tz, at - 1) != sc_tz_offset(&ft, at - 1));
        bad += (sc_tz_offset(&tz, at) != sc_tz_offset(&ft, at));
        bad += (sc_tz_next_change(&ft, at - 1) != at);
    }

    is_int(bad, 0, "%s: rule and table agree 2023-2037, at every change",
           zone);

    sc_tz_free(&tz);
    sc_tz_free(&ft);
}


static void
test_zones(void)
{
    size_t          n;
    sc_tz_t         tz;
    unsigned char   buf[512];

    ok(sc_tz_load(&tz, MADRID, err, sizeof(err)) == 0, "Madrid loads");
    is_int(sc_tz_offset(&tz, 1711846799), 3600, "Madrid: CET before");
    is_int(sc_tz_offset(&tz, 1711846800), 7200, "Madrid: CEST from "
           "2024-03-31 01:00 UTC");
    is_int(sc_tz_offset(&tz, 1729990799), 7200, "Madrid: CEST before");
    is_int(sc_tz_offset(&tz, 1729990800), 3600, "Madrid: CET from "
           "2024-10-27 01:00 UTC");
    is_int(sc_tz_next_change(&tz, 1711800000), 1711846800,
           "Madrid: next change");
    /* past the table (2037): the footer rule */
    is_int(sc_tz_offset(&tz, 2216249999), 3600, "Madrid 2040: CET before");
    is_int(sc_tz_offset(&tz, 2216250000), 7200, "Madrid 2040: CEST from "
           "2040-03-25 01:00 UTC");
    is_int(sc_tz_offset(&tz, 2234998800), 3600, "Madrid 2040: CET from "
           "2040-10-28 01:00 UTC");
    is_int(sc_tz_next_change(&tz, 2216200000), 2216250000,
           "Madrid 2040: next change from the rule");
    is_int(sc_tz_offset(&tz, -3000000000LL), -884,
           "1874: local mean time, before the first transition");
    sc_tz_free(&tz);

    ok(sc_tz_load(&tz, NY, err, sizeof(err)) == 0, "New York loads");
    is_int(sc_tz_offset(&tz, 1710053999), -18000, "New York: EST before");
    is_int(sc_tz_offset(&tz, 1710054000), -14400, "New York: EDT from "
           "2024-03-10 07:00 UTC");
    is_int(sc_tz_offset(&tz, 1730613599), -14400, "New York: EDT before");
    is_int(sc_tz_offset(&tz, 1730613600), -18000, "New York: EST from "
           "2024-11-03 06:00 UTC");
    sc_tz_free(&tz);

    rule_matches(MADRID, 3600, "CET-1CEST,M3.5.0,M10.5.0/3");
    rule_matches(NY, -18000, "EST5EDT,M3.2.0,M11.1.0");
    rule_matches("Australia/Sydney", 36000, "AEST-10AEDT,M10.1.0,M4.1.0/3");
    rule_matches("America/Santiago", -14400, "<-04>4<-03>,M9.1.6/24,M4.1.6/24");

    /* version 1: 32-bit times, no footer */
    memset(buf, 0, sizeof(buf));
    memcpy(buf, "TZif", 4);
    buf[35] = 2;                        /* timecnt */
    buf[39] = 2;                        /* typecnt */
    buf[43] = 4;                        /* charcnt */
    n = 44;
    memcpy(buf + n, "\x10\x00\x00\x00\x20\x00\x00\x00", 8);
    n += 8;
    buf[n++] = 1;
    buf[n++] = 0;
    memcpy(buf + n, "\x00\x00\x00\x00\x00\x00", 6);
    n += 6;
    memcpy(buf + n, "\x00\x00\x0e\x10\x01\x00", 6);
    n += 6;
    memcpy(buf + n, "ABC", 4);
    n += 4;
    ok(sc_tz_parse_tzif(&tz, buf, n, err, sizeof(err)) == 0,
       "version 1 file parses");
    is_int(tz.ntrans, 2, "version 1: two transitions");
    is_int(sc_tz_offset(&tz, 0x10000000), 3600, "version 1: type 1");
    is_int(sc_tz_offset(&tz, 0x20000000), 0, "version 1: back to type 0");
    sc_tz_free(&tz);

    ok(sc_tz_parse_tzif(&tz, buf, n - 1, err, sizeof(err)) == -1
       && has(err, "invalid or truncated"), "truncated file rejected");
    buf[52] = 5;                        /* a transition to type 5 of 2 */
    ok(sc_tz_parse_tzif(&tz, buf, n, err, sizeof(err)) == -1
       && has(err, "invalid or truncated"), "type out of range rejected");
    ok(sc_tz_parse_tzif(&tz, (const unsigned char *) "TZxf", 4, err,
                        sizeof(err)) == -1
       && has(err, "not a TZif"), "not a TZif file");

    n = tzif_footer_only(buf, 0, "CET-1CEST,M3.5.0");
    ok(sc_tz_parse_tzif(&tz, buf, n, err, sizeof(err)) == -1
       && has(err, "unsupported TZ rule"), "bad footer rule rejected");

    if (sc_tz_load(&tz, "right/UTC", err, sizeof(err)) == 0) {
        ok(0, "right/UTC should be refused");
        sc_tz_free(&tz);

    } else {
        ok(has(err, "leap-second") || has(err, "No such file"),
           "leap-second zones refused (%s)", err);
    }
}


static void
test_open(void)
{
    sc_hours_t  h;
    int64_t     t;

    parse_ok("mon-fri 09:00-18:00 " MADRID, &h);

    is_int(sc_hours_is_open(&h, 1711526399), 0,
           "Madrid Wed 08:59:59 CET: closed");
    is_int(sc_hours_is_open(&h, 1711526400), 1,
           "Madrid Wed 09:00 CET: open");
    is_int(sc_hours_next_open(&h, 1711526400), 1711526400,
           "open: next open is now");
    is_int(sc_hours_next_open(&h, 1711519200), 1711526400,
           "Wed 07:00: opens at 09:00 the same day");
    is_str(fmt(&h, 1711519200, 0), "today at 9:00", "\"today at 9:00\"");
    is_str(fmt(&h, 1711652400, 0), "tomorrow at 9:00",
           "Thu 20:00: \"tomorrow at 9:00\"");

    /* Friday evening in CET, Monday morning in CEST */
    is_int(sc_hours_is_open(&h, 1711733400), 0, "Fri 18:30: closed");
    is_int(sc_hours_next_open(&h, 1711733400), 1711954800,
           "opens Monday 09:00 CEST, across the week end and spring DST");
    is_str(fmt(&h, 1711733400, 0), "Monday at 9:00", "\"Monday at 9:00\"");
    is_int(sc_hours_is_open(&h, 1711954799), 0, "Mon 08:59:59 CEST closed");
    is_int(sc_hours_is_open(&h, 1711954800), 1, "Mon 09:00 CEST open");

    /* autumn */
    is_int(sc_hours_next_open(&h, 1729936800), 1730102400,
           "Sat 12:00 CEST: opens Monday 09:00 CET");
    is_str(fmt(&h, 1729936800, 0), "Monday at 9:00", "Monday, autumn");

    /* 2040, past the zone's table: the footer rule */
    is_int(sc_hours_next_open(&h, 2216138400), 2216358000,
           "2040: Fri 19:00 CET to Mon 09:00 CEST");
    sc_hours_free(&h);

    parse_ok("mon-fri 09:00-17:00 " NY, &h);
    is_int(sc_hours_next_open(&h, 1709935200), 1710162000,
           "New York Fri 17:00 EST: Mon 09:00 EDT");
    is_int(sc_hours_next_open(&h, 1730498400), 1730728800,
           "New York Fri 18:00 EDT: Mon 09:00 EST");
    is_str(fmt(&h, 1730498400, 1), "Monday at 9:00 AM", "12-hour clock");
    is_int(sc_hours_is_open(&h, 1730728799), 0, "Mon 08:59:59 EST closed");
    is_int(sc_hours_is_open(&h, 1730728800), 1, "Mon 09:00 EST open");
    sc_hours_free(&h);

    /* a start inside the spring-forward gap: open when the clock jumps */
    parse_ok("sun 02:30-04:00 " NY, &h);
    is_int(sc_hours_next_open(&h, 1709985600), 1710054000,
           "02:30 does not exist on 2024-03-10: opens at 03:00 EDT");
    sc_hours_free(&h);

    /* the repeated hour: open twice */
    parse_ok("sun 01:00-01:30 " NY, &h);
    is_int(sc_hours_next_open(&h, 1730609000), 1730610000,
           "2024-11-03 01:00 EDT");
    is_int(sc_hours_is_open(&h, 1730612700), 0, "01:45 EDT closed");
    is_int(sc_hours_next_open(&h, 1730612700), 1730613600,
           "01:00 EST, the second time");
    sc_hours_free(&h);

    /* the clock falling back into a range reopens it: no start repeats */
    parse_ok("sun 00:30-01:30 " NY, &h);
    t = sc_hours_next_open(&h, 1730612700);
    is_int(t, 1730613600, "01:45 EDT closed; 02:00 EDT falls back to "
           "01:00 EST, inside 00:30-01:30: open");
    sc_hours_free(&h);

    /* overnight and week end */
    parse_ok("fri 22:00-02:00 UTC", &h);
    is_int(sc_hours_is_open(&h, 1717794000 + 3600), 1, "Fri 22:00 open");
    is_int(sc_hours_is_open(&h, 1717808400), 1, "Sat 01:00 open");
    is_int(sc_hours_is_open(&h, 1717815600), 0, "Sat 03:00 closed");
    is_int(sc_hours_next_open(&h, 1717815600), 1718402400,
           "Sat 03:00: opens Friday 22:00");
    is_str(fmt(&h, 1717815600, 0), "Friday at 22:00", "\"Friday at 22:00\"");
    is_str(fmt(&h, 1717794000, 0), "today at 22:00", "Fri 21:00: today");
    sc_hours_free(&h);

    parse_ok("sun 10:00-12:00 UTC", &h);
    is_int(sc_hours_next_open(&h, 1717938000), 1718532000,
           "Sun 13:00: next Sunday 10:00");
    is_str(fmt(&h, 1717938000, 0), "next Sunday at 10:00",
           "\"next Sunday at 10:00\"");
    is_str(fmt(&h, 1717938000, 1), "next Sunday at 10:00 AM", "10:00 AM");
    sc_hours_free(&h);

    parse_ok("daily 00:30-01:00, mon 12:00-13:00 +05:30", &h);
    is_int(sc_hours_is_open(&h, 1717385399), 0, "+05:30: 08:59:59 closed");
    is_int(sc_hours_next_open(&h, 1717374600), 1717396200,
           "+05:30 Mon 06:00: opens 12:00 local");
    is_str(fmt(&h, 1717374600, 1), "today at 12:00 PM", "12:00 PM");
    is_str(fmt(&h, 1717396200 + 3600, 1), "tomorrow at 12:30 AM",
           "12:30 AM");
    sc_hours_free(&h);
}


static void
test_copy(void)
{
    sc_hours_t  h, c;
    char        buf[4];

    parse_ok("mon-fri 09:00-18:00 " MADRID, &h);
    ok(sc_hours_copy(&c, &h) == 0, "copy");
    sc_hours_free(&h);
    is_int(sc_hours_next_open(&c, 1711733400), 1711954800,
           "the copy stands alone");
    is_int(sc_hours_format(&c, 1711733400, 1711954800, 0, buf, sizeof(buf)),
           0, "format: too small a buffer gives 0");
    is_int(sc_hours_format(&c, 1711733400, 1711733399, 0, buf, sizeof(buf)),
           0, "format: a past time gives 0");
    sc_hours_free(&c);
}


/* unix time of a UTC calendar date and time (proleptic Gregorian) */
static int64_t
utc(int y, int mo, int d, int hh, int mm)
{
    int64_t  era, yoe, doy, doe;

    y -= (mo <= 2);
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60;
}


typedef struct {
    size_t   n;
    int64_t  s[IV_MAX];
    int64_t  e[IV_MAX];
} iv_t;


static iv_t *
iv(const sc_hours_t *h, int64_t from, int64_t to, size_t max)
{
    static iv_t  v;

    memset(&v, 0, sizeof(iv_t));
    v.n = sc_hours_intervals(h, from, to, v.s, v.e, max);

    return &v;
}


/* the intervals equal want[] (pairs of start, end) */
static void
iv_is(const iv_t *v, const int64_t *want, size_t n, const char *name)
{
    size_t  i;
    int     same;

    same = (v->n == n);

    for (i = 0; same && i < n; i++) {
        same = (v->s[i] == want[2 * i] && v->e[i] == want[2 * i + 1]);
    }

    ok(same, "%s", name);

    if (!same) {
        for (i = 0; i < v->n; i++) {
            printf("#   got [%lld, %lld)\n", (long long) v->s[i],
                   (long long) v->e[i]);
        }

        for (i = 0; i < n; i++) {
            printf("#   want [%lld, %lld)\n", (long long) want[2 * i],
                   (long long) want[2 * i + 1]);
        }
    }
}


/* the wall-clock instant when secs of open time have passed since from */
static int64_t
due(const sc_hours_t *h, int64_t from, int64_t secs)
{
    size_t   i;
    iv_t    *v;

    v = iv(h, from, from + 30 * 86400, IV_MAX);

    for (i = 0; i < v->n; i++) {
        if (v->e[i] - v->s[i] >= secs) {
            return v->s[i] + secs;
        }

        secs -= v->e[i] - v->s[i];
    }

    return -1;
}


/*
 * The intervals against is_open: ordered, apart (adjacent ones merged),
 * open inside, closed just outside, and as many open seconds as is_open
 * finds minute by minute (ranges, zones and spans here are whole minutes).
 */
static void
iv_agrees(const char *spec, int64_t from, int64_t to)
{
    size_t      i, bad;
    int64_t     t, open, sum;
    sc_hours_t  h;
    iv_t       *v;

    if (sc_hours_parse(spec, &h, err, sizeof(err)) != 0) {
        ok(0, "parses \"%s\": %s", spec, err);
        return;
    }

    v = iv(&h, from, to, IV_MAX);
    bad = 0;
    sum = 0;

    for (i = 0; i < v->n; i++) {
        bad += (v->s[i] >= v->e[i] || v->s[i] < from || v->e[i] > to);
        bad += (i > 0 && v->s[i] <= v->e[i - 1]);
        bad += !sc_hours_is_open(&h, v->s[i]);
        bad += !sc_hours_is_open(&h, v->e[i] - 1);
        bad += (v->s[i] > from && sc_hours_is_open(&h, v->s[i] - 1));
        bad += (v->e[i] < to && sc_hours_is_open(&h, v->e[i]));
        sum += v->e[i] - v->s[i];
    }

    open = 0;

    for (t = from; t < to; t += MIN) {
        open += sc_hours_is_open(&h, t) ? MIN : 0;
    }

    ok(v->n > 0 && v->n < IV_MAX && bad == 0 && sum == open,
       "\"%s\": %zu intervals, %lld s open, as is_open says", spec, v->n,
       (long long) sum);

    if (bad || sum != open) {
        printf("#   bad %zu, open by is_open %lld\n", bad, (long long) open);
    }

    sc_hours_free(&h);
}


static void
test_intervals(void)
{
    size_t      n, i;
    int64_t     fri, mon, t, s[IV_MAX], e[IV_MAX];
    sc_hours_t  h;
    iv_t       *v, all;

    is_int(utc(2026, 11, 20, 16, 50), 1795193400, "utc(): 2026-11-20 16:50");

    /* weekdays and the week end: Friday 2026-11-20, Monday 2026-11-23 */
    parse_ok("mon-fri 09:00-18:00 " MADRID, &h);
    fri = utc(2026, 11, 20, 16, 50);                  /* 17:50 CET */
    mon = utc(2026, 11, 23, 8, 0);                    /* 09:00 CET */
    {
        int64_t  w[] = { fri, fri + 10 * MIN, mon, mon + 9 * H };

        iv_is(iv(&h, fri, mon + 24 * H, IV_MAX), w, 2,
              "Fri 17:50 to Tue: ten minutes on Friday, Monday 09:00-18:00, "
              "nothing on the week end");
    }
    is_int(due(&h, fri, 30 * MIN), mon + 20 * MIN,
           "a 30-minute SLA from Friday 17:50 is due Monday 09:20");
    is_int(due(&h, mon + 2 * H, 8 * H), mon + 24 * H + 1 * H,
           "8 hours from Monday 11:00: Tuesday 10:00");

    v = iv(&h, utc(2026, 11, 16, 0, 0), utc(2026, 11, 23, 0, 0), IV_MAX);
    ok(v->n == 5 && v->s[0] == utc(2026, 11, 16, 8, 0)
       && v->e[4] == utc(2026, 11, 20, 17, 0), "a week: five days, "
       "Monday 08:00 UTC to Friday 17:00 UTC");

    /* a span inside a range, and one inside the night */
    {
        int64_t  w[] = { mon + H, mon + 2 * H };

        iv_is(iv(&h, mon + H, mon + 2 * H, IV_MAX), w, 1,
              "a span inside the hours: itself");
    }
    is_int(iv(&h, fri + H, mon, IV_MAX)->n, 0, "the week end: nothing");

    /* from > to, empty, no room */
    is_int(iv(&h, mon + 9 * H, mon, IV_MAX)->n, 0, "from > to: 0");
    is_int(iv(&h, mon + H, mon + H, IV_MAX)->n, 0, "from = to: 0");
    is_int(iv(&h, mon, mon + H, 0)->n, 0, "max 0: 0");

    /* max: the first ones whole, and the rest from where they stop */
    t = utc(2026, 11, 16, 0, 0);
    n = sc_hours_intervals(&h, t, t + 14 * 86400, s, e, 3);
    is_int(n, 3, "max 3 of ten: 3");
    ok(s[2] == utc(2026, 11, 18, 8, 0) && e[2] == utc(2026, 11, 18, 17, 0),
       "the third is Wednesday's, whole");
    all = *iv(&h, t, t + 14 * 86400, IV_MAX);
    is_int(all.n, 10, "two weeks: ten intervals");
    n = sc_hours_intervals(&h, e[2], t + 14 * 86400, s + 3, e + 3,
                           IV_MAX - 3);
    ok(n == 7 && memcmp(s, all.s, 10 * sizeof(int64_t)) == 0
       && memcmp(e, all.e, 10 * sizeof(int64_t)) == 0,
       "from the cut on: the other seven, the same");
    n = sc_hours_intervals(&h, t, t + 14 * 86400, s, e, 10);
    is_int(n, 10, "max exactly the number: all of them");
    sc_hours_free(&h);

    /* two ranges a day, a Saturday */
    parse_ok("mon-fri 09:00-13:00 15:00-18:00, sat 10:00-14:00 UTC", &h);
    t = utc(2026, 11, 20, 0, 0);
    {
        int64_t  w[] = { t + 9 * H, t + 13 * H, t + 15 * H, t + 18 * H,
                         t + 86400 + 10 * H, t + 86400 + 14 * H };

        iv_is(iv(&h, t, t + 3 * 86400, IV_MAX), w, 3,
              "Friday's two ranges, Saturday's, no Sunday");
    }
    {
        int64_t  w[] = { t + 12 * H, t + 13 * H, t + 15 * H, t + 16 * H };

        iv_is(iv(&h, t + 12 * H, t + 16 * H, IV_MAX), w, 2,
              "clipped at both ends");
    }
    n = sc_hours_intervals(&h, t, t + 3 * 86400, s, e, 1);
    ok(n == 1 && s[0] == t + 9 * H && e[0] == t + 13 * H,
       "max 1: the first range only");
    sc_hours_free(&h);

    /* overnight, 24:00, whole days */
    parse_ok("fri 22:00-02:00 UTC", &h);
    t = utc(2024, 6, 7, 0, 0);                        /* a Friday */
    {
        int64_t  w[] = { t + 22 * H, t + 26 * H };

        iv_is(iv(&h, t, t + 7 * 86400, IV_MAX), w, 1,
              "Friday 22:00 to Saturday 02:00: one interval");
    }
    {
        int64_t  w[] = { t + 25 * H, t + 26 * H };

        iv_is(iv(&h, t + 25 * H, t + 30 * H, IV_MAX), w, 1,
              "from Saturday 01:00: the rest of the night");
    }
    sc_hours_free(&h);

    parse_ok("mon 18:00-24:00, tue 00:00-08:00 12:00-13:00 UTC", &h);
    t = utc(2024, 6, 3, 0, 0);                        /* a Monday */
    {
        int64_t  w[] = { t + 18 * H, t + 32 * H, t + 36 * H, t + 37 * H };

        iv_is(iv(&h, t, t + 2 * 86400, IV_MAX), w, 2,
              "Monday 24:00 meets Tuesday 00:00: merged");
    }
    n = sc_hours_intervals(&h, t, t + 2 * 86400, s, e, 1);
    ok(n == 1 && s[0] == t + 18 * H && e[0] == t + 32 * H,
       "max 1: the merged night whole, not cut at midnight");
    sc_hours_free(&h);

    parse_ok("daily 00:00-24:00 " MADRID, &h);
    t = utc(2024, 3, 29, 12, 0);
    {
        int64_t  w[] = { t, t + 5 * 86400 };

        iv_is(iv(&h, t, t + 5 * 86400, IV_MAX), w, 1,
              "daily 00:00-24:00 across the spring change: one interval");
    }
    sc_hours_free(&h);

    /* Madrid spring forward: 2024-03-31 02:00 CET is 03:00 CEST */
    t = utc(2024, 3, 31, 0, 0);
    parse_ok("sun 01:00-04:00 " MADRID, &h);
    {
        int64_t  w[] = { t, t + 2 * H };

        iv_is(iv(&h, t - 86400, t + 86400, IV_MAX), w, 1,
              "spring forward: 01:00-04:00 lasts two hours, in one piece");
    }
    sc_hours_free(&h);

    parse_ok("sun 02:15-02:45 " MADRID, &h);
    is_int(iv(&h, t - 86400, t + 86400, IV_MAX)->n, 0,
           "spring forward: 02:15-02:45 never comes");
    sc_hours_free(&h);

    parse_ok("mon-fri 09:00-18:00 " MADRID, &h);
    {
        int64_t  w[] = { utc(2024, 3, 29, 8, 0), utc(2024, 3, 29, 17, 0),
                         utc(2024, 4, 1, 7, 0), utc(2024, 4, 1, 16, 0) };

        iv_is(iv(&h, utc(2024, 3, 29, 0, 0), utc(2024, 4, 2, 0, 0),
                 IV_MAX), w, 2, "Friday 09:00 CET, Monday 09:00 CEST");
    }
    is_int(due(&h, utc(2024, 3, 29, 16, 50), 30 * MIN),
           utc(2024, 4, 1, 7, 20), "30 minutes from Friday 17:50 CET: "
           "Monday 09:20 CEST");
    sc_hours_free(&h);

    /* Madrid fall back: 2024-10-27 03:00 CEST is 02:00 CET again */
    t = utc(2024, 10, 27, 0, 0);
    parse_ok("sun 02:00-04:00 " MADRID, &h);
    {
        int64_t  w[] = { t, t + 3 * H };

        iv_is(iv(&h, t - 86400, t + 86400, IV_MAX), w, 1,
              "fall back: 02:00-04:00 lasts three hours, in one piece");
    }
    sc_hours_free(&h);

    parse_ok("sun 02:30-03:00 " MADRID, &h);
    {
        int64_t  w[] = { t + 30 * MIN, t + H, t + H + 30 * MIN, t + 2 * H };

        iv_is(iv(&h, t - 86400, t + 86400, IV_MAX), w, 2,
              "fall back: 02:30-03:00 comes twice");
    }
    sc_hours_free(&h);

    parse_ok("sat-sun 20:00-09:00 " MADRID, &h);
    {
        int64_t  w[] = { utc(2024, 10, 26, 18, 0), utc(2024, 10, 27, 8, 0),
                         utc(2024, 10, 27, 19, 0), utc(2024, 10, 28, 8, 0) };

        iv_is(iv(&h, utc(2024, 10, 26, 0, 0), utc(2024, 10, 29, 0, 0),
                 IV_MAX), w, 2, "overnight across the fall back: 14 hours, "
              "then Sunday night into Monday");
    }
    sc_hours_free(&h);

    /* fixed offsets */
    parse_ok("mon-fri 09:00-17:30 +05:30", &h);
    t = utc(2024, 6, 3, 0, 0);                        /* a Monday */
    {
        int64_t  w[] = { t + 3 * H + 30 * MIN, t + 12 * H };

        iv_is(iv(&h, t - 86400, t + 86400 - 6 * H, IV_MAX), w, 1,
              "+05:30: Monday 09:00-17:30 is 03:30-12:00 UTC");
    }
    sc_hours_free(&h);

    parse_ok("sun 22:00-02:00 UTC-03:30", &h);
    {
        int64_t  w[] = { t + H + 30 * MIN, t + 5 * H + 30 * MIN };

        iv_is(iv(&h, t - 86400, t + 86400, IV_MAX), w, 1,
              "-03:30: Sunday 22:00 to Monday 02:00 is Monday 01:30-05:30 "
              "UTC");
    }
    sc_hours_free(&h);

    /* always open */
    parse_ok("", &h);
    {
        int64_t  w[] = { 100, 200 };

        iv_is(iv(&h, 100, 200, IV_MAX), w, 1, "no hours: [from, to)");
    }
    is_int(iv(&h, 200, 100, IV_MAX)->n, 0, "no hours, from > to: 0");
    sc_hours_free(&h);

    parse_ok(MADRID, &h);
    {
        int64_t  w[] = { t, t + 7 * 86400 };

        iv_is(iv(&h, t, t + 7 * 86400, IV_MAX), w, 1,
              "a zone alone: [from, to)");
    }
    sc_hours_free(&h);

    /* far from now: the footer rule; the ends of time do not overflow */
    parse_ok("mon-fri 09:00-18:00 " MADRID, &h);
    v = iv(&h, utc(2040, 3, 23, 0, 0), utc(2040, 3, 27, 0, 0), IV_MAX);
    ok(v->n == 2 && v->s[0] == utc(2040, 3, 23, 8, 0)
       && v->s[1] == utc(2040, 3, 26, 7, 0),
       "2040: Friday in CET, Monday in CEST");
    n = sc_hours_intervals(&h, INT64_MIN, INT64_MAX, s, e, 4);
    for (i = 0; i < n; i++) {
        if (s[i] >= e[i] || (i > 0 && e[i - 1] >= s[i])) {
            break;
        }
    }
    ok(n == 4 && i == n, "INT64_MIN to INT64_MAX: max of them, in order, "
       "no overflow");
    sc_hours_free(&h);

    /* against is_open, minute by minute */
    iv_agrees("mon-fri 09:00-13:00 15:00-18:00, sat 10:00-14:00 " MADRID,
              utc(2024, 3, 25, 0, 7), utc(2024, 4, 3, 0, 0));
    iv_agrees("daily 22:00-06:00, wed 12:00-12:01 " MADRID,
              utc(2024, 10, 21, 0, 0), utc(2024, 11, 1, 0, 0));
    iv_agrees("sun 00:30-01:30 01:45-03:00 " NY,
              utc(2024, 11, 2, 0, 0), utc(2024, 11, 5, 0, 0));
    iv_agrees("sun 02:00-02:30 02:45-04:00, daily 23:59-00:01 " NY,
              utc(2024, 3, 8, 0, 0), utc(2024, 3, 13, 0, 0));
    iv_agrees("fri-mon 08:00-12:00 18:00-24:00 Australia/Sydney",
              utc(2024, 3, 30, 0, 0), utc(2024, 4, 12, 0, 0));
    iv_agrees("weekdays 00:00-24:00 America/Santiago",
              utc(2024, 8, 30, 0, 0), utc(2024, 9, 14, 0, 0));
    iv_agrees("tue 23:00-01:00 +14:00", utc(2024, 1, 1, 0, 0),
              utc(2024, 1, 20, 0, 0));
}


int
main(void)
{
    test_parse();
    test_zones();
    test_open();
    test_copy();
    test_intervals();

    return done_testing();
}
