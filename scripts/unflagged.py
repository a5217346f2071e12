#!/usr/bin/env python3
"""Wrong values without a flag, per document: the worst failure (a wrong number nobody was
warned about), with what the pipeline read for each.

usage: unflagged.py --truth DIR [--truth DIR ...] --out OUTDIR [--all-wrong] [--quiet]

Reads OUTDIR/cells.csv and every *.truth.json under the truth folders (the shared scorer's
truth format: "file" names the document, cells[table]["row.col"] its values).  For each
document with output it prints accuracy, wrong, wrong without a flag, and one line per
unflagged wrong cell: the value, the truth, raw text, method, confidence, page and bbox
(--all-wrong lists flagged wrong cells too, with their flags).  The last line is the total:
`unflagged: N wrong values without a flag in D documents (accuracy A%)`.
Exit status 0 whatever the counts; 2 when a file cannot be read.
"""
import argparse
import csv
import json
import os
import sys
from decimal import Decimal, InvalidOperation


def number(s):
    if s is None:
        return None
    s = s.strip().replace(",", "")
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return "unparseable"


def load_truth(dirs):
    docs = {}
    for d in dirs:
        for root, _dirs, files in os.walk(d):
            for name in sorted(files):
                if name.endswith(".truth.json"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        t = json.load(f)
                    docs.setdefault(os.path.basename(t["file"]), t)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--all-wrong", action="store_true", help="also list wrong cells that carry a flag")
    ap.add_argument("--quiet", action="store_true", help="only documents with an unflagged wrong value, and the total")
    a = ap.parse_args()
    try:
        truth = load_truth(a.truth)
        cells = {}
        with open(os.path.join(a.out, "cells.csv"), encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                cells.setdefault(os.path.basename(r["source_file"]), {})[(r["table"], r["row"], r["col"])] = r
    except (OSError, ValueError, KeyError) as e:
        print(f"unflagged.py: {e}", file=sys.stderr)
        return 2
    total_unflagged = docs_with = passed = count = 0
    for name in sorted(truth):
        t = truth[name]
        out = cells.get(name, {})
        ok = wrong = 0
        lines = []
        for table, kv in t["cells"].items():
            for key, want in kv.items():
                row, _, col = key.partition(".")
                count += 1
                r = out.get((table, row, col))
                got = number(r["value"]) if r else None
                if got is None:
                    continue
                if got != "unparseable" and got == Decimal(str(want)):
                    ok += 1
                    continue
                wrong += 1
                unflagged = not r.get("flags")
                if unflagged or a.all_wrong:
                    lines.append(
                        f"    {'wrong!' if unflagged else 'wrong '} {table}.{row}.{col:<16} got {r['value']:<8} want {want:<8} "
                        f"raw {r.get('raw', '')!r} {r.get('method', '')} conf {r.get('confidence', '')} "
                        f"p{r.get('page', '')} [{r.get('bbox', '')}] {r.get('flags', '')}"
                    )
        passed += ok
        n_unfl = sum(1 for l in lines if l.startswith("    wrong!"))
        total_unflagged += n_unfl
        docs_with += n_unfl > 0
        if a.quiet and n_unfl == 0:
            continue
        n = sum(len(kv) for kv in t["cells"].values())
        print(f"{name:40} {100.0 * ok / max(n, 1):5.1f}%  wrong {wrong:3}  unflagged {n_unfl}")
        for l in lines:
            print(l)
    acc = 100.0 * passed / max(count, 1)
    print(f"unflagged: {total_unflagged} wrong values without a flag in {docs_with} documents (accuracy {acc:.2f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
