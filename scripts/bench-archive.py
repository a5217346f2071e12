#!/usr/bin/env python3
"""Archive benchmark: peak memory of a batch (parent + all workers) for growing batch sizes, and
the time of a second, incremental run over the same inputs.

    cargo build --release
    python3 scripts/bench-archive.py [--bin target/release/nianbao] [--sizes 50,100,200] [--jobs 2]

Inputs are distinct copies of the good fixture PDFs (a comment appended after %%EOF gives each
its own content hash, so nothing is deduplicated).  Memory is sampled every 20 ms from /proc as
the sum of VmRSS over the nianbao process and its worker processes; the peak of that sum is what
the issue bounds (under 1 GiB, flat in the number of files).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += children(p)
    return seen


def run(cmd):
    """Run cmd; return (exit code, seconds, peak tree RSS MiB, peak parent RSS MiB, max workers)."""
    t = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_parent = workers = 0
    while p.poll() is None:
        pids = tree(p.pid)
        total = sum(rss_kib(x) for x in pids)
        peak = max(peak, total)
        peak_parent = max(peak_parent, rss_kib(p.pid))
        workers = max(workers, len(pids) - 1)
        time.sleep(0.02)
    err = p.stderr.read().decode(errors="replace")
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd} failed ({p.returncode}): {err}")
    return p.returncode, time.monotonic() - t, peak / 1024, peak_parent / 1024, workers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "nianbao"))
    ap.add_argument("--sizes", default="50,100,200")
    ap.add_argument("--jobs", default="2")
    a = ap.parse_args()
    goods = [open(os.path.join(ROOT, "tests", "fixtures", n), "rb").read() for n in ("good-01.pdf", "good-15.pdf")]
    work = tempfile.mkdtemp(prefix="nianbao-bench-")
    try:
        print(f"{'files':>6} {'first s':>8} {'second s':>9} {'ratio':>6} {'peak MiB (all)':>15} {'peak MiB (parent)':>18} {'workers':>8}")
        for n in [int(x) for x in a.sizes.split(",")]:
            inp = os.path.join(work, f"in-{n}")
            out = os.path.join(work, f"out-{n}")
            os.makedirs(inp)
            for i in range(n):
                with open(os.path.join(inp, f"report-{i:05d}.pdf"), "wb") as f:
                    f.write(goods[i % 2] + f"% copy {i}\n".encode())
            cmd = [a.bin, "convert", inp, "--out", out, "--quiet", "--jobs", a.jobs]
            _, t1, peak, peak_parent, workers = run(cmd)
            _, t2, _, _, _ = run(cmd)
            print(f"{n:>6} {t1:>8.2f} {t2:>9.2f} {t2 / t1:>6.3f} {peak:>15.1f} {peak_parent:>18.1f} {workers:>8}")
            shutil.rmtree(inp)
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
