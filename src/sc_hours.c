/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_hours.c: business hours and time zones.  A zone is read once from
 * its TZif file (RFC 8536: the 64-bit block and the POSIX TZ footer for
 * the years after the table) into a table of offset changes; local time is
 * then a binary search and civil-calendar arithmetic, so the request path
 * never touches the C library's global time zone state or the disk.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sc_hours.h"


#define SC_TZ_DIR          "/usr/share/zoneinfo"
#define SC_TZ_FILE_MAX     (1024 * 1024)
#define SC_TZ_TRANS_MAX    100000
#define SC_TZ_OFF_MAX      (26 * 3600)      /* beyond any real zone */
#define SC_TZ_FIXED_MAX    (14 * 3600)      /* Pacific/Kiritimati */

#define SC_HOURS_SPEC_MAX  1024
#define SC_HOURS_TOKENS    128
#define SC_HOURS_RAW_MAX   32               /* ranges per day, unmerged */

#define SC_DAY             86400
#define SC_WEEK            (7 * SC_DAY)
/* about a million years: local time arithmetic never nears overflow */
#define SC_TIME_MAX        ((int64_t) 1 << 45)


typedef struct {
    uint16_t          start;
    uint16_t          end;
} sc_hours_raw_t;


static int64_t sc_fdiv(int64_t a, int64_t b);
static int64_t sc_days_from_civil(int64_t y, int m, int d);
static int64_t sc_year_of_days(int64_t z);
static int sc_is_leap(int64_t y);
static int sc_month_days(int64_t y, int m);

static uint32_t sc_be32(const unsigned char *p);
static int64_t sc_be64(const unsigned char *p);
static int sc_tz_fixed(const char *s, int32_t *off);
static int sc_tz_read_file(const char *path, unsigned char **data,
    size_t *len, char *err, size_t errlen);
static const char *sc_tz_posix(const char *p, const char *end,
    sc_tz_rule_t *r);
static const char *sc_tz_posix_name(const char *p, const char *end);
static const char *sc_tz_posix_time(const char *p, const char *end,
    int maxh, int32_t *secs);
static const char *sc_tz_posix_date(const char *p, const char *end,
    sc_tz_date_t *d);
static const char *sc_tz_num(const char *p, const char *end, int max,
    int *v);
static int64_t sc_tz_rule_day(const sc_tz_date_t *d, int64_t y);
static void sc_tz_rule_year(const sc_tz_rule_t *r, int64_t y, int64_t *s,
    int64_t *e);
static int32_t sc_tz_rule_offset(const sc_tz_rule_t *r, int64_t t);
static int64_t sc_tz_rule_next(const sc_tz_rule_t *r, int64_t t);

static int sc_hours_days(const char *tok, unsigned *mask, char *err,
    size_t errlen);
static int sc_hours_day(const char *s, size_t len);
static int sc_hours_range(const char *tok, unsigned *start, unsigned *end,
    char *err, size_t errlen);
static int sc_hours_time(const char *s, size_t len, unsigned *min);
static int sc_hours_add(sc_hours_raw_t raw[7][SC_HOURS_RAW_MAX],
    unsigned nraw[7], int day, unsigned start, unsigned end);
static int sc_hours_raw_cmp(const void *a, const void *b);
static int sc_hours_merge(sc_hours_t *h,
    sc_hours_raw_t raw[7][SC_HOURS_RAW_MAX], unsigned nraw[7], char *err,
    size_t errlen);
static int sc_hours_open_local(const sc_hours_t *h, int64_t local);
static size_t sc_hours_stretch(const sc_hours_t *h, int64_t a, int64_t b,
    int32_t off, int64_t *starts, int64_t *ends, size_t n, size_t max,
    int *full);


static const char  *sc_day_names[7] = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    "Sunday"
};

static const char  *sc_month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"
};


/* calendar arithmetic, proleptic Gregorian, after H. Hinnant */

static int64_t
sc_fdiv(int64_t a, int64_t b)
{
    int64_t  q;

    q = a / b;

    if (a % b != 0 && ((a < 0) != (b < 0))) {
        q--;
    }

    return q;
}


