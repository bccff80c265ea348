"""One construct per domain; ``infra/stack.py`` only assembles them."""

from infra.components.api import ApiConstruct
from infra.components.console import ConsoleConstruct
from infra.components.data import DataConstruct
from infra.components.events import EventsConstruct
from infra.components.functions import FunctionsConstruct
from infra.components.identity import IdentityConstruct
from infra.components.jobs import JobsConstruct
from infra.components.layers import LayersConstruct
from infra.components.monitoring import MonitoringConstruct
from infra.components.schedules import SchedulesConstruct
from infra.components.storage import StorageConstruct

__all__ = [
    "ApiConstruct",
    "ConsoleConstruct",
    "DataConstruct",
    "EventsConstruct",
    "FunctionsConstruct",
    "IdentityConstruct",
    "JobsConstruct",
    "LayersConstruct",
    "MonitoringConstruct",
    "SchedulesConstruct",
    "StorageConstruct",
]
