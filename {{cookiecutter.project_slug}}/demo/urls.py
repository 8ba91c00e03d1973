from django.urls import path

from . import views

app_name = "demo"
urlpatterns = [
    path("", views.start, name="start"),
    path("uploads/policy/", views.upload_policy, name="upload-policy"),
    path("uploads/record/", views.upload_record, name="upload-record"),
]
