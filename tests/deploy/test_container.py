"""The image builds and answers /readyz, where a Docker engine answers (there is none on the development machine)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def docker_answers() -> bool:
    tool = shutil.which("docker")
    return tool is not None and subprocess.run([tool, "info"], capture_output=True).returncode == 0


def test_compose_file_names_the_services_it_documents() -> None:
    text = (ROOT / "compose.yaml").read_text()
    for service in ("db:", "migrate:", "api:", "worker:"):
        assert f"\n  {service}" in text
    assert 'INVENTORY_WORKER_IN_SERVE: "false"' in text  # the worker runs apart, never twice


@pytest.mark.skipif(not docker_answers(), reason="no Docker engine answers here")
def test_image_builds_and_is_ready(tmp_path: Path) -> None:
    subprocess.run(["docker", "build", "-t", "endpoint-inventory:test", str(ROOT)], check=True)
    done = subprocess.run(
        ["docker", "run", "--rm", "endpoint-inventory:test", "sh", "-c",
         "inventory-api migrate && (inventory-api serve & sleep 5; python -c \"import urllib.request;"
         " print(urllib.request.urlopen('http://127.0.0.1:8000/readyz').status)\")"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.stdout.strip().endswith("200"), done.stderr
