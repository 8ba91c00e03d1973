import {{ cookiecutter.project_slug }}.models
import {{ cookiecutter.project_slug }}.uploads
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("{{ cookiecutter.project_slug }}", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="upload",
            name="file",
            field=models.FileField(
                max_length=255,
                upload_to={{ cookiecutter.project_slug }}.models.upload_path,
                validators=[{{ cookiecutter.project_slug }}.uploads.validate_upload],
            ),
        ),
    ]
