"""Batch endpoints: split a multipart/mixed body of ``application/http`` parts, run each part
through the Google router (so it is authorized, faulted and counted on its own) and answer in
the multipart shape googleapiclient parses (CRLF separators, ``Content-ID: <response-…>``).
"""

from __future__ import annotations

import email.message
import re
import secrets
from collections.abc import Callable

from integrations.sandbox.errors import ApiError, bad_request
from integrations.sandbox.wire import Request, Response

BATCH_PATHS = frozenset({"/batch", "/batch/calendar/v3", "/batch/gmail/v1"})
MAX_PARTS = 1000
_BLANK = re.compile(rb"\r?\n\r?\n")


def _boundary(content_type: str) -> str:
    holder = email.message.Message()
    holder["Content-Type"] = content_type
    boundary = holder.get_param("boundary")
    if holder.get_content_maintype() != "multipart" or not isinstance(boundary, str):
        raise bad_request("Invalid multipart request with 0 mime parts.")
    return boundary


def _headers(block: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            found[name.strip().lower()] = value.strip()
    return found


def split_parts(content_type: str, body: bytes) -> list[tuple[str, Request]]:
    """(content id, inner request) for every part of a batch body."""
    delimiter = b"--" + _boundary(content_type).encode()
    chunks = body.split(delimiter)[1:]
    parts: list[tuple[str, Request]] = []
    for chunk in chunks:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.lstrip(b"\r\n")
        pieces = _BLANK.split(chunk, 1)
        if len(pieces) < 2:
            raise bad_request("Invalid batch part.")
        mime = _headers(pieces[0])
        content_id = mime.get("content-id", "").strip().removeprefix("<").removesuffix(">")
        parts.append((content_id, _inner(pieces[1])))
    return parts


def _inner(payload: bytes) -> Request:
    pieces = _BLANK.split(payload, 1)
    head, body = pieces[0], (pieces[1] if len(pieces) > 1 else b"")
    lines = head.decode("utf-8", "replace").splitlines()
    request_line = lines[0].split()
    if len(request_line) < 2:
        raise bad_request("Invalid batch part request line.")
    headers = _headers("\n".join(lines[1:]).encode())
    if "content-length" in headers and headers["content-length"].isdigit():
        body = body[: int(headers["content-length"])]
    else:
        body = body.rstrip(b"\r\n")
    return Request.from_target(request_line[0], request_line[1], headers, body)


def handle(req: Request, dispatch: Callable[[Request], Response]) -> Response:
    try:
        parts = split_parts(req.headers.get("content-type", ""), req.body)
        if len(parts) > MAX_PARTS:
            raise bad_request(f"A batch request cannot contain more than {MAX_PARTS} requests.")
    except ApiError as error:
        return Response.of_error(error)
    boundary = "batch_" + secrets.token_hex(12)
    out = bytearray()
    # Google: the outer request's headers, except Content-*, apply to every part; a part's own
    # header of the same name wins (an Authorization per part acts as that part's user).
    shared = {k: v for k, v in req.headers.items() if not k.startswith("content-")}
    for content_id, inner in parts:
        inner.headers = {**shared, **inner.headers}
        result = dispatch(inner)
        out += f"--{boundary}\r\nContent-Type: application/http\r\n".encode()
        out += f"Content-ID: <response-{content_id}>\r\n\r\n".encode()
        out += f"HTTP/1.1 {result.status} {result.reason}\r\n".encode()
        for name, value in result.headers.items():
            out += f"{name}: {value}\r\n".encode()
        out += f"Content-Length: {len(result.body)}\r\n\r\n".encode()
        out += result.body + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return Response(200, bytes(out), {"Content-Type": f"multipart/mixed; boundary={boundary}"})
