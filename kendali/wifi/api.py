"""API of the Wi-Fi module.

* ``/api/v1/wifi/radius/{authorize,post-auth,accounting}``: FreeRADIUS 3 ``rlm_rest`` with
  ``body = json`` (its own attribute encoding). The caller is FreeRADIUS holding a token of
  scope ``radius``; the NAS is the packet source FreeRADIUS saw, passed in the
  ``X-Kendali-NAS`` header, and must be a registered access point.
* ``/api/v1/wifi/heartbeat``: a sign of life from an access point (token scope ``radius``).
* ``/api/v1/wifi/parks``: parks with their hotspots for people with ``wifi.view_park``.
"""

from __future__ import annotations

import json
import logging
import time

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import AuthenticationError

from kendali.core import tokens
from kendali.core.apiauth import SessionAuth, TokenAuth, access, actor_of
from kendali.core.errors import NotAllowed, NotFound
from kendali.core.geo import normalize_mac
from kendali.wifi import radius_cache, selectors, services
from kendali.wifi.choices import RadiusProblem
from kendali.wifi.models import AccessPoint

logger = logging.getLogger(__name__)
radius_router = Router(tags=["wifi-radius"])
router = Router(tags=["wifi"])
routers = [("/wifi/radius", radius_router), ("/wifi", router)]


class RadiusTokenAuth(TokenAuth):
    """Token check for the RADIUS hot path: a verified token is remembered for a few
    seconds per process (so a revocation takes effect within TOKEN_CACHE_SECONDS) instead
    of one database lookup per RADIUS packet."""

    TOKEN_CACHE_SECONDS = 5.0
    _verified: dict[str, tuple[float, object]] = {}

    def authenticate(self, request, token):
        key = tokens.digest(token)
        hit = self._verified.get(key)
        now = time.monotonic()
        if hit and hit[0] > now:
            request.machine_token = hit[1]
            return hit[1]
        try:
            found = super().authenticate(request, token)
        except (AuthenticationError, NotAllowed):
            logger.warning(
                "wifi radius: refused token %s… from %s",
                token[:12],
                request.META.get("REMOTE_ADDR"),
            )
            raise
        if len(self._verified) > 1000:
            self._verified.clear()
        self._verified[key] = (now + self.TOKEN_CACHE_SECONDS, found)
        return found


# Machine tokens of scope "radius" only; people (even administrators) are refused.
RADIUS_AUTH = [RadiusTokenAuth("radius"), SessionAuth((), people=False)]


def _attributes(request) -> dict:
    """rlm_rest JSON: {"Attr": {"type": ..., "value": [v, ...]}} → {"Attr": v}. Plain
    {"Attr": v} is accepted too (handy for tests and other RADIUS servers)."""
    data = json.loads(request.body or b"{}")
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    flat = {}
    for key, value in data.items():
        if isinstance(value, dict) and "value" in value:
            value = value["value"]
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else value
        flat[str(key)] = value
    return flat


def _nas(request):
    source = request.headers.get("X-Kendali-NAS", "").strip()
    ap = radius_cache.access_point_for(source) if source else None
    if ap is None:
        services.radius_problem(
            kind=RadiusProblem.UNKNOWN_NAS,
            source_ip=source or request.META.get("REMOTE_ADDR"),
            reason=f"NAS {source or '(tanpa alamat)'} tidak terdaftar",
        )
    return ap


def _unknown_nas() -> JsonResponse:
    # 403 → rlm_rest "userlock" (authorize) / "invalid" (accounting): the request fails.
    return JsonResponse({"reply:Reply-Message": _("Titik akses tidak terdaftar.")}, status=403)


@radius_router.post("/authorize", auth=RADIUS_AUTH, include_in_schema=True)
def authorize(request):
    ap = _nas(request)
    if ap is None:
        return _unknown_nas()
    try:
        attrs = _attributes(request)
    except ValueError:
        return JsonResponse({"reply:Reply-Message": _("Permintaan tidak valid.")}, status=400)
    answer = services.radius_authorize(
        ap=ap,
        username=str(attrs.get("User-Name") or ""),
        password=str(attrs.get("User-Password") or ""),
    )
    if answer.accept:
        body = {"control:Auth-Type": "Accept"}
        body.update({f"reply:{k}": v for k, v in answer.reply.items()})
        return JsonResponse(body)
    # Every decision answers 200 with Auth-Type Reject and the Reply-Message, so the NAS
    # (and the portal behind it) shows the reason; 4xx under /api/ become problem+json,
    # which rlm_rest cannot turn into RADIUS attributes.
    return JsonResponse({"control:Auth-Type": "Reject", "reply:Reply-Message": answer.message})


@radius_router.post("/post-auth", auth=RADIUS_AUTH)
def post_auth(request):
    ap = _nas(request)
    if ap is None:
        return _unknown_nas()
    try:
        attrs = _attributes(request)
    except ValueError:
        return JsonResponse({}, status=400)
    rejected = (
        request.headers.get("X-Kendali-Result", "").lower() == "reject"
        or str(attrs.get("Packet-Type") or "") == "Access-Reject"
    )
    services.radius_post_auth(
        ap=ap,
        username=str(attrs.get("User-Name") or ""),
        accepted=not rejected,
        reason=request.headers.get("X-Kendali-Reason", "") or str(attrs.get("Reply-Message") or ""),
    )
    return JsonResponse({}, status=200)


@radius_router.post("/accounting", auth=RADIUS_AUTH)
def accounting(request):
    ap = _nas(request)
    if ap is None:
        return _unknown_nas()
    try:
        attrs = _attributes(request)
        outcome = services.radius_accounting(actor=actor_of(request), ap=ap, attrs=attrs)
    except ValueError as exc:
        # Malformed accounting is recorded as an error and no session is touched.
        services.radius_problem(
            kind=RadiusProblem.MALFORMED,
            source_ip=ap.nas_ip,
            ap=ap,
            reason=str(exc),
            payload={"body": request.body[:2000].decode(errors="replace")},
        )
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({}, status=201 if outcome == "created" else 200)


class HeartbeatIn(Schema):
    mac: str


@router.post("/heartbeat", auth=RADIUS_AUTH, response={204: None})
def heartbeat(request, payload: HeartbeatIn):
    ap = AccessPoint.objects.filter(mac=normalize_mac(payload.mac) or "").first()
    if ap is None:
        raise NotFound(_("Titik akses dengan MAC ini tidak terdaftar."))
    services.access_point_heartbeat(actor=actor_of(request), ap=ap)
    return 204, None


@router.get("/parks", auth=access(perm="wifi.view_park"))
def parks(request):
    return selectors.parks_overview(actor=actor_of(request))
