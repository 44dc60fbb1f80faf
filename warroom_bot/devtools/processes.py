"""A server as a child process on a free loopback port (`warroom serve`, the stand-in, the
bare-Bolt floor), for the tests, the demo and the benchmarks: started, waited for, stopped by pid."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Self

import httpx


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """A server as a child process on a loopback port: ready once `ready_path` answers 200, stopped
    by a signal to its pid. With `capture`, what it prints is kept (in a file, so it never blocks)
    and is `output` once stopped. As a context manager (plain or async) it starts and stops itself."""

    def __init__(
        self,
        argv: list[str],
        *,
        port: int,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        capture: bool = False,
        ready_path: str = "/healthz",
    ) -> None:
        self.argv, self.port, self.cwd, self.ready_path = argv, port, cwd, ready_path
        self.env = {**os.environ, **(env or {})}
        self.url = f"http://127.0.0.1:{port}"
        self.output = ""
        self._printed = tempfile.TemporaryFile() if capture else None  # noqa: SIM115 (read and closed by stop)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "not started"
        return self.process.pid

    def start(self, within: float = 60.0) -> Self:
        """Start the process and wait until it answers."""
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=self.cwd,
            stdout=self._printed,
            stderr=subprocess.STDOUT if self._printed else None,
        )
        deadline = time.monotonic() + within
        while self.process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(self.url + self.ready_path, timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.02)
        code = self.process.poll()
        self.stop(signal.SIGKILL)
        raise RuntimeError(f"{' '.join(self.argv)} exited ({code}) or did not answer within {within} s\n{self.output}")

    def stop(self, sig: int = signal.SIGTERM, within: float = 15.0) -> str:
        """Send `sig` to the process (if it still runs) and wait for it to exit; what it printed."""
        process = self.process
        if process is None:
            return self.output
        if process.returncode is None:
            with suppress(ProcessLookupError):
                os.kill(process.pid, sig)
        try:
            process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError(f"{' '.join(self.argv)} did not stop within {within} s of signal {sig}") from None
        finally:
            if self._printed is not None:
                self._printed.seek(0)
                self.output = self._printed.read().decode(errors="replace")
                self._printed.close()
                self._printed = None
        return self.output

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    def memory_mb(self, field: str = "VmRSS") -> float:
        """The process's memory from /proc (Linux): `VmRSS` resident now, `VmHWM` its peak; MiB."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:")) / 1024

    # Blocking waits run in a thread, so that a stand-in in the caller's event loop keeps answering.
    async def started(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def stopped(self, sig: int = signal.SIGTERM) -> str:
        return await asyncio.to_thread(self.stop, sig)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await self.started()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stopped()


# `warroom` run by this interpreter (the console script may belong to another environment).
WARROOM_ARGV = [sys.executable, "-c", "from warroom_bot.cli import main; main()"]


def warroom(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, capture: bool = False
) -> ServerProcess:
    """`warroom <args> --port P` (`serve`, `serve --standin`, `standin`) on a free loopback port."""
    port = free_port()
    argv = [*WARROOM_ARGV, *args, "--port", str(port)]
    ready = "/standin/calls" if args[0] == "standin" else "/healthz"
    return ServerProcess(argv, port=port, env=env, cwd=cwd, capture=capture, ready_path=ready)
