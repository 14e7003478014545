"""The admin's history in words a clerk reads (issue 18): field labels, choice labels, dates
as the screens show them, — for nothing; never `None`, a raw choice value or a cut-off text."""

import html
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from consents.models import PatientConsent
from mcs_admin.documents import document_receive
from mcs_admin.history_display import EMPTY
from mcs_admin.models import User

CHANGE = re.compile(
    r"<li>\s*<strong>(.*?):</strong>\s*(.*?)\s*&nbsp;&rarr;&nbsp;&nbsp;(.*?)\s*</li>", re.S
)


def changes_on(page: str) -> list[tuple[str, str, str]]:
    return [tuple(html.unescape(part).strip() for part in found) for found in CHANGE.findall(page)]


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_every_history_page_of_the_demo_reads_in_words(client):
    call_command("seed_demo", verbosity=0)
    center = User.objects.get(username="center")
    # a form coming back changes a choice and fills a date that was empty
    consent = PatientConsent.objects.filter(status="prepared").exclude(document_number="").first()
    document_receive(
        document_number=consent.document_number, received_on=timezone.localdate(), by=center
    )
    client.force_login(center)
    seen = []
    for model in admin.site._registry:
        history = getattr(model, "history", None)
        if history is None:
            continue
        labels = {
            str(field.verbose_name).capitalize(): field
            for field in model._meta.fields
            if field.choices
        }
        pks = history.values_list(model._meta.pk.attname, flat=True).distinct()[:5]
        for pk in pks:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[pk])
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.content.decode()
            for label, old, new in changes_on(page):
                seen.append((label, old, new))
                for value in (old, new):
                    assert value and value != "None" and "chars]" not in value, (url, label)
                    assert "pk=None" not in value, (url, label)
                    field = next((f for name, f in labels.items() if name == label), None)
                    if field is not None:
                        shown = {str(text) for _, text in field.flatchoices} | {EMPTY}
                        assert value in shown, (url, label, value)
    received = [change for change in seen if change[1:] == ("作成済み", "受領済み")] or [
        change for change in seen if "受領" in change[2]
    ]
    assert received, "the consent's receipt is in its history, in words"
    assert any(old == EMPTY for _, old, _ in seen), "an empty value reads —"
