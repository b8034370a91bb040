/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_json.h: the small jansson helpers every platform normalizer shares.
 * Pure C, jansson and OpenSSL, no nginx types.
 *
 * A normalizer built on these looks like:
 *
 *     rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
 *                              errlen);
 *     if (rc != SC_PARSE_OK) {
 *         return rc;                           (err is set, out is empty)
 *     }
 *
 *     rc = sc_json_event(out, "telegram", "message", msg, &ev);
 *     if (rc != SC_PARSE_OK) {
 *         return sc_json_fail(out, rc, err, errlen);
 *     }
 *
 *     ev->text = sc_json_path_str(msg, "text");
 *     ev->author_id = sc_json_id_str(out, sc_json_path(msg, "from.id"));
 *     ev->occurred_ms = sc_json_time_ms(sc_json_path(msg, "date"),
 *                                       SC_TIME_S);
 *     rc = sc_json_set_id(ev, "123456");       (or _join, _hash)
 *
 * Every lookup is NULL-safe: a missing key, a non-object on the way or a
 * value of the wrong type yields NULL (or -1 / 0), never a crash, so
 * lookups chain without checks in between.  The derived-string helpers
 * (sc_json_keep*, sc_json_id_str) also yield NULL when memory runs out:
 * the field is then left unknown rather than failing the webhook.
 *
 * Ownership: out->root is a JSON array whose element 0 is the document
 * (the parsed body, or the object a form body was turned into) and whose
 * other elements are strings the normalizer derived (sc_json_keep*).  So
 * every const char * an event borrows lives exactly as long as out, and
 * ev->raw points into element 0.
 */

#ifndef _SC_JSON_H_INCLUDED_
#define _SC_JSON_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "sc_event.h"
#include "sc_request.h"
#include "sc_form.h"


#define SC_SHA256_HEX_LEN  64
#define SC_JSON_FORM_MAX   1024     /* form fields, as sc_verify accepts */


typedef enum {
    SC_TIME_S = 0,        /* unix seconds, fractions allowed ("1.000005") */
    SC_TIME_MS,           /* unix milliseconds */
    SC_TIME_AUTO          /* ms above 1e11 (1973 in ms), else seconds */
} sc_time_unit_e;


/* a platform's name for something -> our static type name and flags */
typedef struct {
    const char           *name;
    const char           *type;
    unsigned              flags;
} sc_json_name_t;


/*
 * Lookups.  path is a dot-separated list of object keys ("message.from.id",
 * each below 128 bytes); a key that itself contains a dot cannot be
 * addressed this way: use json_object_get() for that step.
 */
json_t *sc_json_path(json_t *v, const char *path);
const char *sc_json_path_str(json_t *v, const char *path);

/* obj[key] when it is a string (key taken literally, dots included) */
const char *sc_json_str(json_t *obj, const char *key);

/*
 * An integer from a JSON integer, an integral real, or a decimal string
 * ("1516403560557", "-1001234567890"): platforms send ids and times as
 * both.  Returns 0 and sets *out, or -1 (anything else, or out of range).
 */
int sc_json_int64(json_t *v, int64_t *out);

/*
 * A time in unix milliseconds, 0 when absent or unreadable: numbers and
 * numeric strings in the given unit (SC_TIME_S takes fractions, as in
 * Slack's "1355517523.000005"), and ISO 8601 strings whatever the unit.
 */
int64_t sc_json_time_ms(json_t *v, sc_time_unit_e unit);

/*
 * "2018-05-24T09:48:12+00:00", "2021-01-06T18:40:40.000Z",
 * "2024-10-18T14:42:53.064834" (no zone: UTC), a space instead of 'T',
 * or a bare date.  Returns unix ms, or 0 when s is not such a time.
 */
int64_t sc_time_iso8601_ms(const char *s);

/* days since 1970-01-01 of a proleptic Gregorian date (month 1..12) */
int64_t sc_time_days(int64_t year, int month, int day);


/* a and b are the same non-empty string ("is the author the brand?") */
int sc_json_same(const char *a, const char *b);


/*
 * The entry in a { name, type, flags } table ending in { NULL, ... }
 * whose name equals name; NULL when name is NULL or not in the table.
 */
const sc_json_name_t *sc_json_lookup(const sc_json_name_t *table,
    const char *name);


/*
 * Documents.  sc_json_load parses a JSON body into out, which must be
 * empty (see "Ownership" above), and sets *doc to the parsed document.
 * Returns SC_PARSE_OK, SC_PARSE_BAD_JSON (err says where) or
 * SC_PARSE_NOMEM; out is empty on failure.  Any JSON value is a document
 * (a bare 5 too): the caller checks its type and answers SC_PARSE_INVALID.
 */
sc_parse_rc_e sc_json_load(const unsigned char *body, size_t len,
    sc_events_t *out, json_t **doc, char *err, size_t errlen);

/*
 * sc_json_load for bodies that must be a JSON object (most platforms):
 * another JSON value is SC_PARSE_INVALID, "body is not a JSON object".
 */
sc_parse_rc_e sc_json_load_object(const unsigned char *body, size_t len,
    sc_events_t *out, json_t **doc, char *err, size_t errlen);

/*
 * Whether a body is JSON rather than a form: by its Content-Type when the
 * request has one, else by its first non-blank byte ('{' or '['; a form
 * never starts so).  For platforms that post both (Slack, Twilio).
 */
int sc_json_body_is_json(const sc_request_t *rq);

