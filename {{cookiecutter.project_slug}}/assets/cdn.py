"""CloudFront: drop cached copies of the unhashed files a publish changed.

Hashed files never need it (a new content is a new name). Many changed paths are folded into
one wildcard, which CloudFront bills as a single path.
"""

from __future__ import annotations

import time

MAX_PATHS = 15


def invalidation_paths(prefix: str, names: list[str]) -> list[str]:
    if len(names) > MAX_PATHS:
        return [f"/{prefix}/*"]
    return sorted(f"/{prefix}/{name}" for name in names)


def invalidate(client, distribution_id: str, prefix: str, names: list[str]) -> list[str]:
    paths = invalidation_paths(prefix, names)
    client.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"collectstatic-{time.time_ns()}",
        },
    )
    return paths
