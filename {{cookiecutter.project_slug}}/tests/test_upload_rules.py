"""The rules for uploaded files: whatever a visitor sends, the key stays short, sane and inside
uploads/, and the extension judged is the one the key gets."""

import re

import pytest
from django.core.exceptions import ValidationError

from {{ cookiecutter.project_slug }}.uploads import check_extension, safe_name, upload_path

KEY = re.compile(r"^uploads/\d{4}/\d{2}/[\w-]{1,60}-[0-9a-f]{8}(\.[\w-]{1,10})?$")


@pytest.mark.parametrize(
    ("filename", "stem"),
    [
        ("report.pdf", "report"),
        ("../../etc/passwd", "passwd"),
        ("/absolute/path/photo.JPG", "photo"),
        ("..\\..\\windows\\evil.exe", "evil"),
        ("my summer photo.png", "my-summer-photo"),
        ("Café Société.txt", "café-société"),
        ("bell\x07\x00name.txt", "bellname"),
        ("a" * 300 + ".txt", "a" * 60),
        ("..", "file"),
        (".hidden", "hidden"),
    ],
)
def test_hostile_names_become_sane_keys(filename, stem):
    key = upload_path(None, filename)
    assert KEY.match(key), key
    assert key.split("/")[-1].startswith(f"{stem}-")
    assert ".." not in key and len(key) < 100


def test_the_same_name_twice_gives_two_keys():
    assert upload_path(None, "report.pdf") != upload_path(None, "report.pdf")


def test_the_extension_judged_is_the_one_the_key_gets():
    """A backslash separates, so `evil.html\\.png` would be stored as `png-<random>`, untyped."""
    assert safe_name("evil.html\\.png") == ("png", "")
    with pytest.raises(ValidationError, match=r"\(no extension\) are not accepted"):
        check_extension("evil.html\\.png")
    check_extension("photo.PNG")
