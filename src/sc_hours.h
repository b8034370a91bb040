/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_hours.h: business hours in a time zone.  The zone's rules are read
 * from the system TZif file (/usr/share/zoneinfo, or $TZDIR) once, at
 * configuration time; at request time every answer is arithmetic on that
 * table: no tzset(), no localtime(), no file access, reentrant.  Pure C.
 *
 * Spec grammar (tokens separated by blanks or commas):
 *
 *     spec  = { days { days } range { range } } [ zone ]
 *     days  = day | day "-" day | "daily" | "weekdays" | "weekends"
 *     day   = "mon" | "monday" | ... | "sun" | "sunday"
 *     range = H:MM "-" H:MM      (end 24:00 allowed; end < start runs
 *                                 past midnight into the next day)
 *     zone  = Area/Location | "UTC" | "GMT" | "Z" | [UTC|GMT]+HH[:MM]
 *
 * e.g. "mon-fri 09:00-13:00 15:00-18:00, sat 10:00-14:00 Europe/Madrid".
 * An empty spec (or a zone alone) means always open.
 */

#ifndef _SC_HOURS_H_INCLUDED_
#define _SC_HOURS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


#define SC_HOURS_RANGES_MAX  8        /* per day, after merging */
#define SC_TZ_NAME_MAX       64


/* from at on, the local time is UTC + utoff seconds */
typedef struct {
    int64_t           at;
    int32_t           utoff;
} sc_tz_trans_t;


/* one end of daylight saving time in a POSIX TZ rule (the TZif footer) */
typedef struct {
    char              kind;       /* 'M': month.week.day, 'J': 1..365
                                     without Feb 29, 'N': 0..365 */
    int               month;      /* 1..12 */
    int               week;       /* 1..5, 5: the last */
    int               wday;       /* 0: Sunday */
    int               yday;       /* J and N */
    int32_t           secs;       /* local time of day, may be < 0 or
                                     > 24 h (RFC 8536) */
} sc_tz_date_t;


typedef struct {
    int32_t           std_off;    /* seconds east of UTC */
    int32_t           dst_off;
    unsigned          has_dst:1;
    sc_tz_date_t      start;      /* into DST, in standard local time */
    sc_tz_date_t      end;        /* out of DST, in DST local time */
} sc_tz_rule_t;


typedef struct {
    char              name[SC_TZ_NAME_MAX];  /* "" is UTC */
    int32_t           utoff0;     /* before the first transition */
    sc_tz_trans_t    *trans;      /* malloc'd, ascending, offset changes
                                     only */
    size_t            ntrans;
    sc_tz_rule_t      rule;       /* after the last transition */
    unsigned          has_rule:1;
} sc_tz_t;


typedef struct {
    uint16_t          start;      /* minutes after local midnight */
    uint16_t          end;        /* exclusive, <= 1440 */
} sc_hours_range_t;


/* all zeros (sc_hours_init) is "always open, UTC" */
typedef struct {
    sc_tz_t           tz;
    unsigned          set:1;      /* 0: always open */
    uint8_t           nranges[7];                 /* 0: Monday */
    sc_hours_range_t  ranges[7][SC_HOURS_RANGES_MAX];
} sc_hours_t;


void sc_hours_init(sc_hours_t *h);
void sc_hours_free(sc_hours_t *h);

/* deep copy into an uninitialized dst; -1 when out of memory */
int sc_hours_copy(sc_hours_t *dst, const sc_hours_t *src);

/*
 * Parses spec (NULL or "" is always open) into out, which needs no
 * initialization and needs sc_hours_free() after a 0.  Returns -1 with a
 * sentence naming the offending part in err (out is then empty).
 * Reads the zone's TZif file: configuration time only.
 */
int sc_hours_parse(const char *spec, sc_hours_t *out, char *err,
    size_t errlen);

/* 1 when open at unix time now */
int sc_hours_is_open(const sc_hours_t *h, int64_t now);

/* the first instant >= now when open (now itself when open), -1: never */
int64_t sc_hours_next_open(const sc_hours_t *h, int64_t now);

/*
 * The open hours within [from, to), unix seconds: writes the half-open
 * intervals [starts[i], ends[i]) in order, adjacent ones merged (a range
 * past midnight, 24:00 meeting 00:00, a range across a clock change) and
 * clipped to [from, to); always open is [from, to).  Returns how many it
 * wrote, at most max; 0 when from >= to.  With more than max, the first
 * max are written whole: the last ends where the open time does (the
 * cut), and a call from ends[max - 1] returns the rest.
 */
size_t sc_hours_intervals(const sc_hours_t *h, int64_t from, int64_t to,
    int64_t *starts, int64_t *ends, size_t max);

/*
 * Writes when at is, seen from now, in the hours' zone: "today at 15:00",
 * "tomorrow at 9:00", "Monday at 9:00", "next Monday at 9:00" (clock12:
 * "9:00 AM").  Returns the length, 0 when it does not fit or at < now.
 */
size_t sc_hours_format(const sc_hours_t *h, int64_t now, int64_t at,
    int clock12, char *buf, size_t size);


/*
 * The zone named name ("Europe/Madrid", "UTC", "+02:00") into tz, which
 * needs sc_tz_free() after a 0.  -1 with the reason in err.
 */
int sc_tz_load(sc_tz_t *tz, const char *name, char *err, size_t errlen);

/* a TZif (RFC 8536) image, version 1 to 4: for tests and fuzzing */
int sc_tz_parse_tzif(sc_tz_t *tz, const unsigned char *p, size_t len,
    char *err, size_t errlen);

void sc_tz_free(sc_tz_t *tz);

/* seconds east of UTC at unix time t */
int32_t sc_tz_offset(const sc_tz_t *tz, int64_t t);

/* the first offset change after t, INT64_MAX when none */
int64_t sc_tz_next_change(const sc_tz_t *tz, int64_t t);


#endif /* _SC_HOURS_H_INCLUDED_ */
