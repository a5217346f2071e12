#!/usr/bin/env python3
"""Build data/divisions.csv (GB/T 2260 administrative divisions: province, city, county).

Source: the `adcodes.csv` shipped in the PyPI package cpca 0.5.5 (MIT licence,
https://github.com/DQinYuan/chinese_province_city_area_mapper), itself from the National
Bureau of Statistics' division codes.  Run:

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && python3 scripts/make-divisions.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl

Output columns: code (6 digits), name, parent (6 digits, empty for a province).  The
placeholder rows of the source (市辖区, 县, 省直辖县级行政区划, ...) are dropped and their
children hang from the nearest real ancestor (北京市朝阳区 -> 北京市).
"""
import csv, io, sys, zipfile

PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

def main(wheel, out="data/divisions.csv"):
    with zipfile.ZipFile(wheel) as z:
        text = z.read("cpca/resources/adcodes.csv").decode("utf-8")
    rows = {}
    for r in csv.DictReader(io.StringIO(text)):
        code = r["adcode"][:6]
        if r["adcode"][6:].strip("0") or r["name"] in PLACEHOLDERS:
            continue
        rows[code] = r["name"]
    def parent(code):
        for cand in (code[:4] + "00", code[:2] + "0000"):
            if cand != code and cand in rows:
                return cand
        return ""
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "parent"])
        for code in sorted(rows):
            w.writerow([code, rows[code], "" if code.endswith("0000") else parent(code)])
    print(f"{len(rows)} divisions -> {out}")

if __name__ == "__main__":
    main(*sys.argv[1:])
