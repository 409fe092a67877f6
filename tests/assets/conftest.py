"""BMD fixtures: the code tree, example settings, and one person per BMD role in two OPDs."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import pytest
import time_machine

from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, Role
from tests.conftest import login_client

BMD_USERS = {
    # name: (role, agency code)
    "pengurus_a": (Role.BMD_PENGURUS, "dpupr"),
    "pengguna_a": (Role.BMD_PENGGUNA, "dpupr"),
    "pengurus_b": (Role.BMD_PENGURUS, "damkar"),
    "pengguna_b": (Role.BMD_PENGGUNA, "damkar"),
    "bpkad": (Role.BMD_PENATAUSAHAAN, "bpkad"),
    "bpkad2": (Role.BMD_PENATAUSAHAAN, "bpkad"),
    "sekda": (Role.BMD_PENGELOLA, None),
}


@pytest.fixture(autouse=True)
def _clock():
    # 2026-07-15 10:00 WIB: 2026-S1 has ended, 2026-S2 is under way.
    with time_machine.travel("2026-07-15 03:00:00+00:00", tick=False):
        yield


@pytest.fixture
def codes(db):
    from kendali.assets import services

    system = Actor.system("test")
    services.codes_load_bundled(actor=system)
    data = files("kendali.assets").joinpath("data/contoh_pengaturan.csv").read_bytes()
    services.settings_import_csv(actor=system, data=data)
    ext = files("kendali.assets").joinpath("data/contoh_perpanjangan.csv").read_bytes()
    services.life_extensions_import_csv(actor=system, data=ext)


@pytest.fixture
def bmd(users, agencies, codes):
    from django.contrib.auth.models import Group

    from kendali.core.models import Agency, User

    agencies["bpkad"] = Agency.objects.create(
        code="bpkad", name="BPKAD Kota Serang", short_name="BPKAD", kind=AgencyKind.OPD
    )
    made = {}
    for name, (role, code) in BMD_USERS.items():
        user = User.objects.create(username=name, full_name=name, agency=agencies.get(code))
        user.groups.add(Group.objects.get(name=role))
        made[name] = user
    return {"users": made, "agencies": agencies}


@pytest.fixture
def bmd_actor(bmd):
    def make(name: str) -> Actor:
        return Actor(user=bmd["users"][name], ip="127.0.0.1")

    return make


@pytest.fixture
def bmd_client(bmd):
    def make(name: str):
        return login_client(bmd["users"][name])

    return make


@pytest.fixture
def laptop(bmd, bmd_actor):
    """An approved notebook of DPUPR bought at the start of 2025."""
    from kendali.assets import services

    item = services.item_draft(
        actor=bmd_actor("pengurus_a"),
        agency=bmd["agencies"]["dpupr"],
        code="1.3.2.10.01.02.003",
        name="Notebook Lenovo ThinkPad E14",
        acquisition_date=date(2025, 1, 10),
        value="16000000",
        details={"merk_tipe": "Lenovo ThinkPad E14", "nomor_pabrik": "PF-1234"},
    )
    entry = item.entries.get()
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=entry.pk)
    item.refresh_from_db()
    return item
