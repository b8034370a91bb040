/*
 * Copyright (C) ngx_social_care_module authors
 *
 * ngx_social_care_http.c: one outbound request per connection, on the
 * nginx event loop: ngx_event_connect_peer, optional TLS (nginx's SSL
 * layer, SNI, certificate and host name checked), write, read until the
 * answer is complete (sc_http.c parses it) or the peer closes.  Every
 * step has the call's timeout; nothing blocks.  The request asks for
 * Connection: close, so no connection outlives its call.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_event_connect.h>

#include "ngx_social_care_http.h"
#include "sc_http.h"


#define SC_HTTP_READ_CHUNK  4096
#define SC_HTTP_MAX_ANSWER  (1024 * 1024 + 16384)


typedef struct {
    ngx_peer_connection_t           peer;
    ngx_social_care_endpoint_t     *ep;
    ngx_log_t                      *log;
    ngx_msec_t                      timeout;

    u_char                         *request;
    size_t                          request_len;
    size_t                          sent;

    u_char                         *answer;
    size_t                          answer_len;
    size_t                          answer_size;

    ngx_social_care_http_pt         handler;
    void                           *data;

    ngx_event_t                     start;   /* the call begins posted */
    sc_http_response_t              parsed;

    ngx_uint_t                      addr;    /* of ep->addrs */
    ngx_uint_t                      tries;
    unsigned                        connected:1;
} ngx_social_care_http_call_t;


static void ngx_social_care_http_start(ngx_event_t *ev);
static void ngx_social_care_http_connected(ngx_social_care_http_call_t *hc);
#if (NGX_SSL)
static void ngx_social_care_http_ssl_done(ngx_connection_t *c);
#endif
static void ngx_social_care_http_write(ngx_event_t *wev);
static void ngx_social_care_http_read(ngx_event_t *rev);
static void ngx_social_care_http_unreachable(
    ngx_social_care_http_call_t *hc);
static void ngx_social_care_http_close(ngx_social_care_http_call_t *hc);
static void ngx_social_care_http_finish(ngx_social_care_http_call_t *hc,
    const char *error);


char *
ngx_social_care_endpoint_parse(ngx_conf_t *cf, ngx_str_t *url,
    ngx_social_care_endpoint_t *ep)
{
    size_t     skip;
    ngx_url_t  u;

    ngx_memzero(&u, sizeof(ngx_url_t));

    if (url->len > 8 && ngx_strncasecmp(url->data, (u_char *) "https://", 8)
                        == 0)
    {
        skip = 8;
        u.default_port = 443;
        ep->ssl = 1;

    } else if (url->len > 7
               && ngx_strncasecmp(url->data, (u_char *) "http://", 7) == 0)
    {
        skip = 7;
        u.default_port = 80;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is not an http:// or https:// URL", url);
        return NGX_CONF_ERROR;
    }

#if !(NGX_SSL)
    if (ep->ssl) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\": nginx was built without SSL", url);
        return NGX_CONF_ERROR;
    }
#endif

    u.url.data = url->data + skip;
    u.url.len = url->len - skip;
    u.uri_part = 1;

    /* resolved here, once: no DNS inside a worker */
    if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": %s", url,
                           u.err ? u.err : "invalid URL");
        return NGX_CONF_ERROR;
    }

    if (u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": host not found",
                           url);
        return NGX_CONF_ERROR;
    }

    ep->url = *url;
    ep->addrs = u.addrs;
    ep->naddrs = u.naddrs;

    /* NUL-terminated copies: the pure cores take C strings */
    ep->host.data = ngx_pnalloc(cf->pool, u.host.len + sizeof(":65535"));
    ep->server_name.data = ngx_pnalloc(cf->pool, u.host.len + 1);
    ep->path.data = ngx_pnalloc(cf->pool, u.uri.len + 1);

    if (ep->host.data == NULL || ep->server_name.data == NULL
        || ep->path.data == NULL)
    {
        return NGX_CONF_ERROR;
    }

    /* Host: the port only when it is not the scheme's */
    if (u.no_port || u.port == u.default_port) {
        ep->host.len = ngx_sprintf(ep->host.data, "%V%Z", &u.host)
                       - ep->host.data - 1;

    } else {
        ep->host.len = ngx_sprintf(ep->host.data, "%V:%d%Z", &u.host, u.port)
                       - ep->host.data - 1;
    }

    /* an IPv6 literal names no certificate */
    ep->server_name.len = (u.host.len && u.host.data[0] == '[')
                          ? 0 : u.host.len;
    ngx_memcpy(ep->server_name.data, u.host.data, ep->server_name.len);
    ep->server_name.data[ep->server_name.len] = '\0';

    ep->path.len = u.uri.len;

    while (ep->path.len && u.uri.data[ep->path.len - 1] == '/') {
        ep->path.len--;
    }

    ngx_memcpy(ep->path.data, u.uri.data, ep->path.len);
    ep->path.data[ep->path.len] = '\0';

    return NGX_CONF_OK;
}


