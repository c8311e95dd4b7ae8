#!/usr/bin/env bash
# Backfill throughput against `molt bench`, same model, same documents, same batch size and
# threads: the issue's bar is migrate >= 90% of bench. Each round runs
#   1. molt bench on a slice of SciFact (every Nth document's text, as the store keeps it),
#   2. molt ingest of the slice into a fresh store with the small static model (not timed),
#      then molt migrate run of that collection to the MiniLM-sized model (timed),
# alternating, since the machine may be shared and its load drifts; then prints docs/s and
# tokens/s of each run, from the commands' own JSON (the backfill's `seconds` excludes model
# load, store opening and the index refresh) and from wall and CPU time of the whole process
# (what a user waits for), and the ratios per round with their median.
# Usage: bench/migrate_vs_bench.sh [--every 25] [--batch-size 32] [--threads 2] [--rounds 3]
#   env: MOLT (default build/molt), MOLT_BENCH_MODEL (default
#   build/test-models/all-MiniLM-L6-v2, see scripts/make_test_models.sh), MOLT_BENCH_FROM
#   (default ../shared/models/static-a), MOLT_TEST_DATA (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."

every=25
batch=32
threads=2
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --every) every="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "migrate_vs_bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

molt="${MOLT:-build/molt}"
model="${MOLT_BENCH_MODEL:-build/test-models/all-MiniLM-L6-v2}"
from="${MOLT_BENCH_FROM:-../shared/models/static-a}"
corpus="${MOLT_TEST_DATA:-../shared/data}/beir/scifact/corpus.jsonl"
for f in "$molt" "$model/config.json" "$from/config.json" "$corpus"; do
  if [ ! -e "$f" ]; then echo "migrate_vs_bench: $f not found" >&2; exit 2; fi
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The documents' `text` field only: what ingest stores as a document's text, and so what
# the backfill embeds.
jq -c --argjson every "$every" 'select((input_line_number - 1) % $every == 0) | {id: ._id, text: .text}' \
  "$corpus" >"$work/docs.jsonl"
docs=$(wc -l <"$work/docs.jsonl")

# Runs a command under /usr/bin/time; its stdout to $1.out, "wall user sys" to $1.time.
timed() {
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S' -o "$work/$name.time" "$@" >"$work/$name.out"
}

echo "# molt migrate run vs molt bench: $docs SciFact documents (every ${every}th), model $model,"
echo "# batch size $batch, $threads threads, $(nproc) cores, $rounds rounds of bench then migrate"
for r in $(seq 1 "$rounds"); do
  echo "# round $r, load: $(uptime | sed 's/.*load average: //')"
  timed "bench$r" "$molt" bench --model "$model" --input "$work/docs.jsonl" --batch-size "$batch" --threads "$threads"
  "$molt" ingest --db "$work/kb$r" --collection slice --create --model "$from" --input "$work/docs.jsonl" \
    --threads "$threads" --summary >/dev/null
  timed "migrate$r" "$molt" migrate run --db "$work/kb$r" --collection slice --to "$model" --batch-size "$batch" \
    --threads "$threads" --json
done
echo "# after, load: $(uptime | sed 's/.*load average: //')"

/usr/bin/python3 - "$work" "$docs" "$rounds" <<'PY'
import json, statistics, sys
work, docs, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def load(name):
    out = json.loads(open(f"{work}/{name}.out").read().strip().splitlines()[-1])
    wall, user, sys_ = map(float, open(f"{work}/{name}.time").read().split()[-3:])
    return out, wall, user + sys_
print(f"{'run':12} {'timed s':>8} {'docs/s':>7} {'tokens/s':>9} {'wall s':>7} {'CPU s':>6}   (timed: bench's own"
      f" figure; migrate's backfill + catch-up `seconds`; wall/CPU: whole process)")
ratios_timed, ratios_wall, ratios_cpu = [], [], []
for r in range(1, rounds + 1):
    b, b_wall, b_cpu = load(f"bench{r}")
    m, m_wall, m_cpu = load(f"migrate{r}")
    assert b["docs"] == docs and m["embedded"] == docs and m["state"] == "ready", (b, m)
    tokens = b["tokens"]  # same texts and tokenizer: the backfill embeds exactly these tokens
    print(f"bench {r:<6} {b['seconds']:8.2f} {b['docs_per_s']:7.2f} {b['tokens_per_s']:9.1f} {b_wall:7.2f} {b_cpu:6.2f}"
          f"   (timed run's CPU {b['cpu_seconds']:.2f} s)")
    print(f"migrate {r:<4} {m['seconds']:8.2f} {docs / m['seconds']:7.2f} {tokens / m['seconds']:9.1f} {m_wall:7.2f} {m_cpu:6.2f}")
    ratios_timed.append(b["seconds"] / m["seconds"])
    ratios_wall.append(b_wall / m_wall)
    # bench's own CPU figure covers its timed run only (not its warm-up batch, which the
    # whole process also embeds); migrate's is the whole process, load and index included.
    ratios_cpu.append(b["cpu_seconds"] / m_cpu)
def show(name, xs):
    print(f"{name}: median {100 * statistics.median(xs):.1f}%  (rounds: {', '.join(f'{100 * x:.1f}%' for x in xs)})")
show("migrate / bench docs/s, timed parts", ratios_timed)
show("migrate / bench docs/s, whole processes' wall", ratios_wall)
show("migrate / bench docs per CPU-second (bench: timed run; migrate: whole process)", ratios_cpu)
PY
