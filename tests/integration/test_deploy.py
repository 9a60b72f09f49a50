"""deploy/: the Dockerfile, compose and Kubernetes files hold what production needs.

No Docker engine or cluster runs in CI, so the files are parsed and checked, and
the Dockerfile's own install, start and health-check commands are run for real:
its COPY steps into a scratch directory, its ``uv sync`` there, its CMD with its
ENV, and its HEALTHCHECK against the running server.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
TOKEN = re.compile(r"xox[a-z]-\d|xapp-\d")


# -- Dockerfile ----------------------------------------------------------------


@dataclass
class Stage:
    base: str
    name: str | None
    #: (INSTRUCTION, arguments) in order, continuation lines joined.
    steps: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [args for name, args in self.steps if name == instruction]

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """The ENV steps applied to ``base``, expanding ``$VAR`` as Docker does."""
        found = dict(base or {})
        for args in self.all("ENV"):
            for pair in shlex.split(args):
                key, _, value = pair.partition("=")
                found[key] = Template(value).safe_substitute(found)
        return found


def parse_dockerfile(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        instruction, args = instruction.upper(), " ".join(args.split())
        if instruction == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(Stage(base, name or None))
        elif stages:
            stages[-1].steps.append((instruction, args))
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DEPLOY / "Dockerfile")


def _exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), 'use the exec form: CMD ["errcode", "serve"]'
    return [str(part) for part in value]


def _healthcheck_command(stage: Stage) -> str:
    (check,) = stage.all("HEALTHCHECK")
    _, _, command = check.partition("CMD ")
    return command


def test_image_is_small_and_multi_stage(stages: list[Stage]) -> None:
    assert len(stages) >= 2, "build in one stage, copy only the virtualenv into the next"
    assert all("slim" in stage.base or "alpine" in stage.base for stage in stages)
    runtime = stages[-1]
    assert any(args.startswith("--from=") for args in runtime.all("COPY"))
    assert not runtime.all("RUN uv"), "no build tools in the runtime stage"


def test_image_runs_as_a_non_root_user(stages: list[Stage]) -> None:
    users = stages[-1].all("USER")
    assert users, "the runtime stage needs a USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    # Numeric, so Kubernetes' runAsNonRoot can check it.
    assert user.isdigit()


def test_image_serves_with_a_healthcheck(stages: list[Stage]) -> None:
    runtime = stages[-1]
    assert _exec_form(runtime.all("CMD")[-1]) == ["errcode", "serve"]
    assert "/healthz" in _healthcheck_command(runtime)
    assert re.search(r"--interval=\d+s", runtime.all("HEALTHCHECK")[0])
    assert runtime.env()["ERRCODE_HOST"] == "0.0.0.0"
    assert runtime.env()["ERRCODE_PORT"] in runtime.all("EXPOSE")


def test_dockerfile_copies_only_what_exists(stages: list[Stage]) -> None:
    for stage in stages:
        for args in stage.all("COPY"):
            if args.startswith("--from="):
                continue
            *sources, _ = args.split()
            for source in sources:
                assert (REPO / source).exists(), f"COPY {source}: not in the repository"


@pytest.fixture(scope="module")
def installed(stages: list[Stage], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Dockerfile's build stage, run here: its COPY steps, then its RUN uv steps."""
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH; the image's install step cannot be checked")
    build = stages[0]
    workdir = tmp_path_factory.mktemp("image") / "app"
    workdir.mkdir()
    venv = workdir / ".venv"
    env = {**os.environ, **build.env(), "UV_PROJECT_ENVIRONMENT": str(venv)}
    env.pop("VIRTUAL_ENV", None)
    for name, args in build.steps:
        if name == "COPY":
            *sources, _ = args.split()
            for source in sources:
                copy = shutil.copytree if (REPO / source).is_dir() else shutil.copy2
                copy(REPO / source, workdir / Path(source).name)
        elif name == "RUN" and args.startswith("uv "):
            subprocess.run(shlex.split(args), cwd=workdir, env=env, check=True, timeout=300)
    assert (venv / "bin" / "errcode").exists()
    return venv


