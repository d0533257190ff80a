"""The docker/ stack, validated offline: compose config, cross-file wiring, the image's steps."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile

import pytest
import tomllib
import yaml
from integration.prometheus.prom_helpers import (
    CONFIGS,
    REPO,
    free_port,
    http,
    require_binary,
    wait_until,
)

from driftkl.cli import build_parser

pytestmark = pytest.mark.prometheus

DOCKER = REPO / "docker"
COMPOSE = DOCKER / "docker-compose.yml"
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-init",
}


SECRETS = {"GRAFANA_ADMIN_PASSWORD": "test-grafana-secret", "AIRFLOW_JWT_SECRET": "test-jwt"}


def _compose(
    *args: str, file=COMPOSE, secrets: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != "DRIFTKL_BIND_ADDRESS"}
    return subprocess.run(
        [require_binary("docker-compose"), "-f", str(file), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO,
        env=env | (SECRETS if secrets is None else secrets),
    )


@pytest.fixture(scope="module")
def config() -> dict:
    """The compose file as docker-compose resolves it (anchors merged, paths absolute)."""
    proc = _compose("config")
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)


def test_compose_file_is_valid():
    """docker-compose config -q accepts the file (schema, anchors, depends_on conditions)."""
    proc = _compose("config", "-q")
    assert proc.returncode == 0, proc.stderr


def test_compose_validation_rejects_a_broken_file(tmp_path):
    """The same validation rejects an invalid depends_on condition (it is not a no-op)."""
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("service_healthy", "service_happy"))
    proc = _compose("config", "-q", file=broken)
    assert proc.returncode != 0
    assert "service_happy" in proc.stderr


def test_stack_services_and_airflow_structure(config):
    """Airflow 3 components, Postgres and the monitoring services are all there."""
    services = config["services"]
    assert AIRFLOW_SERVICES | {
        "postgres",
        "pushgateway",
        "prometheus",
        "alertmanager",
        "grafana",
    } <= (set(services))
    for name in AIRFLOW_SERVICES:
        svc = services[name]
        assert svc["build"]["dockerfile"].endswith("docker/Dockerfile")
        assert svc["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert svc["environment"]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith(
            "postgresql+psycopg2://airflow:airflow@postgres/"
        )
        assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        assert services[name]["depends_on"]["airflow-init"]["condition"] == (
            "service_completed_successfully"
        )
    commands = {n: services[n].get("command") for n in AIRFLOW_SERVICES - {"airflow-init"}}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
    }
    assert services["airflow-init"]["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"


def _binds(service: dict) -> dict[str, str]:
    """Container path -> host path of a service's bind mounts."""
    out = {}
    for v in service.get("volumes", []):
        if isinstance(v, dict) and v.get("type") == "bind":
            out[v["target"]] = v["source"]
        elif isinstance(v, str) and v.startswith("/"):
            host, target = v.split(":")[:2]
            out[target] = host
    return out


