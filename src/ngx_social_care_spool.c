/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_spool.c: when PostgreSQL cannot take the events, a
 * durable file does, and they are replayed once it is back.
 *
 * Each worker appends to its own file, <dir>/spool.<pid>.<n>, holding an
 * exclusive flock on it while it writes.  A record is
 *
 *     "SCS1" | length | events | platform | CRC-32C of rows | rows
 *
 * (four bytes each, little endian) where rows are the JSON objects
 * social_care.ingest() takes.  The
 * requests of one pass of the event loop share one write and one
 * fdatasync, and are answered only after it.  A file is replayed, record
 * by record and in order, by whichever worker can take its lock: the
 * writer gave it up (it rotates when the database is back) or died.
 * ingest() deduplicates, so replaying a record twice is harmless.  A torn
 * or corrupt record stops the replay of its file, which is renamed
 * *.corrupt and reported, never fed to the database as garbage.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <sys/file.h>

#include "ngx_social_care.h"
#include "sc_crc32c.h"


#define SC_SPOOL_MAGIC        "SCS1"
#define SC_SPOOL_HEADER       20
#define SC_SPOOL_ROTATE       (4 * 1024 * 1024)
#define SC_SPOOL_RECORD_MAX   (64 * 1024 * 1024)
#define SC_SPOOL_REPLAY_MSEC  1000


typedef struct {
    ngx_queue_t                   queue;
    u_char                       *data;       /* header + rows */
    size_t                        len;
    ngx_social_care_spool_pt      handler;
    void                         *ctx;
} sc_spool_append_t;


typedef struct {
    ngx_str_t                     dir;
    off_t                         max_size;
    ngx_atomic_t                 *bytes;      /* all workers, shared */
    ngx_log_t                    *log;

    /* writing */
    ngx_fd_t                      fd;
    off_t                         size;
    ngx_uint_t                    seq;
    ngx_queue_t                   appends;
    ngx_event_t                   flush;

    /* replaying */
    ngx_event_t                   replay;
    ngx_fd_t                      rfd;
    u_char                       *rname;
    off_t                         roffset;
    off_t                         rsize;
    ngx_uint_t                    rbusy;
    ngx_uint_t                    rnrows;
    ngx_uint_t                    rplatform;
} sc_spool_t;


static void ngx_social_care_spool_flush(ngx_event_t *ev);
static ngx_int_t ngx_social_care_spool_open(sc_spool_t *sp);
static void ngx_social_care_spool_close(sc_spool_t *sp);
static void ngx_social_care_spool_tick(ngx_event_t *ev);
static ngx_int_t ngx_social_care_spool_next_file(sc_spool_t *sp);
static void ngx_social_care_spool_replay_one(sc_spool_t *sp);
static void ngx_social_care_spool_replayed(sc_pg_write_t *w,
    sc_pg_status_e status);
static void ngx_social_care_spool_done_file(sc_spool_t *sp,
    ngx_uint_t corrupt, const char *why);
static void ngx_social_care_spool_release(sc_spool_t *sp, size_t n);
static off_t ngx_social_care_spool_scan(ngx_str_t *dir, ngx_log_t *log);


static sc_spool_t  *sc_spool;


/* social_care_spool <dir> [max_size=64m] */

char *
ngx_social_care_spool_conf(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_main_conf_t *smcf = conf;

    ngx_str_t  *value, s;

    if (smcf->spool_dir.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    smcf->spool_dir = value[1];

    if (ngx_conf_full_name(cf->cycle, &smcf->spool_dir, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    smcf->spool_max = 64 * 1024 * 1024;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "max_size=", 9) != 0) {
            return "takes a directory and max_size=<size>";
        }

        s.data = value[2].data + 9;
        s.len = value[2].len - 9;

        smcf->spool_max = ngx_parse_offset(&s);
        if (smcf->spool_max == NGX_ERROR || smcf->spool_max < 65536) {
            return "has an invalid max_size (at least 64k)";
        }
    }

    /* created by the master, as root, and handed to the worker user */
    if (ngx_create_dir(smcf->spool_dir.data, 0700) == NGX_FILE_ERROR
        && ngx_errno != NGX_EEXIST)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "social_care_spool: cannot create \"%V\"",
                           &smcf->spool_dir);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* master, before the workers: hand the directory over, count its bytes */

