# syntax=docker/dockerfile:1
# Build: docker build -t comptoir .
# Run:   docker run --env-file comptoir.env -p 8000:8000 comptoir
#   where comptoir.env sets DATABASE_URL, REDIS_URL and the secrets without which the process
#   refuses to start (DJANGO_DEBUG is off): DJANGO_SECRET_KEY, JWT_SIGNING_KEY (another value),
#   STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, POS_JOURNAL_SECRET and WOOCOMMERCE_FERNET_KEY.
#   See docs/operations.md#secrets.
# --- builder: the virtualenv, with what a package without a wheel would need to compile ------
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# --- final: the venv, the code, the static files; no compiler, not root -----------------------
# (psycopg[binary] carries its own libpq.)
FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings
# WeasyPrint (invoice PDFs) loads pango and needs fonts at run time.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 comptoir
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY --chown=comptoir:comptoir . /app
USER comptoir
# Static files at build time (no database needed); var/ stays writable for media.
# (DJANGO_DEBUG=1 for this build step only: no secret is needed, none is baked into the image.)
RUN DJANGO_DEBUG=1 python manage.py collectstatic --noinput -v0
EXPOSE 8000
# The same image runs the worker (celery -A config worker) and beat (celery -A config beat).
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--access-logfile", "-"]
