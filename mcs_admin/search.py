"""The admin's text search at a prefecture's scale: substring search an index can answer.

Django's admin searches with `icontains`, `UPPER(field) LIKE '%term%'`, which no B-tree
index serves: every search reads the whole table (50,000 staff, 300,000 memberships). Names
here are mostly two kanji (佐藤), too short for pg_trgm, and pg_bigm, the extension made for
Japanese, is neither in Debian nor in every managed PostgreSQL. So on PostgreSQL each table
below stores `mcs_search_grams(<its fields>)`, the upper-cased characters and two-character
pairs of each field, in a generated column `search_grams` with a GIN index (migrations
mcs_admin 0006 and 0008). A row contains the term in one of those fields only if its grams
contain all of the term's pairs (`mcs_search_pairs`, 0018: the term's single characters are in
any row that holds its pairs), so the index narrows the search to candidates and Django's own
condition, left as it is, decides.
"""

from collections.abc import Iterable
from operator import itemgetter

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import Expression, Func, Value
from django.db.models.expressions import Col
from django.utils.text import smart_split, unescape_string_literal

from mcs_admin.paginators import planned_rows

# The fields each table's stored grams cover, in their order (tests/mcs_admin/test_search.py
# compares them with the database's generated columns).
INDEXED_TEXT = {
    "facilities.Facility": ("name", "name_kana"),
    "facilities.StaffMember": (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "email",
    ),
    "facilities.McsAccount": ("login_id",),
    "care_groups.Patient": ("family_name", "given_name", "family_name_kana", "given_name_kana"),
    "care_groups.CareGroup": ("name",),
    "devices.Device": ("label",),
}


# Candidates beyond which the search reads the table instead, in the list's order, until a
# page is full (mcs_admin.paginators.CappedCountPaginator): the index answers a term few rows
# contain in milliseconds, but one in nearly every row (試験 in all 50,000 staff) costs 240 ms
# through it (docs/performance.md).
NARROW_AT_MOST = 10_000


class TermPairs(Func):
    """The term's upper-cased pairs of adjacent characters, as the stored grams have them: only
    these are asked of the index, not the characters they imply, which are in every name
    (職員10000's 職, 員: their posting lists each as long as the table)."""

    function = "mcs_search_pairs"
    output_field = ArrayField(models.TextField())


# The generated column: the database's, not a field of the models (they would read it on
# every query), so referred to as a column of whichever alias the query gives the table.
STORED_GRAMS = ArrayField(models.TextField())
STORED_GRAMS.set_attributes_from_name("search_grams")


class StoredGrams(Expression):
    output_field = STORED_GRAMS

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), STORED_GRAMS)


def matching(model: type[models.Model], term: str) -> models.QuerySet:
    """The rows of an indexed model whose grams hold the term's pairs: a superset of the
    matches."""
    return (
        model._base_manager.alias(search_grams=StoredGrams())
        .filter(search_grams__contains=TermPairs(Value(term)))
        .order_by()
        .values("pk")
    )


def _resolve(model, path: str):
    """The model a `__` path leads to and the field it ends on, or None off the model."""
    *relations, name = path.split("__")
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        field = model._meta.get_field("id" if name == "pk" else name)
    except (FieldDoesNotExist, AttributeError):
        return None
    return model, field


def _plan(model, search_fields: Iterable[str]):
    """How each search field narrows: an indexed relation prefix or an exact integer path.

    None when a field is searched in a way no index here serves: then nothing is narrowed.
    """
    prefixes, integer_paths = {}, []
    for spec in map(str, search_fields):
        exact = spec.startswith("=")
        path = spec.removeprefix("=")
        resolved = None if spec[0] in "^@" else _resolve(model, path)
        if resolved is None:
            return None
        target, field = resolved
        prefix = path.rpartition("__")[0]
        if exact and isinstance(field, (models.AutoField, models.IntegerField)):
            integer_paths.append(path)
        elif not exact and field.name in INDEXED_TEXT.get(target._meta.label, ()):
            prefixes[prefix] = target
        else:
            return None
    return prefixes, integer_paths


# The answer when every term of a search is in more rows than NARROW_AT_MOST: the list then
# reads the table in its order (mcs_admin.paginators.CappedCountPaginator).
COMMON = "common"


def _term_candidates(model, prefixes, integer_paths, bit: str) -> models.QuerySet:
    """The primary keys of the rows whose indexed fields may hold the term."""
    parts = [
        matching(target, bit)
        if not prefix
        else model._base_manager.filter(**{f"{prefix}__in": matching(target, bit)})
        .order_by()
        .values("pk")
        for prefix, target in prefixes.items()
    ]
    if bit.isdigit():
        parts += [
            model._base_manager.filter(**{path: int(bit)}).order_by().values("pk")
            for path in integer_paths
        ]
    return parts[0].union(*parts[1:], all=True) if parts else model.objects.none()


def candidates(model, search_fields, search_term: str) -> list | str | None:
    """The primary keys that may match an admin search, read once: those of its rarest term
    (Django's condition, left as it is, checks every term); COMMON when even the rarest term
    is in more than NARROW_AT_MOST rows; None where no index applies (not PostgreSQL, an
    unindexed field, no term)."""
    plan = _plan(model, search_fields) if connection.vendor == "postgresql" else None
    if plan is None:
        return None
    per_term = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)  # as the admin reads a quoted phrase
        per_term.append(_term_candidates(model, *plan, bit))
    if not per_term:
        return None
    # the planner's estimate of each term's candidates (no execution, under 1 ms each):
    # reading one term's few is cheaper than intersecting every term's
    estimate, rarest = min(((planned_rows(keys), keys) for keys in per_term), key=itemgetter(0))
    if estimate > NARROW_AT_MOST:
        return COMMON
    keys = list(rarest.values_list("pk", flat=True)[: NARROW_AT_MOST + 1])
    return COMMON if len(keys) > NARROW_AT_MOST else keys


class _AnyOf(Func):
    """`<first> = ANY(<second>)`: the two expressions joined by ` = ANY(`, then closed."""

    template = "%(expressions)s)"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


def among(keys: list) -> _AnyOf:
    """`pk = ANY(%s)`, the candidates one array parameter: read once for the count and the
    list alike (where `pk IN (subquery)` let the planner read them again for every row of a
    join it misjudged: the admin's OR of LIKEs looks to it as if it left one row)."""
    return _AnyOf(models.F("pk"), Value(keys, output_field=ArrayField(models.BigIntegerField())))
