"""Redis through Sentinel: a master killed mid-run is replaced, and the store keeps working.

Real processes on loopback: a master, a replica and one Sentinel (quorum 1), started
by the test on free ports; failover is tuned to take about a second.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis_server import RedisServer, find_redis_server, free_port

from bot.store.factory import make_store
from bot.store.resilient import ResilientStore

pytestmark = pytest.mark.e2e


def _wait(check: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not callable(check) or not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.fixture
def sentinel_setup(
    own_redis: RedisServer,
) -> Iterator[tuple[RedisServer, subprocess.Popen[bytes], int, int]]:
    executable = find_redis_server()
    assert executable is not None
    replica_port, sentinel_port = free_port(), free_port()
    replica = subprocess.Popen(
        [executable, "--port", str(replica_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--replicaof", "127.0.0.1", str(own_redis.port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workdir = tempfile.mkdtemp(prefix="errcode-sentinel-")
    conf = Path(workdir) / "sentinel.conf"
    conf.write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\n"
        f"sentinel monitor errcode 127.0.0.1 {own_redis.port} 1\n"
        "sentinel down-after-milliseconds errcode 500\n"
        "sentinel failover-timeout errcode 3000\n"
    )
    sentinel = subprocess.Popen(
        [executable, str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    client = redis.Redis(port=replica_port)
    try:
        _wait(lambda: _up(client) and client.info("replication").get("master_link_status") == "up",
              20, "the replica never synced")  # fmt: skip
        probe = redis.Redis(port=sentinel_port)
        # A sentinel learns a master's replicas from the INFO it polls every 10 s: allow
        # a few polls on a busy CI machine.
        _wait(
            lambda: _up(probe) and _replicas_known(probe), 40, "the sentinel never saw the replica"
        )
        yield own_redis, replica, replica_port, sentinel_port
    finally:
        for process in (sentinel, replica):
            process.kill()
            process.wait()


def _up(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _replicas_known(sentinel: redis.Redis) -> bool:
    replicas = sentinel.execute_command("SENTINEL", "REPLICAS", "errcode")
    return bool(replicas)


class _Settings:
    redis_url = None

    def __init__(self, sentinel_port: int) -> None:
        self.redis_sentinels = (f"127.0.0.1:{sentinel_port}",)
        self.redis_master = "errcode"


def test_a_sentinel_failover_keeps_the_store_working(
    sentinel_setup: tuple[RedisServer, subprocess.Popen[bytes], int, int],
) -> None:
    master, _replica, replica_port, sentinel_port = sentinel_setup
    store = make_store(_Settings(sentinel_port), retry_interval=0.2)
    assert isinstance(store, ResilientStore)
    assert store.claim("event:before", 600)
    assert not store.claim("event:before", 600)
    master.stop()  # the master dies
    sentinel = redis.Redis(port=sentinel_port, decode_responses=True)
    _wait(
        lambda: sentinel.sentinel_get_master_addr_by_name("errcode")[1] == replica_port,
        30,
        "no failover",
    )
    # The store answers all along (memory during the gap), and goes back to Redis: the
    # promoted replica, which has the claim made before the failover.
    _wait(lambda: store.claim(f"event:probe:{time.monotonic()}", 600) and store.healthy, 15,
          "the store never reached the new master")  # fmt: skip
    assert not store.claim("event:before", 600)
    assert store.claim("event:after", 600)
    assert redis.Redis(port=replica_port).exists("errcode:claim:event:after")
