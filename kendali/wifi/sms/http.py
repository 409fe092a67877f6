"""A generic HTTP SMS gateway: POST JSON {"to", "message"} with a bearer token to
``KENDALI_WIFI_SMS_URL``; any 2xx is success."""

from __future__ import annotations

import httpx

from kendali.wifi import conf


class SmsGatewayError(RuntimeError):
    pass


class HttpBackend:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 5.0):
        self.url = url or conf.sms_gateway_url()
        self.token = token if token is not None else conf.sms_gateway_token()
        self.timeout = timeout
        if not self.url:
            raise SmsGatewayError("KENDALI_WIFI_SMS_URL is not set")

    def send(self, *, to: str, message: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = httpx.post(
                self.url,
                json={"to": to, "message": message},
                headers=headers,
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise SmsGatewayError(f"SMS gateway unreachable: {exc.__class__.__name__}") from exc
        if response.status_code // 100 != 2:
            # The status and the start of the body (gateways explain there); never the message,
            # which holds the one-time code.
            raise SmsGatewayError(
                f"SMS gateway answered {response.status_code}: {response.text[:200]}"
            )
