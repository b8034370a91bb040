/*
 * Copyright (C) ngx_social_care_module authors
 *
 * fuzz_template.c: reply templates.  Input: two selector bytes, then
 * NUL-separated segments:
 *
 *     template \0 author name \0 author handle \0 issue \0 agent \0 team
 *     \0 brand \0 contact
 *
 * The template goes through sc_reply_conf_set_template (the selectors pick
 * intent, visibility and situation, wildcards included), then every
 * platform composes a reply with it for an event carrying the name and
 * handle, in and out of business hours and in a crisis; the reply must be
 * valid UTF-8.  The template is also checked, rendered and cut directly
 * (sc_tpl_*) over three variables taking the name, handle and issue
 * segments as values, with the length limits the selectors pick.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_request.h"
#include "sc_reply.h"
#include "sc_template.h"


#define FZ_SEGS  8


static sc_hours_t  hours;


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char  err[256];

    (void) argc;
    (void) argv;

    if (sc_hours_parse("mon-fri 09:00-17:00 sat 10:00-14:00 Europe/Madrid",
                       &hours, err, sizeof(err))
        != 0)
    {
        fprintf(stderr, "fuzz_template: hours: %s\n", err);
        abort();
    }

    return 0;
}


static void
fz_reply_check(const sc_reply_t *out)
{
    if (out->text) {
        FZ_CHECK(out->text[0] != '\0');
        FZ_CHECK(sc_tpl_utf8_ok(out->text, strlen(out->text)));
    }
}


static void
fz_compose(const sc_reply_conf_t *rc, unsigned sel, const char **seg)
{
    size_t       i;
    sc_event_t   ev;
    sc_class_t   cls;
    sc_reply_t   out;
    static const char *const  platforms[] = {
        "meta", "x", "slack", "twilio", "telegram", "discord", "line",
        "viber", "standard", "zendesk", "intercom", "tiktok", "github", NULL
    };
    static const char *const  channels[] = {
        "messenger", "instagram", "whatsapp", "sms"
    };
    /* Wednesday 2023-11-15 12:00 UTC (open), 22:00 UTC (closed) */
    static const int64_t  times[] = { 1700049600, 1700085600 };

    memset(&ev, 0, sizeof(sc_event_t));
    ev.channel = channels[sel & 3];
    ev.type = "message";
    snprintf(ev.external_id, sizeof(ev.external_id), "mid.%u", sel);
    ev.author_name = seg[1];
    ev.author_handle = seg[2];
    ev.text = "hello";
    ev.visibility = (sel & 4) ? SC_VISIBILITY_PUBLIC : SC_VISIBILITY_PRIVATE;
    ev.answerable = 1;

    memset(&cls, 0, sizeof(sc_class_t));
    cls.intent = (sc_intent_e) ((sel >> 3) % SC_INTENT_COUNT);
    cls.pii = (sel & 0x40) ? SC_PII_CARD : 0;
    cls.priority = 3;

    for (i = 0; platforms[i] != NULL; i++) {
        FZ_CHECK(sc_reply_compose(rc, &ev, &cls, platforms[i],
                                  times[i & 1], 0, &out)
                 >= 0);
        fz_reply_check(&out);
        sc_reply_free(&out);
    }

    FZ_CHECK(sc_reply_compose(rc, &ev, NULL, "twilio", times[1], 0, &out)
             >= 0);
    fz_reply_check(&out);
    sc_reply_free(&out);

    FZ_CHECK(sc_reply_compose_crisis(rc, &ev, &cls, "x", times[0], seg[3],
                                     &out)
             >= 0);
    fz_reply_check(&out);
    sc_reply_free(&out);

    FZ_CHECK(sc_reply_compose_crisis(rc, &ev, &cls, "twilio", times[1],
                                     seg[3], &out)
             >= 0);
    fz_reply_check(&out);
    sc_reply_free(&out);
}


/* what sc_tpl_fit promises: the text fits lim (counted here anew) */
static int
fz_fits(const char *s, size_t len, const sc_tpl_limit_t *lim)
{
    int                   ucs2;
    size_t                i, cp, utf16, units;
    const unsigned char  *u;

    u = (const unsigned char *) s;
    cp = 0;
    utf16 = 0;

    for (i = 0; i < len; i++) {
        if ((u[i] & 0xc0) != 0x80) {
            cp++;
            utf16 += (u[i] >= 0xf0) ? 2 : 1;
        }
    }

    if (lim->count == SC_TPL_COUNT_CP) {
        return cp <= lim->limit;
    }

    units = sc_tpl_sms_units(s, len, &ucs2);

    return (!ucs2 && units <= lim->limit) || utf16 <= lim->limit_ucs2;
}


