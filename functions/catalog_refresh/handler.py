"""The scheduled catalogue refresh (``shared.domain.catalog.refresh.CatalogRefresh``): pulls every configured
source through the ingestion, publishes the run's figures (CloudWatch metrics ``RefreshStored``,
``RefreshUnchanged``, ``RefreshRejected``, ``RefreshSourcesFailed``, ``NewestEpochAgeHours``) and fails when a
source failed, so the invocation is retried and then dead-lettered, and alarmed on."""

from __future__ import annotations

from typing import Any

from shared.observability import logger, metrics


class RefreshFailed(RuntimeError):
    pass


def publish(run: Any) -> None:
    from aws_lambda_powertools.metrics import MetricUnit

    metrics.add_metric(name="RefreshStored", unit=MetricUnit.Count, value=run.stored)
    metrics.add_metric(name="RefreshUnchanged", unit=MetricUnit.Count, value=run.unchanged)
    metrics.add_metric(name="RefreshRejected", unit=MetricUnit.Count, value=run.rejected)
    metrics.add_metric(name="RefreshSourcesFailed", unit=MetricUnit.Count, value=len(run.failures))
    age = run.newest_epoch_age_h()
    if age is not None:
        metrics.add_metric(name="NewestEpochAgeHours", unit=MetricUnit.Count, value=age)


@metrics.log_metrics
def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    from shared.wiring.catalog import catalog_refresh

    run = catalog_refresh().run()
    publish(run)
    summary = run.as_dict()
    logger.info("catalogue refresh", extra={k: v for k, v in summary.items() if k != "sources"})
    if run.failures:
        raise RefreshFailed("; ".join(run.failures))
    return summary
