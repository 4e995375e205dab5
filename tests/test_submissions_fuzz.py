"""Fuzzing the submission API with hypothesis: only 2xx or 4xx, and nothing stored for a 4xx."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.forms import CHINA_TZ, load_all_forms, validate_form
from server.submissions_schema import SubmissionStatus
from tests.test_submissions_api import AUTH, Server, envelope, submission_server

FORMS = load_all_forms()
FIELD_IDS = sorted({f.id for spec in FORMS.values() for f in spec.fields})
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
field_values = (
    json_values
    | st.from_regex(r"1[0-9]{10}", fullmatch=True)
    | st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True)
    | st.from_regex(r"20[0-9]{2}-[01][0-9]-[0-3][0-9]", fullmatch=True)
    | st.sampled_from(["labour_pay", "none", "09:00-10:00", "", " ", "\x00", "9" * 5000])
)
envelope_keys = st.sampled_from(
    [
        "idempotency_key",
        "tracking_number",
        "form_id",
        "form_version",
        "submitted_at",
        "values",
        "consent",
        "assisted_by",
    ]
)


class Harness:
    """One server for a whole hypothesis run, driven from a private event loop."""

    def __init__(self, tmp_path: Path) -> None:
        self.runner = asyncio.Runner()
        self.tmp_path = tmp_path

    def run[T](self, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return self.runner.run(factory())

    def start(self) -> None:
        self._context = submission_server(self.tmp_path)
        self.server: Server = self.run(self._context.__aenter__)
        self.http = self.run(self._open_http)

    async def _open_http(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession()

    def stop(self) -> None:
        self.run(self.http.close)
        self.run(lambda: self._context.__aexit__(None, None, None))
        self.runner.close()

    def post_and_check(self, body: bytes) -> int:
        """POST the body; check the status class and that a 4xx stored nothing."""

        async def go() -> int:
            before = await self.server.store.count()
            async with self.http.post(
                self.server.url + "/api/submissions", data=io.BytesIO(body), headers=AUTH
            ) as response:
                status = response.status
                reply = await response.json(content_type=None)
            after = await self.server.store.count()
            assert status < 500, (status, reply)
            if status >= 400:
                assert after == before, "a refused submission left something behind"
                assert reply["error"]["code"] and reply["error"]["message"]
            else:
                assert after in (before, before + 1)
                assert reply["status"] == SubmissionStatus.SUBMITTED.label
            return status

        return self.run(go)


def harness_for(tmp_path_factory: Any, name: str) -> Harness:
    harness = Harness(tmp_path_factory.mktemp(name))
    harness.start()
    return harness


def test_random_json_bodies_never_cause_a_server_error(tmp_path_factory: Any) -> None:
    harness = harness_for(tmp_path_factory, "fuzz-json")
    try:

        @FUZZ
        @given(body=json_values | st.binary(max_size=200).map(lambda b: b))
        def check(body: Any) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            assert harness.post_and_check(raw) >= 400

        check()
    finally:
        harness.stop()


def test_random_field_values_in_real_envelopes_are_either_stored_whole_or_refused(
    tmp_path_factory: Any,
) -> None:
    harness = harness_for(tmp_path_factory, "fuzz-fields")
    try:

        @FUZZ
        @given(
            form_id=st.sampled_from(sorted(FORMS)),
            changes=st.dictionaries(
                st.sampled_from(FIELD_IDS) | st.text(max_size=8), field_values, max_size=4
            ),
            envelope_changes=st.dictionaries(envelope_keys, json_values, max_size=2),
        )
        def check(form_id: str, changes: dict[str, Any], envelope_changes: dict[str, Any]) -> None:
            body = envelope(form_id)
            body["values"] = body["values"] | changes
            body |= envelope_changes
            status = harness.post_and_check(json.dumps(body).encode())
            if status == 201:  # whatever got in is a whole, valid application
                stored = harness.run(lambda: harness.server.store.list(limit=1_000_000))
                record = next(r for r in stored if r.idempotency_key == body["idempotency_key"])
                spec = FORMS[record.form_id]
                confirmed = record.submitted_at.astimezone(CHINA_TZ)
                assert validate_form(spec, record.values, confirmed).ok
                assert record.values == validate_form(spec, body["values"], confirmed).values
            seen.add(status // 100)

        seen: set[int] = set()
        check()
        assert seen == {2, 4}  # the fuzzing reached both the storing and the refusing paths
    finally:
        harness.stop()


def test_random_status_queries_never_cause_a_server_error(tmp_path_factory: Any) -> None:
    harness = harness_for(tmp_path_factory, "fuzz-status")
    try:

        @FUZZ
        @given(
            body=st.fixed_dictionaries(
                {},
                optional={
                    "tracking_number": json_values
                    | st.text(alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZ-o ", max_size=12),
                    "phone_last4": json_values | st.from_regex(r"[0-9]{3,5}", fullmatch=True),
                },
            )
            | json_values
        )
        def check(body: Any) -> None:
            async def go() -> None:
                async with harness.http.post(
                    harness.server.url + "/api/submissions/status", data=json.dumps(body), headers=AUTH
                ) as response:
                    reply = await response.json(content_type=None)
                    assert 400 <= response.status < 500, (response.status, reply)
                    assert reply["error"]["code"] in {
                        "malformed_json",
                        "bad_tracking_number",
                        "bad_phone_last4",
                        "not_found",
                    }

            harness.run(go)

        check()
    finally:
        harness.stop()
