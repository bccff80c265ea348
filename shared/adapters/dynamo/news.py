"""News data access: the DynamoDB ``NewsStore`` (table ``news``).

Items (pk / sk):
  NEWS              / <date>#<id>     the listing: one partition ordered by publication time, so "newest
                                      first" and a time range are each one Query (``sk BETWEEN``)
  ARTICLE#<id>      / ARTICLE         the same article by id (ids are unique), with ``listing_sk``
                                      pointing at its listing item

``<date>`` is ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (fixed width, so string order is time order). An upsert
writes both items in one transaction (and removes the old listing item when the date changed), so the
two never disagree; re-storing an unchanged article writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from shared.adapters.dynamo.base import ddb, deserialize, serialize, table_name, value
from shared.domain.errors import Conflict
from shared.domain.news.models import NewsArticle, utc
from shared.domain.news.ports import NewsStore, UpsertResult

LISTING = "NEWS"
PAGE = 100  # items per Query page while reading newest first


def date_key(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def listing_sk(article: NewsArticle) -> str:
    return f"{date_key(article.date)}#{article.id}"


def _article_key(article_id: str) -> dict[str, Any]:
    return {"pk": value(f"ARTICLE#{article_id}"), "sk": value("ARTICLE")}




class DynamoNewsRepository:
    def __init__(self, table: str | None = None) -> None:
        self.table = table or table_name("news")

    def _get_item(self, article_id: str) -> dict[str, Any] | None:
        resp = ddb().get_item(TableName=self.table, Key=_article_key(article_id), ConsistentRead=True)
        return deserialize(resp["Item"]) if "Item" in resp else None

    def get(self, article_id: str) -> NewsArticle | None:
        item = self._get_item(article_id)
        return NewsArticle.model_validate(item) if item else None

    def upsert(self, article: NewsArticle, *, now: datetime | None = None) -> UpsertResult:
        """Store by id. A new article gets ``insertion_time`` = ``created_at`` = ``updated_at`` = now; a
        changed one keeps its insertion and creation times and gets ``updated_at`` = now; an unchanged one
        (same content fields) is left alone. Concurrent writers of the same id: the loser gets a Conflict."""
        from botocore.exceptions import ClientError

        now = utc(now or datetime.now(UTC))
        existing_item = self._get_item(article.id)
        existing = NewsArticle.model_validate(existing_item) if existing_item else None
        if existing is not None and existing.content() == article.content():
            return "unchanged"
        first = existing.insertion_time if existing and existing.insertion_time else now
        created = existing.created_at if existing and existing.created_at else now
        stored = article.model_copy(update={"insertion_time": first, "created_at": created, "updated_at": now})
        body = stored.model_dump(mode="json")
        sk = listing_sk(stored)
        if existing_item is None:
            guard = {"ConditionExpression": "attribute_not_exists(pk)"}
        else:
            guard = {"ConditionExpression": "listing_sk = :old",
                     "ExpressionAttributeValues": {":old": value(existing_item["listing_sk"])}}
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table,
                     "Item": serialize({"pk": f"ARTICLE#{stored.id}", "sk": "ARTICLE", "listing_sk": sk, **body}),
                     **guard}},
            {"Put": {"TableName": self.table, "Item": serialize({"pk": LISTING, "sk": sk, **body})}},
        ]
        if existing_item is not None and existing_item["listing_sk"] != sk:
            actions.append({"Delete": {"TableName": self.table,
                                       "Key": {"pk": value(LISTING), "sk": value(existing_item["listing_sk"])}}})
        try:
            ddb().transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "TransactionCanceledException":
                raise Conflict(f"news article {article.id} was changed concurrently; retry") from exc
            raise
        return "created" if existing is None else "updated"

    def newest_first(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[NewsArticle]:
        """Articles published in [start, end] (either bound optional), newest first, read lazily page by page."""
        names = {"#pk": "pk"}
        values: dict[str, Any] = {":pk": value(LISTING)}
        condition = "#pk = :pk"
        # "<date>#<id>": a bare date sorts before every key of that instant, "<date>$" after all of them.
        low = date_key(start) if start is not None else None
        high = f"{date_key(end)}$" if end is not None else None
        if low is not None and high is not None:
            condition += " AND #sk BETWEEN :lo AND :hi"
            values.update({":lo": value(low), ":hi": value(high)})
        elif low is not None:
            condition += " AND #sk >= :lo"
            values[":lo"] = value(low)
        elif high is not None:
            condition += " AND #sk <= :hi"
            values[":hi"] = value(high)
        if low is not None or high is not None:
            names["#sk"] = "sk"
        kwargs: dict[str, Any] = {
            "TableName": self.table, "KeyConditionExpression": condition, "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values, "ScanIndexForward": False, "Limit": PAGE,
        }
        while True:
            page = ddb().query(**kwargs)
            for item in page.get("Items", []):
                yield NewsArticle.model_validate(deserialize(item))
            if "LastEvaluatedKey" not in page:
                return
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@lru_cache(maxsize=1)
def news_repository() -> NewsStore:
    return DynamoNewsRepository()
