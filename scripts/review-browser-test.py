#!/usr/bin/env python3
"""The review page in a real headless browser (Chromium through the DevTools protocol).

Usage: review-browser-test.py NIANBAO_BINARY SCRATCH_DIR   (run by scripts/review-browser-test.sh)

1. converts an OCR fixture with a value in doubt, serves `nianbao review OUT --serve`, opens the
   page, checks the crop loaded, types a corrected value, presses Correct and Save (mouse events
   and typed text, as a person would) and checks OUT/corrections.csv;
2. writes the static page (`nianbao review OUT`), opens it from file://, checks there is no Save
   button and that the saved decision shows, confirms the value as read instead, presses
   "Download corrections.csv" and checks the downloaded file (the confirmation replaced the 7);
3. puts the download into OUT/ and converts again: the value is confirmed in cells.csv.

Only the standard library: a minimal WebSocket client speaks to Chromium.
"""
import base64
import csv
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

FIXTURE = "tests/fixtures/active-gray-rot.jpg"


class WebSocket:
    def __init__(self, url):
        assert url.startswith("ws://"), url
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket refused: {head!r}")
        self.next_id = 0
        self.events = []

    def _exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("browser closed the connection")
            buf += chunk
        return buf

    def send(self, obj):
        data = json.dumps(obj).encode()
        head = bytearray([0x81])
        n = len(data)
        if n < 126:
            head.append(0x80 | n)
        elif n < 65536:
            head.append(0x80 | 126)
            head += struct.pack(">H", n)
        else:
            head.append(0x80 | 127)
            head += struct.pack(">Q", n)
        mask = os.urandom(4)
        head += mask
        self.sock.sendall(bytes(head) + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        msg = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            payload = self._exact(n)
            if b0 & 0x0F == 8:
                raise EOFError("browser closed the websocket")
            msg += payload
            if b0 & 0x80:
                return json.loads(msg)

    def call(self, method, **params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)


class Page:
    def __init__(self, ws):
        self.ws = ws

    def js(self, expr):
        r = self.ws.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expr, what, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if self.js(expr):
                return
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what} ({expr})")

    def goto(self, url):
        self.ws.call("Page.navigate", url=url)
        self.wait("document.readyState === 'complete' && document.querySelectorAll('.item').length > 0", f"the page {url}")

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            f" const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        )
        x, y = box
        for kind in ("mousePressed", "mouseReleased"):
            self.ws.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type_into(self, selector, text):
        self.click(selector)
        self.js(f"document.querySelector({json.dumps(selector)}).select()")
        self.ws.call("Input.insertText", text=text)


def fail(msg):
    print(f"review-browser-test: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def read_csv(p):
    with open(p, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main():
    binary, scratch = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    out = scratch / "out"
    subprocess.run([binary, "convert", FIXTURE, "--out", out, "--quiet"], check=True)
    doubtful = [c for c in read_csv(out / "cells.csv") if c["flags"] and "not_found" not in c["flags"] and c["bbox"]]
    if not doubtful:
        fail(f"{FIXTURE} has no value in doubt any more: pick another fixture")
    sha = read_csv(out / "reports.csv")[0]["sha256"]
    procs = []
    try:
        server = subprocess.Popen([binary, "review", out, "--serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        procs.append(server)
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            fail(f"no URL from review --serve: {url!r}")
        profile = scratch / "profile"
        downloads = scratch / "downloads"
        downloads.mkdir()
        chrome = shutil.which("chromium") or shutil.which("chromium-browser") or fail("chromium not found: scripts/setup.sh --dev installs it")
        browser = subprocess.Popen(
            [chrome, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        procs.append(browser)
        port_file = profile / "DevToolsActivePort"
        for _ in range(150):
            if port_file.exists() and port_file.read_text().count("\n") >= 1:
                break
            time.sleep(0.2)
        else:
            fail("chromium did not start its DevTools endpoint")
        dport = int(port_file.read_text().split("\n")[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{dport}/json/list"))
        page = Page(WebSocket(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]))
        page.ws.call("Page.enable")
        page.ws.call("Runtime.enable")

        # 1. served page: correct a value and save
        page.goto(url)
        cell = f"{doubtful[0]['table']}/{doubtful[0]['row']}/{doubtful[0]['col']}"
        item = f".item[data-cell='{cell}']"
        page.wait(f"document.querySelector(\"{item} img\") && document.querySelector(\"{item} img\").complete && document.querySelector(\"{item} img\").naturalWidth > 0", "the crop to load")
        if page.js("document.getElementById('save').hidden"):
            fail("the served page has no Save button")
        page.type_into(f"{item} input.value", "７")   # full-width, as a Chinese IME types it
        page.type_into(f"{item} input.note", "checked against the paper copy")
        page.click(f"{item} button.correct")
        page.wait(f"document.querySelector(\"{item}\").classList.contains('decided')", "the decision to show")
        page.click("#save")
        page.wait("document.getElementById('status').dataset.state === 'ok'", "the save to succeed")
        rows = read_csv(out / "corrections.csv")
        want = [(sha, cell, "7", "checked against the paper copy")]
        got = [(r["sha256"], r["cell"], r["value"], r["note"]) for r in rows]
        if got != want:
            fail(f"corrections.csv after Save: {got}, expected {want}")
        print(f"review-browser-test: Save wrote {cell} = 7 to corrections.csv")

        # 2. static page from file://: the saved decision shows; change it and download the file
        subprocess.run([binary, "review", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page.ws.call("Page.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        static = (out / "review" / "index.html").as_uri()
        page.ws.call("Page.navigate", url=static)
        page.wait("document.readyState === 'complete' && typeof DATA === 'object' && DATA !== null", "the static page")
        if not page.js("document.getElementById('save').hidden"):
            fail("the static page shows a Save button it cannot serve")
        page.wait(f"document.querySelector(\"{item}\") && document.querySelector(\"{item}\").classList.contains('decided')", "the saved decision to show")
        state = page.js(f"document.querySelector(\"{item} .state\").textContent")
        if "7" not in state:
            fail(f"the saved decision is not shown: {state!r}")
        # change one's mind: confirm the value as read instead (a later decision replaces it)
        read_value = doubtful[0]["value"]
        page.click(f"{item} button.confirm")
        page.click("#download")
        target = downloads / "corrections.csv"
        for _ in range(100):
            if target.exists() and target.stat().st_size > 0:
                break
            time.sleep(0.2)
        else:
            fail("no corrections.csv downloaded")
        time.sleep(0.3)
        rows = read_csv(target)
        got = [(r["sha256"], r["cell"], r["value"]) for r in rows]
        if got != [(sha, cell, read_value)]:
            fail(f"downloaded corrections.csv holds {got}, expected {cell} = {read_value} only (replacing 7)")
        if not target.read_bytes().endswith(b"\r\n"):
            fail("downloaded corrections.csv does not end with CRLF")
        print(f"review-browser-test: Download gave {got}")

        # 3. the download goes into OUT/ and the next convert applies it
        shutil.copy(target, out / "corrections.csv")
        subprocess.run([binary, "convert", FIXTURE, "--out", out, "--quiet"], check=True)
        by_cell = {f"{c['table']}/{c['row']}/{c['col']}": c for c in read_csv(out / "cells.csv")}
        if (by_cell[cell]["value"], by_cell[cell]["flags"]) != (read_value, "confirmed"):
            fail(f"{cell} after convert: {by_cell[cell]['value']} {by_cell[cell]['flags']}")
        print("review-browser-test: OK")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
