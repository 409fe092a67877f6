"""A real FreeRADIUS for tests and benchmarks: rendered by kendali.wifi.radius_config,
started on free loopback ports, driven with radclient."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SBIN = ("/usr/sbin/freeradius", "/usr/sbin/radiusd")


def binary() -> str | None:
    for candidate in (shutil.which("freeradius"), shutil.which("radiusd"), *SBIN):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def ensure_installed() -> str | None:
    """The FreeRADIUS binary, installing the packages when missing and possible."""
    found = binary()
    if found and shutil.which("radclient"):
        return found
    if os.geteuid() == 0 or shutil.which("sudo"):
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "install_freeradius.sh")],
            check=False,
            capture_output=True,
            timeout=600,
        )
    found = binary()
    return found if found and shutil.which("radclient") else None


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FreeRadius:
    """``with FreeRadius(raddb, debug=True) as fr:`` — a running server, stopped on exit."""

    def __init__(self, raddb: Path, *, debug: bool = False, timeout: float = 20.0):
        self.raddb = Path(raddb)
        self.debug = debug
        self.timeout = timeout
        self.log = self.raddb / "run" / "stdout.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> FreeRadius:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        args = [binary(), "-d", str(self.raddb)]
        args += ["-X"] if self.debug else ["-f", "-l", "stdout"]
        self._out = self.log.open("w")
        self.process = subprocess.Popen(args, stdout=self._out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")
            if "Ready to process requests" in text:
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)  # waiting for a process to start, not for the clock
        self.__exit__(None, None, None)
        raise RuntimeError(
            "FreeRADIUS did not start:\n" + self.log.read_text(errors="replace")[-4000:]
        )

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def radclient(
    attrs: dict, *, port: int, secret: str, kind: str = "auth", timeout: float = 5.0
) -> tuple[str, str]:
    """Send one packet; returns (reply packet type or "none", radclient output)."""
    line = ",".join(f'{k}="{v}"' if isinstance(v, str) else f"{k}={v}" for k, v in attrs.items())
    done = subprocess.run(
        ["radclient", "-x", "-r", "1", "-t", str(timeout), f"127.0.0.1:{port}", kind, secret],
        input=line + "\n",
        capture_output=True,
        text=True,
        timeout=timeout + 5,
        check=False,
    )
    out = done.stdout + done.stderr
    for kind_name in ("Access-Accept", "Access-Reject", "Accounting-Response"):
        if f"Received {kind_name}" in out:
            return kind_name, out
    return "none", out