ngx_int_t
ngx_social_care_http_call(ngx_social_care_endpoint_t *ep, ngx_ssl_t *ssl,
    const u_char *request, size_t len, ngx_msec_t timeout, ngx_log_t *log,
    ngx_social_care_http_pt handler, void *data)
{
    ngx_social_care_http_call_t  *hc;

    hc = ngx_calloc(sizeof(ngx_social_care_http_call_t) + len, log);
    if (hc == NULL) {
        return NGX_ERROR;
    }

    hc->request = (u_char *) (hc + 1);
    ngx_memcpy(hc->request, request, len);
    hc->request_len = len;

    hc->ep = ep;
    hc->log = log;
    hc->timeout = timeout;
    hc->handler = handler;
    hc->data = data;

    sc_http_response_init(&hc->parsed, 0);

    /* spread the calls over the addresses the name resolved to */
    hc->addr = ngx_random() % ep->naddrs;

    hc->peer.name = &ep->host;
    hc->peer.get = ngx_event_get_peer;
    hc->peer.log = log;
    hc->peer.log_error = NGX_ERROR_ERR;

#if (NGX_SSL)
    hc->peer.data = ep->ssl ? ssl : NULL;
#else
    (void) ssl;
#endif

    /* the caller hears the answer later, never from inside this call */
    hc->start.handler = ngx_social_care_http_start;
    hc->start.data = hc;
    hc->start.log = log;
    ngx_post_event(&hc->start, &ngx_posted_events);

    return NGX_OK;
}


static void
ngx_social_care_http_start(ngx_event_t *ev)
{
    ngx_int_t                     rc;
    ngx_addr_t                   *addr;
    ngx_connection_t             *c;
    ngx_social_care_http_call_t  *hc;

    hc = ev->data;

    addr = &hc->ep->addrs[hc->addr];
    hc->peer.sockaddr = addr->sockaddr;
    hc->peer.socklen = addr->socklen;

    rc = ngx_event_connect_peer(&hc->peer);

    if (rc == NGX_DECLINED) {
        ngx_social_care_http_unreachable(hc);
        return;
    }

    if (rc == NGX_ERROR || rc == NGX_BUSY) {
        ngx_social_care_http_finish(hc, "cannot connect");
        return;
    }

    c = hc->peer.connection;

    /* nginx's SSL layer allocates from the connection's pool */
    c->pool = ngx_create_pool(1024, hc->log);
    if (c->pool == NULL) {
        ngx_social_care_http_finish(hc, "out of memory");
        return;
    }

    c->data = hc;
    c->log = hc->log;
    c->read->log = hc->log;
    c->write->log = hc->log;
    c->read->handler = ngx_social_care_http_read;
    c->write->handler = ngx_social_care_http_write;

    ngx_add_timer(c->write, hc->timeout);

    if (rc == NGX_AGAIN) {
        /* connect() in progress: the write event says when it is done */
        return;
    }

    hc->connected = 1;
    ngx_social_care_http_connected(hc);
}


/*
 * This address refuses: the next one the name resolved to, if any (an
 * API's IPv6 address on an IPv4-only host, one server down).
 */

static void
ngx_social_care_http_unreachable(ngx_social_care_http_call_t *hc)
{
    if (++hc->tries >= hc->ep->naddrs) {
        ngx_social_care_http_finish(hc, "cannot connect");
        return;
    }

    ngx_social_care_http_close(hc);

    hc->addr = (hc->addr + 1) % hc->ep->naddrs;
    ngx_post_event(&hc->start, &ngx_posted_events);
}


