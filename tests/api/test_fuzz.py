"""Schemathesis over the whole OpenAPI document, valid and invalid inputs, as an admin: no answer is a 5xx.

Invalid inputs include strings with NUL bytes, integers beyond 64 bits, wrong types and unknown fields. /readyz
answers 503 by design here: the test schema is made without migrations, which is what it reports.
"""

import contextlib

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

BY_DESIGN = {"GET /readyz": "reports 503: the test database was made without migrations"}
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 4, schemathesis.GenerationMode.NEGATIVE: 6}


def server_errors(operation, mode, count: int, headers: dict[str, str]) -> list[str]:
    """The 5xx answers of `count` generated requests to one operation."""
    found: list[str] = []

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            found.append(f"{case.path_parameters} {case.query} {case.body!r:.200} → {response.text:.200}")

    with contextlib.suppress(Unsatisfiable):  # an operation without parameters has no invalid input
        call()
    return found


def test_no_operation_answers_5xx(app, make_user):
    headers = make_user("admin")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100  # the whole API, not a part of it
    failures = {}
    for operation in operations:
        name = f"{operation.method.upper()} {operation.path}"
        if name in BY_DESIGN:
            continue
        for mode, count in EXAMPLES.items():
            found = server_errors(operation, mode, count, headers)
            if found:
                failures[f"{name} ({mode.value})"] = found
    assert not failures, "\n".join(f"{name} ×{len(f)}: {f[0]}" for name, f in failures.items())
