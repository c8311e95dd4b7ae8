#!/usr/bin/env bash
# Encoder throughput of molt (fp32, bf16, int8) against the PyTorch baseline on the same
# token ids, interleaved round by round so both see the same machine load; then the
# machine's measured fp32 GEMM peak and the p50 latency of one 8-token query.
#
# Usage: bench/compare_torch.sh MODEL_DIR BEIR_DIR [EVERY] [ROUNDS]
#   MODEL_DIR  a BERT-family folder (e.g. build/test-models/all-MiniLM-L6-v2)
#   BEIR_DIR   a BEIR dataset folder with corpus.jsonl and queries.jsonl (e.g. SciFact)
#   EVERY      keep every EVERY-th document (1 = the whole corpus; default 1)
#   ROUNDS     rounds of baseline, fp32, bf16, int8 back to back (default 2)
# Environment: MOLT (default build/molt), BENCH_GEMM (default build/bench/bench_gemm),
#   BASELINE (default ../shared/bench/torch_bert.py), PYTHON (default /usr/bin/python3),
#   THREADS (default 2), BATCH (default 32), WORK (default a fresh temporary folder).
# Prints one JSON line per measurement, then a summary of ratios per round.
set -euo pipefail

model=${1:?model folder}
beir=${2:?BEIR folder}
every=${3:-1}
rounds=${4:-2}
molt=${MOLT:-build/molt}
bench_gemm=${BENCH_GEMM:-build/bench/bench_gemm}
baseline=${BASELINE:-../shared/bench/torch_bert.py}
python=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-2}
batch=${BATCH:-32}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"
if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "compare_torch: $python cannot import torch; install it with scripts/setup.sh --bench" >&2
  exit 2
fi
log="$work/results.jsonl"
: >"$log"

"$python" "$(dirname "$0")/beir_texts.py" "$beir" "$work" 1
"$molt" tokenize --model "$model" --input "$work/docs.jsonl" --output "$work/corpus_ids_all.jsonl"
awk -v n="$every" '(NR - 1) % n == 0' "$work/corpus_ids_all.jsonl" >"$work/ids.jsonl"
# One short query: SciFact queries cut to 8 tokens, [CLS] and [SEP] included.
"$molt" tokenize --model "$model" --max-length 8 --input "$work/queries.jsonl" --output "$work/q8_all.jsonl"
"$python" -c 'import json,sys
rows = [l for l in open(sys.argv[1]) if len(json.loads(l)["ids"]) == 8]
sys.stdout.writelines(rows[:256])' "$work/q8_all.jsonl" >"$work/q8.jsonl"

record() { # name, then the JSON object on stdin
  "$python" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["run"]=sys.argv[1]; d["round"]=int(sys.argv[2]); print(json.dumps(d))' "$1" "$2" | tee -a "$log"
}

echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((r = 1; r <= rounds; r++)); do
  "$python" "$baseline" --model "$model" --input "$work/ids.jsonl" --batch-size "$batch" --threads "$threads" | record torch "$r"
  for p in fp32 bf16 int8; do
    "$molt" bench --model "$model" --input "$work/ids.jsonl" --precision "$p" --batch-size "$batch" --threads "$threads" | record "molt-$p" "$r"
  done
  echo "# load after round $r: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
done

# The machine's fp32 GEMM peak: the best of OpenBLAS and oneDNN at BERT's shapes on all threads.
"$bench_gemm" --benchmark_filter="BM_(SgemmOpenBLAS|OnednnF32)/$threads/" --benchmark_format=json \
  --benchmark_out="$work/gemm.json" >/dev/null
"$python" -c 'import json,sys
b=json.load(open(sys.argv[1]))["benchmarks"]
best=max(b, key=lambda x: x["GFLOP/s"] if "GFLOP/s" in x else x.get("items_per_second",0))
print(json.dumps({"run":"gemm-peak","name":best["name"],"gflops":round(best.get("GFLOP/s",0)/1e9 if best.get("GFLOP/s",0)>1e6 else best.get("GFLOP/s",0),2)}))' \
  "$work/gemm.json" | tee -a "$log"

for p in fp32 bf16 int8; do
  "$molt" bench --model "$model" --input "$work/q8.jsonl" --precision "$p" --batch-size 1 --threads "$threads" \
    --latency-runs 200 | record "latency-$p" 0
done

"$python" - "$log" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
peak = next(r["gflops"] for r in rows if r["run"] == "gemm-peak")
for r in sorted({r["round"] for r in rows if r.get("round")}):
    got = {x["run"]: x for x in rows if x.get("round") == r}
    t, f, b, i = (got[k]["tokens_per_s"] for k in ("torch", "molt-fp32", "molt-bf16", "molt-int8"))
    print(f"round {r}: torch {t:.0f} tok/s, molt fp32 {f:.0f} ({f / t:.2f}x torch), "
          f"bf16 {b:.0f} ({b / f:.2f}x fp32), int8 {i:.0f} ({i / f:.2f}x fp32); "
          f"fp32 {got['molt-fp32']['gflops']:.1f} GFLOP/s = {got['molt-fp32']['gflops'] / peak:.0%} of peak {peak:.1f}")
for x in rows:
    if x["run"].startswith("latency"):
        print(f"{x['run']}: p50 {x['latency']['p50_ms']} ms, p90 {x['latency']['p90_ms']} ms")
EOF
echo "# results in $log" >&2
