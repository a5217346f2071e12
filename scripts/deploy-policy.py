#!/usr/bin/env python3
"""Check what the Kubernetes schema cannot: the house rules of deploy/k8s/*.yaml.

Every container: a pinned image (a tag other than latest, or a digest); runAsNonRoot and
seccomp RuntimeDefault (pod or container); allowPrivilegeEscalation false; all capabilities
dropped; a read-only root filesystem; and, for a nianbao convert, a memory limit of at least
--jobs x --max-memory plus 512 MiB for the parent.  Run by scripts/validate-deploy.sh (PyYAML
comes with kubernetes-validate).  Exit 1 with one line per problem.
"""
import re
import sys

import yaml

UNITS = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "K": 10**3, "M": 10**6, "G": 10**9, "": 1}
PARENT_MIB = 512


def bytes_of(q):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]i?|)", str(q))
    if not m:
        raise ValueError(f"unreadable quantity {q!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def pod_specs(doc):
    kind = doc.get("kind")
    spec = doc.get("spec", {})
    if kind == "Job":
        yield spec["template"]["spec"]
    elif kind == "CronJob":
        yield spec["jobTemplate"]["spec"]["template"]["spec"]
    elif kind in ("Pod",):
        yield spec
    elif kind in ("Deployment", "StatefulSet", "DaemonSet"):
        yield spec["template"]["spec"]


def check(path, doc):
    problems = []
    name = f"{path}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
    for ps in pod_specs(doc):
        psc = ps.get("securityContext", {})
        for c in ps.get("containers", []) + ps.get("initContainers", []):
            where = f"{name} container {c.get('name')}"
            img = c.get("image", "")
            if "@sha256:" not in img and (":" not in img.rsplit("/", 1)[-1] or img.endswith(":latest")):
                problems.append(f"{where}: image {img!r} is not pinned (use a version tag or a digest)")
            sc = c.get("securityContext", {})
            if not (sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True):
                problems.append(f"{where}: runAsNonRoot is not true")
            seccomp = sc.get("seccompProfile", psc.get("seccompProfile", {})).get("type")
            if seccomp != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile is not RuntimeDefault")
            if sc.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation is not false")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                problems.append(f"{where}: capabilities do not drop ALL")
            if sc.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem is not true")
            cmd = " ".join(c.get("command", []) + c.get("args", []))
            if re.search(r"\bnianbao\b.*\bconvert\b", cmd):
                jobs = re.search(r"--jobs[ =](\d+)", cmd)
                mem = re.search(r"--max-memory[ =](\d+)", cmd)
                if not jobs or not mem:
                    problems.append(f"{where}: convert without explicit --jobs and --max-memory (the memory limit cannot be checked)")
                    continue
                need = (int(jobs.group(1)) * int(mem.group(1)) + PARENT_MIB) << 20
                limit = c.get("resources", {}).get("limits", {}).get("memory")
                if limit is None or bytes_of(limit) < need:
                    problems.append(f"{where}: memory limit {limit} is below --jobs x --max-memory + {PARENT_MIB}Mi = {need >> 20}Mi")
    return problems


def main(paths):
    problems = []
    for p in paths:
        with open(p) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    problems += check(p, doc)
    for pr in problems:
        print(f"deploy-policy: {pr}", file=sys.stderr)
    if not problems:
        print(f"deploy-policy: {len(paths)} files pass")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
