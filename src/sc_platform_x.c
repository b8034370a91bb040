/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_x.c: X (Twitter) webhooks -> sc_event_t.
 *
 *   GET ?crc_token=T                 the CRC: {"response_token":
 *                                    "sha256=<base64 HMAC-SHA256>"}
 *   Account Activity (v1.1 and v2)   for_user_id + tweet_create_events,
 *                                    direct_message_events, favorite_,
 *                                    follow_, block_, mute_events,
 *                                    typing and read indicators,
 *                                    tweet_delete_events, user_event,
 *                                    replay_job_status
 *   Filtered stream webhooks (v2)    data (+ includes.users); reposts
 *                                    are retweets
 *
 * Ids come as strings ("id_str") and as 64-bit integers that JavaScript
 * rounds: the strings first, else the integers in full.  Times come as
 * timestamp_ms (number or string), created_at in v1.1's own format, ISO
 * 8601 or epoch milliseconds.
 *
 * Whatever is not understood becomes one "unsupported" event: a webhook
 * is acknowledged only once it is stored, so nothing may vanish here.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <stdio.h>
#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_X_CHANNEL        "x"
#define SC_X_CRC_MAX        512         /* X's tokens are ~48 chars */
#define SC_X_MAC_MAX        64
#define SC_X_B64_MAX        (4 * ((SC_X_MAC_MAX + 2) / 3) + 1)
#define SC_X_ID_MAX         32          /* an int64 in decimal, and more */

/* sc_json_name_t.flags */
#define SC_X_PRIVATE        0x01

/* sc_x_member_t.shapes */
#define SC_X_ARRAY          0x01
#define SC_X_OBJECT         0x02


typedef struct {
    sc_events_t        *out;
    json_t             *doc;
    const char         *brand;      /* for_user_id: the subscribed account */
    json_t             *users;      /* DM payloads: id -> user object */
    json_t             *apps;       /* DM payloads: id -> app object */
    unsigned            blocked:1;  /* user_has_blocked: cannot answer */
} sc_x_ctx_t;


typedef sc_parse_rc_e (*sc_x_item_pt)(sc_x_ctx_t *ctx, json_t *item);


/* a top-level member: an array of items, one item, or context (no handler) */
typedef struct {
    const char         *key;
    unsigned            shapes;     /* SC_X_ARRAY | SC_X_OBJECT */
    sc_x_item_pt        handler;
} sc_x_member_t;


static int sc_x_handshake(const sc_verify_conf_t *vc, const sc_request_t *rq,
    sc_answer_t *answer);
static sc_parse_rc_e sc_x_parse(const sc_request_t *rq, sc_events_t *out,
    sc_answer_t *answer, char *err, size_t errlen);

