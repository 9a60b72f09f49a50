"""A real ``redis-server`` on a free loopback port, for tests and scripts.

Each :class:`RedisServer` runs its own process with persistence off, so nothing
is written to disk and nothing is shared with a system Redis. It keeps its port
across :meth:`~RedisServer.stop` and :meth:`~RedisServer.start`, so clients that
hold its URL find it again after a simulated outage. It may ask for a password
(``requirepass``, and ``masterauth`` for when it replicates) and speak TLS only
(:class:`TlsFiles`, made with ``openssl``).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

__all__ = [
    "RedisServer",
    "RedisServerMissing",
    "TlsFiles",
    "find_redis_server",
    "free_port",
    "pong",
]


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


@dataclass(frozen=True)
class TlsFiles:
    """A private CA and a certificate for 127.0.0.1 it signed: TLS on loopback."""

    ca: Path
    cert: Path
    key: Path

    @classmethod
    def make(cls, directory: Path) -> TlsFiles:
        """Write a CA and a server certificate (with the IP SAN 127.0.0.1) into ``directory``."""
        ca, ca_key = directory / "ca.crt", directory / "ca.key"
        cert, key, request = directory / "redis.crt", directory / "redis.key", directory / "r.csr"
        san = directory / "san.ext"
        san.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
        for command in (
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=errcode test CA", "-keyout", ca_key, "-out", ca],
            ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", key, "-out", request],
            ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-days", "2", "-extfile", san, "-out", cert],
        ):  # fmt: skip
            subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
        return cls(ca, cert, key)

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def server_args(self, port: int) -> list[str]:
        """redis-server (or Sentinel) arguments: TLS on ``port``, no plain TCP port."""
        return [
            "--port", "0",
            "--tls-port", str(port),
            "--tls-cert-file", str(self.cert),
            "--tls-key-file", str(self.key),
            "--tls-ca-cert-file", str(self.ca),
            "--tls-auth-clients", "no",
            "--tls-replication", "yes",
        ]  # fmt: skip


def pong(port: int, tls: TlsFiles | None = None) -> bool:
    """True when a server on ``port`` answers a PING (``-NOAUTH`` counts: it is up).

    A raw PING, so this helper works without importing the client under test.
    """
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as raw:
            sock = (
                raw
                if tls is None
                else tls.client_context().wrap_socket(raw, server_hostname="127.0.0.1")
            )
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


class RedisServer:
    """One ``redis-server`` process bound to 127.0.0.1.

    :param port: the port to use; a free one is chosen when omitted.
    :param executable: the server binary; ``redis-server`` on PATH when omitted.
    :param password: asked of clients (``requirepass``), and given to a master it
        replicates (``masterauth``).
    :param tls: serve TLS only, with these files.
    :param args: more ``redis-server`` arguments (``--replicaof``, ...).
    """

    def __init__(
        self,
        port: int | None = None,
        executable: str | None = None,
        *,
        password: str | None = None,
        tls: TlsFiles | None = None,
        args: Sequence[str] = (),
    ) -> None:
        found = executable or find_redis_server()
        if found is None:
            raise RedisServerMissing(
                "redis-server is not on PATH; run .ci/install-redis.sh "
                "(apt-get install redis-server)"
            )
        self.executable = found
        self.port = port or free_port()
        self.password = password
        self.tls = tls
        self.args = list(args)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        scheme = "rediss" if self.tls else "redis"
        return f"{scheme}://{auth}127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> RedisServer:
        """Start the server and wait until it answers PING."""
        if self.running:
            return self
        port = ["--port", str(self.port)] if self.tls is None else self.tls.server_args(self.port)
        auth = ["--requirepass", self.password, "--masterauth", self.password]
        self._process = subprocess.Popen(
            [
                self.executable,
                *port,
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--daemonize", "no",
                *(auth if self.password else []),
                *self.args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not pong(self.port, self.tls):
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

    def kill(self) -> None:
        """SIGKILL: the server dies at once, as on OOM or node loss (:meth:`start` again)."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

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
