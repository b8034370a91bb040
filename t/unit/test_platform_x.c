/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_x.c: the X descriptor (CRC handshake, Account Activity
 * and filtered stream normalizer) against recorded-shape payloads
 * (t/fixtures/x) and hostile bodies.  Run from the repository root;
 * prints TAP.
 */


#define PLATFORM  sc_platform_x
#define FIXTURES  "t/fixtures/x/"
#define PARSE_NEVER_ANSWERS

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(sc_platform_x.name, "x", "descriptor: name");
    ok(sc_platform_x.handshake != NULL && sc_platform_x.parse != NULL
       && sc_platform_x.verify == sc_verify_x,
       "descriptor: handshake, verify, parse");
    ok(sc_platform_x.inline_answer == NULL && !sc_platform_x.reply_inline,
       "descriptor: replies go out through the API");
    ok(!sc_platform_x.public_keys && !sc_platform_x.signs_url,
       "descriptor: HMAC over the body only");
}


static int
crc(const char *query, sc_answer_t *a)
{
    sc_request_t      rq;
    sc_verify_conf_t  vc;
    sc_secret_t       secrets[2] = {
        { (const unsigned char *) "test_consumer_secret", 20 },
        { (const unsigned char *) "old_consumer_secret", 19 }
    };

    memset(&rq, 0, sizeof(sc_request_t));
    memset(&vc, 0, sizeof(sc_verify_conf_t));
    memset(a, 0, sizeof(sc_answer_t));

    rq.is_get = 1;
    rq.query = query;
    rq.query_len = query ? strlen(query) : 0;
    vc.secrets = secrets;
    vc.nsecrets = 2;

    return sc_platform_x.handshake(&vc, &rq, a);
}


static void
test_crc(void)
{
    sc_answer_t  a;
    static const char  want[] =
        "{\"response_token\":\"sha256=583uAmerwtjpykYEAEm+CEIRm6dOywK4QKRr0ha"
        "/Pd4=\"}";

    is_int(crc("crc_token=challenge_string", &a), 1,
           "crc: answered");
    is_int(a.status, 200, "crc: 200");
    is_str(a.content_type, "application/json", "crc: JSON");
    ok(body_is(&a, want),
       "crc: reference vector, first secret, exact bytes");
    sc_answer_free(&a);

    is_int(crc("nonce=1&crc_token=challenge%5Fstring&x=2", &a), 1,
           "crc: URL-encoded token among other args");
    ok(body_is(&a, want),
       "crc: decoded before signing");
    sc_answer_free(&a);

    is_int(crc("hub.challenge=1", &a), 0, "crc: no crc_token: not ours");
    ok(a.status == 0 && a.body == NULL, "crc: no answer set");
    is_int(crc(NULL, &a), 0, "crc: no query: not ours");
    is_int(crc("crc_token=", &a), 0, "crc: empty token: not ours");
}