static int64_t
sc_days_from_civil(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= (m <= 2);
    era = sc_fdiv(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


static int64_t
sc_year_of_days(int64_t z)
{
    int64_t  era, doe, yoe, doy, mp;

    z += 719468;
    era = sc_fdiv(z, 146097);
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;

    return yoe + era * 400 + (mp >= 10);
}


static int
sc_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int
sc_month_days(int64_t y, int m)
{
    static const int  days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    return (m == 2 && sc_is_leap(y)) ? 29 : days[m - 1];
}


/* time zones */

void
sc_tz_free(sc_tz_t *tz)
{
    free(tz->trans);
    memset(tz, 0, sizeof(sc_tz_t));
}


int
sc_tz_load(sc_tz_t *tz, const char *name, char *err, size_t errlen)
{
    int             rc;
    size_t          len, i;
    int32_t         off;
    const char     *dir;
    unsigned char  *data;
    char            path[4096];

    memset(tz, 0, sizeof(sc_tz_t));

    len = strlen(name);

    if (len == 0 || len >= SC_TZ_NAME_MAX) {
        snprintf(err, errlen, "time zone \"%s\": empty or too long", name);
        return -1;
    }

    rc = sc_tz_fixed(name, &off);

    if (rc == 1) {
        memcpy(tz->name, name, len + 1);
        tz->utoff0 = off;
        return 0;
    }

    if (rc == -1) {
        snprintf(err, errlen, "time zone \"%s\": a UTC offset is +HH:MM, "
                 "at most 14 hours either way", name);
        return -1;
    }

    /* a name is a relative path below the zone directory, nothing else */
    if (name[0] == '/' || name[0] == '.' || strstr(name, "..") != NULL) {
        goto bad_name;
    }

    for (i = 0; i < len; i++) {
        if (!((name[i] >= 'A' && name[i] <= 'Z')
              || (name[i] >= 'a' && name[i] <= 'z')
              || (name[i] >= '0' && name[i] <= '9')
              || strchr("/_-+.", name[i]) != NULL))
        {
            goto bad_name;
        }
    }

    dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0') {
        dir = SC_TZ_DIR;
    }

    if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name)
        >= sizeof(path))
    {
        goto bad_name;
    }

    if (sc_tz_read_file(path, &data, &len, err, errlen) != 0) {
        return -1;
    }

    rc = sc_tz_parse_tzif(tz, data, len, err, errlen);
    free(data);

    if (rc != 0) {
        return -1;
    }

    memcpy(tz->name, name, strlen(name) + 1);

    return 0;

bad_name:

    snprintf(err, errlen, "time zone \"%s\": not a zone name like "
             "Europe/Madrid or an offset like +02:00", name);
    return -1;
}


/*
 * "UTC", "GMT", "Z", "+02:00", "-0530", "+2", "UTC+02:00": 1 with the
 * offset, 0 when s is not of that shape (a zone name), -1 when it is but
 * the offset is out of range.
 */
static int
sc_tz_fixed(const char *s, int32_t *off)
{
    int          sign, h, m, nd;
    const char  *p;

    if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0
        || strcmp(s, "GMT") == 0)
    {
        *off = 0;
        return 1;
    }

    p = s;

    if (strncmp(p, "UTC", 3) == 0 || strncmp(p, "GMT", 3) == 0) {
        p += 3;
    }

    if (*p != '+' && *p != '-') {
        return 0;
    }

    sign = (*p++ == '-') ? -1 : 1;

    for (h = 0, nd = 0; *p >= '0' && *p <= '9' && nd < 2; p++, nd++) {
        h = h * 10 + (*p - '0');
    }

    if (nd == 0) {
        return -1;
    }

    m = 0;

    if (*p == ':') {
        p++;
    }

    if (*p != '\0') {
        if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9'
              && p[2] == '\0'))
        {
            return -1;
        }

        m = (p[0] - '0') * 10 + (p[1] - '0');
    }

    if (h * 3600 + m * 60 > SC_TZ_FIXED_MAX) {
        return -1;
    }

    *off = sign * (h * 3600 + m * 60);

    return 1;
}


static int
sc_tz_read_file(const char *path, unsigned char **data, size_t *len,
    char *err, size_t errlen)
{
    FILE           *f;
    size_t          n;
    unsigned char  *buf;

    *data = NULL;

    f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "unknown time zone: %s: %s", path,
                 strerror(errno));
        return -1;
    }

    buf = malloc(SC_TZ_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    n = fread(buf, 1, SC_TZ_FILE_MAX + 1, f);

    if (ferror(f) || n > SC_TZ_FILE_MAX) {
        snprintf(err, errlen, "time zone file %s: %s", path,
                 ferror(f) ? "read error" : "too large");
        fclose(f);
        free(buf);
        return -1;
    }

    fclose(f);

    *data = buf;
    *len = n;

    return 0;
}


static uint32_t
sc_be32(const unsigned char *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | (uint32_t) p[3];
}


static int64_t
sc_be64(const unsigned char *p)
{
    return (int64_t) (((uint64_t) sc_be32(p) << 32) | sc_be32(p + 4));
}


