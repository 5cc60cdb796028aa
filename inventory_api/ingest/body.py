"""Reading a report body within limits: compressed bytes counted as they arrive, gzip inflated chunk by chunk."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

from inventory_api.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

#: Most bytes inflated from one step of the decompressor: the overshoot past the limit is at most this.
INFLATE_CHUNK = 64 * 1024


#: zlib's window bits: gzip only (our collector), or gzip and zlib told apart by their header (other agents).
GZIP_ONLY = 16 + zlib.MAX_WBITS
GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS


class GzipLimiter:
    """Inflates gzip incrementally and refuses as soon as the output passes `limit` (a gzip bomb costs limit + one chunk)."""

    def __init__(self, limit: int, *, chunk: int = INFLATE_CHUNK, wbits: int = GZIP_ONLY) -> None:
        self.limit = limit
        self.chunk = chunk
        self.inflated = 0
        self._z = zlib.decompressobj(wbits)
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        """Inflate `data`; PayloadTooLarge once the output exceeds the limit, BadRequest on broken gzip."""
        while data:
            if self._z.eof:
                if data.strip(b"\0"):
                    raise BadRequest("trailing data after the gzip stream", code="bad_encoding")
                return
            try:
                out = self._z.decompress(data, self.chunk)
            except zlib.error as exc:
                raise BadRequest(f"the body is not valid gzip: {exc}", code="bad_encoding") from None
            self.inflated += len(out)
            if self.inflated > self.limit:
                raise PayloadTooLarge(
                    f"the report inflates to more than {self.limit} bytes (max_report_decompressed_bytes)",
                    code="payload_too_large", limit=self.limit,
                )  # fmt: skip
            self._parts.append(out)
            data = self._z.unconsumed_tail

    def finish(self) -> bytes:
        if not self._z.eof:
            raise BadRequest("the gzip stream is truncated", code="bad_encoding")
        return b"".join(self._parts)


def check_headers(
    content_type: str | None, content_encoding: str | None, content_length: str | None, limit: int
) -> bool:
    """Refuse wrong media types (415) and declared oversized bodies (413); True if the body is gzip."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise UnsupportedMediaType(
            f"Content-Type must be application/json, not {media or 'missing'}", allowed=["application/json"]
        )
    encoding = (content_encoding or "identity").strip().lower()
    if encoding not in ("gzip", "identity", "x-gzip"):
        raise UnsupportedMediaType(
            f"Content-Encoding must be gzip or absent, not {encoding}", allowed=["gzip", "identity"]
        )
    if content_length is not None:
        try:
            declared = int(content_length)
        except ValueError:
            raise BadRequest("Content-Length is not a number") from None
        if declared > limit:
            raise PayloadTooLarge(
                f"the body ({declared} bytes) is over the {limit}-byte limit (max_report_bytes)", limit=limit
            )
    return encoding in ("gzip", "x-gzip")


async def read_body(
    stream: AsyncIterator[bytes], *, gzip: bool, limit: int, inflated_limit: int, wbits: int = GZIP_ONLY
) -> bytes:
    """The request body, decompressed; stops reading at the first byte over either limit."""
    received = 0
    inflater = GzipLimiter(inflated_limit, wbits=wbits) if gzip else None
    parts: list[bytes] = []
    async for chunk in stream:
        received += len(chunk)
        if received > limit:
            raise PayloadTooLarge(f"the body is over the {limit}-byte limit (max_report_bytes)", limit=limit)
        if inflater is not None:
            inflater.feed(chunk)
        else:
            parts.append(chunk)
    if inflater is not None:
        return inflater.finish()
    body = b"".join(parts)
    if len(body) > inflated_limit:
        raise PayloadTooLarge(
            f"the report is over the {inflated_limit}-byte limit (max_report_decompressed_bytes)",
            limit=inflated_limit,
        )
    return body
