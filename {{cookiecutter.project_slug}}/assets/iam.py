"""The IAM permissions the project needs, in one place: the README's policies, the
`iam_policy` command and the hints of an AccessDenied all come from these lists.

Two roles. The app (web, release, build, review apps) works on objects only. The bucket's
administrator runs `prepare_bucket` once (and again when the bucket's access changes); the
app's keys never need those rights.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

# The app: list its files (publish, prune, a review app's cleanup), read them back (the release
# index, a direct upload's check), write them (publish, uploads) and delete them (prune, a
# rejected direct upload, a deleted upload, a destroyed review app).
APP_BUCKET_ACTIONS = ["s3:ListBucket"]
APP_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
# prepare_bucket: create the bucket and check its region; let policies grant public reads; the
# public-read statements and CORS rules; the lifecycle rule; then an upload and read-back.
ADMIN_BUCKET_ACTIONS = [
    "s3:CreateBucket",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:PutBucketPublicAccessBlock",
    "s3:GetBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:GetBucketCORS",
    "s3:PutBucketCORS",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
]
ADMIN_OBJECT_ACTIONS = ["s3:PutObject"]

# The permission each S3 operation of the project needs (what S3 checks, not the API's name).
OPERATION_PERMISSIONS = {
    "ListObjectsV2": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "GetObject": "s3:GetObject",
    "HeadObject": "s3:GetObject",
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
    "CopyObject": "s3:GetObject and s3:PutObject",
    "DeleteObject": "s3:DeleteObject",
    "DeleteObjects": "s3:DeleteObject",
}


def policy(
    bucket: str, bucket_actions: list[str], object_actions: list[str], prefix: str = ""
) -> dict:
    """An identity policy for one bucket; object rights under `prefix` only, when given."""
    folder = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    objects = f"arn:aws:s3:::{bucket}/{folder}*"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": bucket_actions, "Resource": f"arn:aws:s3:::{bucket}"},
            {"Effect": "Allow", "Action": object_actions, "Resource": objects},
        ],
    }


def app_policy(bucket: str, prefix: str = "") -> dict:
    return policy(bucket, APP_BUCKET_ACTIONS, APP_OBJECT_ACTIONS, prefix)


def admin_policy(bucket: str) -> dict:
    return policy(bucket, ADMIN_BUCKET_ACTIONS, ADMIN_OBJECT_ACTIONS)


def missing_permission(error: BaseException | None) -> str:
    """For an AccessDenied (or an error caused by one): which permission the app's keys lack
    and where to add it; "" for any other error."""
    while error is not None and not isinstance(error, ClientError):
        error = error.__cause__ or error.__context__
    if error is None or error.response.get("Error", {}).get("Code") not in ("AccessDenied", "403"):
        return ""
    return permission_hint(error.operation_name)


def permission_hint(operation: str) -> str:
    needed = OPERATION_PERMISSIONS.get(operation, f"the permission {operation} needs")
    return (
        f"The app's keys lack {needed} on the bucket: add it to the IAM user's policy "
        '(python manage.py iam_policy prints the whole policy; README, "The bucket").'
    )
