"""Deployment spec of this function group (read by the CDK app and the local runtime)."""

from shared.resources import FunctionSpec, routes

SPEC = FunctionSpec(
    name="ssa_news",
    surface="ssa",
    description="SSA news: latest articles, time range, search and advanced search",
    routes=routes(
        "GET /v1/news/latest",
        "GET /v1/news/timerange",
        "GET /v1/news/search",
        "POST /v1/news/search/advanced",
    ),
    tables={"news": "read", "identity": "read", "ratelimit": "write"},
)
