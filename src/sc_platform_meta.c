/*
 * Copyright (C) ngx_social_care_module authors
 *
 * sc_platform_meta.c: Meta Graph API webhooks -> sc_event_t.
 *
 *   object "page"                       entry[].messaging[] / standby[]
 *                                       (Messenger), entry[].changes[]
 *                                       field "feed" (Page feed), "mention"
 *                                       (the Page tagged elsewhere)
 *   object "instagram"                  entry[].messaging[] (DMs),
 *                                       entry[].changes[] "comments",
 *                                       "live_comments", "mentions"
 *   object "whatsapp_business_account"  entry[].changes[] "messages",
 *                                       "smb_message_echoes"
 *
 * Whatever is not understood becomes one "unsupported" event: a webhook
 * is acknowledged only once it is stored, so nothing may vanish here.
 *
 * Ids are strings today; payloads of older Graph versions (and some test
 * tools) send Page, PSID and sender ids as JSON integers: both are read.
 * Signals (reads, deliveries, reactions, statuses) carry no text: they are
 * not classified, so a reaction is never a complaint.
 *
 * Pure C, jansson and OpenSSL, no nginx types.
 */


#include <string.h>

#include "sc_platform.h"
#include "sc_json.h"


#define SC_META_FEED_NVERBS     9

/* sc_json_name_t.flags of WhatsApp message types */
#define SC_META_ANSWER          0x01    /* a customer's message */


typedef enum {
    SC_META_PAGE = 0,
    SC_META_INSTAGRAM,
    SC_META_WHATSAPP,
    SC_META_UNKNOWN
} sc_meta_object_e;


typedef struct {
    sc_events_t        *out;
    sc_meta_object_e    object;
    const char         *channel;    /* of the webhook's object */
    const char         *entry_id;   /* the Page, IG account or WABA */
    int64_t             entry_ms;   /* entry.time, fallback for items */
} sc_meta_ctx_t;


typedef struct {
    const char         *item;
    const char         *types[SC_META_FEED_NVERBS];
} sc_meta_feed_item_t;


/* a messaging item's key -> our static event type */
typedef struct {
    const char         *key;
    const char         *type;
} sc_meta_signal_t;


static void sc_meta_set_time(sc_event_t *ev, json_t *v);
static int sc_meta_same_digits(const char *a, const char *b);
static const char *sc_meta_id(sc_meta_ctx_t *ctx, json_t *v);
static const char *sc_meta_text(const char *s);

static sc_parse_rc_e sc_meta_event(sc_meta_ctx_t *ctx, const char *type,
    json_t *raw, sc_event_t **evp);
static sc_parse_rc_e sc_meta_unsupported(sc_meta_ctx_t *ctx, json_t *item);

static sc_parse_rc_e sc_meta_parse_entry(sc_meta_ctx_t *ctx, json_t *entry);
static sc_parse_rc_e sc_meta_parse_messaging_list(sc_meta_ctx_t *ctx,
    json_t *list, unsigned standby);
static sc_parse_rc_e sc_meta_parse_messaging(sc_meta_ctx_t *ctx,
    json_t *item, unsigned standby);
static void sc_meta_messaging_common(sc_meta_ctx_t *ctx, sc_event_t *ev,
    json_t *item, unsigned brand);
static sc_parse_rc_e sc_meta_parse_message(sc_meta_ctx_t *ctx, json_t *item,
    json_t *msg, unsigned standby);
static sc_parse_rc_e sc_meta_parse_postback(sc_meta_ctx_t *ctx,
    json_t *item, json_t *pb, unsigned standby);
static sc_parse_rc_e sc_meta_parse_signal(sc_meta_ctx_t *ctx, json_t *item,
    const sc_meta_signal_t *sig);
static sc_parse_rc_e sc_meta_parse_changes(sc_meta_ctx_t *ctx,
    json_t *list);
static sc_parse_rc_e sc_meta_parse_change(sc_meta_ctx_t *ctx,
    json_t *change);
static sc_parse_rc_e sc_meta_parse_ig_comment(sc_meta_ctx_t *ctx,
    json_t *value);
static sc_parse_rc_e sc_meta_parse_ig_mention(sc_meta_ctx_t *ctx,
    json_t *value);
static sc_parse_rc_e sc_meta_parse_feed(sc_meta_ctx_t *ctx, json_t *change,
    json_t *value);
static sc_parse_rc_e sc_meta_parse_page_mention(sc_meta_ctx_t *ctx,
    json_t *change, json_t *value);
static void sc_meta_feed_author(sc_meta_ctx_t *ctx, sc_event_t *ev,
    json_t *value);
static sc_parse_rc_e sc_meta_parse_wa_value(sc_meta_ctx_t *ctx,
    json_t *change, json_t *value, unsigned echoes);
static sc_parse_rc_e sc_meta_parse_wa_message(sc_meta_ctx_t *ctx,
    json_t *value, json_t *msg, unsigned echo);
