#!/usr/bin/env python3
"""Where the cells are lost: accuracy of generated scans grouped by how they were degraded.

usage: by_degradation.py OUT:TRUTH [OUT:TRUTH ...] [--by dpi,blur | --by layout:KEY]

Each argument pairs an output folder (its cells.csv) with the truth folder it was converted
from (`gen.py` output: every *.truth.json there names its document and holds `degradation`
and `layout`).  Cells are grouped by resolution and blur (default: dpi <= 120, 135-150,
165-200, > 200 against blur < 0.5, 0.5-1, >= 1), or by one layout variant
(`--by layout:zero_mode`, `layout:total_first`, ...).  For each group it prints cells right,
documents, and the share of all cells the group loses: the groups that hold the loss are
where work pays.  Exit status 0; 2 when a file cannot be read.
"""
import argparse
import collections
import csv
import glob
import json
import os
import sys


def dpi_group(dpi):
    if dpi <= 120:
        return "dpi <= 120"
    if dpi <= 150:
        return "dpi 135-150"
    if dpi <= 200:
        return "dpi 165-200"
    return "dpi > 200"


def blur_group(blur):
    if blur < 0.5:
        return "blur < 0.5"
    if blur < 1.0:
        return "blur 0.5-1"
    return "blur >= 1"


def same(got, want):
    try:
        return got.strip() != "" and float(got) == float(want)
    except ValueError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pairs", nargs="+", metavar="OUT:TRUTH")
    ap.add_argument("--by", default="dpi,blur", help="dpi,blur (default) or layout:KEY")
    a = ap.parse_args()
    groups = collections.defaultdict(lambda: [0, 0, 0])  # right, cells, documents
    try:
        for pair in a.pairs:
            out, truth = pair.split(":", 1)
            got = {}
            with open(os.path.join(out, "cells.csv"), encoding="utf-8-sig") as f:
                for r in csv.DictReader(f):
                    doc = os.path.splitext(os.path.basename(r["source_file"]))[0]
                    got[(doc, r["table"], r["row"], r["col"])] = r["value"]
            for tf in sorted(glob.glob(os.path.join(truth, "**", "*.truth.json"), recursive=True)):
                with open(tf, encoding="utf-8") as f:
                    t = json.load(f)
                doc = os.path.splitext(os.path.basename(t["file"]))[0]
                d = t.get("degradation") or {}
                if a.by.startswith("layout:"):
                    key = f"{a.by[7:]}={(t.get('layout') or {}).get(a.by[7:])}"
                else:
                    key = f"{dpi_group(d.get('dpi', 300))}, {blur_group(d.get('blur_sigma', 0.0))}"
                g = groups[key]
                g[2] += 1
                for table, kv in t["cells"].items():
                    for k, want in kv.items():
                        row, col = k.rsplit(".", 1)
                        g[1] += 1
                        g[0] += same(got.get((doc, table, row, col), ""), want)
    except (OSError, ValueError, KeyError) as e:
        print(f"by_degradation: {e}", file=sys.stderr)
        return 2
    total = sum(g[1] for g in groups.values()) or 1
    for key in sorted(groups):
        right, cells, docs = groups[key]
        lost = cells - right
        print(
            f"{key:28} {right:6}/{cells:<6} {100 * right / max(cells, 1):5.1f}%  "
            f"{docs:3} documents  loses {100 * lost / total:4.1f}% of all cells"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
