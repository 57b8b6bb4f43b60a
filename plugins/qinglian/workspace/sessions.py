"""Sign-in sessions (a random token in an HttpOnly, SameSite=Strict cookie) and a brake on password guessing.

Failures are counted per account and client address together, and per address: one person
guessing cannot lock everyone out (behind nginx the address is the reader's, from the trusted
proxy's X-Forwarded-For). A failure is counted before the password is hashed, so parallel guesses
all count, and only a few hashes run at once. A session ends when its account's password changes
or the account is removed, after a day at most, and after eight idle hours.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass

COOKIE = "qinglian_session"
IDLE_SECONDS = 8 * 3600
LIFETIME_SECONDS = 24 * 3600
MAX_SESSIONS = 10000
# After this many failed sign-ins for one name from one address within the window, wait.
MAX_FAILURES = 5
# One address trying many names.
MAX_ADDRESS_FAILURES = 20
FAILURE_WINDOW = 600
# scrypt takes 16 MB and ~50 ms: this many at once, and a sign-in waits this long for a turn.
CONCURRENT_CHECKS = 2
CHECK_WAIT_SECONDS = 5


@dataclass
class Session:
    name: str
    last_used: float
    # The account's password hash when it signed in: a new password ends the session.
    password_hash: str = ""
    created: float = 0.0


class SessionStore:
    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)

    def open(self, name: str, password_hash: str = "") -> str:
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                oldest = min(self._sessions, key=lambda t: self._sessions[t].last_used)
                del self._sessions[oldest]
            self._sessions[token] = Session(name, now, password_hash, now)
        return token

    def session_of(self, token: str | None) -> Session | None:
        if not token or len(token) > 100:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.last_used > IDLE_SECONDS or now - session.created > LIFETIME_SECONDS:
                del self._sessions[token]
                return None
            session.last_used = now
            return session

    def close(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def close_all_of(self, name: str) -> None:
        with self._lock:
            for token in [t for t, s in self._sessions.items() if s.name == name]:
                del self._sessions[token]

    @staticmethod
    def keys(name: str, address: str) -> tuple[str, str]:
        return f"{name}\0{address}", f"\0{address}"

    def attempt(self, name: str, address: str) -> float | None:
        """Count a sign-in attempt as failed before the password is checked; None when this name or address must wait.

        Returns the time it was counted under, for ``succeeded`` to take back.
        """
        now = time.monotonic()
        pair, alone = self.keys(name, address)
        with self._lock:
            for key, limit in ((pair, MAX_FAILURES), (alone, MAX_ADDRESS_FAILURES)):
                recent = [t for t in self._failures.get(key, []) if now - t < FAILURE_WINDOW]
                self._failures[key] = recent
                if len(recent) >= limit:
                    return None
            if len(self._failures) > MAX_SESSIONS:
                self._failures.clear()
            for key in (pair, alone):
                self._failures.setdefault(key, []).append(now)
        return now

    def succeeded(self, name: str, address: str, counted: float) -> None:
        with self._lock:
            for key in self.keys(name, address):
                attempts = self._failures.get(key, [])
                if counted in attempts:
                    attempts.remove(counted)
