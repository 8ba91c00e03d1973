from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("uploads/policy/", views.upload_policy, name="upload-policy"),
    path("uploads/record/", views.upload_record, name="upload-record"),
]
