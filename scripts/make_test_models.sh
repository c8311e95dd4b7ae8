#!/usr/bin/env bash
# Regenerates the full-size models with real configurations and seeded random weights that
# the golden tests and benchmarks use (no pretrained weights can be downloaded where tests
# run). Writes <out>/{all-MiniLM-L6-v2,bge-small-en-v1.5,bge-base-en-v1.5}/ with
# ../shared/tools/make_random_model.py and checks each model.safetensors against the sha256
# that ../shared/fixtures/REFERENCE-RUN.json records. Skips models already present and
# verified. Usage: scripts/make_test_models.sh [OUT]   (default: build/test-models)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-${MOLT_TEST_GENERATED:-build/test-models}}"
tools="${MOLT_TEST_TOOLS:-../shared/tools}"
models="${MOLT_TEST_MODELS:-../shared/models}"
fixtures="${MOLT_TEST_FIXTURES:-../shared/fixtures}"
if [ ! -f "$tools/make_random_model.py" ]; then
  echo "make_test_models: $tools/make_random_model.py not found (set MOLT_TEST_TOOLS)" >&2
  exit 2
fi
mkdir -p "$out"

expected_sha() {
  /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["full_size"][sys.argv[2]]["model.safetensors_sha256"])' \
    "$fixtures/REFERENCE-RUN.json" "$1"
}

make_one() {
  local name="$1"; shift
  local dir="$out/$name" want
  want="$(expected_sha "$name")"
  if [ -f "$dir/.verified" ] && [ "$(cat "$dir/.verified")" = "$want" ]; then
    return 0
  fi
  rm -rf "$dir.partial"
  /usr/bin/python3 "$tools/make_random_model.py" "$@" --seed 0 "$dir.partial" >/dev/null
  local got
  got="$(sha256sum "$dir.partial/model.safetensors" | cut -d' ' -f1)"
  if [ "$got" != "$want" ]; then
    echo "make_test_models: $name: sha256 $got, expected $want" >&2
    rm -rf "$dir.partial"
    exit 1
  fi
  echo "$want" > "$dir.partial/.verified"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
  echo "make_test_models: $name ready ($dir)"
}

make_one all-MiniLM-L6-v2 --from "$models/all-MiniLM-L6-v2"
make_one bge-small-en-v1.5 --preset bge-small-en-v1.5 --from "$models/all-MiniLM-L6-v2"
make_one bge-base-en-v1.5 --preset bge-base-en-v1.5 --from "$models/all-MiniLM-L6-v2"
