"""Rules and variables made without hand-written JSON: the rule form and the variable form
of the device page, and the rules API (create, change, delete), all through the services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from kendali.core.models import AuditEntry
from kendali.sensors import incidentlink
from kendali.sensors.models import Alarm, Reading, Rule, Variable
from kendali.sensors.services import readings_ingest, rule_save
from tests.sensors.conftest import T0, readings


@pytest.fixture(autouse=True)
def no_incidents(monkeypatch):
    monkeypatch.setattr(incidentlink, "open_incident", lambda **kw: (None, "", "uji"))


def api(client, method, path, body=None):
    return client.generic(
        method,
        f"/api/v1/sensors{path}",
        json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


BANDS = {
    "device": "tma-kasemen-01",
    "name": "Tingkat banjir",
    "kind": "bands",
    "variable": "currentLevel",
    "waspada": 1.5,
    "siaga": 2.0,
    "awas": 2.5,
    "open_incident": True,
    "incident_agencies": ["bpbd"],
}


def test_rules_api_create_change_delete(device, clients, system):
    operator = clients["operator"]
    created = api(operator, "POST", "/rules", BANDS)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["kind"], rule["awas"], rule["incident_agencies"]) == ("bands", 2.5, ["bpbd"])
    assert rule["incident_level"] == "awas"  # model default for what was not sent
    # the same name again updates that rule (the JSON import's upsert)
    again = api(operator, "POST", "/rules", {**BANDS, "awas": 2.8})
    assert again.status_code == 200 and again.json()["id"] == rule["id"]
    assert Rule.objects.get().awas == 2.8
    # PUT: renamed, one field changed, the others kept
    changed = api(operator, "PUT", f"/rules/{rule['id']}", {"name": "Banjir Kasemen", "siaga": 2.1})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["name"], changed.json()["siaga"], changed.json()["waspada"]) == (
        "Banjir Kasemen",
        2.1,
        1.5,
    )
    listed = api(clients["dispatcher"], "GET", "/rules")
    assert [r["name"] for r in listed.json()] == ["Banjir Kasemen"]
    # the rule works: a reading above awas raises its alarm
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        readings_ingest(actor=system, items=readings(device.code, [2.9]))
    alarm = Alarm.objects.get()
    assert alarm.level == "awas" and alarm.status == "active"
    # delete: the rule is gone and its open alarm is cleared (nothing could clear it now)
    assert api(operator, "DELETE", f"/rules/{rule['id']}").status_code == 204
    alarm.refresh_from_db()
    assert not Rule.objects.exists() and alarm.status == "cleared"
    assert set(
        AuditEntry.objects.filter(action__startswith="sensors.rule.").values_list(
            "action", flat=True
        )
    ) == {"sensors.rule.create", "sensors.rule.update", "sensors.rule.delete"}
    assert api(operator, "DELETE", f"/rules/{rule['id']}").status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"waspada": 3.0}, "bands"),
        ({"duration_seconds": -5}, "duration_seconds"),
        ({"incident_agencies": ["tidak-ada"]}, "incident_agencies"),
        ({"incident_priority": "P9"}, "incident_priority"),
        ({"variable": "pm25"}, "variable"),
        ({"kind": "sihir"}, "kind"),
        ({"threshold": 1e300}, "threshold"),
    ],
)
def test_rules_api_refuses_bad_fields_with_reasons(device, clients, change, field):
    response = api(clients["operator"], "POST", "/rules", {**BANDS, **change})
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in json.dumps(response.json())
    assert not Rule.objects.exists()


def test_renaming_onto_another_rule_is_refused(device, clients, system):
    rule_save(actor=system, device=device, name="Mati", kind="offline")
    rule = api(clients["operator"], "POST", "/rules", BANDS).json()
    response = api(clients["operator"], "PUT", f"/rules/{rule['id']}", {"name": "Mati"})
    assert response.status_code == 422
    assert Rule.objects.filter(name="Mati").count() == 1


def test_rule_form_on_the_device_page(device, clients, system):
    url = f"/sensor/perangkat/{device.code}/"
    page = clients["operator"].get(url).content.decode()
    assert 'id="rule-form"' in page and 'name="waspada"' in page
    # read-only roles see the rules but not the form
    assert 'id="rule-form"' not in clients["dispatcher"].get(url).content.decode()
    form = {
        "name": "Di atas siaga 10 menit",
        "kind": "threshold",
        "variable": "currentLevel",
        "operator": "above",
        "threshold": "2.0",
        "duration_seconds": "600",
        "window_seconds": "0",
        "level": "siaga",
        "incident_level": "awas",
        "incident_type": "banjir",
        "incident_priority": "P1",
        "is_active": "on",
    }
    response = clients["operator"].post(url + "aturan/", form, follow=True)
    assert response.redirect_chain and "Di atas siaga 10 menit" in response.content.decode()
    rule = Rule.objects.get()
    assert (rule.kind, rule.threshold, rule.duration_seconds, rule.level) == (
        "threshold",
        2.0,
        600,
        "siaga",
    )
    assert AuditEntry.objects.filter(action="sensors.rule.create", object_id=str(rule.pk)).exists()
    # the edit link fills the form with the rule
    edit = clients["operator"].get(f"{url}?aturan={rule.pk}").content.decode()
    assert f'name="rule_id" value="{rule.pk}"' in edit and 'value="600"' in edit
    clients["operator"].post(
        url + "aturan/",
        {**form, "rule_id": rule.pk, "name": "Siaga 5 menit", "duration_seconds": "300"},
    )
    rule.refresh_from_db()
    assert (rule.name, rule.duration_seconds) == ("Siaga 5 menit", 300)
    assert Rule.objects.count() == 1
    # a bad rule: the page comes back with the reason, nothing stored
    bad = clients["operator"].post(
        url + "aturan/",
        {**form, "name": "Pita", "kind": "bands", "waspada": "2", "siaga": "1", "awas": "3"},
    )
    assert bad.status_code == 422
    assert "waspada &lt; siaga &lt; awas" in bad.content.decode()
    assert Rule.objects.count() == 1
    # delete from the page
    clients["operator"].post(f"/sensor/aturan/{rule.pk}/hapus/")
    assert not Rule.objects.exists()


def test_variable_form_on_the_device_page(make_device, clients):
    device, _ = make_device(code="umum-1", kind="generic")  # registered with no variables
    url = f"/sensor/perangkat/{device.code}/"
    assert 'id="variable-form"' in clients["operator"].get(url).content.decode()
    assert 'id="variable-form"' not in clients["supervisor"].get(url).content.decode()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        item = readings(device.code, [12.5], variable="windSpeed")
        assert (
            readings_ingest(actor=_system(), items=item).rejected[0]["code"] == "unknown-variable"
        )
        response = clients["operator"].post(
            url + "variabel/", {"name": "windSpeed", "unit": "m/s"}, follow=True
        )
        assert "windSpeed" in response.content.decode()
        assert Variable.objects.get(device=device).unit == "m/s"
        assert readings_ingest(actor=_system(), items=item).stored == 1
    assert Reading.objects.get().value == 12.5
    assert AuditEntry.objects.filter(action="sensors.variable.add").exists()
    duplicate = clients["operator"].post(url + "variabel/", {"name": "windSpeed", "unit": "km/h"})
    assert duplicate.status_code == 422 and "sudah ada" in duplicate.content.decode()
    bad = clients["operator"].post(url + "variabel/", {"name": "1 angin", "unit": ""})
    assert bad.status_code == 422
    assert Variable.objects.filter(device=device).count() == 1
    # the new variable can carry a rule made on the same page
    rule_form = {
        "name": "Angin kencang",
        "kind": "threshold",
        "variable": "windSpeed",
        "operator": "above",
        "threshold": "20",
        "duration_seconds": "0",
        "window_seconds": "0",
        "level": "waspada",
        "incident_level": "awas",
        "incident_type": "banjir",
        "incident_priority": "P1",
        "is_active": "on",
    }
    clients["operator"].post(url + "aturan/", rule_form)
    assert Rule.objects.get().variable == "windSpeed"


def _system():
    from kendali.core.actors import Actor

    return Actor.system("test")
