/*
 * make test-asan: UBSan's options and reports in nginx's workers.
 *
 * With GCC the module's UBSan handlers live in libubsan, beside the
 * preloaded libasan, and libubsan starts at its first report, in a worker:
 *
 *  - it reads UBSAN_OPTIONS from /proc/self/environ, which nginx has
 *    overwritten with the process title by then;
 *  - it sets its report path through __sanitizer_set_report_path(), an
 *    exported function, which the dynamic linker binds to libasan's copy:
 *    ASan's path changes, UBSan's own stays stderr, that is nginx's error
 *    log in the test's temporary directory, deleted afterwards.
 *
 * sanitize/nginx-asan.sh preloads this library after the ASan runtime.
 * While nginx starts it keeps a copy of UBSAN_OPTIONS for libubsan's
 * __ubsan_default_options() hook, loads libubsan ($SC_UBSAN_RUNTIME) and
 * sets libubsan's own report path to $SC_SAN_LOG/san: UBSan's reports go
 * to $SC_SAN_LOG/san.<pid> with their stacks, like ASan's.
 */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char  sc_ubsan_options[4096];

const char *__ubsan_default_options(void);

const char *
__ubsan_default_options(void)
{
    return sc_ubsan_options;
}

__attribute__((constructor)) static void
sc_san_options_init(void)
{
    void         *h;
    const char   *o, *lib, *dir;
    static char   path[4096];
    void        (*set_report_path)(const char *);

    o = getenv("UBSAN_OPTIONS");
    if (o != NULL) {
        strncpy(sc_ubsan_options, o, sizeof(sc_ubsan_options) - 1);
    }

    lib = getenv("SC_UBSAN_RUNTIME");
    dir = getenv("SC_SAN_LOG");

    if (lib == NULL || dir == NULL) {
        return;
    }

    h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
    if (h == NULL) {
        fprintf(stderr, "san_options: %s\n", dlerror());
        return;
    }

    /* the handle's own definition, not the first one in the process */
    *(void **) &set_report_path = dlsym(h, "__sanitizer_set_report_path");
    if (set_report_path == NULL) {
        fprintf(stderr, "san_options: %s\n", dlerror());
        return;
    }

    snprintf(path, sizeof(path), "%s/san", dir);
    set_report_path(path);
}
