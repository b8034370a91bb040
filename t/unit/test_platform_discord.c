/*
 * Copyright (C) ngx_social_care_module authors
 *
 * test_platform_discord.c: the Discord descriptor (interactions, webhook
 * events, PINGs and interaction responses) against recorded-shape payloads
 * (t/fixtures/discord) and hostile bodies.  Run from the repository root;
 * prints TAP.
 */


#define PLATFORM  sc_platform_discord
#define FIXTURES  "t/fixtures/discord/"

#include "platform_test.h"


static void
test_descriptor(void)
{
    is_str(sc_platform_discord.name, "discord", "descriptor: name");
    ok(sc_platform_discord.handshake == NULL, "descriptor: no GET handshake");
    ok(sc_platform_discord.verify == sc_verify_discord,
       "descriptor: Ed25519 check");
    ok(sc_platform_discord.inline_answer != NULL
       && sc_platform_discord.reply_inline,
       "descriptor: replies go in the interaction response");
    ok(sc_platform_discord.public_keys && !sc_platform_discord.signs_url,
       "descriptor: public keys, no URL");
}


static void
test_pings(void)
{
    sc_events_t  evs;

    is_int(parse_fixture("ping.json", NULL, &evs), SC_PARSE_OK,
           "ping: parses");
    is_int(evs.nevents, 0, "ping: no events");
    is_int(answer.status, 200, "ping: 200");
    is_str(answer.content_type, "application/json", "ping: JSON");
    ok(body_is(&answer, "{\"type\":1}"), "ping: PONG bytes");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":1}", NULL, &evs), SC_PARSE_OK,
           "bare ping: parses");
    ok(evs.nevents == 0 && body_is(&answer, "{\"type\":1}"),
       "bare ping: PONG");
    sc_events_free(&evs);

    is_int(parse_fixture("webhook_ping.json", NULL, &evs), SC_PARSE_OK,
           "webhook_ping: parses");
    is_int(evs.nevents, 0, "webhook_ping: no events");
    is_int(answer.status, 204, "webhook_ping: 204");
    ok(answer.body == NULL && answer.body_len == 0, "webhook_ping: no body");
    sc_events_free(&evs);
}


