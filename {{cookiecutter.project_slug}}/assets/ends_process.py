"""Commands that Heroku runs as processes of their own: no last garbage collection at exit."""

from __future__ import annotations

import gc


class EndsProcess:
    """A mixin for the build's collectstatic and the release phase's publish_static.

    At exit, Python runs a last full garbage collection over every object the process holds:
    Django's, botocore's service models, the publish's file list. That took about 1 s of a
    publish on the benchmark (benchmarks/README.md in the template repository), for memory the
    operating system reclaims at once anyway. Run from the command line, the process ends right
    after the command, so its objects are frozen (gc.freeze()) and the collection skips them.
    Run from code (call_command), the command leaves the collector alone.
    """

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(argv)
        gc.freeze()
