"""A Redis master, its replica and one Sentinel: real processes on loopback.

What the Sentinel tests (``tests/integration/test_sentinel.py``, ``tests/e2e/test_failover.py``)
and the reliability script's failover section run. One Sentinel with a quorum of 1 watches
the master under :data:`MASTER_NAME`; failover is tuned to start ``down_after_ms`` after the
master stops answering (Sentinel's default is 30 s). The group may ask for passwords (the
data nodes' ``requirepass``, the Sentinel's own ``requirepass`` and ``sentinel sentinel-pass``)
and speak TLS only, as a managed Redis with Sentinel does.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import redis
from redis_server import RedisServer, TlsFiles, free_port, pong

from bot.settings import StoreSettings, load_store_settings

__all__ = ["MASTER_NAME", "SentinelGroup", "wait_until"]

#: The name the Sentinel knows the master by (ERRCODE_REDIS_MASTER).
MASTER_NAME = "errcode"


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``check`` until it is true; AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class SentinelGroup:
    """A master, a replica of it and a Sentinel watching them, started together.

    :param password: the data nodes' password (``requirepass`` and ``masterauth``; the
        Sentinel's ``sentinel auth-pass``).
    :param sentinel_password: the Sentinel's own (``requirepass``, ``sentinel sentinel-pass``).
    :param tls: every process speaks TLS only, with these files.
    :param down_after_ms: how long the master may not answer before the Sentinel fails over.
    """

    def __init__(
        self,
        *,
        password: str | None = None,
        sentinel_password: str | None = None,
        tls: TlsFiles | None = None,
        down_after_ms: int = 500,
        failover_timeout_ms: int = 3000,
    ) -> None:
        self.password = password
        self.sentinel_password = sentinel_password
        self.tls = tls
        self.master = RedisServer(password=password, tls=tls)
        self.replica = RedisServer(
            password=password, tls=tls, args=["--replicaof", "127.0.0.1", str(self.master.port)]
        )
        self.sentinel_port = free_port()
        self._down_after_ms = down_after_ms
        self._failover_timeout_ms = failover_timeout_ms
        self._workdir = Path(tempfile.mkdtemp(prefix="errcode-sentinel-"))
        self._sentinel: subprocess.Popen[bytes] | None = None

    # -- where it is ------------------------------------------------------------

    @property
    def sentinels(self) -> str:
        """``ERRCODE_REDIS_SENTINELS``."""
        return f"127.0.0.1:{self.sentinel_port}"

    def env(self) -> dict[str, str]:
        """The settings of an ``errcode serve`` that reaches the master through the Sentinel."""
        env = {"ERRCODE_REDIS_SENTINELS": self.sentinels, "ERRCODE_REDIS_MASTER": MASTER_NAME}
        if self.password:
            env["ERRCODE_REDIS_PASSWORD"] = self.password
        if self.sentinel_password:
            env["ERRCODE_REDIS_SENTINEL_PASSWORD"] = self.sentinel_password
        if self.tls:
            env |= {
                "ERRCODE_REDIS_SENTINEL_TLS": "true",
                "ERRCODE_REDIS_TLS_CA_FILE": str(self.tls.ca),
            }
        return env

    def settings(self) -> StoreSettings:
        """The same as :meth:`env`, read as the bot reads it."""
        return load_store_settings(
            **{k.removeprefix("ERRCODE_").lower(): v for k, v in self.env().items()}
        )

    def _tls_kwargs(self) -> dict[str, Any]:
        return {} if self.tls is None else {"ssl": True, "ssl_ca_certs": str(self.tls.ca)}

    def client(self, port: int) -> redis.Redis:
        """A client of the data node on ``port``, with the group's password and TLS."""
        return redis.Redis(
            port=port, password=self.password, decode_responses=True, **self._tls_kwargs()
        )

    def sentinel_client(self) -> redis.Redis:
        return redis.Redis(
            port=self.sentinel_port,
            password=self.sentinel_password,
            decode_responses=True,
            **self._tls_kwargs(),
        )

    def master_port(self) -> int:
        """The port the Sentinel names as the master's now."""
        _host, port = self.sentinel_client().sentinel_get_master_addr_by_name(MASTER_NAME)
        return int(port)

    # -- life -------------------------------------------------------------------

    def start(self, timeout: float = 40.0) -> SentinelGroup:
        """Start the three, and wait until the replica is in sync and the Sentinel knows it."""
        self.master.start()
        self.replica.start()
        replica = self.client(self.replica.port)
        wait_until(
            lambda: (
                _answers(replica) and replica.info("replication").get("master_link_status") == "up"
            ),
            timeout,
            "the replica never synced",
        )
        self._start_sentinel()
        sentinel = self.sentinel_client()
        # A Sentinel learns a master's replicas from the INFO it polls every 10 s; the
        # replica is already there at its first poll, but allow a few on a busy machine.
        wait_until(
            lambda: (
                _answers(sentinel)
                and bool(sentinel.execute_command("SENTINEL", "REPLICAS", MASTER_NAME))
            ),
            timeout,
            "the sentinel never saw the replica",
        )
        return self

    def _start_sentinel(self) -> None:
        lines = ["bind 127.0.0.1", f"dir {self._workdir}"]
        if self.tls is None:
            lines.append(f"port {self.sentinel_port}")
        else:
            args = self.tls.server_args(self.sentinel_port)
            lines += [
                f"{name.removeprefix('--')} {value}"
                for name, value in zip(args[::2], args[1::2], strict=True)
            ]
        lines += [
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master.port} 1",
            f"sentinel down-after-milliseconds {MASTER_NAME} {self._down_after_ms}",
            f"sentinel failover-timeout {MASTER_NAME} {self._failover_timeout_ms}",
        ]
        if self.password:
            lines.append(f"sentinel auth-pass {MASTER_NAME} {self.password}")
        if self.sentinel_password:
            lines += [
                f"requirepass {self.sentinel_password}",
                f"sentinel sentinel-pass {self.sentinel_password}",
            ]
        conf = self._workdir / "sentinel.conf"  # the Sentinel rewrites it: a file of its own
        conf.write_text("\n".join(lines) + "\n")
        self._sentinel = subprocess.Popen(
            [self.master.executable, str(conf), "--sentinel"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        wait_until(lambda: pong(self.sentinel_port, self.tls), 10, "the sentinel never answered")

    def kill_master(self) -> float:
        """SIGKILL the master (its replica is then promoted); the wall-clock time of the kill."""
        self.master.kill()
        return time.time()

    def wait_failover(self, timeout: float = 30.0) -> int:
        """Wait until the Sentinel names the replica as the master; its port."""
        wait_until(lambda: self.master_port() == self.replica.port, timeout, "no failover")
        return self.replica.port

    def stop(self) -> None:
        sentinel, self._sentinel = self._sentinel, None
        if sentinel is not None:
            sentinel.kill()
            sentinel.wait()
        self.replica.stop()
        self.master.stop()

    def __enter__(self) -> SentinelGroup:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
