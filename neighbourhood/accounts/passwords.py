"""argon2id hashing with parameters from configuration."""
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


def hasher(config) -> PasswordHasher:
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(config, password: str) -> str:
    return hasher(config).hash(password)


def check_password(config, password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return hasher(config).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
