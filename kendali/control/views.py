from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from kendali.control.apps import POST_MESSAGE, VIEW
from kendali.control.choices import MessageLevel
from kendali.control.sessions import keep_wall_session


def _control_page(template: str):
    @login_required
    def view(request):
        if not request.user.has_perm(VIEW):
            raise PermissionDenied(_("Peran Anda tidak berhak melihat ruang kendali."))
        keep_wall_session(request)
        return render(
            request,
            template,
            {
                "can_post": request.user.has_perm(POST_MESSAGE),
                "levels": MessageLevel.choices,
            },
        )

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


wall = _control_page("control/wall.html")
dashboard = _control_page("control/dashboard.html")
history = _control_page("control/history.html")
