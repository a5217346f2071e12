#!/usr/bin/env python3
"""Check a nianbao output folder against the corpus truth: cell accuracy (via the shared scorer)
and checks.csv against each truth file's source_inconsistencies.

usage: corpus_check.py --truth DIR [--truth DIR ...] --out OUTDIR [--kind digital] [--min-accuracy 100]
                       [--max-unflagged-wrong N] [--checks-may-differ]
Exit 1 when accuracy is below the minimum, failed checks disagree with the truth (unless
--checks-may-differ), or more than N wrong cells carry no flag.
"""
import argparse, csv, json, os, re, subprocess, sys

def truth_inconsistencies(t):
    out = set()
    for s in t.get("source_inconsistencies", []):
        m = re.match(r"(\w+) (\w+): (?:column )?([\w.]+)", s)
        if not m:
            continue
        table, check, subj = m.groups()
        if check == "row_total":
            subj = subj.split(".")[0]
        elif check == "results_total":
            subj = subj.split(".")[1]
        elif check == "group_total":
            subj = subj.split(".")[1].rsplit("_total", 1)[0]
        out.add((table, check, subj))
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--truth", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kind", action="append", help="only documents of these kinds (default all)")
    ap.add_argument("--min-accuracy", type=float, default=100.0)
    ap.add_argument("--max-unflagged-wrong", type=int, default=None, help="fail when more wrong cells than this carry no flag")
    ap.add_argument("--checks-may-differ", action="store_true", help="do not fail on check disagreements (OCR'd documents: a misread cell fails checks)")
    ap.add_argument("--scorer", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "score.py"))
    a = ap.parse_args()
    cells = os.path.join(a.out, "cells.csv")
    args = [sys.executable, a.scorer, "--cells", cells, "--json-out", os.path.join(a.out, "score.json")]
    for t in a.truth:
        args += ["--truth", t]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        return 1
    rep = json.load(open(os.path.join(a.out, "score.json"), encoding="utf-8"))
    docs = [d for d in rep["per_document"] if not a.kind or d["kind"] in a.kind]
    passed = sum(d["passed"] for d in docs)
    total = sum(d["passed"] + d["failed"] for d in docs)
    # flags: which wrong cells carry no flag
    flagged = {}
    with open(cells, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            flagged[(os.path.basename(row["source_file"]), row["table"], row["row"], row["col"])] = bool(row["flags"])
    unflagged_wrong = 0
    for d in docs:
        for fl in d["failures"]:
            t, r_, c = fl["cell"].split(".")
            if fl["status"] == "wrong" and not flagged.get((d["file"], t, r_, c), False):
                unflagged_wrong += 1
    # flags on right values: a flag on every cell would be useless, so count them
    truth_cells = {}
    for tdir in a.truth:
        for name in sorted(os.listdir(tdir)):
            if name.endswith(".truth.json"):
                t = json.load(open(os.path.join(tdir, name), encoding="utf-8"))
                truth_cells.setdefault(os.path.basename(t["file"]), [(tb, *k.split(".", 1)) for tb, kv in t["cells"].items() for k in kv])
    right_flagged = 0
    for d in docs:
        failed = {tuple(fl["cell"].split(".")) for fl in d["failures"]}
        for key in truth_cells.get(d["file"], []):
            if key not in failed and flagged.get((d["file"], *key), False):
                right_flagged += 1
    for d in docs:
        if d["failed"]:
            print(f"  {d['file']}: {d['failed']} cells wrong or missing: " + ", ".join(f["cell"] for f in d["failures"][:6]))
    # checks vs truth
    got = {}
    with open(os.path.join(a.out, "checks.csv"), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["status"] == "fail":
                got.setdefault(os.path.basename(row["source_file"]), set()).add((row["table"], row["check"], row["subject"]))
    disagree = 0
    for tdir in a.truth:
        for name in sorted(os.listdir(tdir)):
            if not name.endswith(".truth.json"):
                continue
            t = json.load(open(os.path.join(tdir, name), encoding="utf-8"))
            if a.kind and t.get("kind") not in a.kind:
                continue
            want = truth_inconsistencies(t)
            have = got.get(os.path.basename(t["file"]), set())
            if want != have:
                disagree += 1
                print(f"  checks disagree for {t['file']}: truth {sorted(want)} vs output {sorted(have)}")
    # agency and year from the title
    reports = {}
    with open(os.path.join(a.out, "reports.csv"), encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            reports[os.path.basename(row["source_file"])] = row
    title_wrong = 0
    for tdir in a.truth:
        for name in sorted(os.listdir(tdir)):
            if not name.endswith(".truth.json"):
                continue
            t = json.load(open(os.path.join(tdir, name), encoding="utf-8"))
            if a.kind and t.get("kind") not in a.kind:
                continue
            r = reports.get(os.path.basename(t["file"]))
            if r and (r["agency"] != t.get("agency") or r["year"] != str(t.get("year"))):
                title_wrong += 1
                print(f"  title of {t['file']}: truth {t.get('agency')} {t.get('year')} vs output {r['agency']} {r['year']}")
    acc = 100.0 * passed / total if total else 0.0
    print(f"documents {len(docs)}, cells {passed}/{total} = {acc:.2f}%, wrong cells without a flag: {unflagged_wrong}, right cells flagged: {right_flagged}, check disagreements: {disagree}, agency/year wrong: {title_wrong}")
    print(f"cells: {passed} passed, {total - passed} failed")
    ok = acc >= a.min_accuracy and (a.checks_may_differ or disagree == 0)
    if a.max_unflagged_wrong is not None and unflagged_wrong > a.max_unflagged_wrong:
        ok = False
    return 0 if ok else 1

if __name__ == "__main__":
    sys.exit(main())
