from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.surfaces.openapi import error_responses

router = APIRouter()


class Login(BaseModel):
    email: str
    password: str


@router.post("/auth/login", responses=error_responses("ssa", 401, 422))
def login(body: Login) -> dict[str, str]:
    return {"access_token": "x"}