static void
test_mention(void)
{
    char          id[SC_EXTERNAL_ID_MAX];
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("tweet_mention.json", NULL, &evs), SC_PARSE_OK,
           "tweet_mention: parses");
    is_int(evs.nevents, 1, "tweet_mention: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "x", "tweet_mention: channel");
        is_str(ev->type, "mention", "tweet_mention: type");
        is_str(ev->external_id, "1050118621198921728",
               "tweet_mention: external_id is id_str");
        is_str(ev->thread_id, "1050118621198921728",
               "tweet_mention: thread is the tweet itself");
        is_str(ev->author_id, "6253282", "tweet_mention: author");
        is_str(ev->author_handle, "priyaraman", "tweet_mention: handle");
        is_str(ev->author_name, "Priya Raman", "tweet_mention: name");
        ok(ev->text != NULL && strncmp(ev->text, "@AcmeSupport my package",
                                       23) == 0, "tweet_mention: text");
        is_int(ev->occurred_ms, 1539202764000LL,
               "tweet_mention: timestamp_ms");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "tweet_mention: public");
        is_int(ev->answerable, 1, "tweet_mention: answerable");
        is_int(ev->from_brand, 0, "tweet_mention: not the brand");
        is_str(json_string_value(json_object_get(ev->raw, "lang")), "en",
               "tweet_mention: raw is the tweet object");
        snprintf(id, sizeof(id), "%s", ev->external_id);
    }

    sc_events_free(&evs);

    /* a redelivery yields the same dedupe key */
    if (parse_fixture("tweet_mention.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, "1050118621198921728",
               "tweet_mention: same id when parsed again");
    }

    sc_events_free(&evs);

    /* created_at is the fallback time; the mentioned brand was blocked */
    is_int(parse_str("{\"for_user_id\":\"1\",\"user_has_blocked\":\"true\","
                     "\"tweet_create_events\":[{\"id\":77,\"text\":\"@b hi\","
                     "\"created_at\":\"Wed Oct 10 20:19:24 +0000 2018\","
                     "\"user\":{\"id_str\":\"9\"},\"entities\":{"
                     "\"user_mentions\":[{\"id_str\":\"1\"}]}}]}", NULL, &evs),
           SC_PARSE_OK, "blocked mention: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "mention", "blocked mention: type");
        is_str(evs.events[0].external_id, "77",
               "blocked mention: numeric id when id_str is missing");
        is_int(evs.events[0].occurred_ms, 1539202764000LL,
               "blocked mention: created_at parsed");
        is_int(evs.events[0].answerable, 0,
               "blocked mention: a blocked user is not answered");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"tweet_create_events\":[{\"id_str\":\"5\","
                     "\"created_at\":\"Wed Oct 10 15:19:24 -0500 2018\"},"
                     "{\"id_str\":\"6\",\"created_at\":\"Wed Oct 10 "
                     "20:19:24 +0000 2018 \"},{\"id_str\":\"7\","
                     "\"created_at\":\"Wed Foo 10 20:19:24 +0000 2018\"}]}",
                     NULL, &evs),
           SC_PARSE_OK, "created_at variants: parse");

    if (evs.nevents == 3) {
        is_int(evs.events[0].occurred_ms, 1539202764000LL,
               "created_at: -0500 offset");
        is_int(evs.events[1].occurred_ms, 0, "created_at: trailing junk");
        is_int(evs.events[2].occurred_ms, 0, "created_at: bad month");
        is_str(evs.events[0].type, "tweet", "no brand known: tweet");
    }

    sc_events_free(&evs);
}


static void
test_thread(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("tweet_thread.json", NULL, &evs), SC_PARSE_OK,
           "tweet_thread: parses");
    is_int(evs.nevents, 4, "tweet_thread: four events");

    if (evs.nevents != 4) {
        sc_events_free(&evs);
        return;
    }

    ev = &evs.events[0];
    is_str(ev->type, "reply", "thread: customer reply");
    is_str(ev->thread_id, "1924460000000000001",
           "thread: thread is the replied-to tweet");
    ok(ev->text != NULL && strstr(ev->text, "call me back today") != NULL,
       "thread: longform text from extended_tweet");
    is_int(ev->answerable, 1, "thread: reply answerable");

    ev = &evs.events[1];
    is_str(ev->type, "reply", "thread: brand reply");
    is_int(ev->from_brand, 1, "thread: brand reply from_brand");
    is_int(ev->answerable, 0, "thread: brand reply not answerable");
    is_str(ev->author_handle, "AcmeSupport", "thread: brand handle");

    ev = &evs.events[2];
    is_str(ev->type, "retweet", "thread: retweet");
    is_int(ev->answerable, 0, "thread: retweet not answerable");

    ev = &evs.events[3];
    is_str(ev->type, "tweet", "thread: quote tweet");
    is_int(ev->answerable, 1, "thread: quote answerable");
    is_int(ev->occurred_ms, 1747663620000LL,
           "thread: created_at when timestamp_ms is absent");

    sc_events_free(&evs);
}


static void
test_dm(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("dm.json", NULL, &evs), SC_PARSE_OK, "dm: parses");
    is_int(evs.nevents, 2, "dm: two events");

    if (evs.nevents != 2) {
        sc_events_free(&evs);
        return;
    }

    ev = &evs.events[0];
    is_str(ev->type, "message", "dm: type");
    is_str(ev->external_id, "954491830116155396", "dm: id");
    is_str(ev->author_id, "3001969357", "dm: sender");
    is_str(ev->author_handle, "furiouscamper", "dm: handle from users");
    is_str(ev->author_name, "Jordan Brinks", "dm: name from users");
    is_str(ev->thread_id, "3001969357", "dm: thread is the customer");
    ok(ev->text != NULL && strncmp(ev->text, "Hi, I was charged twice", 23)
       == 0, "dm: text");
    is_int(ev->occurred_ms, 1516403560557LL, "dm: created_timestamp ms");
    is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "dm: private");
    is_int(ev->answerable, 1, "dm: answerable");
    is_int(ev->from_brand, 0, "dm: customer");

    ev = &evs.events[1];
    is_int(ev->from_brand, 1, "dm echo: from the brand");
    is_int(ev->answerable, 0, "dm echo: not answerable");
    is_str(ev->thread_id, "3001969357", "dm echo: thread is the recipient");
    is_str(ev->author_handle, "AcmeSupport", "dm echo: brand handle");

    sc_events_free(&evs);
}


