/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_http.h: outbound HTTP/1.1 and HTTPS requests from the
 * nginx event loop (nginx's own connect and SSL), for the worker queue's
 * deliveries and notifications.  One request per connection.
 */

#ifndef _NGX_SOCIAL_CARE_HTTP_H_INCLUDED_
#define _NGX_SOCIAL_CARE_HTTP_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_event_connect.h>


/* where a platform's API or the escalation receiver lives */
typedef struct {
    ngx_str_t          url;          /* as configured: for logs */
    ngx_addr_t        *addrs;        /* resolved at configuration time */
    ngx_uint_t         naddrs;
    ngx_str_t          host;         /* Host header: name[:port] */
    ngx_str_t          server_name;  /* TLS SNI and certificate name */
    ngx_str_t          path;         /* base path, no trailing slash */
    unsigned           ssl:1;
} ngx_social_care_endpoint_t;


typedef struct {
    ngx_int_t          status;       /* 0: no answer (see error) */
    const char        *error;        /* why there is no answer */
    u_char            *retry_after;  /* header value, NUL-terminated */
    u_char            *body;         /* decoded, NUL-terminated */
    size_t             body_len;
} ngx_social_care_http_result_t;


typedef void (*ngx_social_care_http_pt)(void *data,
    ngx_social_care_http_result_t *res);


/* http:// or https:// URL → endpoint; resolves the host name once */
char *ngx_social_care_endpoint_parse(ngx_conf_t *cf, ngx_str_t *url,
    ngx_social_care_endpoint_t *ep);

/*
 * Sends request (copied) and calls handler once, always asynchronously,
 * with the answer or the reason there is none.  NGX_ERROR: nothing will be
 * called (no memory).
 */
ngx_int_t ngx_social_care_http_call(ngx_social_care_endpoint_t *ep,
    ngx_ssl_t *ssl, const u_char *request, size_t len, ngx_msec_t timeout,
    ngx_log_t *log, ngx_social_care_http_pt handler, void *data);


#endif /* _NGX_SOCIAL_CARE_HTTP_H_INCLUDED_ */
