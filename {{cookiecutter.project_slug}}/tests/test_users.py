"""The site's own user model: the one Django, the admin and the tests use."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from users.models import User


def test_the_user_model_is_the_sites_own():
    assert settings.AUTH_USER_MODEL == "users.User"
    assert get_user_model() is User


def test_it_is_created_by_the_users_apps_first_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    first = loader.get_migration("users", "0001_initial")
    assert first.initial
    assert [operation.name for operation in first.operations] == ["User"]


@pytest.mark.django_db
def test_the_models_match_their_migrations():
    # Exits with status 1 if a model changed without a migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_admin_manages_users(admin_client):
    assert isinstance(admin.site.get_model_admin(User), UserAdmin)
    response = admin_client.get(reverse("admin:users_user_changelist"))
    assert response.status_code == 200
    assert b"admin" in response.content  # admin_client's own user is listed


def test_the_tests_create_users_of_the_sites_model(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.com", "x")
    assert isinstance(user, User)
    assert User.objects.get(username="editor").email == "editor@example.com"
