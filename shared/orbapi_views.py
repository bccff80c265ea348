"""orbapi wire shapes shared by several function groups (seed 001)."""

from __future__ import annotations

from shared.domain.catalog.models import Station


def station_order(st: Station) -> tuple[int, str]:
    """Stations listed in id order, numeric ids numerically ("2" before "10")."""
    return (len(st.id), st.id)


def station_view(st: Station) -> dict:
    return {
        "id": st.id,
        "description": st.description or st.name,
        "latitude": st.latitude,
        "longitude": st.longitude,
        "altitude": int(st.altitude) if float(st.altitude).is_integer() else st.altitude,
    }
