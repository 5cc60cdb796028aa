"""The route class every router uses: the request's session commits once, before the answer leaves."""

from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import anyio
from fastapi import Request, Response, params
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from inventory_api.errors import ERROR_CODES, UnsupportedMediaType
from inventory_api.query_models import documented_parameters

T = TypeVar("T")
#: Commits and rollbacks run on threads of their own. Sharing the request thread pool would deadlock under a
#: burst: every pool thread waits for the write lock (SQLite) or a pooled connection (PostgreSQL) that the
#: transaction holding it can only give back by committing, in a thread it cannot get.
_COMMIT_THREADS = anyio.CapacityLimiter(8)


async def in_commit_thread(func: Callable[..., T], *args: Any) -> T:
    """Run a commit (or rollback) on the threads reserved for ending transactions."""
    return await anyio.to_thread.run_sync(partial(func, *args), limiter=_COMMIT_THREADS)


class TransactionalRoute(APIRoute):
    """Commits the request's session after the handler succeeded; an error answer changes nothing.

    Also documents the fields of the query models (`query_models.query_model`) it depends on as parameters.
    """

    #: Query parameters a route reads by prefix rather than by name (custom fields: `cf_<name>`).
    PREFIXES = ("cf_",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parameters = list(documented_parameters(self.dependant))
        if parameters:
            extra = self.openapi_extra or {}
            self.openapi_extra = {**extra, "parameters": [*extra.get("parameters", ()), *parameters]}
        self.query_names = frozenset(declared_query_names(self.dependant)) | {p["name"] for p in parameters}
        #: A JSON body route: another media type is refused (415) rather than misread.
        self.takes_json = self.body_field is not None and not isinstance(
            self.body_field.field_info, params.Form
        )

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            unknown = sorted(
                name for name in request.query_params
                if name not in self.query_names and not name.startswith(self.PREFIXES)
            )  # fmt: skip
            if unknown:
                # A filter the route does not know would be ignored, and the caller would get everything.
                known = ", ".join(sorted(self.query_names)) or "none"
                raise RequestValidationError([
                    {"type": "unknown_parameter", "loc": ("query", name), "input": request.query_params[name],
                     "msg": f"unknown query parameter; this route takes: {known}"} for name in unknown
                ])  # fmt: skip
            if self.takes_json and not _is_json(request.headers.get("content-type")):
                raise UnsupportedMediaType(
                    f"send the body as application/json, not {request.headers.get('content-type')}"
                )
            response = await handler(request)
            session = getattr(request.state, "session", None)
            if session is not None:
                if session.in_transaction():  # not already ended by `answer_now`
                    await in_commit_thread(session.commit if response.status_code < 400 else session.rollback)
                request.state.release_session()
            return response

        return run


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "application/json").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def declared_query_names(dependant: Dependant) -> Iterator[str]:
    """The query parameters a route declares (their aliases), through its dependencies too."""
    for param in dependant.query_params:
        yield param.alias
    for dependency in dependant.dependencies:
        yield from declared_query_names(dependency)


def answer_now(
    session: Session, adapter: TypeAdapter[Any], value: Any, headers: dict[str, str] | None = None
) -> Response:
    """Serialise a 200 answer and commit, in the handler's own thread, for the busiest reads.

    A sync handler's answer would otherwise be validated in one more worker thread and committed in another;
    each hop costs about as much CPU as the look-up itself.
    """
    body = adapter.dump_json(adapter.validate_python(value, from_attributes=True))
    session.commit()
    return Response(body, media_type="application/json", headers=headers)


ERROR_RESPONSE = {
    "description": "Error: `{detail, code}`; codes: "
    + "; ".join(f"`{c}` {d}" for c, d in ERROR_CODES.items()),
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["detail", "code"],
                "properties": {"detail": {}, "code": {"type": "string", "enum": list(ERROR_CODES)}},
            }
        }
    },
}
#: Documented on every API route: the error answers and their codes.
ERROR_RESPONSES = {status: ERROR_RESPONSE for status in (400, 401, 403, 404, 409, 412, 422, 429)}