/*
 * A form body (application/x-www-form-urlencoded: Twilio, Slack slash
 * commands) as out's document: an object of name -> value strings, a
 * repeated name -> an array of its values in body order.  _load_form
 * parses body (at most SC_JSON_FORM_MAX fields); _adopt_form takes an
 * already parsed form (still the caller's to free).  Return SC_PARSE_OK,
 * SC_PARSE_BAD_JSON (not a form: a NUL byte, too many fields),
 * SC_PARSE_INVALID (a name or value that is not UTF-8) or SC_PARSE_NOMEM;
 * err says which, out is empty on failure.
 */
sc_parse_rc_e sc_json_load_form(const unsigned char *body, size_t len,
    sc_events_t *out, json_t **doc, char *err, size_t errlen);
sc_parse_rc_e sc_json_adopt_form(sc_events_t *out, const sc_form_t *form,
    json_t **doc, char *err, size_t errlen);

/*
 * Makes doc (a document built by the normalizer, e.g. from a form body)
 * out's document.  Steals the reference, also on failure; NULL doc is
 * SC_PARSE_NOMEM (so a failed json_object() can be passed straight in).
 */
sc_parse_rc_e sc_json_adopt(sc_events_t *out, json_t *doc);

/* the document of out (element 0 of out->root), NULL when none */
json_t *sc_json_doc(const sc_events_t *out);

/*
 * Derived strings that events borrow: each returns a NUL-terminated copy
 * owned by out->root, or NULL on ENOMEM or when out has no document.
 * sc_json_keep_fmt is printf-style.  sc_json_keep_join joins the string,
 * integer, real and boolean elements of the array vals with sep (other
 * elements are skipped); NULL when nothing was joined.
 */
const char *sc_json_keep(sc_events_t *out, const char *s, size_t len);
const char *sc_json_keep_fmt(sc_events_t *out, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
const char *sc_json_keep_join(sc_events_t *out, json_t *vals,
    const char *sep);

/*
 * A request header's value (name compared ignoring case) kept in out when
 * it is 1..max bytes of printable ASCII; NULL otherwise (absent, empty,
 * too long, a control or non-ASCII byte, ENOMEM).  Header values are
 * neither NUL-terminated nor checked as UTF-8, and ids taken from them
 * (X-GitHub-Delivery, webhook-id) go to the database.
 */
const char *sc_json_keep_header(sc_events_t *out, const sc_request_t *rq,
    const char *name, size_t max);

/*
 * An id as a C string: a JSON string as is, an integer as its decimal
 * (kept in out).  Telegram and Discord send numeric ids, X both.
 */
const char *sc_json_id_str(sc_events_t *out, json_t *v);


/*
 * Events.  sc_json_event appends a zeroed event with channel, type and raw
 * set (visibility private, occurred_ms 0) and returns SC_PARSE_OK,
 * SC_PARSE_TOO_MANY (SC_EVENTS_MAX reached) or SC_PARSE_NOMEM.  channel
 * and type must be static strings.
 */
sc_parse_rc_e sc_json_event(sc_events_t *out, const char *channel,
    const char *type, json_t *raw, sc_event_t **evp);

/*
 * One "unsupported" event for something not understood, so that nothing
 * is dropped: raw is stored whole, the id is its hash (see below).
 */
sc_parse_rc_e sc_json_unsupported(sc_events_t *out, const char *channel,
    json_t *raw);


/*
 * External ids (ev->external_id, the dedupe key).  All return SC_PARSE_OK
 * or SC_PARSE_NOMEM.
 *
 * sc_json_set_id: a copy of id; a NULL, empty or over-long id falls back
 * to sc_json_set_id_hash(ev, NULL).
 *
 * sc_json_set_id_join: "<prefix>:<part>:<part>..." (no prefix: the parts
 * alone), each part a non-empty JSON string or an integer; anything else
 * or an id that does not fit falls back to the hash.
 *
 * sc_json_set_id_hash: "<prefix>:<64 hex>" (prefix NULL: ev->type), the
 * SHA-256 of ev->raw serialized compact with sorted keys, stable across
 * redeliveries of the same object whatever its key order or spacing.
 */
sc_parse_rc_e sc_json_set_id(sc_event_t *ev, const char *id);
sc_parse_rc_e sc_json_set_id_join(sc_event_t *ev, const char *prefix,
    json_t **parts, size_t n);
sc_parse_rc_e sc_json_set_id_hash(sc_event_t *ev, const char *prefix);

/*
 * Lowercase hex SHA-256 into out (SC_SHA256_HEX_LEN + 1 bytes): of bytes,
 * or of a JSON value serialized as above.  Return 0, or -1 on failure.
 */
int sc_sha256_hex(const void *data, size_t len, char *out);
int sc_json_hash_hex(json_t *v, char *out);


/*
 * Failures.  sc_json_err formats a short sentence into err (NULL-safe).
 * sc_json_fail ends a failed parse: for SC_PARSE_TOO_MANY and
 * SC_PARSE_NOMEM it writes the standard sentence (other codes keep the
 * caller's), frees out and returns rc; SC_PARSE_OK passes through
 * untouched, so "return sc_json_fail(out, rc, ...)" ends either way.
 */
void sc_json_err(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
sc_parse_rc_e sc_json_fail(sc_events_t *out, sc_parse_rc_e rc, char *err,
    size_t errlen);


/*
 * Answers: body serialized compact as application/json with status.
 * Steals body (NULL, e.g. from a failed json_pack, is ENOMEM).  Returns 0,
 * or -1 with answer->status 0.
 */
int sc_json_answer(sc_answer_t *answer, int status, json_t *body);


#endif /* _SC_JSON_H_INCLUDED_ */
