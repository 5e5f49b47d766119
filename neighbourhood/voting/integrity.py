"""Receipts, sealing and signatures for ballots. Keys are derived from the app's SECRET_KEY with HKDF, one per
purpose, so nothing new has to be stored or configured — and rotating SECRET_KEY makes old receipts unreadable
on accounts (their published list and the signed record stay as they were)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from neighbourhood.accounts.rules import CODE_ALPHABET

RECEIPT_GROUPS = 3
RECEIPT_GROUP_LENGTH = 4


def new_receipt() -> str:
    """Twelve letters a voter can read aloud or copy from a phone: K7QF-3M9X-2B8D."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(RECEIPT_GROUP_LENGTH))
              for _ in range(RECEIPT_GROUPS))
    return "-".join(groups)


def normalise_receipt(typed: str) -> str:
    letters = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return "-".join(letters[i:i + RECEIPT_GROUP_LENGTH] for i in range(0, len(letters), RECEIPT_GROUP_LENGTH))


def canonical(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


def _derive(secret: str | bytes, purpose: str) -> bytes:
    material = secret.encode() if isinstance(secret, str) else secret
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"neighbourhood-ballots",
                info=purpose.encode()).derive(material)


@dataclass(frozen=True)
class BallotKeys:
    sealing: bytes
    linking: bytes
    signing_seed: bytes

    @classmethod
    def from_secret(cls, secret: str | bytes) -> BallotKeys:
        return _keys(secret)

    def seal(self, text: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(self.sealing).encrypt(nonce, text.encode(), b"receipt")
        return base64.urlsafe_b64encode(nonce + sealed).decode()

    def unseal(self, token: str) -> str | None:
        try:
            raw = base64.urlsafe_b64decode(token.encode())
            return AESGCM(self.sealing).decrypt(raw[:12], raw[12:], b"receipt").decode()
        except (InvalidTag, ValueError):
            return None

    def link(self, ballot_id: int, elector_id: int) -> str:
        """The same value for the same elector on the same ballot; meaningless without the key."""
        return hmac.new(self.linking, f"{ballot_id}:{elector_id}".encode(), hashlib.sha256).hexdigest()

    def _private_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.signing_seed)

    @property
    def public_key_hex(self) -> str:
        return self._private_key().public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()

    def sign(self, record: str) -> str:
        return self._private_key().sign(record.encode()).hex()


@lru_cache(maxsize=8)
def _keys(secret: str | bytes) -> BallotKeys:
    return BallotKeys(sealing=_derive(secret, "seal receipts"), linking=_derive(secret, "link votes"),
                      signing_seed=_derive(secret, "sign results"))


def verify_signature(public_key_hex: str, record: str, signature_hex: str) -> bool:
    """Anyone can check a published result record with the published public key."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex))
        key.verify(bytes.fromhex(signature_hex), record.encode())
    except (InvalidSignature, ValueError):
        return False
    return True
