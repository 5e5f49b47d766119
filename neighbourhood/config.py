"""Configuration classes. Everything that differs between machines comes from the environment."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{INSTANCE_DIR / 'neighbourhood.db'}"


class Config:
    PRODUCTION = os.environ.get("NEIGHBOURHOOD_ENV") == "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = ("zh_Hans", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure is added per request when the request came over HTTPS (see web.sessions).
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30

    # Refuse oversized uploads before anything reads them (413, a translated page).
    # Three phone photos fit; anything larger is refused before it is read.
    MAX_CONTENT_LENGTH = 24 * 1024 * 1024
    MAX_PHOTO_BYTES = 8 * 1024 * 1024
    MAX_PHOTOS = 3
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_IMPORT_BYTES = 2 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    # How many reverse proxies (nginx, a load balancer) stand in front: their X-Forwarded-For and
    # X-Forwarded-Proto are then believed, so per-IP limits see the resident's address, not the proxy's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_SIGN_IN = "10 per 15 minutes"
    RATELIMIT_SIGN_IN_IP = "60 per 15 minutes"
    RATELIMIT_SMS = "1 per minute;5 per hour;10 per day"
    RATELIMIT_SMS_IP = "30 per hour"
    RATELIMIT_CODE_REDEEM = "10 per hour"
    # The public certificate check, per IP: enough for a person, too few to try numbers in bulk.
    RATELIMIT_CERTIFICATE_CHECK = "30 per minute"

    # argon2id: OWASP's minimum is m = 19 MiB, t = 2.
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_TIME_COST = 2
    ARGON2_PARALLELISM = 1

    SMS_BACKEND = os.environ.get("SMS_BACKEND", "log")
    # The public address, for links in text messages sent outside a request (the daily digest).
    SITE_URL = os.environ.get("SITE_URL", "")
    SMS_CODE_TTL_SECONDS = 600
    SMS_CODE_MAX_ATTEMPTS = 5

    TALISMAN_FORCE_HTTPS = PRODUCTION


class TestConfig(Config):
    TESTING = True
    PRODUCTION = False
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") and _database_url() or "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SMS_BACKEND = "memory"
    # Fast hashes keep the suite quick; test_passwords checks the production parameters.
    ARGON2_MEMORY_COST_KIB = 64
    ARGON2_TIME_COST = 1
    TALISMAN_FORCE_HTTPS = False
