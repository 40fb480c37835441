# One image for the migration job, the worker, the feed watcher and the dashboard (commands
# differ in compose). Every package of the distribution is copied: pip install . needs them all.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY eventwire ./eventwire
COPY common ./common
COPY worker ./worker
COPY models ./models
COPY dashboard ./dashboard
RUN pip install .
COPY data ./data
RUN useradd --create-home eventwire
USER eventwire
CMD ["eventwire", "--help"]