static void
test_activity(void)
{
    size_t        i;
    sc_events_t   evs;
    unsigned      none;
    static const char  *types[] = {
        "favorite", "follow", "unfollow", "block", "typing", "read",
        "tweet_delete"
    };

    is_int(parse_fixture("activity.json", NULL, &evs), SC_PARSE_OK,
           "activity: parses");
    is_int(evs.nevents, 7, "activity: seven events");

    if (evs.nevents != 7) {
        sc_events_free(&evs);
        return;
    }

    none = 1;

    for (i = 0; i < 7; i++) {
        is_str(evs.events[i].type, types[i], "activity: event %zu type", i);

        if (evs.events[i].answerable) {
            none = 0;
        }
    }

    ok(none, "activity: nothing answerable");

    is_str(evs.events[0].external_id, "a7ba59eab0bfcba386f7acedac279542",
           "favorite: its id");
    is_str(evs.events[0].thread_id, "978311520391073792",
           "favorite: thread is the liked tweet");
    is_int(evs.events[0].occurred_ms, 1522082006140LL,
           "favorite: numeric timestamp_ms");
    is_str(evs.events[0].author_handle, "priyaraman", "favorite: who liked");

    ok(is_hash_id(evs.events[1].external_id, "follow"), "follow: hash id");
    is_str(evs.events[1].author_id, "6253282", "follow: source");
    is_int(evs.events[1].visibility, SC_VISIBILITY_PUBLIC, "follow: public");
    is_int(evs.events[3].from_brand, 1, "block: by the brand");
    is_int(evs.events[3].visibility, SC_VISIBILITY_PRIVATE, "block: private");
    is_str(evs.events[4].thread_id, "3284025577", "typing: thread");
    is_int(evs.events[5].occurred_ms, 1518452444662LL, "read: time");
    is_str(evs.events[6].external_id, "tweet_delete:1045405559317569537",
           "tweet_delete: id");
    is_str(evs.events[6].author_id, "930524282358325248",
           "tweet_delete: author");

    sc_events_free(&evs);

    is_int(parse_fixture("user_event.json", NULL, &evs), SC_PARSE_OK,
           "user_event: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "revoke", "user_event: revoke");
        is_str(evs.events[0].author_id, "63046977", "user_event: user");
        is_int(evs.events[0].occurred_ms, 1527155292000LL,
               "user_event: ISO date_time");
        ok(is_hash_id(evs.events[0].external_id, "revoke"),
           "user_event: hash id");

    } else {
        ok(0, "user_event: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("replay_done.json", NULL, &evs), SC_PARSE_OK,
           "replay_done: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "replay_status", "replay_done: type");
        is_str(evs.events[0].text, "Job completed successfully",
               "replay_done: text");

    } else {
        ok(0, "replay_done: one event");
    }

    sc_events_free(&evs);
}


static void
test_v2(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("v2_post.json", NULL, &evs), SC_PARSE_OK,
           "v2_post: parses");
    is_int(evs.nevents, 1, "v2_post: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "post", "v2_post: type");
        is_str(ev->external_id, "1346889436626259968", "v2_post: id");
        is_str(ev->author_id, "2244990001", "v2_post: author");
        is_str(ev->author_handle, "morganellis", "v2_post: handle");
        is_str(ev->author_name, "Morgan Ellis", "v2_post: name");
        is_int(ev->occurred_ms, 1609958440000LL, "v2_post: ISO created_at");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "v2_post: public");
        is_int(ev->answerable, 0,
               "v2_post: search results are not auto-answered");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"data\":[{\"id\":\"1\",\"text\":\"a\"},5]}",
                     NULL, &evs),
           SC_PARSE_OK, "v2 array: parses");
    is_int(evs.nevents, 2, "v2 array: two events");

    if (evs.nevents == 2) {
        is_str(evs.events[0].type, "post", "v2 array: post");
        is_str(evs.events[1].type, "unsupported", "v2 array: number");
    }

    sc_events_free(&evs);
}