int
sc_tz_parse_tzif(sc_tz_t *tz, const unsigned char *p, size_t len,
    char *err, size_t errlen)
{
    int               v2;
    size_t            i, n, tsize, block, cnt[6], off;
    int32_t           utoff, prev;
    int64_t           at, prev_at;
    const char       *nl, *footer, *end;
    const unsigned char  *idx, *types;
    sc_tz_trans_t    *trans;

    enum { ISUT = 0, ISSTD, LEAP, TIME, TYPE, CHAR };

    memset(tz, 0, sizeof(sc_tz_t));

    if (len < 44 || memcmp(p, "TZif", 4) != 0) {
        snprintf(err, errlen, "not a TZif time zone file");
        return -1;
    }

    v2 = (p[4] >= '2');
    off = 0;
    tsize = 4;

    for ( ;; ) {
        for (i = 0; i < 6; i++) {
            cnt[i] = sc_be32(p + off + 20 + 4 * i);
        }

        if (cnt[TYPE] == 0 || cnt[TYPE] > 256 || cnt[TIME] > SC_TZ_TRANS_MAX
            || cnt[CHAR] > 65536 || cnt[LEAP] > 65536
            || (cnt[ISUT] != 0 && cnt[ISUT] != cnt[TYPE])
            || (cnt[ISSTD] != 0 && cnt[ISSTD] != cnt[TYPE]))
        {
            goto invalid;
        }

        block = cnt[TIME] * tsize + cnt[TIME] + cnt[TYPE] * 6 + cnt[CHAR]
                + cnt[LEAP] * (tsize + 4) + cnt[ISSTD] + cnt[ISUT];

        if (len - off - 44 < block) {
            goto invalid;
        }

        /* the version 1 block is only skipped: the 64-bit one follows */
        if (!v2 || tsize == 8) {
            break;
        }

        off += 44 + block;
        tsize = 8;

        if (len - off < 44 || memcmp(p + off, "TZif", 4) != 0) {
            goto invalid;
        }
    }

    /*
     * Leap-second ("right/") zones count seconds that unix time does not:
     * every answer would be off by half a minute.
     */
    if (cnt[LEAP] != 0) {
        snprintf(err, errlen, "leap-second time zone files (right/...) "
                 "are not supported");
        return -1;
    }

    off += 44;
    idx = p + off + cnt[TIME] * tsize;
    types = idx + cnt[TIME];

    for (i = 0; i < cnt[TYPE]; i++) {
        utoff = (int32_t) sc_be32(types + 6 * i);

        if (utoff <= -SC_TZ_OFF_MAX || utoff >= SC_TZ_OFF_MAX
            || types[6 * i + 4] > 1 || types[6 * i + 5] >= cnt[CHAR])
        {
            goto invalid;
        }
    }

    tz->utoff0 = (int32_t) sc_be32(types);

    trans = NULL;

    if (cnt[TIME] > 0) {
        trans = malloc(cnt[TIME] * sizeof(sc_tz_trans_t));
        if (trans == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }

    /* only changes of offset matter here: abbreviations and isdst do not */
    prev = tz->utoff0;
    n = 0;

    prev_at = INT64_MIN;

    for (i = 0; i < cnt[TIME]; i++) {
        at = (tsize == 8) ? sc_be64(p + off + 8 * i)
                          : (int64_t) (int32_t) sc_be32(p + off + 4 * i);

        if (idx[i] >= cnt[TYPE] || (i > 0 && at <= prev_at)) {
            free(trans);
            goto invalid;
        }

        prev_at = at;

        utoff = (int32_t) sc_be32(types + 6 * idx[i]);

        if (utoff == prev) {
            continue;
        }

        trans[n].at = at;
        trans[n].utoff = utoff;
        prev = utoff;
        n++;
    }

    if (n == 0) {
        free(trans);
        trans = NULL;
    }

    tz->trans = trans;
    tz->ntrans = n;

    if (!v2) {
        return 0;
    }

    footer = (const char *) p + off + block;
    end = (const char *) p + len;

    if (footer >= end || *footer != '\n') {
        sc_tz_free(tz);
        goto invalid;
    }

    footer++;
    nl = memchr(footer, '\n', end - footer);

    if (nl == NULL) {
        sc_tz_free(tz);
        goto invalid;
    }

    if (nl > footer) {
        if (sc_tz_posix(footer, nl, &tz->rule) != nl) {
            sc_tz_free(tz);
            snprintf(err, errlen, "time zone file: unsupported TZ rule "
                     "\"%.*s\"", (int) (nl - footer), footer);
            return -1;
        }

        tz->has_rule = 1;
    }

    return 0;

invalid:

    snprintf(err, errlen, "invalid or truncated TZif time zone file");
    return -1;
}


/*
 * A POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"); returns where it
 * stopped, NULL on a syntax error.
 */
static const char *
sc_tz_posix(const char *p, const char *end, sc_tz_rule_t *r)
{
    int32_t  v;

    memset(r, 0, sizeof(sc_tz_rule_t));

    p = sc_tz_posix_name(p, end);
    if (p == NULL) {
        return NULL;
    }

    /* POSIX offsets count west of Greenwich */
    p = sc_tz_posix_time(p, end, 24, &v);
    if (p == NULL) {
        return NULL;
    }

    r->std_off = -v;
    r->dst_off = r->std_off;

    if (p == end) {
        return p;
    }

    p = sc_tz_posix_name(p, end);
    if (p == NULL) {
        return NULL;
    }

    r->has_dst = 1;
    r->dst_off = r->std_off + 3600;

    if (p < end && *p != ',') {
        p = sc_tz_posix_time(p, end, 24, &v);
        if (p == NULL) {
            return NULL;
        }

        r->dst_off = -v;
    }

    /* POSIX leaves the default rule to the implementation: US rules */
    r->start.kind = 'M';
    r->start.month = 3;
    r->start.week = 2;
    r->start.secs = 7200;
    r->end.kind = 'M';
    r->end.month = 11;
    r->end.week = 1;
    r->end.secs = 7200;

    if (p == end) {
        return p;
    }

    if (*p++ != ',') {
        return NULL;
    }

    p = sc_tz_posix_date(p, end, &r->start);
    if (p == NULL || p == end || *p++ != ',') {
        return NULL;
    }

    return sc_tz_posix_date(p, end, &r->end);
}


static const char *
sc_tz_posix_name(const char *p, const char *end)
{
    const char  *start;

    if (p < end && *p == '<') {
        start = ++p;

        while (p < end && *p != '>') {
            p++;
        }

        return (p < end && p - start >= 3) ? p + 1 : NULL;
    }

    start = p;

    while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
    {
        p++;
    }

    return (p - start >= 3) ? p : NULL;
}


/* [+-]hh[:mm[:ss]], hh at most maxh */
static const char *
sc_tz_posix_time(const char *p, const char *end, int maxh, int32_t *secs)
{
    int  sign, h, m, s;

    sign = 1;

    if (p < end && (*p == '+' || *p == '-')) {
        sign = (*p++ == '-') ? -1 : 1;
    }

    p = sc_tz_num(p, end, maxh, &h);
    if (p == NULL) {
        return NULL;
    }

    m = 0;
    s = 0;

    if (p < end && *p == ':') {
        p = sc_tz_num(p + 1, end, 59, &m);

        if (p != NULL && p < end && *p == ':') {
            p = sc_tz_num(p + 1, end, 59, &s);
        }
    }

    *secs = sign * (h * 3600 + m * 60 + s);

    return p;
}


static const char *
sc_tz_posix_date(const char *p, const char *end, sc_tz_date_t *d)
{
    memset(d, 0, sizeof(sc_tz_date_t));

    if (p < end && *p == 'M') {
        d->kind = 'M';
        p = sc_tz_num(p + 1, end, 12, &d->month);

        if (p == NULL || d->month == 0 || p == end || *p++ != '.') {
            return NULL;
        }

        p = sc_tz_num(p, end, 5, &d->week);

        if (p == NULL || d->week == 0 || p == end || *p++ != '.') {
            return NULL;
        }

        p = sc_tz_num(p, end, 6, &d->wday);

    } else if (p < end && *p == 'J') {
        d->kind = 'J';
        p = sc_tz_num(p + 1, end, 365, &d->yday);

        if (p != NULL && d->yday == 0) {
            return NULL;
        }

    } else {
        d->kind = 'N';
        p = sc_tz_num(p, end, 365, &d->yday);
    }

    if (p == NULL) {
        return NULL;
    }

    d->secs = 7200;

    if (p < end && *p == '/') {
        /* RFC 8536 extends the time of day to -167..167 hours */
        p = sc_tz_posix_time(p + 1, end, 167, &d->secs);
    }

    return p;
}


static const char *
sc_tz_num(const char *p, const char *end, int max, int *v)
{
    int  n, nd;

    for (n = 0, nd = 0; p < end && *p >= '0' && *p <= '9'; p++, nd++) {
        n = n * 10 + (*p - '0');

        if (n > max) {
            return NULL;
        }
    }

    if (nd == 0) {
        return NULL;
    }

    *v = n;

    return p;
}


/* the day (days since the epoch) a rule date falls on in year y */
static int64_t
sc_tz_rule_day(const sc_tz_date_t *d, int64_t y)
{
    int      n, wd1, mdays;
    int64_t  first;

    if (d->kind == 'J') {
        n = d->yday - 1 + (sc_is_leap(y) && d->yday >= 60);
        return sc_days_from_civil(y, 1, 1) + n;
    }

    if (d->kind == 'N') {
        return sc_days_from_civil(y, 1, 1) + d->yday;
    }

    first = sc_days_from_civil(y, d->month, 1);
    wd1 = (int) ((first % 7 + 7 + 4) % 7);       /* 1970-01-01: Thursday */
    n = (d->wday - wd1 + 7) % 7 + 7 * (d->week - 1);
    mdays = sc_month_days(y, d->month);

    while (n >= mdays) {
        n -= 7;
    }

    return first + n;
}


/* when DST starts (s) and ends (e) in year y, unix time */
static void
sc_tz_rule_year(const sc_tz_rule_t *r, int64_t y, int64_t *s, int64_t *e)
{
    *s = sc_tz_rule_day(&r->start, y) * SC_DAY + r->start.secs - r->std_off;
    *e = sc_tz_rule_day(&r->end, y) * SC_DAY + r->end.secs - r->dst_off;
}


static int32_t
sc_tz_rule_offset(const sc_tz_rule_t *r, int64_t t)
{
    int64_t  y, s, e;

    if (!r->has_dst) {
        return r->std_off;
    }

    y = sc_year_of_days(sc_fdiv(t + r->std_off, SC_DAY));
    sc_tz_rule_year(r, y, &s, &e);

    if (s < e) {
        return (t >= s && t < e) ? r->dst_off : r->std_off;
    }

    /* southern hemisphere: DST spans the new year */
    return (t >= e && t < s) ? r->std_off : r->dst_off;
}


static int64_t
sc_tz_rule_next(const sc_tz_rule_t *r, int64_t t)
{
    int64_t  y, yy, s, e, best;

    best = INT64_MAX;

    if (!r->has_dst || r->std_off == r->dst_off) {
        return best;
    }

    y = sc_year_of_days(sc_fdiv(t + r->std_off, SC_DAY));

    for (yy = y - 1; yy <= y + 1; yy++) {
        sc_tz_rule_year(r, yy, &s, &e);

        if (s > t && s < best) {
            best = s;
        }

        if (e > t && e < best) {
            best = e;
        }
    }

    return best;
}


int32_t
sc_tz_offset(const sc_tz_t *tz, int64_t t)
{
    size_t  lo, hi, mid, n;

    n = tz->ntrans;

    if (n == 0) {
        return tz->has_rule ? sc_tz_rule_offset(&tz->rule, t) : tz->utoff0;
    }

    if (t < tz->trans[0].at) {
        return tz->utoff0;
    }

    if (t >= tz->trans[n - 1].at) {
        return tz->has_rule ? sc_tz_rule_offset(&tz->rule, t)
                            : tz->trans[n - 1].utoff;
    }

    /* the last transition at or before t: trans[lo].at <= t < [hi].at */
    lo = 0;
    hi = n - 1;

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (tz->trans[mid].at <= t) {
            lo = mid;

        } else {
            hi = mid;
        }
    }

    return tz->trans[lo].utoff;
}


