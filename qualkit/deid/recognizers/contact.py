"""E-mail and web addresses in any domain (Presidio's recognizers accept only the top-level
domains on their list, which lacks ".scot", ".cymru" and ".example"), and e-mail addresses
read out."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import ClassVar

import regex as re

from qualkit.deid.recognizers.base import Hit, QualkitRecognizer
from qualkit.deid.spans import EMAIL_ADDRESS, URL

_EMAIL = re.compile(
    r"(?<![\w.+\-@])[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+(?<![.\-])"
)


class AnyDomainEmailRecognizer(QualkitRecognizer):
    """name@host.anything, whatever the top-level domain."""

    ENTITIES: ClassVar[tuple[str, ...]] = (EMAIL_ADDRESS,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _EMAIL.finditer(text):
            yield Hit(m.start(), m.end(), EMAIL_ADDRESS, self.SCORE)


# "www.cymorth.cymru", "https://help.example/form": a web address that says it is one, by
# "www." or a scheme, whatever its top-level domain; a full stop or comma after it ends it.
_WEB = re.compile(
    r"(?i)(?<![\w.\-@/])(?:https?://(?:www\d{0,3}\.)?|www\d{0,3}\.)"
    r"[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,24}(?![\p{L}\p{N}\-])"
    r"(?:[/?#][^\s<>()\[\]{}\"']*)?(?<![.,;:!?])"
)


class AnyDomainUrlRecognizer(QualkitRecognizer):
    """www.host.anything and http(s)://host.anything, whatever the top-level domain."""

    ENTITIES: ClassVar[tuple[str, ...]] = (URL,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.8

    def find(self, text: str) -> Iterator[Hit]:
        for m in _WEB.finditer(text):
            yield Hit(m.start(), m.end(), URL, self.SCORE)


# "flori dot pop one nine eight eight at mail dot com": the domain part of a dictated
# address, ending in a top-level domain said as a word; a part may end in letters spelt
# out ("at harbour h f dot org dot uk").
_SPOKEN_DOMAIN = re.compile(
    r"(?i)(?<![\p{L}\p{N}])at[ ,]+[\p{L}\p{N}]+(?:[ ]\p{L}(?![\p{L}\p{N}])){0,4}"
    r"(?:[ ,\-]+dot[ ,\-]+[\p{L}]+(?![\p{L}\p{N}]))+"
)
_DOT_LABEL = re.compile(r"(?i)[ ,\-]+dot[ ,\-]+(?P<label>[\p{L}]+)")


@cache
def top_level_domains() -> frozenset[str]:
    """Top-level domains ("com", "uk", "wales"), from ``tldextract``'s bundled list of
    public suffixes (read from the package, never fetched)."""
    import tldextract

    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    return frozenset(s for s in extract.tlds if "." not in s)


def _domain_end(text: str, m: re.Match[str]) -> int | None:
    """Where a dictated domain ends: after its last label that is a top-level domain."""
    end = None
    for label in _DOT_LABEL.finditer(text, m.start(), m.end()):
        if label.group("label").lower() in top_level_domains():
            end = label.end()
    return end


# A word of the local part: any word, or the spoken separators.
_LOCAL_WORD = re.compile(r"[\p{L}\p{N}]+[ ,\-]*$")
_LOCAL_MAX_WORDS = 8
_NOT_LOCAL = frozenset(
    ["is", "it's", "its", "email", "e-mail", "address", "me", "my", "it", "was", "the", "on"]
)


class SpokenEmailRecognizer(QualkitRecognizer):
    """E-mail addresses read out: "jo dot marsh at example dot org"."""

    ENTITIES: ClassVar[tuple[str, ...]] = (EMAIL_ADDRESS,)
    RANK: ClassVar[int] = 9
    SCORE: ClassVar[float] = 0.75

    def find(self, text: str) -> Iterator[Hit]:
        for m in _SPOKEN_DOMAIN.finditer(text):
            end = _domain_end(text, m)
            if end is None:
                continue
            start = m.start()
            for _ in range(_LOCAL_MAX_WORDS):
                word = _LOCAL_WORD.search(text, max(0, start - 40), start)
                if word is None or word.group(0).split()[0].rstrip(",-").lower() in _NOT_LOCAL:
                    break
                if word.start() and text[word.start() - 1] in "'’":
                    break  # the "s" of "it's"
                start = word.start()
            if start < m.start():
                yield Hit(start, end, EMAIL_ADDRESS, self.SCORE)
