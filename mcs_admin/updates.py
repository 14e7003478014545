from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


def model_update(*, instance: models.Model, fields: Iterable[str], data: Mapping[str, Any]) -> None:
    """Set on `instance` those of `fields` that `data` gives; the caller validates and saves.

    An update service names the fields it may change; whatever else `data` holds is left alone.
    """
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
