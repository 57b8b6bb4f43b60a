"""The editors' workspace on a generated corpus: start-up, collection listing, save-to-commit.

    .venv/bin/python scripts/bench.py --docs 10000 --workspace --saves 15

Run through scripts/bench.py (the corpus is the same one the build benchmarks use). The
workspace runs in this process on a loopback port; saves go through /api/v1 as Decap sends
them, and the listing is also timed in Chromium through the real Decap UI.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
                   check=True, capture_output=True)


def _post(url: str, auth: str, action: str, **params: object) -> tuple[float, object]:
    body = json.dumps({"action": action, "params": {"branch": "main", **params}}, ensure_ascii=False).encode()
    request = urllib.request.Request(url + "/api/v1", body, {"Content-Type": "application/json", "Authorization": auth})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        data = json.loads(response.read())
    return time.perf_counter() - start, data


def _list_in_chromium(url: str, root: Path) -> dict[str, float]:
    """Sign in, then open each collection and wait for its first entry's title."""
    import yaml
    from playwright.sync_api import sync_playwright

    shown = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "/login")
        page.fill("#name", "bench")
        page.fill("#password", "bench-password")
        page.click("button[type=submit]")
        page.wait_for_selector("#ql-bar button", timeout=120_000)
        for collection in ("speeches", "cases"):
            first = sorted((root / "content" / collection).glob("*.md"))[0]
            title = yaml.safe_load(first.read_text(encoding="utf-8").split("---")[1])["title"]
            start = time.perf_counter()
            page.evaluate(f"location.hash = '#/collections/{collection}'")
            page.get_by_text(title, exact=True).first.wait_for(timeout=300_000)
            shown[collection] = time.perf_counter() - start
        browser.close()
    return shown


def workspace_report(count: int, seed: int, saves: int, generate_corpus) -> int:  # noqa: ANN001 - bench.py's function
    from qinglian.workspace.accounts import AccountBook
    from qinglian.workspace.command import Project
    from qinglian.workspace.server import Pages, WorkspaceServer

    with tempfile.TemporaryDirectory(prefix="qinglian-workspace-") as scratch:
        root = Path(scratch) / "portal"
        root.mkdir()
        generate_corpus(count, seed, root)
        shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(ROOT / "docs", root / "docs")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "corpus")
        accounts = Path(scratch) / "accounts.json"
        os.environ["QINGLIAN_ACCOUNTS_FILE"] = str(accounts)
        os.environ["QINGLIAN_CACHE_DIR"] = str(Path(scratch) / "caches")
        AccountBook(accounts).add("bench", "bench-password", "editor")
        # The first start reads every file and leaves the documents in the cache database; the second takes them from there.
        starts = []
        for _ in range(2):
            start = time.perf_counter()
            project = Project(root, review=False)
            project.checker.warm()
            starts.append(time.perf_counter() - start)
        from qinglian.workspace.bundle import verified_folder

        pages = Pages(verified_folder(), ROOT / "plugins/qinglian/assets/qinglian.css", project.config, project.status, project.import_file)
        server = WorkspaceServer(("127.0.0.1", 0), project.workspace, project.accounts, pages)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}"
        auth = "Basic " + base64.b64encode(b"bench:bench-password").decode()
        listing = {}
        for collection in ("speeches", "cases"):
            seconds, entries = _post(url, auth, "entriesByFolder", folder=f"content/{collection}", extension="md", depth=1)
            listing[collection] = (seconds, len(entries))
        times = []
        for index in range(saves):
            collection = "speeches" if index % 2 == 0 else "cases"
            slug = next(p.stem for p in sorted((root / "content" / collection).glob(f"*-doc-{index * 7 % count:05d}.md")))
            path = f"content/{collection}/{slug}.md"
            _, entry = _post(url, auth, "getEntry", path=path)
            raw = entry["data"].replace("\nsummary: ", f"\nsummary: 第{index}次修改。", 1)
            seconds, answer = _post(url, auth, "persistEntry", dataFiles=[{"path": path, "slug": slug, "raw": raw}], assets=[],
                                    options={"useWorkflow": False, "collectionName": collection})
            if not isinstance(answer, dict) or answer.get("message") != "entry persisted":
                raise SystemExit(f"save refused: {answer}")
            times.append(seconds)
        shown = _list_in_chromium(url, root)
        server.shutdown()
        print(f"workspace on {count} documents, seed {seed}:")
        print(f"  first start (read and check every document, keep them in the cache database): {starts[0]:.1f} s")
        print(f"  next start (the documents from the cache database, the files checked for changes): {starts[1]:.1f} s")
        for collection, (seconds, entries) in listing.items():
            print(f"  list {collection} ({entries} entries) through /api/v1: {seconds:.2f} s")
        for collection, seconds in shown.items():
            print(f"  list {collection} in Decap CMS (Chromium, from opening the collection to its entries on screen): {seconds:.2f} s")
        print(f"  save to commit (read, check the whole content as it would be, commit) over {saves} saves: "
              f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s")
    return 0