static void
fz_direct(unsigned sel, const char **seg)
{
    size_t          i;
    int             ucs2, rc;
    sc_tpl_limit_t  lim;
    const char     *values[3];
    char            err[256];
    static sc_tpl_out_t       out;
    static const char *const  names[] = { "a", "name", "x_1" };
    static const size_t       limits[] = { 0, 1, 5, 20, 70, 160, 280 };

    memset(err, 'E', sizeof(err));

    if (sc_tpl_check(seg[0], names, 3, err, sizeof(err)) != 0) {
        FZ_TERMINATED(err, sizeof(err));
        return;
    }

    for (i = 0; i < 3; i++) {
        values[i] = (strlen(seg[i + 1]) <= SC_TPL_VALUE_MAX
                     && sc_tpl_utf8_ok(seg[i + 1], strlen(seg[i + 1])))
                    ? seg[i + 1] : NULL;
    }

    out.gsm = (sel & 1);
    sc_tpl_render(seg[0], names, 3, values, &out);

    FZ_CHECK(out.len < SC_TPL_OUT_MAX && out.buf[out.len] == '\0');
    FZ_CHECK(out.nspans <= SC_TPL_REFS_MAX);

    for (i = 0; i < out.nspans; i++) {
        FZ_CHECK(out.spans[i].start <= out.spans[i].end
                 && out.spans[i].end <= out.len);
    }

    lim.count = (sel & 2) ? SC_TPL_COUNT_SMS : SC_TPL_COUNT_CP;
    lim.limit = limits[(sel >> 2) % 7];
    lim.limit_ucs2 = lim.limit * 7 / 16;

    rc = sc_tpl_fit(&out, &lim);

    FZ_CHECK(rc >= -1 && rc <= 1);
    FZ_CHECK(out.len < SC_TPL_OUT_MAX && out.buf[out.len] == '\0');

    if (rc >= 0) {
        FZ_CHECK(sc_tpl_utf8_ok(out.buf, out.len));
        FZ_CHECK(fz_fits(out.buf, out.len, &lim));
    }

    (void) sc_tpl_sms_units(out.buf, out.len, &ucs2);
    (void) sc_tpl_sms_units(seg[0], strlen(seg[0]), &ucs2);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char              *buf, *p, *end, err[256];
    size_t             n;
    unsigned           sel;
    const char        *seg[FZ_SEGS];
    sc_reply_conf_t   *rc;
    static const char *const  intents[] = {
        "complaint", "question", "praise", "feedback", "other", "*", "spam",
        "x"
    };
    static const char *const  vis[] = {
        "public", "private", "public-pii", "*"
    };
    static const char *const  sits[] = {
        "open", "closed", "crisis", "*"
    };
    static const char *const  segs[] = { "1", "2", "10", "0" };

    if (size < 2) {
        return 0;
    }

    sel = data[0] | (unsigned) data[1] << 8;

    /* every segment a C string, in one copy of the input */
    buf = malloc(size - 2 + 1);
    FZ_CHECK(buf != NULL);
    memcpy(buf, data + 2, size - 2);
    buf[size - 2] = '\0';

    p = buf;
    end = buf + size - 2;

    for (n = 0; n < FZ_SEGS; n++) {
        if (p <= end) {
            seg[n] = p;
            p += strlen(p) + 1;

        } else {
            seg[n] = "";
        }
    }

    rc = sc_reply_conf_create();
    FZ_CHECK(rc != NULL);

    (void) sc_reply_conf_set(rc, "agent", seg[4]);
    (void) sc_reply_conf_set(rc, "team", seg[5]);
    (void) sc_reply_conf_set(rc, "brand", seg[6]);
    (void) sc_reply_conf_set(rc, "contact", seg[7]);
    (void) sc_reply_conf_set(rc, "clock", (sel & 0x100) ? "12h" : "24h");
    (void) sc_reply_conf_set(rc, "sms_segments", segs[(sel >> 9) & 3]);
    FZ_CHECK(sc_reply_conf_set_hours(rc, &hours) == 0);

    memset(err, 'E', sizeof(err));

    if (sc_reply_conf_set_template(rc, intents[(sel >> 11) & 7],
                                   vis[(sel >> 14) & 3], sits[sel & 3],
                                   seg[0], err, sizeof(err))
        != 0)
    {
        FZ_TERMINATED(err, sizeof(err));
    }

    fz_compose(rc, sel >> 2, seg);
    sc_reply_conf_free(rc);

    fz_direct(sel, seg);

    free(buf);

    return 0;
}
