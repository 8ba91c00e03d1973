"""This project's production settings, with every upload in the main process (no helper
processes): what the helpers of assets/upload_processes.py are measured against."""

from config.settings.production import *  # noqa: F403

ASSETS_PUBLISH_HELPER_MIN_FILES = 10**9
