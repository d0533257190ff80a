"""PushgatewayHook: connection (AIRFLOW_CONN_*) -> Pushgateway URL, auth and TLS settings."""

from __future__ import annotations

import inspect
import json
from importlib.resources import files

import jsonschema
import pytest
from airflow.providers_manager import ProvidersManager
from airflow.sdk import BaseHook, Connection

from driftkl.integrations.airflow import PushgatewayHook, get_provider_info
from driftkl.integrations.airflow.hooks.pushgateway import (
    TLS_EXTRAS,
    PushgatewayTarget,
    pushgateway_url,
)

pytestmark = pytest.mark.airflow


def _connection_type() -> dict:
    (entry,) = get_provider_info()["connection-types"]
    return entry


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("http://pushgateway:9091", "http://pushgateway:9091"),
        ("https://gw.example.com:443", "https://gw.example.com:443"),
        ("http://localhost", "http://localhost"),
        ("driftkl-pushgateway://gw:9091", "http://gw:9091"),
        ("driftkl-pushgateway://gw.example.com:9443/https", "https://gw.example.com:9443"),
    ],
)
def test_pushgateway_url_from_airflow_connection(uri, expected):
    """An AIRFLOW_CONN_* style URI (http, https or driftkl-pushgateway) gives the gateway URL."""
    assert pushgateway_url(Connection.from_uri(uri, conn_id="gw")) == expected


def test_http_connection_from_env_gives_url_without_auth(monkeypatch):
    """The documented AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY='http://...' still works, with no auth."""
    monkeypatch.setenv("AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY", "http://pushgateway:9091")
    target = PushgatewayHook("driftkl_pushgateway").get_conn()
    assert target == PushgatewayTarget(url="http://pushgateway:9091")
    assert target.push_kwargs()["gateway"] == "http://pushgateway:9091"
    assert target.push_kwargs()["username"] is None


def test_own_connection_type_from_env_gives_url_auth_and_tls(monkeypatch):
    """A driftkl-pushgateway:// URI gives https from its schema, basic auth and TLS extras."""
    monkeypatch.setenv(
        "AIRFLOW_CONN_GW_TLS",
        "driftkl-pushgateway://ops%40team:s%40cret@gw.example.com:9443/https"
        "?cafile=%2Fetc%2Fca.pem&certfile=%2Fc.pem&keyfile=%2Fk.pem&insecure_skip_verify=false",
    )
    hook = PushgatewayHook("gw_tls")
    assert BaseHook.get_connection("gw_tls").conn_type == PushgatewayHook.conn_type
    assert hook.get_conn().push_kwargs() == {
        "gateway": "https://gw.example.com:9443",
        "username": "ops@team",
        "password": "s@cret",
        "cafile": "/etc/ca.pem",
        "certfile": "/c.pem",
        "keyfile": "/k.pem",
        "insecure_skip_verify": False,  # the string "false" is not truthy here
    }


def test_json_connection_with_url_host_and_prefixed_extras(monkeypatch):
    """A JSON connection whose host is a URL is used as is; UI-prefixed extras are read too."""
    extra = {"extra__driftkl_pushgateway__cafile": "/ca.pem", "insecure_skip_verify": True}
    monkeypatch.setenv(
        "AIRFLOW_CONN_GW_JSON",
        json.dumps(
            {"conn_type": "driftkl_pushgateway", "host": "https://gw.example.com/", "extra": extra}
        ),
    )
    target = PushgatewayHook("gw_json").get_conn()
    assert target.url == "https://gw.example.com"
    assert target.cafile == "/ca.pem"
    assert target.insecure_skip_verify is True


def test_password_without_login_is_not_sent_and_never_shown(monkeypatch):
    """Basic auth needs a login; the password never appears in the target's repr."""
    monkeypatch.setenv("AIRFLOW_CONN_GW_PW", "http://:hunter2@gw:9091")
    assert PushgatewayHook("gw_pw").get_conn().password is None
    shown = PushgatewayTarget(url="http://gw", username="u", password="hunter2")  # noqa: S106
    assert "hunter2" not in repr(shown)


def test_push_kwargs_are_arguments_of_the_prometheus_push():
    """Every key the hook hands over is a parameter of push_report and push_failure."""
    prom = pytest.importorskip("driftkl.integrations.prometheus")
    keys = set(PushgatewayTarget(url="http://gw").push_kwargs())
    assert keys <= set(inspect.signature(prom.push_report).parameters)
    assert keys - {"gateway"} <= set(inspect.signature(prom.push_failure).parameters)


def test_provider_connection_type_matches_the_hook():
    """get_provider_info() names the hook, its type and its extras as the hook class does."""
    entry = _connection_type()
    assert entry["hook-class-name"] == f"{PushgatewayHook.__module__}.{PushgatewayHook.__name__}"
    assert entry["connection-type"] == PushgatewayHook.conn_type == "driftkl_pushgateway"
    assert entry["hook-name"] == PushgatewayHook.hook_name
    assert set(entry["conn-fields"]) == set(TLS_EXTRAS)
    assert PushgatewayHook.default_conn_name.startswith(PushgatewayHook.conn_type)


def test_provider_connection_type_validates_against_provider_yaml_schema():
    """The connection-types entry, form fields included, fits the provider.yaml schema."""
    schema = json.loads(files("airflow").joinpath("provider.yaml.schema.json").read_text())
    jsonschema.validate([_connection_type()], schema["properties"]["connection-types"])


def test_connection_of_the_type_builds_the_hook(monkeypatch):
    """Airflow's Connection.get_hook() turns a driftkl_pushgateway connection into the hook."""
    monkeypatch.setenv("AIRFLOW_CONN_GW_HOOK", "driftkl-pushgateway://gw:9091")
    hook = BaseHook.get_hook("gw_hook")
    assert isinstance(hook, PushgatewayHook)
    assert hook.pushgateway_conn_id == "gw_hook"
    assert hook.get_conn().url == "http://gw:9091"


@pytest.mark.usefixtures("airflow_db")
def test_connection_form_metadata_reaches_the_ui():
    """The UI metadata lists the type with its hook name and relabelled fields."""
    (meta,) = [
        m
        for m in ProvidersManager().iter_connection_type_hook_ui_metadata()
        if m.connection_type == "driftkl_pushgateway"
    ]
    assert meta.hook_name == PushgatewayHook.hook_name
    assert meta.hook_class_name == _connection_type()["hook-class-name"]
    assert meta.field_behaviour["relabeling"]["schema"] == "Scheme (http or https)"
