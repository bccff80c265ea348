"""The jobs' result documents in the S3 results bucket (``shared.domain.jobs.ports.ResultStore``): JSON objects
(``application/json``), encrypted at rest by the bucket (SSE-S3), expired by its lifecycle rule; a client gets a
large one through a presigned GET."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError


class S3ResultStore:
    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def put(self, key: str, document: Any) -> int:
        body = json.dumps(document, separators=(",", ":")).encode()
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        return len(body)

    def get(self, key: str) -> Any:
        try:
            resp = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise
        return json.loads(resp["Body"].read())

    def url(self, key: str, expires_s: int) -> str:
        return str(self.s3.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": key},
                                                  ExpiresIn=expires_s))
