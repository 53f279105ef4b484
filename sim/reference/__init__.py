"""A per-agent Mesa reference of the consumer update (test oracle and benchmark baseline)."""

from .model import ReferenceConsumer, ReferenceModel

__all__ = ["ReferenceConsumer", "ReferenceModel"]
