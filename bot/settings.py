"""The bot's settings, read from the environment or a ``.env`` file by pydantic-settings.

Slack's own names (``SLACK_BOT_TOKEN``, ``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``,
``SLACK_API_URL``) are kept as Slack's tools spell them; errcode's own settings
carry the ``ERRCODE_`` prefix. Tokens are :class:`~pydantic.SecretStr`, so no
``repr``, log line or error message can show them: :func:`load_settings` names a
bad setting and says what is wrong with it, never what its value was.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

__all__ = [
    "DEFAULT_SLACK_API_URL",
    "RedisSettings",
    "Settings",
    "StoreSettings",
    "load_settings",
    "load_store_settings",
]

#: Slack's Web API; GovSlack and the tests point ``SLACK_API_URL`` elsewhere.
DEFAULT_SLACK_API_URL = "https://slack.com/api/"

_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")

ChannelList = Annotated[tuple[str, ...], NoDecode]


#: What redis-py's ``from_url`` accepts (TCP, TLS, a Unix socket).
_REDIS_SCHEMES = ("redis", "rediss", "unix")


def _redis_url(value: str | None) -> str | None:
    """A blank value is unset; anything else must be a URL redis-py can open.

    Checked here, at start-up, so that a typo exits 2 naming ERRCODE_REDIS_URL instead
    of failing inside the client. The message never repeats the value: it may hold a
    password.
    """
    if value is None or not value.strip():
        return None
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        raise PydanticCustomError("url_shape", "is not a valid URL") from None
    if parts.scheme not in _REDIS_SCHEMES:
        raise PydanticCustomError("url_shape", "must be a redis://, rediss:// or unix:// URL")
    if parts.scheme != "unix" and not parts.hostname:
        raise PydanticCustomError("url_shape", "must name a host (redis://host:6379/0)")
    if parts.scheme == "unix" and not parts.path:
        raise PydanticCustomError("url_shape", "must name a socket path")
    return url


def _sentinels(value: Any) -> Any:
    """``host:port,host:port`` (blank: unset) as a tuple; each must name a host and a port."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    found = []
    for item in value:
        host, _, port = str(item).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise PydanticCustomError("sentinels", "must be host:port pairs separated by commas")
        found.append(f"{host}:{int(port)}")
    return tuple(found)


def _slack(name: str) -> Any:
    """A field read from Slack's unprefixed variable, still settable by field name."""
    return AliasChoices(name, name.lower())


