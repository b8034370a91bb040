#!/usr/bin/env python3
"""
fuzz/seeds.py: (re)writes the seed corpora fuzz/corpus/<target>/ from the
platform fixtures (t/fixtures/), the unit tests' inputs and reference
vectors, and a few zone files.  Run from the repository root; the output
is committed, so running it is only needed when the inputs change.

Each corpus stays small (at most 30 files, 64 KB each): libFuzzer grows
its working corpus in build/fuzz/ from these.
"""

import base64
import hashlib
import hmac
import os
import shutil
import struct
import subprocess
import sys
import tempfile

OUT = "fuzz/corpus"
FIX = "t/fixtures"
MAX_FILES = 30
MAX_SIZE = 64 * 1024

LETTER = {n: chr(ord("a") + i) for i, n in enumerate(
    "meta x slack twilio telegram discord line viber standard zendesk "
    "intercom tiktok github".split())}

TWILIO_URL = "https://example.com/hooks/twilio?src=sms"

JSON = "Content-Type: application/json"
FORM = "Content-Type: application/x-www-form-urlencoded"

corpora = {}


def add(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) <= MAX_SIZE, (target, name)
    corpora.setdefault(target, []).append((name, data))


def fixture(platform, name):
    with open(os.path.join(FIX, platform, name), "rb") as f:
        return f.read()


def request(platform, comment, headers, body):
    """the fuzz_request.h format"""
    if isinstance(body, str):
        body = body.encode()
    head = "%s %s %s\n" % (LETTER[platform], platform, comment)
    head += "".join(h + "\n" for h in headers) + "\n"
    return head.encode() + body


def mac(key, msg, md=hashlib.sha256):
    return hmac.new(key, msg, md).digest()


# signatures with the first secret of each platform (fuzz_request.h)

def sign(platform, body, now=1700000000):
    if platform == "meta":
        return ["X-Hub-Signature-256: sha256=" +
                mac(b"test_app_secret", body).hex()]
    if platform == "github":
        return ["X-Hub-Signature-256: sha256=" +
                mac(b"It's a Secret to Everybody", body).hex()]
    if platform == "intercom":
        return ["X-Hub-Signature: sha1=" +
                mac(b"test_client_secret", body, hashlib.sha1).hex()]
    if platform == "x":
        return ["X-Twitter-Webhooks-Signature-OAuth2: sha256=" +
                base64.b64encode(mac(b"test_consumer_secret", body))
                .decode()]
    if platform == "slack":
        ts = str(now).encode()
        return ["X-Slack-Request-Timestamp: %d" % now,
                "X-Slack-Signature: v0=" +
                mac(b"8f742231b10e8888abcd99yyyzzz85a5",
                    b"v0:" + ts + b":" + body).hex()]
    if platform == "telegram":
        return ["X-Telegram-Bot-Api-Secret-Token: s3cr3t_T0ken-x"]
    if platform == "line":
        return ["X-Line-Signature: " +
                base64.b64encode(mac(b"channel_secret", body)).decode()]
    if platform == "viber":
        return ["X-Viber-Content-Signature: " +
                mac(b"445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9",
                    body).hex()]
    if platform == "standard":
        key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        mid = b"msg_2ZqH8a5Rk1"
        ts = str(now).encode()
        return ["webhook-id: " + mid.decode(),
                "webhook-timestamp: %d" % now,
                "webhook-signature: v1," + base64.b64encode(
                    mac(key, mid + b"." + ts + b"." + body)).decode()]
    if platform == "zendesk":
        ts = b"2023-11-14T22:13:20Z"           # 1700000000
        return ["X-Zendesk-Webhook-Invocation-Id: 8350205582",
                "X-Zendesk-Webhook-Signature-Timestamp: " + ts.decode(),
                "X-Zendesk-Webhook-Signature: " + base64.b64encode(
                    mac(b"dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",
                        ts + body)).decode()]
    if platform == "tiktok":
        ts = str(now).encode()
        return ["TikTok-Signature: t=%d,s=%s" % (now, mac(
            b"test_client_secret", ts + b"." + body).hex())]
    if platform == "discord":
        return discord_sign(str(now), body)
    if platform == "twilio":
        # the URL, then a form's parameters sorted, name + value
        from urllib.parse import parse_qsl
        data = TWILIO_URL.encode()
        if not body.lstrip().startswith((b"{", b"[")):
            fields = parse_qsl(body.decode(), keep_blank_values=True)
            for n, v in sorted((n.encode(), v.encode()) for n, v in fields):
                data += n + v
        return ["X-Twilio-Signature: " + base64.b64encode(
            mac(b"12345", data, hashlib.sha1)).decode()]
    return []


def discord_sign(ts, body):
    """Ed25519 with the RFC 8032 TEST 1 seed, through the openssl tool"""
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc4"
                         "4449c5697b326919703bac031cae7f60")
    der = bytes.fromhex("302e020100300506032b657004220420") + seed
    with tempfile.TemporaryDirectory() as d:
        key, msg, sig = (os.path.join(d, n) for n in ("k", "m", "s"))
        open(key, "wb").write(der)
        open(msg, "wb").write(ts.encode() + body)
        subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-keyform",
                        "DER", "-inkey", key, "-in", msg, "-out", sig],
                       check=True)
        s = open(sig, "rb").read()
    return ["X-Signature-Ed25519: " + s.hex(), "X-Signature-Timestamp: " + ts]


# platform: the fixtures that together cover the most of the normalizers
# (greedy, by lines covered: python3 fuzz/seeds.py --every-fixture DIR
# writes every candidate; fuzz/README.md), signed, plus handshakes

PLATFORM = [
    ("discord", "command_guild.json"), ("discord", "webhook_unknown.json"),
    ("github", "issue_comment_created.json"),
    ("intercom", "user_created.json"), ("line", "many.json"),
    ("meta", "feed_comment.json"), ("meta", "instagram_comment.json"),
    ("meta", "messenger_many.json"), ("meta", "messenger_postback.json"),
    ("meta", "whatsapp_many.json"), ("slack", "app_mention.json"),
    ("slack", "own_reply.json"), ("slack", "slash_command.form"),
    ("slack", "view_submission.form"), ("standard", "message_created.json"),
    ("telegram", "message_private.json"),
    ("tiktok", "post_publish_failed.json"), ("twilio", "event_streams.json"),
    ("twilio", "sms_inbound.form"), ("twilio", "status_failed.form"),
    ("viber", "failed.json"), ("x", "activity.json"), ("x", "dm.json"),
    ("x", "tweet_thread.json"), ("x", "user_event.json"),
    ("x", "v2_post.json"), ("zendesk", "trigger_ticket.json"),
]

GITHUB_EVENTS = {
    "discussion_comment_member": "discussion_comment",
    "issue_comment_created": "issue_comment",
    "issues_opened": "issues",
}


def extra(platform, name):
    if platform == "github":
        base = name.split(".")[0]
        return ["X-GitHub-Event: " + GITHUB_EVENTS.get(base, base),
                "X-GitHub-Delivery: b0a3f1c2-2783-11ef-9a1e-5c2f6b1d0a11"]
    if platform == "twilio":
        return [":url: " + TWILIO_URL]
    if platform == "zendesk":
        return ["X-Zendesk-Webhook-Id: 01HZX1SAMPLEWEBHOOK"]
    return []


def platform_seeds(every=False):
    """every: all fixtures, for choosing PLATFORM (fuzz/README.md)"""
    fixtures = PLATFORM
    if every:
        fixtures = [(p, n) for p in LETTER
                    for n in sorted(os.listdir(os.path.join(FIX, p)))]
    for platform, name in fixtures:
        body = fixture(platform, name)
        ct = FORM if name.endswith(".form") else JSON
        headers = [ct] + extra(platform, name) + sign(platform, body)
        add("platform", "%s_%s" % (platform, name.split(".")[0]),
            request(platform, name, headers, body))

    add("platform", "meta_get_handshake", request(
        "meta", "GET hub handshake",
        [":get", ":query: hub.mode=subscribe&hub.verify_token=meatyhamhock"
         "&hub.challenge=1158201444"], b""))
    add("platform", "x_get_crc", request(
        "x", "GET CRC", [":get", ":query: crc_token=challenge_string"], b""))
    add("platform", "twilio_signed_vector", request(
        "twilio", "reference vector",
        [":url: https://mycompany.com/myapp.php?foo=1&bar=2", FORM,
         "X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8="],
        "To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
        "&From=%2B14158675309&Digits=1234"))


# verify: the reference vectors of t/unit/test_verify.c

def verify_seeds():
    v = [
        ("meta", [JSON, "X-Hub-Signature-256: sha256=5da47c9c7409e70d7a1851f0"
                  "cfd9bc27786bd99587a9bf1dd5b51e23a2de03cf"],
         '{"object":"page","entry":[]}'),
        ("x", ["X-Twitter-Webhooks-Signature-OAuth2: sha256=cm3R69SKb70cFab"
               "zYc+Y9gzwkVVco27A/ZMW7/wWKTg="], '{"for_user_id":"2244994945"}'),
        ("x", ["X-Twitter-Webhooks-Signature-OAuth2: garbage",
               "X-Twitter-Webhooks-Signature: sha256=cm3R69SKb70cFabzYc+Y9gzw"
               "kVVco27A/ZMW7/wWKTg="], '{"for_user_id":"2244994945"}'),
        ("slack", [":now: 1531420618", "X-Slack-Request-Timestamp: 1531420618",
                   "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b"
                   "4a8d21a10bd27519666489c69b503"],
         "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain="
         "testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id="
         "U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
         "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
         "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015"
         ".47445629121.803a0bc887a14d10d2c447fce8b6703c"),
        ("twilio", [":url: https://mycompany.com/myapp.php?foo=1&bar=2", FORM,
                    "X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8="],
         "To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
         "&From=%2B14158675309&Digits=1234"),
        ("twilio", [":url: https://mycompany.com/myapp.php?foo=1&bar=2", FORM,
                    "X-Twilio-Signature: IK+Dwps556ElfBT0I3Rgjkr1wJU="],
         "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234"),
        ("twilio", [":url: https://mycompany.com/myapp.php?foo=1&bar=2&bodySH"
                    "A256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf196"
                    "32632f96e6620", JSON,
                    "X-Twilio-Signature: a9nBmqA0ju/hNViExpshrM61xv4="],
         '{"property": "value", "boolean": true}'),
        ("twilio", [":url: http://mycompany.com:1234/myapp.php?foo=1&bar=2",
                    FORM, "X-Twilio-Signature: Zmvh+3yNM1Phv2jhDCwEM3q5ebU="],
         "To=%2B18005551212&CallSid=CA1234567890ABCDE&Caller=%2B14158675309"
         "&From=%2B14158675309&Digits=1234"),
        ("telegram", ["X-Telegram-Bot-Api-Secret-Token: s3cr3t_T0ken-x"],
         '{"update_id":1}'),
        ("discord", ["X-Signature-Ed25519: 1695961a47c91a1ec033b819b7e87e3dbc"
                     "583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f"
                     "08604da16f54624f38a6bc0614e4dc13cd47f0f",
                     "X-Signature-Timestamp: 1700000000"], '{"type":1}'),
        ("line", ["X-Line-Signature: /gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHx"
                  "N7k="], "bodybodybodybody"),
        ("viber", ["X-Viber-Content-Signature: bd52434b46be1542d32bfa5e3332b7"
                   "57b927e183c5ef3b20a5f9877207dc55b9"],
         '{"event":"webhook","timestamp":1457764197627,'
         '"message_token":241256543215}'),
        ("standard", [":now: 1614265330",
                      "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                      "webhook-timestamp: 1614265330",
                      "webhook-signature: v1a,AAAA v1,bm90IGEgbWFj  v2,xx "
                      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="],
         '{"test": 2432232314}'),
        ("standard", [":now: 1614265330",
                      "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
                      "svix-timestamp: 1614265330",
                      "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVl"
                      "NIOLJ1OE="], '{"test": 2432232314}'),
        ("zendesk", [":now: 1704067300",
                     "X-Zendesk-Webhook-Signature: uJYfkPqpz7qx0xVEazQQSAGLHV"
                     "gMZDWc+7/NCq4Pk2E=",
                     "X-Zendesk-Webhook-Signature-Timestamp: "
                     "2024-01-01T00:00:00Z"], '{"type":"test"}'),
        ("intercom", ["X-Hub-Signature: sha1=59dc376710f2bb3f57a9fdb49213616"
                      "41556cfb1"],
         '{"type":"notification_event","topic":"ping"}'),
        ("tiktok", [":now: 1633174587",
                    "TikTok-Signature:  t=1633174587 , s=794cbb3a61c941f8d7d2"
                    "4ae29eafaf36d579c86d3eaed4133f6c75266d6e6d12 , v=2"],
         '{"event":"authorization.removed"}'),
        ("github", ["X-Hub-Signature-256: sha256=757107ea0eb2509fc211221cce98"
                    "4b8a37570b6d7586c22c46f4379c8b043e17"], "Hello, World!"),
    ]
    for i, (platform, headers, body) in enumerate(v):
        add("verify", "%02d_%s" % (i, platform),
            request(platform, "reference vector", headers, body))

    body = fixture("zendesk", "agent_comment.json")
    add("verify", "zendesk_fraction", request(
        "zendesk", "signed here", sign("zendesk", body), body))


def form_seeds():
    for platform, name in [("slack", "slash_command.form"),
                           ("slack", "view_submission.form"),
                           ("slack", "ssl_check.form"),
                           ("twilio", "sms_inbound.form"),
                           ("twilio", "whatsapp_inbound.form"),
                           ("twilio", "voice_call.form")]:
        add("form", "%s_%s" % (platform, name.split(".")[0]),
            fixture(platform, name))
    for i, s in enumerate([
            "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234",
            "hub.mode=subscribe&hub.verify_token=meatyhamhock"
            "&hub.challenge=1158201444",
            "crc_token=challenge_string&nonce=MTAx",
            "a=%zz&b=%41%42+c&&=&d&%=%&e=%4",
            "Sid=CA123&Digits=%00",
            "name+with+plus=value%20with%20%C3%A9&caf%C3%A9=%E2%82%AC",
            "bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf1963"
            "2632f96e6620&x=%ff%fe",
            "&&&a=1&&b=2&&&"]):
        add("form", "form_%02d" % i, s)


def json_seeds():
    for platform, name in [("meta", "messenger_many.json"),
                           ("telegram", "group_photo.json"),
                           ("x", "v2_post.json"),
                           ("slack", "message_changed.json")]:
        add("json", "%s_%s" % (platform, name.split(".")[0]),
            fixture(platform, name))
    for i, s in enumerate([
            '"2024-02-29T12:34:56.789+05:30"', '"2021-01-06T18:40:40.000Z"',
            '"2024-10-18T14:42:53.064834"', '"2018-05-24 09:48:12-0130"',
            '"1355517523.000005"', '"-1001234567890"', '1516403560557',
            '1.5e3', '[1, "a", true, 1.5, null, {"b": [2]}, false, -7]',
            '{"a": {"b": {"c": "1999-12-31"}}, "id": 9223372036854775807, '
            '"t": "9999-12-31T23:59:60Z"}',
            '["\\u00e9t\\u00e9", "\\ud83d\\ude80", 123456789012345678]',
            '{"date": 1700000000, "ts": "1700000000123", "x": 1e300}']):
        add("json", "value_%02d" % i, s)


def classify_seeds():
    lines = []
    with open("t/classify/labeled.tsv", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            lines.append(line.rstrip("\n").split("\t")[-1])
    # every sixth message: complaints, questions, Spanish, emoji
    for i, text in enumerate(lines[::len(lines) // 16][:16]):
        add("classify", "labeled_%02d" % i, text)
    for i, s in enumerate([
            "my card 4111 1111 1111 1111 exp 12/27 cvv 123 was charged twice",
            "IBAN GB82 WEST 1234 5698 7654 32 please refund, routing "
            "021000021 acct #12345678",
            "SSN 123-45-6789, DNI 12345678Z, email ana.perez@example.com, "
            "call +1 (415) 555-0100",
            "my password is hunter2 and PIN 4321 \U0001F621\U0001F621 WHY",
            "NO FUNCIONA la app!!! número de cuenta ES91 2100 0418 4502 "
            "0005 1332",
            '{"entry": [{"id": "4111111111111111", "message": {"text": '
            '"card 4111111111111111", "mid": "m_1"}, "sender_id": '
            '"123-45-6789"}]}',
            ":) :( <3 :-/ wowwww $$$ \U0001F680\U0001F680\U0001F680 "
            "http://spam.example buy now",
            "not bad, but not great either... so very very angry?!??",
            # over 34 digits: once hid every word after it (sc_num_parse)
            "order 12345678901234567890123456789012345 my ssn is 123-45-6789"
            " and my card 4111111111111111, email ana@example.com"]):
        add("classify", "pii_%02d" % i, s)


def template_seeds():
    tpls = [
        (b"\x00\x00", "Hi[ {first_name}], we're sorry to hear this. "
         "Our team is back {opens_at|soon} and will pick it up first thing."
         "[ Your reference is {ticket}.] \u2014 [{agent} from ]{team}",
         ["Ana P\u00e9rez", "ana_p", "can't log in", "Marta", "Care",
          "Acme", "+1 800 555 0100"]),
        (b"\x55\xf0", "Thank you[, {first_name}] \u2014 that made our day!",
         ["DR. JOHN SMITH", "@jsmith", "", "", "", "", ""]),
        (b"\xaa\x0f", "[[{name} ]\\[{handle}\\] ]we're aware some customers "
         "{issue|are having trouble right now}.{brand|}",
         ["\U0001F600 Zo\u00eb", "z.o-e", "are seeing failed card payments",
          "Agent \u00c5", "", "Brand\u2122", "help@example.com"]),
        (b"\x03\x81", "\\{literal\\} \\\\ {contact} [{agent}[ {team}]]",
         ["", "", "", "Bob", "Team \u201cA\u201d", "", "x@y.z"]),
        (b"\xff\xff", "{unknown} [unclosed {name",
         ["A", "b", "c", "d", "e", "f", "g"]),
        (b"\x10\x20", "\u2018Curly\u2019 \u201cquotes\u201d \u2026 and "
         "\u20ac, \u00e7a va? " * 6 + "{ticket}",
         ["Fran\u00e7ois", "fr", "", "", "", "", ""]),
        (b"\x41\x42", "", ["", "", "", "", "", "", ""]),
    ]
    for i, (sel, tpl, segs) in enumerate(tpls):
        add("template", "tpl_%02d" % i,
            sel + "\0".join([tpl] + segs).encode())


def hours_seeds():
    for i, s in enumerate([
            "mon-fri 09:00-18:00, sat 10:00-14:00 Europe/Madrid",
            "mon-fri 09:00-13:00 15:00-18:00 UTC",
            "MON,Wed,friday 9:00-17:30 +02:00",
            "fri-mon 08:00-12:00 UTC-03:30",
            "fri 22:00-02:00",
            "mon 09:00-12:00 11:00-14:00 14:00-15:00, daily 20:00-24:00",
            "weekdays 08:00-20:00 weekends 10:00-14:00 America/New_York",
            "  Europe/Madrid  ",
            "sun 02:30-04:00 America/New_York",
            "daily 00:30-01:00, mon 12:00-13:00 +05:30",
            "mon-sun 00:00-24:00 Australia/Lord_Howe",
            "tue 23:59-00:01 Pacific/Chatham",
            "mon 1:00-2:00 3:00-4:00 5:00-6:00 7:00-8:00 9:00-10:00 "
            "11:00-12:00 13:00-14:00 15:00-16:00 17:00-18:00",
            "mon-fri 09:00-18:00 ../../etc/passwd",
            "sat-sun 10:00-14:00 GMT+14",
            "thursday 06:00-22:00 Africa/Casablanca",
            "mon-fri 09:00-18:00 right/UTC",
            "weekends 00:00-24:00 Z"]):
        add("hours", "spec_%02d" % i, s)


def tzif_footer_only(std_off, rule):
    """t/unit/test_hours.c's image with no transitions, a footer rule"""
    out = b""
    for _ in range(2):
        hdr = bytearray(44)
        hdr[0:5] = b"TZif2"
        hdr[39] = 1
        hdr[43] = 4
        out += bytes(hdr) + struct.pack(">i", std_off) + b"\0\0" + b"STD\0"
    return out + b"\n" + rule.encode() + b"\n"


def tzif_seeds():
    for zone in ["UTC", "Europe/Madrid", "America/New_York",
                 "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham",
                 "Africa/Casablanca", "Europe/Dublin", "America/Santiago",
                 "Antarctica/Troll", "right/UTC"]:
        path = os.path.join(os.environ.get("TZDIR", "/usr/share/zoneinfo"),
                            zone)
        if os.path.exists(path):
            with open(path, "rb") as f:
                add("tzif", zone.replace("/", "_"), f.read())
    for i, (off, rule) in enumerate([
            (3600, "CET-1CEST,M3.5.0,M10.5.0/3"),
            (-18000, "EST5EDT,M3.2.0,M11.1.0"),
            (36000, "AEST-10AEDT,M10.1.0,M4.1.0/3"),
            (-14400, "<-04>4<-03>,M9.1.6/24,M4.1.6/24"),
            (3600, "IST-1GMT0,M10.5.0,M3.5.0/1"),
            (12600, "<+0330>-3:30"),
            (-10800, "XXX3YYY,J60/-167,J300/167"),
            (7200, "ABC-2DEF,0/0,365/25"),
            (0, "CET-1CEST,M3.5.0")]):
        add("tzif", "footer_%02d" % i, tzif_footer_only(off, rule))


# dictionaries: the words the code compares input against

def quoted(paths, minlen=2, maxlen=40):
    import re
    out = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r'"((?:[^"\\\n]|\\.){%d,%d})"' % (minlen, maxlen),
                             text):
            w = m.group(1)
            if w.endswith(".h") or "%" in w or " " in w.strip():
                continue
            out.append(w.encode().decode("unicode_escape").encode("latin-1"))
    return out


def rule_words():
    """the cue words and phrases of the built-in rules (sc_builtin)"""
    import re
    words = []
    with open("src/sc_classify.c", encoding="utf-8") as f:
        for m in re.finditer(r'^"    (.*)\\n"$', f.read(), re.M):
            words += [w.strip().rstrip("*") for w in m.group(1).split(",")]
    return [w.encode() for w in words if w.strip()]


def write_dict(name, entries):
    seen, lines = set(), []
    for e in entries:
        if isinstance(e, str):
            e = e.encode()
        if not e or e in seen or len(e) > 64:
            continue
        seen.add(e)
        esc = "".join(chr(b) if 0x20 <= b < 0x7f and b not in b'"\\'
                      else "\\x%02x" % b for b in e)
        lines.append('"%s"' % esc)
    os.makedirs("fuzz/dict", exist_ok=True)
    with open("fuzz/dict/%s.dict" % name, "w") as f:
        f.write("# fuzz/dict/%s.dict: written by fuzz/seeds.py\n" % name)
        f.write("\n".join(lines) + "\n")
    print("%-10s %3d dictionary entries" % (name, len(lines)))


def dicts():
    import glob
    headers = [h for h in quoted(["src/sc_verify.c"])
               if h.startswith((b"x-", b"webhook-", b"svix-", b"tiktok-"))]
    pseudo = [":get\n", ":url: https://", ":query: ", ":now: ", ":skew: ",
              ":keys: ", "\n\n", ": "]
    json_tok = ['{"', '":', '":"', '",', '"}', "[", "]", "null", "true",
                "false", "-1", "1e9", "0.5", '\\u00e9', '\\ud83d\\ude80']
    write_dict("verify", [h + b": " for h in headers] + pseudo
               + quoted(["src/sc_verify.c"])
               + ["sha256=", "sha1=", "v0=", "v1,", "t=", ",s=", "==", "=",
                  "1700000000", "2023-11-14T22:13:20Z", "https://", ":443",
                  ":80", "?", "&", "%2B", "bodySHA256="])
    write_dict("platform", pseudo + [h + b": " for h in headers]
               + ["Content-Type: application/json\n",
                  "Content-Type: application/x-www-form-urlencoded\n",
                  "X-GitHub-Event: ", "X-GitHub-Delivery: ",
                  "X-Zendesk-Webhook-Invocation-Id: "]
               + json_tok
               + quoted(sorted(glob.glob("src/sc_platform_*.c"))
                        + ["src/sc_json.c"]))
    write_dict("form", ["&", "=", "+", "%", "%00", "%2B", "%C3%A9", "%ff",
                        "%zz", "hub.mode=", "hub.verify_token=",
                        "hub.challenge=", "crc_token=", "bodySHA256=",
                        "Body=", "Digits=", "payload=", "command=", "text="])
    write_dict("json", json_tok + [
        '"2024-02-29T12:34:56.789Z"', "T", "Z", "+00:00", "-05:30", ".000",
        "1970-01-01", "9999-12-31", "23:59:60", "1355517523.000005",
        "9223372036854775807", "-9223372036854775808", "1e300", "a.b.c",
        '"id"', '"text"'])
    write_dict("classify", rule_words() + [
        "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "021000021",
        "123-45-6789", "@example.com", "+1 (415) 555-0100", "password",
        "PIN", "acct", "IBAN", "???", "!!!", "http://", "www.", ":)",
        "\U0001F621".encode("utf-8").decode("unicode_escape"), "not",
        "very", "but", '{"text": "', '"id": "'])
    write_dict("template", ["{first_name}", "{name}", "{handle}", "{agent}",
                            "{team}", "{ticket}", "{contact}", "{opens_at}",
                            "{brand}", "{issue}", "{a}", "{x_1}", "|", "[",
                            "]", "\\{", "\\}", "\\[", "\\]", "\\\\",
                            "\u2014", "\u2026", "\u201c", "\u20ac", ". ",
                            "\x00"])
    write_dict("hours", ["mon", "monday", "tue", "wednesday", "thu", "fri",
                         "sat", "sun", "sunday", "daily", "weekdays",
                         "weekends", "-", ":", ", ", "09:00", "24:00",
                         "00:00", "UTC", "GMT", "Z", "+02:00", "-0530",
                         "UTC+", "Europe/Madrid", "America/New_York",
                         "Australia/Lord_Howe", "Etc/GMT-14", "right/UTC"])
    write_dict("tzif", [b"TZif", b"TZif2", b"TZif3", b"TZif4",
                        b"\x00\x00\x00\x00", b"\xff\xff\xff\xff",
                        b"\x00\x00\x0e\x10", b"\nCET-1CEST,M3.5.0,M10.5.0/3\n",
                        b"<+0330>-3:30", b",M", b".5.0", b"/24", b"/-167",
                        b",J60", b",0/0", b"EST5EDT"])


def main():
    if not os.path.isdir(FIX):
        sys.exit("run from the repository root")

    if len(sys.argv) == 3 and sys.argv[1] == "--every-fixture":
        # candidates for PLATFORM, to minimize with libFuzzer's -merge=1
        platform_seeds(every=True)
        os.makedirs(sys.argv[2], exist_ok=True)
        for name, data in corpora["platform"]:
            with open(os.path.join(sys.argv[2], name), "wb") as f:
                f.write(data)
        return

    platform_seeds()
    verify_seeds()
    form_seeds()
    json_seeds()
    classify_seeds()
    template_seeds()
    hours_seeds()
    tzif_seeds()
    dicts()

    for target, files in sorted(corpora.items()):
        assert len(files) <= MAX_FILES, (target, len(files))
        d = os.path.join(OUT, target)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in files:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        print("%-10s %2d files, %6d bytes" % (
            target, len(files), sum(len(d) for _, d in files)))


if __name__ == "__main__":
    main()