int64_t
sc_tz_next_change(const sc_tz_t *tz, int64_t t)
{
    size_t  lo, hi, mid, n;

    n = tz->ntrans;

    if (n > 0 && t < tz->trans[n - 1].at) {
        /* the first transition after t */
        lo = 0;
        hi = n - 1;

        if (t < tz->trans[0].at) {
            return tz->trans[0].at;
        }

        while (hi - lo > 1) {
            mid = lo + (hi - lo) / 2;

            if (tz->trans[mid].at <= t) {
                lo = mid;

            } else {
                hi = mid;
            }
        }

        return tz->trans[hi].at;
    }

    return tz->has_rule ? sc_tz_rule_next(&tz->rule, t) : INT64_MAX;
}


/* business hours */

void
sc_hours_init(sc_hours_t *h)
{
    memset(h, 0, sizeof(sc_hours_t));
}


void
sc_hours_free(sc_hours_t *h)
{
    sc_tz_free(&h->tz);
    sc_hours_init(h);
}


int
sc_hours_copy(sc_hours_t *dst, const sc_hours_t *src)
{
    *dst = *src;
    dst->tz.trans = NULL;

    if (src->tz.ntrans > 0) {
        dst->tz.trans = malloc(src->tz.ntrans * sizeof(sc_tz_trans_t));

        if (dst->tz.trans == NULL) {
            sc_hours_init(dst);
            return -1;
        }

        memcpy(dst->tz.trans, src->tz.trans,
               src->tz.ntrans * sizeof(sc_tz_trans_t));
    }

    return 0;
}


