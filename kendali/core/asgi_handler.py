"""Django's ASGI handler, tuned for Kendali's sync views.

Measured with cProfile (bench/http_throughput.py and a profiled uvicorn): under ASGI,
Django runs every built-in middleware in async mode, crossing from the event loop into
a worker thread and back for each process_request/process_response (about 18 thread
hops per request), and starts a fresh thread per request, so each request also opened
a new database connection. This handler:

* loads the middleware chain in sync mode and enters it once, in a small pool of
  long-lived request threads (``KENDALI_REQUEST_THREADS``), each keeping its database
  connection;
* checks that thread's connections before and after each request, as Django does at
  request boundaries (a dead PostgreSQL connection is replaced, not reused);
* skips the per-request thread-sensitive context, so the few thread-sensitive calls
  (signals, the event stream's start-up checks) share one long-lived thread.

Async views such as the live event stream still work: the sync chain runs them on the
server's event loop (async_to_sync), and their streaming responses are sent by the
event loop as before.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections


class KendaliASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(
            max_workers=settings.REQUEST_THREADS, thread_name_prefix="kendali-request"
        )

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    def _respond_in_thread(self, request):
        close_old_connections()
        try:
            # BaseHandler.get_response: URLconf, middleware chain, view, closers, error log.
            return self.get_response(request)
        finally:
            close_old_connections()

    async def get_response_async(self, request):
        return await sync_to_async(
            self._respond_in_thread, thread_sensitive=False, executor=self._pool
        )(request)
