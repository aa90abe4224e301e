"""The API's OpenAPI 3.1 description, written by hand next to the views it describes.

A test checks that every route of the `api` blueprint appears here, so the
description cannot silently fall behind the code.
"""

from __future__ import annotations

from typing import Any

DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$",
           "description": "An exact decimal written as a string, e.g. \"12.50\"."}
NULLABLE_DECIMAL = {"oneOf": [DECIMAL, {"type": "null"}]}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: str, description: str) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"},
                     "description": "Weak validator; send it back in If-None-Match."},
            "Last-Modified": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": _ref(schema)}},
    }


NOT_MODIFIED = {"description": "Your copy (If-None-Match / If-Modified-Since) is current."}
ERROR = {"description": "An error", "content": {"application/json": {"schema": _ref("Error")}}}

SCHEMAS: dict[str, Any] = {
    "Drive": {
        "type": "object",
        "properties": {
            "code": {"type": "string"}, "title": {"type": "string"}, "issuer": {"type": "string"},
            "starts_on": DATE, "ends_on": DATE, "election_day": {"type": ["string", "null"]},
            "freeze_at": NULLABLE_DATETIME, "published_at": NULLABLE_DATETIME,
            "frozen": {"type": "boolean",
                       "description": "True between the freeze and the publication of the results: "
                                      "the numbers are as of freeze_at."},
            "as_of": {"type": "string", "format": "date-time"},
            "standings_version": {"type": ["integer", "null"],
                                  "description": "Counter of the live board; null from the freeze "
                                                 "on, when the numbers are held."},
            "rank_by": {"type": "string", "enum": ["total", "percent"],
                        "description": "what a block is ranked on first"},
            "result": {"type": ["object", "null"],
                       "description": "The official result in force (number, sha256, "
                                      "published_at), or null."},
        },
    },
    "Results": {
        "type": "object",
        "properties": {
            "drive": {"allOf": [_ref("Drive")], "properties": {"slug": {"type": "string"}}},
            "current": {"type": ["object", "null"], "description":
                        "The snapshot in force: number, published_at, sha256 and payload. "
                        "sha256 is the hex SHA-256 of the payload serialised as JSON with "
                        "sorted keys, no spaces and UTF-8 text (ensure_ascii off)."},
            "history": {"type": "array", "description":
                        "Every snapshot, newest first: number, published_at, sha256, "
                        "withdrawn_at and the public withdraw_reason."},
            "decision": {"type": ["object", "null"], "description": "The commendation decision "
                         "(null until it is issued).", "properties": {
                             "number": {"type": "string"}, "date": DATE,
                             "signer_title": {"type": "string"},
                             "signer_name": {"type": "string"}}},
            "awards": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "level": {"type": "string"},
                "units": {"type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string"}, "name": {"type": "string"},
                    "block": {"type": "string"}, "rank": {"type": "integer"}}}}}}},
        },
    },
    "CriterionScore": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "achieved": {**NULLABLE_DECIMAL, "description": "Rounded half-up to 4 decimals."},
            "target": NULLABLE_DECIMAL,
            "ratio": {**NULLABLE_DECIMAL, "description": "achieved / target, 4 decimals."},
            "points": DECIMAL, "max_points": DECIMAL,
            "applicable": {"type": "boolean"}, "at_target": {"type": "boolean"},
        },
    },
    "Standing": {
        "type": "object",
        "properties": {
            "rank": {"type": "integer"},
            "unit": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "url": {"type": "string", "format": "uri"}}},
            "total": DECIMAL, "max_total": DECIMAL, "percent": DECIMAL,
            "classification": {"type": "string", "enum": [
                "hoan_thanh_xuat_sac", "hoan_thanh_tot", "hoan_thanh", "chua_hoan_thanh"]},
            "classification_label": {"type": "string"},
            "criteria_met": {"type": "integer"},
            "criteria": {"type": "array", "items": _ref("CriterionScore")},
        },
    },
    "Leaderboard": {
        "type": "object",
        "properties": {
            "drive": _ref("Drive"),
            "criteria": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "measure": {"type": "string"}, "unit_label": {"type": "string"},
                "max_points": DECIMAL}}},
            "limit": {"type": ["integer", "null"], "description":
                      "Rows per block on this page; null when the whole board is answered "
                      "(a drive of at most 1,000 ranked units asked without limit or offset)."},
            "blocks": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "size": {"type": "integer", "description": "Ranked units in the block."},
                "offset": {"type": "integer", "description": "Position of the first row (0-based)."},
                "next": {"type": ["string", "null"], "format": "uri",
                         "description": "The block's next page, or null at its end."},
                "export": {"type": "string", "format": "uri",
                           "description": "The whole block, gzip-compressed NDJSON."},
                "rows": {"type": "array", "items": _ref("Standing")}}}},
        },
    },
    "UnitReport": {
        "type": "object",
        "properties": {
            "drive": _ref("Drive"),
            "block": {"type": "object"},
            "parent": {"type": ["object", "null"]},
            "standing": _ref("Standing"),
            "declared": {"type": "object", "description": "Submitted and verified entries scored "
                         "as if all were verified (not used for ranking).", "properties": {
                             "total": DECIMAL, "percent": DECIMAL,
                             "criteria": {"type": "array", "items": _ref("CriterionScore")}}},
            "history": {"type": "array", "items": {"type": "object", "properties": {
                "date": DATE, "total": DECIMAL}}},
            "propaganda": {"type": "array", "items": {"type": "object", "properties": {
                "phase": {"type": "string"}, "phase_name": {"type": "string"},
                "channel": {"type": "string"}, "channel_name": {"type": "string"},
                "activities": {"type": "integer"}, "quantity": {"type": "integer"}}}},
        },
    },
    "Activity": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "activity_date": DATE,
            "verified_at": {"type": "string", "format": "date-time"},
            "unit": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}}},
            "criterion": {"type": "string"}, "phase": {"type": ["string", "null"]},
            "channel": {"type": ["string", "null"]}, "channel_name": {"type": ["string", "null"]},
            "title": {"type": "string"}, "quantity": {"type": "integer"},
            "people_reached": {"type": ["integer", "null"]},
        },
    },
    "PropagandaPage": {
        "type": "object",
        "properties": {
            "drive": _ref("Drive"), "filters": {"type": "object"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"}, "total": {"type": "integer"},
            "items": {"type": "array", "items": _ref("Activity")},
        },
    },
    "DriveList": {
        "type": "object",
        "properties": {"drives": {"type": "array", "items": {"type": "object", "properties": {
            "code": {"type": "string"}, "title": {"type": "string"}, "slug": {"type": "string"},
            "starts_on": DATE, "active": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
            "results": {"type": "string", "format": "uri"}}}}},
    },
    "OpenAPI": {"type": "object"},
    "Error": {
        "type": "object",
        "properties": {"error": {"type": "object", "properties": {
            "status": {"type": "integer"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}},
    },
}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


PROPAGANDA_FILTERS = [
    _query("phase", "Phase code: dot1, dot2, dot3."),
    _query("channel", "Channel code, e.g. facebook, zalo, bao_chi."),
    _query("unit", "Unit code, e.g. HOAAN."),
    _query("from", "First activity date (YYYY-MM-DD).", DATE),
    _query("to", "Last activity date (YYYY-MM-DD).", DATE),
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    _query("per_page", "Rows per page, 1 to 100 (default 20).",
           {"type": "integer", "minimum": 1, "maximum": 100}),
]

PATHS: dict[str, Any] = {
    "/leaderboard": {"get": {
        "operationId": "leaderboard",
        "summary": "A page of the public standings of every block, or of one.",
        "parameters": [
            _query("block", "Only this block (its code, e.g. nganh).", {"type": "string"}),
            _query("limit", "Rows per block, 1 to 1000 (default 100; a drive of at most 1,000 "
                   "ranked units asked without limit or offset answers every row).",
                   {"type": "integer", "minimum": 1, "maximum": 1000}),
            _query("offset", "Position of the first row, from 0 (default 0).",
                   {"type": "integer", "minimum": 0}),
        ],
        "responses": {"200": _ok("Leaderboard", "Every block (or the one asked for), ranked."),
                      "304": NOT_MODIFIED, "400": ERROR, "404": ERROR},
    }},
    **{f"/leaderboard/{{block_code}}.{fmt}": {"get": {
        "operationId": f"leaderboard_export_{fmt.split('.')[0]}",
        "summary": f"One whole block, gzip-compressed {label}, made once per change of the block.",
        "parameters": [{"name": "block_code", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": {"description": f"The block as gzip-compressed {label}.",
                              "content": {"application/gzip": {}}},
                      "304": NOT_MODIFIED, "404": ERROR},
    }} for fmt, label in (("ndjson.gz", "NDJSON (one Standing per line)"),
                          ("csv.gz", "CSV (the leaderboard download's columns)"))},
    "/units/{code}": {"get": {
        "operationId": "unit",
        "summary": "One ranked unit: standing, declared total, points over time, propaganda.",
        "parameters": [{"name": "code", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": _ok("UnitReport", "The unit."), "304": NOT_MODIFIED, "404": ERROR},
    }},
    "/propaganda": {"get": {
        "operationId": "propaganda",
        "summary": "Verified propaganda activities, newest first, paginated.",
        "parameters": PROPAGANDA_FILTERS,
        "responses": {"200": _ok("PropagandaPage", "One page of activities."),
                      "304": NOT_MODIFIED, "400": ERROR, "404": ERROR},
    }},
    "/results": {"get": {
        "operationId": "results",
        "summary": "The official result: the published snapshot in force, every earlier one, "
                   "and the awards of the decision.",
        "responses": {"200": _ok("Results", "The result in force."), "304": NOT_MODIFIED,
                      "404": ERROR},
    }},
    "/drives": {"get": {
        "operationId": "drives",
        "summary": "Every drive on record, newest first, with its addresses.",
        "responses": {"200": _ok("DriveList", "The drives.")},
    }},
    "/openapi.json": {"get": {
        "operationId": "openapi",
        "summary": "This description.",
        "responses": {"200": _ok("OpenAPI", "The OpenAPI 3.1 document.")},
    }},
}


DRIVE_PARAMETER = _query("drive", "A drive on record by its slug (see /drives); "
                         "default: the active drive.")
for _path in ("/leaderboard", "/leaderboard/{block_code}.ndjson.gz",
              "/leaderboard/{block_code}.csv.gz", "/units/{code}", "/propaganda", "/results"):
    _operation = PATHS[_path]["get"]
    _operation["parameters"] = [*_operation.get("parameters", []), DRIVE_PARAMETER]


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Thi đua — dữ liệu mở",
            "version": "1",
            "description": "Public standings and propaganda activities of the emulation drive. "
                           "Only verified entries count; between the freeze and the publication "
                           "of results every number is as of the freeze. See docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