static void
ngx_social_care_http_connected(ngx_social_care_http_call_t *hc)
{
    ngx_connection_t  *c;

    c = hc->peer.connection;

#if (NGX_SSL)

    if (hc->ep->ssl && c->ssl == NULL) {
        ngx_int_t   rc;
        ngx_ssl_t  *ssl;
        u_char      name[256];

        ssl = hc->peer.data;

        if (ssl == NULL
            || ngx_ssl_create_connection(ssl, c, NGX_SSL_BUFFER|NGX_SSL_CLIENT)
               != NGX_OK)
        {
            ngx_social_care_http_finish(hc, "cannot start TLS");
            return;
        }

        if (hc->ep->server_name.len
            && hc->ep->server_name.len < sizeof(name))
        {
            ngx_cpystrn(name, hc->ep->server_name.data,
                        hc->ep->server_name.len + 1);

            if (SSL_set_tlsext_host_name(c->ssl->connection, (char *) name)
                == 0)
            {
                ngx_social_care_http_finish(hc, "cannot set TLS SNI");
                return;
            }
        }

        c->log->action = "TLS handshake with a platform API";

        rc = ngx_ssl_handshake(c);

        if (rc == NGX_AGAIN) {
            if (!c->write->timer_set) {
                ngx_add_timer(c->write, hc->timeout);
            }

            c->ssl->handler = ngx_social_care_http_ssl_done;
            return;
        }

        ngx_social_care_http_ssl_done(c);
        return;
    }

#endif

    ngx_social_care_http_write(c->write);
}


#if (NGX_SSL)

static void
ngx_social_care_http_ssl_done(ngx_connection_t *c)
{
    long                          rc;
    ngx_social_care_http_call_t  *hc;

    hc = c->data;
    c->log->action = NULL;

    if (!c->ssl->handshaked) {
        ngx_social_care_http_finish(hc, "TLS handshake failed");
        return;
    }

    rc = SSL_get_verify_result(c->ssl->connection);

    if (rc != X509_V_OK) {
        ngx_log_error(NGX_LOG_ERR, hc->log, 0,
                      "social_care worker: \"%V\": certificate verify "
                      "error: (%l:%s)", &hc->ep->url, rc,
                      X509_verify_cert_error_string(rc));
        ngx_social_care_http_finish(hc, "certificate verify failed");
        return;
    }

    if (hc->ep->server_name.len
        && ngx_ssl_check_host(c, &hc->ep->server_name) != NGX_OK)
    {
        ngx_social_care_http_finish(hc,
                                    "certificate does not match the host");
        return;
    }

    c->read->handler = ngx_social_care_http_read;
    c->write->handler = ngx_social_care_http_write;

    ngx_social_care_http_write(c->write);
}

#endif


static void
ngx_social_care_http_write(ngx_event_t *wev)
{
    int                           err;
    ssize_t                       n;
    socklen_t                     len;
    ngx_connection_t             *c;
    ngx_social_care_http_call_t  *hc;

    c = wev->data;
    hc = c->data;

    if (wev->timedout) {
        ngx_social_care_http_finish(hc, "timed out");
        return;
    }

    if (!hc->connected) {
        /* the connect() finished: did it succeed? */
        err = 0;
        len = sizeof(int);

        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, (void *) &err, &len)
            == -1 || err)
        {
            ngx_social_care_http_unreachable(hc);
            return;
        }

        hc->connected = 1;

        if (hc->ep->ssl) {
            ngx_social_care_http_connected(hc);
            return;
        }
    }

    while (hc->sent < hc->request_len) {
        n = c->send(c, hc->request + hc->sent, hc->request_len - hc->sent);

        if (n == NGX_AGAIN) {
            if (ngx_handle_write_event(wev, 0) != NGX_OK) {
                ngx_social_care_http_finish(hc, "cannot send");
            }

            return;
        }

        if (n <= 0) {
            ngx_social_care_http_finish(hc, "cannot send");
            return;
        }

        hc->sent += n;
    }

    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    wev->handler = ngx_social_care_http_read;    /* nothing more to write */

    if (!c->read->timer_set) {
        ngx_add_timer(c->read, hc->timeout);
    }

    if (c->read->ready) {
        ngx_social_care_http_read(c->read);
    }
}