ngx_int_t
ngx_social_care_spool_init_module(ngx_cycle_t *cycle,
    ngx_social_care_main_conf_t *smcf, ngx_atomic_t *bytes)
{
    ngx_core_conf_t  *ccf;

    if (smcf->spool_dir.data == NULL) {
        return NGX_OK;
    }

    ccf = (ngx_core_conf_t *) ngx_get_conf(cycle->conf_ctx, ngx_core_module);

    if (geteuid() == 0 && ccf->user != (ngx_uid_t) NGX_CONF_UNSET_UINT
        && chown((char *) smcf->spool_dir.data, ccf->user, -1) == -1)
    {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                      "social_care_spool: chown(\"%V\") failed",
                      &smcf->spool_dir);
        return NGX_ERROR;
    }

    if (bytes) {
        *bytes = ngx_social_care_spool_scan(&smcf->spool_dir, cycle->log);
    }

    return NGX_OK;
}


ngx_int_t
ngx_social_care_spool_init_process(ngx_cycle_t *cycle,
    ngx_social_care_main_conf_t *smcf, ngx_atomic_t *bytes)
{
    sc_spool_t  *sp;

    if (smcf->spool_dir.data == NULL || bytes == NULL) {
        return NGX_OK;
    }

    sp = ngx_pcalloc(cycle->pool, sizeof(sc_spool_t));
    if (sp == NULL) {
        return NGX_ERROR;
    }

    sp->dir = smcf->spool_dir;
    sp->max_size = smcf->spool_max;
    sp->bytes = bytes;
    sp->log = cycle->log;
    sp->fd = NGX_INVALID_FILE;
    sp->rfd = NGX_INVALID_FILE;

    ngx_queue_init(&sp->appends);

    sp->flush.handler = ngx_social_care_spool_flush;
    sp->flush.data = sp;
    sp->flush.log = cycle->log;

    sp->replay.handler = ngx_social_care_spool_tick;
    sp->replay.data = sp;
    sp->replay.log = cycle->log;
    sp->replay.cancelable = 1;

    sc_spool = sp;

    /* replay what an earlier run left, as soon as the database answers */
    ngx_add_timer(&sp->replay, 100 + ngx_random() % 400);

    return NGX_OK;
}


void
ngx_social_care_spool_exit_process(ngx_cycle_t *cycle)
{
    sc_spool_t  *sp;

    sp = sc_spool;
    if (sp == NULL) {
        return;
    }

    if (sp->flush.posted) {
        ngx_delete_posted_event(&sp->flush);
        ngx_social_care_spool_flush(&sp->flush);
    }

    if (sp->replay.timer_set) {
        ngx_del_timer(&sp->replay);
    }

    ngx_social_care_spool_close(sp);

    if (sp->rfd != NGX_INVALID_FILE) {
        (void) ngx_close_file(sp->rfd);
        sp->rfd = NGX_INVALID_FILE;
    }

    sc_spool = NULL;
}


/*
 * Queues rows for the next flush; handler(ctx, NGX_OK) once they are on
 * disk, NGX_ERROR if the write failed.  NGX_DECLINED: no spool, or full.
 */

static u_char *
ngx_social_care_spool_put32(u_char *p, uint32_t v)
{
    *p++ = v & 0xff;
    *p++ = (v >> 8) & 0xff;
    *p++ = (v >> 16) & 0xff;
    *p++ = (v >> 24) & 0xff;

    return p;
}


static uint32_t
ngx_social_care_spool_get32(const u_char *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}