int
sc_hours_parse(const char *spec, sc_hours_t *out, char *err,
    size_t errlen)
{
    char            *p, *tok[SC_HOURS_TOKENS];
    size_t           len, ntok, i;
    unsigned         mask, start, end, nraw[7];
    int              ranged, d;
    sc_hours_raw_t   raw[7][SC_HOURS_RAW_MAX];
    char             buf[SC_HOURS_SPEC_MAX + 1];

    sc_hours_init(out);

    if (spec == NULL) {
        return 0;
    }

    len = strlen(spec);

    if (len > SC_HOURS_SPEC_MAX) {
        snprintf(err, errlen, "business hours: longer than %d characters",
                 SC_HOURS_SPEC_MAX);
        return -1;
    }

    memcpy(buf, spec, len + 1);

    /* tokens: blanks and commas only separate */
    ntok = 0;
    p = buf;

    for ( ;; ) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n'
               || *p == '\r')
        {
            *p++ = '\0';
        }

        if (*p == '\0') {
            break;
        }

        if (ntok == SC_HOURS_TOKENS) {
            snprintf(err, errlen, "business hours: too many parts");
            return -1;
        }

        tok[ntok++] = p;

        while (*p != '\0' && *p != ' ' && *p != '\t' && *p != ','
               && *p != '\n' && *p != '\r')
        {
            p++;
        }
    }

    memset(nraw, 0, sizeof(nraw));
    mask = 0;
    ranged = 0;

    for (i = 0; i < ntok; i++) {

        if (tok[i][0] >= '0' && tok[i][0] <= '9') {
            if (mask == 0) {
                snprintf(err, errlen, "business hours: \"%s\" has no days "
                         "before it (e.g. \"mon-fri %s\")", tok[i], tok[i]);
                return -1;
            }

            if (sc_hours_range(tok[i], &start, &end, err, errlen) != 0) {
                return -1;
            }

            for (d = 0; d < 7; d++) {
                if (!(mask & (1u << d))) {
                    continue;
                }

                if (sc_hours_add(raw, nraw, d, start, end) != 0) {
                    snprintf(err, errlen, "business hours: too many time "
                             "ranges on %s", sc_day_names[d]);
                    return -1;
                }
            }

            ranged = 1;
            continue;
        }

        if (sc_hours_days(tok[i], &start, err, errlen) == 0) {
            if (ranged) {
                /* days after a range start the next group */
                mask = 0;
                ranged = 0;
            }

            mask |= start;
            continue;
        }

        if (i + 1 < ntok) {
            /* err says what is wrong with the day */
            return -1;
        }

        if (mask != 0 && !ranged) {
            snprintf(err, errlen, "business hours: the days before \"%s\" "
                     "have no time range (e.g. 09:00-18:00)", tok[i]);
            return -1;
        }

        /* the last token, neither days nor times: the time zone */
        if (sc_tz_load(&out->tz, tok[i], err, errlen) != 0) {
            if (strchr(tok[i], '/') == NULL && tok[i][0] != '+'
                && tok[i][0] != '-' && strncmp(tok[i], "UTC", 3) != 0
                && strncmp(tok[i], "GMT", 3) != 0)
            {
                snprintf(err, errlen, "business hours: \"%s\" is neither "
                         "a day nor a time zone (zones are like "
                         "Europe/Madrid or +02:00)", tok[i]);
            }

            return -1;
        }
    }

    if (mask != 0 && !ranged) {
        snprintf(err, errlen, "business hours: \"%s\" ends with days "
                 "without a time range (e.g. 09:00-18:00)", spec);
        sc_hours_free(out);
        return -1;
    }

    if (sc_hours_merge(out, raw, nraw, err, errlen) != 0) {
        sc_hours_free(out);
        return -1;
    }

    return 0;
}


