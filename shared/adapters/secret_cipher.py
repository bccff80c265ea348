"""Webhook signing secrets at rest: AES-256-GCM (a fresh 96-bit nonce per secret) under a key derived
(SHA-256) from the deployment's webhook key — a Secrets Manager secret in AWS
(``GROUNDLINK_WEBHOOK_KEY_ARN``), ``GROUNDLINK_WEBHOOK_KEY`` or, only when ``GROUNDLINK_ENVIRONMENT`` is
explicitly ``local``, the public development key. Anything else fails closed. Stored form:
``v1:<base64url(nonce || ciphertext+tag)>``."""

from __future__ import annotations

import base64
import hashlib
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.settings import LOCAL_WEBHOOK_KEY, get_settings

PREFIX = "v1:"
_AAD = b"groundlink-webhook-secret"


class AesGcmCipher:
    def __init__(self, key_material: str) -> None:
        self._aead = AESGCM(hashlib.sha256(key_material.encode()).digest())

    def encrypt(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        return PREFIX + base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, plaintext.encode(), _AAD)).decode()

    def decrypt(self, ciphertext: str) -> str:
        if not ciphertext.startswith(PREFIX):
            raise ValueError("not a Groundlink webhook secret ciphertext")
        raw = base64.urlsafe_b64decode(ciphertext[len(PREFIX):])
        return self._aead.decrypt(raw[:12], raw[12:], _AAD).decode()


def _key_material() -> str:
    settings = get_settings()
    if settings.webhook_key is not None:
        return settings.webhook_key.get_secret_value()
    if settings.webhook_key_arn:
        from shared.aws import client

        return str(client("secretsmanager").get_secret_value(SecretId=settings.webhook_key_arn)["SecretString"])
    if settings.environment == "local" and "environment" in settings.model_fields_set:
        return LOCAL_WEBHOOK_KEY
    raise RuntimeError("no webhook key configured (GROUNDLINK_WEBHOOK_KEY or GROUNDLINK_WEBHOOK_KEY_ARN); the public "
                       "development key is only used when GROUNDLINK_ENVIRONMENT is explicitly 'local'")


@lru_cache(maxsize=1)
def secret_cipher() -> AesGcmCipher:
    return AesGcmCipher(_key_material())
