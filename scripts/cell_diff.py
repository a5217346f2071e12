#!/usr/bin/env python3
"""List the wrong or missing cells of a nianbao output against corpus truth files, per document,
with the value, raw text, page, confidence and flags we wrote: the first thing to read when a
corpus score drops.

usage: scripts/cell_diff.py OUTDIR [NAME-SUBSTRING ...] [--truth DIR ...]
       (default truth: ../shared/corpus/dev and ../shared/corpus/real beside the repo)
A cell is right when its value equals the truth numerically (as ../shared/eval/score.py counts).
"""
import argparse, csv, glob, json, os
from decimal import Decimal, InvalidOperation

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("only", nargs="*", help="only documents whose file name contains one of these")
ap.add_argument("--truth", action="append")
a = ap.parse_args()
dirs = a.truth or [os.path.join(here, "..", "..", "shared", "corpus", d) for d in ("dev", "real")]
truth = {}
for d in dirs:
    for p in glob.glob(os.path.join(d, "*.truth.json")):
        t = json.load(open(p, encoding="utf-8"))
        truth[os.path.basename(t["file"])] = t
rows = {}
with open(os.path.join(a.out, "cells.csv"), encoding="utf-8-sig", newline="") as f:
    for r in csv.DictReader(f):
        rows[(os.path.basename(r["source_file"]), r["table"], r["row"] + "." + r["col"])] = r
total_bad = unflagged = 0
for doc in sorted({k[0] for k in rows}):
    if a.only and not any(o in doc for o in a.only):
        continue
    t = truth.get(doc)
    if not t:
        continue
    bad = []
    for table, cells in t["cells"].items():
        for key, want in cells.items():
            r = rows.get((doc, table, key))
            ok = False
            if r and r["value"] != "":
                try:
                    ok = Decimal(r["value"]) == Decimal(str(want))
                except InvalidOperation:
                    pass
            if not ok:
                bad.append((table, key, want, r))
    if not bad:
        continue
    print(f"== {doc} ({t.get('kind')}): {len(bad)} wrong or missing")
    for table, key, want, r in bad:
        total_bad += 1
        if r is None:
            print(f"  {table}.{key}: truth {want}, no row")
            continue
        if r["value"] != "" and not r["flags"]:
            unflagged += 1
        print(f"  {table}.{key}: truth {want} got {r['value']!r} raw {r['raw']!r} page {r['page']} "
              f"conf {r['confidence']} flags {r['flags'] or '(none)'}")
print(f"wrong or missing: {total_bad}, of which wrong values without a flag: {unflagged}")
