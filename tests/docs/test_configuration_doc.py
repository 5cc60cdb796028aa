"""docs/configuration.md lists every setting the service reads."""

from pathlib import Path

from inventory_api.settings import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented():
    text = DOC.read_text()
    missing = [name for name in Settings.model_fields if f"`INVENTORY_{name.upper()}`" not in text]
    assert missing == [], f"settings missing from docs/configuration.md: {missing}"
