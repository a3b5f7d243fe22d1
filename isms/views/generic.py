"""The one list page of every register (after NetBox's `ObjectListView`).

A list page is a declaration: the queryset, the filter set (one per model, shared with
the API), the template, who may see it, how it pages, which columns the user may choose
and what its export holds. `ObjectListView` does the rest the same way everywhere:
filtering (an empty value is no filter, see `isms.filters.BaseFilterSet`), page numbers
or keyset pages (`isms.pagination`), the column chooser (`?cols=`), the CSV/XLSX export
(`?export=csv|xlsx`: permission, rate limit, spreadsheet-safe cells, audit record and
security log) and the query strings the template's links need.

    class ThreatList(ObjectListView):
        queryset = Threat.objects.all()
        filterset_class = ThreatFilterSet
        template_name = "risks/threat_list.html"
        permission_required = "risks.view_threat"
        export = Export(
            title="Threat catalogue", filename="threats", what="threats",
            permission="risks.export_threat", header=["name", "category"],
            rows=lambda threats: ([t.name, t.category] for t in threats.iterator()),
        )

Hooks, for what a page needs beyond the declaration: `has_permission()`,
`get_queryset()`, `filter_data()`, `rows()`, `export_rows()`, `can_export()` and
`get_extra_context()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from isms import audit, exports, security_log, uploads
from isms import pagination as keyset
from isms.filters import BaseFilterSet
from isms.models.audit import AuditAction

# Query parameters that are not filters: where a page starts, its size, the chosen
# columns and the export. They are left out of the links that start a list over.
PAGE_PARAMS = ("page", "cursor")
LIST_PARAMS = (*PAGE_PARAMS, "per_page", "cols", "export")


def page_of(request, queryset, per_page: int = 25):
    """(page, query): page `?page=` of a short list inside a detail page (a record's
    versions, files, history), and the request's other parameters for the page links.
    Registers are `ObjectListView`s; this is for the lists beside a record."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@dataclass(frozen=True)
class Column:
    """A column of a list whose columns the user chooses (`?cols=`): its key, header,
    the sort parameter value that orders by it (None: not sortable), whether it shows
    by default, whether it holds numbers (right-aligned), and what an abbreviated
    header stands for (`explain`: shown on the header and in the legend under the table)."""

    key: str
    label: str
    sort: str | None = None
    default: bool = True
    numeric: bool = False
    explain: str = ""


def chosen_columns(columns: Sequence[Column], request) -> list[Column]:
    """The columns the request asks for (`?cols=a&cols=b` or `?cols=a,b`), in the list's
    order; the default ones when it names none the list has. The first column (the
    record's reference) is always shown."""
    known = {column.key for column in columns}
    keys = [k for value in request.GET.getlist("cols") for k in value.split(",") if k in known]
    if not keys:
        return [column for column in columns if column.default]
    return [column for column in columns if column.key in keys or column is columns[0]]


def cols_query(columns: Sequence[Column], request) -> str:
    """The column choice as a query string (empty for the defaults), so that a row
    re-rendered after an inline edit keeps the same columns."""
    if not request.GET.getlist("cols"):
        return ""
    return "&".join(f"cols={column.key}" for column in chosen_columns(columns, request))


@dataclass(frozen=True)
class Export:
    """What `?export=` of a list downloads: the filtered rows, every page of them.

    `title` names the export in the audit record ("Asset inventory CSV (query)") and is
    the XLSX sheet's title unless `sheet` is given; `filename` is the file's name
    without extension (`{date}` is replaced by today's date); `what` names the
    download in the security log; `permission` is the permission the user needs;
    `rows(queryset)` yields one sequence per row, in the order of `header`."""

    title: str
    filename: str
    what: str
    permission: str
    header: Sequence[str]
    rows: Callable[[QuerySet], Iterable[Sequence]]
    formats: tuple[str, ...] = ("csv",)
    sheet: str = ""

    def file_name(self, fmt: str) -> str:
        return f"{self.filename.format(date=timezone.localdate().isoformat())}.{fmt}"


