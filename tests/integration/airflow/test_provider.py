"""The provider package: discovery, public import, operator construction, small translators."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files

import jsonschema
import pandas as pd
import pytest
from airflow.providers_manager import ProvidersManager
from airflow.sdk import BaseOperator
from helpers import modules_loaded_by

import driftkl
import driftkl.integrations.airflow as provider
from driftkl.integrations.airflow import DriftCheckOperator, ProfileBuildOperator, get_provider_info
from driftkl.integrations.airflow._io import resolve_reference, write_text
from driftkl.integrations.airflow._metadata import asset_metadata

pytestmark = pytest.mark.airflow


@pytest.mark.usefixtures("airflow_db")
def test_provider_is_discovered_by_providers_manager():
    """Airflow's ProvidersManager lists driftkl with the package's version."""
    providers = ProvidersManager().providers
    assert "driftkl" in providers
    assert providers["driftkl"].version == driftkl.__version__
    modules = providers["driftkl"].data["operators"][0]["python-modules"]
    assert "driftkl.integrations.airflow.operators.drift" in modules
    hooks = providers["driftkl"].data["hooks"][0]["python-modules"]
    assert hooks == ["driftkl.integrations.airflow.hooks.pushgateway"]


def test_provider_info_validates_against_airflow_schema():
    """get_provider_info() satisfies Airflow's runtime provider_info schema."""
    schema = json.loads(files("airflow").joinpath("provider_info.schema.json").read_text())
    jsonschema.validate(get_provider_info(), schema)
    assert get_provider_info()["package-name"] == "driftkl"


def test_provider_module_and_core_do_not_import_airflow():
    """`import driftkl` and the provider entry point module load no Airflow, no prometheus."""
    code = "import driftkl, driftkl.integrations.airflow as p\np.get_provider_info()"
    loaded = modules_loaded_by(code)
    assert "airflow" not in loaded
    assert "prometheus_client" not in loaded


def test_public_import_gives_a_real_operator():
    """The documented import returns a BaseOperator subclass from airflow.sdk."""
    assert issubclass(DriftCheckOperator, BaseOperator)
    assert issubclass(ProfileBuildOperator, BaseOperator)


def test_operator_arguments_are_keyword_only_and_stored_as_given():
    """__init__ takes keywords only and stores the arguments unchanged (no I/O)."""
    with pytest.raises(TypeError):
        DriftCheckOperator("ref.json", "cur/", task_id="t")  # type: ignore[misc]
    op = DriftCheckOperator(
        task_id="t",
        reference="/nowhere/ref.profile.json",
        current="/nowhere/dt={{ ds }}/",
        config={"base": 2},
        on_drift="skip",
    )
    assert op.reference == "/nowhere/ref.profile.json"
    assert op.current == "/nowhere/dt={{ ds }}/"
    assert op.config == {"base": 2}
    assert op.on_drift == "skip"
    assert {"reference", "current", "config", "output_path"} <= set(op.template_fields)


def test_unknown_on_drift_is_rejected_at_parse_time():
    """A typo in on_drift fails when the DAG file is parsed, naming the choices."""
    with pytest.raises(ValueError, match="on_drift must be one of"):
        DriftCheckOperator(task_id="t", reference="r", current="c", on_drift="explode")


def test_unknown_attribute_of_provider_package_raises():
    """Only the listed operators and the hook are lazily importable from the package."""
    with pytest.raises(AttributeError):
        _ = provider.NoSuchOperator


def test_asset_metadata_summarises_a_real_report():
    """Asset extra holds status, drifted features and the max divergence with its feature."""
    ref = pd.DataFrame({"a": ["x"] * 50 + ["y"] * 50, "b": ["p"] * 50 + ["q"] * 50})
    cur = pd.DataFrame({"a": ["x"] * 95 + ["y"] * 5, "b": ["p"] * 50 + ["q"] * 50})
    report = driftkl.compare(ref, cur, dataset="toy").to_dict(bins=False)
    extra = asset_metadata(report, report_path="/r.json")
    assert extra["driftkl_status"] == "drift"
    assert extra["drifted_features"] == ["a"]
    js = extra["max_divergence"]["js_divergence"]
    assert js["feature"] == "a"
    assert js["value"] == report["features"][0]["metrics"]["js_divergence"]["value"]
    assert js["unit"] == "bits"
    assert extra["report_path"] == "/r.json"


@pytest.mark.usefixtures("airflow_db")
def test_airflow_providers_list_cli_shows_driftkl():
    """`airflow providers list` (the real CLI) lists driftkl and its version."""
    proc = subprocess.run(
        [sys.executable, "-m", "airflow", "providers", "list", "--output", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rows = json.loads(proc.stdout[proc.stdout.index("[") :])
    (row,) = [r for r in rows if r["package_name"] == "driftkl"]
    assert row["version"] == driftkl.__version__


def test_report_and_profile_round_trip_through_object_storage_urls(tmp_path):
    """write_text / resolve_reference accept file:// URLs through Airflow's ObjectStoragePath."""
    frame = pd.DataFrame({"a": ["x", "y"] * 50})
    url = f"file://{tmp_path}/store/ref.profile.json"
    assert write_text(url, driftkl.profile(frame).to_json()) == url
    prof = resolve_reference(url)
    assert isinstance(prof, driftkl.Profile)
    assert prof.names == ("a",)
    assert resolve_reference(str(tmp_path / "data.parquet")) == str(tmp_path / "data.parquet")
