/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_worker_conf.c: the worker queue's directives:
 * social_care_worker, social_care_job_attempts/_backoff, social_care_api,
 * social_care_api_timeout, social_care_api_trusted_certificate,
 * social_care_sla, social_care_sla_business_hours, social_care_escalate_url,
 * social_care_crisis.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_social_care.h"


#define SC_DEFAULT_CA  "/etc/ssl/certs/ca-certificates.crt"


static ngx_int_t ngx_social_care_param(ngx_str_t *arg, const char *name,
    ngx_str_t *value);
static ngx_int_t ngx_social_care_ssl_init(ngx_conf_t *cf,
    ngx_social_care_worker_conf_t *wcf);
static void ngx_social_care_hours_cleanup(void *data);


void
ngx_social_care_worker_create_conf(ngx_social_care_worker_conf_t *wcf)
{
    wcf->enable = NGX_CONF_UNSET;
    wcf->jobs = NGX_CONF_UNSET_UINT;
    wcf->poll = NGX_CONF_UNSET_MSEC;
    wcf->lease = NGX_CONF_UNSET_MSEC;
    wcf->watch = NGX_CONF_UNSET_MSEC;
    wcf->attempts = NGX_CONF_UNSET_UINT;
    wcf->backoff = NGX_CONF_UNSET_MSEC;
    wcf->api_timeout = NGX_CONF_UNSET_MSEC;
    wcf->sla[0] = -1;
    wcf->sla[1] = -1;
    wcf->sla[2] = -1;
    wcf->sla[3] = -1;
    wcf->crisis = NGX_CONF_UNSET;
    wcf->crisis_window = 15 * 60;
    wcf->crisis_min = 10;
    wcf->crisis_factor = 3.0;
    wcf->crisis_baseline = 24 * 3600;
}


