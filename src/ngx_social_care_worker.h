/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_worker.h: the worker queue inside the nginx workers:
 * claims jobs from social_care.jobs, delivers holding replies to the
 * platforms' APIs, notifies escalations and crises, and runs the SLA and
 * crisis watches.
 */

#ifndef _NGX_SOCIAL_CARE_WORKER_H_INCLUDED_
#define _NGX_SOCIAL_CARE_WORKER_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "sc_verify.h"
#include "sc_hours.h"
#include "ngx_social_care_http.h"


/* social_care_api <platform> <url> token_file=... sender=... */
typedef struct {
    ngx_str_t                    platform;
    ngx_social_care_endpoint_t   endpoint;
    sc_secret_t                  token;      /* data NULL: none */
    ngx_str_t                    sender;     /* Viber's sender name */
    ngx_str_t                    account;    /* WhatsApp phone number id */
} ngx_social_care_api_t;


typedef struct {
    ngx_flag_t                   enable;      /* social_care_worker */
    ngx_uint_t                   jobs;        /* in hand per process */
    ngx_msec_t                   poll;
    ngx_msec_t                   lease;
    ngx_msec_t                   watch;

    ngx_uint_t                   attempts;    /* social_care_job_attempts */
    ngx_msec_t                   backoff;     /* social_care_job_backoff */

    ngx_array_t                 *apis;        /* of ngx_social_care_api_t */
    ngx_msec_t                   api_timeout;
    ngx_str_t                    trusted_certificate;
    ngx_ssl_t                   *ssl;

    ngx_int_t                    sla[4];      /* seconds; -1: the table's */
    sc_hours_t                  *sla_hours;   /* NULL: the wall clock */

    ngx_social_care_endpoint_t  *escalate;    /* NULL: rows only */
    sc_secret_t                  escalate_secret;

    ngx_flag_t                   crisis;
    ngx_int_t                    crisis_window;    /* seconds */
    ngx_int_t                    crisis_min;
    double                       crisis_factor;
    ngx_int_t                    crisis_baseline;  /* seconds */
} ngx_social_care_worker_conf_t;


void ngx_social_care_worker_create_conf(ngx_social_care_worker_conf_t *wcf);
char *ngx_social_care_worker_init_conf(ngx_conf_t *cf,
    ngx_social_care_worker_conf_t *wcf, ngx_uint_t db_set);

char *ngx_social_care_worker_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_social_care_api_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_social_care_sla_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_social_care_sla_hours_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
char *ngx_social_care_escalate_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_social_care_crisis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

ngx_int_t ngx_social_care_worker_start(ngx_cycle_t *cycle,
    ngx_social_care_worker_conf_t *wcf, void *pg_conf);
void ngx_social_care_worker_stop(void);

/* whether this process runs the worker queue */
ngx_uint_t ngx_social_care_worker_running(void);

/*
 * Whether a crisis is open for one of topics, as this process last heard
 * (the worker refreshes the open topics every watch; 0 without a worker).
 */
ngx_uint_t ngx_social_care_worker_crisis(const char *const *topics,
    size_t ntopics);


#endif /* _NGX_SOCIAL_CARE_WORKER_H_INCLUDED_ */
