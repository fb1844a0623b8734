"""A node's keys: Ed25519 to sign manifests, age X25519 to receive encrypted members.

Public keys travel as text (``PublicKeys.as_json``) and are pinned by the peer; the fingerprint is what
two people read to each other to confirm a pinning.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyrage import x25519

from desktop.sync_package.errors import PackageRefused

SIGNATURE_BYTES = 64
_KEY_BYTES = 32


def _b64_key(text: object, what: str) -> bytes:
    """The 32 raw key bytes of a standard, padded base64 text; PackageRefused otherwise."""
    if not isinstance(text, str) or not text.isascii():
        raise PackageRefused(f"{what}不是文本", code="key")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackageRefused(f"{what}不是有效的 base64 文本", code="key") from exc
    if len(raw) != _KEY_BYTES or base64.b64encode(raw).decode("ascii") != text:
        raise PackageRefused(f"{what}长度不对（应为 32 字节的标准 base64）", code="key")
    return raw


def _ed25519_public(text: str) -> Ed25519PublicKey:
    raw = _b64_key(text, "签名公钥")
    try:
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:  # pragma: no cover - every 32-byte string loads; kept for safety
        raise PackageRefused("签名公钥无效", code="key") from exc


def _age_recipient(text: object) -> x25519.Recipient:
    if not isinstance(text, str) or not text.startswith("age1"):
        raise PackageRefused("加密公钥不是 age 公钥（应以 age1 开头）", code="key")
    try:
        recipient = x25519.Recipient.from_str(text)
    except Exception as exc:  # pyrage raises its own RecipientError / ValueError
        raise PackageRefused("加密公钥无效（age 公钥格式不对）", code="key") from exc
    if str(recipient) != text:
        raise PackageRefused("加密公钥不是规范写法（age 公钥应为小写）", code="key")
    return recipient


@dataclass(frozen=True)
class PublicKeys:
    """What a peer pins: the signing key and the encryption recipient."""

    sign: str  # Ed25519 public key, standard padded base64 of the raw 32 bytes
    box: str  # age X25519 recipient text ("age1...")

    def fingerprint(self) -> str:
        """Short hex (16 digits) over both keys, shown to people to confirm a pinning."""
        return hashlib.sha256((self.sign + self.box).encode("ascii")).hexdigest()[:16]

    def as_json(self) -> dict[str, str]:
        return {"sign": self.sign, "box": self.box}

    @classmethod
    def from_json(cls, value: object) -> PublicKeys:
        """Keys from ``as_json``'s shape, each checked; PackageRefused on anything else."""
        if not isinstance(value, dict) or set(value) != {"sign", "box"}:
            raise PackageRefused("公钥应为只含 sign 和 box 两项的对象", code="key")
        sign, box = value["sign"], value["box"]
        if not isinstance(sign, str):
            raise PackageRefused("签名公钥不是文本", code="key")
        _ed25519_public(sign)
        _age_recipient(box)
        assert isinstance(box, str)
        return cls(sign=sign, box=box)

    def recipient(self) -> x25519.Recipient:
        """The age recipient to encrypt to."""
        return _age_recipient(self.box)


@dataclass(frozen=True)
class NodeKeys:
    """This node's private keys (never shown: ``repr`` hides them)."""

    sign_private: str = field(repr=False)  # standard base64 of the raw 32-byte Ed25519 private key
    box_identity: str = field(repr=False)  # age identity text ("AGE-SECRET-KEY-1...")

    @classmethod
    def generate(cls) -> NodeKeys:
        private = Ed25519PrivateKey.generate().private_bytes_raw()
        return cls(
            sign_private=base64.b64encode(private).decode("ascii"),
            box_identity=str(x25519.Identity.generate()),
        )

    def _signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(_b64_key(self.sign_private, "签名私钥"))

    def identity(self) -> x25519.Identity:
        """The age identity that decrypts members sent to this node."""
        try:
            return x25519.Identity.from_str(self.box_identity)
        except Exception as exc:  # pyrage raises its own IdentityError / ValueError
            raise PackageRefused("本站的解密私钥无效", code="key") from exc

    def public(self) -> PublicKeys:
        raw = self._signing_key().public_key().public_bytes_raw()
        return PublicKeys(
            sign=base64.b64encode(raw).decode("ascii"),
            box=str(self.identity().to_public()),
        )

    def sign(self, data: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of ``data``."""
        return self._signing_key().sign(data)


def verify(public: PublicKeys, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``public``'s Ed25519 signature of exactly ``data``."""
    if len(signature) != SIGNATURE_BYTES:
        return False
    try:
        _ed25519_public(public.sign).verify(signature, data)
    except (InvalidSignature, PackageRefused):
        return False
    return True
