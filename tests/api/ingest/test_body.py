"""Body limits: a gzip bomb is refused after inflating no more than the limit plus one chunk."""

import gzip
import zlib

import pytest

from inventory_api.errors import BadRequest, PayloadTooLarge
from inventory_api.ingest.body import INFLATE_CHUNK, GzipLimiter, check_headers


def test_gzip_bomb_stops_at_limit_plus_one_chunk():
    limit = 1024 * 1024
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MiB in ~200 KiB
    assert len(bomb) < 300 * 1024
    limiter = GzipLimiter(limit)
    with pytest.raises(PayloadTooLarge):
        for start in range(0, len(bomb), 16 * 1024):  # fed as the network delivers it
            limiter.feed(bomb[start : start + 16 * 1024])
    assert limit < limiter.inflated <= limit + INFLATE_CHUNK


def test_gzip_within_limit_inflates_whole():
    data = b'{"a": 1}' * 10_000
    limiter = GzipLimiter(len(data))
    packed = gzip.compress(data)
    for start in range(0, len(packed), 100):
        limiter.feed(packed[start : start + 100])
    assert limiter.finish() == data


def test_truncated_and_garbled_gzip_are_bad_requests():
    packed = gzip.compress(b"x" * 1000)
    limiter = GzipLimiter(10_000)
    limiter.feed(packed[:-10])
    with pytest.raises(BadRequest):
        limiter.finish()
    with pytest.raises(BadRequest):
        GzipLimiter(10_000).feed(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(BadRequest):  # a deflate stream is not gzip
        GzipLimiter(10_000).feed(zlib.compress(b"x"))


@pytest.mark.parametrize(
    ("content_type", "encoding", "is_gzip"),
    [
        ("application/json", "gzip", True),
        ("application/json; charset=utf-8", None, False),
        ("Application/JSON", "identity", False),
    ],
)
def test_accepted_headers(content_type, encoding, is_gzip):
    assert check_headers(content_type, encoding, "100", 1000) is is_gzip


def test_declared_length_over_limit_is_refused_before_reading():
    with pytest.raises(PayloadTooLarge):
        check_headers("application/json", "gzip", "1001", 1000)
