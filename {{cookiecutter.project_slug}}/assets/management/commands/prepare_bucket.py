"""Prepare the bucket for this site; safe to run again at any time, on AWS or any S3-compatible
store.

1. creates the bucket if it is missing, and checks that its region is AWS_S3_REGION_NAME;
2. lets bucket policies grant public reads (new AWS buckets block that), while object ACLs stay
   blocked: access is decided by the policy alone;
3. a policy statement that makes only the static prefix publicly readable (media too if
   MEDIA_PUBLIC), merged into the bucket's policy (see assets/bucket_access.py);
4. a CORS rule that lets the site's own origins read the files (web fonts need it), merged into
   the bucket's CORS rules;
5. checks the outcome: uploads a small file under the static prefix and reads it back without
   credentials, as a browser would.

With `--review-apps ORIGIN ...` (run on the pipeline's parent app, once), it also makes every
review app's static prefix (review-apps/*/static/) readable and lets ORIGIN read it (one `*` is
allowed: https://my-site-pr-*.herokuapp.com), so review apps need object rights only.

Stores lack some of these APIs (MinIO, R2, B2 and others have no public-access block, some no
policies or CORS). Each step the store refuses is one line saying what it was for and what to do
instead; the command fails only when the bucket cannot be used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand

from assets.bucket_access import (
    REVIEW_APPS_STATIC,
    cors_rule,
    current_cors_rules,
    current_policy,
    legacy_ids,
    merged_cors,
    merged_policy,
    read_statement,
    site_origins,
)
from assets.clients import anonymous_read_refused, bucket_client
from assets.pending_uploads import expiry_step

CHECK_NAME = "prepare-bucket-check.txt"


@dataclass(frozen=True)
class Step:
    done: str  # what the step achieved, for the success line
    instead: str  # what the user does by hand where the store refuses the step
    run: Callable[[], object]


def check_origin(origin: str) -> str:
    """An origin as S3's CORS rules take it: scheme and host, at most one `*`, no path."""
    if not re.fullmatch(r"https?://[A-Za-z0-9.*-]+(:[0-9]+)?", origin) or origin.count("*") > 1:
        raise SystemExit(
            f"--review-apps {origin!r} is not an origin: give the scheme and host, with at most "
            "one *, such as https://my-site-pr-*.herokuapp.com"
        )
    return origin


def error_code(error: ClientError) -> str:
    details = error.response.get("Error", {})
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(details.get("Code") or status or "error")


