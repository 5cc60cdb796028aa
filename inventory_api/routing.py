"""The route class every router uses: the request's session commits once, before the answer leaves."""

from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from inventory_api.errors import ERROR_CODES


class TransactionalRoute(APIRoute):
    """Commits the request's session after the handler succeeded; an error answer changes nothing."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            response = await handler(request)
            session = getattr(request.state, "session", None)
            if session is not None:
                if response.status_code < 400:
                    await run_in_threadpool(session.commit)
                else:
                    await run_in_threadpool(session.rollback)
            return response

        return run


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
