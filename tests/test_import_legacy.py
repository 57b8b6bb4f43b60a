"""Legacy Word (.doc) and WPS (.wps) files import through LibreOffice in headless mode, or say which package to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import Project
from workspace_fixtures import example_repository, running_workspace

TITLE = "在全市警示教育大会上的讲话"


def _legacy(tmp_path: Path, suffix: str) -> Path:
    """A speech written with python-docx and saved by LibreOffice as an old binary Word file."""
    import docx

    if shutil.which("soffice") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice (Debian's libreoffice-writer-nogui, scripts/dev.py).")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui).")
    document = docx.Document()
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("同志们：")
    document.add_heading("一、深刻认识警示教育的重要意义", level=2)
    document.add_paragraph("以案为鉴、以案促改，是全面从严治党的重要抓手。")
    source = tmp_path / "speech.docx"
    document.save(str(source))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    legacy = tmp_path / f"speech{suffix}"
    (tmp_path / "speech.doc").rename(legacy)
    assert legacy.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the OLE container of .doc and .wps
    return legacy


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_legacy_file_imports_through_libreoffice(project: Project, tmp_path: Path, suffix: str):
    legacy = _legacy(tmp_path, suffix)
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "import", str(legacy), "--type", "speech", "--unit", "XX市纪委监委"],
                            cwd=project.root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    written = project.root / result.stdout.strip().splitlines()[-1]
    text = written.read_text(encoding="utf-8")
    assert f"title: \"{TITLE}\"" in text and "一、深刻认识警示教育的重要意义" in text and "以案为鉴" in text


def test_without_libreoffice_the_message_names_the_package(project: Project, tmp_path: Path):
    source = tmp_path / "old.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git"))
    env = {**os.environ, "PATH": str(bare)}
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "import", str(source), "--type", "speech"], cwd=project.root,
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1
    assert "libreoffice-writer-nogui" in result.stderr and "另存为” .docx" in result.stderr and "Traceback" not in result.stderr


def test_the_workspace_imports_a_doc_file(tmp_path: Path):
    legacy = _legacy(tmp_path, ".doc")
    with running_workspace(example_repository(tmp_path / "portal"), review=True) as ws:
        status, result = ws.request("/admin/import?kind=speeches&name=" + quote("讲话.doc"), legacy.read_bytes(),
                                    {"Content-Type": "application/octet-stream"})
        assert status == 200, result
        assert result["prefill"]["title"] == TITLE and "以案为鉴" in result["prefill"]["body"]