static sc_parse_rc_e sc_x_tweet(sc_x_ctx_t *ctx, json_t *item);
static unsigned sc_x_mentions(json_t *tweet, const char *id);
static sc_parse_rc_e sc_x_dm(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_favorite(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_relation(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_indicator(sc_x_ctx_t *ctx, json_t *item,
    const char *type);
static sc_parse_rc_e sc_x_typing(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_read(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_delete(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_user_event(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_replay(sc_x_ctx_t *ctx, json_t *item);
static sc_parse_rc_e sc_x_post(sc_x_ctx_t *ctx, json_t *item);
static void sc_x_author(sc_x_ctx_t *ctx, sc_event_t *ev, json_t *user);
static json_t *sc_x_dm_user(sc_x_ctx_t *ctx, const char *id);
static void sc_x_followers(sc_event_t *ev, json_t *user);
static const char *sc_x_user_id(sc_x_ctx_t *ctx, json_t *user);
static const char *sc_x_id(json_t *obj, const char *str_key,
    const char *int_key, char *buf, size_t size);
static unsigned sc_x_true(json_t *v);
static int64_t sc_x_time_ms(json_t *item);
static int64_t sc_x_created_at_ms(const char *s);


const sc_platform_t  sc_platform_x = {
    "x",
    sc_x_handshake,
    sc_verify_x,
    sc_x_parse,
    NULL,
    0,
    0,
    0
};


/* in the order their events are listed */
static const sc_x_member_t  sc_x_members[] = {
    { "tweet_create_events",                   SC_X_ARRAY,  sc_x_tweet },
    { "direct_message_events",                 SC_X_ARRAY,  sc_x_dm },
    { "favorite_events",                       SC_X_ARRAY,  sc_x_favorite },
    { "follow_events",                         SC_X_ARRAY,  sc_x_relation },
    { "unfollow_events",                       SC_X_ARRAY,  sc_x_relation },
    { "block_events",                          SC_X_ARRAY,  sc_x_relation },
    { "unblock_events",                        SC_X_ARRAY,  sc_x_relation },
    { "mute_events",                           SC_X_ARRAY,  sc_x_relation },
    { "unmute_events",                         SC_X_ARRAY,  sc_x_relation },
    { "direct_message_indicate_typing_events", SC_X_ARRAY,  sc_x_typing },
    { "direct_message_mark_read_events",       SC_X_ARRAY,  sc_x_read },
    { "tweet_delete_events",                   SC_X_ARRAY,  sc_x_delete },
    { "user_event",                            SC_X_OBJECT, sc_x_user_event },
    { "replay_job_status",                     SC_X_OBJECT, sc_x_replay },

    /* filtered stream webhooks: one post, or several */
    { "data",                      SC_X_ARRAY | SC_X_OBJECT, sc_x_post },

    /* what describes the events rather than being one */
    { "for_user_id",                           0,           NULL },
    { "user_has_blocked",                      0,           NULL },
    { "is_blocked_by",                         0,           NULL },
    { "users",                                 0,           NULL },
    { "apps",                                  0,           NULL },
    { "source",                                0,           NULL },
    { "target",                                0,           NULL },
    { "includes",                              0,           NULL },
    { "matching_rules",                        0,           NULL },
    { "errors",                                0,           NULL },
    { NULL,                                    0,           NULL }
};


static const sc_json_name_t  sc_x_relations[] = {
    { "follow",   "follow",   0 },
    { "unfollow", "unfollow", 0 },
    { "block",    "block",    SC_X_PRIVATE },
    { "unblock",  "unblock",  SC_X_PRIVATE },
    { "mute",     "mute",     SC_X_PRIVATE },
    { "unmute",   "unmute",   SC_X_PRIVATE },
    { NULL,       NULL,       0 }
};


static const char  *sc_x_months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};


static int
sc_x_handshake(const sc_verify_conf_t *vc, const sc_request_t *rq,
    sc_answer_t *answer)
{
    int                   n;
    size_t                len;
    const unsigned char  *parts[1];
    size_t                lens[1];
    char                  token[SC_X_CRC_MAX];
    unsigned char         mac[SC_X_MAC_MAX];
    char                  b64[sizeof("sha256=") - 1 + SC_X_B64_MAX];

    if (!sc_request_arg(rq, "crc_token", token, sizeof(token), &len)
        || len == 0 || vc->nsecrets == 0)
    {
        return 0;
    }

    /* X signs with one secret; while rotating, the first is the live one */
    parts[0] = (const unsigned char *) token;
    lens[0] = len;

    n = sc_hmac("sha256", &vc->secrets[0], parts, lens, 1, mac);
    if (n <= 0 || n > SC_X_MAC_MAX) {
        goto failed;
    }

    memcpy(b64, "sha256=", sizeof("sha256=") - 1);
    sc_base64_encode(mac, (size_t) n, b64 + sizeof("sha256=") - 1);

    if (sc_json_answer(answer, 200, json_pack("{s:s}", "response_token", b64))
        != 0)
    {
        goto failed;
    }

    return 1;

failed:

    /* a wrong token would invalidate the webhook: better no token at all */
    answer->status = 500;
    answer->content_type = NULL;
    answer->body = NULL;
    answer->body_len = 0;

    return 1;
}


static sc_parse_rc_e
sc_x_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    size_t                i;
    json_t               *doc, *v, *item;
    unsigned              seen, unknown;
    const char           *key;
    sc_x_ctx_t            ctx;
    sc_parse_rc_e         rc;
    const sc_x_member_t  *m;

    (void) answer;

    rc = sc_json_load_object(rq->body, rq->body_len, out, &doc, err,
                             errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    memset(&ctx, 0, sizeof(sc_x_ctx_t));
    ctx.out = out;
    ctx.doc = doc;
    ctx.brand = sc_json_str(doc, "for_user_id");
    ctx.users = json_object_get(doc, "users");
    ctx.apps = json_object_get(doc, "apps");

    /*
     * Mentions carry "user_has_blocked" (X sends it as the string "false"
     * as often as the boolean) or, when true, "is_blocked_by": either way
     * the two accounts block each other and an answer cannot go out
     */
    ctx.blocked = sc_x_true(json_object_get(doc, "user_has_blocked"))
                  || sc_x_true(json_object_get(doc, "is_blocked_by"));

    seen = 0;
    unknown = 0;

    for (m = sc_x_members; m->key != NULL; m++) {
        v = json_object_get(doc, m->key);
        if (v == NULL || m->handler == NULL) {
            continue;
        }

        seen = 1;

        if (json_is_object(v) && (m->shapes & SC_X_OBJECT)) {
            rc = m->handler(&ctx, v);

        } else if (json_is_array(v) && (m->shapes & SC_X_ARRAY)) {
            for (i = 0; i < json_array_size(v) && rc == SC_PARSE_OK; i++) {
                item = json_array_get(v, i);
                rc = json_is_object(item)
                     ? m->handler(&ctx, item)
                     : sc_json_unsupported(out, SC_X_CHANNEL, item);
            }

        } else {
            unknown = 1;
        }

        if (rc != SC_PARSE_OK) {
            return sc_json_fail(out, rc, err, errlen);
        }
    }

    /* a member we do not know may be a new kind of event: keep it all */
    json_object_foreach(doc, key, v) {
        for (m = sc_x_members; m->key != NULL; m++) {
            if (strcmp(m->key, key) == 0) {
                break;
            }
        }

        if (m->key == NULL) {
            unknown = 1;
        }
    }

    if (!seen || unknown) {
        rc = sc_json_unsupported(out, SC_X_CHANNEL, doc);
        if (rc != SC_PARSE_OK) {
            return sc_json_fail(out, rc, err, errlen);
        }
    }

    return SC_PARSE_OK;
}


/* tweet_create_events[]: tweets, replies, mentions, quotes, retweets */
static sc_parse_rc_e
sc_x_tweet(sc_x_ctx_t *ctx, json_t *item)
{
    json_t         *rt;
    const char     *id, *reply_to, *type, *text;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;
    char            num[SC_X_ID_MAX];

    id = sc_json_str(item, "id_str");
    if (id == NULL) {
        id = sc_json_id_str(ctx->out, json_object_get(item, "id"));
    }

    /* the numeric ids lose precision in JavaScript: the _str ones first */
    reply_to = sc_x_id(item, "in_reply_to_status_id_str",
                       "in_reply_to_status_id", num, sizeof(num));
    if (reply_to == num) {
        reply_to = sc_json_keep(ctx->out, num, strlen(num));
    }

    rt = json_object_get(item, "retweeted_status");
    if (!json_is_object(rt)) {
        rt = NULL;
    }

    if (rt != NULL) {
        type = "retweet";

    } else if (reply_to != NULL) {
        type = "reply";

    } else if (sc_x_mentions(item, ctx->brand)) {
        type = "mention";

    } else {
        type = "tweet";
    }

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* a longform post carries its whole text in extended_tweet */
    text = sc_json_path_str(item, "extended_tweet.full_text");
    if (text == NULL) {
        text = sc_json_str(item, "full_text");
    }

    ev->text = text ? text : sc_json_str(item, "text");

    sc_x_author(ctx, ev, json_object_get(item, "user"));

    /* a retweet belongs with the tweet it repeats */
    ev->thread_id = reply_to;

    if (rt != NULL) {
        ev->thread_id = sc_json_str(rt, "id_str");
        if (ev->thread_id == NULL) {
            ev->thread_id = sc_json_id_str(ctx->out,
                                           json_object_get(rt, "id"));
        }
    }

    if (ev->thread_id == NULL) {
        ev->thread_id = id;
    }

    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->from_brand = sc_json_same(ev->author_id, ctx->brand);
    ev->answerable = !ev->from_brand && rt == NULL && !ctx->blocked;
    ev->occurred_ms = sc_x_time_ms(item);

    return sc_json_set_id(ev, id);
}


/* does the tweet answer or name the account id among its user_mentions? */
static unsigned
sc_x_mentions(json_t *tweet, const char *id)
{
    size_t       i, k;
    json_t      *list;
    char         num[SC_X_ID_MAX];
    static const char  *paths[] = {
        "extended_tweet.entities.user_mentions", "entities.user_mentions"
    };

    if (id == NULL) {
        return 0;
    }

    if (sc_json_same(sc_x_id(tweet, "in_reply_to_user_id_str",
                             "in_reply_to_user_id", num, sizeof(num)),
                     id))
    {
        return 1;
    }

    for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
        list = sc_json_path(tweet, paths[k]);

        for (i = 0; i < json_array_size(list); i++) {
            if (sc_json_same(sc_x_id(json_array_get(list, i), "id_str", "id",
                                     num, sizeof(num)),
                             id))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* direct_message_events[]: both directions, names in the users map */
static sc_parse_rc_e
sc_x_dm(sc_x_ctx_t *ctx, json_t *item)
{
    json_t         *mc, *user;
    const char     *sender, *recipient;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    mc = json_object_get(item, "message_create");

    if (!sc_json_same(sc_json_str(item, "type"), "message_create")
        || !json_is_object(mc))
    {
        return sc_json_unsupported(ctx->out, SC_X_CHANNEL, item);
    }

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, "message", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sender = sc_json_str(mc, "sender_id");
    recipient = sc_json_path_str(mc, "target.recipient_id");

    ev->author_id = sender;

    user = sc_x_dm_user(ctx, sender);

    ev->author_handle = sc_json_str(user, "screen_name");
    ev->author_name = sc_json_str(user, "name");
    sc_x_followers(ev, user);

    ev->text = sc_json_path_str(mc, "message_data.text");
    ev->from_brand = sc_json_same(sender, ctx->brand);
    ev->answerable = !ev->from_brand;

    /* the conversation is the customer's, whoever wrote */
    ev->thread_id = ev->from_brand ? recipient : sender;
    ev->occurred_ms = sc_json_time_ms(json_object_get(item,
                                                      "created_timestamp"),
                                      SC_TIME_MS);

    return sc_json_set_id(ev, sc_json_str(item, "id"));
}


static sc_parse_rc_e
sc_x_favorite(sc_x_ctx_t *ctx, json_t *item)
{
    const char     *tweet;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, "favorite", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_x_author(ctx, ev, json_object_get(item, "user"));

    tweet = sc_json_path_str(item, "favorited_status.id_str");
    if (tweet == NULL) {
        tweet = sc_json_id_str(ctx->out,
                               sc_json_path(item, "favorited_status.id"));
    }

    ev->thread_id = tweet;
    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->from_brand = sc_json_same(ev->author_id, ctx->brand);
    ev->occurred_ms = sc_x_time_ms(item);

    return sc_json_set_id(ev, sc_json_str(item, "id"));
}


/* follow, block and mute events and their undoing: no id of their own */
static sc_parse_rc_e
sc_x_relation(sc_x_ctx_t *ctx, json_t *item)
{
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    t = sc_json_lookup(sc_x_relations, sc_json_str(item, "type"));
    if (t == NULL) {
        return sc_json_unsupported(ctx->out, SC_X_CHANNEL, item);
    }

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, t->type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_x_author(ctx, ev, json_object_get(item, "source"));

    ev->thread_id = sc_x_user_id(ctx, json_object_get(item, "target"));
    ev->visibility = (t->flags & SC_X_PRIVATE) ? SC_VISIBILITY_PRIVATE
                                               : SC_VISIBILITY_PUBLIC;
    ev->from_brand = sc_json_same(ev->author_id, ctx->brand);
    ev->occurred_ms = sc_json_time_ms(json_object_get(item,
                                                      "created_timestamp"),
                                      SC_TIME_MS);

    /* the time is part of the item: a later re-follow is a new event */
    return sc_json_set_id_hash(ev, NULL);
}


static sc_parse_rc_e
sc_x_indicator(sc_x_ctx_t *ctx, json_t *item, const char *type)
{
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = sc_json_str(item, "sender_id");
    ev->from_brand = sc_json_same(ev->author_id, ctx->brand);
    ev->thread_id = ev->from_brand
                    ? sc_json_path_str(item, "target.recipient_id")
                    : ev->author_id;
    ev->occurred_ms = sc_json_time_ms(json_object_get(item,
                                                      "created_timestamp"),
                                      SC_TIME_MS);

    return sc_json_set_id_hash(ev, NULL);
}


static sc_parse_rc_e
sc_x_typing(sc_x_ctx_t *ctx, json_t *item)
{
    return sc_x_indicator(ctx, item, "typing");
}


static sc_parse_rc_e
sc_x_read(sc_x_ctx_t *ctx, json_t *item)
{
    return sc_x_indicator(ctx, item, "read");
}


static sc_parse_rc_e
sc_x_delete(sc_x_ctx_t *ctx, json_t *item)
{
    json_t         *parts[1];
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, "tweet_delete", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = sc_json_id_str(ctx->out,
                                   sc_json_path(item, "status.user_id"));
    ev->thread_id = sc_json_id_str(ctx->out,
                                   sc_json_path(item, "status.id"));
    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->from_brand = sc_json_same(ev->author_id, ctx->brand);
    ev->occurred_ms = sc_x_time_ms(item);

    parts[0] = sc_json_path(item, "status.id");

    return sc_json_set_id_join(ev, "tweet_delete", parts, 1);
}


/* {"revoke":{...}}: a user withdrew the app's access */
static sc_parse_rc_e
sc_x_user_event(sc_x_ctx_t *ctx, json_t *item)
{
    json_t         *revoke;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    revoke = json_object_get(item, "revoke");
    if (!json_is_object(revoke)) {
        return sc_json_unsupported(ctx->out, SC_X_CHANNEL, item);
    }

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, "revoke", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = sc_json_id_str(ctx->out,
                                   sc_json_path(revoke, "source.user_id"));
    ev->occurred_ms = sc_json_time_ms(json_object_get(revoke, "date_time"),
                                      SC_TIME_MS);

    return sc_json_set_id_hash(ev, NULL);
}


/* the end of a Replay API job: an operator wants to know */
static sc_parse_rc_e
sc_x_replay(sc_x_ctx_t *ctx, json_t *item)
{
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, "replay_status", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->text = sc_json_str(item, "job_state_description");

    return sc_json_set_id_hash(ev, NULL);
}


/*
 * A v2 Post matched by a filtered stream rule.  Never answerable: X's
 * automation rules forbid unsolicited automated replies to posts found by
 * search, so these are for people to look at.  A repost (referenced_tweets
 * "retweeted") repeats someone else's words: filed as a retweet, in the
 * thread of the post it repeats.
 */
static sc_parse_rc_e
sc_x_post(sc_x_ctx_t *ctx, json_t *item)
{
    size_t          i;
    json_t         *users, *u, *refs;
    const char     *id, *author, *type, *repost;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    refs = json_object_get(item, "referenced_tweets");
    repost = NULL;

    for (i = 0; i < json_array_size(refs); i++) {
        u = json_array_get(refs, i);

        if (sc_json_same(sc_json_str(u, "type"), "retweeted")) {
            repost = sc_json_str(u, "id");
            break;
        }
    }

    type = (i < json_array_size(refs)) ? "retweet" : "post";

    rc = sc_json_event(ctx->out, SC_X_CHANNEL, type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    id = sc_json_str(item, "id");
    author = sc_json_str(item, "author_id");

    ev->text = sc_json_path_str(item, "note_tweet.text");
    if (ev->text == NULL) {
        ev->text = sc_json_str(item, "text");
    }

    ev->author_id = author;
    ev->thread_id = repost ? repost : sc_json_str(item, "conversation_id");
    if (ev->thread_id == NULL) {
        ev->thread_id = id;
    }

    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->occurred_ms = sc_json_time_ms(json_object_get(item, "created_at"),
                                      SC_TIME_MS);

    users = sc_json_path(ctx->doc, "includes.users");

    for (i = 0; author != NULL && i < json_array_size(users); i++) {
        u = json_array_get(users, i);

        if (sc_json_same(sc_json_str(u, "id"), author)) {
            ev->author_handle = sc_json_str(u, "username");
            ev->author_name = sc_json_str(u, "name");
            sc_x_followers(ev, sc_json_path(u, "public_metrics"));
            break;
        }
    }

    return sc_json_set_id(ev, id);
}


/* a user object; the follower count feeds the influencer priority */
static void
sc_x_author(sc_x_ctx_t *ctx, sc_event_t *ev, json_t *user)
{
    ev->author_id = sc_x_user_id(ctx, user);
    ev->author_handle = sc_json_str(user, "screen_name");
    ev->author_name = sc_json_str(user, "name");
    sc_x_followers(ev, user);
}


/*
 * The user object of a DM participant: from "users", keyed by id.  X's own
 * documented sample nests the users inside "apps"; an object found there
 * under the id counts only when it is a user (it has a screen_name).
 */
static json_t *
sc_x_dm_user(sc_x_ctx_t *ctx, const char *id)
{
    json_t  *user;

    if (id == NULL) {
        return NULL;
    }

    user = json_object_get(ctx->users, id);
    if (json_is_object(user)) {
        return user;
    }

    user = json_object_get(ctx->apps, id);

    return (sc_json_str(user, "screen_name") != NULL) ? user : NULL;
}


static void
sc_x_followers(sc_event_t *ev, json_t *user)
{
    int64_t  n;

    if (sc_json_int64(json_object_get(user, "followers_count"), &n) == 0
        && n > 0)
    {
        ev->author_followers = n;
    }
}


/*
 * Tweets carry v1.1 users (numeric "id", "id_str"); follow, block and mute
 * events carry the DM-era users whose "id" is a string
 */
static const char *
sc_x_user_id(sc_x_ctx_t *ctx, json_t *user)
{
    const char  *id;

    id = sc_json_str(user, "id_str");

    return id ? id : sc_json_id_str(ctx->out, json_object_get(user, "id"));
}


/*
 * An id that X sends twice, as "<key>_str" and as a 64-bit integer: the
 * string, else the integer in decimal (exact: jansson keeps 64 bits) in
 * buf; NULL when neither is there or the string is empty
 */
static const char *
sc_x_id(json_t *obj, const char *str_key, const char *int_key, char *buf,
    size_t size)
{
    json_t      *v;
    const char  *s;

    s = sc_json_str(obj, str_key);
    if (s != NULL) {
        return (s[0] != '\0') ? s : NULL;
    }

    v = json_object_get(obj, int_key);

    if (json_is_string(v)) {
        s = json_string_value(v);
        return (s[0] != '\0') ? s : NULL;
    }

    if (!json_is_integer(v)) {
        return NULL;
    }

    (void) snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));

    return buf;
}


/* X's flags come as booleans and as the strings "true" and "false" */
static unsigned
sc_x_true(json_t *v)
{
    return json_is_true(v) || sc_json_same(json_string_value(v), "true");
}


/*
 * When a tweet, like or delete happened: timestamp_ms (a number or a
 * string of epoch milliseconds), else created_at as v1.1 writes it
 * ("Wed Oct 10 20:19:24 +0000 2018"), as ISO 8601, or as epoch digits
 */
static int64_t
sc_x_time_ms(json_t *item)
{
    json_t   *v;
    int64_t   t;

    t = sc_json_time_ms(json_object_get(item, "timestamp_ms"), SC_TIME_MS);
    if (t > 0) {
        return t;
    }

    v = json_object_get(item, "created_at");

    t = sc_x_created_at_ms(json_string_value(v));
    if (t > 0) {
        return t;
    }

    return sc_json_time_ms(v, SC_TIME_AUTO);
}


/* "Wed Oct 10 20:19:24 +0000 2018", v1.1's created_at; 0 if not that */
static int64_t
sc_x_created_at_ms(const char *s)
{
    int          day, hh, mm, ss, off, year, mon, end;
    char         wday[4], month[4];
    int64_t      t;

    if (s == NULL) {
        return 0;
    }

    end = 0;

    if (sscanf(s, "%3s %3s %2d %2d:%2d:%2d %5d %4d%n", wday, month, &day,
               &hh, &mm, &ss, &off, &year, &end) != 8
        || s[end] != '\0')
    {
        return 0;
    }

    for (mon = 0; mon < 12; mon++) {
        if (strcmp(sc_x_months[mon], month) == 0) {
            break;
        }
    }

    if (mon == 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60
        || off < -2359 || off > 2359)
    {
        return 0;
    }

    t = ((sc_time_days(year, mon + 1, day) * 24 + hh) * 60 + mm) * 60 + ss;
    t -= (off / 100) * 3600 + (off % 100) * 60;

    return (t > 0) ? t * 1000 : 0;
}
