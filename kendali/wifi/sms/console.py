"""Prints the SMS on standard output (development)."""

from __future__ import annotations

import sys


class ConsoleBackend:
    def send(self, *, to: str, message: str) -> None:
        print(f"[SMS {to}] {message}", file=sys.stdout, flush=True)
