"""ASGI entry point. Wraps Django to handle the lifespan protocol: background loops
start with the server (unless disabled) and stop with it."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")

import django  # noqa: E402

django.setup(set_prefix=False)

from kendali.core.startup import warm_up  # noqa: E402

# Everything imported and resolved before the server binds its socket (uvicorn imports this
# module and runs the lifespan start-up before accepting) and before the job thread starts.
warm_up()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from kendali.core import jobs  # noqa: E402
from kendali.core.asgi_handler import KendaliASGIHandler  # noqa: E402

django_application = KendaliASGIHandler()
# /static/ is answered from the installed packages' static folders before Django's
# middleware runs; every other path goes straight to Django.
static_and_django = ASGIStaticFilesHandler(django_application)


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        stop = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if settings.BACKGROUND_JOBS:
                    stop = jobs.start_in_thread()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if stop is not None:
                    stop.set()
                await send({"type": "lifespan.shutdown.complete"})
                return
    await static_and_django(scope, receive, send)
