"""The docker/ stack, validated offline: compose config, cross-file wiring, the image's steps."""

from __future__ import annotations

import importlib.metadata
import json
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


def _compose(*args: str, file=COMPOSE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_binary("docker-compose"), "-f", str(file), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO,
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
