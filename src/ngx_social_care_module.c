/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_module.c: directives, configuration and the per-worker
 * database pool.  The request handling lives in ngx_social_care_intake.c.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_social_care.h"


#define SC_SECRET_FILE_MAX  65536


static ngx_int_t ngx_social_care_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_social_care_postconfiguration(ngx_conf_t *cf);
static void *ngx_social_care_create_main_conf(ngx_conf_t *cf);
static char *ngx_social_care_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_social_care_create_loc_conf(ngx_conf_t *cf);
static char *ngx_social_care_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_social_care(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_social_care_db(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_social_care_secret_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_social_care_verify_token_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_social_care_public_key_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_social_care_reply_template(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_social_care_merge_care(ngx_conf_t *cf,
    ngx_social_care_loc_conf_t *prev, ngx_social_care_loc_conf_t *conf);
static sc_rules_t *ngx_social_care_load_rules(ngx_conf_t *cf,
    ngx_str_t *path);
static void ngx_social_care_free_rules(void *data);
static void ngx_social_care_free_reply(void *data);
static ngx_int_t ngx_social_care_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_social_care_init_process(ngx_cycle_t *cycle);
static void ngx_social_care_exit_process(ngx_cycle_t *cycle);


static ngx_conf_enum_t  ngx_social_care_store_raw[] = {
    { ngx_string("off"), SC_STORE_RAW_OFF },
    { ngx_string("on"), SC_STORE_RAW_ON },
    { ngx_string("redacted"), SC_STORE_RAW_REDACTED },
    { ngx_null_string, 0 }
};


static ngx_conf_num_bounds_t  ngx_social_care_pool_bounds = {
    ngx_conf_check_num_bounds, 1, 64
};

static ngx_conf_num_bounds_t  ngx_social_care_batch_bounds = {
    ngx_conf_check_num_bounds, 1, 4096
};

static ngx_conf_num_bounds_t  ngx_social_care_pending_bounds = {
    ngx_conf_check_num_bounds, 1, 1000000
};


static ngx_command_t  ngx_social_care_commands[] = {

    { ngx_string("social_care"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_social_care,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_secret_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_social_care_secret_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_verify_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_social_care_verify_token_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_public_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_social_care_public_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_max_skew"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, max_skew),
      NULL },

    { ngx_string("social_care_public_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, public_url),
      NULL },

    { ngx_string("social_care_max_body"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, max_body),
      NULL },

    { ngx_string("social_care_rules"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, rules_path),
      NULL },

    { ngx_string("social_care_influencer_followers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, influencer_followers),
      NULL },

    { ngx_string("social_care_store_raw"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, store_raw),
      &ngx_social_care_store_raw },

    { ngx_string("social_care_reply"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE4,
      ngx_social_care_reply_template,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, reply_templates),
      NULL },

    { ngx_string("social_care_reply_set"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_social_care_reply_template,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, reply_vars),
      NULL },

    { ngx_string("social_care_business_hours"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, business_hours),
      NULL },

    { ngx_string("social_care_reply_cooldown"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_social_care_loc_conf_t, reply_cooldown),
      NULL },

    { ngx_string("social_care_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_social_care_status,
      0,
      0,
      NULL },

    { ngx_string("social_care_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_social_care_db,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_spool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_social_care_spool_conf,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_db_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, db_pool),
      &ngx_social_care_pool_bounds },

    { ngx_string("social_care_db_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, db_timeout),
      NULL },

    { ngx_string("social_care_batch"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, batch),
      &ngx_social_care_batch_bounds },

    { ngx_string("social_care_batch_wait"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, batch_wait),
      NULL },

    { ngx_string("social_care_worker"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_social_care_worker_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_job_attempts"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, worker.attempts),
      NULL },

    { ngx_string("social_care_job_backoff"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, worker.backoff),
      NULL },

    { ngx_string("social_care_api"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_social_care_api_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_api_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, worker.api_timeout),
      NULL },

    { ngx_string("social_care_api_trusted_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, worker.trusted_certificate),
      NULL },

    { ngx_string("social_care_sla"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_social_care_sla_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_sla_business_hours"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_social_care_sla_hours_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_escalate_url"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_social_care_escalate_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_crisis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_social_care_crisis_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("social_care_max_pending"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_social_care_main_conf_t, max_pending),
      &ngx_social_care_pending_bounds },

      ngx_null_command
};


static ngx_http_module_t  ngx_social_care_module_ctx = {
    ngx_social_care_preconfiguration,      /* preconfiguration */
    ngx_social_care_postconfiguration,     /* postconfiguration */

    ngx_social_care_create_main_conf,      /* create main configuration */
    ngx_social_care_init_main_conf,        /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_social_care_create_loc_conf,       /* create location configuration */
    ngx_social_care_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_social_care_module = {
    NGX_MODULE_V1,
    &ngx_social_care_module_ctx,           /* module context */
    ngx_social_care_commands,              /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_social_care_init_module,           /* init module */
    ngx_social_care_init_process,          /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_social_care_exit_process,          /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_social_care_preconfiguration(ngx_conf_t *cf)
{
    return ngx_social_care_add_variables(cf);
}


static ngx_int_t
ngx_social_care_postconfiguration(ngx_conf_t *cf)
{
    ngx_social_care_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_social_care_module);

    if (smcf->used && !smcf->db_set) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "\"social_care\" is used but \"social_care_db\" is not "
                      "set in the http block");
        return NGX_ERROR;
    }

    /* the counters exist wherever intake does, status page or not */
    if (smcf->used && smcf->stats == NULL
        && ngx_social_care_status_conf(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_social_care_body_filter_init();
}


static void *
ngx_social_care_create_main_conf(ngx_conf_t *cf)
{
    ngx_social_care_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_social_care_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    smcf->db_pool = NGX_CONF_UNSET_UINT;
    smcf->db_timeout = NGX_CONF_UNSET_MSEC;
    smcf->batch = NGX_CONF_UNSET_UINT;
    smcf->batch_wait = NGX_CONF_UNSET_MSEC;
    smcf->max_pending = NGX_CONF_UNSET_UINT;

    ngx_social_care_worker_create_conf(&smcf->worker);

    return smcf;
}


static char *
ngx_social_care_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    ngx_conf_init_uint_value(smcf->db_pool, 2);
    ngx_conf_init_msec_value(smcf->db_timeout, 5000);
    ngx_conf_init_uint_value(smcf->batch, 64);
    ngx_conf_init_msec_value(smcf->batch_wait, 0);
    ngx_conf_init_uint_value(smcf->max_pending, 4096);

    smcf->pg.connections = smcf->db_pool;
    smcf->pg.timeout = smcf->db_timeout;
    smcf->pg.batch = smcf->batch;
    smcf->pg.wait = smcf->batch_wait;
    smcf->pg.max_pending = smcf->max_pending;

    /* a write waiting that long would time out before it is sent */
    if (smcf->batch_wait >= smcf->db_timeout) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"social_care_batch_wait\" %M must be shorter "
                           "than \"social_care_db_timeout\" %M",
                           smcf->batch_wait, smcf->db_timeout);
        return NGX_CONF_ERROR;
    }

    return ngx_social_care_worker_init_conf(cf, &smcf->worker, smcf->db_set);
}


static void *
ngx_social_care_create_loc_conf(ngx_conf_t *cf)
{
    ngx_social_care_loc_conf_t  *slcf;

    slcf = ngx_pcalloc(cf->pool, sizeof(ngx_social_care_loc_conf_t));
    if (slcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     slcf->platform = NULL;
     *     slcf->secrets = NULL;
     *     slcf->public_keys = NULL;
     *     slcf->verify_token = NULL;
     *     slcf->public_url = NULL;
     */

    slcf->max_body = NGX_CONF_UNSET_SIZE;
    slcf->max_skew = NGX_CONF_UNSET;
    slcf->influencer_followers = NGX_CONF_UNSET;
    slcf->store_raw = NGX_CONF_UNSET_UINT;
    slcf->reply_cooldown = NGX_CONF_UNSET;

    return slcf;
}


static char *
ngx_social_care_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_social_care_loc_conf_t *prev = parent;
    ngx_social_care_loc_conf_t *conf = child;

    ngx_array_t                       *keys;
    ngx_http_core_loc_conf_t          *clcf;
    ngx_http_compile_complex_value_t   ccv;

    /* $http_host: the port too, as the platform called it */
    static ngx_str_t  default_url =
                          ngx_string("$scheme://$http_host$request_uri");

    ngx_conf_merge_size_value(conf->max_body, prev->max_body, 1024 * 1024);
    ngx_conf_merge_sec_value(conf->max_skew, prev->max_skew, 300);

    if (conf->secrets == NULL) {
        conf->secrets = prev->secrets;
    }

    if (conf->public_keys == NULL) {
        conf->public_keys = prev->public_keys;
    }

    if (conf->verify_token == NULL) {
        conf->verify_token = prev->verify_token;
    }

    if (conf->public_url == NULL) {
        conf->public_url = prev->public_url;
    }

    if (ngx_social_care_merge_care(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->platform == NULL) {
        return NGX_CONF_OK;
    }

    keys = conf->platform->public_keys ? conf->public_keys : conf->secrets;

    if (keys == NULL || keys->nelts == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"social_care %V\" needs at least one \"%s\"",
                           &conf->platform_name,
                           conf->platform->public_keys
                           ? "social_care_public_key_file"
                           : "social_care_secret_file");
        return NGX_CONF_ERROR;
    }

    conf->verify.secrets = keys->elts;
    conf->verify.nsecrets = keys->nelts;
    conf->verify.verify_token = conf->verify_token;
    conf->verify.max_skew = conf->max_skew;

    if (conf->platform->signs_url && conf->public_url == NULL) {
        conf->public_url = ngx_pcalloc(cf->pool,
                                       sizeof(ngx_http_complex_value_t));
        if (conf->public_url == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
        ccv.cf = cf;
        ccv.value = &default_url;
        ccv.complex_value = conf->public_url;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    /*
     * The body limit is ours, so that an oversize body gets the JSON 413
     * answer instead of nginx's HTML page; a request body filter enforces
     * it on chunked bodies too.
     */

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->client_max_body_size = 0;

    return NGX_CONF_OK;
}


/*
 * Classification and holding replies: inherited as a whole, then built
 * once per intake location (templates are checked here, so a bad one
 * fails nginx -t with its text).
 */

static char *
ngx_social_care_merge_care(ngx_conf_t *cf, ngx_social_care_loc_conf_t *prev,
    ngx_social_care_loc_conf_t *conf)
{
    char                *spec;
    ngx_str_t           *v;
    ngx_uint_t           i;
    sc_hours_t           hours;
    ngx_pool_cleanup_t  *cln;
    char                 err[256];

    ngx_conf_merge_str_value(conf->rules_path, prev->rules_path, "");
    ngx_conf_merge_value(conf->influencer_followers,
                         prev->influencer_followers, 10000);
    ngx_conf_merge_uint_value(conf->store_raw, prev->store_raw,
                              SC_STORE_RAW_REDACTED);
    ngx_conf_merge_str_value(conf->business_hours, prev->business_hours, "");
    ngx_conf_merge_sec_value(conf->reply_cooldown, prev->reply_cooldown,
                             1800);

    if (conf->reply_templates == NULL) {
        conf->reply_templates = prev->reply_templates;
    }

    if (conf->reply_vars == NULL) {
        conf->reply_vars = prev->reply_vars;
    }

    if (conf->platform == NULL) {
        return NGX_CONF_OK;
    }

    conf->rules = ngx_social_care_load_rules(cf, &conf->rules_path);
    if (conf->rules == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->reply = sc_reply_conf_create();
    if (conf->reply == NULL) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        sc_reply_conf_free(conf->reply);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_social_care_free_reply;
    cln->data = conf->reply;

    if (conf->business_hours.len) {
        /* the value is NUL-terminated by the configuration parser */
        spec = (char *) conf->business_hours.data;

        if (sc_hours_parse(spec, &hours, err, sizeof(err)) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "social_care_business_hours: %s", err);
            return NGX_CONF_ERROR;
        }

        i = sc_reply_conf_set_hours(conf->reply, &hours);
        sc_hours_free(&hours);

        if (i != 0) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->reply_vars) {
        v = conf->reply_vars->elts;

        for (i = 0; i < conf->reply_vars->nelts; i += 2) {
            if (sc_reply_conf_set(conf->reply, (char *) v[i].data,
                                  (char *) v[i + 1].data)
                != 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "social_care_reply_set: unknown name or "
                                   "bad value \"%V\" \"%V\"", &v[i],
                                   &v[i + 1]);
                return NGX_CONF_ERROR;
            }
        }
    }

    if (conf->reply_templates) {
        v = conf->reply_templates->elts;

        for (i = 0; i < conf->reply_templates->nelts; i += 4) {
            if (sc_reply_conf_set_template(conf->reply, (char *) v[i].data,
                                           (char *) v[i + 1].data,
                                           (char *) v[i + 2].data,
                                           (char *) v[i + 3].data,
                                           err, sizeof(err))
                != 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "social_care_reply: %s", err);
                return NGX_CONF_ERROR;
            }
        }
    }

    return NGX_CONF_OK;
}


/* rules files are loaded once per configuration, however many locations */

static sc_rules_t *
ngx_social_care_load_rules(ngx_conf_t *cf, ngx_str_t *path)
{
    ngx_uint_t                    i;
    sc_rules_t                   *rules;
    ngx_pool_cleanup_t           *cln;
    ngx_social_care_rules_t      *loaded;
    ngx_social_care_main_conf_t  *smcf;
    char                          err[512];

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_social_care_module);

    if (path->len == 0 && smcf->default_rules) {
        return smcf->default_rules;
    }

    if (path->len) {
        if (ngx_conf_full_name(cf->cycle, path, 1) != NGX_OK) {
            return NULL;
        }

        if (smcf->rules == NULL) {
            smcf->rules = ngx_array_create(cf->pool, 2,
                                           sizeof(ngx_social_care_rules_t));
            if (smcf->rules == NULL) {
                return NULL;
            }
        }

        loaded = smcf->rules->elts;

        for (i = 0; i < smcf->rules->nelts; i++) {
            if (loaded[i].path.len == path->len
                && ngx_strncmp(loaded[i].path.data, path->data, path->len)
                   == 0)
            {
                return loaded[i].rules;
            }
        }
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    err[0] = '\0';
    rules = sc_rules_load(path->len ? (char *) path->data : NULL, err,
                          sizeof(err));

    if (rules == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "social_care_rules: %s",
                           err[0] ? err : "cannot load the rules");
        return NULL;
    }

    cln->handler = ngx_social_care_free_rules;
    cln->data = rules;

    if (path->len == 0) {
        smcf->default_rules = rules;
        return rules;
    }

    loaded = ngx_array_push(smcf->rules);
    if (loaded == NULL) {
        return NULL;
    }

    loaded->path = *path;
    loaded->rules = rules;

    return rules;
}


static void
ngx_social_care_free_rules(void *data)
{
    sc_rules_free(data);
}


static void
ngx_social_care_free_reply(void *data)
{
    sc_reply_conf_free(data);
}


/* social_care_reply and social_care_reply_set: their arguments, kept */

static char *
ngx_social_care_reply_template(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_array_t  **a;
    ngx_str_t     *value, *v;
    ngx_uint_t     i, n;

    a = (ngx_array_t **) ((char *) conf + cmd->offset);
    n = cf->args->nelts - 1;

    if (*a == NULL) {
        *a = ngx_array_create(cf->pool, 4 * n, sizeof(ngx_str_t));
        if (*a == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    v = ngx_array_push_n(*a, n);
    if (v == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    for (i = 0; i < n; i++) {
        v[i] = value[i + 1];
    }

    return NGX_CONF_OK;
}


static char *
ngx_social_care(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_loc_conf_t *slcf = conf;

    ngx_str_t                    *value;
    ngx_http_core_loc_conf_t     *clcf;
    ngx_social_care_main_conf_t  *smcf;

    if (slcf->platform != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    slcf->platform = sc_platform_find((char *) value[1].data, value[1].len);

    if (slcf->platform == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown social_care platform \"%V\" "
                           "(supported: %s)", &value[1], sc_platform_names());
        return NGX_CONF_ERROR;
    }

    slcf->platform_name.data = (u_char *) slcf->platform->name;
    slcf->platform_name.len = ngx_strlen(slcf->platform->name);
    slcf->platform_index = sc_platform_index(slcf->platform);

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_social_care_handler;

    smcf = ngx_http_conf_get_module_main_conf(cf, ngx_social_care_module);
    smcf->used = 1;
    smcf->platforms |= (ngx_uint_t) 1 << slcf->platform_index;

    return NGX_CONF_OK;
}


static char *
ngx_social_care_db(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_main_conf_t *smcf = conf;

    ngx_str_t  *value;

    if (smcf->db_set) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "is empty";
    }

    if (sc_pg_conf_parse(cf, &value[1], &smcf->pg) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    smcf->db_set = 1;

    return NGX_CONF_OK;
}


static char *
ngx_social_care_secret_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_loc_conf_t *slcf = conf;

    ngx_str_t    *value;
    sc_secret_t  *secret;

    if (slcf->secrets == NULL) {
        slcf->secrets = ngx_array_create(cf->pool, 2, sizeof(sc_secret_t));
        if (slcf->secrets == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    secret = ngx_array_push(slcf->secrets);
    if (secret == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    return ngx_social_care_read_secret(cf, &value[1], secret);
}


static char *
ngx_social_care_verify_token_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_loc_conf_t *slcf = conf;

    ngx_str_t  *value;

    if (slcf->verify_token != NULL) {
        return "is duplicate";
    }

    slcf->verify_token = ngx_pcalloc(cf->pool, sizeof(sc_secret_t));
    if (slcf->verify_token == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    return ngx_social_care_read_secret(cf, &value[1], slcf->verify_token);
}


/*
 * Ed25519 public keys (Discord): 64 hex digits in the file, kept as the
 * raw 32 bytes.
 */

static char *
ngx_social_care_public_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_loc_conf_t *slcf = conf;

    u_char       *raw;
    ngx_str_t    *value;
    sc_secret_t   hex, *key;

    value = cf->args->elts;

    if (ngx_social_care_read_secret(cf, &value[1], &hex) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    raw = ngx_pnalloc(cf->pool, 32);
    if (raw == NULL) {
        return NGX_CONF_ERROR;
    }

    if (sc_hex_decode((const char *) hex.data, hex.len, raw, 32) != 32) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "public key file \"%V\" does not hold 64 hex "
                           "digits (an Ed25519 public key)", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (slcf->public_keys == NULL) {
        slcf->public_keys = ngx_array_create(cf->pool, 2,
                                             sizeof(sc_secret_t));
        if (slcf->public_keys == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    key = ngx_array_push(slcf->public_keys);
    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    key->data = raw;
    key->len = 32;

    return NGX_CONF_OK;
}


/*
 * Secrets live in files, read once here as root, before workers drop
 * privileges.  Trailing whitespace and newlines are not part of a secret.
 * Messages name the file, never its content.
 */

char *
ngx_social_care_read_secret(ngx_conf_t *cf, ngx_str_t *path,
    sc_secret_t *secret)
{
    u_char           *buf;
    size_t            len;
    ssize_t           n;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (ngx_conf_full_name(cf->cycle, path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = *path;
    file.log = cf->log;

    file.fd = ngx_open_file(path->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cannot open secret file \"%V\"", path);
        return NGX_CONF_ERROR;
    }

    buf = NULL;

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cannot stat secret file \"%V\"", path);
        goto failed;
    }

    if (!ngx_is_file(&fi) || ngx_file_size(&fi) > SC_SECRET_FILE_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "secret file \"%V\" is not a regular file of at "
                           "most %d bytes", path, SC_SECRET_FILE_MAX);
        goto failed;
    }

    len = (size_t) ngx_file_size(&fi);

    buf = ngx_pnalloc(cf->pool, len + 1);
    if (buf == NULL) {
        goto failed;
    }

    n = ngx_read_file(&file, buf, len, 0);

    if (n == NGX_ERROR || (size_t) n != len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "cannot read secret file \"%V\"", path);
        goto failed;
    }

    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'
                   || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
    {
        len--;
    }

    if (len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "secret file \"%V\" is empty", path);
        goto failed;
    }

    buf[len] = '\0';

    secret->data = buf;
    secret->len = len;

    ngx_close_file(file.fd);

    return NGX_CONF_OK;

failed:

    if (buf) {
        ngx_explicit_memzero(buf, len);
    }

    ngx_close_file(file.fd);

    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_social_care_init_module(ngx_cycle_t *cycle)
{
    ngx_social_care_main_conf_t  *smcf;

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_social_care_module);

    if (smcf == NULL || !smcf->used) {
        return NGX_OK;
    }

    return ngx_social_care_spool_init_module(cycle, smcf,
                                             ngx_social_care_spool_bytes());
}


static ngx_int_t
ngx_social_care_init_process(ngx_cycle_t *cycle)
{
    ngx_social_care_main_conf_t  *smcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_social_care_module);

    if (smcf == NULL) {
        return NGX_OK;
    }

    if (smcf->used && smcf->db_set) {
        smcf->pool = sc_pg_pool_create(cycle, &smcf->pg);
        if (smcf->pool == NULL) {
            return NGX_ERROR;
        }
    }

    if (smcf->stats) {
        ngx_social_care_status_start(cycle);
    }

    if (smcf->worker.enable
        && ngx_social_care_worker_start(cycle, &smcf->worker, &smcf->pg)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (smcf->used
        && ngx_social_care_spool_init_process(cycle, smcf,
                                              ngx_social_care_spool_bytes())
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_social_care_exit_process(ngx_cycle_t *cycle)
{
    ngx_social_care_main_conf_t  *smcf;

    smcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_social_care_module);

    if (smcf && smcf->stats) {
        ngx_social_care_status_stop(cycle);
    }

    ngx_social_care_worker_stop();
    ngx_social_care_spool_exit_process(cycle);

    if (smcf && smcf->pool) {
        sc_pg_pool_destroy(smcf->pool);
        smcf->pool = NULL;
    }
}