char *
ngx_social_care_worker_init_conf(ngx_conf_t *cf,
    ngx_social_care_worker_conf_t *wcf, ngx_uint_t db_set)
{
    ngx_conf_init_value(wcf->enable, 0);
    ngx_conf_init_uint_value(wcf->jobs, 16);
    ngx_conf_init_msec_value(wcf->poll, 1000);
    ngx_conf_init_msec_value(wcf->lease, 60000);
    ngx_conf_init_msec_value(wcf->watch, 5000);
    ngx_conf_init_uint_value(wcf->attempts, 8);
    ngx_conf_init_msec_value(wcf->backoff, 1000);
    ngx_conf_init_msec_value(wcf->api_timeout, 10000);
    ngx_conf_init_value(wcf->crisis, 1);

    if (!wcf->enable) {
        return NGX_CONF_OK;
    }

    if (!db_set) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"social_care_worker on\" needs "
                           "\"social_care_db\"");
        return NGX_CONF_ERROR;
    }

    /* a delivery must finish well inside its lease, or it runs twice */
    if (wcf->lease < wcf->api_timeout * 2) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "social_care_worker lease=%Mms must be at least "
                           "twice social_care_api_timeout (%Mms)",
                           wcf->lease, wcf->api_timeout);
        return NGX_CONF_ERROR;
    }

    if (ngx_social_care_ssl_init(cf, wcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* social_care_worker on|off [jobs=N] [poll=T] [lease=T] [watch=T] */

char *
ngx_social_care_worker_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    ngx_int_t                       n;
    ngx_str_t                      *value, v;
    ngx_uint_t                      i;
    ngx_social_care_worker_conf_t  *wcf;

    wcf = &smcf->worker;

    if (wcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "on") == 0) {
        wcf->enable = 1;

    } else if (ngx_strcmp(value[1].data, "off") == 0) {
        wcf->enable = 0;

    } else {
        return "takes \"on\" or \"off\" first";
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_social_care_param(&value[i], "jobs", &v) == NGX_OK) {
            n = ngx_atoi(v.data, v.len);
            if (n < 1 || n > 1024) {
                return "jobs= takes 1 to 1024";
            }

            wcf->jobs = n;
            continue;
        }

        if (ngx_social_care_param(&value[i], "poll", &v) == NGX_OK) {
            wcf->poll = ngx_parse_time(&v, 0);
            if (wcf->poll == (ngx_msec_t) NGX_ERROR || wcf->poll == 0) {
                return "has an invalid poll= time";
            }

            continue;
        }

        if (ngx_social_care_param(&value[i], "lease", &v) == NGX_OK) {
            wcf->lease = ngx_parse_time(&v, 0);
            if (wcf->lease == (ngx_msec_t) NGX_ERROR || wcf->lease < 1000) {
                return "has an invalid lease= time (at least 1s)";
            }

            continue;
        }

        if (ngx_social_care_param(&value[i], "watch", &v) == NGX_OK) {
            wcf->watch = ngx_parse_time(&v, 0);
            if (wcf->watch == (ngx_msec_t) NGX_ERROR || wcf->watch == 0) {
                return "has an invalid watch= time";
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* social_care_api <platform> <url> [token_file=path] [sender=name] */

char *
ngx_social_care_api_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    char                           *rv;
    ngx_str_t                      *value, v;
    ngx_uint_t                      i;
    ngx_social_care_api_t          *api;
    ngx_social_care_worker_conf_t  *wcf;

    wcf = &smcf->worker;
    value = cf->args->elts;

    if (sc_platform_find((const char *) value[1].data, value[1].len) == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown platform \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (wcf->apis == NULL) {
        wcf->apis = ngx_array_create(cf->pool, 4,
                                     sizeof(ngx_social_care_api_t));
        if (wcf->apis == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    api = wcf->apis->elts;

    for (i = 0; i < wcf->apis->nelts; i++) {
        if (api[i].platform.len == value[1].len
            && ngx_strcmp(api[i].platform.data, value[1].data) == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "duplicate social_care_api for \"%V\"",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    api = ngx_array_push(wcf->apis);
    if (api == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(api, sizeof(ngx_social_care_api_t));
    api->platform = value[1];

    rv = ngx_social_care_endpoint_parse(cf, &value[2], &api->endpoint);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    for (i = 3; i < cf->args->nelts; i++) {

        if (ngx_social_care_param(&value[i], "token_file", &v) == NGX_OK) {
            rv = ngx_social_care_read_secret(cf, &v, &api->token);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (ngx_social_care_param(&value[i], "sender", &v) == NGX_OK
            && v.len)
        {
            api->sender = v;
            continue;
        }

        if (ngx_social_care_param(&value[i], "account", &v) == NGX_OK
            && v.len)
        {
            api->account = v;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* social_care_sla [p1=T] [p2=T] [p3=T] [p4=T] */

char *
ngx_social_care_sla_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    time_t       t;
    ngx_str_t   *value, v;
    ngx_uint_t   i, p;
    u_char       name[3];

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        for (p = 0; p < 4; p++) {
            name[0] = 'p';
            name[1] = (u_char) ('1' + p);
            name[2] = '\0';

            if (ngx_social_care_param(&value[i], (char *) name, &v) == NGX_OK) {
                break;
            }
        }

        if (p == 4) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", expected "
                               "p1= to p4=", &value[i]);
            return NGX_CONF_ERROR;
        }

        t = ngx_parse_time(&v, 1);
        if (t == (time_t) NGX_ERROR || t <= 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid time in \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        smcf->worker.sla[p] = t;
    }

    return NGX_CONF_OK;
}


/* social_care_sla_business_hours "<spec>" */

char *
ngx_social_care_sla_hours_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    ngx_str_t           *value;
    sc_hours_t          *h;
    ngx_pool_cleanup_t  *cln;
    char                 err[256];

    if (smcf->worker.sla_hours) {
        return "is duplicate";
    }

    value = cf->args->elts;

    h = ngx_pcalloc(cf->pool, sizeof(sc_hours_t));
    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (h == NULL || cln == NULL) {
        return NGX_CONF_ERROR;
    }

    /* the zone's TZif file is read here, never in a worker */
    if (sc_hours_parse((const char *) value[1].data, h, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s", err);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_social_care_hours_cleanup;
    cln->data = h;

    smcf->worker.sla_hours = h;

    return NGX_CONF_OK;
}


static void
ngx_social_care_hours_cleanup(void *data)
{
    sc_hours_free(data);
}


/* social_care_escalate_url <url> [secret_file=path] */

char *
ngx_social_care_escalate_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    char                           *rv;
    ngx_str_t                      *value, v;
    ngx_uint_t                      i;
    ngx_social_care_worker_conf_t  *wcf;

    wcf = &smcf->worker;

    if (wcf->escalate) {
        return "is duplicate";
    }

    value = cf->args->elts;

    wcf->escalate = ngx_pcalloc(cf->pool, sizeof(ngx_social_care_endpoint_t));
    if (wcf->escalate == NULL) {
        return NGX_CONF_ERROR;
    }

    rv = ngx_social_care_endpoint_parse(cf, &value[1], wcf->escalate);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_social_care_param(&value[i], "secret_file", &v) == NGX_OK) {
            rv = ngx_social_care_read_secret(cf, &v, &wcf->escalate_secret);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* social_care_crisis off | [window=T] [min=N] [factor=X] [baseline=T] */

char *
ngx_social_care_crisis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_social_care_main_conf_t  *smcf = conf;

    time_t                          t;
    ngx_int_t                       n;
    ngx_str_t                      *value, v;
    ngx_uint_t                      i;
    ngx_social_care_worker_conf_t  *wcf;

    wcf = &smcf->worker;

    if (wcf->crisis != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;
    wcf->crisis = 1;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        wcf->crisis = 0;
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_social_care_param(&value[i], "window", &v) == NGX_OK
            || ngx_social_care_param(&value[i], "baseline", &v) == NGX_OK)
        {
            t = ngx_parse_time(&v, 1);
            if (t == (time_t) NGX_ERROR || t <= 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid time in \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            if (value[i].data[0] == 'w') {
                wcf->crisis_window = t;

            } else {
                wcf->crisis_baseline = t;
            }

            continue;
        }

        if (ngx_social_care_param(&value[i], "min", &v) == NGX_OK) {
            n = ngx_atoi(v.data, v.len);
            if (n < 1) {
                return "min= takes a positive number";
            }

            wcf->crisis_min = n;
            continue;
        }

        if (ngx_social_care_param(&value[i], "factor", &v) == NGX_OK) {
            /* hundredths: factor=2.5 */
            n = ngx_atofp(v.data, v.len, 2);
            if (n < 100) {
                return "factor= takes a number of at least 1";
            }

            wcf->crisis_factor = (double) n / 100;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* "name=value" → value */

static ngx_int_t
ngx_social_care_param(ngx_str_t *arg, const char *name, ngx_str_t *value)
{
    size_t  len;

    len = ngx_strlen(name);

    if (arg->len <= len || arg->data[len] != '='
        || ngx_strncmp(arg->data, name, len) != 0)
    {
        return NGX_DECLINED;
    }

    value->data = arg->data + len + 1;
    value->len = arg->len - len - 1;

    return NGX_OK;
}


/* one client context for every https:// endpoint, verifying peers */

static ngx_int_t
ngx_social_care_ssl_init(ngx_conf_t *cf, ngx_social_care_worker_conf_t *wcf)
{
#if (NGX_SSL)
    ngx_uint_t              i, need;
    ngx_pool_cleanup_t     *cln;
    ngx_social_care_api_t  *api;

    need = wcf->escalate && wcf->escalate->ssl;

    if (wcf->apis) {
        api = wcf->apis->elts;

        for (i = 0; i < wcf->apis->nelts; i++) {
            need |= api[i].endpoint.ssl;
        }
    }

    if (!need) {
        return NGX_OK;
    }

    wcf->ssl = ngx_pcalloc(cf->pool, sizeof(ngx_ssl_t));
    if (wcf->ssl == NULL) {
        return NGX_ERROR;
    }

    wcf->ssl->log = cf->log;

    if (ngx_ssl_create(wcf->ssl, NGX_SSL_TLSv1_2|NGX_SSL_TLSv1_3, NULL)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        ngx_ssl_cleanup_ctx(wcf->ssl);
        return NGX_ERROR;
    }

    cln->handler = ngx_ssl_cleanup_ctx;
    cln->data = wcf->ssl;

    if (wcf->trusted_certificate.len == 0) {
        ngx_str_set(&wcf->trusted_certificate, SC_DEFAULT_CA);
    }

    if (ngx_ssl_trusted_certificate(cf, wcf->ssl, &wcf->trusted_certificate,
                                    10)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
#else
    return NGX_OK;
#endif
}
