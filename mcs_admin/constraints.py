from django.core.exceptions import ValidationError
from django.db import models


def dates_in_order(earlier: str, later: str, *, name: str, message) -> models.CheckConstraint:
    """`later` is empty or not before `earlier` (an empty `earlier` leaves it unchecked)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{later}__isnull": True})
        | models.Q(**{f"{earlier}__isnull": True})
        | models.Q(**{f"{later}__gte": models.F(earlier)}),
        name=name,
        violation_error_message=message,
    )


class _NotInPython(Exception):
    """The condition uses something `_holds` does not evaluate: the database decides."""


_COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _holds(condition, values: dict) -> bool | None:
    """A Q of plain lookups on the row's own fields, in SQL's three-valued logic (None: unknown)."""
    if isinstance(condition, tuple):
        name, wanted = condition
        field, _, lookup = name.partition("__")
        if field not in values:
            raise KeyError(field)  # an excluded field: the constraint is not checked
        value = values[field]
        if isinstance(wanted, models.F):
            wanted = values[wanted.name]
        elif hasattr(wanted, "resolve_expression"):
            raise _NotInPython
        if lookup == "isnull":
            result = (value is None) == wanted
        elif (lookup or "exact") in _COMPARISONS:
            if value is None or wanted is None:
                result = None
            else:
                result = _COMPARISONS[lookup or "exact"](value, wanted)
        else:
            raise _NotInPython
    elif isinstance(condition, models.Q):
        results = [_holds(child, values) for child in condition.children]
        if condition.connector == models.Q.AND:
            result = False if False in results else None if None in results else True
        else:
            result = True if True in results else None if None in results else False
        if condition.negated:
            result = None if result is None else not result
    else:
        raise _NotInPython
    return result


def _row_values(model, instance, exclude) -> dict:
    values = {
        field.name: getattr(instance, field.attname)
        for field in model._meta.local_concrete_fields
        if field.name not in (exclude or ())
    }
    values["pk"] = instance.pk
    return values


class _ValidatedInPython:
    """A constraint whose condition is evaluated in Python when it can be.

    Django validates each condition with a query inside a savepoint (three round trips per
    constraint per `full_clean`); an import of thousands of rows spends most of its time there.
    A check constraint then needs no query; a conditional unique constraint one plain query,
    and none when the condition does not hold for the row. Anything else is left to Django.
    """

    def __init__(self, constraint):
        self.constraint = constraint

    def __getattr__(self, name):
        return getattr(self.constraint, name)

    def validate(self, model, instance, exclude=None, using=None):
        constraint = self.constraint
        try:
            holds = _holds(models.Q(constraint.condition), _row_values(model, instance, exclude))
        except KeyError:  # a field left out of this validation, as Django's FieldError
            return
        except (_NotInPython, TypeError):
            constraint.validate(model, instance, exclude=exclude, using=using)
            return
        if isinstance(constraint, models.CheckConstraint):
            violated = holds is False  # unknown (NULL) passes, as in the database
        elif holds is False:
            violated = False
        elif holds is None or not self._plain_unique():
            constraint.validate(model, instance, exclude=exclude, using=using)
            return
        else:
            violated = self._taken(model, instance, exclude, using)
        if violated:
            raise ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )

    def _plain_unique(self) -> bool:
        return bool(self.constraint.fields) and self.constraint.nulls_distinct is None

    def _taken(self, model, instance, exclude, using) -> bool:
        """Another row holds these values and meets the condition (as Django's own check)."""
        lookup = {}
        for name in self.constraint.fields:
            if name in (exclude or ()):
                return False
            field = model._meta.get_field(name)
            value = getattr(instance, field.attname)
            if value is None:  # NULL is distinct from NULL
                return False
            lookup[field.name] = value
        others = model._default_manager.using(using).filter(self.constraint.condition, **lookup)
        if not instance._state.adding and instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        return others.exists()


class ChecksInPython:
    """A model mixin: its check constraints and conditional unique constraints are validated
    in Python where they can be (see `_ValidatedInPython`)."""

    def get_constraints(self):
        return [
            (model, [self._in_python(constraint) for constraint in constraints])
            for model, constraints in super().get_constraints()
        ]

    @staticmethod
    def _in_python(constraint):
        if isinstance(constraint, models.CheckConstraint) or (
            isinstance(constraint, models.UniqueConstraint) and constraint.condition is not None
        ):
            return _ValidatedInPython(constraint)
        return constraint