/* "mon", "mon-fri", "fri-mon", "daily", "weekdays", "weekends" */
static int
sc_hours_days(const char *tok, unsigned *mask, char *err, size_t errlen)
{
    int          a, b;
    const char  *dash;

    if (strcasecmp(tok, "daily") == 0 || strcasecmp(tok, "everyday") == 0) {
        *mask = 0x7f;
        return 0;
    }

    if (strcasecmp(tok, "weekdays") == 0) {
        *mask = 0x1f;
        return 0;
    }

    if (strcasecmp(tok, "weekends") == 0) {
        *mask = 0x60;
        return 0;
    }

    dash = strchr(tok, '-');

    a = sc_hours_day(tok, dash ? (size_t) (dash - tok) : strlen(tok));
    b = dash ? sc_hours_day(dash + 1, strlen(dash + 1)) : a;

    if (a < 0 || b < 0) {
        snprintf(err, errlen, "business hours: unknown day \"%s\" (days "
                 "are mon, tue, wed, thu, fri, sat, sun, a range like "
                 "mon-fri, daily, weekdays or weekends; the time zone "
                 "comes last)", (a < 0) ? tok : dash + 1);
        return -1;
    }

    /* a range may wrap around the week end: fri-mon */
    *mask = 0;

    for ( ;; ) {
        *mask |= 1u << a;

        if (a == b) {
            break;
        }

        a = (a + 1) % 7;
    }

    return 0;
}


/* 0 (Monday) .. 6, -1 when not a day name */
static int
sc_hours_day(const char *s, size_t len)
{
    int  d;

    if (len < 3) {
        return -1;
    }

    for (d = 0; d < 7; d++) {
        if (strncasecmp(s, sc_day_names[d], 3) != 0) {
            continue;
        }

        if (len == 3 || (len == strlen(sc_day_names[d])
                         && strncasecmp(s, sc_day_names[d], len) == 0))
        {
            return d;
        }
    }

    return -1;
}


static int
sc_hours_range(const char *tok, unsigned *start, unsigned *end, char *err,
    size_t errlen)
{
    const char  *dash;

    dash = strchr(tok, '-');

    if (dash == NULL
        || sc_hours_time(tok, dash - tok, start) != 0
        || sc_hours_time(dash + 1, strlen(dash + 1), end) != 0
        || *start == 1440)
    {
        snprintf(err, errlen, "business hours: \"%s\" is not a time range "
                 "like 09:00-18:00 (hours 0 to 24, minutes 00 to 59)", tok);
        return -1;
    }

    if (*start == *end) {
        snprintf(err, errlen, "business hours: \"%s\" is an empty time "
                 "range (a whole day is 00:00-24:00)", tok);
        return -1;
    }

    return 0;
}


/* H:MM or HH:MM, 0:00 to 24:00, in minutes */
static int
sc_hours_time(const char *s, size_t len, unsigned *min)
{
    unsigned  h, m;

    if (len == 4 && s[1] == ':') {
        h = s[0] - '0';
        s += 2;

    } else if (len == 5 && s[2] == ':'
               && s[0] >= '0' && s[0] <= '9')
    {
        h = (s[0] - '0') * 10 + (unsigned) (s[1] - '0');
        s += 3;

    } else {
        return -1;
    }

    if (h > 24 || s[-2] < '0' || s[-2] > '9' || s[0] < '0' || s[0] > '5'
        || s[1] < '0' || s[1] > '9')
    {
        return -1;
    }

    m = (s[0] - '0') * 10 + (unsigned) (s[1] - '0');

    if (h == 24 && m != 0) {
        return -1;
    }

    *min = h * 60 + m;

    return 0;
}


