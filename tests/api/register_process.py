"""A register as its own process: `pos-companion --headless` on a register store, as a till's machine runs it.

`RegisterProcess.start()` launches it with `POS_API_LISTEN=127.0.0.1:0` and
reads the address it prints; `kill()` is `kill -9`; the store is a real
SQLite file that outlives the process. Keys are made with the real command,
`pos-companion pos-key add`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


class RegisterProcess:
    def __init__(self, database: Path, home: Path) -> None:
        self.database = database
        self.env = {**os.environ, "HOME": str(home), "POS_DATABASE": str(database),
                    "POS_COMPANION_CONFIG": str(home / "pos-companion.toml"), "POS_API_LISTEN": "127.0.0.1:0",
                    "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share")}
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def command(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pos_app.cli", *args], env=self.env, capture_output=True,
                              text=True, timeout=60)

    def add_key(self, name: str) -> str:
        made = self.command("pos-key", "add", name)
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()

    def start(self, timeout: float = 30.0) -> str:
        self.process = subprocess.Popen([sys.executable, "-m", "pos_app.cli", "--headless"], env=self.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        first = self.process.stdout.readline()
        if not first.startswith("POS API on ") or time.monotonic() > deadline:
            self.process.kill()
            raise AssertionError(f"the register did not start: {first!r} {self.process.stderr.read()!r}")
        self.url = first.split("POS API on ", 1)[1].strip()
        return self.url

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """`kill -9`: no clean-up of any kind."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit code."""
        if self.process is None:
            return 0
        self.process.terminate()
        code = self.process.wait(15)
        self.process = None
        return code


__all__ = ["RegisterProcess"]
