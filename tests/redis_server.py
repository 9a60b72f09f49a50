"""A real ``redis-server`` on a free loopback port, for tests and scripts.

Each :class:`RedisServer` runs its own process with persistence off, so nothing
is written to disk and nothing is shared with a system Redis. It keeps its port
across :meth:`~RedisServer.stop` and :meth:`~RedisServer.start`, so clients that
hold its URL find it again after a simulated outage.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from types import TracebackType

__all__ = ["RedisServer", "RedisServerMissing", "find_redis_server", "free_port"]


class RedisServerMissing(RuntimeError):
    """``redis-server`` is not installed; ``.ci/install-redis.sh`` installs it."""


def find_redis_server() -> str | None:
    """The path of ``redis-server``, or None when it is not on PATH."""
    return shutil.which("redis-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _pong(port: int) -> bool:
    # A raw PING, so this helper works without importing the client under test.
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` process bound to 127.0.0.1.

    :param port: the port to use; a free one is chosen when omitted.
    :param executable: the server binary; ``redis-server`` on PATH when omitted.
    """

    def __init__(self, port: int | None = None, executable: str | None = None) -> None:
        found = executable or find_redis_server()
        if found is None:
            raise RedisServerMissing(
                "redis-server is not on PATH; run .ci/install-redis.sh "
                "(apt-get install redis-server)"
            )
        self.executable = found
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start the server and wait until it answers PING."""
        if self.running:
            return self
        self._process = subprocess.Popen(
            [
                self.executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not _pong(self.port):
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {self._process.returncode} on port {self.port}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait until the port is closed."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            # A paused server would ignore SIGTERM until continued.
            os.kill(process.pid, signal.SIGCONT)
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections hang instead of being refused."""
        if self._process is not None:
            os.kill(self._process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Undo :meth:`pause`."""
        if self._process is not None:
            os.kill(self._process.pid, signal.SIGCONT)

    def restart(self) -> RedisServer:
        self.stop()
        return self.start()

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
