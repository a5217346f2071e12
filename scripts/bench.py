#!/usr/bin/env python3
"""Speed benchmark (not a test): nianbao against the reference tool on the same pages.

  scripts/bench.py digital [--copies 10]   CPU s/page vs `pdftotext -layout`, and 2 jobs vs 1
  scripts/bench.py scanned [--pages 6]     CPU s/page vs `OMP_THREAD_LIMIT=1 tesseract page.png - -l chi_sim`

The input set is the corpus beside the repo (../shared/corpus).  To give the parallel run enough
work, every file is copied --copies times with a PDF comment appended, so the copies have
different content hashes (nianbao never converts the same content twice) but identical pages.
CPU time is user+sys of the child processes (resource.getrusage), the reliable number on a
shared machine; wall time is reported for the jobs ratio, which needs two free cores.
"""
import argparse, glob, os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")
BIN = os.path.join(ROOT, "target", "release", "nianbao")


def cpu_of(cmd, env=None):
    """(cpu seconds of the child, wall seconds, returncode)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, r.returncode


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def make_copies(files, copies, dest):
    os.makedirs(dest, exist_ok=True)
    made = []
    for k in range(copies):
        for f in files:
            base, ext = os.path.splitext(os.path.basename(f))
            p = os.path.join(dest, f"{base}-copy{k}{ext}")
            shutil.copyfile(f, p)
            if ext.lower() == ".pdf":
                with open(p, "ab") as fh:
                    fh.write(f"\n%bench-copy-{k}\n".encode())
            made.append(p)
    return made


def run_nianbao(inputs, jobs, out):
    shutil.rmtree(out, ignore_errors=True)
    helptext = subprocess.run([BIN, "convert", "--help"], capture_output=True, text=True).stdout
    force = ["--force"] if "--force" in helptext else []
    return cpu_of([BIN, "convert", *inputs, "--out", out, "--jobs", str(jobs), "--quiet", *force])


def digital(a):
    files = sorted(glob.glob(os.path.join(CORPUS, "real", "*.pdf")) + glob.glob(os.path.join(CORPUS, "dev", "dev-digital-*.pdf")))
    tmp = tempfile.mkdtemp(prefix="nianbao-bench-")
    copies = make_copies(files, a.copies, os.path.join(tmp, "in"))
    pages = sum(pdf_pages(f) for f in files) * a.copies
    ref = min(sum(cpu_of(["pdftotext", "-layout", f, "/dev/null"])[0] for f in copies) for _ in range(a.repeat))
    one = [run_nianbao([os.path.join(tmp, "in")], 1, os.path.join(tmp, "o1")) for _ in range(a.repeat)]
    two = [run_nianbao([os.path.join(tmp, "in")], 2, os.path.join(tmp, "o2")) for _ in range(a.repeat)]
    cpu1 = min(c for c, _, _ in one)
    wall1 = min(w for _, w, _ in one)
    wall2 = min(w for _, w, _ in two)
    print(f"digital: {len(copies)} files, {pages} pages (corpus x{a.copies}), best of {a.repeat}")
    print(f"  pdftotext -layout : {ref / pages * 1000:7.3f} ms CPU/page")
    print(f"  nianbao --jobs 1  : {cpu1 / pages * 1000:7.3f} ms CPU/page  (wall {wall1:.2f} s)")
    print(f"  nianbao --jobs 2  :                      (wall {wall2:.2f} s)")
    print(f"  ratio CPU/page nianbao / pdftotext = {cpu1 / ref:.2f}  (goal <= 2.0)")
    print(f"  ratio wall 1 job / 2 jobs           = {wall1 / wall2:.2f}  (goal >= 1.7; needs 2 free cores, load now {os.getloadavg()[0]:.1f})")
    shutil.rmtree(tmp, ignore_errors=True)


def scanned(a):
    files = sorted(glob.glob(os.path.join(CORPUS, "dev", "dev-scan-*.pdf")))[: a.docs]
    tmp = tempfile.mkdtemp(prefix="nianbao-bench-")
    # the reference: tesseract on each page image at the scan's own resolution (pdfimages -png)
    ref_cpu = 0.0
    pages = 0
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for f in files:
        d = os.path.join(tmp, "img", os.path.basename(f))
        os.makedirs(d)
        subprocess.run(["pdfimages", "-png", f, os.path.join(d, "p")], check=True)
        for img in sorted(glob.glob(os.path.join(d, "*.png"))):
            c, _, _ = cpu_of(["tesseract", img, "-", "-l", "chi_sim"], env=env)
            ref_cpu += c
            pages += 1
    inputs = make_copies(files, a.copies, os.path.join(tmp, "in"))
    c1, w1, _ = run_nianbao([os.path.join(tmp, "in")], 1, os.path.join(tmp, "o1"))
    c2, w2, _ = run_nianbao([os.path.join(tmp, "in")], 2, os.path.join(tmp, "o2"))
    npages = pages * a.copies
    print(f"scanned: {len(files)} documents, {pages} page images (x{a.copies} copies for nianbao)")
    print(f"  tesseract chi_sim CLI : {ref_cpu / pages:6.3f} s CPU/page")
    print(f"  nianbao --jobs 1      : {c1 / npages:6.3f} s CPU/page  (wall {w1:.1f} s)")
    print(f"  ratio CPU/page nianbao / tesseract = {c1 / npages / (ref_cpu / pages):.2f}  (goal <= 0.8)")
    print(f"  ratio wall 1 job / 2 jobs           = {w1 / w2:.2f}  (goal >= 1.7; load now {os.getloadavg()[0]:.1f})")
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("set", choices=["digital", "scanned"])
    ap.add_argument("--copies", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--docs", type=int, default=4, help="scanned: how many dev-scan documents")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    for tool in (["pdftotext", "pdfinfo"] if a.set == "digital" else ["pdfimages", "tesseract"]):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} not found; run scripts/setup.sh --dev")
    if a.set == "digital":
        a.copies = a.copies or 10
        digital(a)
    else:
        a.copies = a.copies or 1
        scanned(a)


if __name__ == "__main__":
    main()
