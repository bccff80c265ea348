"""SSA jobs (seed 002): pass analyzer, maneuver detection, task status, query history."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from functions.ssa_jobs.logic import SsaJobs
from functions.ssa_jobs.models import AlertUpdate, ManeuverRequest, PassAnalyzerRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.jobs import jobs_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app
from shared.jobs_runner import start_job

app = create_app("ssa", "Groundlink SSA jobs")


def user_email(principal: Principal) -> str | None:
    """The token's email claim, else the registered user's email (login tokens carry only ``user-<id>``)."""
    email = principal.claims.get("email")
    user_id = principal.subject.removeprefix("user-")
    if email or not principal.subject.startswith("user-") or not user_id.isdigit() or len(user_id) > 18:
        return email
    from shared.adapters.dynamo.users import user_repository

    user = user_repository().get_user(int(user_id))
    return user.email if user else None


def jobs() -> SsaJobs:
    return SsaJobs(jobs_repository(), catalog_repository(), start_job, user_email)


@app.post("/v1/pass_analyzer/")
def pass_analyzer(body: PassAnalyzerRequest, principal: Principal = caller()) -> dict:
    return jobs().submit_pass_analysis(body, principal)


@app.post("/v1/manuaver/")  # sic: the seed keeps the typo for backward compatibility
def maneuvers(body: ManeuverRequest, principal: Principal = caller()) -> dict:
    return jobs().detect_maneuvers(body, principal)


@app.get("/v1/pass_analyzer_callback/{task_id}/status/")
def task_status(task_id: Annotated[str, Path(min_length=1, max_length=64)], principal: Principal = caller()) -> dict:
    return jobs().status(task_id, principal)


@app.get("/v1/query_history/")
def query_history(attributes: str | None = Query(default=None, max_length=500), alert: bool | None = None,
                  limit: int = Query(default=100, ge=1, le=1000), offset: int = Query(default=0, ge=0),
                  principal: Principal = caller()) -> dict:
    # limit/offset go beyond the seed: they keep a heavy user's history within a Lambda response
    return jobs().history(principal, attributes, alert, limit=limit, offset=offset)


@app.get("/v1/query_history/{history_id}")
def query_history_entry(history_id: Annotated[int, Path(ge=1, le=10**12)],
                        attributes: str | None = Query(default=None, max_length=500),
                        principal: Principal = caller()) -> dict:
    return jobs().history_entry(history_id, principal, attributes)


@app.put("/v1/query_history/alert")
def update_alert(body: AlertUpdate, principal: Principal = caller()) -> dict:
    return jobs().set_alert(body, principal)
