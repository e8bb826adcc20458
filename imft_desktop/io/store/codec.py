"""Cohort parts <-> stored values, so that a project reopens to the same cohort bit for bit.

Frames are stored column by column with the dtype's name: numbers and booleans as their
bytes, text columns as their distinct values and a code per record, and anything else
as one JSON array.  JSON keeps what the importer puts in a frame exactly: ``str``,
``int``, ``float`` (its shortest repr round-trips; ``NaN`` and ``Infinity`` are written
as such), ``bool`` and ``None``, each as itself, so an object column holding ``"5"``,
``5`` and ``5.0`` reads back as those three.  Anything else (a ``Timestamp``, a
``date``, a numpy scalar, ``NA``) is written as a tagged object
(``{"$t": "timestamp", "v": "..."}``) and the column is marked ``json-typed``; a value
of a type not listed here is refused with a clear message rather than stored as
something else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import struct
import zlib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from imft_desktop.model.cohort import ColumnOrigin, SourceFile
from imft_desktop.model.findings import Finding
from imft_desktop.model.value_dictionary import ValueDictionary, ValueEntry
from imft_desktop.model.vocab import Level

PLAIN = "json"
TYPED = "json-typed"
_PLAIN_TYPES = (str, bool, int, float, type(None))


class UnstorableValue(ValueError):
    """A frame holds a value the project file cannot keep exactly."""


# ---------------------------------------------------------------------------- values
def _tag(value: Any) -> Any:
    """A JSON-ready stand-in for a value JSON cannot hold as itself."""
    if isinstance(value, pd.Timestamp):
        return {"$t": "timestamp", "v": value.isoformat()}
    if value is pd.NaT:
        return {"$t": "nat"}
    if value is pd.NA:
        return {"$t": "na"}
    if isinstance(value, dt.datetime):
        return {"$t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$t": "date", "v": value.isoformat()}
    if isinstance(value, np.bool_):
        return {"$t": "np.bool_", "v": bool(value)}
    if isinstance(value, np.integer):
        return {"$t": f"np.{value.dtype.name}", "v": int(value)}
    if isinstance(value, np.floating):
        return {"$t": f"np.{value.dtype.name}", "v": float(value)}
    if isinstance(value, tuple):
        return {"$t": "tuple", "v": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return {"$t": "list", "v": [encode_value(v) for v in value]}
    raise UnstorableValue(f"a value of type {type(value).__name__} cannot be stored")


def encode_value(value: Any) -> Any:
    """One value as JSON-ready data (see the module docstring)."""
    if type(value) in _PLAIN_TYPES:
        return value
    return _tag(value)


def decode_value(data: Any) -> Any:
    """The value ``encode_value`` was given."""
    if not isinstance(data, dict):
        return data
    tag, v = data.get("$t"), data.get("v", "")
    if tag == "timestamp":
        return pd.Timestamp(v)
    if tag == "nat":
        return pd.NaT
    if tag == "na":
        return pd.NA
    if tag == "datetime":
        return dt.datetime.fromisoformat(str(v))
    if tag == "date":
        return dt.date.fromisoformat(str(v))
    if tag == "np.bool_":
        return np.bool_(v)
    if tag == "tuple":
        return tuple(decode_value(x) for x in v or ())
    if tag == "list":
        return [decode_value(x) for x in v or ()]
    if isinstance(tag, str) and tag.startswith("np."):
        return np.dtype(tag[3:]).type(v)
    raise UnstorableValue(f"unknown stored value {tag!r}")


def dumps(data: Any) -> str:
    """Compact JSON; ``NaN`` and infinities allowed (they round-trip in Python)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=True)


# ---------------------------------------------------------------------------- frames
@dataclasses.dataclass(frozen=True)
class StoredColumn:
    """One column as stored: its label (JSON), dtype name, encoding and data."""

    name: str
    dtype: str
    encoding: str
    data: bytes


#: Numeric and boolean columns are stored as their bytes (little-endian): exact to the
#: bit, NaN payloads included, and read back without parsing.
_BINARY = {"float64": "<f8", "int64": "<i8", "bool": "|b1", "float32": "<f4", "int32": "<i4"}
BINARY = "binary"
#: Text columns (only ``str`` and ``None``): the distinct values once, then an int32
#: code per record (-1 for ``None``).  Sample IDs, calls, sheet names and raw text repeat
#: down a column, so this is smaller and several times faster to read than JSON.
CODED = "coded"
_HEAD = struct.Struct("<Q")


def encode_column(label: Any, series: pd.Series) -> StoredColumn:
    """One frame column as stored (see ``BINARY``, ``CODED``, ``PLAIN``, ``TYPED``)."""
    dtype = str(series.dtype)
    if dtype in _BINARY:
        data = np.ascontiguousarray(series.to_numpy(), dtype=_BINARY[dtype]).tobytes()
        return StoredColumn(dumps(label), dtype, BINARY, data)
    if dtype == "object":
        coded = _coded(series.to_numpy())
        if coded is not None:
            return StoredColumn(dumps(label), dtype, CODED, coded)
    values = series.tolist()
    encoding = PLAIN
    if dtype != "object" or not all(type(v) in _PLAIN_TYPES for v in values):
        values = [encode_value(v) for v in values]
        encoding = TYPED
    return StoredColumn(dumps(label), dtype, encoding, dumps(values).encode("utf-8"))


def _coded(arr: np.ndarray) -> bytes | None:
    """The ``CODED`` form of an object array holding only ``str`` and ``None``, else None.

    ``pd.factorize`` would treat ``1``, ``1.0`` and ``True`` as one value, and ``None``
    and ``NaN`` as one missing value, so any other type falls back to JSON."""
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    if any(type(u) is not str for u in uniques):
        return None
    missing = codes < 0
    if missing.any() and not all(v is None for v in arr[missing]):
        return None
    head = dumps(list(uniques)).encode("utf-8")
    return _HEAD.pack(len(head)) + head + codes.astype("<i4").tobytes()


