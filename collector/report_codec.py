"""Plain-value, canonical-JSON and JSON-Schema helpers for the report dataclasses."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import types
import typing
from json.encoder import encode_basestring as _encode_string  # json.dumps(ensure_ascii=False)
from typing import Any

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_SORTED_NAMES: dict[type, tuple[str, ...]] = {}
_SCALAR_TYPES = (str, int, float, bool, type(None))


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
        _SORTED_NAMES[cls] = tuple(sorted(names))
    return names


def to_dict(obj: Any) -> Any:
    """Turn a report (or any part of it) into plain JSON-ready values."""
    if isinstance(obj, _SCALAR_TYPES):
        return obj
    if isinstance(obj, list | tuple):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {str(key): to_dict(value) for key, value in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in _field_names(type(obj))}
    return obj


def canonical(value: Any) -> Any:
    """Sort every list by the canonical JSON of its elements, recursively."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=canonical_json)
    return value


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_text(value: Any) -> str:
    """canonical_json(canonical(to_dict(value))) in one pass: each element is encoded once, then sorted."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise ValueError(f"out of range float value {value!r} is not JSON")
        return float.__repr__(value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(sorted(canonical_text(item) for item in value)) + "]"
    if isinstance(value, dict):
        items = sorted((str(key), item) for key, item in value.items())
        return "{" + ",".join(f"{_encode_string(key)}:{canonical_text(item)}" for key, item in items) + "}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _field_names(type(value))
        names = _SORTED_NAMES[type(value)]
        return "{" + ",".join(f'"{name}":{canonical_text(getattr(value, name))}' for name in names) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def digest(value: Any) -> str:
    """SHA-256 hex of a value's canonical JSON, with every list in a stable order."""
    return hashlib.sha256(canonical_text(value).encode("utf-8")).hexdigest()


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_dict(cls: type, data: Any) -> Any:
    """Build a dataclass tree from plain values; unknown keys (a newer minor version) are ignored."""
    hints = _hints(cls)
    kwargs = {
        f.name: _from_value(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data
    }
    return cls(**kwargs)


def _from_value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _from_value(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [_from_value(item, element) for element in value]
    if origin is dict:
        return dict(value)
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value)
    return value


# --- JSON Schema -----------------------------------------------------------------------------

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _type_schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(hint)
        inner = [arg for arg in args if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"unsupported union {hint}")
        schema = _type_schema(inner[0], defs)
        if type(None) not in args:
            return schema
        if "type" in schema:
            return {**schema, "type": [schema["type"], "null"]}
        return {"anyOf": [schema, {"type": "null"}]}
    if origin is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _type_schema(item, defs)}
    if origin is dict:
        key, value = typing.get_args(hint)
        if key is not str:
            raise TypeError(f"unsupported dict key {key}")
        return {"type": "object", "additionalProperties": _type_schema(value, defs)}
    if hint in _SCALARS:
        return {"type": _SCALARS[hint]}
    if dataclasses.is_dataclass(hint):
        _define(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    raise TypeError(f"unsupported type {hint}")


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = _hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        properties[f.name] = _type_schema(hints[f.name], defs)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
        elif f.default is not dataclasses.MISSING:
            properties[f.name]["default"] = f.default
    schema: dict[str, Any] = {"type": "object", "description": (cls.__doc__ or "").strip()}
    schema["properties"] = properties
    if required:
        schema["required"] = required
    return schema


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ not in defs:
        defs[cls.__name__] = {}  # placeholder: stops recursion on self-reference
        defs[cls.__name__] = _object_schema(cls, defs)


def json_schema(cls: type, *, title: str, schema_id: str) -> dict[str, Any]:
    """A draft 2020-12 JSON Schema of a dataclass tree, with every nested class under $defs."""
    defs: dict[str, Any] = {}
    root = _object_schema(cls, defs)
    defs.pop(cls.__name__, None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        "title": title,
        **root,
        "$defs": dict(sorted(defs.items())),
    }
