from django.db import migrations, models

import {{ cookiecutter.project_slug }}.uploads


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Upload",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                (
                    "file",
                    models.FileField(
                        max_length=255,
                        unique=True,
                        upload_to={{ cookiecutter.project_slug }}.uploads.upload_path,
                        validators=[{{ cookiecutter.project_slug }}.uploads.validate_upload],
                    ),
                ),
                ("uploaded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["-uploaded_at"]},
        ),
    ]
