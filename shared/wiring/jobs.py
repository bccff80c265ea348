"""The one ``JobsService`` of every jobs door (SSA routes, pipeline mechanics, the Step Functions worker)."""

from __future__ import annotations

from functools import lru_cache

from shared.adapters.dynamo.account_directory import UserAccountDirectory
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.jobs import job_store
from shared.adapters.s3_results import S3ResultStore
from shared.adapters.spacetrack import SpaceTrackClient
from shared.adapters.stepfunctions import StepFunctionsJobStarter
from shared.aws import client
from shared.domain.jobs.chunks import CHUNK_BUDGET
from shared.domain.jobs.ports import Clock, ElementSetSource, JobStarter
from shared.domain.jobs.service import INLINE_LIMIT_BYTES, JobsService
from shared.resources import RESULTS
from shared.settings import get_settings
from shared.snapstart import after_restore


def spacetrack_source() -> ElementSetSource | None:
    """A Space-Track client when the deployment has credentials (``GROUNDLINK_SPACETRACK_IDENTITY`` and
    ``GROUNDLINK_SPACETRACK_PASSWORD``; ``GROUNDLINK_SPACETRACK_URL``), else None."""
    settings = get_settings()
    password = settings.spacetrack_password.get_secret_value() if settings.spacetrack_password else ""
    if not settings.spacetrack_identity or not password:
        return None
    return _spacetrack_client(settings.spacetrack_identity, password, settings.spacetrack_url,
                              settings.spacetrack_timeout_s)


@lru_cache(maxsize=4)
def _spacetrack_client(identity: str, password: str, url: str, timeout_s: float) -> SpaceTrackClient:
    """One client per configuration and process: a warm function reuses its Space-Track session (Space-Track
    limits requests per minute and hour) and logs in again when the session has expired."""
    return SpaceTrackClient(identity, password, url=url, timeout_s=timeout_s)


after_restore(_spacetrack_client.cache_clear)  # a session (cookie, connection) must not outlive a snapshot


def result_store() -> S3ResultStore:
    """The jobs' result documents in the results bucket."""
    return S3ResultStore(client("s3"), get_settings().bucket_name(RESULTS.key))


def build_jobs_service(*, starter: JobStarter | None = None, clock: Clock | None = None,
                       inline_limit_bytes: int = INLINE_LIMIT_BYTES, chunk_budget: int = CHUNK_BUDGET) -> JobsService:
    """The production service; ``starter`` and ``clock`` may be replaced (tests run the worker inline), and the
    inline-result limit and the chunk budget (tests reach the presigned URL and several chunks cheaply)."""
    return JobsService(job_store(), catalog_repository(), starter or StepFunctionsJobStarter(),
                       UserAccountDirectory(), clock, spacetrack_source(), freshness=get_settings().freshness_policy(),
                       results=result_store(), inline_limit_bytes=inline_limit_bytes, chunk_budget=chunk_budget)


def jobs_service() -> JobsService:
    """The service as the routers and the worker get it (a FastAPI dependency: tests override it)."""
    return build_jobs_service()
