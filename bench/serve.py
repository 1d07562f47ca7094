#!/usr/bin/env python3
"""Save -> page latency under `vouch serve`.

Starts `vouch serve` on a copy of a corpus, then edits one card every
INTERVAL seconds (default 0.5) and polls the card's page over HTTP until the
new text shows. Prints each latency and the median.

Usage: bench/serve.py VOUCH CORPUS [SAVES] [INTERVAL]
"""
import os, re, shutil, statistics, subprocess, sys, tempfile, threading, time, urllib.request

vouch, corpus = sys.argv[1], sys.argv[2]
saves = int(sys.argv[3]) if len(sys.argv) > 3 else 20
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5

work = tempfile.mkdtemp(prefix="vouch-serve-bench-")
root = os.path.join(work, "kb")
shutil.copytree(corpus, root)
cards = sorted(
    os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs
    if f.endswith(".md") and not f.startswith("_")
)
card = cards[len(cards) // 2]
rel = os.path.relpath(card, root)[:-3]
proc = subprocess.Popen(
    [vouch, "serve", root, "--port", "0", "--today", "2026-11-25"],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
url = None
for line in proc.stdout:
    m = re.search(r"serving (http://\S+)", line)
    if m:
        url = m.group(1)
        break
if not url:
    sys.exit("vouch serve did not start")
threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
page = url + rel + "/"
original = open(card, encoding="utf-8").read()

def fetch():
    try:
        with urllib.request.urlopen(page, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""

latencies = []
try:
    for n in range(saves):
        marker = f"benchmarkmarker{n}x{os.getpid()}"
        started = time.monotonic()
        with open(card, "w", encoding="utf-8") as f:
            f.write(original + f"\n{marker}\n")
        while marker not in fetch():
            if time.monotonic() - started > 30:
                break
            time.sleep(0.002)
        latency = time.monotonic() - started
        latencies.append(latency)
        print(f"save {n + 1}: {latency * 1000:.0f} ms", flush=True)
        time.sleep(max(0.0, interval - latency))
finally:
    proc.terminate()
    proc.wait()
    shutil.rmtree(work, ignore_errors=True)
print(f"serve save->page: median {statistics.median(latencies) * 1000:.0f} ms, "
      f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} saves every {interval} s")
