"""`qinglian check` validates content without building, with the build's messages."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import Project, speech


def check(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "check", *args], cwd=project.root, capture_output=True, text=True, timeout=60
    )


def test_clean_content_exits_zero(project: Project):
    result = check(project)
    assert result.returncode == 0, result.stdout
    assert "0 个错误" in result.stdout


def test_errors_exit_nonzero_with_the_build_message(project: Project):
    project.write("content/speeches/2023-date.md", speech(date="2023-02-30"))
    result = check(project)
    assert result.returncode == 1
    assert "content/speeches/2023-date.md:3: 字段“date”" in result.stdout
    assert project.build().returncode != 0


def test_json_output_for_tools(project: Project):
    project.write("content/speeches/2024-unit.md", speech(unit="XX市纪委"))
    result = check(project, "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["errors"] == 1
    [problem] = report["problems"]
    assert (problem["path"], problem["line"], problem["field"]) == ("content/speeches/2024-unit.md", 4, "unit")


def test_warnings_fail_only_when_strict(project: Project):
    project.write("content/speeches/2024-typo.md", speech(speakr="市纪委书记"))
    assert check(project).returncode == 0
    assert check(project, "--strict").returncode == 1
