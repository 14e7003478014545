"""The base of every spreadsheet resource, and the report of an import, row by row.

django-import-export does the reading of rows into records, the dry run and the transaction;
this base adds what the office needs: Japanese headers (and the aliases old files use), records
found by their natural keys (a facility by its name …) rather than by our ids, a row that names
the same record as an earlier row refused, unchanged rows skipped (a re-import changes nothing),
the importing user on every history entry, and a report that names the sheet's row and column
of every problem and shows every row's values as they were read (`ShownValues`).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from import_export.resources import Diff, ModelResource
from import_export.results import Error, RowResult
from openpyxl.utils import get_column_letter

from mcs_admin.sheet_fields import LIST_SEPARATOR, SheetField, cell_text, match_key


@dataclass(frozen=True)
class Cell:
    """A value of the preview, as the import read the cell: normalised, a choice by its name, a
    date as the admin shows it ("" for a blank). A row that changes a record gives the stored
    value as well; a cell that could not be read is shown as written, marked as refused."""

    value: str
    before: str | None = None  # the stored value, when the row changes it
    refused: bool = False

    @property
    def changed(self) -> bool:
        return self.before is not None


@dataclass(frozen=True)
class RowOutcome:
    row: int
    action: str  # RowResult.IMPORT_TYPE_NEW, _UPDATE, _SKIP (unchanged), _INVALID or _ERROR
    record: str
    changes: list[tuple[str, str, str]]  # (column, before, after)
    cells: list[Cell] = field(default_factory=list)  # one per column of `ImportReport.columns`

    @property
    def imported(self) -> bool:
        return self.action in RowResult.valid_import_types


@dataclass(frozen=True)
class Problem:
    row: int | None  # the sheet's row number; None for the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)  # every row but blank ones, bad ones too
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    saved: list = field(default_factory=list)  # records created or changed
    columns: list[str] = field(default_factory=list)  # the file's columns the rows' cells show

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def outcomes(self) -> list[RowOutcome]:
        """The rows that import (or would, but for the bad rows)."""
        return [row for row in self.rows if row.imported]

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def new(self) -> int:
        return self.count(RowResult.IMPORT_TYPE_NEW)

    @property
    def changed(self) -> int:
        return self.count(RowResult.IMPORT_TYPE_UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(RowResult.IMPORT_TYPE_SKIP)

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.problems if problem.row is not None})

    def summary(self) -> str:
        return _("%(rows)d rows: %(new)d new, %(changed)d changed, %(unchanged)d unchanged.") % {
            "rows": len(self.outcomes),
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


class ShownValues(Diff):
    """The library's diff of a row (every column's `export` before and after the row is
    imported), read as the preview shows the values rather than as a file writes them, and kept
    as `Cell`s rather than as HTML: the preview lays them out (`skip_html_diff`)."""

    def __init__(self, resource, instance, new):
        self.left = self._read_field_values(resource, instance)
        self.right = []
        self.new = new
        resource._diff = self

    def compare_with(self, resource, instance):
        self.right = self._read_field_values(resource, instance)

    @classmethod
    def _read_field_values(cls, resource, instance):  # the library's calls Diff's by name
        if instance is None:
            return []
        with translation.override(settings.LANGUAGE_CODE):
            return [str(f.export(instance, shown=True)) for f in resource.preview_fields()]

    def cells(self) -> list[Cell]:
        if self.new:
            return [Cell(after) for after in self.right]
        return [
            Cell(after, before if before != after else None)
            for before, after in zip(self.left, self.right, strict=True)
        ]


class SheetResource(ModelResource):
    """A model's spreadsheet: its columns (`Meta.fields`), natural key and required columns."""

    #: the columns that find an existing record (see `lookup`); a file must have them
    key_fields: list[str] = []
    #: further columns a file must have, because a new record needs them
    required_fields: list[str] = []

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        store_instance = True
        skip_html_diff = True
        use_transactions = True

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        return SheetField()

    @classmethod
    def get_diff_class(cls):
        return ShownValues

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with translation.override(settings.LANGUAGE_CODE):
            for name, sheet_field in self.fields.items():
                sheet_field.bind(name, self._meta.model)
        self.letters: dict[str, str] = {}
        self._preview_fields: list[SheetField] | None = None
        self.ignored_columns: list[str] = []
        self._rows_of_records: dict = {}  # record (see _record_key) → its row
        self._row = 0
        self._diff: ShownValues | None = None  # the row's, as `import_row` made it
        self._validated = None  # the row's record, as `validate_instance` saw it

    # -- the file's columns -------------------------------------------------------------------

    def column_guide(self) -> list[tuple[str, bool, str]]:
        """(header, required, how to write it) of each column, for the import page."""
        required = {*self.key_fields, *self.required_fields}
        return [(f.column_name, name in required, f.describe()) for name, f in self.fields.items()]

    def _read_headers(self, dataset) -> list[str]:
        """Renames the file's headers to ours; the problems with them, if any."""
        by_term = {term: f for f in self.fields.values() for term in f.header_terms}
        problems, headers, seen = [], [], {}
        for index, header in enumerate(dataset.headers):
            letter = get_column_letter(index + 1)
            column = by_term.get(match_key(cell_text(header)))
            if column is None:
                name = header or _("(no header)")
                self.ignored_columns.append(f"{name} ({letter})")
                headers.append(header)
            elif column.column_name in seen:
                problems.append(
                    _("Columns %(first)s and %(second)s are both “%(column)s”.")
                    % {"first": seen[column.column_name], "second": letter, "column": header}
                )
                headers.append(header)
            else:
                seen[column.column_name] = letter
                headers.append(column.column_name)
        dataset.headers = headers
        self.letters = seen
        self._preview_fields = None
        required = {*self.key_fields, *self.required_fields}
        missing = [f.column_name for name, f in self.fields.items() if name in required]
        missing = [column for column in missing if column not in seen]
        if missing:
            problems.append(
                _("The first row must hold the column headers; these are missing: %(columns)s.")
                % {"columns": str(LIST_SEPARATOR).join(missing)}
            )
        return problems

    def preview_fields(self) -> list[SheetField]:
        """The columns of the file that are read, in the file's order."""
        if self._preview_fields is None:
            by_column = {f.column_name: f for f in self.get_import_fields()}
            self._preview_fields = [by_column[column] for column in self.letters]
        return self._preview_fields

    def column_label(self, attribute: str) -> str:
        for sheet_field in self.fields.values():
            if attribute in sheet_field.model_attributes:
                letter = self.letters.get(sheet_field.column_name)
                return (
                    f"{sheet_field.column_name} ({letter})" if letter else sheet_field.column_name
                )
        return ""

    # -- the import ---------------------------------------------------------------------------

    def import_data(self, dataset, **kwargs):
        problems = self._read_headers(dataset)
        if problems:
            result = self.get_result_class()()
            for problem in problems:
                result.append_base_error(Error(ValueError(problem)))
        else:
            try:
                result = super().import_data(dataset, **kwargs)
            except DatabaseError as error:  # a race with another write; all rolled back
                result = self.get_result_class()()
                result.append_base_error(Error(error))
        result.report = self._report(result)
        return result

    def import_row(self, row, instance_loader, **kwargs):
        if not any(cell_text(value) for value in row.values()):
            blank = self.get_row_result_class()()
            blank.import_type = RowResult.IMPORT_TYPE_SKIP
            blank.is_blank = True
            return blank
        self._diff = self._validated = None
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.import_type not in RowResult.valid_import_types:
            row_result.cells = self._refused_cells(row, row_result)
        return row_result

    def _refused_cells(self, row, row_result) -> list[Cell]:
        """A bad row's cells: as read where the row got that far, the others as written."""
        error = row_result.validation_error
        refused = set(getattr(error, "error_dict", {})) if error is not None else set()
        read = None
        if self._diff is not None and self._validated is not None and error is not None:
            self._diff.compare_with(self, self._validated)
            read = self._diff.cells()
        cells = []
        for index, sheet_field in enumerate(self.preview_fields()):
            if read is None or refused & sheet_field.model_attributes:
                written = cell_text(row.get(sheet_field.column_name))
                cells.append(Cell(written, refused=bool(refused & sheet_field.model_attributes)))
            else:
                cells.append(read[index])
        return cells

    def before_import_row(self, row, **kwargs):
        self._row = kwargs["row_number"] + 1  # the sheet's row: its first row holds headers

    def lookup(self, row):
        """The queryset of records this row names by its natural key, or None if it names none."""
        raise NotImplementedError

    def get_instance(self, instance_loader, row):
        queryset = self.lookup(row)
        found = list(queryset[:2]) if queryset is not None else []
        key_attribute = self.fields[self.key_fields[0]].attribute
        if len(found) > 1:
            raise ValidationError(
                {key_attribute: _("Several records match this row: make them distinct first.")}
            )
        if found:
            self._claim(found[0], key_attribute)
            found[0]._stored_workflow = self._workflow_values(found[0])
            return found[0]
        return None

    @staticmethod
    def _workflow_values(instance) -> dict:
        return {name: getattr(instance, name) for name in getattr(instance, "workflow_fields", ())}

    def _workflow_changes(self, instance) -> dict:
        """A registered record's workflow state is moved by its services, never by a file (a
        new record is recorded as the file lists it)."""
        stored = getattr(instance, "_stored_workflow", None)
        if instance.pk is None or stored is None:
            return {}
        message = _("An import does not change this: the support center does it in the admin.")
        return {
            name: [message]
            for name, value in self._workflow_values(instance).items()
            if value != stored[name]
        }

    @staticmethod
    def _record_key(instance):
        """The record, also when a resource writes its new records only after the last row."""
        return instance.pk if instance.pk is not None else ("new", id(instance))

    def _claim(self, instance, key_attribute):
        earlier = self._rows_of_records.setdefault(self._record_key(instance), self._row)
        if earlier != self._row:
            raise ValidationError(
                {key_attribute: _("Row %(row)d is about the same record.") % {"row": earlier}}
            )

    def before_save_instance(self, instance, row, **kwargs):
        instance._history_user = kwargs.get("user")
        instance._change_reason = _("Imported from %(file)s") % {
            "file": kwargs.get("file_name") or _("a spreadsheet")
        }

    def after_save_instance(self, instance, row, **kwargs):
        self._rows_of_records.setdefault(self._record_key(instance), self._row)

    def after_import_row(self, row, row_result, **kwargs):
        original, instance = row_result.original, row_result.instance
        row_result.cells = self._diff.cells()
        row_result.changes = []
        if row_result.import_type != RowResult.IMPORT_TYPE_UPDATE or original is None:
            return
        for sheet_field in self.get_import_fields():
            if sheet_field.column_name not in row:
                continue
            before, after = sheet_field.export(original), sheet_field.export(instance)
            if before != after:
                row_result.changes.append((sheet_field.column_name, str(before), str(after)))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """As the library's, but a column refused already is not checked again by the model."""
        self._validated = instance
        errors = {**self._workflow_changes(instance), **(import_validation_errors or {})}
        excluded = set(errors)
        for sheet_field in self.fields.values():
            if sheet_field.attribute in errors:
                excluded |= sheet_field.model_attributes
        try:
            instance.full_clean(exclude=excluded, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def describe(self, instance) -> str:
        return str(instance)

    def _report(self, result) -> ImportReport:
        report = ImportReport(
            ignored_columns=self.ignored_columns,
            columns=[f.column_name for f in self.preview_fields()],
        )
        for number, row_result in enumerate(result.rows, start=2):
            if getattr(row_result, "is_blank", False):
                continue
            imported = row_result.import_type in RowResult.valid_import_types
            report.rows.append(
                RowOutcome(
                    number,
                    row_result.import_type,
                    self.describe(row_result.instance) if imported else "",
                    getattr(row_result, "changes", []),
                    getattr(row_result, "cells", []),
                )
            )
            if row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
                report.saved.append(row_result.instance)
            elif row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
                report.problems += self._problems(number, row_result.validation_error)
            elif not imported:
                report.problems += [
                    Problem(number, "", _("Unexpected error: %(error)s") % {"error": e.error})
                    for e in row_result.errors
                ]
        report.problems += [Problem(None, "", str(e.error)) for e in result.base_errors]
        return report

    def _problems(self, number: int, error: ValidationError) -> list[Problem]:
        errors = getattr(error, "error_dict", None) or {NON_FIELD_ERRORS: error.error_list}
        return [
            Problem(
                number,
                "" if attribute == NON_FIELD_ERRORS else self.column_label(attribute),
                message,
            )
            for attribute, field_errors in errors.items()
            for message in ValidationError(field_errors).messages
        ]

    # -- the export ---------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        self.exported = []
        with translation.override(settings.LANGUAGE_CODE):
            dataset = super().export(queryset, **kwargs)
        dataset.title = str(self._meta.model._meta.verbose_name_plural)
        return dataset

    def export_resource(self, instance, selected_fields=None, **kwargs):
        self.exported.append(instance)
        return super().export_resource(instance, selected_fields, **kwargs)


def sheet_resources() -> dict[str, type[SheetResource]]:
    """The resource of each model that has one, by the model's name (`facility` …)."""
    autodiscover_modules("resources")
    return {
        resource._meta.model._meta.model_name: resource
        for resource in SheetResource.__subclasses__()
    }