@pytest.fixture
def image_server(
    stages: list[Stage], installed: Path, tmp_path: Path
) -> Iterator[tuple[dict[str, str], subprocess.Popen[bytes]]]:
    """The runtime stage's CMD, with its ENV, from a directory with no source tree."""
    from e2e.harness import free_port
    from fakes.fake_slack import FakeSlack

    runtime = stages[-1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ERRCODE_"))}
    env.pop("VIRTUAL_ENV", None)
    # The dev virtualenv must not be what answers: only the freshly installed one.
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if ".venv" not in p)
    env = runtime.env(env)
    env["PATH"] = env["PATH"].replace("/app/.venv/bin", str(installed / "bin"))
    with FakeSlack() as fake:
        env.update(
            SLACK_BOT_TOKEN="xoxb-1-2-deploytest",
            SLACK_SIGNING_SECRET="deploy-test-signing-secret",
            SLACK_API_URL=fake.api_url,
            ERRCODE_HOST="127.0.0.1",  # the image binds 0.0.0.0; tests stay on loopback
            ERRCODE_PORT=str(free_port()),
        )
        command = _exec_form(runtime.all("CMD")[-1])
        log = (tmp_path / "serve.log").open("wb")
        proc = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            yield env, proc
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def test_the_image_commands_install_start_and_pass_the_healthcheck(
    stages: list[Stage], image_server: tuple[dict[str, str], subprocess.Popen[bytes]]
) -> None:
    env, proc = image_server
    check = ["sh", "-c", _healthcheck_command(stages[-1])]
    deadline = time.monotonic() + 30
    while subprocess.run(check, env=env, capture_output=True, check=False).returncode != 0:
        assert proc.poll() is None, "errcode serve exited"
        assert time.monotonic() < deadline, "the HEALTHCHECK never passed"
        time.sleep(0.2)
    url = f"http://127.0.0.1:{env['ERRCODE_PORT']}/healthz"
    with urllib.request.urlopen(url, timeout=5) as reply:
        assert reply.status == 200
    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert proc.wait(15) in (0, -signal.SIGTERM)
    # And the check notices a dead server.
    assert subprocess.run(check, env=env, capture_output=True, check=False).returncode != 0


# -- compose -------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return data


def test_compose_runs_the_bot_with_redis(compose: dict[str, Any]) -> None:
    bot, redis = compose["services"]["bot"], compose["services"]["redis"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == REPO and (context / bot["build"]["dockerfile"]).exists()
    assert bot["command"] == ["errcode", "serve"]
    env = bot["environment"]
    assert env["ERRCODE_REDIS_URL"].startswith("redis://redis:")
    assert "redis" in bot["depends_on"]
    assert any("/healthz" in part for part in bot["healthcheck"]["test"])
    assert "redis" in redis["image"]
    assert redis["healthcheck"]["test"]


def test_compose_takes_secrets_from_the_environment(compose: dict[str, Any]) -> None:
    env = compose["services"]["bot"]["environment"]
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert env[name].startswith("${" + name), f"{name} must come from the environment"
    assert not TOKEN.search((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


# -- Kubernetes ----------------------------------------------------------------


def _k8s_documents() -> list[dict[str, Any]]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def _one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in _k8s_documents() if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


@pytest.fixture(scope="module")
def deployment() -> dict[str, Any]:
    return _one("Deployment", "errcode")


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    (bot,) = [c for c in deployment["spec"]["template"]["spec"]["containers"]]
    return dict(bot)


def test_deployment_runs_several_replicas(deployment: dict[str, Any]) -> None:
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    assert _selects(spec["selector"]["matchLabels"], spec["template"]["metadata"]["labels"])
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_deployment_probes_healthz(container: dict[str, Any]) -> None:
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/healthz"
        assert get["port"] in ports or get["port"] in ports.values()


def test_deployment_sets_requests_and_limits(container: dict[str, Any]) -> None:
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind])


def test_deployment_reads_tokens_from_a_secret(container: dict[str, Any]) -> None:
    env = {e["name"]: e for e in container["env"]}
    secret = _one("Secret", "errcode-slack")
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "errcode-slack" and ref["key"] in secret["stringData"]
        assert "value" not in env[name]
    assert "SLACK_APP_TOKEN" not in env, "replicas serve HTTP; Socket Mode is for development"
    assert env["ERRCODE_REDIS_URL"]["value"].startswith("redis://errcode-redis:")
    for path in (DEPLOY / "k8s").glob("*.yaml"):
        assert not TOKEN.search(path.read_text(encoding="utf-8")), f"a real token in {path}"


def test_deployment_runs_the_image_as_non_root(
    deployment: dict[str, Any], container: dict[str, Any], stages: list[Stage]
) -> None:
    pod = deployment["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert str(pod["runAsUser"]) == stages[-1].all("USER")[-1].split(":")[0]
    assert container["command"] == _exec_form(stages[-1].all("CMD")[-1])
    assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_service_and_pdb_select_the_bot(deployment: dict[str, Any]) -> None:
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    service = _one("Service", "errcode")
    assert _selects(service["spec"]["selector"], labels)
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    pdb = _one("PodDisruptionBudget", "errcode")
    assert pdb["apiVersion"] == "policy/v1"
    assert _selects(pdb["spec"]["selector"]["matchLabels"], labels)
    assert 1 <= pdb["spec"]["minAvailable"] < deployment["spec"]["replicas"]


def test_redis_is_provided_or_explained() -> None:
    redis = _one("Deployment", "errcode-redis")
    service = _one("Service", "errcode-redis")
    assert _selects(service["spec"]["selector"], redis["spec"]["template"]["metadata"]["labels"])
    assert "managed" in (DEPLOY / "k8s" / "redis.yaml").read_text(encoding="utf-8")


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text("utf-8"))
    manifests = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")}
    expected = manifests - {"kustomization.yaml", "secret.example.yaml"}
    assert set(kustomization["resources"]) == expected
