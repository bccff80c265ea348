"""Mission profile data access: the DynamoDB ``ProfileStore`` (table ``profiles``).

Items (pk / sk):
  PROFILE#<id>   / META       one profile; GSI ``by_parent``: parent ``SAT#<norad:09d>``, parent_sort ``<id:012d>``
  COUNTER        / profile    the id allocator (atomic ``ADD``); has no ``parent`` so it stays out of the index

The profile JSON is stored verbatim as a string (``profile_json``): DynamoDB maps would drop ``null``
members and turn ``1.0`` into ``1``; callers get back exactly the JSON they stored.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from botocore.exceptions import ClientError

from shared.adapters.dynamo.base import ddb, deserialize, query_all, serialize, table_name, value
from shared.domain.profiles.models import MissionProfile
from shared.domain.profiles.ports import ProfileIdTaken, ProfileStore
from shared.timefmt import iso_ms

INDEX = "by_parent"


def _key(profile_id: int) -> dict[str, Any]:
    return {"pk": value(f"PROFILE#{profile_id}"), "sk": value("META")}


def _parent(norad_id: int) -> str:
    return f"SAT#{norad_id:09d}"


def _from_item(item: dict[str, Any]) -> MissionProfile:
    return MissionProfile.model_validate({**item, "profile": json.loads(item["profile_json"])})




class DynamoProfilesRepository:
    def __init__(self) -> None:
        self.table = table_name("profiles")

    def next_id(self) -> int:
        """Allocate the next profile id: one atomic ``ADD`` on the counter item (gaps are possible, repeats not).
        The embedded emulation's ``ADD`` is not atomic across threads: two first creates at once can each write the
        counter item, and one then answers without the new value. That answer is asked again (a gap, never a repeat:
        a repeated id is refused by ``put``)."""
        for _ in range(5):
            resp = ddb().update_item(
                TableName=self.table,
                Key={"pk": value("COUNTER"), "sk": value("profile")},
                UpdateExpression="ADD #n :one",
                ExpressionAttributeNames={"#n": "value"},
                ExpressionAttributeValues={":one": value(1)},
                ReturnValues="UPDATED_NEW",
            )
            counter = resp.get("Attributes", {}).get("value")
            if counter is not None:
                return int(counter["N"])
        raise RuntimeError("the profile id counter answered without its value five times")

    def put(self, profile: MissionProfile) -> None:
        body = profile.model_dump(exclude={"profile", "created_at", "updated_at"})
        item = {
            "pk": f"PROFILE#{profile.id}",
            "sk": "META",
            "parent": _parent(profile.satellite_norad_id),
            "parent_sort": f"{profile.id:012d}",
            **body,
            "profile_json": json.dumps(profile.profile, separators=(",", ":"), ensure_ascii=False),
            "created_at": iso_ms(profile.created_at),
            "updated_at": iso_ms(profile.updated_at),
        }
        try:
            ddb().put_item(TableName=self.table, Item=serialize(item), ConditionExpression="attribute_not_exists(pk)")
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ProfileIdTaken(f"mission profile {profile.id} already exists") from exc
            raise

    def get(self, profile_id: int) -> MissionProfile | None:
        resp = ddb().get_item(TableName=self.table, Key=_key(profile_id), ConsistentRead=True)
        return _from_item(deserialize(resp["Item"])) if "Item" in resp else None

    def list_for_satellite(self, norad_id: int, owner: str | None = None) -> list[MissionProfile]:
        """The satellite's profiles in id order; only ``owner``'s when given."""
        kwargs: dict[str, Any] = {
            "TableName": self.table,
            "IndexName": INDEX,
            "KeyConditionExpression": "#p = :p",
            "ExpressionAttributeNames": {"#p": "parent"},
            "ExpressionAttributeValues": {":p": value(_parent(norad_id))},
        }
        if owner is not None:
            kwargs["FilterExpression"] = "#o = :o"
            kwargs["ExpressionAttributeNames"]["#o"] = "created_by"
            kwargs["ExpressionAttributeValues"][":o"] = value(owner)
        return [_from_item(i) for i in query_all(**kwargs)]

    def delete(self, profile_id: int, owner: str | None = None) -> bool:
        """Delete if it exists and (when ``owner`` is given) belongs to ``owner``; one conditional write,
        so a concurrent change of hands or a second delete cannot remove someone else's profile."""
        kwargs: dict[str, Any] = {"ConditionExpression": "attribute_exists(pk)"}
        if owner is not None:
            kwargs = {
                "ConditionExpression": "attribute_exists(pk) AND #o = :o",
                "ExpressionAttributeNames": {"#o": "created_by"},
                "ExpressionAttributeValues": {":o": value(owner)},
            }
        try:
            ddb().delete_item(TableName=self.table, Key=_key(profile_id), **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


@lru_cache(maxsize=1)
def profiles_repository() -> ProfileStore:
    return DynamoProfilesRepository()