static int
sc_hours_add(sc_hours_raw_t raw[7][SC_HOURS_RAW_MAX], unsigned nraw[7],
    int day, unsigned start, unsigned end)
{
    int  next;

    if (end > start) {
        if (nraw[day] == SC_HOURS_RAW_MAX) {
            return -1;
        }

        raw[day][nraw[day]].start = start;
        raw[day][nraw[day]++].end = end;
        return 0;
    }

    /* past midnight: the rest of this day and the start of the next */
    if (sc_hours_add(raw, nraw, day, start, 1440) != 0) {
        return -1;
    }

    next = (day + 1) % 7;

    return (end == 0) ? 0 : sc_hours_add(raw, nraw, next, 0, end);
}


static int
sc_hours_raw_cmp(const void *a, const void *b)
{
    const sc_hours_raw_t  *x = a, *y = b;

    return (int) x->start - (int) y->start;
}


static int
sc_hours_merge(sc_hours_t *h, sc_hours_raw_t raw[7][SC_HOURS_RAW_MAX],
    unsigned nraw[7], char *err, size_t errlen)
{
    int                d;
    unsigned           i, n;
    sc_hours_range_t  *r;

    for (d = 0; d < 7; d++) {
        qsort(raw[d], nraw[d], sizeof(sc_hours_raw_t), sc_hours_raw_cmp);

        n = 0;
        r = h->ranges[d];

        for (i = 0; i < nraw[d]; i++) {
            if (n > 0 && raw[d][i].start <= r[n - 1].end) {
                if (raw[d][i].end > r[n - 1].end) {
                    r[n - 1].end = raw[d][i].end;
                }

                continue;
            }

            if (n == SC_HOURS_RANGES_MAX) {
                snprintf(err, errlen, "business hours: more than %d "
                         "separate time ranges on %s", SC_HOURS_RANGES_MAX,
                         sc_day_names[d]);
                return -1;
            }

            r[n].start = raw[d][i].start;
            r[n].end = raw[d][i].end;
            n++;
        }

        h->nranges[d] = (uint8_t) n;

        if (n > 0) {
            h->set = 1;
        }
    }

    return 0;
}


/* local: seconds since the epoch on the local wall clock */
static int
sc_hours_open_local(const sc_hours_t *h, int64_t local)
{
    int64_t                  days, sod;
    unsigned                 i, wd;
    const sc_hours_range_t  *r;

    days = sc_fdiv(local, SC_DAY);
    sod = local - days * SC_DAY;
    wd = (unsigned) ((days % 7 + 7 + 3) % 7);     /* 0: Monday */
    r = h->ranges[wd];

    for (i = 0; i < h->nranges[wd]; i++) {
        if (sod >= (int64_t) r[i].start * 60 && sod < (int64_t) r[i].end * 60)
        {
            return 1;
        }
    }

    return 0;
}


int
sc_hours_is_open(const sc_hours_t *h, int64_t now)
{
    if (!h->set) {
        return 1;
    }

    return sc_hours_open_local(h, now + sc_tz_offset(&h->tz, now));
}


/*
 * The earliest open instant after a closed now begins an open stretch,
 * so it is either a range's start on the local clock (for each offset the
 * zone had around it, which covers a clock that repeats an hour) or an
 * offset change that moves the clock into a range (which covers a start
 * skipped by a spring-forward gap).  The candidates of the coming days
 * are tried in order; the smallest open one wins.
 */
int64_t
sc_hours_next_open(const sc_hours_t *h, int64_t now)
{
    int       o;
    int32_t   off[2];
    int64_t   best, day0, day, local, u, t;
    unsigned  i, wd;
    int       k;

    if (sc_hours_is_open(h, now)) {
        return now;
    }

    best = INT64_MAX;

    /* offset changes in the coming week and a bit */
    for (t = sc_tz_next_change(&h->tz, now);
         t != INT64_MAX && t <= now + SC_WEEK + 2 * SC_DAY;
         t = sc_tz_next_change(&h->tz, t))
    {
        if (sc_hours_is_open(h, t)) {
            best = t;
            break;
        }
    }

    day0 = sc_fdiv(now + sc_tz_offset(&h->tz, now), SC_DAY);

    for (k = -1; k <= 8; k++) {
        day = day0 + k;

        /* every later start is later than the best already found */
        if (day * SC_DAY - SC_TZ_OFF_MAX > best) {
            break;
        }

        wd = (unsigned) ((day % 7 + 7 + 3) % 7);

        for (i = 0; i < h->nranges[wd]; i++) {
            local = day * SC_DAY + (int64_t) h->ranges[wd][i].start * 60;

            /* the offsets a day either side bracket the instant */
            off[0] = sc_tz_offset(&h->tz, local - SC_DAY);
            off[1] = sc_tz_offset(&h->tz, local + SC_DAY);

            for (o = 0; o < 2; o++) {
                if (o == 1 && off[1] == off[0]) {
                    break;
                }

                u = local - off[o];

                if (u > now && u < best
                    && sc_tz_offset(&h->tz, u) == off[o])
                {
                    best = u;
                }
            }
        }
    }

    return (best == INT64_MAX) ? -1 : best;
}


