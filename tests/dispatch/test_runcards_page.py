"""Supervisors set which agency sends what on a run card, and edit an existing card."""

from __future__ import annotations

from kendali.dispatch import selectors, services
from kendali.dispatch.models import RunCard


def _card(type_code="kebakaran", priority="P1"):
    card = RunCard.objects.get(incident_type__code=type_code, priority=priority)
    return [
        (line.kind, line.count, line.agency.code if line.agency else None)
        for line in card.lines.all()
    ]


def test_supervisor_saves_lines_with_agencies(clients, agencies, dinkes):
    response = clients["supervisor"].post(
        "/dispatch/kartu/",
        {
            "type_code": "kebakaran",
            "priority": "P1",
            "line_kind": ["pemadam", "ambulans", "", "patroli"],
            "line_count": ["2", "1", "3", "0"],
            "line_agency": [str(agencies["damkar"].pk), str(dinkes.pk), "", ""],
            "note": "Pasar Rau",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/dispatch/kartu/?jenis=kebakaran&prioritas=P1"
    # The empty row and the zero count are not lines.
    assert _card() == [("pemadam", 2, "damkar"), ("ambulans", 1, "dinkes")]
    page = clients["supervisor"].get(response["Location"]).content.decode()
    assert "2× Mobil pemadam (Damkar)" in page and "1× Ambulans (Dinkes)" in page
    assert "Pasar Rau" in page


def test_existing_card_prefills_the_form(clients, actor_of, agencies):
    services.runcard_save(
        actor=actor_of("supervisor"),
        type_code="banjir",
        priority="P2",
        lines=[{"kind": "bpbd", "count": 3, "agency_id": agencies["bpbd"].pk}],
        note="Kasemen",
    )
    page = clients["supervisor"].get("/dispatch/kartu/?jenis=banjir&prioritas=P2").content.decode()
    form = page[page.index('id="ubah-kartu"') :]
    assert '<option value="banjir" selected>' in form
    assert '<option value="P2" selected>' in form
    assert '<option value="bpbd" selected>' in form
    assert 'name="line_count" min="0" max="20" value="3"' in form
    assert f'<option value="{agencies["bpbd"].pk}" selected>' in form
    assert 'value="Kasemen"' in form
    # Each card row links to its editing form.
    assert "?jenis=banjir&amp;prioritas=P2#ubah-kartu" in page
    # Viewers read the cards but get no form.
    viewer = clients["viewer"].get("/dispatch/kartu/").content.decode()
    assert "ubah-kartu" not in viewer


def test_unknown_agency_is_a_message_not_an_error(clients):
    before = _card()
    response = clients["supervisor"].post(
        "/dispatch/kartu/",
        {
            "type_code": "kebakaran",
            "priority": "P1",
            "line_kind": ["pemadam"],
            "line_count": ["1"],
            "line_agency": ["bukan-angka"],
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "Instansi tidak dikenal." in response.content.decode()
    assert _card() == before


def test_line_with_an_agency_counts_only_that_agencys_units(
    fleet, make_incident, actor_of, agencies
):
    services.runcard_save(
        actor=actor_of("supervisor"),
        type_code="kebakaran",
        priority="P1",
        lines=[
            {"kind": "pemadam", "count": 1, "agency_id": agencies["bpbd"].pk},
            {"kind": "pemadam", "count": 1},
        ],
    )
    incident = make_incident(priority="P1")
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    needs = selectors.recommend(actor=actor_of("dispatcher"), incident=incident)["needs"]
    # A Damkar engine does not fill the line asking for BPBD's.
    assert [(n["agency"], n["assigned"]) for n in needs] == [("BPBD", 0), ("", 1)]
