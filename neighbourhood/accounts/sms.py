"""Pluggable SMS senders. No real provider is wired: development logs, tests keep an outbox."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger("neighbourhood.sms")


class SmsSender(Protocol):
    def send(self, phone: str, message: str) -> None: ...


class LogSmsSender:
    """Writes each message to the server log, where a developer reads the code."""

    def send(self, phone: str, message: str) -> None:
        log.warning("SMS to %s: %s", phone, message)


@dataclass
class MemorySmsSender:
    outbox: list[tuple[str, str]] = field(default_factory=list)

    def send(self, phone: str, message: str) -> None:
        self.outbox.append((phone, message))


SENDERS = {"log": LogSmsSender, "memory": MemorySmsSender}


def make_sender(backend: str) -> SmsSender:
    try:
        return SENDERS[backend]()
    except KeyError:
        raise RuntimeError(f"unknown SMS_BACKEND {backend!r}; choose one of {sorted(SENDERS)}") from None
