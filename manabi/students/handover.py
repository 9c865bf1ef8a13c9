"""The handover package (引継ぎ資料) that travels with a pupil on a 転出.

A package is a dict of **sections**, each contributed by the app that owns the record: this
app registers ``gakuseki`` (学籍); attendance, 指導要録 (its 写し) and health (健康診断票) add
their own with :func:`register_section` when they arrive. Within the deployment the package
is stored on the ``Transfer`` and read by the receiving school. For a school outside it the
package is written as a **signed file**: a zip with

- ``manifest.json``: format, creation time, sender, pupil code, and for every other file its
  name and SHA-256;
- ``package.json``: the sections;
- ``<section>.pdf``: a printable copy of each section that has one (when PDF output works);
- ``signature.json``: the Ed25519 signature of ``manifest.json`` and the signer's public key.

The receiver checks every file against the manifest and the signature against a key it
trusts (its own, and ``HANDOVER_TRUSTED_KEYS``: hex fingerprints of other deployments' keys),
so a changed or foreign file is refused with a message that says why.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.utils import timezone

from manabi.students.models import Enrolment, Student

FORMAT = "manabi-handover/1"
MAX_PACKAGE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[[Student, Enrolment], dict[str, Any]]
    # Renders the section's data to PDF bytes (optional; raises PdfUnavailable when the
    # system cannot make PDFs, and the file is then left out).
    pdf: Callable[[dict[str, Any]], bytes] | None = None


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.key] = section


def sections() -> dict[str, Section]:
    return dict(_SECTIONS)


def build_package(student: Student, enrolment: Enrolment) -> dict[str, Any]:
    """Every registered section's data for the pupil, as it stands at the 転出."""
    return {
        "format": FORMAT,
        "sections": {key: s.build(student, enrolment) for key, s in _SECTIONS.items()},
    }


def gakuseki_section(student: Student, enrolment: Enrolment) -> dict[str, Any]:
    """学籍: personal data, guardians and the enrolments at the sending school."""
    history = Enrolment.objects.filter(
        student=student, school_id=enrolment.school_id, is_provisional=False
    ).select_related("school_class")
    return {
        "code": student.code,
        "family_name": student.family_name,
        "given_name": student.given_name,
        "family_kana": student.family_kana,
        "given_kana": student.given_kana,
        "common_name": student.common_name,
        "alphabet_name": student.alphabet_name,
        "sex": student.sex,
        "birth_date": student.birth_date.isoformat(),
        "postal_code": student.postal_code,
        "address": student.address,
        "prior_history": student.prior_history,
        "guardians": [
            {
                "family_name": g.family_name,
                "given_name": g.given_name,
                "family_kana": g.family_kana,
                "given_kana": g.given_kana,
                "relation": g.relation,
                "phone": g.phone,
                "email": g.email,
                "address": g.address,
            }
            for g in student.guardians.all()
        ],
        "school": {
            "name": enrolment.school.name,
            "code": enrolment.school.school_code,
        },
        "enrolments": [
            {
                "fiscal_year": e.fiscal_year,
                "grade": e.grade,
                "class": e.school_class.label if e.school_class else "",
                "number": e.number,
                "start_date": e.start_date.isoformat(),
                "end_date": e.end_date.isoformat() if e.end_date else None,
                "status": e.status,
            }
            for e in history.order_by("fiscal_year", "start_date")
        ],
    }


def _gakuseki_pdf(data: dict[str, Any]) -> bytes:
    from manabi.core.pdf import render_pdf

    return render_pdf("students/pdf/gakuseki.html", {"data": data})


register_section(Section("gakuseki", "学籍", gakuseki_section, _gakuseki_pdf))


# --- the deployment's key ------------------------------------------------------------------


def _key_path() -> Path:
    configured = getattr(settings, "HANDOVER_SIGNING_KEY_FILE", "")
    return Path(configured) if configured else settings.VAR_DIR / "handover_ed25519.pem"