/* tweets as X sends them beyond the fixtures above */
static void
test_tweet_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    /* a customer retweets a complaint that mentions the brand */
    is_int(parse_fixture("tweet_retweet_mention.json", NULL, &evs),
           SC_PARSE_OK, "retweet of a mention: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "retweet", "retweet of a mention: a retweet");
        is_str(ev->external_id, "1800200300400500601",
               "retweet of a mention: id_str, not the rounded id");
        is_str(ev->thread_id, "1800198000000000001",
               "retweet of a mention: thread is the retweeted tweet");
        is_int(ev->answerable, 0, "retweet of a mention: not answered");
        is_int(ev->from_brand, 0, "retweet of a mention: a customer's");
        is_int(ev->occurred_ms, 1718035512000LL,
               "retweet of a mention: timestamp_ms");

    } else {
        ok(0, "retweet of a mention: one event");
    }

    sc_events_free(&evs);

    /* the brand's own post, extended mode (full_text) */
    is_int(parse_fixture("tweet_brand_own.json", NULL, &evs), SC_PARSE_OK,
           "brand's tweet: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "tweet", "brand's tweet: a tweet");
        is_int(ev->from_brand, 1, "brand's tweet: from_brand");
        is_int(ev->answerable, 0, "brand's tweet: not answered");
        ok(ev->text != NULL && strncmp(ev->text, "Service update:", 15) == 0,
           "brand's tweet: full_text");
        is_str(ev->author_handle, "AcmeSupport", "brand's tweet: handle");

    } else {
        ok(0, "brand's tweet: one event");
    }

    sc_events_free(&evs);

    /* numeric ids only, beyond 2^53; created_at as epoch ms and ISO */
    is_int(parse_fixture("tweet_numeric_ids.json", NULL, &evs), SC_PARSE_OK,
           "numeric ids: parses");
    is_int(evs.nevents, 2, "numeric ids: two events");

    if (evs.nevents == 2) {
        ev = &evs.events[0];
        is_str(ev->external_id, "1799000000000000123",
               "numeric ids: 64-bit id exact");
        is_str(ev->type, "reply", "numeric ids: in_reply_to_status_id");
        is_str(ev->thread_id, "1798999999999999999",
               "numeric ids: replied-to id exact");
        is_str(ev->author_id, "9007199254740993",
               "numeric ids: 2^53 + 1 user id exact");
        is_int(ev->author_followers, 87, "numeric ids: followers as string");
        is_int(ev->occurred_ms, 1718036400123LL,
               "numeric ids: created_at as epoch ms");
        is_int(ev->answerable, 1, "numeric ids: answerable");

        ev = &evs.events[1];
        is_str(ev->type, "mention", "numeric ids: mention by numeric id");
        is_str(ev->external_id, "1799000000000000999",
               "numeric ids: second id exact");
        is_int(ev->occurred_ms, 1718036400000LL,
               "numeric ids: created_at as ISO 8601");
    }

    sc_events_free(&evs);

    /* is_blocked_by: stored, not answered */
    is_int(parse_fixture("mention_blocked.json", NULL, &evs), SC_PARSE_OK,
           "is_blocked_by: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "mention") == 0
       && !evs.events[0].answerable,
       "is_blocked_by: a mention nobody answers automatically");
    sc_events_free(&evs);

    /* user_has_blocked "false", the string X sends: still answered */
    is_int(parse_str("{\"for_user_id\":\"1\",\"user_has_blocked\":\"false\","
                     "\"tweet_create_events\":[{\"id_str\":\"8\",\"text\":"
                     "\"@b hi\",\"user\":{\"id_str\":\"9\"},\"entities\":{"
                     "\"user_mentions\":[{\"id_str\":\"1\"}]}}]}", NULL, &evs),
           SC_PARSE_OK, "user_has_blocked false: parses");
    ok(evs.nevents == 1 && evs.events[0].answerable,
       "user_has_blocked \"false\": answered");
    sc_events_free(&evs);

    /* an empty in_reply_to_status_id_str is no reply */
    is_int(parse_str("{\"tweet_create_events\":[{\"id_str\":\"8\","
                     "\"in_reply_to_status_id_str\":\"\"}]}", NULL, &evs),
           SC_PARSE_OK, "empty reply id: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "tweet") == 0
       && strcmp(evs.events[0].thread_id, "8") == 0,
       "empty reply id: a tweet, its own thread");
    sc_events_free(&evs);
}


