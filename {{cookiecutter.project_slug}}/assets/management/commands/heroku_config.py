"""Print the `heroku config:set` command for the production values kept in a file.

    python manage.py heroku_config .env.production --app my-app-name

The file is read the way python-decouple reads `.env`, so values mean the same in both places:
KEY=VALUE lines; blank lines and `#` comments ignored; one pair of quotes around a value
removed. Every line is checked before anything is printed, and each bad line is named; a weak
SECRET_KEY is refused by the rule production applies (config/settings/environment.py).
Nothing is sent to Heroku: review the printed command, then run it.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.settings.environment import FALSE_VALUES, weak_secret_key

# What a shell (and so the Heroku CLI) accepts as a variable name.
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_line(line: str) -> tuple[str, str] | None:
    """(name, value) for a KEY=VALUE line, None for a blank or comment line.

    Raises ValueError saying what is wrong with the line.
    """
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    name, equals, value = line.partition("=")
    name, value = name.strip(), value.strip()
    if not equals:
        raise ValueError("expected NAME=value")
    if not NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a variable name (letters, digits and _)")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    if name == "DEBUG" and value.lower() not in FALSE_VALUES:
        raise ValueError("production refuses to start with DEBUG on; remove it")
    if name == "DJANGO_SETTINGS_MODULE" and value != "config.settings.production":
        # Development refuses to start on a dyno; production runs when this is unset.
        raise ValueError("a dyno runs config.settings.production; remove it")
    if name == "SECRET_KEY" and value and (problem := weak_secret_key(value)):
        # Production would refuse to start with it: say so before it is sent.
        raise ValueError(problem.removesuffix("."))
    return name, value


def shown(line: str) -> str:
    """The line as an error message quotes it: a secret key's value stays off the screen."""
    line = line.strip()
    return "SECRET_KEY=..." if line.startswith("SECRET_KEY") else line


def read_values(path: Path) -> dict[str, str]:
    """Every NAME=value of the file, in order; one CommandError naming all the bad lines."""
    values: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            pair = parse_line(line)
        except ValueError as error:
            problems.append(f"{path}, line {number}: {error}: {shown(line)!r}")
            continue
        if pair is None:
            continue
        name, value = pair
        if name in first_seen:
            # Which one would win differs between tools: make the person choose.
            reason = f"already set on line {first_seen[name]}"
            problems.append(f"{path}, line {number}: {reason}: {shown(line)!r}")
            continue
        first_seen[name] = number
        values[name] = value
    if problems:
        raise CommandError("\n".join(problems))
    return values


def left_out(values: dict[str, str]) -> dict[str, str]:
    """The variables not to send, each with the reason."""
    reasons: dict[str, str] = {}
    for name, value in values.items():
        if not value:
            # An empty config var reads as unset at best, as a bad number or boolean at worst.
            reasons[name] = "empty"
        elif name == "DATABASE_URL":
            # Heroku changes it when it rotates credentials or fails over: never pin a copy.
            reasons[name] = "set by the PostgreSQL add-on"
    return reasons


def config_set_command(values: dict[str, str], app: str | None) -> str:
    """One shell line; every value is quoted, so `$`, spaces and quotes arrive as written."""
    words = ["heroku", "config:set"]
    if app:
        words += ["--app", shlex.quote(app)]
    words += [f"{name}={shlex.quote(value)}" for name, value in values.items()]
    return " ".join(words)


class Command(BaseCommand):
    help = "Print the heroku config:set command that sends the KEY=VALUE lines of FILE."
    # Reads one file and prints: no reason to check models or touch a database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="KEY=VALUE lines, such as .env.production")
        parser.add_argument("--app", help="the Heroku app (default: the git remote's app)")

    def handle(self, *args: object, file: Path, app: str | None, **options: object) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        values = read_values(file)
        skipped = left_out(values)
        for name, reason in skipped.items():
            # Standard error, so that standard output stays one line to paste or run.
            self.stderr.write(f"Left out {name}: {reason}.")
        sent = {name: value for name, value in values.items() if name not in skipped}
        if not sent:
            raise CommandError(f"{file} sets no variable to send")
        self.stdout.write(config_set_command(sent, app))
