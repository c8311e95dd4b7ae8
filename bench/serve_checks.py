#!/usr/bin/python3
"""Figures of molt serve beyond /v1/embeddings load (bench/serve_load.sh has that): collection
writes and searches over HTTP (dense, bm25, hybrid; one client and 16), the embedding cache
on repeated queries, and the SIGTERM drain of requests in flight. Python's standard library
only, loopback only, bounded in requests and time. Prints Markdown.

Usage: bench/serve_checks.py [MODEL] [DOCS]
  MODEL  default: build/test-models/all-MiniLM-L6-v2 (scripts/make_test_models.sh)
  DOCS   SciFact documents to write (default 1000), from ../shared/data/beir/scifact
"""
import concurrent.futures as cf
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build/test-models/all-MiniLM-L6-v2")
DOCS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
DATA = os.environ.get("MOLT_TEST_DATA", os.path.join(ROOT, "../shared/data"))
SCIFACT = os.path.join(DATA, "beir/scifact")


def start(db):
    p = subprocess.Popen([os.path.join(ROOT, "build/molt"), "serve", "--db", db, "--model", "m=" + MODEL,
                          "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    if not line:
        sys.exit("molt serve did not start: " + p.stderr.read())
    return p, json.loads(line)["port"]


def call(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t = time.perf_counter()
    c.request(method, path, body=None if body is None else json.dumps(body),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, (time.perf_counter() - t) * 1000


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))]


def searches(port, queries, mode, workers):
    def one(q):
        s, body, ms = call(port, "POST", "/v1/collections/scifact/search", {"query": q, "mode": mode, "k": 10})
        if s != 200:
            raise RuntimeError(f"{s} {body[:200]}")
        return ms
    t = time.perf_counter()
    with cf.ThreadPoolExecutor(workers) as ex:
        lat = list(ex.map(one, queries))
    return len(queries) / (time.perf_counter() - t), pct(lat, 0.5), pct(lat, 0.99)


def metric(text, name, model="m"):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and f'model="{model}"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def main():
    docs = []
    with open(os.path.join(SCIFACT, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            docs.append({"id": d["_id"], "text": (d.get("title", "") + " " + d["text"]).strip()})
            if len(docs) == DOCS:
                break
    with open(os.path.join(SCIFACT, "queries.jsonl")) as f:
        queries = [json.loads(l)["text"] for l in f][:300]
    work = tempfile.mkdtemp()
    p, port = start(os.path.join(work, "db"))
    try:
        print(f"model `{os.path.relpath(MODEL, ROOT)}`, {len(docs)} SciFact documents, {len(queries)} queries\n")
        s, body, _ = call(port, "POST", "/v1/collections", {"name": "scifact", "model": "m"})
        assert s == 201, body
        t = time.perf_counter()
        for i in range(0, len(docs), 64):
            s, body, _ = call(port, "POST", "/v1/collections/scifact/documents", {"documents": docs[i:i + 64]})
            assert s == 200, body
        w = time.perf_counter() - t
        print(f"upsert over HTTP (batches of 64, embedded by the served model): {len(docs) / w:.1f} docs/s\n")
        print("| search | clients | queries/s | p50 ms | p99 ms |")
        print("|---|---|---|---|---|")
        for mode in ("bm25", "dense", "hybrid"):
            for workers in (1, 16):
                # Each dense/hybrid query text is new to the cache only on its first run.
                qs = [f"{q} ({mode} {workers})" for q in queries] if mode != "bm25" else queries
                r = searches(port, qs, mode, workers)
                print(f"| {mode} | {workers} | {r[0]:.1f} | {r[1]:.1f} | {r[2]:.1f} |")
        _, before, _ = call(port, "GET", "/metrics")
        before = before.decode()
        r = searches(port, [f"{q} (dense 1)" for q in queries], "dense", 1)
        _, after, _ = call(port, "GET", "/metrics")
        after = after.decode()
        hits = metric(after, "molt_cache_hits_total") - metric(before, "molt_cache_hits_total")
        misses = metric(after, "molt_cache_misses_total") - metric(before, "molt_cache_misses_total")
        print(f"| dense, repeated queries (embedding cache) | 1 | {r[0]:.1f} | {r[1]:.1f} | {r[2]:.1f} |")
        print(f"\ncache on the repeated run: {hits:.0f} hits, {misses:.0f} misses "
              f"(molt_cache_hits_total / molt_cache_misses_total)\n")

        # SIGTERM with requests in flight: each in-flight request is answered, then exit 0.
        batch = [f"drain {i} " + docs[i % len(docs)]["text"][:400] for i in range(32)]
        def embed(i):
            s, _, ms = call(port, "POST", "/v1/embeddings", {"input": [f"{i} {t}" for t in batch]})
            return s
        with cf.ThreadPoolExecutor(16) as ex:
            futures = [ex.submit(embed, i) for i in range(16)]
            time.sleep(0.3)
            t = time.perf_counter()
            p.send_signal(signal.SIGTERM)
            statuses = []
            for f in futures:
                try:
                    statuses.append(f.result())
                except Exception as e:  # refused after the listener closed
                    statuses.append(type(e).__name__)
            code = p.wait(timeout=60)
            exit_ms = (time.perf_counter() - t) * 1000
        ok = statuses.count(200)
        print(f"SIGTERM 0.3 s into 16 concurrent requests of 32 texts: {ok} answered 200, "
              f"others {sorted(set(map(str, statuses)) - {'200'}) or 'none'}; exit code {code} "
              f"after {exit_ms:.0f} ms")
    finally:
        if p.poll() is None:
            p.kill()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
