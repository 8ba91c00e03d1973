from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """Django's user, as the site's own model: add fields here as the site needs them.

    Django recommends a custom user model for every new project, because AUTH_USER_MODEL
    cannot easily change once tables refer to it. Refer to it as settings.AUTH_USER_MODEL in
    models and get_user_model() elsewhere, never as auth.User.
    https://docs.djangoproject.com/en/stable/topics/auth/customizing/#using-a-custom-user-model-when-starting-a-project
    """
