"""The one ``JobsService`` of every jobs door (SSA routes, pipeline mechanics, the Step Functions worker)."""

from __future__ import annotations

from shared.adapters.dynamo.account_directory import UserAccountDirectory
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.jobs import job_store
from shared.adapters.stepfunctions import StepFunctionsJobStarter
from shared.domain.jobs.ports import Clock, JobStarter
from shared.domain.jobs.service import JobsService


def build_jobs_service(*, starter: JobStarter | None = None, clock: Clock | None = None) -> JobsService:
    """The production service; ``starter`` and ``clock`` may be replaced (tests run the worker inline)."""
    return JobsService(job_store(), catalog_repository(), starter or StepFunctionsJobStarter(),
                       UserAccountDirectory(), clock)


def jobs_service() -> JobsService:
    """The service as the routers and the worker get it (a FastAPI dependency: tests override it)."""
    return build_jobs_service()
