"""Settings: read from the environment, checked, and never showing a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import DEFAULT_SLACK_API_URL, Settings, load_settings, load_store_settings

TOKEN = "xoxb-1-2-verySecretTokenValue"
SECRET = "signing-secret-value-123"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.chdir("/")  # no stray .env file
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    return monkeypatch


def test_defaults(env: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.slack_api_url == DEFAULT_SLACK_API_URL
    assert (s.host, s.port, s.auto_reply, s.cooldown_seconds) == ("0.0.0.0", 3000, True, 600)
    assert s.channels == () and s.redis_url is None and not s.socket_mode
    assert (s.log_level, s.log_format) == ("INFO", "auto")


def test_environment_values(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_CHANNELS", "C1, C2,,")
    env.setenv("ERRCODE_CHANNELS_DENY", "C3")
    env.setenv("ERRCODE_ADMINS", "U1,W2 ")
    env.setenv("ERRCODE_AUTO_REPLY", "false")
    env.setenv("ERRCODE_PORT", "8080")
    env.setenv("ERRCODE_REDIS_URL", "redis://:pw-123456@localhost:6379/0")
    env.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    env.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-abc")
    s = load_settings()
    assert s.channels == ("C1", "C2") and s.channels_deny == ("C3",)
    assert s.admins == ("U1", "W2")
    assert s.auto_reply is False and s.port == 8080
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.socket_mode
    assert "pw-123456" in s.secrets() and TOKEN in s.secrets()


def test_init_overrides_for_tests() -> None:
    s = Settings(
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, cooldown_seconds=0, _env_file=None
    )
    assert s.cooldown_seconds == 0


@pytest.mark.parametrize(
    "unset, value, named",
    [
        ("SLACK_BOT_TOKEN", None, "SLACK_BOT_TOKEN is missing"),
        ("SLACK_SIGNING_SECRET", None, "SLACK_SIGNING_SECRET is missing"),
        ("SLACK_BOT_TOKEN", "not-a-token", "SLACK_BOT_TOKEN must be"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "SLACK_APP_TOKEN must be"),
        ("SLACK_API_URL", "ftp://example", "SLACK_API_URL must be"),
        ("ERRCODE_PORT", "99999", "ERRCODE_PORT is malformed"),
        ("ERRCODE_COOLDOWN_SECONDS", "-1", "ERRCODE_COOLDOWN_SECONDS is malformed"),
        ("ERRCODE_AUTO_REPLY", "perhaps", "ERRCODE_AUTO_REPLY is malformed"),
        ("ERRCODE_LOG_LEVEL", "loud", "ERRCODE_LOG_LEVEL must be"),
        ("ERRCODE_LOG_FORMAT", "xml", "ERRCODE_LOG_FORMAT is malformed"),
        ("ERRCODE_REDIS_URL", "not a url", "ERRCODE_REDIS_URL must be a redis://"),
        ("ERRCODE_REDIS_URL", "http://cache:6379", "ERRCODE_REDIS_URL must be a redis://"),
        ("ERRCODE_REDIS_URL", "redis://:pw-9x7@cache:port/0", "ERRCODE_REDIS_URL is not a valid"),
        ("ERRCODE_REDIS_URL", "redis:///0", "ERRCODE_REDIS_URL must name a host"),
        ("ERRCODE_REDIS_URL", "unix://", "ERRCODE_REDIS_URL must name a socket path"),
    ],
)
def test_bad_setting_is_named_without_its_value(
    env: pytest.MonkeyPatch, unset: str, value: str | None, named: str
) -> None:
    if value is None:
        env.delenv(unset)
    else:
        env.setenv(unset, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message
    assert caught.value.exit_code == 2
    for secret in (TOKEN, SECRET, value or "\0"):
        assert secret not in message


def test_socket_mode_needs_no_signing_secret(env: pytest.MonkeyPatch) -> None:
    env.delenv("SLACK_SIGNING_SECRET")
    env.setenv("SLACK_APP_TOKEN", "xapp-1-A1-2-abc")
    assert load_settings().slack_signing_secret is None


def test_repr_hides_secrets(env: pytest.MonkeyPatch) -> None:
    text = repr(load_settings()) + str(load_settings().model_dump())
    assert TOKEN not in text and SECRET not in text


@pytest.mark.parametrize(
    "url", ["redis://cache:6379/0", "rediss://:pw@cache.example:6380", "unix:///run/redis.sock"]
)
def test_redis_urls_redis_py_opens_are_kept(env: pytest.MonkeyPatch, url: str) -> None:
    env.setenv("ERRCODE_REDIS_URL", f" {url} ")
    assert load_settings().redis_url == url
    assert load_store_settings().redis_url == url


def test_a_blank_redis_url_is_unset(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_REDIS_URL", "  ")
    assert load_settings().redis_url is None


def test_errcode_stats_names_a_bad_redis_url_too(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_REDIS_URL", "not a url")
    with pytest.raises(ConfigError, match="ERRCODE_REDIS_URL must be") as caught:
        load_store_settings()
    assert caught.value.exit_code == 2


# -- Redis through Sentinel: where, passwords, TLS ---------------------------------------

SENTINEL_PASSWORD = "sentinel-pw-31f0"
MASTER_PASSWORD = "master-pw-8e2d"


def test_sentinels_with_passwords_and_tls(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    env.setenv("ERRCODE_REDIS_SENTINELS", "s1:26379, s2:26379,")
    env.setenv("ERRCODE_REDIS_MASTER", "errcode")
    env.setenv("ERRCODE_REDIS_SENTINEL_PASSWORD", SENTINEL_PASSWORD)
    env.setenv("ERRCODE_REDIS_PASSWORD", MASTER_PASSWORD)
    env.setenv("ERRCODE_REDIS_SENTINEL_TLS", "true")
    env.setenv("ERRCODE_REDIS_TLS_CA_FILE", str(ca))
    for s in (load_settings(), load_store_settings()):
        assert s.redis_sentinels == ("s1:26379", "s2:26379") and s.redis_master == "errcode"
        assert s.redis_sentinel_tls and s.redis_tls_ca_file == str(ca)
        assert s.redis_password is not None and s.redis_sentinel_password is not None
        assert s.redis_password.get_secret_value() == MASTER_PASSWORD
        shown = repr(s) + str(s.model_dump())
        assert MASTER_PASSWORD not in shown and SENTINEL_PASSWORD not in shown
    # Both passwords are kept out of every log line.
    assert {MASTER_PASSWORD, SENTINEL_PASSWORD} <= set(load_settings().secrets())


def test_blank_redis_passwords_are_unset(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_REDIS_SENTINELS", "s1:26379")
    env.setenv("ERRCODE_REDIS_MASTER", "errcode")
    env.setenv("ERRCODE_REDIS_PASSWORD", "")
    env.setenv("ERRCODE_REDIS_SENTINEL_PASSWORD", "")
    s = load_settings()
    assert s.redis_password is None and s.redis_sentinel_password is None


def test_a_redis_password_beside_a_url_is_a_secret(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_REDIS_URL", "redis://cache:6379/0")
    env.setenv("ERRCODE_REDIS_PASSWORD", MASTER_PASSWORD)
    assert MASTER_PASSWORD in load_settings().secrets()


@pytest.mark.parametrize(
    "values, named",
    [
        ({"ERRCODE_REDIS_SENTINELS": "s1"}, "ERRCODE_REDIS_SENTINELS must be host:port"),
        ({"ERRCODE_REDIS_SENTINELS": "s1:26379"}, "ERRCODE_REDIS_MASTER is missing"),
        (
            {"ERRCODE_REDIS_SENTINELS": "s1:26379", "ERRCODE_REDIS_MASTER": "m",
             "ERRCODE_REDIS_URL": "redis://cache:6379/0"},
            "are both set",
        ),
        ({"ERRCODE_REDIS_MASTER": "m"}, "ERRCODE_REDIS_MASTER is set but"),
        (
            {"ERRCODE_REDIS_URL": "redis://cache:6379/0",
             "ERRCODE_REDIS_SENTINEL_PASSWORD": SENTINEL_PASSWORD},
            "ERRCODE_REDIS_SENTINEL_PASSWORD is set but ERRCODE_REDIS_SENTINELS is not",
        ),
        (
            {"ERRCODE_REDIS_URL": "redis://cache:6379/0", "ERRCODE_REDIS_SENTINEL_TLS": "true"},
            "ERRCODE_REDIS_SENTINEL_TLS is set but",
        ),
        ({"ERRCODE_REDIS_PASSWORD": MASTER_PASSWORD}, "ERRCODE_REDIS_PASSWORD is set but no Redis"),
        (
            {"ERRCODE_REDIS_SENTINELS": "s1:26379", "ERRCODE_REDIS_MASTER": "m",
             "ERRCODE_REDIS_SENTINEL_TLS": "maybe"},
            "ERRCODE_REDIS_SENTINEL_TLS is malformed",
        ),
        (
            {"ERRCODE_REDIS_SENTINELS": "s1:26379", "ERRCODE_REDIS_MASTER": "m",
             "ERRCODE_REDIS_SENTINEL_TLS": "true", "ERRCODE_REDIS_TLS_CA_FILE": "/nonexistent.pem"},
            "ERRCODE_REDIS_TLS_CA_FILE must be a readable file",
        ),
        (
            {"ERRCODE_REDIS_URL": "redis://cache:6379/0", "ERRCODE_REDIS_TLS_CA_FILE": "/"},
            "ERRCODE_REDIS_TLS_CA_FILE must be a readable file",
        ),
    ],
)  # fmt: skip
def test_bad_sentinel_settings_exit_2_naming_them(
    env: pytest.MonkeyPatch, values: dict[str, str], named: str
) -> None:
    for name, value in values.items():
        env.setenv(name, value)
    for load in (load_settings, load_store_settings):
        with pytest.raises(ConfigError) as caught:
            load()
        assert named in str(caught.value) and caught.value.exit_code == 2
        for secret in (MASTER_PASSWORD, SENTINEL_PASSWORD):
            assert secret not in str(caught.value)


def test_a_ca_file_without_tls_is_refused(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("pem")
    env.setenv("ERRCODE_REDIS_URL", "redis://cache:6379/0")
    env.setenv("ERRCODE_REDIS_TLS_CA_FILE", str(ca))
    with pytest.raises(ConfigError, match="ERRCODE_REDIS_TLS_CA_FILE is set without TLS"):
        load_settings()
    env.setenv("ERRCODE_REDIS_URL", "rediss://cache:6380/0")
    assert load_settings().redis_tls_ca_file == str(ca)


# -- several replicas: each one's share of the events during a Redis outage ---------------


def test_replicas_and_an_explicit_index(env: pytest.MonkeyPatch) -> None:
    env.setenv("ERRCODE_REDIS_URL", "redis://cache:6379/0")
    env.setenv("ERRCODE_REPLICAS", "3")
    env.setenv("ERRCODE_REPLICA_INDEX", "2")
    s = load_settings()
    assert (s.replicas, s.replica_index) == (3, 2)
    assert s.redis_retry_seconds == 2.0


def test_without_replicas_nothing_is_shared_out(env: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.replicas is None and s.replica_index is None


@pytest.mark.parametrize(
    "hostname, index", [("errcode-0", 0), ("errcode-bot-2", 2), ("web-7f9c-1", 1)]
)
def test_the_index_comes_from_a_statefulset_ordinal(hostname: str, index: int) -> None:
    from bot.settings import _with_replica_index

    s = Settings(
        slack_bot_token=TOKEN, slack_signing_secret=SECRET, redis_url="redis://cache:6379/0",
        replicas=3, _env_file=None,
    )  # fmt: skip
    assert _with_replica_index(s, hostname=hostname).replica_index == index


@pytest.mark.parametrize(
    "values, hostname, named",
    [
        ({"ERRCODE_REPLICAS": "2"}, "errcode-0", "ERRCODE_REPLICAS needs a Redis"),
        ({"ERRCODE_REPLICA_INDEX": "0"}, "errcode-0", "ERRCODE_REPLICAS is not"),
        (
            {"ERRCODE_REPLICAS": "2", "ERRCODE_REDIS_URL": "redis://cache:6379/0"},
            "errcode-7f9c8d-xk2lp",
            "ERRCODE_REPLICA_INDEX is missing",
        ),
        (
            {"ERRCODE_REPLICAS": "2", "ERRCODE_REDIS_URL": "redis://cache:6379/0"},
            "errcode-2",
            "ERRCODE_REPLICA_INDEX must be below ERRCODE_REPLICAS",
        ),
        (
            {"ERRCODE_REPLICAS": "2", "ERRCODE_REPLICA_INDEX": "0",
             "ERRCODE_REDIS_URL": "redis://cache:6379/0", "SLACK_APP_TOKEN": "xapp-1-A1-2-abc"},
            "errcode-0",
            "ERRCODE_REPLICAS is for HTTP mode",
        ),
        ({"ERRCODE_REPLICAS": "0"}, "errcode-0", "ERRCODE_REPLICAS is malformed"),
        ({"ERRCODE_REDIS_RETRY_SECONDS": "0"}, "errcode-0", "ERRCODE_REDIS_RETRY_SECONDS is"),
    ],
)  # fmt: skip
def test_bad_replica_settings_exit_2_naming_them(
    env: pytest.MonkeyPatch, values: dict[str, str], hostname: str, named: str
) -> None:
    import socket

    env.setattr(socket, "gethostname", lambda: hostname)
    for name, value in values.items():
        env.setenv(name, value)
    with pytest.raises(ConfigError, match=named) as caught:
        load_settings()
    assert caught.value.exit_code == 2
