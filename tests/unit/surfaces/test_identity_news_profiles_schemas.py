"""The response models of the accounts, news, core and mission-profile routes accept the seeds' own
example responses (a model must never turn a valid seed response into a 500) and keep every field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from shared.surfaces.orbapi.profiles import ProfileCreated, ProfileDeleted, ProfileList, ProfileOne
from shared.surfaces.ssa.auth import LoginResponse, RefreshResponse, RegisteredUser
from shared.surfaces.ssa.core import ActiveUsersResponse, HealthResponse, RootResponse
from shared.surfaces.ssa.news import NewsItem, NewsPageOut

ARTICLE = {
    "id": "123", "title": "Satellite Launch Successful", "short_description": "New satellite launched into orbit",
    "source": "LaunchLibrary2", "mission_name": "Satellite Mission", "date": "2024-01-15T12:00:00Z",
    "url": "https://example.com/article", "slug": "satellite-launch-successful",
    "last_updated": "2024-01-15T12:00:00Z", "country_code": "USA", "mission_description": "Mission description",
    "off_url": "https://example.com/official", "insertion_time": "2024-01-15T12:00:00Z",
    "created_at": "2024-01-15T12:00:00Z", "updated_at": "2024-01-15T12:00:00Z",
}
RADIO = {"radio": {"frequencyHz": 437000000, "modulation": "GMSK", "baud": 9600}}

SEED_EXAMPLES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    # seed 002
    (RootResponse, {"message": "SSA Backend API is running", "version": "1.0.0", "status": "healthy",
                    "timestamp": 1705315200.0}),
    (HealthResponse, {"status": "healthy", "timestamp": 1705315200.0, "version": "1.0.0",
                      "services": {"api": "healthy", "database": "unknown", "logging": "healthy"},
                      "system": {"hostname": "server-hostname", "platform": "Linux", "python_version": "3.11.0"}}),
    (ActiveUsersResponse, {"total_active_users": 5, "cleanup_interval_seconds": 300, "user_timeout_seconds": 1800,
                           "current_time": 1705315200.0,
                           "active_users": {"123": {"last_activity": 1705314900.0,
                                                    "time_since_activity_seconds": 300.0,
                                                    "time_since_activity_minutes": 5.0,
                                                    "will_be_removed_in_seconds": 1500.0}}}),
    (RegisteredUser, {"id": 123, "email": "john@example.com", "name": "John Doe", "is_active": True,
                      "is_admin": False, "is_staff": False, "is_superuser": False,
                      "date_joined": "2024-01-15T12:00:00Z"}),
    (LoginResponse, {"access_token": "eyJ...", "refresh_token": "eyJ...", "token_type": "bearer", "expires_in": 3600,
                     "user": {"id": 123, "email": "john@example.com", "name": "John Doe", "is_active": True,
                              "is_admin": False}}),
    (RefreshResponse, {"access_token": "eyJ...", "token_type": "bearer", "expires_in": 3600}),
    (NewsItem, ARTICLE),
    (NewsPageOut, {"news": [ARTICLE], "total": 50, "page": 1, "size": 10, "has_next": True, "has_prev": False}),
    # seed 001
    (ProfileCreated, {"status": "success", "profile": {
        "id": 12, "satelliteNoradId": 25544, "name": "Primary data profile", "profile": RADIO,
        "createdBy": "client_123", "createdByType": "api_client", "createdAt": "2026-05-05T12:00:00.000Z",
        "updatedAt": "2026-05-05T12:00:00.000Z"}}),
    (ProfileList, {"noradId": 25544, "profiles": [{
        "id": 12, "satelliteNoradId": 25544, "name": "Primary data profile", "profile": {},
        "createdAt": "2026-05-05T12:00:00.000Z", "updatedAt": "2026-05-05T12:00:00.000Z"}]}),
    (ProfileOne, {"profile": {"id": 12, "satelliteNoradId": 25544, "name": "Primary data profile", "profile": {}}}),
    (ProfileDeleted, {"status": "success", "message": "Mission profile deleted successfully", "profileId": 12}),
]


@pytest.mark.parametrize(("model", "example"), SEED_EXAMPLES, ids=[m.__name__ for m, _ in SEED_EXAMPLES])
def test_seed_example_passes_through_the_response_model_unchanged(model: type[BaseModel],
                                                                  example: dict[str, Any]) -> None:
    dumped = model.model_validate(example).model_dump(mode="json", exclude_unset=True)
    assert dumped == example
