"""The admin's action checkboxes, written without a template (mcs_admin.admin_rows): the same
input as Django's, on every list of the admin."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from facilities.models import Facility
from mcs_admin.admin_rows import PlainActionCheckbox
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_checkbox_is_djangos_with_the_name_escaped():
    facility = f.FacilityFactory(name='<b>"三郷&診療所"</b>')
    model_admin = admin.site.get_model_admin(Facility)
    ours = model_admin.action_checkbox(facility)
    djangos = ModelAdmin.action_checkbox(model_admin, facility)
    assert ours == djangos  # byte for byte
    assert "<b>" not in ours and "&lt;b&gt;" in ours


def test_every_list_of_the_admin_writes_its_checkboxes_plainly():
    admins = [type(model_admin) for model_admin in admin.site._registry.values()]
    assert all(cls.action_checkbox is PlainActionCheckbox.action_checkbox for cls in admins)
