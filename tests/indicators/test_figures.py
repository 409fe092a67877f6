"""Entered figures: an OPD officer enters, a colleague approves; refusals write nothing."""

import pytest

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry
from kendali.indicators import services
from kendali.indicators.choices import FigureStatus
from kendali.indicators.models import EnteredFigure

pytestmark = pytest.mark.django_db


def _enter(actor, **kw):
    fields = {
        "indicator_code": "HLT-04",
        "year": 2025,
        "value": 112.5,
        "unit": "per 100.000 penduduk",
        "evidence": "Profil Kesehatan Kota Serang 2025, tabel 4",
    }
    fields.update(kw)
    return services.figure_enter(actor=actor, **fields)


def test_officer_enters_and_colleague_approves_with_audit(health_actors, frozen):
    a, b = health_actors
    figure = _enter(a)
    assert figure.status == FigureStatus.SUBMITTED and figure.agency.code == "dinkes"
    entry = AuditEntry.objects.get(action="indicator_figure.enter", object_id=str(figure.pk))
    assert entry.actor == a.user and entry.changes["value"] == [None, 112.5]
    services.figure_approve(actor=b, figure_id=figure.pk, note="cocok")
    figure.refresh_from_db()
    assert figure.status == FigureStatus.APPROVED and figure.reviewed_by == b.user
    entry = AuditEntry.objects.get(action="indicator_figure.approve", object_id=str(figure.pk))
    assert entry.actor == b.user
    assert entry.changes["status"] == [FigureStatus.SUBMITTED, FigureStatus.APPROVED]


def test_the_one_who_entered_may_not_approve(health_actors, frozen):
    a, _b = health_actors
    figure = _enter(a)
    with pytest.raises(NotAllowed, match="orang lain"):
        services.figure_approve(actor=a, figure_id=figure.pk)
    figure.refresh_from_db()
    assert figure.status == FigureStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="indicator_figure.approve").exists()


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"unit": "%"}, "unit", "Satuan indikator ini"),
        ({"value": 99999.0}, "value", "Nilai harus antara"),
        ({"value": -1.0}, "value", "Nilai harus antara"),
        ({"value": float("nan")}, "value", "Nilai harus antara"),
        ({"evidence": "  "}, "evidence", "bukti dukung"),
    ],
)
def test_bad_figures_are_refused_and_nothing_written(health_actors, frozen, change, field, words):
    a, _b = health_actors
    with pytest.raises(Invalid) as caught:
        _enter(a, **change)
    assert words in str(caught.value.errors[field])
    assert not EnteredFigure.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="indicator_figure").exists()


def test_an_approved_year_cannot_be_entered_again(health_actors, frozen):
    a, b = health_actors
    services.figure_approve(actor=b, figure_id=_enter(a).pk)
    with pytest.raises(Conflict, match="sudah disetujui"):
        _enter(b, value=120.0)
    assert EnteredFigure.objects.count() == 1


def test_a_waiting_year_cannot_be_entered_twice_but_a_refused_one_can(health_actors, frozen):
    a, b = health_actors
    first = _enter(a)
    with pytest.raises(Conflict, match="menunggu persetujuan"):
        _enter(b)
    with pytest.raises(Invalid):
        services.figure_reject(actor=b, figure_id=first.pk, note="")
    services.figure_reject(actor=b, figure_id=first.pk, note="Angka belum final")
    assert AuditEntry.objects.get(action="indicator_figure.reject").actor == b.user
    again = _enter(a, value=113.0)
    assert again.status == FigureStatus.SUBMITTED


def test_future_year_and_live_indicator_refused(health_actors, frozen):
    a, _b = health_actors
    with pytest.raises(Invalid, match="Tahun"):
        _enter(a, year=2027)
    with pytest.raises(Invalid, match="dihitung langsung"):
        _enter(a, indicator_code="HLT-01", unit="menit", value=10.0)


def test_other_opd_may_not_enter_nor_see(health_actors, actor_of, frozen):
    a, _b = health_actors
    with pytest.raises(NotAllowed, match="diisi oleh OPD dinkes"):
        _enter(actor_of("officer"))  # Damkar
    figure = _enter(a)
    # An officer of another OPD: the figure is outside their scope, a 404.
    with pytest.raises(NotFound):
        services.figure_approve(actor=actor_of("officer"), figure_id=figure.pk)
    with pytest.raises(NotAllowed):
        services.figure_approve(actor=actor_of("viewer"), figure_id=figure.pk)


def test_admin_enters_for_the_indicators_opd(health_actors, actor_of, frozen):
    _a, b = health_actors
    figure = _enter(actor_of("admin"))
    assert figure.agency.code == "dinkes"
    services.figure_approve(actor=b, figure_id=figure.pk)


def test_unknown_indicator(health_actors, frozen):
    a, _b = health_actors
    with pytest.raises(NotFound):
        _enter(a, indicator_code="NOPE-1")


def test_targets_with_initiatives(actor_of, frozen):
    spbe = actor_of("spbe")
    target = services.target_set(
        actor=spbe,
        indicator_code="HLT-04",
        year=2026,
        value=115,
        initiatives=["PR-2026-07", " ", "PR-2026-07", "I.4.2"],
    )
    assert target.initiatives == ["PR-2026-07", "I.4.2"]
    entry = AuditEntry.objects.get(action="indicator_target.set")
    assert entry.actor == spbe.user and entry.changes["value"] == [None, 115.0]
    services.target_set(actor=spbe, indicator_code="HLT-04", year=2026, value=120)
    assert AuditEntry.objects.filter(action="indicator_target.set").order_by("pk").last().changes[
        "value"
    ] == [
        115.0,
        120.0,
    ]
    with pytest.raises(Invalid):
        services.target_set(actor=spbe, indicator_code="HLT-04", year=2026, value=1e9)
    with pytest.raises(Invalid):
        services.target_set(
            actor=spbe, indicator_code="HLT-04", year=2026, value=1, initiatives=["<script>"]
        )
    with pytest.raises(NotAllowed):
        services.target_set(actor=actor_of("officer"), indicator_code="HLT-04", year=2026, value=1)

    from kendali.indicators.selectors import targets_for_initiative

    assert targets_for_initiative(code="PR-2026-07") == []  # the second save dropped it
    services.target_set(
        actor=spbe, indicator_code="TEC-03", year=2027, value=30, initiatives=["PR-2025-02"]
    )
    assert targets_for_initiative(code="PR-2025-02")[0]["indicator"] == "TEC-03"


def test_system_actor_has_no_person_to_enter(health_actors, frozen):
    with pytest.raises(NotAllowed):
        _enter(Actor.system("x"))
