"""The per-agent reference of the consumer update (test oracle and benchmark baseline)."""

from .agent import ReferenceConsumer
from .model import ReferenceConsumers, ReferenceModel

__all__ = ["ReferenceConsumer", "ReferenceConsumers", "ReferenceModel"]
