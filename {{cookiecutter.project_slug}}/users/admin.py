from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User

# Django's own user admin; subclass UserAdmin here to show fields you add to User.
admin.site.register(User, UserAdmin)
