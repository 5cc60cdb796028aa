# The service image: the wheel with its server extra, run as a non-root user, migrated on start.
# Not built on the development machine (no Docker engine there); tests/deploy/test_container.py builds it where
# `docker info` answers.
FROM python:3.11-slim AS wheel
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --no-deps -w /wheels .

FROM python:3.11-slim
RUN useradd --system --create-home --home-dir /var/lib/inventory inventory
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir "$(ls /wheels/endpoint_inventory-*.whl)[server]" && rm -rf /wheels
USER inventory
WORKDIR /var/lib/inventory
ENV INVENTORY_HOST=0.0.0.0 \
    INVENTORY_DATABASE_URL=sqlite:////var/lib/inventory/inventory.db
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# `migrate` is idempotent; with several replicas, run it once as a one-shot instead (docs/install.md).
CMD ["sh", "-c", "inventory-api migrate && exec inventory-api serve"]
