"""Who may use the workspace: accounts with salted password hashes, kept outside the working tree."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..cache_store import project_cache

ACCOUNTS_VARIABLE = "QINGLIAN_ACCOUNTS_FILE"
EDITOR, REVIEWER = "editor", "reviewer"
ROLE_NAMES = {EDITOR: "编辑", REVIEWER: "审核"}
# Names appear in commits and on screen; Chinese names are the usual case.
NAME_PATTERN = re.compile(r"^[\w\u4e00-\u9fff.-]{1,32}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_ACCOUNTS_BYTES = 1 << 20
# scrypt at these costs takes about 50 ms: slow for guessing, quick for one sign-in.
_SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}


class AccountError(Exception):
    """A request about accounts that cannot be met; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str

    @property
    def is_reviewer(self) -> bool:
        return self.role == REVIEWER

    @property
    def email(self) -> str:
        # git wants an address; the workspace's accounts have none, so a local one names the account.
        return f"{self.name}@qinglian.invalid"


def accounts_file(root: Path) -> Path:
    """The project's accounts: ``QINGLIAN_ACCOUNTS_FILE``, or a file of the project's own in the user's configuration folder.

    Never in the working tree (a commit could carry the hashes away) and never among the caches
    (which may be deleted at any time).
    """
    configured = os.environ.get(ACCOUNTS_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "qinglian" / "projects" / project_cache(root).name / "accounts.json"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def password_matches(password: str, stored: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8", "surrogatepass")[:MAX_PASSWORD * 4], salt=base64.b64decode(salt), dklen=32, **_SCRYPT)
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(actual, expected)


class AccountBook:
    """The accounts file, read on every sign-in so a removed account stops working at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Compared against when a name is unknown, so timing does not tell which names exist.
        self._decoy = hash_password(secrets.token_hex(8))

    def read(self) -> dict[str, Account]:
        try:
            if self.path.is_symlink():
                raise AccountError(f"账户文件 {self.path} 是符号链接，出于安全不会读取。")
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise AccountError(f"无法读取账户文件 {self.path}：{exc.strerror}") from exc
        if len(data) > MAX_ACCOUNTS_BYTES:
            raise AccountError(f"账户文件 {self.path} 超过 1 MB，不是本工具写入的文件。")
        try:
            raw = json.loads(data.decode("utf-8"))
            return {
                name: Account(name, str(entry["role"]), str(entry["password"]))
                for name, entry in raw["accounts"].items()
                if NAME_PATTERN.match(name) and entry.get("role") in ROLE_NAMES
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AccountError(f"账户文件 {self.path} 已损坏（{exc.__class__.__name__}），请用 qinglian accounts add 重新建立账户。") from exc

    def _write(self, accounts: dict[str, Account]) -> None:
        body = {"format": 1, "accounts": {a.name: {"role": a.role, "password": a.password_hash} for a in accounts.values()}}
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Readable by its owner only from the moment it exists, then renamed into place whole.
        temporary = self.path.with_name(f".part-{os.getpid()}-{self.path.name}")
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8"))
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def add(self, name: str, password: str, role: str) -> Account:
        if not NAME_PATTERN.match(name):
            raise AccountError(f"账户名“{name}”不可用：应为 1–32 个汉字、字母、数字、点、下划线或连字符。")
        if role not in ROLE_NAMES:
            raise AccountError(f"角色应为 editor（编辑）或 reviewer（审核），实际为“{role}”。")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise AccountError(f"密码应为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符，实际为 {len(password)} 个。")
        accounts = self.read()
        account = Account(name, role, hash_password(password))
        accounts[name] = account
        self._write(accounts)
        return account

    def remove(self, name: str) -> None:
        accounts = self.read()
        if name not in accounts:
            raise AccountError(f"没有名为“{name}”的账户。现有账户：{'、'.join(accounts) or '（无）'}。")
        del accounts[name]
        self._write(accounts)

    def authenticate(self, name: str, password: str) -> Account | None:
        if len(password) > MAX_PASSWORD or len(name) > 64:
            return None
        account = self.read().get(name)
        if account is None:
            password_matches(password, self._decoy)
            return None
        return account if password_matches(password, account.password_hash) else None