static const char *sc_meta_wa_text(json_t *msg, const char *name);
static void sc_meta_wa_author(sc_event_t *ev, json_t *value,
    const char *from, const char *user_id);
static sc_parse_rc_e sc_meta_parse_wa_status(sc_meta_ctx_t *ctx,
    json_t *status);
static sc_parse_rc_e sc_meta_parse_wa_error(sc_meta_ctx_t *ctx,
    json_t *value, json_t *error);


/*
 * Messaging kinds that are signals about a conversation rather than
 * something a customer said: each keeps its own type name (older
 * payloads spell the policy callback with a hyphen).
 */
static const sc_meta_signal_t  sc_meta_signals[] = {
    { "reaction",               "reaction" },
    { "read",                   "read" },
    { "delivery",               "delivery" },
    { "referral",               "referral" },
    { "optin",                  "optin" },
    { "message_edit",           "message_edit" },
    { "account_linking",        "account_linking" },
    { "pass_thread_control",    "pass_thread_control" },
    { "take_thread_control",    "take_thread_control" },
    { "request_thread_control", "request_thread_control" },
    { "app_roles",              "app_roles" },
    { "policy_enforcement",     "policy_enforcement" },
    { "policy-enforcement",     "policy_enforcement" },
    { "messaging_feedback",     "messaging_feedback" },
    { "game_play",              "game_play" },
    { NULL,                     NULL }
};


/* WhatsApp messages[].type -> our event type */
static const sc_json_name_t  sc_meta_wa_types[] = {
    { "text",        "message",         SC_META_ANSWER },
    { "image",       "message",         SC_META_ANSWER },
    { "video",       "message",         SC_META_ANSWER },
    { "document",    "message",         SC_META_ANSWER },
    { "audio",       "message",         SC_META_ANSWER },
    { "sticker",     "message",         SC_META_ANSWER },
    { "button",      "message",         SC_META_ANSWER },
    { "interactive", "message",         SC_META_ANSWER },
    { "location",    "message",         SC_META_ANSWER },
    { "contacts",    "message",         SC_META_ANSWER },
    { "order",       "message",         SC_META_ANSWER },
    { "reaction",    "reaction",        0 },
    { "edit",        "message_edit",    0 },
    { "revoke",      "message_deleted", 0 },
    { "system",      "system",          0 },
    { "unsupported", "unsupported",     0 },
    { "unknown",     "unsupported",     0 },
    { NULL,          NULL,              0 }
};


/* any other type: kept with its sender, wamid and time, never answered */
static const sc_json_name_t  sc_meta_wa_other = {
    NULL, "unsupported", 0
};


/* feed verbs other than "add"; the types below follow this order */
static const char  *sc_meta_feed_verbs[SC_META_FEED_NVERBS] = {
    "edited", "edit", "remove", "delete", "hide", "unhide", "block",
    "unblock", "update"
};


/* event types must be static strings: spell out "<item>_<verb>" */
#define SC_META_FEED_ITEM(item)                                              \
    { item, { item "_edited", item "_edit", item "_remove",                  \
              item "_delete", item "_hide", item "_unhide", item "_block",   \
              item "_unblock", item "_update" } }

static const sc_meta_feed_item_t  sc_meta_feed_items[] = {
    SC_META_FEED_ITEM("comment"),
    SC_META_FEED_ITEM("post"),
    SC_META_FEED_ITEM("status"),
    SC_META_FEED_ITEM("photo"),
    SC_META_FEED_ITEM("video"),
    SC_META_FEED_ITEM("share"),
    { NULL, { NULL } }
};


