"""FreeRADIUS 3 + rlm_rest → a live Kendali: the configuration rendered by
`kendali radius config`, packets sent with radclient. Skips locally when FreeRADIUS cannot
be installed; fails in CI (KENDALI_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from kendali.wifi.models import RadiusEvent, RadiusSession
from tests.conftest import REQUIRE_SERVICES
from tests.wifi import freeradius
from tests.wifi.conftest import MB, SECRET

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(tmp_path, live_server, ap, radius_token, settings):
    if freeradius.ensure_installed() is None:
        message = "FreeRADIUS (freeradius, freeradius-rest, radclient) not installable here"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (required: KENDALI_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    settings.SECURE_SSL_REDIRECT = False  # rlm_rest talks plain HTTP to the loopback server
    # FreeRADIUS sends from loopback; the access point under test is the loopback NAS.
    ap.nas_ip = "127.0.0.1"
    ap.save(update_fields=["nas_ip"])
    auth_port, acct_port = freeradius.free_udp_port(), freeradius.free_udp_port()
    raddb = tmp_path / "raddb"
    call_command(
        "radius_config",
        target=str(raddb),
        url=live_server.url,
        token=radius_token,
        auth_port=auth_port,
        acct_port=acct_port,
        standalone=True,
        threads=4,
        no_tls_check=True,
    )
    assert f'secret = "{SECRET}"' in (raddb / "clients.kendali.conf").read_text()
    with freeradius.FreeRadius(raddb, debug=True) as fr:
        fr.auth_port, fr.acct_port = auth_port, acct_port
        yield fr


def _auth(server, user, password):
    reply, out = freeradius.radclient(
        {"User-Name": user, "User-Password": password}, port=server.auth_port, secret=SECRET
    )
    return reply, out


def _acct(server, **attrs):
    reply, out = freeradius.radclient(
        {k.replace("_", "-"): v for k, v in attrs.items()},
        port=server.acct_port,
        secret=SECRET,
        kind="acct",
    )
    assert reply == "Accounting-Response", out + server.output()[-3000:]


def test_accept_reject_and_accounting_through_freeradius(server, make_subscriber):
    make_subscriber()
    reply, out = _auth(server, "puji0001", "kredensial-uji-0001")
    assert reply == "Access-Accept", out + server.output()[-3000:]
    assert "Mikrotik-Rate-Limit" in out and "Session-Timeout = 3600" in out

    reply, out = _auth(server, "puji0001", "tebakan-salah")
    assert reply == "Access-Reject", out
    assert "salah" in out

    base = {"User_Name": "puji0001", "Acct_Session_Id": "80F00001", "Calling_Station_Id": "AA-BB"}
    _acct(server, Acct_Status_Type="Start", **base)
    _acct(
        server,
        Acct_Status_Type="Interim-Update",
        Acct_Session_Time=60,
        Acct_Input_Octets=1500,
        Acct_Output_Octets=20000,
        **base,
    )
    session = RadiusSession.objects.get()
    assert (session.input_octets, session.output_octets, session.stopped_at) == (1500, 20000, None)
    _acct(
        server,
        Acct_Status_Type="Stop",
        Acct_Session_Time=120,
        Acct_Input_Octets=3000,
        Acct_Output_Octets=100 * MB,
        Acct_Terminate_Cause="User-Request",
        **base,
    )
    session.refresh_from_db()
    assert session.output_octets == 100 * MB and session.stopped_at is not None

    # 100 MB used: the daily data quota is exhausted and the reason reaches the NAS.
    reply, out = _auth(server, "puji0001", "kredensial-uji-0001")
    assert reply == "Access-Reject", out
    assert "Kuota data harian" in out
    # post-auth recorded both refusals.
    reasons = list(RadiusEvent.objects.filter(kind="auth").values_list("reason", flat=True))
    assert any("Kuota" in r for r in reasons) and len(reasons) == 2