static void
test_command(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("command_guild.json", NULL, &evs), SC_PARSE_OK,
           "command_guild: parses");
    ok(answer.status == 0 && answer.body == NULL,
       "command_guild: parse answers nothing itself");
    is_int(evs.nevents, 1, "command_guild: one event");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->channel, "discord", "command_guild: channel");
        is_str(ev->type, "command", "command_guild: type");
        is_str(ev->external_id, "1252213123456789012",
               "command_guild: external_id is the interaction id");
        is_str(ev->author_id, "1020000000000000055",
               "command_guild: member.user.id");
        is_str(ev->author_handle, "noorh", "command_guild: username");
        is_str(ev->author_name, "Noor Haddad", "command_guild: global_name");
        is_str(ev->thread_id, "1100000000000000042", "command_guild: channel");
        is_str(ev->text, "48213 parcel arrived damaged, need a replacement "
               "true", "command_guild: option values joined");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "command_guild: public");
        is_int(ev->answerable, 1, "command_guild: answerable");
        is_int(ev->from_brand, 0, "command_guild: a user");
        is_int(ev->occurred_ms, 1718621273626LL,
               "command_guild: time from the snowflake");
        ok(json_object_get(ev->raw, "token") != NULL,
           "command_guild: raw is the interaction");

        is_int(inline_answer(&evs, "Thanks \"Noor\" \xe2\x9c\x85", &a), 1,
               "command_guild: inline answer");
        is_int(a.status, 200, "command_guild: 200");
        is_str(a.content_type, "application/json", "command_guild: JSON");
        ok(body_is(&a, "{\"type\":4,\"data\":{\"content\":\"Thanks "
                   "\\\"Noor\\\" \xe2\x9c\x85\",\"flags\":64}}"),
           "command_guild: ephemeral message bytes");
        sc_answer_free(&a);

        /* nothing edits a deferral later: it must not hang in public */
        /* a reply JSON cannot carry: still an interaction response */
        is_int(inline_answer(&evs, "caf\xe9", &a), 1,
               "command_guild: non-UTF-8 reply still answers");
        ok(body_is(&a, "{\"type\":5,\"data\":{\"flags\":64}}"),
           "command_guild: non-UTF-8 reply: ephemeral deferral");
        sc_answer_free(&a);

        is_int(inline_answer(&evs, NULL, &a), 1,
               "command_guild: no reply still answers");
        ok(body_is(&a, "{\"type\":5,\"data\":{\"flags\":64}}"),
           "command_guild: deferred, ephemeral");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    is_int(parse_fixture("command_dm.json", NULL, &evs), SC_PARSE_OK,
           "command_dm: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->author_id, "1020000000000000055", "command_dm: user");
        is_str(ev->text, "INV-2024-0091 49.5",
               "command_dm: nested subcommand values");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "command_dm: private");
        is_str(ev->thread_id, "1100000000000000099", "command_dm: DM channel");

    } else {
        ok(0, "command_dm: one event");
    }

    sc_events_free(&evs);

    /* a message command: the text is the message it was used on */
    is_int(parse_str("{\"type\":2,\"id\":\"1\",\"channel_id\":\"2\","
                     "\"user\":{\"id\":\"3\"},\"data\":{\"type\":3,"
                     "\"name\":\"Report\",\"target_id\":\"44\",\"resolved\":"
                     "{\"messages\":{\"44\":{\"id\":\"44\",\"content\":"
                     "\"rude reply\"}}}}}", NULL, &evs),
           SC_PARSE_OK, "message command: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "rude reply",
               "message command: target message content");
        is_int(evs.events[0].occurred_ms, 0,
               "message command: tiny id is no time");
    }

    sc_events_free(&evs);
}


static void
test_components(void)
{
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture("component_button.json", NULL, &evs), SC_PARSE_OK,
           "component_button: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "interaction", "component_button: type");
        is_str(evs.events[0].text, "talk_to_human",
               "component_button: custom_id as text");
        ok(evs.events[0].author_name == NULL,
           "component_button: null global_name");
        is_int(evs.events[0].answerable, 1, "component_button: answerable");

        is_int(inline_answer(&evs, NULL, &a), 1,
               "component_button: answer without reply");
        ok(body_is(&a, "{\"type\":6}"),
           "component_button: deferred update, no thinking state");
        sc_answer_free(&a);

    } else {
        ok(0, "component_button: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("component_select.json", NULL, &evs), SC_PARSE_OK,
           "component_select: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].text, "billing delivery",
               "component_select: chosen values");

    } else {
        ok(0, "component_select: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("modal_submit.json", NULL, &evs), SC_PARSE_OK,
           "modal_submit: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "interaction", "modal_submit: type");
        is_str(evs.events[0].text, "48213 Charged twice, please refund one.",
               "modal_submit: rows and labels");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PRIVATE,
               "modal_submit: DM is private");

        is_int(inline_answer(&evs, "Got it.", &a), 1, "modal_submit: answer");
        ok(body_is(&a, "{\"type\":4,\"data\":{\"content\":\"Got it.\","
                   "\"flags\":64}}"), "modal_submit: ephemeral reply");
        sc_answer_free(&a);

    } else {
        ok(0, "modal_submit: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("autocomplete.json", NULL, &evs), SC_PARSE_OK,
           "autocomplete: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "autocomplete", "autocomplete: type");
        is_int(evs.events[0].answerable, 0, "autocomplete: not answerable");
        is_int(inline_answer(&evs, "x", &a), 1, "autocomplete: answer");
        ok(body_is(&a, "{\"type\":8,\"data\":{\"choices\":[]}}"),
           "autocomplete: empty choices");
        sc_answer_free(&a);

    } else {
        ok(0, "autocomplete: one event");
    }

    sc_events_free(&evs);
}


