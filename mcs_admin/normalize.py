"""Input as Japanese offices type it (DESIGN §6), as pure functions.

Each function takes what a person or a spreadsheet gave and returns the stored form,
or raises ValueError when the value cannot be one.
"""

import re
import unicodedata

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_KATAKANA_ONLY = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb　 ]*$")
_POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ーｰ"})


def text(value: str) -> str:
    """NFKC, trimmed, inner runs of white space folded to one space."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def kana(value: str) -> str:
    """Full-width katakana; half-width ｶﾅ and hiragana are accepted and converted."""
    result = text(value).translate(_HIRAGANA_TO_KATAKANA)
    if not _KATAKANA_ONLY.match(result):
        raise ValueError("not kana")
    return result


def postal_code(value: str) -> str:
    """`1234567` or `123-4567` (full-width too) → `123-4567`."""
    match = _POSTAL.match(text(value).translate(_DASHES).replace("〒", "").strip())
    if not match:
        raise ValueError("not a postal code")
    return f"{match[1]}-{match[2]}"


def phone(value: str) -> str:
    """A Japanese phone number of 10 or 11 digits, hyphens kept where the person put them."""
    result = text(value).translate(_DASHES).replace(" ", "-").replace("(", "-").replace(")", "-")
    result = re.sub(r"-{2,}", "-", result).strip("-")
    digits = result.replace("-", "")
    if not (digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11):
        raise ValueError("not a phone number")
    return result


def email(value: str) -> str:
    """Trimmed, NFKC (full-width ＠ typed by a Japanese keyboard), domain in lower case."""
    local, at, domain = text(value).partition("@")
    return f"{local}{at}{domain.lower()}"


def document_number(value: str) -> str:
    """A document number as typed or scanned (F3-2026-00012): full-width, dashes, case folded."""
    return text(value).translate(_DASHES).replace(" ", "").upper()


def full_name(family_name: str, given_name: str) -> str:
    """氏名 as printed: 姓, a full-width space, 名."""
    return "　".join(part for part in (family_name, given_name) if part)


def split_full_name(value: str) -> tuple[str, str]:
    """氏名 from a roster → (姓, 名), split at the first space, full- or half-width.

    A name with no space is all 姓 (名 empty): the caller decides whether that will do.
    """
    family, _, given = text(value).partition(" ")
    return family, given
