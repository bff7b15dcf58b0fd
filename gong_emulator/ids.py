"""Identifiers and e-mail local parts, drawn the way Gong and Salesforce shape them."""

from __future__ import annotations

import random
import unicodedata

MIN_ID = 10**17  # 18 digits
MAX_ID = 2**63 - 1  # 19 digits, still a positive signed int64 like Gong's IDs
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})


def ascii_fold(text: str) -> str:
    """'Søren O'Brien' -> 'sorenobrien': email local parts are ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def random_id(rng: random.Random) -> str:
    """An 18-19 digit Gong-style ID (a JSON string, below 2**63 like Gong's)."""
    return str(rng.randrange(MIN_ID, MAX_ID))


def sfdc_id(rng: random.Random, prefix: str) -> str:
    """An 18-character Salesforce record id with the given 3-character key prefix."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "".join(rng.choices(alphabet, k=15))
