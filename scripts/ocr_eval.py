#!/usr/bin/env python3
"""Rough accuracy of the OCR producer on dev scans: numbers read in table order vs truth order.

usage: scripts/ocr_eval.py DOC.pdf|DOC.jpg [...]   (needs target-ocr/release/examples/ocr_dump)

For each document, every page is OCR'd (ocr_dump --json --no-text); from each table, the rows
holding at least one numeric cell give a sequence of values (blank and dash cells read as 0,
the label column skipped); the concatenation is aligned with the truth values in schema order
(active, requests, appeals) by difflib, and matched values are counted.  Order-preserving
alignment means a value only counts when it is in sequence with its neighbours, i.e. roughly
"in the right cell".  Also reports CPU time per page.
"""
import difflib, json, os, re, subprocess, sys, resource

BIN = os.environ.get("OCR_DUMP", "/work/target-ocr/release/examples/ocr_dump")
NUM = re.compile(r"^[0-9][0-9,]*(\.[0-9]+)?$")
ZERO = {"—", "-", "－", "/", "--", "——"}

def norm(t):
    t = t.strip()
    if t in ZERO or t == "":
        return "0"
    if NUM.match(t):
        v = t.replace(",", "")
        return v[:-2] if v.endswith(".0") else v
    return None

def page_values(tables):
    """Values of the rows holding at least one printed number or zero glyph: every cell after
    the first that is a number, a zero glyph or blank (blank = 0); text cells are skipped."""
    out = []
    for cells in tables:
        rows = {}
        for r0, c0, r1, c1, text in cells:
            rows.setdefault(r0, []).append((c0, text))
        for r in sorted(rows):
            rest = [t for c, t in sorted(rows[r]) if c > 0]
            if any(t.strip() and norm(t) is not None for t in rest):
                out.extend(v for v in map(norm, rest) if v is not None)
    return out

def truth_values(truth):
    seq = []
    for table in ("active", "requests", "appeals"):
        for k, v in truth["cells"].get(table, {}).items():
            v = str(v)
            seq.append(v[:-2] if v.endswith(".0") else v)
    return seq

def main():
    tot_m = tot_t = tot_o = 0
    cpu_tot = pages_tot = 0
    for doc in sys.argv[1:]:
        base = re.sub(r"\.(pdf|jpg|png)$", "", doc)
        truth = json.load(open(base + ".truth.json"))
        n = truth.get("pages", 1)
        seq = []
        for p in range(1, n + 1):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            r = subprocess.run([BIN, doc, str(p), "--json", "--no-text"], capture_output=True, text=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            cpu_tot += cpu; pages_tot += 1
            if r.returncode != 0:
                print(f"  {doc} p{p}: ERROR {r.stderr.strip()[:200]}")
                continue
            j = json.loads(r.stdout)
            vals = page_values(j["tables"])
            seq.extend(vals)
            if "-v" in os.environ.get("EVAL_FLAGS", ""):
                print(f"  p{p}: cpu {cpu:.2f}s tables {len(j['tables'])} vals {vals}")
        t = truth_values(truth)
        sm = difflib.SequenceMatcher(None, seq, t, autojunk=False)
        m = sum(b.size for b in sm.get_matching_blocks())
        tot_m += m; tot_t += len(t); tot_o += len(seq)
        print(f"{os.path.basename(doc)}: matched {m}/{len(t)} truth values in order ({len(seq)} read)")
    print(f"TOTAL matched {tot_m}/{tot_t} ({100*tot_m/max(tot_t,1):.1f}%), read {tot_o}; CPU {cpu_tot/max(pages_tot,1):.2f} s/page over {pages_tot} pages")

main()
