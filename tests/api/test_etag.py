"""One If-Match rule for every versioned record."""

import pytest

from inventory_api.errors import PreconditionFailed
from inventory_api.etag import check_if_match, etag


@pytest.mark.parametrize("if_match", [None, "*", '"7"', 'W/"7"', '"6", "7"', ' "7" '])
def test_the_current_version_or_no_condition_passes(if_match):
    check_if_match(if_match, 7)


@pytest.mark.parametrize("if_match", ['"6"', 'W/"8"', '"70"', "garbage"])
def test_another_version_is_412_naming_the_current_one(if_match):
    with pytest.raises(PreconditionFailed) as refused:
        check_if_match(if_match, 7)
    assert refused.value.status == 412
    assert refused.value.extra == {"current_etag": etag(7), "current_version": 7}
