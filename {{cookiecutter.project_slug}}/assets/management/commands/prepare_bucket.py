"""Prepare the bucket for this site; safe to run again at any time.

- creates the bucket if it is missing;
- lets bucket policies grant public reads (new AWS buckets block that), while object ACLs stay
  blocked: access is decided by the policy alone;
- a policy that makes only the static prefix publicly readable (media too if MEDIA_PUBLIC);
- a CORS rule so that browsers may load fonts and other assets from another origin.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand

from assets.clients import bucket_client

CORS_RULE = {
    "AllowedMethods": ["GET", "HEAD"],
    "AllowedOrigins": ["*"],
    "AllowedHeaders": ["*"],
    "MaxAgeSeconds": 86400,
}


def public_read_policy(bucket: str, prefixes: list[str]) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{bucket}/{prefix}/*" for prefix in prefixes],
            }
        ],
    }


class Command(BaseCommand):
    help = "Create the S3 bucket if needed and set its public-read policy and CORS."

    def handle(self, **options) -> None:
        client = bucket_client(workers=1)
        bucket = settings.AWS_STORAGE_BUCKET_NAME
        # Media is public only when MEDIA_PUBLIC says so; otherwise it is read through signed URLs.
        public = [settings.STATIC_LOCATION]
        if settings.MEDIA_PUBLIC:
            public.append(settings.MEDIA_LOCATION)
        self.create_if_missing(client, bucket)
        client.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": False,
                "RestrictPublicBuckets": False,
            },
        )
        client.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps(public_read_policy(bucket, public))
        )
        client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [CORS_RULE]})
        readable = ", ".join(f"{prefix}/" for prefix in public)
        message = f"Bucket {bucket} is ready: {readable} readable by anyone, the rest private."
        self.stdout.write(self.style.SUCCESS(message))

    def create_if_missing(self, client, bucket: str) -> None:
        try:
            client.head_bucket(Bucket=bucket)
            return
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
                raise
        region = settings.AWS_S3_REGION_NAME
        # us-east-1 is the one region that must not be named as a location constraint.
        location = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        client.create_bucket(Bucket=bucket, **location)
        self.stdout.write(f"Created bucket {bucket} in {region}.")
