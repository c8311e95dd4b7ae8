#!/usr/bin/env bash
# Accuracy of --precision bf16 and int8 against fp32 on a BEIR dataset: the cosine of each
# document's and query's embedding to its fp32 embedding (min, mean, how many fall under the
# bound), and how many of each query's top-10 documents agree with fp32's.
#
# Usage: bench/precision_accuracy.sh MODEL_DIR BEIR_DIR [EVERY]
#   EVERY  keep every EVERY-th document (1 = the whole corpus; default 1)
# Environment: MOLT (default build/molt), PYTHON (default /usr/bin/python3), THREADS
#   (default 2), WORK (default a fresh temporary folder).
set -euo pipefail

model=${1:?model folder}
beir=${2:?BEIR folder}
every=${3:-1}
molt=${MOLT:-build/molt}
python=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-2}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

"$python" "$(dirname "$0")/beir_texts.py" "$beir" "$work" "$every"

for p in fp32 bf16 int8; do
  for part in docs queries; do
    "$molt" embed --model "$model" --input "$work/$part.jsonl" --precision "$p" --threads "$threads" \
      --format npy --output "$work/$part-$p.npy"
  done
done

"$python" - "$work" <<'EOF'
import json, sys
import numpy as np
work = sys.argv[1]
def load(part, p):
    e = np.load(f"{work}/{part}-{p}.npy").astype(np.float64)
    return e / np.linalg.norm(e, axis=1, keepdims=True)
def top10(q, d):
    return np.argsort(-(q @ d.T), axis=1, kind="stable")[:, :10]
ref_d, ref_q = load("docs", "fp32"), load("queries", "fp32")
ref_top = top10(ref_q, ref_d)
for p, bound in (("bf16", 0.999), ("int8", 0.99)):
    d, q = load("docs", p), load("queries", p)
    cd, cq = (d * ref_d).sum(1), (q * ref_q).sum(1)
    top = top10(q, d)
    overlap = np.array([len(set(a) & set(b)) for a, b in zip(top, ref_top)])
    print(json.dumps({"precision": p, "bound": bound,
                      "docs": len(cd), "doc_cos_min": round(float(cd.min()), 6),
                      "doc_cos_mean": round(float(cd.mean()), 6), "docs_below": int((cd < bound).sum()),
                      "queries": len(cq), "query_cos_min": round(float(cq.min()), 6),
                      "queries_below": int((cq < bound).sum()),
                      "top10_overlap_mean": round(float(overlap.mean()), 3),
                      "top10_same_set": int((overlap == 10).sum()),
                      "top1_same": int((top[:, 0] == ref_top[:, 0]).sum())}))
EOF