/* DMs: attachments, quick replies, X's documented sample */
static void
test_dm_shapes(void)
{
    sc_event_t   *ev;
    sc_events_t   evs;

    is_int(parse_fixture("dm_attachment.json", NULL, &evs), SC_PARSE_OK,
           "dm_attachment: parses");
    is_int(evs.nevents, 2, "dm_attachment: two events");

    if (evs.nevents == 2) {
        ev = &evs.events[0];
        is_str(ev->type, "message", "dm_attachment: message");
        is_str(ev->external_id, "1800230000000000011", "dm_attachment: id");
        is_str(ev->author_id, "1459000000000000001",
               "dm_attachment: 64-bit sender");
        is_str(ev->author_handle, "amara_nw", "dm_attachment: handle");
        is_int(ev->author_followers, 3120, "dm_attachment: followers");
        ok(ev->text != NULL && strstr(ev->text, "damaged box") != NULL,
           "dm_attachment: text beside the media");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "dm_attachment: "
               "private");
        is_int(ev->answerable, 1, "dm_attachment: answerable");
        is_int(ev->occurred_ms, 1718043000000LL, "dm_attachment: time");

        ev = &evs.events[1];
        is_str(ev->text, "Refund", "quick reply: the option's label");
        is_str(ev->thread_id, "1459000000000000001",
               "quick reply: the customer's thread");
        ok(strcmp(evs.events[0].external_id, ev->external_id) != 0,
           "quick reply: its own id");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("dm_users_in_apps.json", NULL, &evs), SC_PARSE_OK,
           "users in apps: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->author_handle, "furiouscamper",
               "users in apps: the sender found there");
        is_str(ev->author_name, "Jordan Brinks", "users in apps: name");
        is_int(ev->answerable, 1, "users in apps: answerable");

    } else {
        ok(0, "users in apps: one event");
    }

    sc_events_free(&evs);

    /* an app is no user: its name is not the sender's */
    is_int(parse_str("{\"for_user_id\":\"1\",\"direct_message_events\":[{"
                     "\"type\":\"message_create\",\"id\":\"5\","
                     "\"message_create\":{\"sender_id\":\"77\",\"target\":{"
                     "\"recipient_id\":\"1\"},\"message_data\":{\"text\":"
                     "\"hi\"}}}],\"apps\":{\"77\":{\"id\":\"77\",\"name\":"
                     "\"An App\"}}}", NULL, &evs),
           SC_PARSE_OK, "app id as sender: parses");
    ok(evs.nevents == 1 && evs.events[0].author_name == NULL,
       "app id as sender: no name taken from an app");
    sc_events_free(&evs);
}


/* follows, blocks, mutes and their undoing; a v2 repost */
static void
test_relation_shapes(void)
{
    size_t        i;
    sc_events_t   evs;
    static const struct {
        const char  *type;
        unsigned     brand;
        unsigned     priv;
    } want[] = {
        { "unfollow", 0, 0 },
        { "unblock",  1, 1 },
        { "mute",     1, 1 },
        { "unmute",   1, 1 }
    };

    is_int(parse_fixture("relations.json", NULL, &evs), SC_PARSE_OK,
           "relations: parses");
    is_int(evs.nevents, 4, "relations: four events");

    /* members are read in sc_x_members order, not the body's */
    for (i = 0; evs.nevents == 4 && i < 4; i++) {
        ok(strcmp(evs.events[i].type, want[i].type) == 0
           && evs.events[i].from_brand == want[i].brand
           && (evs.events[i].visibility == SC_VISIBILITY_PRIVATE)
              == want[i].priv
           && !evs.events[i].answerable && evs.events[i].text == NULL,
           "relations: %s", want[i].type);
    }

    ok(distinct_ids(&evs), "relations: mute and unmute apart");
    sc_events_free(&evs);

    is_int(parse_fixture("v2_repost.json", NULL, &evs), SC_PARSE_OK,
           "v2 repost: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "retweet") == 0
       && strcmp(evs.events[0].thread_id, "1346889436626259968") == 0
       && strcmp(evs.events[0].author_handle, "sashap") == 0
       && !evs.events[0].answerable,
       "v2 repost: a retweet, in the reposted post's thread");
    sc_events_free(&evs);
}


