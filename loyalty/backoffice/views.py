"""The back office's pages under /manage/: the reports page and its CSV downloads, and the
activity log. Thin: parse the request, take one read, render.

The reports page takes the report snapshot (`loyalty.backoffice.snapshots.report_snapshot_get`)
and lays its figures out as sections (`loyalty.backoffice.sections`). Each section builds its
tables once, and both the page and the CSV download read those same tables, so the two can
never disagree.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from loyalty.backoffice.activity import NO_FILTER, activity_list
from loyalty.backoffice.decorators import manager_required
from loyalty.backoffice.forms import ActivityFilterForm, ReportFilterForm
from loyalty.backoffice.report import ReportPeriod
from loyalty.backoffice.sections import SECTIONS
from loyalty.backoffice.snapshots import report_snapshot_get
from loyalty.backoffice.tables import csv_response
from loyalty.models import Store
from loyalty.services.program import program_timezone

REPORTS_PERMISSION = "loyalty.view_reports"
# The log shows rows of these models, so it takes the right to view each of them.
ACTIVITY_PERMISSIONS = (
    "loyalty.view_pointsentry",
    "loyalty.view_purchasereturn",
    "rewards.view_redemption",
    "referrals.view_referral",
    "loyalty.view_purchase",
    "members.view_user",
)
ACTIVITY_PAGE_SIZE = 50


# --- The reports page ---------------------------------------------------------------------


def _filter_query(period: ReportPeriod, store: Store | None) -> dict[str, str]:
    query = {"date_from": period.first_day.isoformat(), "date_to": period.last_day.isoformat()}
    if store is not None:
        query["store"] = store.code
    return query


@manager_required(REPORTS_PERMISSION)
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    default_period = ReportPeriod.default(now=now)
    if request.GET:
        form = ReportFilterForm(request.GET, default_period=default_period)
        is_valid = form.is_valid()
    else:
        form = ReportFilterForm(
            default_period=default_period,
            initial={"date_from": default_period.first_day, "date_to": default_period.last_day},
        )
        is_valid = False
    # Bad input shows its errors over the default report, never a failure.
    if is_valid:
        period, store = form.cleaned_data["period"], form.cleaned_data["store"]
    else:
        period, store = default_period, None

    wants_csv = request.GET.get("format") == "csv"
    if wants_csv and form.is_bound and not is_valid:
        errors = "; ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")

    snapshot = report_snapshot_get(
        period=period, store=store, refresh=request.GET.get("refresh") == "1"
    )
    report = snapshot.report
    sections = [build(report) for build in SECTIONS]

    if wants_csv:
        name = request.GET.get("table", "")
        for section in sections:
            if name in section.tables:
                parts = ["report", name, period.first_day.isoformat(), period.last_day.isoformat()]
                if store is not None:
                    parts.append(store.code)
                return csv_response(section.tables[name], filename="-".join(parts) + ".csv")
        raise Http404

    query = _filter_query(period, store)
    return render(
        request,
        "backoffice/reports/index.html",
        {
            "form": form,
            "report": report,
            "computed_at": snapshot.computed_at,
            "refresh_query": urlencode({**query, "refresh": "1"}),
            "sections": sections,
            "period": period,
            "store": store,
            "csv_query": urlencode({**query, "format": "csv"}),
        },
    )


# --- The activity log ---------------------------------------------------------------------


@manager_required(*ACTIVITY_PERMISSIONS)
@require_GET
def activity(request: HttpRequest) -> HttpResponse:
    zone = program_timezone()
    form = ActivityFilterForm(request.GET or None)
    # Bad values are shown with their errors and left out of the filter, never a failure.
    if form.is_bound:
        form.is_valid()
    filters = form.activity_filter(zone=zone)
    page = Paginator(activity_list(filters), ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The pager keeps the filter's good values only.
    cleaned = getattr(form, "cleaned_data", {})
    kept = {name: request.GET[name] for name in form.fields if cleaned.get(name) not in (None, "")}
    return render(
        request,
        "backoffice/activity.html",
        {
            "page": page,
            "form": form,
            "is_filtered": filters != NO_FILTER,
            "filter_query": urlencode(kept),
            "program_time_zone": zone,
        },
    )
