"""The protected store of masked ID copies (LEGAL.md 2.2).

Each copy is encrypted with a Fernet key of its own (AES-128-CBC with HMAC-SHA256); that key is
kept only in the copy's database row, wrapped by the installation's key (``ID_COPY_KEYS``, or one
derived from ``SECRET_KEY``). Deleting the row therefore makes the file unreadable even before
the file itself is unlinked, and a file whose row was never committed (a rolled-back upload) was
never readable by anyone. Files live in their own directory (``ID_COPY_DIR``, by default
``<MEDIA_ROOT>/id-copies``), outside everything that serves, lists or forwards documents.

Service functions that create, show and delete copies are in ``requests_flow.services.identity``;
this module only writes, reads and removes the bytes.
"""

import base64
import functools
import os
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def store_dir() -> Path:
    configured = settings.ID_COPY_DIR
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "id-copies"


@functools.cache
def _derived_key(secret_key: str) -> bytes:
    # a key of its own for this purpose, so SECRET_KEY itself never encrypts anything
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"avgflow masked ID copy keys"
    )
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def _wrapping() -> MultiFernet:
    keys = settings.ID_COPY_KEYS or [_derived_key(settings.SECRET_KEY)]
    return MultiFernet([Fernet(key) for key in keys])


def write_encrypted(content: bytes, stored_name: str) -> str:
    """Encrypt `content` under a new key into the store as `stored_name`; returns the wrapped
    key for the copy's row. The file is created new (never overwritten), readable by us only."""
    data_key = Fernet.generate_key()
    directory = store_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(Fernet(data_key).encrypt(content))
    return _wrapping().encrypt(data_key).decode()


def read_decrypted(stored_name: str, wrapped_key: str) -> bytes:
    data_key = _wrapping().decrypt(wrapped_key.encode())
    return Fernet(data_key).decrypt((store_dir() / stored_name).read_bytes())


def remove_file(stored_name: str) -> bool:
    """Unlink one stored copy; True when a file was there."""
    try:
        (store_dir() / stored_name).unlink()
    except FileNotFoundError:
        return False
    return True


def stored_files() -> list[Path]:
    directory = store_dir()
    return sorted(p for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []
