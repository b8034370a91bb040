-- wrk script for bench/soak.pl: POSTs unique, correctly signed Meta
-- webhooks read from the file in SC_SOAK_REQUESTS ("signature<TAB>body"
-- per line), each thread its own share, paced to SC_SOAK_RATE requests/s
-- in all (each thread keeps its own schedule with a monotonic clock, so a
-- slow answer is caught up on rather than lowering the rate), and counts
-- the answers by status.

local ffi = require("ffi")

ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } sc_timespec;
    int clock_gettime(int clk_id, sc_timespec *tp);
]]

local CLOCK_MONOTONIC = 1
local ts = ffi.new("sc_timespec")

local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

function init(args)
    local nthreads = tonumber(os.getenv("SC_SOAK_THREADS"))
    local rate = tonumber(os.getenv("SC_SOAK_RATE"))
    local path = os.getenv("SC_SOAK_REQUESTS")

    reqs = {}
    local i = 0
    for line in io.lines(path) do
        if i % nthreads == id - 1 then
            local tab = line:find("\t", 1, true)
            reqs[#reqs + 1] = wrk.format("POST", wrk.path, {
                ["Content-Type"] = "application/json",
                ["X-Hub-Signature-256"] = line:sub(1, tab - 1),
            }, line:sub(tab + 1))
        end
        i = i + 1
    end

    n = 0
    ok = 0
    other = 0
    wrapped = 0
    interval = 1000 * nthreads / rate     -- ms between this thread's sends
    next_at = now_ms()
end

function delay()
    local t = now_ms()
    local slot = math.max(next_at, t)
    next_at = slot + interval
    return math.floor(slot - t)
end

function request()
    n = n + 1
    if n > #reqs then
        n = 1   -- wrapped: later answers are duplicates
        wrapped = 1
    end
    return reqs[n]
end

function response(status, headers, body)
    if status == 200 then
        ok = ok + 1
    else
        other = other + 1
    end
end

function done(summary, latency, requests)
    local ok_total, other_total, wrapped_any = 0, 0, 0
    for _, t in ipairs(threads) do
        ok_total = ok_total + t:get("ok")
        other_total = other_total + t:get("other")
        wrapped_any = math.max(wrapped_any, t:get("wrapped"))
    end
    io.write(string.format(
        "RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
        .. "ok=%d other=%d errors=%d wrapped=%d\n",
        summary.requests, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, ok_total, other_total,
        summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout, wrapped_any))
end
