"""Render the benchmark page many times under the selected settings; print timings as JSON.

Run by benchmarks/publish.py with the baked project's interpreter from the project root, after a
collectstatic built STATIC_ROOT (manifest and offline bundles). Counts every call into botocore
that could reach S3 or sign a URL, so a URL built through boto shows up even if it is fast.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any

BOTO_CALLS = {"requests": 0, "presigned_urls": 0}


def count_boto_calls() -> None:
    from botocore.endpoint import Endpoint
    from botocore.signers import RequestSigner

    def counting(cls: type, method: str, key: str) -> None:
        original = getattr(cls, method)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            BOTO_CALLS[key] += 1
            return original(*args, **kwargs)

        setattr(cls, method, wrapper)

    counting(Endpoint, "make_request", "requests")
    counting(RequestSigner, "generate_presigned_url", "presigned_urls")


def main(template: str, renders: int, batches: int) -> None:
    from config import settings_module

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    import django
    from django.template.loader import get_template

    count_boto_calls()
    django.setup()
    page = get_template(template)
    first = page.render({})  # loads the manifests: once per process, not per page
    BOTO_CALLS.update(requests=0, presigned_urls=0)
    per_render = []
    for _ in range(batches):
        started = time.perf_counter()
        for _ in range(renders):
            page.render({})
        per_render.append((time.perf_counter() - started) / renders)
    result = {
        # A busy machine only ever adds time: the best batch is the least disturbed estimate.
        "best_s": min(per_render),
        "median_s": statistics.median(per_render),
        "boto_calls_per_render": {k: v / (renders * batches) for k, v in BOTO_CALLS.items()},
        "html": first,
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
