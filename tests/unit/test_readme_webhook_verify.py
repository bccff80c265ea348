"""The README's signature check works on what the deliverer signs: its Python block, run as written, accepts a
genuine delivery and refuses a tampered body, another secret and a stale timestamp."""

from __future__ import annotations

import re
import time
from pathlib import Path

from shared.domain.webhooks.models import Delivery, signed_headers

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def readme_verify():
    section = README.split("## Events and webhooks", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(code.strip().splitlines()) <= 10
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 (the README's own example)
    return namespace["verify"]


def test_the_readme_verifies_groundlink_signatures():
    verify = readme_verify()
    body = b'{"detail":{"state":"available"},"id":"e-1"}'
    delivery = Delivery(webhook_id="wh_1", owner="alice", event={"id": "e-1", "detail-type": "File State Change"})
    now = int(time.time())
    headers = signed_headers("whsec_k", now, body, delivery)
    assert verify("whsec_k", headers, body)
    assert not verify("whsec_k", headers, body.replace(b"available", b"failed"))
    assert not verify("whsec_other", headers, body)
    stale = signed_headers("whsec_k", now - 3600, body, delivery)
    assert not verify("whsec_k", stale, body)
