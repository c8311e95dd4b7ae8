#!/usr/bin/env bash
# README's main command: installs dependencies, builds molt, and embeds the example texts
# (examples/texts.jsonl) with a model found locally: $MOLT_MAIN_MODEL if set, else the
# first model in MOLT_MODELS folders or the Hugging Face cache that loads. Where there is
# none, it says how to get one and still succeeds.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh release

candidates=()
if [ -n "${MOLT_MAIN_MODEL:-}" ]; then candidates+=("$MOLT_MAIN_MODEL"); fi
while IFS= read -r path; do
  [ -n "$path" ] && candidates+=("$path")
done < <(HF_HUB_OFFLINE=1 build/molt models --json | grep -o '"path":"[^"]*"' | sed 's/^"path":"//; s/"$//')

out=build/example-embeddings.jsonl
for model in "${candidates[@]+"${candidates[@]}"}"; do
  if HF_HUB_OFFLINE=1 build/molt embed --model "$model" --input examples/texts.jsonl --output "$out" 2>build/main-embed.err; then
    echo "molt embed --model $model --input examples/texts.jsonl  (all of it in $out)"
    # One line per text: its id, its first values, the vector's width.
    while IFS= read -r line; do
      id="${line#*\"id\":}"; id="${id%%,*}"
      values="${line#*\"embedding\":[}"; values="${values%]*}"
      width="$(tr ',' '\n' <<<"$values" | wc -l)"
      echo "  $id  [$(cut -d, -f1-4 <<<"$values"), ...]  ($width values)"
    done < "$out"
    exit 0
  fi
  echo "skipping $model: $(head -c 300 build/main-embed.err)" >&2
done

cat <<'MSG'
molt is built (build/molt), but no model to embed with was found locally
(molt looked in the folders of MOLT_MODELS and in the Hugging Face cache: see `build/molt models`).
Get one, then run scripts/main.sh again:
  - with network access:   build/molt pull sentence-transformers/all-MiniLM-L6-v2
  - without it: copy a sentence-transformers model folder (config.json, model.safetensors,
    tokenizer files, modules.json, 1_Pooling/) to e.g. ~/models/all-MiniLM-L6-v2 and set
    MOLT_MODELS=~/models (or MOLT_MAIN_MODEL=/path/to/that/folder).
MSG
exit 0