def test_mounts_point_at_the_shipped_files(config):
    """DAGs, Prometheus/Alertmanager configs and Grafana provisioning are mounted from the repo."""
    services = config["services"]
    assert _binds(services["airflow-scheduler"])["/opt/airflow/dags"] == str(REPO / "dags")
    prom = _binds(services["prometheus"])
    assert prom["/etc/prometheus"] == str(CONFIGS / "prometheus")
    prom_cfg = yaml.safe_load((CONFIGS / "prometheus/prometheus.yml").read_text())
    for rule_file in prom_cfg["rule_files"]:
        assert (CONFIGS / "prometheus" / rule_file).is_file()
    flags = services["prometheus"]["command"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in flags
    am = _binds(services["alertmanager"])
    assert am["/etc/alertmanager/alertmanager.yml"] == str(CONFIGS / "prometheus/alertmanager.yml")
    graf = _binds(services["grafana"])
    assert graf["/etc/grafana/provisioning"] == str(CONFIGS / "grafana/provisioning")
    provider = yaml.safe_load(
        (CONFIGS / "grafana/provisioning/dashboards/driftkl.yaml").read_text()
    )["providers"][0]
    assert graf[provider["options"]["path"]] == str(CONFIGS / "grafana/dashboards")
    assert (CONFIGS / "grafana/dashboards/driftkl.json").is_file()
    assert _binds(services["alert-receiver"])["/app/alert_receiver.py"] == str(
        DOCKER / "alert_receiver.py"
    )


def test_service_names_match_the_configs(config):
    """prometheus.yml, alertmanager.yml, Grafana and Airflow name the services that exist."""
    services = config["services"]
    prom_cfg = yaml.safe_load((CONFIGS / "prometheus/prometheus.yml").read_text())
    targets = [
        t
        for job in prom_cfg["scrape_configs"]
        for sc in job["static_configs"]
        for t in sc["targets"]
    ]
    targets += [
        t for am in prom_cfg["alerting"]["alertmanagers"] for sc in am["static_configs"]
        for t in sc["targets"]
    ]  # fmt: skip
    am_cfg = yaml.safe_load((CONFIGS / "prometheus/alertmanager.yml").read_text())
    targets += [
        re.match(r"https?://([^/]+)", w["url"])[1]
        for r in am_cfg["receivers"]
        for w in r.get("webhook_configs", [])
    ]
    env = services["airflow-scheduler"]["environment"]
    targets.append(re.match(r"https?://([^/]+)", env["AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY"])[1])
    ds = yaml.safe_load((CONFIGS / "grafana/provisioning/datasources/driftkl.yaml").read_text())
    targets.append(re.match(r"https?://([^/]+)", ds["datasources"][0]["url"])[1])
    for target in targets:
        host, port = target.split(":")
        assert host in services and port.isdigit(), target
    assert env["AIRFLOW_VAR_DRIFTKL_PUSHGATEWAY_CONN_ID"] == "driftkl_pushgateway"
    assert env["AIRFLOW__DRIFTKL__GRAFANA_URL"] == "http://localhost:3000"  # the published port


def test_dockerfile_base_and_extras():
    """FROM the Airflow version tested here; the extras it installs exist in pyproject."""
    text = (DOCKER / "Dockerfile").read_text()
    (base,) = re.findall(r"^FROM\s+(\S+)", text, flags=re.MULTILINE)
    assert base == f"apache/airflow:{importlib.metadata.version('apache-airflow')}"
    assert re.match(r"apache/airflow:3\.3\.\d+$", base)
    (extras,) = re.findall(r'"/opt/driftkl\[([a-z,]+)\]"', text)
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert set(extras.split(",")) == {"airflow", "prometheus"} <= set(declared)
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in text  # the image's Airflow stays pinned


def test_image_install_step_builds_outside_docker(tmp_path):
    """The files the Dockerfile copies build the driftkl wheel it installs (pip, isolated)."""
    text = (DOCKER / "Dockerfile").read_text()
    context = tmp_path / "opt-driftkl"
    context.mkdir()
    for line in re.findall(r"^COPY\s+(.+)$", text, flags=re.MULTILINE):
        parts = [p for p in shlex.split(line) if not p.startswith("--")]
        *sources, dest = parts
        if not dest.startswith("/opt/driftkl/"):
            continue  # build helpers outside the package directory
        for src in sources:
            origin = REPO / src
            target = context / (origin.name if dest.endswith("/") else "")
            if dest.rstrip("/") != "/opt/driftkl":
                target = context / dest.removeprefix("/opt/driftkl/")
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, target)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path / "dist"), str(context)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (tmp_path / "dist").glob("driftkl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (entry_points,) = [n for n in names if n.endswith("entry_points.txt")]
        entry_text = zf.read(entry_points).decode()
    assert "driftkl/integrations/prometheus/push.py" in names
    assert "driftkl/integrations/airflow/__init__.py" in names
    assert "driftkl = driftkl.cli:main" in entry_text
    assert "apache_airflow_provider" in entry_text


def test_exporter_command_is_a_valid_cli_call(config):
    """The driftkl-exporter service's command parses as `driftkl serve` with the CLI's parser."""
    script = config["services"]["driftkl-exporter"]["command"][-1]
    call = script.split("exec ", 1)[1]
    argv = shlex.split(call)
    assert argv[0] == "driftkl"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve" and args.port == 9108
    assert args.address == "0.0.0.0"  # noqa: S104 - the container listens on all interfaces


def test_alert_receiver_prints_alerts():
    """The stack's webhook receiver script logs each alert it is sent as one JSON line."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-u", str(DOCKER / "alert_receiver.py"), str(port), "127.0.0.1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        body = {"alerts": [{"status": "firing", "labels": {"alertname": "DriftklFeatureDrift",
                                                            "feature": "amount"}}]}  # fmt: skip
        wait_until(
            lambda: (
                http(
                    f"http://127.0.0.1:{port}/critical",
                    method="POST",
                    data=json.dumps(body).encode(),
                )
                is not None
            ),
            "the alert receiver to accept a POST",
        )
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert lines[0] == {
        "receiver": "critical",
        "status": "firing",
        "alertname": "DriftklFeatureDrift",
        "feature": "amount",
    }


def test_required_secrets_are_enforced():
    """Without GRAFANA_ADMIN_PASSWORD and AIRFLOW_JWT_SECRET, compose refuses and names them."""
    proc = _compose("config", "-q", secrets={})
    assert proc.returncode != 0
    assert "set AIRFLOW_JWT_SECRET" in proc.stderr or "set GRAFANA_ADMIN_PASSWORD" in proc.stderr
    assert "admin/admin" not in COMPOSE.read_text()


def test_no_default_admin_credentials(config):
    """Grafana's password and Airflow's JWT secret come from the environment; no all-admins."""
    services = config["services"]
    graf = services["grafana"]["environment"]
    assert graf["GF_SECURITY_ADMIN_PASSWORD"] == SECRETS["GRAFANA_ADMIN_PASSWORD"]
    env = services["airflow-apiserver"]["environment"]
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == SECRETS["AIRFLOW_JWT_SECRET"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] == "false"
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == "admin:admin"


def test_ports_bound_to_localhost(config):
    """Every published port listens on 127.0.0.1 unless DRIFTKL_BIND_ADDRESS says otherwise."""
    published = 0
    for name, svc in config["services"].items():
        for port in svc.get("ports", []):
            host_ip = port["host_ip"] if isinstance(port, dict) else port.split(":")[0]
            assert host_ip == "127.0.0.1", (name, port)
            published += 1
    assert published >= 5
    proc = _compose("config", secrets={**SECRETS, "DRIFTKL_BIND_ADDRESS": "0.0.0.0"})  # noqa: S104
    assert proc.returncode == 0, proc.stderr
    assert "- 0.0.0.0:3000:3000/tcp" in proc.stdout


def test_healthchecks_gate_the_start_order(config):
    """Long-running services have healthchecks; monitoring services wait for healthy deps."""
    services = config["services"]
    for name, svc in services.items():
        if name != "airflow-init":
            assert svc.get("healthcheck", {}).get("test"), name
    gated = {
        "prometheus": {"pushgateway", "alertmanager"},
        "alertmanager": {"alert-receiver"},
        "grafana": {"prometheus"},
    }
    for name, deps in gated.items():
        depends = services[name]["depends_on"]
        assert set(depends) == deps, name
        assert {d["condition"] for d in depends.values()} == {"service_healthy"}, name


def test_pushgateway_persists_to_a_volume(config):
    """The Pushgateway writes --persistence.file into a named volume (survives restarts)."""
    svc = config["services"]["pushgateway"]
    (flag,) = [a for a in svc["command"] if a.startswith("--persistence.file=")]
    path = flag.split("=", 1)[1]
    mounts = {}  # container path -> named volume
    for v in svc["volumes"]:
        if isinstance(v, dict) and v["type"] == "volume":
            mounts[v["target"]] = v["source"]
        elif isinstance(v, str) and not v.startswith(("/", ".")):
            source, target = v.split(":")[:2]
            mounts[target] = source
    (volume,) = [src for target, src in mounts.items() if path.startswith(target + "/")]
    assert volume in config["volumes"]


def test_dockerfile_layers_and_healthcheck():
    """Dependencies install before the source is copied; the image declares a HEALTHCHECK."""
    text = (DOCKER / "Dockerfile").read_text()
    deps = text.index("requirements.txt")
    source = text.index("COPY --chown=airflow:0 driftkl ")
    assert deps < source
    assert '--no-deps "/opt/driftkl[airflow,prometheus]"' in text[source:]
    assert re.search(r"^HEALTHCHECK .*CMD", text, flags=re.MULTILINE | re.DOTALL)


def test_requirements_script_expands_the_extras():
    """docker/requirements.py lists core deps and the extras' deps (self-references expanded)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    proc = subprocess.run(
        [sys.executable, str(DOCKER / "requirements.py"), str(REPO / "pyproject.toml"),
         "airflow,prometheus"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    extras = project["optional-dependencies"]
    expected = project["dependencies"] + extras["airflow"] + extras["prometheus"]
    assert proc.stdout.splitlines() == expected
    every = subprocess.run(
        [sys.executable, str(DOCKER / "requirements.py"), str(REPO / "pyproject.toml"), "all"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.splitlines()  # fmt: skip
    assert set(expected) <= set(every) and not [r for r in every if r.startswith("driftkl")]


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents wins."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw.removeprefix("!")
        regex = re.escape(pattern).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        if any(re.fullmatch(regex, c) for c in candidates):
            ignored = not negate
    return ignored


def test_dockerignore_at_context_root_sends_only_what_is_copied():
    """.dockerignore sits at the build context root (classic builder and BuildKit read it)."""
    assert not (DOCKER / "Dockerfile.dockerignore").exists()
    compose = yaml.safe_load(COMPOSE.read_text())
    context = (DOCKER / compose["x-airflow-common"]["build"]["context"]).resolve()
    assert context == REPO
    lines = (context / ".dockerignore").read_text().splitlines()
    patterns = [x.strip() for x in lines if x.strip() and not x.startswith("#")]
    text = (DOCKER / "Dockerfile").read_text()
    for line in re.findall(r"^COPY\s+(.+)$", text, flags=re.MULTILINE):
        *sources, _ = [p for p in shlex.split(line) if not p.startswith("--")]
        for src in sources:
            assert not _ignored(src, patterns), src
    assert not _ignored("driftkl/api.py", patterns)
    for path in ("tests/unit/test_api.py", "docs/index.md", ".venv/bin/python",
                 "driftkl/__pycache__/api.cpython-311.pyc", ".git/HEAD"):  # fmt: skip
        assert _ignored(path, patterns), path
