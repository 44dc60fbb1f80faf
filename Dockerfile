FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Noto Sans CJK: charts draw Chinese titles and labels (a campaign in zh-CN).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY warroom_bot ./warroom_bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY models ./models
RUN pip install . && rm -rf /src \
    && useradd --create-home --uid 10001 warroom \
    && mkdir -p /data && chown warroom /data

USER warroom
WORKDIR /home/warroom
# SQLite by default, on a volume; set DATABASE_URL=postgresql+asyncpg://… for PostgreSQL.
ENV DATABASE_URL=sqlite+aiosqlite:////data/warroom.db
VOLUME /data
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

CMD ["warroom", "serve", "--host", "0.0.0.0", "--port", "3000"]
