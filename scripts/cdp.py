"""A small DevTools-protocol client for old headless Chromium builds.

Playwright needs protocol methods that Chromium 79 and 67 lack, so the browser matrix
talks to every kernel the same plain way: start the binary with a debugging port, open
the page target's websocket, send commands and collect the events that matter (script
exceptions, console errors, failed loads). Input goes through the protocol's own
``Input`` domain where readers would type, so the page sees real events.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

HEADLESS_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--single-process", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--lang=zh-CN", "--window-size=1280,900"]


class ProtocolError(Exception):
    pass


@dataclass
class Events:
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    # Bytes received per request, as sent over the wire (compressed where the server compresses).
    received: dict[str, int] = field(default_factory=dict)
    load_fired: int = 0
    _urls: dict[str, str] = field(default_factory=dict)

    @property
    def page_errors(self) -> list[str]:
        return self.exceptions + self.console_errors


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """One headless Chromium process with one page, driven over its debugging websocket."""

    def __init__(self, executable: Path, extra_args: list[str] | None = None) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="qinglian-cdp-")
        port = _free_port()
        env = dict(os.environ)
        libraries = executable.parent / "lib"
        if libraries.is_dir():
            env["LD_LIBRARY_PATH"] = f"{libraries}:{env.get('LD_LIBRARY_PATH', '')}"
        self.events = Events()
        self._ids = itertools.count(1)
        # An old single-process build now and then hangs while starting: try once more, and
        # never leave a process behind.
        attempts = 3
        for attempt in range(1, attempts + 1):
            port = port if attempt == 1 else _free_port()
            self.process = subprocess.Popen(
                [str(executable), *HEADLESS_ARGS, *(extra_args or []), f"--remote-debugging-port={port}",
                 f"--user-data-dir={self.profile.name}", "about:blank"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
            )
            try:
                self.socket = self._connect(port)
                # A hung start can also show only here: the page never answers its first command.
                # A healthy start answers within a second or two; a hung one never does.
                self.socket.settimeout(20)
                for domain in ("Page", "Runtime", "Log", "Network"):
                    self.send(f"{domain}.enable")
                self.socket.settimeout(60)
                break
            except (ProtocolError, OSError, websocket.WebSocketException):
                if getattr(self, "socket", None) is not None:
                    self.socket.close()
                    self.socket = None
                self.process.kill()
                self.process.wait(timeout=10)
                if attempt == attempts:
                    self.profile.cleanup()
                    raise

    def _connect(self, port: int) -> websocket.WebSocket:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as response:
                    targets = json.load(response)
                target = next(t for t in targets if t.get("type") == "page")
                return websocket.create_connection(target["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
            except (OSError, StopIteration, ValueError, websocket.WebSocketException):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise ProtocolError("the browser did not open its debugging port") from None
                time.sleep(0.2)

    def close(self) -> None:
        try:
            self.socket.close()
        finally:
            self.process.kill()
            self.process.wait(timeout=10)
            self.profile.cleanup()

    # -- protocol ------------------------------------------------------------------------

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise ProtocolError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._record(message)

    def pump(self, seconds: float) -> None:
        """Read events for ``seconds`` without sending anything."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.socket.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self._record(json.loads(self.socket.recv()))
            except websocket.WebSocketTimeoutException:
                break
            finally:
                self.socket.settimeout(60)

    def _record(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = details.get("exception", {}).get("description") or details.get("text", "")
            self.events.exceptions.append(f"{details.get('url', '')}: {description}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.events.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.events.failed_loads.append(f"{params['entry'].get('url', '')}: {params['entry'].get('text', '')}")
        elif method == "Network.requestWillBeSent":
            self.events.requested.append(params["request"]["url"])
            self.events._urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFinished":
            url = self.events._urls.get(params["requestId"], "")
            self.events.received[url] = self.events.received.get(url, 0) + int(params.get("encodedDataLength", 0))
        elif method == "Page.loadEventFired":
            self.events.load_fired += 1

    # -- reader actions ----------------------------------------------------------------

    def goto(self, url: str, timeout: float = 30) -> None:
        fired = self.events.load_fired
        self.send("Page.navigate", url=url)
        self.wait_until(lambda: self.events.load_fired > fired, timeout, f"load of {url}")

    def reload(self) -> None:
        fired = self.events.load_fired
        self.send("Page.reload")
        self.wait_until(lambda: self.events.load_fired > fired, 30, "reload")

    def evaluate(self, expression: str, await_promise: bool = False) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise ProtocolError(f"{expression[:80]}: {result['exceptionDetails'].get('exception', {}).get('description')}")
        return result.get("result", {}).get("value")

    def wait_until(self, condition: Any, timeout: float = 15, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            self.pump(0.1)
        raise TimeoutError(f"timed out waiting for {what}")

    def wait_for(self, expression: str, timeout: float = 15) -> Any:
        """Poll ``expression`` in the page until it is truthy; return its value."""
        found: list[Any] = []
        self.wait_until(lambda: found.append(self.evaluate(expression)) or found[-1], timeout, expression)
        return found[-1]

    def type_text(self, selector: str, text: str) -> None:
        """Focus a field and commit ``text`` as an input method does."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        try:
            self.send("Input.insertText", text=text)
        except ProtocolError:
            # Chromium 67 predates insertText: type character by character instead.
            for character in text:
                self.send("Input.dispatchKeyEvent", type="char", text=character)

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        box = self.evaluate(
            f"(function(){{var e=document.querySelector({json.dumps(selector)});e.scrollIntoView({{block:'center'}});"
            "var r=e.getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2];})()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def follow(self, selector: str, timeout: float = 30) -> None:
        """Click a link and wait until the page it leads to has loaded."""
        fired = self.events.load_fired
        self.click(selector)
        self.wait_until(lambda: self.events.load_fired > fired, timeout, f"page after clicking {selector}")

    def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter", windowsVirtualKeyCode=13,
                      **({"text": "\r"} if kind == "keyDown" else {}))

    def pdf(self) -> bytes:
        return base64.b64decode(self.send("Page.printToPDF", printBackground=True)["data"])

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
