"""The analyses a job runs, on the orbit core (numpy + sgp4): coverage (pass analysis over a GeoJSON ground
location) and maneuver detection from element-set history."""


class AnalysisError(ValueError):
    """An analysis that cannot be done as asked, with the machine code it fails with (seed 004's list:
    ``EXTENT-TOO-SMALL``, ``EXTENT-TOO-LARGE``, ``INVALID-GEOJSON``…). Recorded on the job as its
    ``error_code`` when it happens in the worker; refused with that code when it happens at submission."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code
