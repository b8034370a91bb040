/*
 * test_form.c: application/x-www-form-urlencoded decoding (sc_form.c).
 */

#include <string.h>

#include "tap.h"
#include "sc_form.h"


#define B(s)  (s), sizeof(s) - 1


/* the field i as "name=value", for one-line assertions */
static const char *
field(const sc_form_t *f, size_t i)
{
    static char  out[256];

    if (i >= f->n) {
        return "(none)";
    }

    snprintf(out, sizeof(out), "%.*s=%.*s",
             (int) f->fields[i].name_len, f->fields[i].name,
             (int) f->fields[i].value_len, f->fields[i].value);

    return out;
}


int
main(void)
{
    size_t       len;
    sc_form_t    f;
    const char  *v;
    const char   slack[] =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J"
        "&command=%2Fwebhook-collect&text="
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J";

    is_int(sc_form_parse(B(slack), &f, 16), 0, "slack body parses");
    is_int(f.n, 5, "five fields");
    is_str(field(&f, 2), "command=/webhook-collect", "%%2F decoded");
    is_str(field(&f, 3), "text=", "empty value kept");
    v = sc_form_get(&f, "response_url", &len);
    is_str(v, "https://hooks.slack.com/commands/T1DC2JH3J",
           "get decodes and NUL-terminates");
    is_int(len, 42, "get length");
    ok(sc_form_get(&f, "respons", NULL) == NULL, "prefix of a name absent");
    ok(sc_form_get(&f, "missing", NULL) == NULL, "missing name absent");
    sc_form_free(&f);
    ok(f.fields == NULL && f.buf == NULL && f.n == 0, "free clears");
    sc_form_free(&f);
    ok(1, "free twice is harmless");

    is_int(sc_form_parse(B("a=b+c&From=%2B1415&x=%e2%82%AC"), &f, 16), 0,
           "plus and escapes parse");
    is_str(field(&f, 0), "a=b c", "'+' is a space");
    is_str(field(&f, 1), "From=+1415", "%%2B is a plus");
    is_str(field(&f, 2), "x=\xe2\x82\xac", "either hex case, bytes kept");
    sc_form_free(&f);

    is_int(sc_form_parse(B("a=%zz&b=100%&c=%4&d=%%41&e%3D=1"), &f, 16), 0,
           "invalid escapes parse");
    is_str(field(&f, 0), "a=%zz", "non-hex escape literal");
    is_str(field(&f, 1), "b=100%", "trailing %% literal");
    is_str(field(&f, 2), "c=%4", "short escape literal");
    is_str(field(&f, 3), "d=%A", "%% then an escape");
    is_str(field(&f, 4), "e==1", "encoded '=' in a name");
    sc_form_free(&f);

    is_int(sc_form_parse(B("&&a&=v&b=1=2&"), &f, 16), 0,
           "empty fields and odd shapes parse");
    is_int(f.n, 3, "empty fields skipped");
    is_str(field(&f, 0), "a=", "no '=' is an empty value");
    ok(f.fields[0].value[0] == '\0' && f.fields[0].name[1] == '\0',
       "both NUL-terminated");
    is_str(field(&f, 1), "=v", "empty name");
    is_str(field(&f, 2), "b=1=2", "only the first '=' splits");
    sc_form_free(&f);

    is_int(sc_form_parse("", 0, &f, 16), 0, "empty body parses");
    ok(f.n == 0 && f.fields == NULL && f.buf == NULL, "to nothing");
    is_int(sc_form_parse(NULL, 0, &f, 16), 0, "NULL empty body parses");
    is_int(sc_form_parse(B("&&&"), &f, 16), 0, "only separators parse");
    is_int(f.n, 0, "to no field");
    sc_form_free(&f);

    is_int(sc_form_parse(B("a=1&b=%00"), &f, 16), -1, "%%00 fails");
    ok(f.fields == NULL && f.buf == NULL && f.n == 0, "and leaves nothing");
    is_int(sc_form_parse(B("a=1&b\0=2"), &f, 16), -1, "raw NUL fails");
    is_int(sc_form_parse(B("a=1&b=2&c=3"), &f, 2), -1,
           "more than max_fields fails");
    is_int(sc_form_parse(B("a=1&b=2&&"), &f, 2), 0,
           "exactly max_fields, empty ones not counted");
    sc_form_free(&f);

    is_int(sc_form_parse(B("Sid=CA123&SidAccount=AC123&Digits=5678"
                           "&Digits=1234&b=\xc3\xa9&b=z&B=1"), &f, 16), 0,
           "twilio duplicate names parse");
    is_str(sc_form_get(&f, "Digits", NULL), "5678", "get: first match");
    is_int(sc_form_sort(&f), 0, "sort");
    is_str(field(&f, 0), "B=1", "upper case first");
    is_str(field(&f, 1), "Digits=1234", "same name: by value");
    is_str(field(&f, 2), "Digits=5678", "same name: by value, second");
    is_str(field(&f, 3), "Sid=CA123", "prefix before longer name");
    is_str(field(&f, 4), "SidAccount=AC123", "longer name after");
    is_str(field(&f, 5), "b=z", "ASCII before a high byte");
    is_str(field(&f, 6), "b=\xc3\xa9", "bytes compare unsigned");
    sc_form_free(&f);

    return done_testing();
}
