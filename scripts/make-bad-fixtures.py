#!/usr/bin/env python3
"""Generate the hostile/broken inputs under tests/fixtures/bad/ from tests/fixtures/good-01.pdf.

Deterministic (fixed seeds), so rerunning gives the same bytes except for the qpdf-encrypted
files (qpdf salts them).  The generated files are committed, so tests need neither this script
nor qpdf.  Needs: python3, qpdf (`scripts/setup.sh --dev`).

    python3 scripts/make-bad-fixtures.py
"""
import os
import random
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOD = os.path.join(ROOT, "tests", "fixtures", "good-01.pdf")
BAD = os.path.join(ROOT, "tests", "fixtures", "bad")


def write(name, data):
    with open(os.path.join(BAD, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data)} bytes")


def build_pdf(objects):
    """A PDF from {num: body bytes}, with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        if n in offsets:
            out += b"%010d 00000 n \n" % offsets[n]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def deflate_repeated(byte, total, level=9):
    c = zlib.compressobj(level)
    chunk = byte * (1 << 20)
    parts = []
    for _ in range(total >> 20):
        parts.append(c.compress(chunk))
    parts.append(c.flush())
    return b"".join(parts)


def main():
    os.makedirs(BAD, exist_ok=True)
    good = open(GOOD, "rb").read()
    rnd = random.Random(20211231)

    write("empty.pdf", b"")
    write("random.pdf", bytes(rnd.getrandbits(8) for _ in range(8192)))
    write("html.pdf", "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
          "<body><h1>页面不存在</h1></body></html>\n".encode("utf-8"))
    write("truncated-50.pdf", good[: len(good) // 2])
    write("truncated-90.pdf", good[: len(good) * 9 // 10])

    # Corrupted bytes: overwrite 64 runs of 16 bytes in the middle 80% of the file.
    b = bytearray(good)
    for _ in range(64):
        at = rnd.randrange(len(b) // 10, len(b) * 9 // 10)
        for k in range(16):
            b[at + k] = rnd.getrandbits(8)
    write("corrupted.pdf", bytes(b))

    # Broken xref: every offset in the xref table is wrong, and startxref points nowhere useful.
    xref_at = good.rfind(b"\nxref")
    head, tail = good[:xref_at], good[xref_at:]
    lines = tail.split(b"\n")
    fixed = []
    for ln in lines:
        if len(ln) >= 18 and ln[:10].isdigit() and ln[10:11] == b" " and ln.rstrip().endswith(b"n"):
            ln = b"%010d" % (int(ln[:10]) * 7 + 13) + ln[10:]
        fixed.append(ln)
    broken = head + b"\n".join(fixed)
    sx = broken.rfind(b"startxref")
    broken = broken[:sx] + b"startxref\n999999\n%%EOF\n"
    write("broken-xref.pdf", broken)

    # A page tree that refers to itself: the root /Pages lists itself among its /Kids, and
    # a second tree whose page's /Parent chain loops.
    content = b"BT /F1 12 Tf 72 720 Td (self) Tj ET"
    write("self-ref-tree.pdf", build_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: stream(content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }))
    write("parent-cycle.pdf", build_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 6 0 R >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: stream(content),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        6: b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
    }))

    # Deflate bomb: a page content stream that is 1 GiB of spaces, deflated twice (a few KiB).
    inner = deflate_repeated(b" ", 1 << 30)
    outer = zlib.compress(inner, 9)
    write("deflate-bomb.pdf", build_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: stream(outer, b"/Filter [/FlateDecode /FlateDecode]"),
    }))

    # Slow: a small file whose one page draws 1,200,000 text runs (over ten seconds to interpret),
    # for the --timeout test.
    ops = b"BT /F1 12 Tf 72 720 Td (slow) Tj ET\n" * 1200000
    write("slow.pdf", build_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>",
        4: stream(zlib.compress(ops, 9), b"/Filter /FlateDecode"),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }))

    # Encrypted: with a user password (cannot be read), and with an empty user password
    # (anyone can open it; only an owner password restricts editing).
    for name, user in (("encrypted-password.pdf", "secret"), ("encrypted-empty-user.pdf", "")):
        dst = os.path.join(BAD, name)
        subprocess.run(["qpdf", "--encrypt", user, "owner-pw", "256", "--", GOOD, dst], check=True)
        print(f"{name}: {os.path.getsize(dst)} bytes (qpdf AES-256)")
    dst = os.path.join(BAD, "encrypted-empty-user-rc4.pdf")
    subprocess.run(["qpdf", "--allow-weak-crypto", "--encrypt", "", "owner-pw", "128", "--use-aes=n", "--", GOOD, dst], check=True)
    print(f"encrypted-empty-user-rc4.pdf: {os.path.getsize(dst)} bytes (qpdf RC4-128)")


if __name__ == "__main__":
    sys.exit(main())
