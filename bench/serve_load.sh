#!/usr/bin/env bash
# Load benchmark of molt serve: the same closed-loop load (molt_loadgen, a second process on
# loopback) against the server with dynamic batching and without it (--no-batching),
# alternated REPS times so that a busy machine disturbs both alike, then at four times a
# fixed capacity. Prints one JSON line per run and a Markdown table.
# Usage: bench/serve_load.sh [MODEL] [SECONDS] [CLIENTS]
#   MODEL    default: ${MOLT_TEST_GENERATED:-build/test-models}/all-MiniLM-L6-v2
#            (scripts/make_test_models.sh writes it)
#   SECONDS  per run (default 15); CLIENTS below capacity (default 64)
#   env WORDS="MIN MAX" words per text (default "8 24"); REPS (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-${MOLT_TEST_GENERATED:-build/test-models}/all-MiniLM-L6-v2}"
seconds="${2:-15}"
clients="${3:-64}"
read -r min_words max_words <<<"${WORDS:-8 24}"
reps="${REPS:-3}"
molt=build/molt
loadgen=build/bench/molt_loadgen
[ -x "$molt" ] && [ -x "$loadgen" ] || { echo "serve_load: build first (scripts/build.sh)" >&2; exit 2; }
[ -e "$model" ] || { echo "serve_load: no model at $model (run scripts/make_test_models.sh)" >&2; exit 2; }
work="$(mktemp -d)"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

# Starts molt serve with the given flags on a free port; sets $port and $server_pid.
start_server() {
  : >"$work/serve.out"
  "$molt" serve --model "$model" --port 0 --cache-mb 0 "$@" >"$work/serve.out" 2>"$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 600); do
    if [ -s "$work/serve.out" ]; then break; fi
    sleep 0.1
  done
  port="$(/usr/bin/python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$work/serve.out")"
  "$loadgen" --port "$port" --clients 8 --duration 2 >/dev/null  # warm-up: pages the weights in
}
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}
load() {  # CLIENTS -> one JSON line
  "$loadgen" --port "$port" --clients "$1" --duration "$seconds" --min-words "$min_words" \
    --max-words "$max_words" --retry-wait-ms 20
}

results=()
for rep in $(seq 1 "$reps"); do
  start_server
  r="$(load "$clients")"; echo "batching, run $rep: $r"; results+=("batching|$r")
  stop_server
  start_server --no-batching
  r="$(load "$clients")"; echo "no batching, run $rep: $r"; results+=("--no-batching|$r")
  stop_server
done

# Capacity: the queue admits $clients requests of the longest texts (about 2 tokens a word).
start_server --max-queue-tokens $((clients * (2 * max_words + 8))) --http-threads $((8 * clients))
r="$(load "$clients")"; echo "at capacity: $r"; results+=("capacity-sized queue|$r")
r="$(load $((4 * clients)))"; echo "4x overload: $r"; results+=("4x overload|$r")
stop_server

/usr/bin/python3 - "${results[@]}" <<'PY'
import json, statistics, sys
runs = [(a.split("|", 1)[0], json.loads(a.split("|", 1)[1])) for a in sys.argv[1:]]
print("| run | clients | ok/s | tokens/s | 429 | other failures | p50 ms | p99 ms | server peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|")
for name, r in runs:
    l = r["latency_ms"]
    print(f"| {name} | {r['clients']} | {r['ok_per_s']:.1f} | {r['tokens_per_s']:.0f} | {r['refused_429']} | "
          f"{r['other_failures']} | {l['p50']:.1f} | {l['p99']:.1f} | {r['server_peak_rss_sampled_bytes'] / 2**20:.0f} |")
on = [r["ok_per_s"] for n, r in runs if n == "batching"]
off = [r["ok_per_s"] for n, r in runs if n == "--no-batching"]
ratios = [a / b for a, b in zip(on, off) if b > 0]
print(f"\nbatching / no batching, per pair: {', '.join(f'{x:.2f}x' for x in ratios)}; "
      f"median {statistics.median(ratios):.2f}x")
PY