static void
test_unknown(void)
{
    char          id[SC_EXTERNAL_ID_MAX];
    sc_events_t   evs;

    is_int(parse_fixture("unknown.json", NULL, &evs), SC_PARSE_OK,
           "unknown: parses");
    is_int(evs.nevents, 1, "unknown: one event");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown: unsupported:<sha256>");
        ok(json_object_get(evs.events[0].raw, "spaces_events") != NULL,
           "unknown: raw is the whole body");
        is_int(evs.events[0].answerable, 0, "unknown: not answerable");
        snprintf(id, sizeof(id), "%s", evs.events[0].external_id);

    } else {
        id[0] = '\0';
    }

    sc_events_free(&evs);

    /* the same content with other spacing and key order: the same id */
    is_int(parse_str("{\"spaces_events\":[{\"space_id\":\"1YqKDqWqdPLsV\","
                     "\"created_timestamp\":\"1700000000000\","
                     "\"type\":\"space_started\"}],"
                     "\"for_user_id\":\"2244994945\"}", NULL, &evs),
           SC_PARSE_OK, "unknown reordered: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].external_id, id,
               "unknown reordered: same canonical hash");
    }

    sc_events_free(&evs);

    /* known events plus an unknown member: both kept */
    is_int(parse_str("{\"for_user_id\":\"1\",\"tweet_delete_events\":[{"
                     "\"status\":{\"id\":\"2\",\"user_id\":\"1\"}}],"
                     "\"new_events\":[]}", NULL, &evs),
           SC_PARSE_OK, "known + unknown: parses");
    is_int(evs.nevents, 2, "known + unknown: two events");

    if (evs.nevents == 2) {
        is_str(evs.events[0].type, "tweet_delete", "known + unknown: known");
        is_str(evs.events[1].type, "unsupported", "known + unknown: rest");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"for_user_id\":\"1\"}", NULL, &evs), SC_PARSE_OK,
           "no events at all: parses");
    is_int(evs.nevents, 1, "no events at all: stored as unsupported");
    sc_events_free(&evs);
}


