"""WSGI entry point (gunicorn manabi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manabi.settings")
application = get_wsgi_application()
