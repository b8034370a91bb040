/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_json_write: every value written exactly as json_dumps(JSON_COMPACT)
 * writes it (the fixtures of every platform, hand-made edge cases and
 * random trees), and the row/answer helpers' own forms.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "sc_json_write.h"
#include "sc_classify.h"


static char *
jw_value(const json_t *v)
{
    sc_jw_t  w;

    sc_jw_init(&w);
    sc_jw_value(&w, v);

    return sc_jw_detach(&w, NULL);
}


/* 1 when sc_jw_value and json_dumps agree byte for byte */

static int
same_as_jansson(const json_t *v)
{
    int    same;
    char  *a, *b;

    a = jw_value(v);
    b = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    same = a && b && strcmp(a, b) == 0;

    if (!same) {
        printf("# sc_jw: %s\n# jansson: %s\n", a ? a : "(null)",
               b ? b : "(null)");
    }

    free(a);
    free(b);

    return same;
}


/* 1 when the redacting writer gives what dumping a redacted copy gives */

static int
redacted_as_copy(const json_t *v)
{
    int       same;
    char     *a, *b;
    json_t   *copy;
    sc_jw_t   w;

    sc_jw_init(&w);
    (void) sc_pii_redact_write(&w, v);
    a = sc_jw_detach(&w, NULL);

    copy = json_deep_copy(v);
    (void) sc_pii_redact_json(copy);
    b = json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(copy);

    same = a && b && strcmp(a, b) == 0;

    if (!same) {
        printf("# writer: %s\n# copy: %s\n", a ? a : "(null)",
               b ? b : "(null)");
    }

    free(a);
    free(b);

    return same;
}


static unsigned long  seed = 20261123;

static unsigned
rnd(unsigned n)
{
    seed = seed * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned) ((seed >> 33) % n);
}


/* a random string: ASCII, controls, quotes, backslashes and UTF-8 */

static json_t *
random_string(void)
{
    size_t        i, n, len;
    char          buf[256];
    static const char *pieces[] = {
        "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\b", "\f",
        "\x01", "\x1f", "\x7f", "é", "€", "😀", "日本", "\xe2\x80\xa8",
        " card 4242 4242 4242 4242 ", " mail jo@example.com ",
        " call +1 415 555 0100 ", " my pin is 1234 ",
        " IBAN DE89 3704 0044 0532 0130 00 "
    };

    len = 0;
    n = rnd(24);

    for (i = 0; i < n; i++) {
        const char  *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
        size_t       l = strlen(p);

        if (len + l >= sizeof(buf)) {
            break;
        }

        memcpy(buf + len, p, l);
        len += l;
    }

    return json_stringn(buf, len);
}


static json_t *
random_value(int depth)
{
    size_t   i, n;
    json_t  *v;
    char     key[16];

    switch (depth > 4 ? rnd(6) : rnd(8)) {
    case 0:
        return json_null();
    case 1:
        return json_boolean(rnd(2));
    case 2:
        return json_integer((json_int_t) rnd(1000000) * (rnd(2) ? -1 : 1)
                            * (rnd(2) ? 1 : 9223372036854LL));
    case 3:
        return json_real((double) rnd(100000) / (1 + rnd(1000))
                         * (rnd(2) ? 1e-9 : rnd(2) ? 1e22 : 1));
    case 4:
    case 5:
        return random_string();
    case 6:
        v = json_array();
        n = rnd(5);
        for (i = 0; i < n; i++) {
            json_array_append_new(v, random_value(depth + 1));
        }
        return v;
    default:
        v = json_object();
        n = rnd(5);
        for (i = 0; i < n; i++) {
            static const char  *keys[] = { "k%u\"\n", "id", "mid",
                                           "user_id", "senderId", "text%u" };

            snprintf(key, sizeof(key), keys[rnd(6)], rnd(100));
            json_object_set_new(v, key, random_value(depth + 1));
        }
        return v;
    }
}


static void
fixtures(const char *dir)
{
    DIR            *d;
    json_t         *v;
    size_t          total, same;
    char            path[1024];
    struct dirent  *de, *fe;
    DIR            *f;

    d = opendir(dir);
    if (d == NULL) {
        ok(0, "fixtures in %s", dir);
        return;
    }

    total = same = 0;

    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);

        f = opendir(path);
        if (f == NULL) {
            continue;
        }

        while ((fe = readdir(f)) != NULL) {
            size_t  l = strlen(fe->d_name);

            if (l < 6 || strcmp(fe->d_name + l - 5, ".json") != 0) {
                continue;
            }

            snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name,
                     fe->d_name);

            v = json_load_file(path, JSON_DECODE_ANY, NULL);
            if (v == NULL) {
                continue;
            }

            total++;
            same += same_as_jansson(v) && redacted_as_copy(v);
            json_decref(v);
        }

        closedir(f);
    }

    closedir(d);

    ok(total > 50 && same == total,
       "every platform fixture as jansson writes it, and redacted as a "
       "redacted copy (%zu of %zu)", same,
       total);
}


