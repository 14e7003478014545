"""What the tables of `tests/**/test_every_path*.py` share: trying a rule on one path (a service,
a page, an admin form or action) and reading the Japanese answer it gives."""

import re

from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.html_forms import form_data

JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龠]")


def refusal(service, **kwargs) -> str:
    """The service's refusal of `kwargs`; failing the test if it accepts them."""
    try:
        service(**kwargs)
    except ValidationError as error:
        return " ".join(error.messages)
    except PermissionDenied as error:
        return str(error)
    raise AssertionError("the service accepted what the rule refuses")


def page(response) -> str:
    """The page's text and the messages it was sent away with."""
    sent = " ".join(str(message) for message in get_messages(response.wsgi_request))
    return response.content.decode() + sent


def admin_url(model, view, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _admin_form(client, url, form_id, values) -> str:
    """Submit the admin form at `url` as it is shown, with `values` typed in."""
    data = form_data(client.get(url).content.decode(), form_id)
    for name, value in values.items():
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return page(client.post(url, {**data, "_save": ""}))


def admin_add(client, model, **values) -> str:
    return _admin_form(client, admin_url(model, "add"), f"{model._meta.model_name}_form", values)


def admin_change(client, obj, **changes) -> str:
    url = admin_url(type(obj), "change", obj.pk)
    return _admin_form(client, url, f"{obj._meta.model_name}_form", changes)


def admin_action(client, model, action, obj, **extra) -> str:
    data = {"action": action, "_selected_action": [obj.pk], **extra}
    return page(client.post(admin_url(model, "changelist"), data, follow=True))