static void
ngx_social_care_http_read(ngx_event_t *rev)
{
    u_char                       *p;
    size_t                        size;
    ssize_t                       n;
    ngx_int_t                     rc;
    ngx_connection_t             *c;
    ngx_social_care_http_call_t  *hc;

    c = rev->data;
    hc = c->data;

    if (rev->timedout) {
        ngx_social_care_http_finish(hc, "timed out");
        return;
    }

    if (rev->write) {
        /* a write event after the request went out: ignore it */
        return;
    }

    if (!hc->connected) {
        /* a refused connect() wakes the reader too: the writer decides */
        ngx_social_care_http_write(c->write);
        return;
    }

    for ( ;; ) {
        if (hc->answer_size - hc->answer_len < SC_HTTP_READ_CHUNK) {
            size = ngx_max(2 * hc->answer_size, 2 * SC_HTTP_READ_CHUNK);

            if (size > SC_HTTP_MAX_ANSWER + SC_HTTP_READ_CHUNK) {
                ngx_social_care_http_finish(hc, "answer too large");
                return;
            }

            p = ngx_alloc(size, hc->log);
            if (p == NULL) {
                ngx_social_care_http_finish(hc, "out of memory");
                return;
            }

            if (hc->answer) {
                ngx_memcpy(p, hc->answer, hc->answer_len);
                ngx_free(hc->answer);
            }

            hc->answer = p;
            hc->answer_size = size;
        }

        n = c->recv(c, hc->answer + hc->answer_len,
                    hc->answer_size - hc->answer_len - 1);

        if (n == NGX_AGAIN) {
            if (ngx_handle_read_event(rev, 0) != NGX_OK) {
                ngx_social_care_http_finish(hc, "cannot read");
            }

            return;
        }

        if (n == NGX_ERROR) {
            ngx_social_care_http_finish(hc, "connection reset");
            return;
        }

        if (n > 0) {
            hc->answer_len += n;
        }

        rc = sc_http_response_parse(&hc->parsed, hc->answer, hc->answer_len,
                                    n == 0);

        if (rc == SC_HTTP_DONE) {
            ngx_social_care_http_finish(hc, NULL);
            return;
        }

        if (rc == SC_HTTP_ERROR) {
            ngx_social_care_http_finish(hc, hc->parsed.error
                                            ? hc->parsed.error
                                            : "invalid answer");
            return;
        }

        if (n == 0) {
            ngx_social_care_http_finish(hc, hc->answer_len
                                            ? "answer cut short"
                                            : "closed without an answer");
            return;
        }
    }
}


static void
ngx_social_care_http_close(ngx_social_care_http_call_t *hc)
{
    ngx_pool_t  *pool;

    if (hc->peer.connection == NULL) {
        return;
    }

#if (NGX_SSL)
    if (hc->peer.connection->ssl) {
        /* no close_notify dance: the answer is in or given up on */
        hc->peer.connection->ssl->no_wait_shutdown = 1;
        hc->peer.connection->ssl->no_send_shutdown = 1;
        (void) ngx_ssl_shutdown(hc->peer.connection);
    }
#endif

    pool = hc->peer.connection->pool;

    ngx_close_connection(hc->peer.connection);
    hc->peer.connection = NULL;
    hc->connected = 0;

    if (pool) {
        ngx_destroy_pool(pool);
    }
}


static void
ngx_social_care_http_finish(ngx_social_care_http_call_t *hc,
    const char *error)
{
    ngx_social_care_http_result_t  res;

    if (hc->start.posted) {
        ngx_delete_posted_event(&hc->start);
    }

    ngx_memzero(&res, sizeof(res));

    if (error == NULL) {
        res.status = hc->parsed.status;
        res.retry_after = hc->parsed.retry_after[0]
                          ? (u_char *) hc->parsed.retry_after : NULL;
        res.body = (u_char *) hc->parsed.body;
        res.body_len = hc->parsed.body_len;

    } else {
        res.error = error;
    }

    ngx_social_care_http_close(hc);

    hc->handler(hc->data, &res);

    sc_http_response_free(&hc->parsed);

    if (hc->answer) {
        ngx_free(hc->answer);
    }

    ngx_free(hc);
}