class RedisSettings(BaseSettings):
    """Where the shared state lives, as the bot and ``errcode stats`` both read it."""

    #: Shared state for several replicas; unset means per-process memory.
    redis_url: str | None = None
    #: Redis through Sentinel instead of one URL: the Sentinels (``host:port,...``) and
    #: the name of the master they watch (``ERRCODE_REDIS_MASTER``).
    redis_sentinels: ChannelList = ()
    redis_master: str | None = None
    #: The password of the Redis itself: with Sentinel, the master's (and its replicas');
    #: with a URL, used when the URL carries none.
    redis_password: SecretStr | None = None
    #: The Sentinels' own password (their ``requirepass``), which may differ from the
    #: master's; unset: the Sentinels are asked without one.
    redis_sentinel_password: SecretStr | None = None
    #: TLS to the Sentinels and to the master they name (a URL says ``rediss://`` instead).
    redis_sentinel_tls: bool = False
    #: The CA bundle (a PEM file) that signed the Redis certificates, for TLS through
    #: Sentinel or a ``rediss://`` URL; unset: the system's CAs.
    redis_tls_ca_file: str | None = None

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url_shape(cls, value: Any) -> Any:
        return _redis_url(value) if isinstance(value, str) or value is None else value

    @field_validator("redis_sentinels", mode="before")
    @classmethod
    def _sentinels_shape(cls, value: Any) -> Any:
        return _sentinels(value)

    @field_validator("redis_password", "redis_sentinel_password")
    @classmethod
    def _blank_password_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value() else None

    @field_validator("redis_tls_ca_file", mode="before")
    @classmethod
    def _ca_file_readable(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        path = Path(str(value).strip()).expanduser()
        if not path.is_file() or not os.access(path, os.R_OK):
            raise PydanticCustomError("ca_file", "must be a readable file (a PEM CA bundle)")
        return str(path)

    def redis_secrets(self) -> list[str]:
        """The Redis passwords set (in the URL or apart), for the log filter."""
        found = [
            p.get_secret_value()
            for p in (self.redis_password, self.redis_sentinel_password)
            if p is not None
        ]
        if self.redis_url:
            password = urlsplit(self.redis_url).password
            if password:
                found.append(password)
        return found


class Settings(RedisSettings):
    """Everything ``errcode serve`` needs; build with explicit values in tests."""

    model_config = SettingsConfigDict(
        env_prefix="ERRCODE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    #: Bot token (``xoxb-``): every Web API call.
    slack_bot_token: SecretStr = Field(validation_alias=_slack("SLACK_BOT_TOKEN"))
    #: Verifies that HTTP requests come from Slack; unused in Socket Mode.
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias=_slack("SLACK_SIGNING_SECRET")
    )
    #: App-level token (``xapp-``); when set, ``serve`` uses Socket Mode.
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=_slack("SLACK_APP_TOKEN")
    )
    #: The Web API base URL, ending in ``/``.
    slack_api_url: str = Field(
        default=DEFAULT_SLACK_API_URL, validation_alias=_slack("SLACK_API_URL")
    )
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    #: Explain codes found in channel messages (in a thread reply).
    auto_reply: bool = True
    #: Only these channel ids get auto-replies (empty: every channel the bot is in).
    channels: ChannelList = ()
    #: Never auto-reply in these channel ids.
    channels_deny: ChannelList = ()
    #: User ids who may change channel settings (product, mute); empty: everyone.
    admins: ChannelList = ()
    #: The language of answers: ``auto`` answers a Chinese question (or message) about a
    #: CommsEase entry in Chinese, ``en`` always English, ``zh`` Chinese wherever an entry
    #: has it.
    language: Literal["auto", "en", "zh"] = "auto"
    #: How long one code stays explained in one thread before it may be explained again.
    cooldown_seconds: int = Field(default=600, ge=0)
    #: Serve ``/metrics`` (and ``/healthz``) on this port of its own, in HTTP and Socket
    #: Mode; unset: ``/metrics`` stays on the events port (HTTP only).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    #: HTTP: seconds a connection may take to send complete request headers (slow clients).
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    #: HTTP: seconds an idle keep-alive connection stays open after a response.
    idle_timeout_seconds: float = Field(default=5.0, gt=0, le=300)
    #: HTTP: the most open client connections; unset: the open-files limit less a reserve.
    max_connections: int | None = Field(default=None, ge=1)
    #: Threads that scan channel messages and answer DMs and mentions (bot.slack.workers).
    workers: int = Field(default=2, ge=1, le=64)
    #: Messages that may wait for a worker; past it a question is told to ask again and a
    #: channel message goes unanswered (logged, counted). Slash commands never wait here.
    #: Room for a burst of a few hundred events (Slack delivering a backlog at once); at
    #: the capped worst case, about 25 ms a message, 1,000 drain in some 12 s on 2 workers.
    work_queue: int = Field(default=1000, ge=0, le=100_000)
    #: On SIGTERM, seconds to finish the replies this process owes (below k8s's
    #: terminationGracePeriodSeconds).
    drain_seconds: float = Field(default=20.0, ge=0, le=3600)
    #: With Redis: seconds a reply job may stay taken by a replica before another claims it.
    outbox_claim_seconds: float = Field(default=60.0, gt=0, le=3600)
    #: With Redis: while it is down, seconds between attempts to reach it again (one
    #: call per attempt waits for it; the others use this process's memory meanwhile).
    redis_retry_seconds: float = Field(default=2.0, gt=0, le=300)
    #: With Redis and several replicas (HTTP mode): how many there are, and which one
    #: this is (0-based; unset: the StatefulSet ordinal ending the hostname). While Redis
    #: is down, each then answers only its share of the events and refuses the others
    #: with 503, so that Slack delivers them again (bot.store.shard).
    replicas: int | None = Field(default=None, ge=1, le=1000)
    replica_index: int | None = Field(default=None, ge=0)
    log_level: str = "INFO"
    #: ``auto``: JSON lines unless stderr is a terminal.
    log_format: Literal["json", "text", "auto"] = "auto"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise PydanticCustomError("missing", "is empty")
        if not value.get_secret_value().startswith("xox"):
            raise PydanticCustomError("token_shape", "must be a bot token starting with 'xoxb-'")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None  # an empty variable means "not set": use HTTP mode
        if not value.get_secret_value().startswith("xapp-"):
            raise PydanticCustomError("token_shape", "must be an app-level token starting 'xapp-'")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise PydanticCustomError("url_shape", "must be an http(s) URL")
        # slack_sdk joins method names onto the base URL, so it must end in "/".
        return value if value.endswith("/") else value + "/"

    @field_validator("channels", "channels_deny", "admins", mode="before")
    @classmethod
    def _split_channels(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in _LEVELS:
            return value.strip().upper()
        raise PydanticCustomError("log_level", "must be one of " + ", ".join(_LEVELS))

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, else HTTP."""
        return self.slack_app_token is not None

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    def secrets(self) -> list[str]:
        """The secret values, for the log filter that keeps them out of every line."""
        fields = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token)
        found = [f.get_secret_value() for f in fields if f is not None]
        return found + self.redis_secrets()


class StoreSettings(RedisSettings):
    """Only where the shared state lives: what ``errcode stats`` reads.

    Reading stats needs no Slack token, so :class:`Settings` (which requires one)
    would refuse to load on an operator's laptop.
    """

    model_config = SettingsConfigDict(
        env_prefix="ERRCODE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and isinstance(info.validation_alias, AliasChoices):
        first = info.validation_alias.choices[0]
        return str(first)
    if field.isupper():  # pydantic reports the alias it looked up
        return field
    return "ERRCODE_" + field.upper()


def _bad_settings(exc: ValidationError) -> ConfigError:
    """One :class:`ConfigError` naming every bad setting and why, never its value."""
    problems = []
    for err in exc.errors(include_input=False, include_url=False):
        name = _env_name(str(err["loc"][0])) if err["loc"] else "settings"
        reason = "is missing" if err["type"] == "missing" else err["msg"]
        if err["type"] not in ("missing",) and not reason.startswith(("is ", "must ")):
            reason = "is malformed: " + reason[:1].lower() + reason[1:]
        problems.append(f"{name} {reason}")
    return ConfigError("bad setting: " + "; ".join(problems))


def _one_redis(settings: RedisSettings) -> None:
    """Sentinels need the master's name and exclude a Redis URL; their options need them.

    A Sentinel option set without Sentinels, or a CA without TLS, would be silently
    ignored: a trap for whoever thinks it protects the connection.
    """
    if settings.redis_sentinels and not settings.redis_master:
        raise ConfigError(
            "bad setting: ERRCODE_REDIS_MASTER is missing (ERRCODE_REDIS_SENTINELS needs it)"
        )
    if settings.redis_sentinels and settings.redis_url:
        raise ConfigError(
            "bad setting: ERRCODE_REDIS_URL and ERRCODE_REDIS_SENTINELS are both set; set one"
        )
    if not settings.redis_sentinels:
        for name, value in (
            ("ERRCODE_REDIS_MASTER", settings.redis_master),
            ("ERRCODE_REDIS_SENTINEL_PASSWORD", settings.redis_sentinel_password),
            ("ERRCODE_REDIS_SENTINEL_TLS", settings.redis_sentinel_tls),
        ):
            if value:
                raise ConfigError(f"bad setting: {name} is set but ERRCODE_REDIS_SENTINELS is not")
    tls = settings.redis_sentinel_tls or (settings.redis_url or "").startswith("rediss://")
    if settings.redis_tls_ca_file and not tls:
        raise ConfigError(
            "bad setting: ERRCODE_REDIS_TLS_CA_FILE is set without TLS "
            "(ERRCODE_REDIS_SENTINEL_TLS=true, or a rediss:// URL)"
        )
    if settings.redis_password and not (settings.redis_sentinels or settings.redis_url):
        raise ConfigError(
            "bad setting: ERRCODE_REDIS_PASSWORD is set but no Redis is "
            "(ERRCODE_REDIS_URL or ERRCODE_REDIS_SENTINELS)"
        )


def load_store_settings(**overrides: Any) -> StoreSettings:
    """Read :class:`StoreSettings`, or raise :class:`ConfigError` naming a bad one."""
    try:
        settings = StoreSettings(**overrides)
    except ValidationError as exc:
        raise _bad_settings(exc) from None
    _one_redis(settings)
    return settings


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise :class:`ConfigError` naming every bad one (never its value).

    :param overrides: values that take precedence over the environment (tests, CLI flags).
    """
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise _bad_settings(exc) from None
    _one_redis(settings)
    if not settings.socket_mode and settings.slack_signing_secret is None:
        raise ConfigError(
            "bad setting: SLACK_SIGNING_SECRET is missing "
            "(HTTP mode needs it; set SLACK_APP_TOKEN for Socket Mode instead)"
        )
    return _with_replica_index(settings)


#: A StatefulSet's pods are named (and their hostnames set) ``<set name>-<ordinal>``.
_ORDINAL = re.compile(r"-(\d+)$")


def _with_replica_index(settings: Settings, hostname: str | None = None) -> Settings:
    """Check ERRCODE_REPLICAS and ERRCODE_REPLICA_INDEX; take the index from the hostname
    (a StatefulSet ordinal) when only the count is set.
    """
    if settings.replicas is None:
        if settings.replica_index is not None:
            raise ConfigError(
                "bad setting: ERRCODE_REPLICA_INDEX is set but ERRCODE_REPLICAS is not"
            )
        return settings
    if not (settings.redis_url or settings.redis_sentinels):
        raise ConfigError(
            "bad setting: ERRCODE_REPLICAS needs a Redis (ERRCODE_REDIS_URL or "
            "ERRCODE_REDIS_SENTINELS): it shares out the events while Redis is down"
        )
    if settings.socket_mode:
        raise ConfigError(
            "bad setting: ERRCODE_REPLICAS is for HTTP mode (in Socket Mode an event "
            "cannot be handed back to Slack for another replica)"
        )
    index = settings.replica_index
    if index is None:
        found = _ORDINAL.search(hostname if hostname is not None else socket.gethostname())
        if found is None:
            raise ConfigError(
                "bad setting: ERRCODE_REPLICA_INDEX is missing (ERRCODE_REPLICAS needs it, "
                "and the hostname ends in no StatefulSet ordinal)"
            )
        index = int(found.group(1))
    if index >= settings.replicas:
        raise ConfigError(
            "bad setting: ERRCODE_REPLICA_INDEX must be below ERRCODE_REPLICAS "
            "(replicas are numbered from 0)"
        )
    return settings.model_copy(update={"replica_index": index})