static void
test_webhook_events(void)
{
    char          sha[SC_SHA256_HEX_LEN + 1], id[SC_EXTERNAL_ID_MAX];
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_fixture_sha("webhook_authorized.json", NULL, &evs, sha),
           SC_PARSE_OK, "webhook_authorized: parses");
    ok(answer.status == 0, "webhook_authorized: parse answers nothing");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "application_authorized", "webhook_authorized: type");
        snprintf(id, sizeof(id), "event:%s", sha);
        is_str(ev->external_id, id,
               "webhook_authorized: event: + SHA-256 of the body");
        is_str(ev->author_id, "1020000000000000055",
               "webhook_authorized: user");
        is_int(ev->occurred_ms, 1729262573064LL,
               "webhook_authorized: zone-less ISO time is UTC");
        is_int(ev->answerable, 0, "webhook_authorized: not answerable");
        is_str(json_string_value(json_object_get(ev->raw, "type")),
               "APPLICATION_AUTHORIZED", "webhook_authorized: raw is event");

        is_int(inline_answer(&evs, NULL, &a), 1,
               "webhook_authorized: answer");
        is_int(a.status, 204, "webhook_authorized: 204");
        ok(a.body == NULL, "webhook_authorized: no body");
        sc_answer_free(&a);

    } else {
        ok(0, "webhook_authorized: one event");
    }

    sc_events_free(&evs);

    if (parse_fixture("webhook_authorized.json", NULL, &evs) == SC_PARSE_OK
        && evs.nevents == 1)
    {
        is_str(evs.events[0].external_id, id,
               "webhook_authorized: same id again");
    }

    sc_events_free(&evs);

    is_int(parse_fixture("webhook_lobby_message.json", NULL, &evs),
           SC_PARSE_OK, "webhook_lobby_message: parses");

    if (evs.nevents == 1) {
        ev = &evs.events[0];
        is_str(ev->type, "lobby_message_create",
               "webhook_lobby_message: type");
        is_str(ev->text, "my purchase of the season pass did not unlock "
               "anything", "webhook_lobby_message: content");
        is_str(ev->author_handle, "pixelpilot",
               "webhook_lobby_message: author");
        is_str(ev->thread_id, "1397729744753266719",
               "webhook_lobby_message: channel");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC,
               "webhook_lobby_message: a lobby is public");

    } else {
        ok(0, "webhook_lobby_message: one event");
    }

    sc_events_free(&evs);

    is_int(parse_fixture_sha("webhook_unknown.json", NULL, &evs, sha),
           SC_PARSE_OK, "webhook_unknown: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "webhook_unknown: type");
        is_str(evs.events[0].author_id, "111178765189277770",
               "webhook_unknown: data.user_id");
        snprintf(id, sizeof(id), "event:%s", sha);
        is_str(evs.events[0].external_id, id, "webhook_unknown: body hash");
        is_int(inline_answer(&evs, NULL, &a), 1, "webhook_unknown: answer");
        is_int(a.status, 204, "webhook_unknown: still 204");
        sc_answer_free(&a);

    } else {
        ok(0, "webhook_unknown: one event");
    }

    sc_events_free(&evs);
}


/* one fixture, one event: evs holds it (or nothing) on return */
static sc_event_t *
one_event(const char *name, sc_events_t *evs)
{
    if (parse_fixture(name, NULL, evs) != SC_PARSE_OK) {
        ok(0, "%s: parses (%s)", name, err);
        return NULL;
    }

    if (evs->nevents != 1) {
        ok(0, "%s: one event, got %zu", name, evs->nevents);
        return NULL;
    }

    ok(1, "%s: parses into one event", name);

    return &evs->events[0];
}