ngx_int_t
ngx_social_care_spool_append(ngx_http_request_t *r, const u_char *rows,
    size_t len, ngx_uint_t nrows, ngx_social_care_spool_pt handler,
    void *ctx)
{
    u_char                      *p;
    ngx_social_care_loc_conf_t  *slcf;
    sc_spool_t         *sp;
    sc_spool_append_t  *a;

    sp = sc_spool;

    if (sp == NULL || len > SC_SPOOL_RECORD_MAX) {
        return NGX_DECLINED;
    }

    if ((off_t) (*sp->bytes + len + SC_SPOOL_HEADER) > sp->max_size) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "social_care: spool \"%V\" is full (max_size %O)",
                      &sp->dir, sp->max_size);
        return NGX_DECLINED;
    }

    a = ngx_palloc(r->pool, sizeof(sc_spool_append_t));
    p = ngx_pnalloc(r->pool, SC_SPOOL_HEADER + len);

    if (a == NULL || p == NULL) {
        return NGX_ERROR;
    }

    slcf = ngx_http_get_module_loc_conf(r, ngx_social_care_module);

    a->data = p;

    p = ngx_cpymem(p, SC_SPOOL_MAGIC, 4);
    p = ngx_social_care_spool_put32(p, (uint32_t) len);
    p = ngx_social_care_spool_put32(p, (uint32_t) nrows);
    p = ngx_social_care_spool_put32(p, (uint32_t) slcf->platform_index);
    p = ngx_social_care_spool_put32(p, sc_crc32c(0, rows, len));
    ngx_memcpy(p, rows, len);

    a->len = SC_SPOOL_HEADER + len;
    a->handler = handler;
    a->ctx = ctx;

    /* reserved now, so concurrent appends cannot overshoot max_size */
    (void) ngx_atomic_fetch_add(sp->bytes, a->len);

    ngx_queue_insert_tail(&sp->appends, &a->queue);

    if (!sp->flush.posted) {
        ngx_post_event(&sp->flush, &ngx_posted_events);
    }

    return NGX_OK;
}


/* one write and one fdatasync for every append of this pass */

static void
ngx_social_care_spool_flush(ngx_event_t *ev)
{
    off_t               before;
    ssize_t             n, written;
    ngx_int_t           rc;
    ngx_uint_t          i;
    ngx_queue_t        *q, done;
    sc_spool_t         *sp;
    sc_spool_append_t  *a;
    struct iovec        iov[64];

    sp = ev->data;
    rc = NGX_OK;

    if (sp->fd == NGX_INVALID_FILE && ngx_social_care_spool_open(sp) != NGX_OK)
    {
        rc = NGX_ERROR;
    }

    ngx_queue_init(&done);

    while (!ngx_queue_empty(&sp->appends)) {
        i = 0;

        for (q = ngx_queue_head(&sp->appends);
             q != ngx_queue_sentinel(&sp->appends) && i < 64;
             q = ngx_queue_next(q))
        {
            a = ngx_queue_data(q, sc_spool_append_t, queue);
            iov[i].iov_base = a->data;
            iov[i].iov_len = a->len;
            i++;
        }

        before = sp->size;
        n = (rc == NGX_OK) ? writev(sp->fd, iov, i) : -1;
        written = n;

        if (n == -1) {
            if (rc == NGX_OK) {
                ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                              "social_care: spool write failed");
            }

            rc = NGX_ERROR;
        }

        while (i--) {
            q = ngx_queue_head(&sp->appends);
            ngx_queue_remove(q);
            ngx_queue_insert_tail(&done, q);

            if (n != -1) {
                a = ngx_queue_data(q, sc_spool_append_t, queue);
                n -= a->len;
                sp->size += a->len;

                if (n < 0) {
                    rc = NGX_ERROR;
                }
            }
        }

        /*
         * A short write (a full disk) leaves a torn record: cut it off, or
         * the file's replay would stop there and keep it as *.corrupt,
         * and the disk would stay full.  Those requests are answered 503.
         */
        if (written != -1 && rc != NGX_OK) {
            if (ftruncate(sp->fd, before) == -1) {
                ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                              "social_care: spool ftruncate failed");

            } else {
                sp->size = before;
            }
        }
    }

    if (rc == NGX_OK && fdatasync(sp->fd) == -1) {
        ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                      "social_care: spool fdatasync failed");
        rc = NGX_ERROR;
    }

    if (rc != NGX_OK) {
        /* what did not reach the disk is not answered 200 */
        ngx_social_care_spool_close(sp);
    }

    while (!ngx_queue_empty(&done)) {
        q = ngx_queue_head(&done);
        ngx_queue_remove(q);
        a = ngx_queue_data(q, sc_spool_append_t, queue);

        if (rc != NGX_OK) {
            ngx_social_care_spool_release(sp, a->len);
        }

        a->handler(a->ctx, rc);
    }

    if (sp->size >= SC_SPOOL_ROTATE) {
        ngx_social_care_spool_close(sp);
    }
}