static char *
milli(double v)
{
    sc_jw_t  w;

    sc_jw_init(&w);
    sc_jw_milli(&w, v);

    return sc_jw_detach(&w, NULL);
}


int
main(void)
{
    int       i, bad;
    char     *s;
    size_t    len;
    json_t   *v;
    sc_jw_t   w;

    /* edge cases one by one */
    v = json_pack("{s:s, s:I, s:f, s:b, s:n, s:[], s:{}}", "k\"\\",
                  "a\"b\\c", "int",
                  (json_int_t) (-9223372036854775807LL - 1), "real", 1e22,
                  "t", 1, "n", "arr", "obj");
    ok(same_as_jansson(v), "quotes, backslashes, INT64_MIN, 1e22, empties");
    json_decref(v);

    v = json_stringn("nul\0byte\x1f\x7f", 11);
    ok(same_as_jansson(v), "an embedded NUL and controls as \\u00XX");
    json_decref(v);

    for (i = 0; i < 6; i++) {
        static const double  reals[] = { 0.1, -0.0, 1e-5, 123456789.0,
                                         1.5e300, 2.2250738585072014e-308 };

        v = json_real(reals[i]);
        ok(same_as_jansson(v), "real %.17g", reals[i]);
        json_decref(v);
    }

    /* random trees */
    bad = 0;

    for (i = 0; i < 20000; i++) {
        v = random_value(0);
        bad += !same_as_jansson(v);
        json_decref(v);
    }

    is_int(bad, 0, "20000 random values as jansson writes them");

    bad = 0;

    for (i = 0; i < 20000; i++) {
        v = random_value(0);
        bad += !redacted_as_copy(v);
        json_decref(v);
    }

    is_int(bad, 0, "20000 random values redacted while written as in a "
           "redacted copy");

    fixtures("t/fixtures");

    v = json_pack("{s:s, s:s, s:[s]}", "text", "card 4242 4242 4242 4242",
                  "user_id", "4242424242424242", "more",
                  "mail jo@example.com");
    sc_jw_init(&w);
    ok(sc_pii_redact_write(&w, v) == 0, "redacting writer");
    s = sc_jw_detach(&w, NULL);
    ok(s && strstr(s, "4242 4242 4242 4242") == NULL
       && strstr(s, "jo@example.com") == NULL
       && strstr(s, "\"user_id\":\"4242424242424242\"") != NULL,
       "masks text and nested strings, keeps identifiers: %s", s);
    ok(redacted_as_copy(v), "as the redacted copy");
    free(s);
    json_decref(v);

    /* the writer's own helpers */
    sc_jw_init(&w);
    sc_jw_lit(&w, "{", 1);
    sc_jw_key(&w, "a");
    sc_jw_lit(&w, "[", 1);
    sc_jw_sep(&w);
    sc_jw_int(&w, 1);
    sc_jw_sep(&w);
    sc_jw_cstr(&w, NULL);
    sc_jw_lit(&w, "]", 1);
    sc_jw_key(&w, "b");
    sc_jw_bool(&w, 0);
    sc_jw_lit(&w, "}", 1);
    s = sc_jw_detach(&w, &len);
    is_str(s, "{\"a\":[1,null],\"b\":false}", "separators come by themselves");
    is_int((int) len, (int) strlen("{\"a\":[1,null],\"b\":false}"),
           "detach gives the length");
    free(s);

    {
        static const struct {
            const char  *in, *out, *name;
        } utf8[] = {
            { "ok \xf0\x9f\x98\x80 \xc3\xa9", "\"ok \xf0\x9f\x98\x80 \xc3\xa9\"",
              "valid UTF-8 as it is" },
            { "a\x80" "b", "\"a\xef\xbf\xbd" "b\"", "a stray continuation byte" },
            { "\xc0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "an overlong NUL" },
            { "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
              "a surrogate" },
            { "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "a cut sequence" },
            { "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
              "\xef\xbf\xbd\"", "past U+10FFFF" }
        };

        for (i = 0; i < (int) (sizeof(utf8) / sizeof(utf8[0])); i++) {
            sc_jw_init(&w);
            sc_jw_cstr(&w, utf8[i].in);
            s = sc_jw_detach(&w, NULL);
            is_str(s, utf8[i].out, "%s", utf8[i].name);
            free(s);
        }
    }

    s = milli(-0.6);
    is_str(s, "-0.6", "sentiment -0.6 without binary noise");
    free(s);
    s = milli(0.125);
    is_str(s, "0.125", "three places");
    free(s);
    s = milli(1.0);
    is_str(s, "1", "a whole number");
    free(s);
    s = milli(-0.0004);
    is_str(s, "0", "below a thousandth");
    free(s);
    s = milli(0.05);
    is_str(s, "0.05", "leading zeros of the fraction kept");
    free(s);

    /* large strings grow the buffer */
    {
        char  *big = malloc(300000);

        memset(big, 'x', 299999);
        big[299999] = '\0';
        big[1000] = '\n';
        v = json_string(big);
        ok(same_as_jansson(v), "a 300 KB string across growths");
        json_decref(v);
        free(big);
    }

    return done_testing();
}
