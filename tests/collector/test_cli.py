"""The command line: run's fast path, show, schema, enroll and configuration errors."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.cli import main, run_not_due
from collector.commands import render_table
from collector.report import report_json_schema
from collector.state import State, StateStore
from tests.collector.fake_server import FakeInventoryServer

ROOT = Path(__file__).parents[2]


@pytest.fixture(autouse=True)
def _no_collector_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("INVENTORY_COLLECTOR_"):
            monkeypatch.delenv(key)


def _clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("INVENTORY_COLLECTOR_")}


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=ROOT,
        check=False,
    )


FAST_PATH_PROBE = """
import json, sys
from collector.cli import main
rc = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("collector", "psutil", "cpuinfo"))
print(json.dumps({"rc": rc, "modules": loaded}))
"""


def test_run_exits_without_gathering_until_the_next_report_time(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    store.write_node_key("nk")
    store.save(State(next_report_at=datetime.now(UTC) + timedelta(hours=1)))
    config = tmp_path / "config.toml"
    config.write_text('server = "http://127.0.0.1:9"\n')
    result = _python(FAST_PATH_PROBE, "--config", str(config), "--state-dir", str(store.directory), "run")
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["rc"] == 0
    loaded = set(probe["modules"])
    assert {"collector.cli", "collector.paths"} <= loaded
    heavy = {
        "collector.commands",
        "collector.gather",
        "collector.runner",
        "collector.report",
        "psutil",
        "cpuinfo",
    }
    assert not loaded & heavy


def test_run_fast_path_also_waits_out_the_backoff(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state")
    store.save(State(not_before=datetime.now(UTC) + timedelta(hours=1), backoff_attempts=3))
    result = _python(
        FAST_PATH_PROBE, "--server", "http://127.0.0.1:9", "--state-dir", str(store.directory), "run"
    )
    probe = json.loads(result.stdout)
    assert probe["rc"] == 0
    assert "collector.gather" not in probe["modules"]


def test_show_json_prints_the_real_report_of_this_machine() -> None:
    pytest.importorskip("collector.gather")
    result = subprocess.run(
        [sys.executable, "-m", "collector", "show", "--json"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=ROOT,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["schema_version"].startswith("1.")
    assert set(report["hashes"]) <= {"system", "hardware", "network", "peripherals", "security", "software"}
    assert report["system"] is not None and report["hashes"]["system"]
    assert isinstance(report["identity"], dict) and isinstance(report["status"], dict)


def test_show_refuses_unknown_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "--section", "bogus"]) == 1
    assert "unknown section(s) bogus" in capsys.readouterr().out


def test_schema_prints_the_report_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == report_json_schema()


def test_enroll_stores_the_node_key_and_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("collector.gather")
    state_dir = tmp_path / "state"
    with FakeInventoryServer(secret="s3") as server:
        rc = main(["enroll", "--server", server.url, "--secret", "s3", "--state-dir", str(state_dir)])
    assert rc == 0
    assert f"enrolled with {server.url} as asset asset-1" in capsys.readouterr().out
    store = StateStore(state_dir)
    assert store.read_node_key() == "node-key-1"
    assert store.load().server == server.url
    assert "identity" in server.received[0].json


def test_enroll_with_a_wrong_secret_fails_clearly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("collector.gather")
    with FakeInventoryServer(secret="s3") as server:
        rc = main(["enroll", "--server", server.url, "--secret", "nope", "--state-dir", str(tmp_path)])
    assert rc == 3
    assert "refused the enroll secret" in caplog.text
    assert StateStore(tmp_path).read_node_key() is None


def test_bad_config_is_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("time_budget_seconds = -1\n")
    assert main(["--config", str(config), "run"]) == 1
    assert "configuration error: time_budget_seconds" in capsys.readouterr().err


def test_run_without_any_server_says_how_to_enroll(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    assert main(["--config", str(config), "--state-dir", str(tmp_path / "s"), "run"]) == 1
    assert "inventory-collector enroll" in capsys.readouterr().err


def test_table_rendering_shows_facts_and_rows_and_skips_nulls() -> None:
    report = {
        "report_id": "r1",
        "hashes": {"system": "ab"},
        "system": {"serial": "X1", "product": None, "os": {"name": "Debian"}},
        "software": {"packages": [{"name": "bash", "version": "5.2", "publisher": None}]},
        "network": None,
    }
    assert render_table(report).splitlines() == [
        "report_id: r1",
        "system:",
        "  serial: X1",
        "  os:",
        "    name: Debian",
        "software:",
        "  packages: 1",
        "    - name=bash, version=5.2",
    ]


def _due_dir(tmp_path: Path, due: float) -> Path:
    state_dir = tmp_path / "state"
    state_dir.mkdir(exist_ok=True)
    (state_dir / "next_run_at").write_text(f"{due}\n")
    return state_dir


@pytest.mark.parametrize(
    ("argv", "skips"),
    [
        (["run"], True),
        (["-q", "run", "--splay", "300"], True),
        (["run", "--splay=300", "--server", "https://x.example"], True),
        (["run", "--force"], False),
        (["run", "--help"], False),
        (["show"], False),
        (["show", "--section", "run"], False),
        (["run", "extra"], False),
        (["run", "--splay"], False),
    ],
)
def test_fast_path_only_for_a_plain_run(tmp_path: Path, argv: list[str], skips: bool) -> None:
    state_dir = _due_dir(tmp_path, 2000.0)
    assert run_not_due([*argv, "--state-dir", str(state_dir)], {}, now=1000.0) is skips


def test_fast_path_compares_the_due_time(tmp_path: Path) -> None:
    state_dir = _due_dir(tmp_path, 2000.0)
    assert run_not_due(["run", "--state-dir", str(state_dir)], {}, now=1999.0)
    assert not run_not_due(["run", "--state-dir", str(state_dir)], {}, now=2000.0)
    assert not run_not_due(
        ["run", "--state-dir", str(state_dir)], {}, now=2000.0 - 86400 - 1
    )  # clock went back
    assert not run_not_due(["run", "--state-dir", str(tmp_path / "empty")], {}, now=0.0)


def test_fast_path_finds_the_state_dir_like_the_config_does(tmp_path: Path) -> None:
    state_dir = _due_dir(tmp_path, 2000.0)
    config = tmp_path / "config.toml"
    config.write_text(f'state_dir = "{state_dir}"\n')
    assert run_not_due(["run", "--config", str(config)], {}, now=1000.0)
    assert run_not_due(["run"], {"INVENTORY_COLLECTOR_STATE_DIR": str(state_dir)}, now=1000.0)
    config.write_text("state_dir = [")  # broken: the full command line reports it
    assert not run_not_due(["run", "--config", str(config)], {}, now=1000.0)
    assert not run_not_due(["run", "--config", str(tmp_path / "missing.toml")], {}, now=1000.0)


def test_saving_state_writes_the_due_time_for_the_fast_path(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    store.save(State(next_report_at=datetime(2030, 1, 1, tzinfo=UTC)))
    assert float((tmp_path / "next_run_at").read_text()) == datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    store.save(State())
    assert not (tmp_path / "next_run_at").exists()


def test_run_end_to_end_with_the_real_gatherers(tmp_path: Path) -> None:
    pytest.importorskip("collector.gather")
    state_dir = tmp_path / "state"
    config = tmp_path / "config.toml"
    command = [sys.executable, "-m", "collector", "--config", str(config), "run"]
    with FakeInventoryServer(secret="s3") as server:
        server.next_report_at = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        config.write_text(f'server = "{server.url}"\nenroll_secret = "s3"\nstate_dir = "{state_dir}"\n')
        first = subprocess.run(
            command, capture_output=True, text=True, env=_clean_env(), cwd=ROOT, check=False
        )
        assert first.returncode == 0, first.stderr
        again = subprocess.run(
            command, capture_output=True, text=True, env=_clean_env(), cwd=ROOT, check=False
        )
    assert again.returncode == 0, again.stderr
    assert [r.path for r in server.received] == ["/api/v1/collectors/enroll", "/api/v1/inventory"]
    (report,) = server.reports()
    assert report["system"] is not None and report["hashes"]["system"]
    assert server.stored_hashes == StateStore(state_dir).load().acknowledged