static void
test_bad_input(void)
{
    size_t        i;
    unsigned      all;
    sc_events_t   evs;

    is_int(parse_str("{\"for_user_id\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("", NULL, &evs), SC_PARSE_BAD_JSON,
           "empty body is bad JSON");
    is_str(err, "body is empty, JSON was expected", "empty body message");
    sc_events_free(&evs);

    is_int(parse_req("{}\0{}", 5, NULL, &evs), SC_PARSE_BAD_JSON,
           "bytes after the document are refused");
    sc_events_free(&evs);

    is_int(parse_str("[{\"for_user_id\":\"1\"}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(evs.root == NULL, "invalid frees the tree");
    sc_events_free(&evs);

    is_int(parse_str("\"tweet\"", NULL, &evs), SC_PARSE_INVALID,
           "string root is invalid");
    sc_events_free(&evs);

    is_int(parse_str("null", NULL, &evs), SC_PARSE_INVALID,
           "null root is invalid");
    sc_events_free(&evs);

    /* mistyped members: every item still accounted for */
    is_int(parse_str("{\"for_user_id\":5,\"users\":[],"
                     "\"tweet_create_events\":[5,{\"id_str\":7,\"text\":[],"
                     "\"user\":\"x\",\"timestamp_ms\":\"soon\"}],"
                     "\"direct_message_events\":[{\"type\":\"message_create\"},"
                     "{\"type\":\"reaction\",\"id\":\"1\"},"
                     "{\"type\":\"message_create\",\"id\":9,"
                     "\"message_create\":{\"sender_id\":3,"
                     "\"message_data\":\"x\"}}],"
                     "\"follow_events\":\"x\","
                     "\"block_events\":[{\"type\":\"ban\"}],"
                     "\"user_event\":[]}", NULL, &evs),
           SC_PARSE_OK, "mistyped: parses");
    is_int(evs.nevents, 7, "mistyped: seven events");

    if (evs.nevents == 7) {
        is_str(evs.events[0].type, "unsupported", "mistyped: number tweet");
        is_str(evs.events[1].type, "tweet", "mistyped: tweet kept");
        ok(is_hash_id(evs.events[1].external_id, "tweet"),
           "mistyped: tweet without an id is hashed");
        ok(evs.events[1].text == NULL && evs.events[1].author_id == NULL
           && evs.events[1].occurred_ms == 0,
           "mistyped: no text, author, time");
        is_str(evs.events[2].type, "unsupported",
               "mistyped: DM without message_create");
        is_str(evs.events[3].type, "unsupported", "mistyped: DM reaction");
        is_str(evs.events[4].type, "message", "mistyped: DM kept");
        ok(evs.events[4].author_id == NULL && evs.events[4].text == NULL,
           "mistyped: DM numeric sender is no id");
        is_str(evs.events[5].type, "unsupported", "mistyped: unknown block");
        is_str(evs.events[6].type, "unsupported",
               "mistyped: follow_events string, user_event array: the "
               "body kept once");
        ok(json_object_get(evs.events[6].raw, "user_event") != NULL,
           "mistyped: raw is the body");
    }

    all = 1;
    for (i = 0; i < evs.nevents; i++) {
        if (evs.events[i].external_id[0] == '\0') {
            all = 0;
        }
    }

    ok(all, "mistyped: every event has an id");
    sc_events_free(&evs);
}


static void
test_too_many(void)
{
    char         *body, *p;
    size_t        i, n;
    sc_events_t   evs;

    n = SC_EVENTS_MAX + 1;
    body = malloc(n * 40 + 64);
    if (body == NULL) {
        ok(0, "too many: malloc");
        return;
    }

    p = body + sprintf(body, "{\"tweet_delete_events\":[");

    for (i = 0; i < n; i++) {
        p += sprintf(p, "%s{\"status\":{\"id\":\"%zu\"}}", i ? "," : "", i);
    }

    sprintf(p, "]}");

    is_int(parse_str(body, NULL, &evs), SC_PARSE_TOO_MANY,
           "too many: %zu events refused", n);
    ok(strstr(err, "more than") != NULL, "too many message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "too many: freed");
    sc_events_free(&evs);

    /* exactly the cap is fine */
    p = body + sprintf(body, "{\"tweet_delete_events\":[");

    for (i = 0; i < SC_EVENTS_MAX; i++) {
        p += sprintf(p, "%s{\"status\":{\"id\":\"%zu\"}}", i ? "," : "", i);
    }

    sprintf(p, "]}");

    is_int(parse_str(body, NULL, &evs), SC_PARSE_OK, "the cap: parses");
    is_int(evs.nevents, SC_EVENTS_MAX, "the cap: all events");
    sc_events_free(&evs);

    free(body);
}


/* the shared helpers of sc_json.h, through cases no fixture reaches */
static void
test_json_helpers(void)
{
    size_t        i;
    int64_t       v;
    json_t       *j, *parts[2];
    const char   *s;
    sc_event_t    ev;
    sc_events_t   evs;
    static const struct {
        const char  *s;
        long long    ms;
    } iso[] = {
        { "2018-05-24T09:48:12+00:00",   1527155292000LL },
        { "2018-05-24T11:48:12+02:00",   1527155292000LL },
        { "2018-05-24T04:48:12-0500",    1527155292000LL },
        { "2018-05-24T09:48:12.5Z",      1527155292500LL },
        { "2018-05-24 09:48:12",         1527155292000LL },
        { "2018-05-24t09:48z",           1527155280000LL },
        { "2018-05-24",                  1527120000000LL },
        { "2000-02-29T00:00:00Z",        951782400000LL },
        { "2018-05-24T09:48:12+00:00 ",  0 },
        { "2018-13-24T09:48:12Z",        0 },
        { "2018-05-24T25:48:12Z",        0 },
        { "2018-05-24T09:48:12.Z",       0 },
        { "18-05-24",                    0 },
        { "1969-12-31T23:59:59Z",        0 },
        { "",                            0 }
    };

    for (i = 0; i < sizeof(iso) / sizeof(iso[0]); i++) {
        is_int(sc_time_iso8601_ms(iso[i].s), iso[i].ms, "iso8601 '%s'",
               iso[i].s);
    }

    is_int(sc_time_iso8601_ms(NULL), 0, "iso8601 NULL");

    j = json_pack("[s,s,s,s,s,I,f,f,s,b,n]", "1516403560557", "-42", "+42",
                  " 42", "", (json_int_t) 7, 8.0, 8.5,
                  "99999999999999999999", 1);

    ok(sc_json_int64(json_array_get(j, 0), &v) == 0 && v == 1516403560557LL,
       "int64: decimal string");
    ok(sc_json_int64(json_array_get(j, 1), &v) == 0 && v == -42,
       "int64: negative string");
    ok(sc_json_int64(json_array_get(j, 2), &v) != 0, "int64: '+' refused");
    ok(sc_json_int64(json_array_get(j, 3), &v) != 0, "int64: space refused");
    ok(sc_json_int64(json_array_get(j, 4), &v) != 0, "int64: empty refused");
    ok(sc_json_int64(json_array_get(j, 5), &v) == 0 && v == 7,
       "int64: integer");
    ok(sc_json_int64(json_array_get(j, 6), &v) == 0 && v == 8,
       "int64: integral real");
    ok(sc_json_int64(json_array_get(j, 7), &v) != 0, "int64: 8.5 refused");
    ok(sc_json_int64(json_array_get(j, 8), &v) != 0, "int64: overflow");
    ok(sc_json_int64(json_array_get(j, 9), &v) != 0, "int64: boolean");
    ok(sc_json_int64(json_array_get(j, 10), &v) != 0, "int64: null");
    json_decref(j);

    j = json_pack("[s,s,I,I,s,s,f,s]", "1355517523.000005", "1355517523.9999",
                  (json_int_t) 1522082006140LL, (json_int_t) 1522082006LL,
                  "1522082006140", "12a", 1355517523.25, "1.2.3");

    is_int(sc_json_time_ms(json_array_get(j, 0), SC_TIME_S),
           1355517523000LL, "time: Slack ts, microseconds cut");
    is_int(sc_json_time_ms(json_array_get(j, 1), SC_TIME_S),
           1355517523999LL, "time: fraction to ms");
    is_int(sc_json_time_ms(json_array_get(j, 2), SC_TIME_AUTO),
           1522082006140LL, "time: auto ms");
    is_int(sc_json_time_ms(json_array_get(j, 3), SC_TIME_AUTO),
           1522082006000LL, "time: auto seconds");
    is_int(sc_json_time_ms(json_array_get(j, 4), SC_TIME_MS),
           1522082006140LL, "time: ms string");
    is_int(sc_json_time_ms(json_array_get(j, 5), SC_TIME_S), 0,
           "time: junk string");
    is_int(sc_json_time_ms(json_array_get(j, 6), SC_TIME_S),
           1355517523250LL, "time: real seconds");
    is_int(sc_json_time_ms(json_array_get(j, 7), SC_TIME_S), 0,
           "time: two dots");
    is_int(sc_json_time_ms(json_array_get(j, 2), SC_TIME_S), 0,
           "time: ms read as seconds is out of range");
    is_int(sc_json_time_ms(NULL, SC_TIME_S), 0, "time: NULL");
    json_decref(j);

    /* derived strings live in out->root, next to the document */
    sc_events_init(&evs);
    ok(sc_json_keep(&evs, "x", 1) == NULL, "keep: no document, no string");
    is_int(sc_json_adopt(&evs, json_object()), SC_PARSE_OK, "adopt");
    s = sc_json_keep_fmt(&evs, "%s:%d", "C1", 42);
    is_str(s, "C1:42", "keep_fmt");
    j = json_pack("[s,i,b,n,{},f,s]", "a", 5, 0, 1.5, "z");
    is_str(sc_json_keep_join(&evs, j, ", "), "a, 5, false, 1.5, z",
           "keep_join: scalars only");
    json_decref(j);
    j = json_pack("[n,{}]");
    ok(sc_json_keep_join(&evs, j, " ") == NULL, "keep_join: nothing");
    json_decref(j);
    j = json_integer(-1001987654321LL);
    is_str(sc_json_id_str(&evs, j), "-1001987654321", "id_str: integer");
    json_decref(j);
    is_int(json_array_size(evs.root), 4, "root holds document and strings");
    ok(json_is_object(sc_json_doc(&evs)), "doc is element 0");
    sc_events_free(&evs);

    /* ids: join, and the hash fallback when a part is unusable */
    memset(&ev, 0, sizeof(sc_event_t));
    ev.type = "status";
    ev.raw = json_pack("{s:s}", "id", "SM1");
    parts[0] = json_object_get(ev.raw, "id");
    parts[1] = json_integer(3);
    is_int(sc_json_set_id_join(&ev, "p", parts, 2), SC_PARSE_OK, "join");
    is_str(ev.external_id, "p:SM1:3", "join: prefix and parts");
    json_decref(parts[1]);
    parts[1] = json_string("");
    is_int(sc_json_set_id_join(&ev, NULL, parts, 2), SC_PARSE_OK,
           "join: empty part");
    ok(strncmp(ev.external_id, "status:", 7) == 0
       && strlen(ev.external_id) == 7 + HASH_HEX,
       "join: empty part falls back to the hash");
    json_decref(parts[1]);
    json_decref(ev.raw);
}


int
main(void)
{
    test_json_helpers();
    test_descriptor();
    test_crc();
    test_mention();
    test_thread();
    test_dm();
    test_activity();
    test_v2();
    test_tweet_shapes();
    test_dm_shapes();
    test_relation_shapes();
    test_unknown();
    test_bad_input();
    test_too_many();

    return done_platform_testing();
}
