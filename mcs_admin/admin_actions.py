"""Admin actions that run a service on every selected row, all or nothing.

A service's refusal (ValidationError, PermissionDenied) rolls the whole batch back and shows the
reason; an action that needs a reason asks for it on an intermediate page first.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mcs_admin.text_rules import NoControlCharacters


class ReasonForm(NoControlCharacters, forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _run(model_admin, request, queryset, call) -> None:
    try:
        with transaction.atomic():
            for obj in queryset:
                call(obj)
    except (ValidationError, PermissionDenied) as error:
        messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
        for message in messages_:
            model_admin.message_user(request, message, messages.ERROR)
        model_admin.message_user(request, _("Nothing was changed."), messages.WARNING)
    else:
        model_admin.message_user(
            request, _("Done for %(count)d row(s).") % {"count": len(queryset)}, messages.SUCCESS
        )


def action_name(service, fixed: dict, *suffix: str) -> str:
    """A name unique among a model admin's actions, e.g. `account_restrict_banned_with_reason`."""
    return "_".join([service.__name__, *(str(value) for value in fixed.values()), *suffix])


def service_action(service, description, **fixed):
    """An action calling `service(<field>=obj, by=user, **fixed)` for each selected row."""
    field = fixed.pop("field")

    @admin.action(description=description)
    def action(model_admin, request, queryset):
        _run(
            model_admin,
            request,
            queryset,
            lambda obj: service(**{field: obj}, by=request.user, **fixed),
        )

    action.__name__ = action_name(service, fixed)
    return action


def form_action(service, description, form_class, *suffix: str, **fixed):
    """Like service_action, asking first on an intermediate page for what the service needs
    (`form_class`'s fields, passed on by their names)."""
    field = fixed.pop("field")

    @admin.action(description=description)
    def action(model_admin, request, queryset):
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            _run(
                model_admin,
                request,
                queryset,
                lambda obj: service(**{field: obj}, by=request.user, **form.cleaned_data, **fixed),
            )
            return None
        context = {
            **model_admin.admin_site.each_context(request),
            "title": description,
            "form": form,
            "queryset": queryset,
            "action": request.POST["action"],
            "opts": model_admin.model._meta,
        }
        return TemplateResponse(request, "admin/reason_action.html", context)

    action.__name__ = action_name(service, fixed, *suffix)
    return action


def reason_action(service, description, reason_argument="reason", **fixed):
    """An action asking first for the reason the service records."""
    form_class = type(
        "ReasonFormFor", (forms.Form,), {reason_argument: ReasonForm.base_fields["reason"]}
    )
    return form_action(service, description, form_class, "with_reason", **fixed)
