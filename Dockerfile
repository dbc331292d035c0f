# PESEM dashboard image: gunicorn serving app:server on port 8050 (same gunicorn.conf.py and start
# command as `make run`). One replica of deploy/compose.yaml and deploy/k8s/ (README, "Deploy").
# Not built on the machine where it was written (no Docker engine there).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8050 \
    BIND_ALL=1 \
    WEB_CONCURRENCY=2 \
    BROWSER_PATH=/usr/bin/chromium

# Debian's Chromium lets kaleido render the "Descargar todos los gráficos" ZIP on the server
# (without it the button explains that it is unavailable); DejaVu gives it the fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin pesem
WORKDIR /app
# The app writes derived files under /app/.cache (the static chart pictures): the user owns /app.
RUN chown pesem:pesem /app

COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt

COPY --chown=pesem:pesem . .

USER pesem
EXPOSE 8050
# /healthz answers once the data is loaded (python: the slim image has no curl).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8050'), timeout=3).status != 200)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:server"]
