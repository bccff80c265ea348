"""The SatNOGS-compatible station use cases, assembled with their DynamoDB and S3 adapters."""

from __future__ import annotations

from shared.domain.stations.satnogs import SatnogsStations
from shared.wiring.ledger import station_service


def satnogs_stations() -> SatnogsStations:
    from shared.adapters.dynamo.catalog import catalog_repository
    from shared.adapters.dynamo.profiles import profiles_repository
    from shared.adapters.s3_downlink import S3DownlinkDrop
    from shared.aws import client
    from shared.settings import get_settings

    drop = S3DownlinkDrop(client("s3"), get_settings().bucket_name("downlink"))
    return SatnogsStations(station_service(), catalog_repository(), profiles_repository(), drop)