/* interactions as Discord sends them today */
static void
test_real_interactions(void)
{
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs, again;

    ev = one_event("command_subcommand_guild.json", &evs);
    if (ev != NULL) {
        is_str(ev->type, "command", "subcommand: type");
        is_str(ev->external_id, "1252500123456789012", "subcommand: id");
        is_str(ev->text, "48213 Le colis est arriv\xc3\xa9 cass\xc3\xa9 "
               "\xf0\x9f\x93\xa6\xf0\x9f\x92\xa5 et le support ne "
               "r\xc3\xa9pond pas depuis 5 jours",
               "subcommand: the customer's words; no user or file ids");
        is_str(ev->author_id, "1020000000000000060", "subcommand: member");
        is_str(ev->author_handle, "camille_d", "subcommand: username");
        is_str(ev->author_name, "Camille (client)",
               "subcommand: the server nickname");
        is_str(ev->thread_id, "1100000000000000042", "subcommand: channel");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "subcommand: guild");
        is_int(ev->answerable, 1, "subcommand: answerable");
        is_int(ev->occurred_ms, (1252500123456789012LL >> 22)
                                + 1420070400000LL,
               "subcommand: snowflake time");

        is_int(inline_answer(&evs, "Merci Camille, on s'en occupe.", &a), 1,
               "subcommand: answer");
        ok(body_is(&a, "{\"type\":4,\"data\":{\"content\":\"Merci Camille,"
                   " on s'en occupe.\",\"flags\":64}}"),
           "subcommand: ephemeral holding reply");
        sc_answer_free(&a);
    }

    /* an interaction is never resent, but the same bytes keep one id */
    if (parse_fixture("command_subcommand_guild.json", NULL, &again)
        == SC_PARSE_OK)
    {
        ok(same_ids(&evs, &again), "subcommand again: same id");
    }

    sc_events_free(&again);
    sc_events_free(&evs);

    ev = one_event("autocomplete_complaint.json", &evs);
    if (ev != NULL) {
        is_str(ev->type, "autocomplete", "autocomplete: type");
        ok(ev->text == NULL, "autocomplete: half-typed words not kept as "
           "text (never classified as a complaint)");
        is_int(ev->answerable, 0, "autocomplete: no care reply");
        is_int(inline_answer(&evs, "a reply", &a), 1, "autocomplete: answer");
        ok(body_is(&a, "{\"type\":8,\"data\":{\"choices\":[]}}"),
           "autocomplete: type 8 even with a reply composed");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    ev = one_event("modal_from_component.json", &evs);
    if (ev != NULL) {
        is_str(ev->text, "48213 damaged",
               "modal labels: text and choices; no empties, ids or nulls");
        is_int(ev->visibility, SC_VISIBILITY_PUBLIC, "modal: in a guild");
        is_int(ev->from_brand, 0,
               "modal: the bot's message it came from is not the author");

        is_int(inline_answer(&evs, NULL, &a), 1, "modal without reply");
        ok(body_is(&a, "{\"type\":6}"),
           "modal from a component: deferred update, no loading state");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    /* a modal opened by a command has no message: 6 is not valid there */
    if (parse_fixture("modal_submit.json", NULL, &evs) == SC_PARSE_OK) {
        is_int(inline_answer(&evs, NULL, &a), 1, "command modal: answer");
        ok(body_is(&a, "{\"type\":5,\"data\":{\"flags\":64}}"),
           "command modal without reply: ephemeral deferral");
        sc_answer_free(&a);
    }

    sc_events_free(&evs);

    ev = one_event("component_user_select.json", &evs);
    if (ev != NULL) {
        is_str(ev->text, "assign_agent",
               "user select: the custom_id, not a user id");
        is_str(ev->author_name, "\xeb\xaf\xbc\xec\xa7\x80",
               "user select: Hangul display name");
    }

    sc_events_free(&evs);

    ev = one_event("command_numeric_ids.json", &evs);
    if (ev != NULL) {
        is_str(ev->external_id, "1252800000000000000",
               "numeric ids: the id in decimal");
        is_str(ev->author_id, "1020000000000000065", "numeric ids: user");
        is_str(ev->thread_id, "1100000000000000099", "numeric ids: channel");
        is_int(ev->occurred_ms, (1252800000000000000LL >> 22)
                                + 1420070400000LL,
               "numeric ids: snowflake time");
        is_str(ev->text, "app crashes on start", "numeric ids: text");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "numeric ids: a DM");
    }

    sc_events_free(&evs);

    /* a bot pressing a button (another app's automation) */
    is_int(parse_str("{\"type\":3,\"id\":\"1252900000000000000\","
                     "\"channel_id\":\"1\",\"guild_id\":\"2\",\"member\":"
                     "{\"user\":{\"id\":\"3\",\"bot\":true}},\"data\":"
                     "{\"component_type\":2,\"custom_id\":\"ok\"}}",
                     NULL, &evs),
           SC_PARSE_OK, "bot interaction: parses");
    ok(evs.nevents == 1 && evs.events[0].from_brand
       && !evs.events[0].answerable, "bot interaction: not a customer");
    sc_events_free(&evs);
}


