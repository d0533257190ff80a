"""Fixtures: sample reports and real Pushgateway / Prometheus / Alertmanager processes.

Every server listens on a free 127.0.0.1 port with temporary storage and is stopped at the end
of the session. The stack runs the shipped ``configs/prometheus`` files with only addresses,
intervals (1 s) and ``for:`` / group waits shortened, so the tests finish in seconds.
"""

from __future__ import annotations

import shutil
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest
import yaml
from integration.prometheus.prom_helpers import (
    CONFIGS,
    Service,
    WebhookReceiver,
    free_port,
    require_binary,
    start_pushgateway,
)

import driftkl
from driftkl.demo import write_sample_data

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Sample Parquet files with known drift (amount and country drift; age does not)."""
    return write_sample_data(tmp_path_factory.mktemp("sample"), rows=5000)


@pytest.fixture(scope="session")
def drift_report(sample_data: dict[str, Path]) -> driftkl.DriftReport:
    """A report in which amount and country drifted (created_at is event time, not judged)."""
    return driftkl.compare(sample_data["reference"], sample_data["current"], dataset="orders")


@pytest.fixture(scope="session")
def nodrift_report(sample_data: dict[str, Path]) -> driftkl.DriftReport:
    """A report of the same data without drift."""
    return driftkl.compare(
        sample_data["reference"], sample_data["current_nodrift"], dataset="orders"
    )


@pytest.fixture(scope="session")
def pushgateway(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real Pushgateway for push tests (not scraped by any Prometheus)."""
    svc, url = start_pushgateway(tmp_path_factory.mktemp("pushgateway"))
    yield url
    svc.stop()


def _short_route(route: dict[str, Any]) -> None:
    route["group_wait"], route["group_interval"], route["repeat_interval"] = "1s", "1s", "1h"
    for child in route.get("routes", []):
        _short_route(child)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Webhook receiver <- Alertmanager <- Prometheus (shipped rules) -> Pushgateway."""
    work = tmp_path_factory.mktemp("stack")
    services: list[Service] = []
    hook = WebhookReceiver()
    try:
        am_cfg = yaml.safe_load((CONFIGS / "prometheus" / "alertmanager.yml").read_text())
        _short_route(am_cfg["route"])
        for receiver in am_cfg["receivers"]:
            for webhook in receiver.get("webhook_configs", []):
                webhook["url"] = hook.url + urlparse(webhook["url"]).path
        (work / "alertmanager.yml").write_text(yaml.safe_dump(am_cfg))
        am_port = free_port()
        services.append(
            Service(
                "alertmanager",
                [
                    require_binary("prometheus-alertmanager"),
                    f"--config.file={work / 'alertmanager.yml'}",
                    f"--storage.path={work / 'am-data'}",
                    f"--web.listen-address=127.0.0.1:{am_port}",
                    "--cluster.listen-address=",
                ],
                f"http://127.0.0.1:{am_port}/-/ready",
                work,
            )
        )
        pg, pg_url = start_pushgateway(work)
        services.append(pg)

        rules = yaml.safe_load((CONFIGS / "prometheus" / "rules" / "driftkl.rules.yml").read_text())
        for group in rules["groups"]:
            for rule in group["rules"]:
                if "for" in rule:
                    rule["for"] = "2s"
        (work / "driftkl.rules.yml").write_text(yaml.safe_dump(rules))
        prom_cfg = yaml.safe_load((CONFIGS / "prometheus" / "prometheus.yml").read_text())
        prom_cfg["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
        prom_cfg["rule_files"] = [str(work / "driftkl.rules.yml")]
        prom_cfg["alerting"]["alertmanagers"][0]["static_configs"] = [
            {"targets": [f"127.0.0.1:{am_port}"]}
        ]
        (job,) = [j for j in prom_cfg["scrape_configs"] if j["job_name"] == "pushgateway"]
        assert job["honor_labels"] is True
        job["static_configs"] = [{"targets": [urlparse(pg_url).netloc]}]
        (work / "prometheus.yml").write_text(yaml.safe_dump(prom_cfg))
        prom_port = free_port()
        prom_url = f"http://127.0.0.1:{prom_port}"
        services.append(
            Service(
                "prometheus",
                [
                    require_binary("prometheus"),
                    f"--config.file={work / 'prometheus.yml'}",
                    f"--storage.tsdb.path={work / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{prom_port}",
                ],
                f"{prom_url}/-/ready",
                work,
            )
        )
        yield SimpleNamespace(
            pushgateway=pg_url,
            prometheus=prom_url,
            alertmanager=f"http://127.0.0.1:{am_port}",
            webhook=hook,
            services=services,
        )
    finally:
        for svc in reversed(services):
            svc.stop()
        hook.stop()
        shutil.rmtree(work, ignore_errors=True)
