"""The bundled components and indicators: shape, ISO references, live sources."""

import pytest

from kendali.core.registry import get_figure
from kendali.indicators.catalogue import CatalogueError, catalogue, parse


def test_eight_components_smart_government_leading():
    cat = catalogue()
    codes = [c.code for c in cat.components]
    assert len(codes) == 8
    assert codes[0] == "pemerintahan" and cat.components[0].leading
    assert {c.name_en for c in cat.components} == {
        "Smart government",
        "Smart living",
        "Smart healthcare",
        "Smart mobility",
        "Smart technology",
        "Smart infrastructure",
        "Smart building",
        "Smart economy",
    }
    assert all(c.name_id and c.name_en for c in cat.components)


def test_every_indicator_is_complete():
    for i in catalogue().indicators:
        assert i.code and i.name_id and i.name_en and i.unit and i.computation, i.code
        # The overview's label: short enough for one or two lines of a 1366 px column.
        assert 0 < len(i.short_id) <= 28 and 0 < len(i.short_en) <= 30, i.code
        assert i.direction in ("higher", "lower")
        assert i.minimum < i.maximum
        if i.is_live:
            assert i.figure and not i.opd
        else:
            assert i.opd and not i.figure
        if i.iso:
            assert i.iso.standard in ("ISO 37120", "ISO 37122")
            assert i.iso.edition in ("2014", "2018", "2019"), i.code


def test_three_live_indicators_in_every_component():
    cat = catalogue()
    for component in cat.components:
        live = [i for i in cat.of_component(component.code) if i.is_live]
        assert len(live) >= 3, component.code
    # The economy's live figures come from the modules that hold the data: goods let under
    # sewa/KSP (assets) and the parks' visitors (Wi-Fi); the rest is entered by its OPDs.
    economy = {i.figure.split(".")[0] for i in cat.of_component("ekonomi") if i.is_live}
    assert economy == {"assets", "wifi"}


def test_every_live_figure_is_registered_with_its_unit():
    """Every module is installed here, so a figure key the catalogue names and no module
    registers is a typo that would show "no data" for good."""
    for i in catalogue().indicators:
        if i.is_live:
            figure = get_figure(i.figure)
            assert figure is not None, (i.code, i.figure)
            assert figure.unit == i.unit, (i.code, figure.unit, i.unit)


def test_a_broken_catalogue_is_refused():
    doc = {
        "components": [{"code": "a", "name_id": "A", "name_en": "A", "order": 1}],
        "indicators": [
            {
                "code": "X-1",
                "component": "b",
                "name_id": "x",
                "name_en": "x",
                "unit": "%",
                "direction": "higher",
                "computation": "x",
                "source": {"kind": "entered", "opd": "dinkes"},
                "range": [0, 100],
            }
        ],
    }
    with pytest.raises(CatalogueError):
        parse(doc)
