from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models

from readings.core.exceptions import InvalidInput


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run model validation and turn Django's error into our field-level one."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise InvalidInput.from_django(exc) from exc
