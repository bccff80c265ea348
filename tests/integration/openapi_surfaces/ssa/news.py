"""A router that includes another router (the builder must see the inner routes and their dependencies)."""

from __future__ import annotations

from fastapi import APIRouter

from shared.domain.identity import Principal
from shared.http import caller

articles = APIRouter()


@articles.get("/latest")
def latest(limit: int = 10, principal: Principal = caller()) -> list[dict[str, str]]:
    return []


router = APIRouter()
router.include_router(articles, prefix="/v1/news")
