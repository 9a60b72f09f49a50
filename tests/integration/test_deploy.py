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
    exposed = " ".join(runtime.all("EXPOSE")).split()
    assert runtime.env()["ERRCODE_PORT"] in exposed
    assert runtime.env()["ERRCODE_METRICS_PORT"] in exposed


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
            ERRCODE_METRICS_PORT=str(free_port()),
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
    socket_env = compose["services"]["bot-socket"]["environment"]
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
        assert socket_env[name].startswith("${" + name), f"{name} must come from the environment"
    assert not TOKEN.search((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_http_or_socket_mode_by_profile(compose: dict[str, Any]) -> None:
    http, socket = compose["services"]["bot"], compose["services"]["bot-socket"]
    assert http["profiles"] == ["http"] and socket["profiles"] == ["socket"]
    assert "SLACK_SIGNING_SECRET" not in socket["environment"]
    assert socket["command"] == http["command"] == ["errcode", "serve"]
    assert "redis" in socket["depends_on"]
    assert any(":9100/healthz" in part for part in socket["healthcheck"]["test"])
    # Interpolated for every profile: a required secret (${X:?...}) would make Socket
    # Mode need the signing secret. errcode checks its own settings and names what lacks.
    assert ":?" not in (DEPLOY / "compose.yaml").read_text(encoding="utf-8")


def test_compose_host_ports_are_fixed_and_metrics_stay_local(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for mapping in service.get("ports", []):
            *host, container = str(mapping).split(":")
            assert host and host[-1].isdigit(), f"{name}: {mapping} maps to a random host port"
            if container == "9100":
                assert host[0] == "127.0.0.1", f"{name}: /metrics published beyond localhost"
    assert "3000:3000" in compose["services"]["bot"]["ports"]


def test_dockerignore_keeps_the_build_context_small_and_secret_free() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", ".git", "**/__pycache__", ".mypy_cache", ".pytest_cache", ".env"):
        assert entry in ignored, f".dockerignore lacks {entry}"
    # Nothing the Dockerfile copies is ignored.
    for source in ("pyproject.toml", "uv.lock", "README.md", "bot", "knowledge"):
        assert source not in ignored


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
    redis = _one("StatefulSet", "errcode-redis")
    service = _one("Service", "errcode-redis")
    assert _selects(service["spec"]["selector"], redis["spec"]["template"]["metadata"]["labels"])
    assert redis["spec"]["serviceName"] == "errcode-redis"
    assert "managed" in (DEPLOY / "k8s" / "redis.yaml").read_text(encoding="utf-8")


def test_redis_keeps_its_data_on_a_persistent_volume() -> None:
    redis = _one("StatefulSet", "errcode-redis")
    (claim,) = redis["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"]
    (container,) = redis["spec"]["template"]["spec"]["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == "/data"
    assert "--appendonly" in container["args"]
    assert not redis["spec"]["template"]["spec"].get("volumes"), "no emptyDir for the data"
    named = [d for d in _k8s_documents() if d.get("metadata", {}).get("name") == "errcode-redis"]
    assert "Deployment" not in {d["kind"] for d in named}


def test_an_ingress_terminates_tls_with_cert_manager() -> None:
    ingress = _one("Ingress", "errcode")
    assert ingress["apiVersion"] == "networking.k8s.io/v1"
    assert "cert-manager.io/cluster-issuer" in ingress["metadata"]["annotations"]
    (tls,) = ingress["spec"]["tls"]
    assert tls["secretName"]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] in tls["hosts"]
    (path,) = rule["http"]["paths"]
    assert path["path"] == "/slack/events", "only Slack's Request URL is routed"
    backend = path["backend"]["service"]
    service = _one("Service", backend["name"])
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_metrics_have_their_own_port_that_no_service_exposes(
    deployment: dict[str, Any], container: dict[str, Any]
) -> None:
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["ERRCODE_METRICS_PORT"] == str(ports["metrics"])
    assert ports["metrics"] != ports["http"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(ports["metrics"])
    for service in [d for d in _k8s_documents() if d["kind"] == "Service"]:
        for port in service["spec"]["ports"]:
            assert port["targetPort"] not in ("metrics", ports["metrics"])


def test_the_socket_mode_comment_follows_slacks_docs() -> None:
    text = (DEPLOY / "k8s" / "deployment.yaml").read_text(encoding="utf-8")
    assert "every replica would receive every event" not in text
    assert "one of" in text and "connections" in text


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text("utf-8"))
    manifests = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")}
    expected = manifests - {"kustomization.yaml", "secret.example.yaml"}
    assert set(kustomization["resources"]) == expected
