from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router

from readings.core.exceptions import InvalidInput


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def validate(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """Run model validation and turn Django's error into our field-level one.

    Django reports a broken multi-field unique constraint (course code and
    section per institution, primary id per institution…) as a whole-object
    error, and a conditional one only by the constraint's name. Report each
    under the field a person chose instead, so a form can show it beside that
    field and nobody reads "Constraint … is violated".
    """
    skip = set(exclude or ())
    errors: dict[str, list[str]] = {}
    try:
        instance.full_clean(exclude=skip, validate_constraints=False)
    except DjangoValidationError as exc:
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
    # As full_clean does: constraints only on fields that passed their own checks.
    skip |= set(errors) - {NON_FIELD_ERRORS}
    using = router.db_for_write(type(instance), instance=instance)
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                constraint.validate(model_class, instance, exclude=skip, using=using)
            except DjangoValidationError as exc:
                field, messages = _constraint_error(instance, model_class, constraint, exc)
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidInput(errors)


def _constraint_error(
    instance: models.Model,
    model_class: type[models.Model],
    constraint: models.BaseConstraint,
    exc: DjangoValidationError,
) -> tuple[str, list[str]]:
    if not isinstance(constraint, models.UniqueConstraint) or not constraint.fields:
        return NON_FIELD_ERRORS, exc.messages
    # The first plain field is the one a person typed (code, primary id, role);
    # relations such as institution or course only scope it.
    meta = model_class._meta
    plain = [name for name in constraint.fields if not meta.get_field(name).is_relation]
    field = plain[0] if plain else constraint.fields[-1]
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return field, exc.messages
    return field, instance.unique_error_message(model_class, constraint.fields).messages