sc_parse_rc_e
sc_platform_meta_parse(const char *body, size_t len, sc_events_t *out,
    char *err, size_t errlen)
{
    size_t          i;
    json_t         *root, *entries, *object;
    const char     *name;
    sc_meta_ctx_t   ctx;
    sc_parse_rc_e   rc;

    rc = sc_json_load_object((const unsigned char *) body, len, out, &root,
                             err, errlen);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    object = json_object_get(root, "object");
    if (!json_is_string(object)) {
        sc_json_err(err, errlen, "body has no \"object\" string");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    entries = json_object_get(root, "entry");
    if (!json_is_array(entries)) {
        sc_json_err(err, errlen, "body has no \"entry\" array");
        return sc_json_fail(out, SC_PARSE_INVALID, err, errlen);
    }

    memset(&ctx, 0, sizeof(sc_meta_ctx_t));
    ctx.out = out;

    name = json_string_value(object);

    if (strcmp(name, "page") == 0) {
        ctx.object = SC_META_PAGE;
        ctx.channel = "messenger";

    } else if (strcmp(name, "instagram") == 0) {
        ctx.object = SC_META_INSTAGRAM;
        ctx.channel = "instagram";

    } else if (strcmp(name, "whatsapp_business_account") == 0) {
        ctx.object = SC_META_WHATSAPP;
        ctx.channel = "whatsapp";

    } else {
        /* "user", "permissions", ...: Graph objects of the Facebook app */
        ctx.object = SC_META_UNKNOWN;
        ctx.channel = "facebook";
    }

    for (i = 0; i < json_array_size(entries); i++) {
        rc = sc_meta_parse_entry(&ctx, json_array_get(entries, i));
        if (rc != SC_PARSE_OK) {
            return sc_json_fail(out, rc, err, errlen);
        }
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_meta_parse_entry(sc_meta_ctx_t *ctx, json_t *entry)
{
    size_t          k;
    json_t         *list;
    unsigned        seen, bad, messaging;
    sc_parse_rc_e   rc;
    static const char  *keys[] = { "messaging", "standby", "changes" };

    /* NULL and 0 for a non-object: nothing leaks from the previous entry */
    ctx->entry_id = sc_meta_id(ctx, json_object_get(entry, "id"));
    ctx->entry_ms = sc_json_time_ms(json_object_get(entry, "time"),
                                    SC_TIME_AUTO);

    if (!json_is_object(entry) || ctx->object == SC_META_UNKNOWN) {
        return sc_meta_unsupported(ctx, entry);
    }

    seen = 0;
    bad = 0;

    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        list = json_object_get(entry, keys[k]);
        if (list == NULL) {
            continue;
        }

        seen = 1;

        /* messaging and standby hold messaging items, changes do not */
        messaging = (k < 2);

        if (!json_is_array(list)
            || (messaging && ctx->object == SC_META_WHATSAPP))
        {
            bad = 1;
            continue;
        }

        rc = messaging ? sc_meta_parse_messaging_list(ctx, list, k == 1)
                       : sc_meta_parse_changes(ctx, list);
        if (rc != SC_PARSE_OK) {
            return rc;
        }
    }

    /* an entry we cannot read is stored whole rather than lost */
    if (!seen || bad) {
        return sc_meta_unsupported(ctx, entry);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_meta_parse_messaging_list(sc_meta_ctx_t *ctx, json_t *list,
    unsigned standby)
{
    size_t          i;
    sc_parse_rc_e   rc;

    for (i = 0; i < json_array_size(list); i++) {
        rc = sc_meta_parse_messaging(ctx, json_array_get(list, i), standby);
        if (rc != SC_PARSE_OK) {
            return rc;
        }
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_meta_parse_messaging(sc_meta_ctx_t *ctx, json_t *item, unsigned standby)
{
    json_t                  *v;
    const sc_meta_signal_t  *sig;

    if (!json_is_object(item)) {
        return sc_meta_unsupported(ctx, item);
    }

    v = json_object_get(item, "message");
    if (v != NULL) {
        if (!json_is_object(v)) {
            return sc_meta_unsupported(ctx, item);
        }

        return sc_meta_parse_message(ctx, item, v, standby);
    }

    v = json_object_get(item, "postback");
    if (v != NULL) {
        if (!json_is_object(v)) {
            return sc_meta_unsupported(ctx, item);
        }

        return sc_meta_parse_postback(ctx, item, v, standby);
    }

    for (sig = sc_meta_signals; sig->key != NULL; sig++) {
        if (json_is_object(json_object_get(item, sig->key))) {
            return sc_meta_parse_signal(ctx, item, sig);
        }
    }

    return sc_meta_unsupported(ctx, item);
}


/*
 * Fills what every messaging kind shares: the customer is the sender,
 * unless the Page or IG account itself sent it (an echo), then the
 * recipient.  "is_self" marks an Instagram account messaging itself
 * (self messaging, used to preview automations): nobody to answer.
 */
static void
sc_meta_messaging_common(sc_meta_ctx_t *ctx, sc_event_t *ev, json_t *item,
    unsigned brand)
{
    const char  *sender, *recipient;

    sender = sc_meta_id(ctx, sc_json_path(item, "sender.id"));
    recipient = sc_meta_id(ctx, sc_json_path(item, "recipient.id"));

    if (sc_json_same(sender, ctx->entry_id)
        || json_is_true(json_object_get(item, "is_self")))
    {
        brand = 1;
    }

    ev->author_id = sender;
    ev->thread_id = brand ? recipient : sender;
    ev->from_brand = brand;
    ev->visibility = SC_VISIBILITY_PRIVATE;

    sc_meta_set_time(ev, json_object_get(item, "timestamp"));
}


static sc_parse_rc_e
sc_meta_parse_message(sc_meta_ctx_t *ctx, json_t *item, json_t *msg,
    unsigned standby)
{
    json_t         *mid[1];
    unsigned        echo, deleted, self;
    const char     *type;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    echo = json_is_true(json_object_get(msg, "is_echo"));
    deleted = json_is_true(json_object_get(msg, "is_deleted"));
    self = json_is_true(json_object_get(msg, "is_self"));

    type = deleted ? "message_deleted" : (echo ? "echo" : "message");

    rc = sc_meta_event(ctx, type, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_meta_messaging_common(ctx, ev, item, echo || self);

    /* attachments only (image, sticker, story mention...): no text */
    ev->text = sc_meta_text(sc_json_str(msg, "text"));

    /*
     * a standby message belongs to a thread another app controls: the
     * Send API refuses us until that app hands the thread over
     */
    ev->answerable = !deleted && !ev->from_brand && !standby;

    if (deleted) {
        /* the mid is the deleted message's own: keep both rows */
        mid[0] = json_object_get(msg, "mid");
        return sc_json_set_id_join(ev, "message_deleted", mid, 1);
    }

    return sc_json_set_id(ev, sc_json_str(msg, "mid"));
}


static sc_parse_rc_e
sc_meta_parse_postback(sc_meta_ctx_t *ctx, json_t *item, json_t *pb,
    unsigned standby)
{
    json_t         *parts[2];
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_meta_event(ctx, "postback", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_meta_messaging_common(ctx, ev, item, 0);

    ev->text = sc_meta_text(sc_json_str(pb, "title"));
    ev->answerable = !ev->from_brand && !standby;

    if (sc_json_str(pb, "mid") != NULL) {
        return sc_json_set_id(ev, sc_json_str(pb, "mid"));
    }

    /* older postbacks carry no mid: who pressed, and when */
    parts[0] = sc_json_path(item, "sender.id");
    parts[1] = json_object_get(item, "timestamp");

    return sc_json_set_id_join(ev, "postback", parts, 2);
}


static sc_parse_rc_e
sc_meta_parse_signal(sc_meta_ctx_t *ctx, json_t *item,
    const sc_meta_signal_t *sig)
{
    size_t          n;
    json_t         *k, *parts[3];
    const char     *kind;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    kind = sig->type;

    rc = sc_meta_event(ctx, kind, item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_meta_messaging_common(ctx, ev, item, 0);

    k = json_object_get(item, sig->key);

    /*
     * ids built from what identifies the signal on the platform, so a
     * redelivery of the same item maps to the same row.  A reaction's
     * emoji stays in raw: it is a signal, not words to classify (an
     * angry face is no complaint to answer).
     */
    if (strcmp(kind, "reaction") == 0) {
        parts[0] = json_object_get(k, "mid");
        parts[1] = json_object_get(k, "action");
        parts[2] = json_object_get(k, "reaction");
        n = 3;

    } else if (strcmp(kind, "read") == 0) {
        /* Messenger reads carry a watermark, Instagram reads a mid */
        parts[0] = sc_json_path(item, "sender.id");
        parts[1] = json_object_get(k, "watermark");
        if (parts[1] == NULL) {
            parts[1] = json_object_get(k, "mid");
        }
        n = 2;

    } else if (strcmp(kind, "delivery") == 0) {
        parts[0] = sc_json_path(item, "sender.id");
        parts[1] = json_object_get(k, "watermark");
        n = 2;

    } else if (strcmp(kind, "message_edit") == 0) {
        parts[0] = json_object_get(k, "mid");
        parts[1] = json_object_get(k, "num_edit");
        ev->text = sc_meta_text(sc_json_str(k, "text"));
        n = 2;

    } else {
        parts[0] = sc_json_path(item, "sender.id");
        parts[1] = json_object_get(item, "timestamp");
        n = 2;
    }

    return sc_json_set_id_join(ev, kind, parts, n);
}


static sc_parse_rc_e
sc_meta_parse_changes(sc_meta_ctx_t *ctx, json_t *list)
{
    size_t          i;
    sc_parse_rc_e   rc;

    for (i = 0; i < json_array_size(list); i++) {
        rc = sc_meta_parse_change(ctx, json_array_get(list, i));
        if (rc != SC_PARSE_OK) {
            return rc;
        }
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_meta_parse_change(sc_meta_ctx_t *ctx, json_t *change)
{
    json_t      *value;
    const char  *field;

    field = sc_json_str(change, "field");
    value = json_object_get(change, "value");

    if (field == NULL || !json_is_object(value)) {
        return sc_meta_unsupported(ctx, change);
    }

    switch (ctx->object) {

    case SC_META_PAGE:
        if (strcmp(field, "feed") == 0) {
            return sc_meta_parse_feed(ctx, change, value);
        }

        if (strcmp(field, "mention") == 0) {
            return sc_meta_parse_page_mention(ctx, change, value);
        }
        break;

    case SC_META_INSTAGRAM:
        if (strcmp(field, "comments") == 0
            || strcmp(field, "live_comments") == 0)
        {
            return sc_meta_parse_ig_comment(ctx, value);
        }

        if (strcmp(field, "mentions") == 0) {
            return sc_meta_parse_ig_mention(ctx, value);
        }
        break;

    case SC_META_WHATSAPP:
        if (strcmp(field, "messages") == 0) {
            return sc_meta_parse_wa_value(ctx, change, value, 0);
        }

        if (strcmp(field, "smb_message_echoes") == 0) {
            return sc_meta_parse_wa_value(ctx, change, value, 1);
        }

        return sc_meta_unsupported(ctx, change);

    default:
        break;
    }

    /*
     * the dashboard's "Test" button and some app setups deliver a
     * messaging item as a change value ("messages", "messaging_postbacks")
     */
    if (json_is_object(json_object_get(value, "sender"))) {
        return sc_meta_parse_messaging(ctx, value, 0);
    }

    return sc_meta_unsupported(ctx, change);
}


static sc_parse_rc_e
sc_meta_parse_ig_comment(sc_meta_ctx_t *ctx, json_t *value)
{
    const char     *self;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_meta_event(ctx, "comment", value, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = sc_meta_id(ctx, sc_json_path(value, "from.id"));
    ev->author_handle = sc_json_path_str(value, "from.username");
    ev->thread_id = sc_meta_id(ctx, sc_json_path(value, "media.id"));
    ev->text = sc_meta_text(sc_json_str(value, "text"));
    ev->visibility = SC_VISIBILITY_PUBLIC;

    /*
     * the account's own comments (its replies under a post) carry its
     * Instagram-scoped id as from.self_ig_scoped_id; from.id is then the
     * account's id, which may differ from entry.id by login type
     */
    self = sc_meta_id(ctx, sc_json_path(value, "from.self_ig_scoped_id"));

    ev->from_brand = sc_json_same(ev->author_id, ctx->entry_id)
                     || sc_meta_text(self) != NULL;
    ev->answerable = !ev->from_brand;

    return sc_json_set_id(ev, sc_meta_id(ctx, json_object_get(value, "id")));
}


static sc_parse_rc_e
sc_meta_parse_ig_mention(sc_meta_ctx_t *ctx, json_t *value)
{
    json_t         *part[1];
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_meta_event(ctx, "mention", value, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* the webhook names the media only: text and author need the API */
    ev->thread_id = sc_meta_id(ctx, json_object_get(value, "media_id"));
    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->answerable = 1;

    /* a mention in a comment and one in a caption of the same media */
    part[0] = json_object_get(value, "comment_id");
    if (part[0] == NULL) {
        part[0] = json_object_get(value, "media_id");
    }

    return sc_json_set_id_join(ev, "mention", part, 1);
}


static sc_parse_rc_e
sc_meta_parse_feed(sc_meta_ctx_t *ctx, json_t *change, json_t *value)
{
    size_t                      i;
    json_t                     *parts[5], *target;
    unsigned                    add, post;
    const char                 *item, *verb, *type;
    sc_event_t                 *ev;
    sc_parse_rc_e               rc;
    const sc_meta_feed_item_t  *fi;

    item = sc_json_str(value, "item");
    verb = sc_json_str(value, "verb");

    if (item == NULL || verb == NULL) {
        return sc_meta_unsupported(ctx, change);
    }

    add = (strcmp(verb, "add") == 0);
    post = (strcmp(item, "post") == 0 || strcmp(item, "status") == 0
            || strcmp(item, "photo") == 0 || strcmp(item, "video") == 0
            || strcmp(item, "share") == 0);

    type = NULL;

    /* "like" is how older Graph versions name a reaction */
    if (strcmp(item, "reaction") == 0 || strcmp(item, "like") == 0) {
        type = "reaction";

    } else if (add && strcmp(item, "comment") == 0) {
        type = "comment";

    } else if (add && post) {
        type = "post";

    } else {
        for (fi = sc_meta_feed_items; fi->item != NULL && type == NULL; fi++)
        {
            if (strcmp(fi->item, item) != 0) {
                continue;
            }

            for (i = 0; i < SC_META_FEED_NVERBS; i++) {
                if (strcmp(sc_meta_feed_verbs[i], verb) == 0) {
                    type = fi->types[i];
                    break;
                }
            }
        }
    }

    if (type == NULL) {
        return sc_meta_unsupported(ctx, change);
    }

    rc = sc_meta_event(ctx, type, value, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_meta_feed_author(ctx, ev, value);

    sc_meta_set_time(ev, json_object_get(value, "created_time"));

    target = json_object_get(value, "comment_id");
    if (target == NULL) {
        target = json_object_get(value, "post_id");
    }

    if (strcmp(type, "reaction") == 0) {
        parts[0] = target;
        parts[1] = sc_json_path(value, "from.id");
        if (parts[1] == NULL) {
            parts[1] = json_object_get(value, "sender_id");
        }
        parts[2] = json_object_get(value, "verb");
        parts[3] = json_object_get(value, "reaction_type");

        return sc_json_set_id_join(ev, "reaction", parts, 4);
    }

    if (add) {
        ev->answerable = !ev->from_brand;

        target = json_object_get(value, strcmp(type, "comment") == 0
                                        ? "comment_id" : "post_id");

        return sc_json_set_id(ev, sc_meta_id(ctx, target));
    }

    /* an edit or removal of a comment or post: a new fact each time */
    parts[0] = (strcmp(item, "comment") == 0)
               ? json_object_get(value, "comment_id")
               : json_object_get(value, "post_id");
    parts[1] = json_object_get(value, "verb");
    parts[2] = json_object_get(value, "created_time");

    return sc_json_set_id_join(ev, NULL, parts, 3);
}


/*
 * Who wrote a feed or mention item: "from" {id, name}, or in payloads of
 * older Graph versions "sender_id" and "sender_name"; the Page itself is
 * the brand.
 */
static void
sc_meta_feed_author(sc_meta_ctx_t *ctx, sc_event_t *ev, json_t *value)
{
    json_t  *from;

    from = json_object_get(value, "from");

    ev->channel = "facebook";
    ev->author_id = sc_meta_id(ctx, json_object_get(from, "id"));
    ev->author_name = sc_json_str(from, "name");

    if (ev->author_id == NULL) {
        ev->author_id = sc_meta_id(ctx, json_object_get(value, "sender_id"));
    }

    if (ev->author_name == NULL) {
        ev->author_name = sc_json_str(value, "sender_name");
    }

    ev->thread_id = sc_meta_id(ctx, json_object_get(value, "post_id"));
    ev->text = sc_meta_text(sc_json_str(value, "message"));
    ev->visibility = SC_VISIBILITY_PUBLIC;
    ev->from_brand = sc_json_same(ev->author_id, ctx->entry_id);
}


/*
 * Field "mention": the Page tagged in a post or a comment elsewhere, a
 * public message to the brand.  Other verbs (a mention edited, removed)
 * are stored whole as unsupported.
 */
static sc_parse_rc_e
sc_meta_parse_page_mention(sc_meta_ctx_t *ctx, json_t *change,
    json_t *value)
{
    json_t         *part[1];
    const char     *verb;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    verb = sc_json_str(value, "verb");

    if (verb == NULL || strcmp(verb, "add") != 0) {
        return sc_meta_unsupported(ctx, change);
    }

    rc = sc_meta_event(ctx, "mention", value, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    sc_meta_feed_author(ctx, ev, value);
    sc_meta_set_time(ev, json_object_get(value, "created_time"));

    ev->answerable = !ev->from_brand;

    /* the same prefix as Instagram's: a comment's id, else the post's */
    part[0] = json_object_get(value, "comment_id");
    if (part[0] == NULL) {
        part[0] = json_object_get(value, "post_id");
    }

    return sc_json_set_id_join(ev, "mention", part, 1);
}


static sc_parse_rc_e
sc_meta_parse_wa_value(sc_meta_ctx_t *ctx, json_t *change, json_t *value,
    unsigned echoes)
{
    size_t          i, k;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t         *list, *el;
    unsigned        seen, bad;
    sc_parse_rc_e   rc;
    static const char  *keys[] = {
        "messages", "message_echoes", "statuses", "errors"
    };

    seen = 0;
    bad = 0;

    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        list = json_object_get(value, keys[k]);
        if (list == NULL) {
            continue;
        }

        seen = 1;

        if (!json_is_array(list)) {
            bad = 1;
            continue;
        }

        for (i = 0; i < json_array_size(list); i++) {
            el = json_array_get(list, i);

            /* k indexes keys[] */
            if (!json_is_object(el)) {
                rc = sc_meta_unsupported(ctx, el);

            } else if (k < 2) {
                rc = sc_meta_parse_wa_message(ctx, value, el,
                                              echoes || k == 1);

            } else if (k == 2) {
                rc = sc_meta_parse_wa_status(ctx, el);

            } else {
                rc = sc_meta_parse_wa_error(ctx, value, el);
            }

            if (rc != SC_PARSE_OK) {
                return rc;
            }
        }
    }

    if (!seen || bad) {
        return sc_meta_unsupported(ctx, change);
    }

    return SC_PARSE_OK;
}


static sc_parse_rc_e
sc_meta_parse_wa_message(sc_meta_ctx_t *ctx, json_t *value, json_t *msg,
    unsigned echo)
{
    json_t                *meta;
    const char            *name, *from, *to, *own, *user_id, *type;
    sc_event_t            *ev;
    sc_parse_rc_e          rc;
    const sc_json_name_t  *t;

    name = sc_json_str(msg, "type");

    /*
     * a type of a later API version (or none) is still a customer's
     * message with its sender, wamid and time: kept, never answered
     */
    t = sc_json_lookup(sc_meta_wa_types, name);
    if (t == NULL) {
        t = &sc_meta_wa_other;
    }

    /*
     * A user with a username may hide the phone number: "from" is then
     * absent and the business-scoped user id (BSUID, "US.1349...") is
     * all there is to write back to.
     */
    user_id = sc_json_str(msg, "from_user_id");
    from = sc_json_str(msg, "from");
    if (from == NULL) {
        from = user_id;
    }

    to = sc_json_str(msg, "to");
    own = sc_json_path_str(value, "metadata.display_phone_number");

    /* the business's own number writing: sent from the WhatsApp app */
    if (sc_meta_same_digits(from, own)) {
        echo = 1;
    }

    /*
     * The business number the customer wrote to (phone_number_id) lives
     * beside the message, not in it; the Cloud API replies from it, so
     * the stored message carries it.
     */
    meta = json_object_get(value, "metadata");

    if (json_is_object(meta) && json_object_get(msg, "metadata") == NULL
        && json_object_set(msg, "metadata", meta) != 0)
    {
        return SC_PARSE_NOMEM;
    }

    /*
     * the business's own messages are echoes; its edits, deletions and
     * reactions keep their type, as they answer nobody
     */
    type = t->type;
    if (echo && strcmp(type, "message") == 0) {
        type = "echo";
    }

    rc = sc_meta_event(ctx, type, msg, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    ev->author_id = from;
    ev->thread_id = (echo && to != NULL) ? to : from;
    ev->text = (name != NULL) ? sc_meta_wa_text(msg, name) : NULL;
    ev->visibility = SC_VISIBILITY_PRIVATE;
    ev->from_brand = echo;
    ev->answerable = (t->flags & SC_META_ANSWER) && !echo;

    if (!echo) {
        sc_meta_wa_author(ev, value, sc_json_str(msg, "from"), user_id);
    }

    sc_meta_set_time(ev, json_object_get(msg, "timestamp"));

    return sc_json_set_id(ev, sc_json_str(msg, "id"));
}


static const char *
sc_meta_wa_text(json_t *msg, const char *name)
{
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t      *edited;
    const char  *s;

    if (strcmp(name, "text") == 0) {
        return sc_meta_text(sc_json_path_str(msg, "text.body"));
    }

    if (strcmp(name, "button") == 0) {
        return sc_meta_text(sc_json_path_str(msg, "button.text"));
    }

    if (strcmp(name, "interactive") == 0) {
        s = sc_json_path_str(msg, "interactive.button_reply.title");
        if (s == NULL) {
            s = sc_json_path_str(msg, "interactive.list_reply.title");
        }

        return sc_meta_text(s);
    }

    if (strcmp(name, "location") == 0) {
        s = sc_meta_text(sc_json_path_str(msg, "location.name"));
        return s ? s : sc_meta_text(sc_json_path_str(msg,
                                                     "location.address"));
    }

    if (strcmp(name, "order") == 0) {
        return sc_meta_text(sc_json_path_str(msg, "order.text"));
    }

    if (strcmp(name, "system") == 0) {
        return sc_meta_text(sc_json_path_str(msg, "system.body"));
    }

    /* the new text or caption, as the edited message would carry it */
    if (strcmp(name, "edit") == 0) {
        edited = sc_json_path(msg, "edit.message");
        s = sc_json_str(edited, "type");

        return (s != NULL && strcmp(s, "edit") != 0)
               ? sc_meta_wa_text(edited, s) : NULL;
    }

    /* a reaction's emoji stays in raw: a signal, not words to classify */
    if (strcmp(name, "reaction") == 0 || strcmp(name, "revoke") == 0) {
        return NULL;
    }

    /* image, video, document, ...: what the customer typed under it */
    return sc_meta_text(sc_json_str(json_object_get(msg, name), "caption"));
}


/*
 * The sender's profile name and username from value.contacts[], matched
 * by the phone number (wa_id) or the business-scoped user id (user_id).
 */
static void
sc_meta_wa_author(sc_event_t *ev, json_t *value, const char *from,
    const char *user_id)
{
    size_t   i, n;
    /* cppcheck-suppress variableScope ; nginx style: locals at the top */
    json_t  *contacts, *c, *found;

    contacts = json_object_get(value, "contacts");
    n = json_array_size(contacts);
    found = NULL;

    for (i = 0; i < n && found == NULL; i++) {
        c = json_array_get(contacts, i);

        if (sc_json_same(sc_json_str(c, "wa_id"), from)
            || sc_json_same(sc_json_str(c, "user_id"), user_id))
        {
            found = c;
        }
    }

    /* wa_id may be normalized differently than "from"; one is unambiguous */
    if (found == NULL && n == 1) {
        found = json_array_get(contacts, 0);
    }

    ev->author_name = sc_meta_text(sc_json_path_str(found, "profile.name"));
    ev->author_handle = sc_meta_text(sc_json_path_str(found,
                                                      "profile.username"));
}


static sc_parse_rc_e
sc_meta_parse_wa_status(sc_meta_ctx_t *ctx, json_t *status)
{
    json_t         *parts[2];
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_meta_event(ctx, "status", status, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    /* a message sent to a BSUID may come back without the phone number */
    ev->thread_id = sc_json_str(status, "recipient_id");
    if (ev->thread_id == NULL) {
        ev->thread_id = sc_json_str(status, "recipient_user_id");
    }

    ev->visibility = SC_VISIBILITY_PRIVATE;

    sc_meta_set_time(ev, json_object_get(status, "timestamp"));

    /* one message goes sent, delivered, read: one row for each step */
    parts[0] = json_object_get(status, "id");
    parts[1] = json_object_get(status, "status");

    return sc_json_set_id_join(ev, NULL, parts, 2);
}


/*
 * Webhook-level errors (bad app setup, throttling, a message Meta could
 * not read): an operator must see each.  Their title stays in raw: Meta's
 * words ("Something went wrong") are no customer's complaint.  The same
 * error object comes back for many messages, so its id hashes the whole
 * change value (the messages it came with) and the error, not the error
 * alone.
 */
static sc_parse_rc_e
sc_meta_parse_wa_error(sc_meta_ctx_t *ctx, json_t *value, json_t *error)
{
    int             failed;
    json_t         *both;
    sc_event_t     *ev;
    sc_parse_rc_e   rc;
    char            id[sizeof("error:") + SC_SHA256_HEX_LEN];

    rc = sc_meta_event(ctx, "error", error, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    both = json_pack("[O,O]", value, error);
    if (both == NULL) {
        return SC_PARSE_NOMEM;
    }

    memcpy(id, "error:", sizeof("error:") - 1);

    failed = sc_json_hash_hex(both, id + sizeof("error:") - 1);
    json_decref(both);

    if (failed) {
        return SC_PARSE_NOMEM;
    }

    return sc_json_set_id(ev, id);
}


/* an event of the webhook's channel, with its entry's time until its own */
static sc_parse_rc_e
sc_meta_event(sc_meta_ctx_t *ctx, const char *type, json_t *raw,
    sc_event_t **evp)
{
    sc_parse_rc_e  rc;

    rc = sc_json_event(ctx->out, ctx->channel, type, raw, evp);
    if (rc == SC_PARSE_OK) {
        (*evp)->occurred_ms = ctx->entry_ms;
    }

    return rc;
}


static sc_parse_rc_e
sc_meta_unsupported(sc_meta_ctx_t *ctx, json_t *item)
{
    sc_event_t     *ev;
    sc_parse_rc_e   rc;

    rc = sc_meta_event(ctx, "unsupported", item, &ev);
    if (rc != SC_PARSE_OK) {
        return rc;
    }

    return sc_json_set_id_hash(ev, NULL);
}


static void
sc_meta_set_time(sc_event_t *ev, json_t *v)
{
    int64_t  ms;

    /* an item without its own time keeps the entry's; Meta mixes s and ms */
    ms = sc_json_time_ms(v, SC_TIME_AUTO);
    if (ms != 0) {
        ev->occurred_ms = ms;
    }
}


/* an id sent as a string, or as a JSON integer by older payloads */
static const char *
sc_meta_id(sc_meta_ctx_t *ctx, json_t *v)
{
    return sc_json_id_str(ctx->out, v);
}


/* an empty text ("title":"", an order without a note) is no text */
static const char *
sc_meta_text(const char *s)
{
    return (s != NULL && s[0] != '\0') ? s : NULL;
}


/* "+1 555-010-0199" and "15550100199" are the same number */
static int
sc_meta_same_digits(const char *a, const char *b)
{
    size_t  digits;

    if (a == NULL || b == NULL) {
        return 0;
    }

    digits = 0;

    for ( ;; ) {
        while (*a != '\0' && (*a < '0' || *a > '9')) {
            a++;
        }

        while (*b != '\0' && (*b < '0' || *b > '9')) {
            b++;
        }

        if (*a == '\0' || *b == '\0') {
            return *a == *b && digits > 0;
        }

        if (*a != *b) {
            return 0;
        }

        a++;
        b++;
        digits++;
    }
}


/*
 * GET ?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C: answered
 * with C verbatim when T is the configured token (constant-time).
 */

static int
sc_meta_handshake(const sc_verify_conf_t *vc, const sc_request_t *rq,
    sc_answer_t *answer)
{
    size_t  mode_len, token_len, challenge_len;
    char    mode[16], token[512], challenge[512];

    if (vc->verify_token == NULL
        || !sc_request_arg(rq, "hub.mode", mode, sizeof(mode), &mode_len)
        || !sc_request_arg(rq, "hub.verify_token", token, sizeof(token),
                           &token_len)
        || !sc_request_arg(rq, "hub.challenge", challenge, sizeof(challenge),
                           &challenge_len)
        || strcmp(mode, "subscribe") != 0
        || !sc_verify_token_equal(vc->verify_token, token, token_len))
    {
        return 0;
    }

    return sc_answer_set(answer, 200, "text/plain", challenge,
                         challenge_len) == 0;
}


static sc_parse_rc_e
sc_meta_parse(const sc_request_t *rq, sc_events_t *out, sc_answer_t *answer,
    char *err, size_t errlen)
{
    (void) answer;

    return sc_platform_meta_parse((const char *) rq->body, rq->body_len, out,
                                  err, errlen);
}


const sc_platform_t  sc_platform_meta = {
    "meta",
    sc_meta_handshake,
    sc_verify_meta,
    sc_meta_parse,
    NULL,           /* Meta reads no reply from the answer: Send API */
    0, 0, 0
};
