"""Base schemas and fields every service's REST API uses."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

import marshmallow as ma
from flask import current_app, has_app_context
from marshmallow import fields, validate


class InputSchema(ma.Schema):
    """A request body: unknown fields are refused, so a typo is named, not ignored."""

    class Meta:
        unknown = ma.RAISE


class ReadSchema(ma.Schema):
    """A response body: a field not marked ``required`` may be null, and is documented so."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        if not field_obj.required:
            field_obj.allow_none = True


class QuerySchema(ma.Schema):
    """Query arguments: unknown ones are ignored (pagination arguments share the query)."""

    class Meta:
        unknown = ma.EXCLUDE


def _configured_regions() -> tuple[str, ...]:
    if has_app_context() and "aftercare" in current_app.extensions:
        regions: tuple[str, ...] = current_app.extensions["aftercare"].settings.regions
        return regions
    from shared.config import DEFAULT_REGIONS

    return DEFAULT_REGIONS


def current_time() -> dt.datetime:
    """Now on the app's clock (a fixed one in tests), else the system's: what a read schema
    judges "overdue" or "met" against."""
    if has_app_context() and "aftercare" in current_app.extensions:
        moment: dt.datetime = current_app.extensions["aftercare"].clock.now()
        return moment
    return dt.datetime.now(dt.UTC)


_now = current_time


class Region(fields.String):
    """One of the configured regions (AFTERCARE_REGIONS)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        region = super()._deserialize(value, attr, data, **kwargs)
        regions = _configured_regions()
        if region not in regions:
            raise ma.ValidationError(f"unknown region; expected one of: {', '.join(regions)}")
        return region


class PastDateTime(fields.AwareDateTime):
    """An RFC 3339 time with offset, not in the future (taken as given, SPEC section 5)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment > _now() + dt.timedelta(seconds=5):
            raise ma.ValidationError("must not be in the future")
        return moment.astimezone(dt.UTC)


class AnyDateTime(fields.AwareDateTime):
    """An RFC 3339 time with offset, past or future (an appointment), kept in UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.datetime:
        return super()._deserialize(value, attr, data, **kwargs).astimezone(dt.UTC)


class PastDate(fields.Date):
    """A calendar date not after today."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if day > _now().date() + dt.timedelta(days=1):
            raise ma.ValidationError("must not be in the future")
        return day


class UTCDateTimeField(fields.AwareDateTime):
    """Output: RFC 3339 in UTC."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


# A decimal as the services send it (Decimal(as_string=True)) and take it as a string.
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
_DECIMAL = re.compile(DECIMAL_PATTERN)


class DecimalField(fields.Decimal):
    """A decimal in a body: a JSON number or a string of digits (no exponent, spaces,
    underscores or non-ASCII digits, which Python's Decimal would otherwise take)."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> decimal.Decimal:
        if isinstance(value, bool) or (isinstance(value, str) and not _DECIMAL.fullmatch(value)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Sha256(fields.String):
    """A SHA-256 digest as 64 lowercase hex digits (a document's checksum)."""

    def __init__(self, **kwargs: Any) -> None:
        hex_digits = validate.Regexp(r"^[0-9a-f]{64}$", error="not 64 lowercase hex digits")
        super().__init__(validate=[validate.Length(equal=64), hex_digits], **kwargs)


class Boolean(fields.Boolean):
    """A JSON true or false only: no "yes", "on", 1 or 0 where a decision is recorded."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QueryBoolean(fields.Boolean):
    """A query flag: ``true`` or ``false``, nothing else."""

    truthy = {"true"}
    falsy = {"false"}


class ListArgs(QuerySchema):
    """Filters every list endpoint takes: region, status and a creation-time range."""

    region = Region()
    status = fields.String()
    created_from = fields.AwareDateTime(format="iso")
    created_to = fields.AwareDateTime(format="iso")

    @ma.validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            raise ma.ValidationError("must not be before created_from", "created_to")
