"""Sign-in sessions (a random token in an HttpOnly, SameSite=Strict cookie) and a brake on password guessing."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

COOKIE = "qinglian_session"
IDLE_SECONDS = 8 * 3600
MAX_SESSIONS = 10000
# After this many failed sign-ins for one name or address within the window, wait.
MAX_FAILURES = 5
FAILURE_WINDOW = 600


@dataclass
class Session:
    name: str
    last_used: float


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def open(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda t: self._sessions[t].last_used)
                del self._sessions[oldest]
            self._sessions[token] = Session(name, now)
        return token

    def name_of(self, token: str | None) -> str | None:
        if not token or len(token) > 100:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_used > IDLE_SECONDS:
                del self._sessions[token]
                return None
            session.last_used = now
            return session.name

    def close(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def close_all_of(self, name: str) -> None:
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.name == name]:
                del self._sessions[token]

    def throttled(self, *keys: str) -> bool:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW]
                self._failures[key] = recent
                if len(recent) >= MAX_FAILURES:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > MAX_SESSIONS:
                self._failures.clear()
            for key in keys:
                self._failures.setdefault(key, []).append(now)
