"""The "Formación de cuadros" dashboard view, with spreadsheet export through
Wagtail's SpreadsheetExportMixin (formulas written as text, as in every export:
``cococi_site.spreadsheets``); every export is written to the access log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from members.models import AccessLog

from .. import names
from ..forms import PersonalRowsForm
from ..models import CouncilPage, State
from ..models.scopes import leader_scope
from .dashboard import build_dashboard, resolve_scope
from .forms import DashboardFilterForm

PAGE_SIZE = 50


class CadreDashboardView(SpreadsheetExportMixin, TemplateView):
    template_name = "councils/admin/cadre_dashboard.html"
    export_filename = "formacion-de-cuadros"

    member_export = [
        "name",
        "username",
        "council",
        "courses",
        "hours",
        "circles",
        "roles",
        "next_role",
        "readiness",
        "last_activity",
    ]
    council_export = [
        "council",
        "members",
        "courses",
        "hours",
        "circles",
        "ready",
        "inactive",
    ]
    export_headings = {
        "name": gettext_lazy("Name"),
        "username": gettext_lazy("Username"),
        "council": gettext_lazy("Council"),
        "courses": gettext_lazy("Courses completed"),
        "hours": gettext_lazy("Hours of study"),
        "circles": gettext_lazy("Study circles attended"),
        "roles": gettext_lazy("Current roles"),
        "next_role": gettext_lazy("Next role"),
        "readiness": gettext_lazy("Readiness (%)"),
        "last_activity": gettext_lazy("Last activity"),
        "members": gettext_lazy("Members"),
        "ready": gettext_lazy("Ready for their next role"),
        "inactive": gettext_lazy("Inactive 30+ days"),
    }

    # The local date, as on the page (``value.date()`` gave the UTC date).
    custom_field_preprocess = {
        "last_activity": {
            "csv": lambda value: timezone.localdate(value).isoformat() if value else "",
            "xlsx": lambda value: timezone.localdate(value) if value else None,
        }
    }

    def get(self, request, *args, **kwargs):
        scope = resolve_scope(
            request.user,
            council_id=_int(request.GET.get("consejo")),
            state_code=(request.GET.get("estado") or "")[:2] or None,
        )
        filter_form = DashboardFilterForm(request.GET or None)
        filters = filter_form.filters() if request.GET else {}
        if filter_form.is_bound and filter_form.errors:
            messages.warning(
                request,
                _("Some filters were not valid and were ignored: %(fields)s.")
                % {"fields": ", ".join(filter_form.errors)},
            )
        wanted = bool(request.GET.get("personas"))
        own = scope.is_council and names.leads_directly(request.user, scope.council)
        # Never read from the address: a reason is given by POST (names_reason)
        # and kept in the session for a while.
        reason = (
            ""
            if own
            else names.reason_in_force(
                request, names.keys_covering(scope.council, scope.state)
            )
        )
        if scope.is_council:
            per_person = own or bool(reason)
        else:
            per_person = wanted and bool(reason)
            if wanted and not reason:
                messages.warning(
                    request,
                    _(
                        "To see people by name above a council, write why you need "
                        "to (at least %(minimum)s letters or digits)."
                    )
                    % {"minimum": names.REASON_MIN_VISIBLE},
                )
        dashboard = build_dashboard(scope, filters=filters, per_person=per_person)
        rows = dashboard.members if per_person else dashboard.councils
        if self.is_export:
            # One entry per export: the export is what is logged, not a view too.
            self.list_export = self.member_export if per_person else self.council_export
            self._log(
                AccessLog.Action.EXPORT, scope, filters, len(rows), reason, per_person
            )
            return self.as_spreadsheet(rows, request.GET.get("export"))
        if per_person and not own:
            self._log(
                AccessLog.Action.VIEW, scope, filters, len(rows), reason, per_person
            )
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("p"))
        return self.render_to_response(
            self.get_context_data(
                page_title=_("Formación de cuadros"),
                header_icon="group",
                dashboard=dashboard,
                scope=scope,
                per_person=per_person,
                rows_page=page,
                filter_form=filter_form,
                reason_form=PersonalRowsForm(),
                reason_in_force=bool(reason),
                reason_key=scope.key,
                reason_next=self._people_url(),
                reason_minutes=names.REASON_MINUTES,
                scope_choices=self._scope_choices(scope),
                query=request.GET.copy(),
                csv_url=self.csv_export_url,
                xlsx_url=self.xlsx_export_url,
            )
        )

    def _log(self, action, scope, filters, count, reason, per_person):
        AccessLog.objects.record(
            actor=self.request.user,
            action=action,
            scope=f"cuadros:{scope.key}",
            detail={
                "filtros": filters,
                "personas": per_person,
                "motivo": reason,
                "formato": self.request.GET.get("export", ""),
            },
            row_count=count,
        )

    def _people_url(self):
        """This view with people by name: where a reason given leads."""
        query = self.request.GET.copy()
        for name in ("export", "p", "motivo"):
            query.pop(name, None)
        query["personas"] = "1"
        return f"{self.request.path}?{query.urlencode()}"

    def _scope_choices(self, shown):
        """The states and councils the viewer may switch to (bounded lists);
        a leader of one council, shown it, needs no query."""
        scope = leader_scope(self.request.user)
        states = State.objects.order_by("name")
        if not scope.national:
            states = states.filter(pk__in=scope.state_ids)
        if shown.council is not None and set(scope.council_ids) == {shown.council.pk}:
            councils = [shown.council]
        else:
            councils = CouncilPage.objects.filter(pk__in=scope.council_ids).order_by(
                "title"
            )
        return {
            "states": list(states),
            "councils": list(councils),
            "national": scope.national,
        }


def _int(value):
    try:
        number = int(value) if value else None
    except (TypeError, ValueError):
        return -1  # a forged id: refused by the scope check, never widened
    return -1 if number is not None and number.bit_length() > 62 else number


cadre_dashboard = CadreDashboardView.as_view()
