"""The site's user model, which AUTH_USER_MODEL names from the first migration on."""
