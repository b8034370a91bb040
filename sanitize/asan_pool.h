/*
 * make test-asan: the module's pool allocations made visible to ASan.
 *
 * nginx carves ngx_palloc() memory out of large pool blocks, so an overflow
 * of a module buffer into its neighbour is no error to AddressSanitizer.
 * sanitize.mk includes this file at the end of ngx_core.h in the private
 * copy of the nginx headers that the ASan build of the module compiles
 * against (build/asan/nginx; never the system headers, never nginx
 * itself): in the module's own sources each ngx_palloc(), ngx_pnalloc(),
 * ngx_pcalloc() and ngx_create_temp_buf() becomes a malloc of its own
 * (ngx_pmemalign: posix_memalign, on the pool's large list, freed with the
 * pool), with ASan's redzones around it and its quarantine after
 * ngx_pfree() or the pool's end.  Same semantics: the memory lives as long
 * as the pool, ngx_pcalloc() zeroes it.  Memory that nginx allocates for
 * the module (arrays, lists, the request) stays in the pools.
 */

#ifndef SC_ASAN_POOL_H
#define SC_ASAN_POOL_H

#define ngx_palloc(pool, size)                                               \
    ngx_pmemalign(pool, size, NGX_ALIGNMENT)
#define ngx_pnalloc(pool, size)                                              \
    ngx_pmemalign(pool, size, NGX_ALIGNMENT)
#define ngx_pcalloc(pool, size)                                              \
    sc_asan_pcalloc(pool, size)
#define ngx_create_temp_buf(pool, size)                                      \
    sc_asan_create_temp_buf(pool, size)

static ngx_inline void *
sc_asan_pcalloc(ngx_pool_t *pool, size_t size)
{
    void  *p;

    p = ngx_pmemalign(pool, size, NGX_ALIGNMENT);
    if (p != NULL) {
        ngx_memzero(p, size);
    }

    return p;
}

static ngx_inline ngx_buf_t *
sc_asan_create_temp_buf(ngx_pool_t *pool, size_t size)
{
    ngx_buf_t  *b;

    b = ngx_calloc_buf(pool);
    if (b == NULL) {
        return NULL;
    }

    b->start = ngx_palloc(pool, size);
    if (b->start == NULL) {
        return NULL;
    }

    b->pos = b->start;
    b->last = b->start;
    b->end = b->last + size;
    b->temporary = 1;

    return b;
}

#endif /* SC_ASAN_POOL_H */
