-- wrk script: POSTs unique, correctly signed Meta webhooks read from the
-- file in SC_BENCH_REQUESTS ("signature<TAB>body" per line), each thread
-- its own share, and counts the 200 answers.

local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

function init(args)
    local nthreads = tonumber(os.getenv("SC_BENCH_THREADS"))
    local path = os.getenv("SC_BENCH_REQUESTS")
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
end

function request()
    n = n + 1
    if n > #reqs then
        n = 1   -- wrapped: later answers are duplicates
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
    local ok_total, other_total = 0, 0
    for _, t in ipairs(threads) do
        ok_total = ok_total + t:get("ok")
        other_total = other_total + t:get("other")
    end
    io.write(string.format(
        "RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f p90_ms=%.2f p999_ms=%.2f ok=%d other=%d errors=%d\n",
        summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency:percentile(90) / 1000, latency:percentile(99.9) / 1000,
        ok_total, other_total,
        summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout))
end
