"""Each server's own settings in one file, a publish refused while site_url is the development address, and qinglian doctor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE_BUILD_DATE, MKDOCS_YML, Project


def run(root: Path, *args: str, settings: Path | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "QINGLIAN_SITE_URL"}
    env.update({"NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, **extra})
    env["QINGLIAN_SERVER_SETTINGS"] = str(settings) if settings else str(root.parent / "no-settings.toml")
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_a_publish_with_the_development_site_url_is_refused_naming_the_setting(project: Project, tmp_path: Path):
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    result = run(project.root, "publish", "--dest", str(dest))
    assert result.returncode == 2
    assert "site_url" in result.stderr and "http://127.0.0.1/" in result.stderr and "mkdocs.yml 中的 site_url" in result.stderr
    assert "no-settings.toml" in result.stderr and not (dest / "current").exists()


def test_the_settings_file_gives_site_url_dest_and_keep_to_every_publish(project: Project, tmp_path: Path):
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    settings = tmp_path.parent / f"{tmp_path.name}-publish.toml"
    settings.write_text(f'site_url = "http://lianzheng.example.internal/"\ndest = "{dest}"\nkeep = 3\n', encoding="utf-8")
    result = run(project.root, "publish", settings=settings)
    assert result.returncode == 0, result.stderr
    sitemap = (dest / "current" / "sitemap.xml").read_text(encoding="utf-8")
    assert "http://lianzheng.example.internal/" in sitemap and "127.0.0.1" not in sitemap
    # The command line still wins.
    again = run(project.root, "publish", "--site-url", "http://other.example.internal/", settings=settings)
    assert again.returncode == 0 and "http://other.example.internal/" in (dest / "current" / "sitemap.xml").read_text(encoding="utf-8")


def test_a_broken_settings_file_is_named(project: Project, tmp_path: Path):
    settings = tmp_path.parent / f"{tmp_path.name}-publish.toml"
    for text, expected in (('site_url = http://x/\n', "格式不正确"), ('dest = 5\n', "dest 应为文字"), ('keep_all = 1\n', "“keep_all”不是可用的设置"),
                           ('engine = "hugo"\n', "engine 应为 properdocs 或 mkdocs")):
        settings.write_text(text, encoding="utf-8")
        result = run(project.root, "publish", "--dest", str(tmp_path / "www"), settings=settings)
        assert result.returncode == 2 and expected in result.stderr and str(settings) in result.stderr, (text, result.stderr)


def test_doctor_says_what_to_fix_and_passes_once_fixed(project: Project, tmp_path: Path):
    root = project.root
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@x", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@x", "commit", "-qm", "x"], cwd=root, check=True)
    missing = run(root, "doctor")
    assert missing.returncode == 1
    assert "✗ 没有发布设置文件" in missing.stdout and "scripts/deploy/publish.toml" in missing.stdout
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    settings = tmp_path.parent / f"{tmp_path.name}-publish.toml"
    settings.write_text(f'site_url = "http://127.0.0.1:8000/"\ndest = "{dest}"\n', encoding="utf-8")
    local = run(root, "doctor", settings=settings)
    assert local.returncode == 1 and "✗ site_url 是“http://127.0.0.1:8000/”，只有本机能打开" in local.stdout
    settings.write_text(f'site_url = "http://lianzheng.example.internal/"\ndest = "{dest}"\n', encoding="utf-8")
    subprocess.run(["git", "checkout", "-q", "--detach"], cwd=root, check=True)
    detached = run(root, "doctor", settings=settings)
    assert detached.returncode == 1 and "游离 HEAD" in detached.stdout and "git checkout main" in detached.stdout
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)
    project.write("mkdocs.yml", MKDOCS_YML.format(page_size=3) + f"      page_cache_dir: {tmp_path}\n")
    cache = run(root, "doctor", settings=settings)
    assert cache.returncode == 1 and "（page_cache_dir）" in cache.stdout
    project.write("mkdocs.yml", MKDOCS_YML.format(page_size=3))
    fine = run(root, "doctor", settings=settings)
    assert "✓ 发布设置文件" in fine.stdout and "✓ 读者访问的地址：http://lianzheng.example.internal/" in fine.stdout
    assert "✓ 仓库" in fine.stdout and f"✓ 发布目录 {dest}（还没有发布过）" in fine.stdout
    # This test machine has no nginx site or timer installed: said as notes, not failures, unless nginx is configured.
    assert fine.returncode == (1 if any(Path(f).is_dir() and any(Path(f).iterdir()) for f in ("/etc/nginx/conf.d", "/etc/nginx/sites-enabled")) else 0), fine.stdout
