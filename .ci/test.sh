#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs lint, types and
# the docs build and the whole test suite (unit, property, Airflow, Prometheus, Dask, Spark,
# simulation tests, and every example of the docs).
# Usage: bash .ci/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need_apt=()
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v prometheus-pushgateway >/dev/null || need_apt+=(prometheus-pushgateway)
command -v prometheus-alertmanager >/dev/null || need_apt+=(prometheus-alertmanager)
# docker-compose 1.29 validates docker/docker-compose.yml offline (no Docker engine is needed)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
# the Spark engine's tests run a real local Spark, which needs a Java runtime (17+)
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== apt-get install ${need_apt[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# The Debian packages start their services on install; the tests run their own on free ports.
for svc in prometheus prometheus-pushgateway prometheus-alertmanager prometheus-node-exporter; do
  $SUDO service "$svc" stop >/dev/null 2>&1 || true
done

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
echo "== pip install -e '.[all]' --group dev"
.venv/bin/python -m pip install -q -U pip
.venv/bin/python -m pip install -q -e '.[all]' --group dev

echo "== ruff"
.venv/bin/ruff check driftkl tests dags benchmarks docker docs/_ext
.venv/bin/ruff format --check driftkl tests dags benchmarks docker docs/_ext
echo "== mypy (strict)"
.venv/bin/mypy
echo "== lint-imports (layer contracts in pyproject.toml)"
.venv/bin/lint-imports

echo "== promtool check rules / test rules (alert rules and their unit tests)"
promtool check rules configs/prometheus/rules/driftkl.rules.yml configs/prometheus/rules/driftkl-schema.rules.yml
(cd configs/prometheus/rules && promtool test rules driftkl.rules.test.yml driftkl-schema.rules.test.yml)

echo "== mkdocs build --strict (the docs site; any warning fails)"
site_dir=$(mktemp -d)
NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet --site-dir "$site_dir"
rm -rf "$site_dir"

echo "== pytest"
set +e
.venv/bin/python -m pytest -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
