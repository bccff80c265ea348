"""The ``DownlinkDrop`` port on memory and on S3 (moto): a dropped object is stored as given under its key, and
dropping the same key again replaces it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from moto import mock_aws

from shared.aws import client, reset_clients

Read = Callable[[str], tuple[bytes, str | None]]


def _memory() -> Iterator[tuple[object, Read]]:
    from shared.adapters.memory.stations import MemoryDownlinkDrop

    drop = MemoryDownlinkDrop()
    yield drop, lambda key: drop.objects[key]


def _s3() -> Iterator[tuple[object, Read]]:
    with mock_aws():
        reset_clients()
        s3 = client("s3")
        s3.create_bucket(Bucket="downlink-contract")
        from shared.adapters.s3_downlink import S3DownlinkDrop

        def read(key: str) -> tuple[bytes, str | None]:
            obj = s3.get_object(Bucket="downlink-contract", Key=key)
            return obj["Body"].read(), obj.get("ContentType")

        yield S3DownlinkDrop(s3, "downlink-contract"), read
    reset_clients()


@pytest.fixture(params=["memory", "s3"])
def drop(request) -> Iterator[tuple[object, Read]]:
    yield from (_memory() if request.param == "memory" else _s3())


def test_a_dropped_object_is_stored_as_given_and_replaced_by_the_same_key(drop):
    store, read = drop
    key = "downlink/7/satnogs-7001/satnogs_7001_t.ogg"
    store.drop(key, b"OggS first", "audio/ogg")
    assert read(key) == (b"OggS first", "audio/ogg")
    store.drop(key, b"OggS second", "audio/ogg")
    assert read(key) == (b"OggS second", "audio/ogg")