/* webhook events beyond the fixtures above */
static void
test_real_webhook_events(void)
{
    char          sha[SC_SHA256_HEX_LEN + 1], id[SC_EXTERNAL_ID_MAX];
    sc_event_t   *ev;
    sc_answer_t   a;
    sc_events_t   evs;

    if (parse_fixture_sha("webhook_entitlement.json", NULL, &evs, sha)
        == SC_PARSE_OK && evs.nevents == 1)
    {
        ev = &evs.events[0];
        is_str(ev->type, "entitlement_create", "entitlement: type");
        is_str(ev->author_id, "1020000000000000066", "entitlement: user_id");
        snprintf(id, sizeof(id), "event:%s", sha);
        is_str(ev->external_id, id, "entitlement: body hash");
        is_int(ev->occurred_ms, 1741079730123LL, "entitlement: timestamp");
        is_int(ev->answerable, 0, "entitlement: no reply");
        is_int(inline_answer(&evs, NULL, &a), 1, "entitlement: answer");
        ok(a.status == 204 && a.body == NULL, "entitlement: 204");
        sc_answer_free(&a);

    } else {
        ok(0, "entitlement: one event");
    }

    sc_events_free(&evs);

    ev = one_event("webhook_entitlement_update.json", &evs);
    if (ev != NULL) {
        is_str(ev->type, "entitlement_update", "entitlement update: type");
    }

    sc_events_free(&evs);

    ev = one_event("webhook_game_dm.json", &evs);
    if (ev != NULL) {
        is_str(ev->type, "game_direct_message_create", "game DM: type");
        is_str(ev->text, "the store took my gems but the skin never showed"
               " up", "game DM: content");
        is_str(ev->thread_id, "1405600000000000003",
               "game DM: the channel object's id");
        is_str(ev->author_handle, "provisional_9f2", "game DM: author");
        is_int(ev->visibility, SC_VISIBILITY_PRIVATE, "game DM: private");
    }

    sc_events_free(&evs);

    ev = one_event("webhook_lobby_delete.json", &evs);
    if (ev != NULL) {
        is_str(ev->type, "lobby_message_delete", "lobby delete: type");
        is_str(ev->thread_id, "1402399000000000008", "lobby delete: lobby");
        ok(ev->text == NULL && ev->author_id == NULL,
           "lobby delete: no words, no author");
    }

    sc_events_free(&evs);

    /* type 1 with an "event" is a webhook event, not an interaction PING */
    is_int(parse_str("{\"version\":1,\"application_id\":\"1\",\"type\":1,"
                     "\"event\":{\"type\":\"APPLICATION_DEAUTHORIZED\","
                     "\"timestamp\":\"2025-01-01T00:00:00.000000\",\"data\":"
                     "{\"user\":{\"id\":\"5\",\"username\":\"u\"}}}}",
                     NULL, &evs),
           SC_PARSE_OK, "deauthorized: parses");
    ok(evs.nevents == 1 && answer.status == 0
       && strcmp(evs.events[0].type, "application_deauthorized") == 0,
       "deauthorized: an event, not a PONG");
    sc_events_free(&evs);
}