static ngx_int_t
ngx_social_care_spool_open(sc_spool_t *sp)
{
    u_char  name[NGX_MAX_PATH];

    for ( ;; ) {
        ngx_snprintf(name, sizeof(name), "%V/spool.%P.%ui%Z", &sp->dir,
                     ngx_pid, sp->seq++);

        sp->fd = open((char *) name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND,
                      0600);

        if (sp->fd != NGX_INVALID_FILE || ngx_errno != NGX_EEXIST) {
            break;
        }
    }

    if (sp->fd == NGX_INVALID_FILE) {
        ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                      "social_care: cannot create spool file \"%s\"", name);
        return NGX_ERROR;
    }

    /* held while this worker writes: replayers skip the file */
    if (flock(sp->fd, LOCK_EX | LOCK_NB) == -1) {
        ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                      "social_care: cannot lock spool file \"%s\"", name);
        (void) ngx_close_file(sp->fd);
        sp->fd = NGX_INVALID_FILE;
        return NGX_ERROR;
    }

    sp->size = 0;

    return NGX_OK;
}


static void
ngx_social_care_spool_close(sc_spool_t *sp)
{
    if (sp->fd != NGX_INVALID_FILE) {
        (void) ngx_close_file(sp->fd);
        sp->fd = NGX_INVALID_FILE;
    }
}


/* replay: once a second, while the database answers and files wait */

static void
ngx_social_care_spool_tick(ngx_event_t *ev)
{
    ngx_uint_t                    pending, connected;
    sc_spool_t                   *sp;
    ngx_social_care_main_conf_t  *smcf;

    sp = ev->data;

    smcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_social_care_module);

    if (!sp->rbusy && smcf && smcf->pool) {
        sc_pg_pool_stats(smcf->pool, &pending, &connected);

        /* the directory, not the counter: files may come from elsewhere */
        if (connected) {
            /* give our own file up, so that it can be replayed */
            if (sp->fd != NGX_INVALID_FILE && sp->size
                && ngx_queue_empty(&sp->appends))
            {
                ngx_social_care_spool_close(sp);
            }

            if (sp->rfd != NGX_INVALID_FILE
                || ngx_social_care_spool_next_file(sp) == NGX_OK)
            {
                ngx_social_care_spool_replay_one(sp);
            }
        }
    }

    if (!ngx_exiting) {
        ngx_add_timer(ev, SC_SPOOL_REPLAY_MSEC);
    }
}


