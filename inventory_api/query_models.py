"""Query strings read into one dataclass in one validation, and documented as query parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

T = TypeVar("T")


def query_model(cls: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency that validates the query string into `cls`, a dataclass whose fields all have defaults.

    FastAPI checks each declared query parameter on its own, in Python: for a list with twenty filters that cost
    as much CPU as the look-up itself. Here pydantic validates them all in one call. A bad value answers 422
    naming the parameter, as FastAPI's own check would; parameters nobody declared are ignored, as there.
    The fields appear in OpenAPI as query parameters through `TransactionalRoute` (`documented_parameters`).
    """
    adapter = TypeAdapter(cls)

    async def parse(request: Request) -> T:  # async: pure parsing, no thread-pool hop
        try:
            return adapter.validate_python(dict(request.query_params))
        except ValidationError as exc:
            errors = [{**err, "loc": ("query", *err["loc"])} for err in exc.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    parse.query_parameters = openapi_parameters(adapter)  # type: ignore[attr-defined]
    return parse


def openapi_parameters(adapter: TypeAdapter[Any]) -> list[dict[str, Any]]:
    """The OpenAPI query parameters of a query model: name, description and schema of each field."""
    schema = adapter.json_schema()
    if "$defs" in schema:
        raise TypeError("a query model's fields are plain values; nested models cannot be query parameters")
    parameters = []
    for name, field in schema["properties"].items():
        field = dict(field)
        description = field.pop("description", None)
        field.pop("title", None)
        parameter = {
            "name": name,
            "in": "query",
            "required": name in schema.get("required", ()),
            "schema": field,
        }
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def documented_parameters(dependant: Dependant) -> Iterator[dict[str, Any]]:
    """The query parameters of every query model that `dependant` uses, directly or through its dependencies."""
    for dependency in dependant.dependencies:
        yield from getattr(dependency.call, "query_parameters", ())
        yield from documented_parameters(dependency)
