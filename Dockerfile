# Production image: the same code and commands that CI smoke-tests natively.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    ISMS_VAR_DIR=/app/var
WORKDIR /app

# WeasyPrint (PDF) needs Pango; libpq comes with psycopg2-binary.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core xmlsec1 curl \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt . && pip uninstall -y isms-manager
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 isms && mkdir -p /app/var && chown -R isms /app/var
USER isms
EXPOSE 8000
CMD ["gunicorn", "isms.wsgi:application", "--config", "isms/gunicorn.conf.py"]