static ngx_int_t
ngx_social_care_spool_next_file(sc_spool_t *sp)
{
    size_t            len;
    ngx_fd_t          fd;
    ngx_dir_t         dir;
    ngx_file_info_t   fi;
    u_char            path[NGX_MAX_PATH];

    if (ngx_open_dir(&sp->dir, &dir) == NGX_ERROR) {
        ngx_log_error(NGX_LOG_ERR, sp->log, ngx_errno,
                      "social_care: cannot open spool \"%V\"", &sp->dir);
        return NGX_ERROR;
    }

    fd = NGX_INVALID_FILE;

    while (ngx_read_dir(&dir) == NGX_OK) {
        len = ngx_de_namelen(&dir);

        if (len < 7 || ngx_strncmp(ngx_de_name(&dir), "spool.", 6) != 0
            || ngx_strstr(ngx_de_name(&dir), ".corrupt") != NULL)
        {
            continue;
        }

        ngx_snprintf(path, sizeof(path), "%V/%s%Z", &sp->dir,
                     ngx_de_name(&dir));

        fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
        if (fd == NGX_INVALID_FILE) {
            continue;
        }

        /* a writer holds its file: not ours to replay yet */
        if (flock(fd, LOCK_EX | LOCK_NB) == -1
            || ngx_fd_info(fd, &fi) == NGX_FILE_ERROR)
        {
            (void) ngx_close_file(fd);
            fd = NGX_INVALID_FILE;
            continue;
        }

        break;
    }

    (void) ngx_close_dir(&dir);

    if (fd == NGX_INVALID_FILE) {
        return NGX_DECLINED;
    }

    sp->rname = ngx_alloc(ngx_strlen(path) + 1, sp->log);
    if (sp->rname == NULL) {
        (void) ngx_close_file(fd);
        return NGX_ERROR;
    }

    ngx_cpystrn(sp->rname, path, ngx_strlen(path) + 1);
    sp->rfd = fd;
    sp->roffset = 0;
    sp->rsize = ngx_file_size(&fi);

    ngx_log_error(NGX_LOG_NOTICE, sp->log, 0,
                  "social_care: replaying spool file \"%s\" (%O bytes)",
                  sp->rname, sp->rsize);

    return NGX_OK;
}


static void
ngx_social_care_spool_replay_one(sc_spool_t *sp)
{
    u_char                       *rows;
    ssize_t                       n;
    uint32_t                      len, crc, nrows;
    sc_pg_write_t                *w;
    ngx_social_care_main_conf_t  *smcf;
    u_char                        h[SC_SPOOL_HEADER];

    if (sp->roffset == sp->rsize) {
        ngx_social_care_spool_done_file(sp, 0, NULL);
        return;
    }

    n = pread(sp->rfd, h, SC_SPOOL_HEADER, sp->roffset);

    if (n != SC_SPOOL_HEADER || ngx_memcmp(h, SC_SPOOL_MAGIC, 4) != 0) {
        ngx_social_care_spool_done_file(sp, 1, n == SC_SPOOL_HEADER
                                               ? "bad record header"
                                               : "torn record header");
        return;
    }

    len = ngx_social_care_spool_get32(h + 4);
    nrows = ngx_social_care_spool_get32(h + 8);
    sp->rplatform = ngx_social_care_spool_get32(h + 12);
    crc = ngx_social_care_spool_get32(h + 16);

    if (len == 0 || len > SC_SPOOL_RECORD_MAX || nrows == 0
        || nrows > SC_EVENTS_MAX
        || sp->roffset + SC_SPOOL_HEADER + len > sp->rsize)
    {
        ngx_social_care_spool_done_file(sp, 1, "torn record");
        return;
    }

    rows = ngx_alloc(len, sp->log);
    if (rows == NULL) {
        return;
    }

    n = pread(sp->rfd, rows, len, sp->roffset + SC_SPOOL_HEADER);

    if (n != (ssize_t) len || sc_crc32c(0, rows, len) != crc) {
        ngx_free(rows);
        ngx_social_care_spool_done_file(sp, 1, "checksum mismatch");
        return;
    }

    smcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_social_care_module);

    w = sc_pg_write_create(rows, len, nrows, sp->log);
    ngx_free(rows);

    if (w == NULL || smcf->pool == NULL) {
        if (w) {
            sc_pg_write_free(w);
        }

        return;
    }

    w->handler = ngx_social_care_spool_replayed;
    w->data = sp;

    if (sc_pg_submit(smcf->pool, w) != NGX_OK) {
        sc_pg_write_free(w);
        return;
    }

    sp->rbusy = SC_SPOOL_HEADER + len;
    sp->rnrows = nrows;
}