class Command(BaseCommand):
    help = "Create the S3 bucket if needed, set its public-read policy and CORS, and check both."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--review-apps",
            nargs="+",
            default=[],
            metavar="ORIGIN",
            help="also prepare every review app's static files, read from these origins "
            "(https://my-site-pr-*.herokuapp.com)",
        )

    def handle(self, *, review_apps: list[str], **options) -> None:
        if getattr(settings, "REVIEW_APP_LOCATION", ""):
            raise SystemExit(
                "A review app needs no bucket setup, and its keys should not have the rights: "
                "run python manage.py prepare_bucket --review-apps ORIGIN once on the "
                "pipeline's parent app (README, Review apps)."
            )
        self.review_origins = [check_origin(origin) for origin in review_apps]
        self.bucket = settings.AWS_STORAGE_BUCKET_NAME
        self.client = bucket_client(workers=1)
        try:
            self.create_if_missing()
            self.check_region()
            skipped = [step for step in self.steps() if not self.try_step(step)]
            self.check_public_read()
        except BotoCoreError as error:  # no answer, no credentials: nothing could be done
            raise SystemExit(
                f"Could not reach the bucket {self.bucket}: {error}. Check AWS_S3_ENDPOINT_URL "
                "(unset for AWS), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
            ) from None
        verdict = "ready" if not skipped else f"usable; {len(skipped)} step(s) above are yours"
        self.stdout.write(self.style.SUCCESS(f"Bucket {self.bucket} is {verdict}."))

    def steps(self) -> list[Step]:
        public = [settings.STATIC_LOCATION]
        # Media is public only when MEDIA_PUBLIC says so; otherwise it is read through signed URLs.
        if settings.MEDIA_PUBLIC:
            public.append(settings.MEDIA_LOCATION)
        review = [REVIEW_APPS_STATIC] if self.review_origins else []
        readable = " and ".join(f"{prefix}/" for prefix in public + review)
        origins = settings.CORS_ALLOWED_ORIGINS or site_origins(
            settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS
        )
        console = "in the provider's console (or its CLI)"
        return [
            Step(
                "bucket policies may grant public reads; object ACLs stay blocked",
                f"allow public bucket policies {console}, or make {readable} public there",
                lambda: self.client.put_public_access_block(
                    Bucket=self.bucket,
                    PublicAccessBlockConfiguration={
                        "BlockPublicAcls": True,
                        "IgnorePublicAcls": True,
                        "BlockPublicPolicy": False,
                        "RestrictPublicBuckets": False,
                    },
                ),
            ),
            Step(
                f"the bucket policy makes {readable} readable by anyone; this app's other "
                "prefixes stay private, other statements are kept",
                f"make {readable} publicly readable {console}; keep the rest private",
                lambda: self.merge_policy(public + review),
            ),
            Step(
                f"a CORS rule lets {', '.join(origins)} read the files with GET and HEAD",
                f"allow GET and HEAD from the site's origins in the bucket's CORS rules {console}; "
                "without it web fonts from the bucket do not load",
                lambda: self.merge_cors(settings.STATIC_LOCATION, origins),
            ),
            Step(*expiry_step(self.client, self.bucket, settings.MEDIA_LOCATION)),
            *self.review_apps_cors(),
        ]

    def review_apps_cors(self) -> list[Step]:
        if not self.review_origins:
            return []
        origins = ", ".join(self.review_origins)
        return [
            Step(
                f"a CORS rule lets review apps at {origins} read their files",
                f"allow GET and HEAD from {origins} in the bucket's CORS rules",
                lambda: self.merge_cors(REVIEW_APPS_STATIC, self.review_origins),
            )
        ]

    def merge_policy(self, public: list[str]) -> None:
        current = current_policy(self.client, self.bucket)
        ours = [read_statement(self.bucket, prefix) for prefix in public]
        private = [settings.MEDIA_LOCATION] if not settings.MEDIA_PUBLIC else []
        retired = [read_statement(self.bucket, prefix)["Sid"] for prefix in private]
        retired += [sid for prefix in public + private for sid in legacy_ids(prefix)]
        policy = merged_policy(current, ours, retired)
        self.client.put_bucket_policy(Bucket=self.bucket, Policy=json.dumps(policy))

    def merge_cors(self, prefix: str, origins: list[str]) -> None:
        current = current_cors_rules(self.client, self.bucket)
        rules = merged_cors(current, cors_rule(prefix, origins), legacy_ids(prefix))
        self.client.put_bucket_cors(Bucket=self.bucket, CORSConfiguration={"CORSRules": rules})

    def try_step(self, step: Step) -> bool:
        try:
            step.run()
        except ClientError as error:
            self.stdout.write(
                self.style.WARNING(f"Not done ({error_code(error)}): {step.done}. Instead, ")
                + f"{step.instead}."
            )
            return False
        self.stdout.write(f"Done: {step.done}.")
        return True

    def create_if_missing(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as error:
            if error_code(error) not in ("404", "NoSuchBucket"):
                raise SystemExit(self.unusable(error)) from None
        region = settings.AWS_S3_REGION_NAME
        # us-east-1 is the one region that must not be named as a location constraint.
        location = (
            {}
            if region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        )
        try:
            self.client.create_bucket(Bucket=self.bucket, **location)
        except ClientError as error:
            raise SystemExit(self.unusable(error)) from None
        self.stdout.write(f"Created bucket {self.bucket} in {region}.")

    def unusable(self, error: ClientError) -> str:
        code = error_code(error)
        hints = {
            "403": "the credentials may not use it: check AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY and the IAM policy (README), or the name belongs to "
            "another account (bucket names are global)",
            "BucketAlreadyExists": "the name belongs to another account (bucket names are "
            "global): choose another AWS_STORAGE_BUCKET_NAME",
            "InvalidAccessKeyId": "check AWS_ACCESS_KEY_ID",
            "SignatureDoesNotMatch": "check AWS_SECRET_ACCESS_KEY",
        }
        said = error.response.get("Error", {}).get("Message") or "no message"
        hint = hints.get(code, "check AWS_STORAGE_BUCKET_NAME and the credentials")
        return f"Bucket {self.bucket} cannot be used ({code}: {said}): {hint}."

    def check_region(self) -> None:
        """The region in the static URLs and request signatures must be the bucket's own."""
        try:
            answer = self.client.get_bucket_location(Bucket=self.bucket)
        except ClientError as error:
            self.stdout.write(f"Region not checked: the store does not say ({error_code(error)}).")
            return
        # S3 reports us-east-1 as no constraint and eu-west-1 by its old name, EU.
        actual = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(
            answer.get("LocationConstraint"), answer.get("LocationConstraint")
        )
        expected = settings.AWS_S3_REGION_NAME
        if actual != expected:
            raise SystemExit(
                f"Bucket {self.bucket} is in region {actual}, but AWS_S3_REGION_NAME is "
                f"{expected}: set AWS_S3_REGION_NAME={actual}."
            )
        self.stdout.write(f"Checked: the bucket is in {actual}, as AWS_S3_REGION_NAME says.")

    def check_public_read(self) -> None:
        """Read a static file back without credentials, as a browser would."""
        key = f"{settings.STATIC_LOCATION}/{CHECK_NAME}"
        body = b"Written by python manage.py prepare_bucket to check public reads.\n"
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="text/plain")
        except ClientError as error:
            raise SystemExit(self.unusable(error)) from None
        refused = anonymous_read_refused(self.bucket, key)
        if refused:
            self.not_public(refused)
            return
        self.stdout.write(f"Checked: anyone can read {settings.STATIC_LOCATION}/ files.")

    def not_public(self, code: str) -> None:
        where = settings.STATIC_LOCATION
        if settings.AWS_S3_CUSTOM_DOMAIN:
            self.stdout.write(
                f"Anonymous reads of {where}/ are refused by the bucket ({code}); the CDN "
                f"{settings.AWS_S3_CUSTOM_DOMAIN} must read it with its own access."
            )
            return
        raise SystemExit(
            f"Files under {where}/ are not readable without credentials ({code}), so pages "
            f"would load without their styles, scripts and images. Make {where}/ publicly "
            "readable in the provider's console, then run prepare_bucket again."
        )
