import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "upstander.web.settings")
application = get_wsgi_application()

from upstander.web.sealing import require_keys  # noqa: E402 (needs the settings above)

require_keys()  # any WSGI server refuses to start without the key directory, in words saying what to run