static void
test_unknown_and_bad(void)
{
    sc_answer_t   a;
    sc_events_t   evs;

    is_int(parse_str("{\"type\":9,\"id\":\"77\"}", NULL, &evs), SC_PARSE_OK,
           "unknown type: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "unsupported", "unknown type: type");
        ok(is_hash_id(evs.events[0].external_id, "unsupported"),
           "unknown type: hash id");
        is_int(inline_answer(&evs, NULL, &a), 0,
               "unknown type: default answer");

    } else {
        ok(0, "unknown type: one event");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":\"2\",\"id\":\"77\"}", NULL, &evs), SC_PARSE_OK,
           "string type: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0,
       "string type: unsupported");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":0,\"event\":{\"type\":\"X\"}}", NULL, &evs),
           SC_PARSE_OK, "event with type 0: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && answer.status == 0, "event with type 0: unsupported, no 204");
    sc_events_free(&evs);

    is_int(parse_str("{\"type\":1,\"event\":5}", NULL, &evs), SC_PARSE_OK,
           "event not an object: parses");
    ok(evs.nevents == 1 && strcmp(evs.events[0].type, "unsupported") == 0
       && strncmp(evs.events[0].external_id, "event:", 6) == 0,
       "event not an object: unsupported with the body hash");
    sc_events_free(&evs);

    /* every member of the wrong type */
    is_int(parse_str("{\"type\":2,\"id\":5.5,\"guild_id\":null,"
                     "\"member\":{\"user\":[]},\"user\":\"x\","
                     "\"channel_id\":true,\"data\":{\"options\":[5,{\"value\":"
                     "{}},{\"value\":null},{\"options\":\"x\"}]}}", NULL, &evs),
           SC_PARSE_OK, "mistyped interaction: parses");

    if (evs.nevents == 1) {
        is_str(evs.events[0].type, "command", "mistyped: still a command");
        ok(is_hash_id(evs.events[0].external_id, "command"),
           "mistyped: hash id without a string or integer id");
        ok(evs.events[0].author_id == NULL && evs.events[0].text == NULL
           && evs.events[0].thread_id == NULL, "mistyped: nothing borrowed");
        is_int(evs.events[0].visibility, SC_VISIBILITY_PUBLIC,
               "mistyped: a guild_id member means a server");
    }

    sc_events_free(&evs);

    is_int(parse_str("{\"type\":", NULL, &evs), SC_PARSE_BAD_JSON,
           "truncated body is bad JSON");
    ok(strncmp(err, "body is not valid JSON: ", 24) == 0,
       "bad JSON message: %s", err);
    ok(evs.root == NULL && evs.nevents == 0, "bad JSON leaves no events");
    sc_events_free(&evs);

    is_int(parse_str("[{\"type\":1}]", NULL, &evs), SC_PARSE_INVALID,
           "array root is invalid");
    is_str(err, "body is not a JSON object", "array root message");
    ok(answer.status == 0, "array root: no PONG");
    sc_events_free(&evs);

    is_int(parse_str("1", NULL, &evs), SC_PARSE_INVALID,
           "number root is invalid");
    sc_events_free(&evs);
}


int
main(void)
{
    test_descriptor();
    test_pings();
    test_command();
    test_components();
    test_webhook_events();
    test_real_interactions();
    test_real_webhook_events();
    test_unknown_and_bad();

    return done_platform_testing();
}