def signing_key() -> Ed25519PrivateKey:
    """The deployment's signing key, made on first use (kept outside the database)."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise RuntimeError(f"{path} is not an Ed25519 key")
    return loaded


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(raw_public_key: bytes) -> str:
    """How a key is named to people: the first 32 hex digits of its SHA-256."""
    return hashlib.sha256(raw_public_key).hexdigest()[:32]


def own_fingerprint() -> str:
    return fingerprint(_raw_public(signing_key().public_key()))


def trusted_fingerprints() -> set[str]:
    return {own_fingerprint(), *getattr(settings, "HANDOVER_TRUSTED_KEYS", [])}


# --- writing and reading the signed file ---------------------------------------------------


def write_signed_file(
    package: dict[str, Any], *, sender: str, student_code: str, destination: str
) -> bytes:
    """The package as a signed zip (see the module docstring)."""
    from manabi.core.pdf import PdfUnavailable

    files: dict[str, bytes] = {
        "package.json": json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True).encode()
    }
    for key, data in package.get("sections", {}).items():
        section = _SECTIONS.get(key)
        if section is None or section.pdf is None:
            continue
        try:
            files[f"{key}.pdf"] = section.pdf(data)
        except PdfUnavailable:
            continue
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "sender": sender,
        "destination": destination,
        "student_code": student_code,
        "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    key = signing_key()
    signature = {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(_raw_public(key.public_key())).decode(),
        "signature": base64.b64encode(key.sign(manifest_bytes)).decode(),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", manifest_bytes)
        for name, body in files.items():
            archive.writestr(name, body)
        archive.writestr("signature.json", json.dumps(signature, indent=1))
    return out.getvalue()


class PackageError(ValueError):
    """A handover file that cannot be trusted or read; ``str()`` says why, in Japanese."""


@dataclass(frozen=True)
class VerifiedPackage:
    manifest: dict[str, Any]
    package: dict[str, Any]
    signer: str
    created_at: datetime | None


def read_signed_file(data: bytes) -> VerifiedPackage:
    """Check and read a handover file: every file matches the manifest, the manifest's
    signature is valid and made by a trusted key."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError("ファイルが大きすぎます (20MB まで)。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if not {"manifest.json", "signature.json", "package.json"} <= names:
            raise PackageError(
                "manabi の引継ぎファイルではありません (manifest.json・package.json・"
                "signature.json がありません)。"
            )
        manifest_bytes = archive.read("manifest.json")
        signature = json.loads(archive.read("signature.json"))
        manifest = json.loads(manifest_bytes)
        bodies = {name: archive.read(name) for name in manifest.get("files", {}) if name in names}
    except (
        zipfile.BadZipFile,
        json.JSONDecodeError,
        UnicodeDecodeError,
        KeyError,
        AttributeError,
        TypeError,
    ) as exc:
        raise PackageError(f"ファイルを読めません ({type(exc).__name__})。") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise PackageError("manifest.json の形式が正しくありません。")
    if "package.json" not in manifest["files"]:
        raise PackageError("manifest.json に package.json が記載されていません。")
    if manifest.get("format") != FORMAT:
        raise PackageError(f"形式 {manifest.get('format')!r} には対応していません。")
    try:
        raw_key = base64.b64decode(signature["public_key"], validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw_key)
        public.verify(base64.b64decode(signature["signature"], validate=True), manifest_bytes)
    except (KeyError, ValueError, TypeError, InvalidSignature):
        raise PackageError(
            "署名が正しくありません。ファイルが途中で変更された可能性があります。"
        ) from None
    signer = fingerprint(raw_key)
    if signer not in trusted_fingerprints():
        raise PackageError(
            f"署名した鍵 ({signer}) は信頼する鍵として登録されていません。送り元の "
            "manabi の鍵の指紋を確かめ、HANDOVER_TRUSTED_KEYS に登録してください。"
        )
    for name, digest in manifest.get("files", {}).items():
        body = bodies.get(name)
        if body is None:
            raise PackageError(f"{name} がファイルに含まれていません。")
        if hashlib.sha256(body).hexdigest() != digest:
            raise PackageError(f"{name} の内容が署名の時点から変更されています。")
    try:
        package = json.loads(bodies["package.json"])
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise PackageError("package.json を読めません。") from None
    if not isinstance(package, dict) or not isinstance(
        package.get("sections", {}).get("gakuseki"), dict
    ):
        raise PackageError("学籍の記録が含まれていません。")
    created = manifest.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if created else None
    except ValueError:
        created_at = None
    return VerifiedPackage(manifest, package, signer, created_at)