class ObjectListView(View):
    """A filtered, paginated list of records, with an optional column chooser and export.

    Declare `queryset` (or `get_queryset()`), `filterset_class`, `template_name` and
    `permission_required` (a permission name; None lets every signed-in user in, for
    lists that their queryset already limits to what the user may see). Pages hold
    `paginate_by` rows; `page_sizes` lets the user choose among sizes (`?per_page=`);
    `keyset = True` pages by cursor on the filter set's `sort_key()` instead of page
    numbers, for lists too long to count. `columns` offers the column chooser;
    `export` the download; `default_filters` the filters of a list opened without any
    (a first visit, or a link to another page of it)."""

    queryset: QuerySet | None = None
    filterset_class = BaseFilterSet  # no filters
    template_name: str | None = None
    permission_required: str | None = None
    paginate_by = 50
    page_sizes: tuple[int, ...] = ()
    keyset = False
    columns: Sequence[Column] = ()
    export: Export | None = None
    default_filters: dict[str, str | list[str]] = {}
    sort_param = "sort"  # the filter set's ordering parameter, left out of `sort_query`

    # --- Hooks -----------------------------------------------------------------------

    def has_permission(self, request) -> bool:
        return self.permission_required is None or request.user.has_perm(self.permission_required)

    def get_queryset(self, request) -> QuerySet:
        if self.queryset is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a queryset.")
        return self.queryset.all()

    def filter_data(self, request):
        """The data the filter set reads: the query string, or `default_filters` when it
        names none of the filter set's filters."""
        data = request.GET
        if self.default_filters and not any(
            name in data for name in self.filterset_class.base_filters
        ):
            data = data.copy()
            for name, value in self.default_filters.items():
                data.setlist(name, value if isinstance(value, list) else [value])
        return data

    def rows(self, filterset) -> QuerySet:
        """The records the list shows and exports: the filter set's, by default."""
        return filterset.qs

    def can_export(self, request) -> bool:
        return request.user.has_perm(self.export.permission)

    def export_rows(self, queryset) -> Iterable[Sequence]:
        return self.export.rows(queryset)

    def get_extra_context(self, request, filterset, page) -> dict:
        return {}

    # --- The request -------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            self.filter_data(request), queryset=self.get_queryset(request), request=request
        )
        fmt = request.GET.get("export")
        if self.export is not None and fmt in self.export.formats:
            return self.export_response(request, filterset, fmt)
        return self.page_response(request, filterset)

    def page_response(self, request, filterset):
        page = self.paginate(request, filterset)
        return render(request, self.template_name, self.get_context(request, filterset, page))

    def export_response(self, request, filterset, fmt: str):
        """The filtered list as a file, once the permission and the rate limit allow it;
        the download is written to the audit trail and the security log."""
        if not self.can_export(request):
            raise PermissionDenied
        if not uploads.download_allowed(request):
            return uploads.too_many_downloads()
        export = self.export
        audit.record(
            None,
            AuditAction.EXPORT,
            message=f"{export.title} {fmt.upper()} ({request.GET.urlencode()})",
        )
        security_log.log_download(request, what=export.what, fmt=fmt)
        rows = self.export_rows(self.rows(filterset))
        if fmt == "xlsx":
            return exports.xlsx_response(
                export.file_name(fmt), export.sheet or export.title, export.header, rows
            )
        return exports.csv_response(export.file_name(fmt), export.header, rows)

    def per_page(self, request) -> int:
        if not self.page_sizes:
            return self.paginate_by
        try:
            size = int(request.GET.get("per_page", self.paginate_by))
        except ValueError:
            return self.paginate_by
        return size if size in self.page_sizes else self.paginate_by

    def paginate(self, request, filterset):
        """The page the request asks for: by page number (`?page=`, out of range gives
        the nearest page), or by cursor (`?cursor=`, a stale or broken one gives the
        first page) with the count capped so that any depth costs the same."""
        rows = self.rows(filterset)
        size = self.per_page(request)
        if not self.keyset:
            return Paginator(rows, size).get_page(request.GET.get("page"))
        sort_key = filterset.sort_key()
        try:
            page = keyset.paginate(rows, sort_key, request.GET.get("cursor"), size)
        except keyset.InvalidCursor:
            page = keyset.paginate(rows, sort_key, None, size)
        page.count, page.count_capped = keyset.count_capped(rows)
        return page

    def get_context(self, request, filterset, page) -> dict:
        query = request.GET.copy()
        for name in (*PAGE_PARAMS, "export"):
            query.pop(name, None)
        sort_query = query.copy()
        sort_query.pop(self.sort_param, None)
        context = {
            "filterset": filterset,
            "page": page,
            # The query string of this view without its page: for the links to other
            # pages, sizes and exports of the same filtered list.
            "query": query.urlencode(),
            # ... and without its sort: for the column headers that sort it.
            "sort_query": sort_query.urlencode(),
            # Called by the template only if it asks (no permission query otherwise).
            "can_export": lambda: self.export is not None and self.can_export(request),
        }
        if self.page_sizes:
            context.update(per_page=self.per_page(request), page_sizes=self.page_sizes)
        if self.columns:
            chosen = chosen_columns(self.columns, request)
            context.update(
                columns=chosen,
                all_columns=self.columns,
                column_keys={column.key for column in chosen},
                cols_query=cols_query(self.columns, request),
            )
        context.update(self.get_extra_context(request, filterset, page))
        return context
