from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.wifi import crypto, radius_cache, services
from kendali.wifi.api import RadiusTokenAuth
from kendali.wifi.models import Subscriber

MB = 1024 * 1024
NAS_IP = "10.60.1.1"
SECRET = "rahasia-radius-uji-123"


@pytest.fixture(autouse=True)
def _sms_in_the_commit_callback(settings):
    # The OTP SMS leaves through the core outbox; deliver it in the commit callback so a
    # test sees the result without waiting on the background pool.
    settings.KENDALI_NOTIFIERS_INLINE = True


@pytest.fixture(autouse=True)
def _fresh_caches():
    radius_cache.clear()
    RadiusTokenAuth._verified.clear()
    yield
    radius_cache.clear()
    RadiusTokenAuth._verified.clear()


@pytest.fixture
def system():
    return Actor.system("test")


@pytest.fixture
def group(db, system):
    return services.quota_group_save(
        actor=system,
        name="Reguler",
        daily_seconds=3600,
        daily_octets=100 * MB,
        monthly_octets=1000 * MB,
        simultaneous_use=1,
        rate_down_kbps=2000,
        rate_up_kbps=512,
        is_default=True,
    )


@pytest.fixture
def park(db, system):
    # Alun-alun Kota Serang
    return services.park_save(actor=system, name="Alun-alun Kota Serang", lat=-6.1196, lon=106.1537)


@pytest.fixture
def ap(park, system):
    return services.access_point_save(
        actor=system,
        park=park,
        name="Alun-alun Utara",
        mac="48:8f:5a:00:00:01",
        nas_ip=NAS_IP,
        ssid="Serang-Free-WiFi",
        secret=SECRET,
        heartbeat_interval=60,
    )


@pytest.fixture
def make_subscriber(group):
    def make(username="puji0001", credential="kredensial-uji-0001", **extra):
        return Subscriber.objects.create(
            username=username,
            kind="phone",
            group=extra.pop("group", group),
            credential_digest=crypto.keyed_digest(credential, purpose="credential"),
            **{"credential_expires_at": timezone.now() + timedelta(hours=5), **extra},
        )

    return make


@pytest.fixture
def radius_token(db, system):
    from kendali.core.services import token_create

    _, plain = token_create(actor=system, name="FreeRADIUS", scopes=["radius"])
    return plain


@pytest.fixture
def radius(radius_token, ap):
    """Calls the RADIUS endpoints as FreeRADIUS does (token + NAS header)."""
    import json

    client = Client()

    def call(endpoint: str, attrs: dict, *, nas: str = NAS_IP, token: str | None = None, **headers):
        return client.post(
            f"/api/v1/wifi/radius/{endpoint}",
            data=json.dumps({k: {"type": "string", "value": [v]} for k, v in attrs.items()}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token or radius_token}",
            HTTP_X_KENDALI_NAS=nas,
            **headers,
        )

    return call