/*
 * Between two offset changes the local clock runs with the UTC one, so
 * each range of each local day there is one interval: the walk visits
 * every stretch of one offset and every local day in it once, whatever
 * the length of the ranges.
 */
size_t
sc_hours_intervals(const sc_hours_t *h, int64_t from, int64_t to,
    int64_t *starts, int64_t *ends, size_t max)
{
    int      full;
    size_t   n;
    int64_t  a, b;

    if (from >= to || max == 0) {
        return 0;
    }

    if (!h->set) {
        starts[0] = from;
        ends[0] = to;
        return 1;
    }

    if (from < -SC_TIME_MAX) {
        from = -SC_TIME_MAX;
    }

    if (to > SC_TIME_MAX) {
        to = SC_TIME_MAX;
    }

    n = 0;
    full = 0;

    for (a = from; a < to && !full; a = b) {
        b = sc_tz_next_change(&h->tz, a);

        if (b > to) {
            b = to;
        }

        n = sc_hours_stretch(h, a, b, sc_tz_offset(&h->tz, a), starts, ends,
                             n, max, &full);
    }

    return n;
}


/*
 * The open intervals of [a, b), where the offset is off, appended to the
 * n already written (the first of them joins the last one when they
 * touch); *full when one more would not fit.
 */
static size_t
sc_hours_stretch(const sc_hours_t *h, int64_t a, int64_t b, int32_t off,
    int64_t *starts, int64_t *ends, size_t n, size_t max, int *full)
{
    int64_t                  day, last, s, e;
    unsigned                 i, wd;
    const sc_hours_range_t  *r;

    last = sc_fdiv(b - 1 + off, SC_DAY);

    for (day = sc_fdiv(a + off, SC_DAY); day <= last; day++) {
        wd = (unsigned) ((day % 7 + 7 + 3) % 7);     /* 0: Monday */
        r = h->ranges[wd];

        for (i = 0; i < h->nranges[wd]; i++) {
            s = day * SC_DAY + (int64_t) r[i].start * 60 - off;
            e = day * SC_DAY + (int64_t) r[i].end * 60 - off;

            if (s < a) {
                s = a;
            }

            if (e > b) {
                e = b;
            }

            if (s >= e) {
                continue;
            }

            if (n > 0 && s == ends[n - 1]) {
                ends[n - 1] = e;
                continue;
            }

            if (n == max) {
                *full = 1;
                return n;
            }

            starts[n] = s;
            ends[n] = e;
            n++;
        }
    }

    return n;
}


size_t
sc_hours_format(const sc_hours_t *h, int64_t now, int64_t at, int clock12,
    char *buf, size_t size)
{
    int          n, hh, mm, mon, mday;
    int64_t      lnow, lat, dnow, dat, diff, y, first;
    unsigned     wd;
    const char  *ampm;
    char         clock[16];

    if (at < now) {
        return 0;
    }

    lnow = now + sc_tz_offset(&h->tz, now);
    lat = at + sc_tz_offset(&h->tz, at);
    dnow = sc_fdiv(lnow, SC_DAY);
    dat = sc_fdiv(lat, SC_DAY);
    diff = dat - dnow;
    wd = (unsigned) ((dat % 7 + 7 + 3) % 7);

    hh = (int) ((lat - dat * SC_DAY) / 3600);
    mm = (int) ((lat - dat * SC_DAY) % 3600 / 60);

    if (clock12) {
        ampm = (hh < 12) ? "AM" : "PM";
        hh %= 12;
        snprintf(clock, sizeof(clock), "%d:%02d %s", hh ? hh : 12, mm, ampm);

    } else {
        snprintf(clock, sizeof(clock), "%d:%02d", hh, mm);
    }

    if (diff == 0) {
        n = snprintf(buf, size, "today at %s", clock);

    } else if (diff == 1) {
        n = snprintf(buf, size, "tomorrow at %s", clock);

    } else if (diff < 7) {
        n = snprintf(buf, size, "%s at %s", sc_day_names[wd], clock);

    } else if (diff < 14) {
        n = snprintf(buf, size, "next %s at %s", sc_day_names[wd], clock);

    } else {
        y = sc_year_of_days(dat);

        for (mon = 12; mon > 1; mon--) {
            if (sc_days_from_civil(y, mon, 1) <= dat) {
                break;
            }
        }

        first = sc_days_from_civil(y, mon, 1);
        mday = (int) (dat - first) + 1;
        n = snprintf(buf, size, "on %d %s at %s", mday,
                     sc_month_names[mon - 1], clock);
    }

    if (n < 0 || (size_t) n >= size) {
        if (size > 0) {
            buf[0] = '\0';
        }

        return 0;
    }

    return (size_t) n;
}