static void
ngx_social_care_spool_replayed(sc_pg_write_t *w, sc_pg_status_e status)
{
    sc_spool_t  *sp;

    sp = w->data;

    if (status == SC_PG_STORED) {
        ngx_social_care_count_platform(sp->rplatform, SC_STAT_REPLAYED,
                                       sp->rnrows);
        sp->roffset += sp->rbusy;
        ngx_social_care_spool_release(sp, sp->rbusy);
        sp->rbusy = 0;

        /* straight on with the next record: replay is the backlog */
        if (!ngx_exiting) {
            ngx_social_care_spool_replay_one(sp);
        }

        return;
    }

    if (status == SC_PG_FAILED) {
        ngx_log_error(NGX_LOG_ALERT, sp->log, 0,
                      "social_care: spool file \"%s\": the database refused "
                      "the record at offset %O", sp->rname, sp->roffset);
        sp->rbusy = 0;
        ngx_social_care_spool_done_file(sp, 1, "record refused");
        return;
    }

    /* the database went away again: the next tick resumes here */
    sp->rbusy = 0;
}


static void
ngx_social_care_spool_done_file(sc_spool_t *sp, ngx_uint_t corrupt,
    const char *why)
{
    off_t   rest;
    u_char  name[NGX_MAX_PATH];

    rest = sp->rsize - sp->roffset;

    if (corrupt) {
        ngx_snprintf(name, sizeof(name), "%s.corrupt%Z", sp->rname);

        ngx_log_error(NGX_LOG_ALERT, sp->log, 0,
                      "social_care: spool file \"%s\": %s at offset %O, "
                      "%O bytes not replayed; kept as \"%s\"", sp->rname,
                      why, sp->roffset, rest, name);

        if (ngx_rename_file(sp->rname, name) == NGX_FILE_ERROR) {
            ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                          "social_care: rename \"%s\" failed", sp->rname);
        }

    } else {
        if (ngx_delete_file(sp->rname) == NGX_FILE_ERROR) {
            ngx_log_error(NGX_LOG_ALERT, sp->log, ngx_errno,
                          "social_care: cannot remove replayed spool file "
                          "\"%s\"", sp->rname);
        }

        ngx_log_error(NGX_LOG_NOTICE, sp->log, 0,
                      "social_care: spool file \"%s\" replayed", sp->rname);
    }

    if (rest > 0) {
        ngx_social_care_spool_release(sp, (size_t) rest);
    }

    (void) ngx_close_file(sp->rfd);
    sp->rfd = NGX_INVALID_FILE;
    ngx_free(sp->rname);
    sp->rname = NULL;
}


/*
 * The shared count never goes below zero: a file copied into the spool
 * by hand was never counted in.
 */

static void
ngx_social_care_spool_release(sc_spool_t *sp, size_t n)
{
    ngx_atomic_uint_t  old;

    do {
        old = *sp->bytes;
    } while (!ngx_atomic_cmp_set(sp->bytes, old, old > n ? old - n : 0));
}


/* the bytes waiting in the spool, corrupt files aside */

static off_t
ngx_social_care_spool_scan(ngx_str_t *dir, ngx_log_t *log)
{
    off_t            total;
    ngx_dir_t        d;
    ngx_file_info_t  fi;
    u_char           path[NGX_MAX_PATH];

    total = 0;

    if (ngx_open_dir(dir, &d) == NGX_ERROR) {
        return 0;
    }

    while (ngx_read_dir(&d) == NGX_OK) {
        if (ngx_strncmp(ngx_de_name(&d), "spool.", 6) != 0
            || ngx_strstr(ngx_de_name(&d), ".corrupt") != NULL)
        {
            continue;
        }

        ngx_snprintf(path, sizeof(path), "%V/%s%Z", dir, ngx_de_name(&d));

        if (ngx_file_info(path, &fi) == NGX_FILE_ERROR) {
            continue;
        }

        total += ngx_file_size(&fi);
    }

    (void) ngx_close_dir(&d);

    return total;
}
