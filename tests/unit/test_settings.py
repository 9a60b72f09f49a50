"""Settings: read from the environment, checked, and never showing a secret."""

from __future__ import annotations

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
