"""Text normalisation shared by indexing and searching: lower case, accents removed."""
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.replace("œ", "oe").replace("æ", "ae").lower()).strip()
