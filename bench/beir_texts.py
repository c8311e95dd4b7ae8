#!/usr/bin/env python3
"""Writes a BEIR dataset's texts as molt's JSONL input ({"id", "text"} per line):
OUT/docs.jsonl (every EVERY-th document, title + " " + text as MTEB joins them) and
OUT/queries.jsonl (every query). Usage: beir_texts.py BEIR_DIR OUT_DIR [EVERY]"""
import json, sys

beir, out, every = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1
with open(f"{out}/docs.jsonl", "w") as f:
    for i, line in enumerate(open(f"{beir}/corpus.jsonl")):
        if i % every:
            continue
        d = json.loads(line)
        f.write(json.dumps({"id": d["_id"], "text": (d.get("title", "") + " " + d["text"]).strip()}) + "\n")
with open(f"{out}/queries.jsonl", "w") as f:
    for line in open(f"{beir}/queries.jsonl"):
        d = json.loads(line)
        f.write(json.dumps({"id": d["_id"], "text": d["text"]}) + "\n")
