"""Lambda layers: the runtime dependencies (every function) and the orbit core (only where needed)."""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import AssetHashType, RemovalPolicy
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import build_assets
from infra.build_assets import BuiltAsset
from infra.components.constants import LAMBDA_ARCHITECTURE, LAMBDA_RUNTIME

AssetBuilder = Callable[[], BuiltAsset]


def _layer(scope: Construct, construct_id: str, asset: BuiltAsset, description: str) -> lambda_.LayerVersion:
    return lambda_.LayerVersion(
        scope,
        construct_id,
        code=lambda_.Code.from_asset(
            str(asset.path), asset_hash=asset.asset_hash, asset_hash_type=AssetHashType.CUSTOM
        ),
        compatible_runtimes=[LAMBDA_RUNTIME],
        compatible_architectures=[LAMBDA_ARCHITECTURE],
        description=description,
        # Old versions stay until the functions that use them are gone.
        removal_policy=RemovalPolicy.RETAIN,
    )


class LayersConstruct(Construct):
    """Builds the layers without Docker (``infra/build_assets.py``, cached under ``build/``).

    The orbit layer (numpy + sgp4, ~67 MB unzipped, ~100 ms of cold start) is built and created
    only when at least one function asks for it: ``orbit_layer`` is ``None`` otherwise.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        with_orbit_layer: bool,
        runtime_builder: AssetBuilder = build_assets.runtime_layer,
        orbit_builder: AssetBuilder = build_assets.orbit_layer,
    ) -> None:
        super().__init__(scope, construct_id)
        self.runtime_layer = _layer(
            self,
            "RuntimeDependencies",
            runtime_builder(),
            "Groundlink runtime dependencies: fastapi, mangum, pydantic, Powertools, PyJWT",
        )
        self.orbit_layer: lambda_.LayerVersion | None = None
        if with_orbit_layer:
            self.orbit_layer = _layer(
                self, "Orbit", orbit_builder(), "Groundlink orbit core: groundlink_orbit, numpy, sgp4"
            )
