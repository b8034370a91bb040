/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care.h: what the module's nginx glue files share.
 */

#ifndef _NGX_SOCIAL_CARE_H_INCLUDED_
#define _NGX_SOCIAL_CARE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "sc_verify.h"
#include "sc_platform.h"
#include "sc_classify.h"
#include "sc_reply.h"
#include "sc_pg.h"
#include "ngx_social_care_status.h"
#include "ngx_social_care_worker.h"


#define SC_STORE_RAW_OFF       0
#define SC_STORE_RAW_ON        1
#define SC_STORE_RAW_REDACTED  2


typedef struct {
    ngx_flag_t        used;        /* some location has social_care */
    ngx_flag_t        db_set;
    sc_pg_conf_t      pg;
    ngx_uint_t        db_pool;
    ngx_msec_t        db_timeout;
    ngx_uint_t        batch;
    ngx_msec_t        batch_wait;
    ngx_uint_t        max_pending;
    sc_pg_pool_t     *pool;        /* per worker, from init_process */
    sc_rules_t       *default_rules;
    ngx_array_t      *rules;       /* of ngx_social_care_rules_t: loaded once */
    ngx_uint_t        platforms;   /* bit per sc_platform_index() in use */
    ngx_shm_zone_t   *stats;
    ngx_str_t         spool_dir;   /* social_care_spool, or no data */
    off_t             spool_max;
    ngx_social_care_worker_conf_t  worker;
} ngx_social_care_main_conf_t;


typedef void (*ngx_social_care_spool_pt)(void *ctx, ngx_int_t rc);


typedef struct {
    ngx_str_t         path;
    sc_rules_t       *rules;
} ngx_social_care_rules_t;


typedef struct {
    const sc_platform_t       *platform;     /* NULL: not an intake */
    ngx_uint_t                 platform_index;
    ngx_str_t                  platform_name;
    ngx_array_t               *secrets;      /* of sc_secret_t */
    ngx_array_t               *public_keys;  /* of sc_secret_t, raw */
    sc_secret_t               *verify_token;
    size_t                     max_body;
    time_t                     max_skew;
    ngx_http_complex_value_t  *public_url;
    sc_verify_conf_t           verify;       /* what the platform checks */

    ngx_str_t                  rules_path;
    sc_rules_t                *rules;
    ngx_int_t                  influencer_followers;
    ngx_uint_t                 store_raw;

    ngx_array_t               *reply_templates;  /* of ngx_str_t[4] */
    ngx_array_t               *reply_vars;       /* of ngx_str_t[2] */
    ngx_str_t                  business_hours;
    time_t                     reply_cooldown;
    sc_reply_conf_t           *reply;
} ngx_social_care_loc_conf_t;


/* one webhook request */
typedef struct {
    ngx_http_request_t          *request;
    sc_request_t                 rq;
    sc_events_t                  events;
    sc_class_t                  *classes;     /* NULL intent: unclassified */
    unsigned                    *classified;
    sc_reply_t                  *replies;
    sc_reply_t                  *crisis_replies;  /* if a crisis opens */
    sc_pg_write_t               *write;
    off_t                        body_seen;

    /* what the $social_care_* variables and the counters report */
    const char                  *verify;
    ngx_str_t                    ids;
    const char                  *category;
    ngx_int_t                    priority;
    uint64_t                     queued_usec;
    unsigned                     spooled:1;
} ngx_social_care_ctx_t;


extern ngx_module_t  ngx_social_care_module;


ngx_int_t ngx_social_care_handler(ngx_http_request_t *r);
char *ngx_social_care_read_secret(ngx_conf_t *cf, ngx_str_t *path,
    sc_secret_t *secret);

char *ngx_social_care_spool_conf(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_social_care_spool_init_module(ngx_cycle_t *cycle,
    ngx_social_care_main_conf_t *smcf, ngx_atomic_t *bytes);
ngx_int_t ngx_social_care_spool_init_process(ngx_cycle_t *cycle,
    ngx_social_care_main_conf_t *smcf, ngx_atomic_t *bytes);
void ngx_social_care_spool_exit_process(ngx_cycle_t *cycle);
ngx_int_t ngx_social_care_spool_append(ngx_http_request_t *r,
    const u_char *rows, size_t len, ngx_uint_t nrows,
    ngx_social_care_spool_pt handler, void *ctx);
ngx_int_t ngx_social_care_body_filter_init(void);


#endif /* _NGX_SOCIAL_CARE_H_INCLUDED_ */