#: Prefix of an encoding whose data is zlib-compressed: the records of each import as
#: read, which are kept for the record and not read when a project opens.
ZLIB = "zlib+"


def compress(column: StoredColumn) -> StoredColumn:
    """``column`` with its data zlib-compressed (level 1: fast, about 4x smaller here)."""
    return StoredColumn(column.name, column.dtype, ZLIB + column.encoding,
                        zlib.compress(column.data, 1))


def decode_column(dtype: str, encoding: str, data: bytes | str) -> Any:
    """The column's values as an array or list of ``dtype``."""
    if encoding.startswith(ZLIB):
        packed = data.encode("latin-1") if isinstance(data, str) else bytes(data)
        return decode_column(dtype, encoding[len(ZLIB):], zlib.decompress(packed))
    if encoding == BINARY:
        buf = data.encode("latin-1") if isinstance(data, str) else data
        return np.frombuffer(buf, dtype=_BINARY[dtype]).astype(dtype)  # a writable copy
    if encoding == CODED:
        raw = bytes(data) if isinstance(data, memoryview) else data
        assert isinstance(raw, bytes)
        (n,) = _HEAD.unpack_from(raw)
        uniques = json.loads(raw[_HEAD.size:_HEAD.size + n])
        lookup = np.empty(len(uniques) + 1, dtype=object)
        lookup[:-1] = uniques  # code -1 picks the last slot: None
        codes = np.frombuffer(raw, dtype="<i4", offset=_HEAD.size + n)
        return lookup[codes]
    values = json.loads(data)
    if encoding == TYPED:
        values = [decode_value(v) for v in values]
    if dtype == "object":
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
        return arr
    if dtype in _BINARY:
        return np.asarray(values, dtype=dtype)
    return pd.array(values, dtype=dtype)


def frame_meta(df: pd.DataFrame) -> dict[str, Any]:
    """Column order and index of a frame (the columns themselves are stored apart)."""
    index: dict[str, Any]
    if isinstance(df.index, pd.RangeIndex):
        index = {"kind": "range", "start": df.index.start, "step": df.index.step,
                 "name": df.index.name}
    else:
        index = {"kind": "values", "dtype": str(df.index.dtype), "name": df.index.name,
                 "values": [encode_value(v) for v in df.index.tolist()]}
    return {"columns": [dumps(c) for c in df.columns], "index": index, "length": len(df),
            "columns_name": df.columns.name}


def build_frame(meta: dict[str, Any], columns: dict[str, Any]) -> pd.DataFrame:
    """A frame from ``frame_meta`` and its decoded columns (by stored label)."""
    n = int(meta["length"])
    idx_meta = meta["index"]
    index: pd.Index
    if idx_meta["kind"] == "range":
        start, step = int(idx_meta["start"]), int(idx_meta["step"])
        index = pd.RangeIndex(start, start + step * n, step, name=idx_meta["name"])
    else:
        values = [decode_value(v) for v in idx_meta["values"]]
        dtype = idx_meta["dtype"]
        index = pd.Index(values, dtype=dtype if dtype != "object" else object,
                         name=idx_meta["name"])
    labels = [json.loads(c) for c in meta["columns"]]
    data = {i: columns[c] for i, c in enumerate(meta["columns"])}
    if not labels:
        df = pd.DataFrame(index=index)
    else:
        df = pd.DataFrame(data, index=index, copy=False)
        df.columns = pd.Index(labels, dtype=object, name=meta.get("columns_name"))
    return df


# ---------------------------------------------------------------------------- cohort parts
def finding_to_data(f: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data (every field, ``rows`` as a list)."""
    return f.to_dict()


def finding_from_data(d: dict[str, Any]) -> Finding:
    """The finding ``finding_to_data`` was given."""
    d = dict(d)
    d["level"] = Level(d["level"])
    d["rows"] = tuple(d.get("rows") or ())
    known = {f.name for f in dataclasses.fields(Finding)}
    return Finding(**{k: v for k, v in d.items() if k in known})


def findings_json(findings: Iterable[Finding]) -> str:
    return dumps([finding_to_data(f) for f in findings])


def findings_from_json(text: str) -> list[Finding]:
    return [finding_from_data(d) for d in json.loads(text)]


def source_to_data(s: SourceFile) -> dict[str, Any]:
    d = dataclasses.asdict(s)
    d["sheets"] = list(s.sheets)
    return d


def source_from_data(d: dict[str, Any]) -> SourceFile:
    d = dict(d)
    d["sheets"] = tuple(d.get("sheets") or ())
    return SourceFile(**d)


def column_origin_json(origin: dict[tuple[str, str], ColumnOrigin]) -> str:
    return dumps([[t, f, dataclasses.asdict(o)] for (t, f), o in origin.items()])


def column_origin_from_json(text: str) -> dict[tuple[str, str], ColumnOrigin]:
    return {(t, f): ColumnOrigin(**o) for t, f, o in json.loads(text)}


def value_dictionary_json(vd: ValueDictionary) -> str:
    return dumps(vd.to_list())


def value_dictionary_from_json(text: str) -> ValueDictionary:
    entries = []
    for d in json.loads(text):
        d = dict(d)
        d["rows"] = tuple(d.get("rows") or ())
        entries.append(ValueEntry(**d))
    return ValueDictionary(tuple(entries))


def same_value(a: Any, b: Any) -> bool:
    """Equal as stored values: ``NaN`` equals ``NaN``, ``1`` does not equal ``True``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)
