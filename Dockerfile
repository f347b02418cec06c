# syntax=docker/dockerfile:1
# Build: docker build -t comptoir .   Run: docker run -e DATABASE_URL=... -e REDIS_URL=... -p 8000:8000 comptoir
FROM python:3.11-slim-bookworm AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

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
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
USER comptoir
EXPOSE 8000
# The same image runs the worker (celery -A config worker) and beat (celery -A config beat).
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
