"""The analyses a job runs, on the orbit core (numpy + sgp4): coverage (pass analysis over a GeoJSON ground
location) and maneuver detection from element-set history."""
