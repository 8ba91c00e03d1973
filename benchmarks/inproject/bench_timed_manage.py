"""`python manage.py collectstatic ...`, plus the time spent in each step, written as JSON.

Run by benchmarks/publish.py with the baked project's interpreter from the project root. It only
wraps methods in timers; what runs is exactly what manage.py runs. Steps: `collect` (Django's
collect; for S3 storages this includes every upload), `compress` (django-compressor's offline
compression) and `publish` (this project's upload of the collected tree), when they exist.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

STEPS: dict[str, float] = {}


def timed(cls: type, method: str, step: str) -> None:
    original: Callable[..., Any] = getattr(cls, method)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            STEPS[step] = STEPS.get(step, 0.0) + time.perf_counter() - started

    setattr(cls, method, wrapper)


def main() -> None:
    started = time.perf_counter()
    from config import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    import django
    from django.core.management import execute_from_command_line, get_commands, load_command_class

    django.setup()
    # The collectstatic that manage.py would run: Django's, collectfasta's or this project's.
    command = type(load_command_class(get_commands()["collectstatic"], "collectstatic"))
    timed(command, "collect", "collect")
    if hasattr(command, "publish"):
        timed(command, "publish", "publish")
    if "publish_static" in get_commands():
        publish = type(load_command_class(get_commands()["publish_static"], "publish_static"))
        timed(publish, "handle", "publish")
    from compressor.management.commands.compress import Command as Compress

    timed(Compress, "handle", "compress")
    try:
        execute_from_command_line(["manage.py", *sys.argv[1:]])
    finally:
        STEPS["in_process"] = time.perf_counter() - started
        with open(os.environ["BENCH_STEPS_FILE"], "w") as out:
            json.dump(STEPS, out)


if __name__ == "__main__":
    main()
