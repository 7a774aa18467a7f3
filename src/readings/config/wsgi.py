"""WSGI entry point for gunicorn and other production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readings.config.settings")
application = get_wsgi_application()
