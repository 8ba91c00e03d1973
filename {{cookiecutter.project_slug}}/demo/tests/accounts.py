"""Signed-in staff for the demo's tests, with or without the Upload permissions."""

from django.contrib.auth.models import Permission


def signed_in(client, django_user_model, *permissions: str):
    """The client, signed in as a staff member who holds these Upload permissions."""
    name = "-".join(("staff", *permissions))
    user = django_user_model.objects.create_user(name, password="x", is_staff=True)
    codenames = [f"{permission}_upload" for permission in permissions]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client
