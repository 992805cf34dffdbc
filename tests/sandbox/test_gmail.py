"""Gmail send through the real client: storage, recipients, threading and profile."""

from __future__ import annotations

import base64
from email.message import EmailMessage
from typing import Any

import pytest
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaInMemoryUpload

from integrations.sandbox import SandboxAdmin
from integrations.sandbox.gmail import MAX_RAW_BYTES
from tests.sandbox.conftest import DANA, SAM

ANCHOR = "<anchor-pair-1@oneonone>"


def raw(
    subject: str,
    to: str | None = SAM,
    reply_to_anchor: bool = False,
    pad: bool = True,
    anchor: str = ANCHOR,
    body: str = "Bring your topics.",
) -> str:
    message = EmailMessage()
    message["From"] = DANA
    if to:
        message["To"] = to
    message["Subject"] = subject
    if reply_to_anchor:
        message["In-Reply-To"] = anchor
        message["References"] = anchor
    message.set_content(body)
    encoded = base64.urlsafe_b64encode(message.as_bytes()).decode()
    return encoded if pad else encoded.rstrip("=")


@pytest.fixture
def gmail(service_for: Any) -> Any:
    return service_for("gmail", DANA)


def test_send_stores_the_message_and_answers_with_sent_label(
    gmail: Any, admin: SandboxAdmin
) -> None:
    sent = (
        gmail.users()
        .messages()
        .send(userId="me", body={"raw": raw("1:1 prep", pad=False)})
        .execute()
    )
    assert sent["labelIds"] == ["SENT"]
    assert sent["threadId"] == sent["id"]
    mail = admin.sent_mail(user=DANA)
    assert [(m["id"], m["to"]) for m in mail] == [(sent["id"], [SAM])]
    assert "Subject: 1:1 prep" in mail[0]["raw"]
    assert "Bring your topics." in mail[0]["raw"]
    assert admin.sent_mail(user=SAM) == []


def test_message_without_recipients_is_400(gmail: Any) -> None:
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(userId="me", body={"raw": raw("x", to=None)}).execute()
    assert caught.value.status_code == 400
    assert caught.value.error_details[0]["reason"] == "invalidArgument"


def test_threading_needs_thread_id_matching_subject_and_reply_headers(
    gmail: Any, service_for: Any
) -> None:
    send = gmail.users().messages().send
    first = send(userId="me", body={"raw": raw("1:1 Dana/Sam", reply_to_anchor=True)}).execute()
    joined = send(
        userId="me",
        body={"raw": raw("Re: 1:1 Dana/Sam", reply_to_anchor=True), "threadId": first["threadId"]},
    ).execute()
    no_headers = send(
        userId="me", body={"raw": raw("1:1 Dana/Sam"), "threadId": first["threadId"]}
    ).execute()
    other_subject = send(
        userId="me", body={"raw": raw("Recap", reply_to_anchor=True), "threadId": first["threadId"]}
    ).execute()
    assert joined["threadId"] == first["threadId"]
    assert no_headers["threadId"] != first["threadId"]
    assert other_subject["threadId"] != first["threadId"]
    with pytest.raises(HttpError) as send_only:
        gmail.users().getProfile(userId="me").execute()
    assert send_only.value.status_code == 403
    reader = service_for("gmail", DANA, ["gmail.readonly"])
    profile = reader.users().getProfile(userId="me").execute()
    assert profile["emailAddress"] == DANA
    assert (profile["messagesTotal"], profile["threadsTotal"]) == (4, 3)


def test_reply_headers_must_name_an_id_the_thread_already_knows(gmail: Any) -> None:
    send = gmail.users().messages().send
    first = send(userId="me", body={"raw": raw("1:1 Dana/Sam", reply_to_anchor=True)}).execute()
    stranger = raw("1:1 Dana/Sam", reply_to_anchor=True, anchor="<someone-else@example.com>")
    unrelated = send(userId="me", body={"raw": stranger, "threadId": first["threadId"]}).execute()
    assert unrelated["threadId"] != first["threadId"]


def test_a_thread_id_the_mailbox_does_not_hold_is_invalid_and_nothing_is_sent(
    gmail: Any, service_for: Any, admin: SandboxAdmin
) -> None:
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(
            userId="me", body={"raw": raw("x", reply_to_anchor=True), "threadId": "18c0ffee"}
        ).execute()
    assert caught.value.status_code == 400
    assert caught.value.reason == "Invalid thread_id value"
    assert caught.value.error_details[0]["reason"] == "invalidArgument"
    sams = service_for("gmail", SAM).users().messages().send
    theirs = sams(userId="me", body={"raw": raw("x", to=DANA, reply_to_anchor=True)}).execute()
    with pytest.raises(HttpError) as other_mailbox:
        gmail.users().messages().send(
            userId="me",
            body={"raw": raw("x", reply_to_anchor=True), "threadId": theirs["threadId"]},
        ).execute()
    assert other_mailbox.value.status_code == 400
    assert admin.sent_mail(user=DANA) == []


def test_a_raw_message_over_the_documented_maximum_is_refused_with_413(
    gmail: Any, admin: SandboxAdmin
) -> None:
    big = raw("Pasted notes", body="x" * (MAX_RAW_BYTES + 1))
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(userId="me", body={"raw": big}).execute()
    assert caught.value.status_code == 413
    assert str(MAX_RAW_BYTES) in caught.value.reason
    assert admin.sent_mail(user=DANA) == []
    assert MAX_RAW_BYTES == 36_700_160


def test_multipart_upload_route_is_accepted(gmail: Any, admin: SandboxAdmin) -> None:
    media = MediaInMemoryUpload(
        base64.urlsafe_b64decode(raw("Uploaded")), mimetype="message/rfc822"
    )
    sent = gmail.users().messages().send(userId="me", body={}, media_body=media).execute()
    assert sent["labelIds"] == ["SENT"]
    assert "Subject: Uploaded" in admin.sent_mail(DANA)[-1]["raw"]


def test_sending_for_another_mailbox_is_refused(gmail: Any) -> None:
    with pytest.raises(HttpError) as caught:
        gmail.users().messages().send(userId=SAM, body={"raw": raw("x")}).execute()
    assert caught.value.status_code == 403
