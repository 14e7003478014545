"""The application as gunicorn serves it, plus the benchmark's baseline page."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mcs_admin.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
