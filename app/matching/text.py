"""Turning item text into terms: normalisation, stop lists, light stemming, word n-grams."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from app.matching.records import Item

# Each text field is cut to this many characters before tokenising. Profiles longer than
# this (about 30,000 words) are rare; the cap bounds time and memory per item. Measured on
# real supplier profiles, a much tighter cap (5,000 words) lost ranking quality, because
# long profiles list many past projects and any of them may be the one that matters.
MAX_FIELD_CHARS = 200_000

# Kept short on purpose: a longer list (develop, service, high, ...) measurably lost ranking
# quality, since such words still form useful phrases ("high voltage") and idf already
# discounts them.
# Words so common in procurement texts that they match everything and explain nothing.
DOMAIN_STOP_WORDS = frozenset(
    """
    solution solutions city cities innovative innovation innovations platform platforms
    system systems smart technology technologies provide provides providing new based
    """.split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS

# Sentence ends and blank lines end a phrase: n-grams never span them, nor tag boundaries
# (tags are joined with " ; "). Commas do not: measured, splitting there lost quality.
_SEGMENT = re.compile(r"(?:[.;!?](?:\s|$))+|\n\s*\n")
_TOKEN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")


@dataclass(frozen=True)
class TextSettings:
    """How texts become weighted terms; stored in the model so every process agrees."""

    ngram_max: int = 2
    min_df: int = 2
    max_df: float = 0.5
    # Document-frequency pruning needs enough documents to mean anything; below this corpus
    # size every term is kept (a corpus of one item must still match).
    df_pruning_min_docs: int = 20
    # Raw term counts of each field are multiplied by its weight before sublinear tf
    # (as in BM25F): a title or tag word counts like two body words.
    field_weights: tuple[tuple[str, float], ...] = field(
        default=(
            ("title", 2.0),
            ("tags", 2.0),
            ("summary", 1.0),
            ("description", 1.0),
            ("outcomes", 1.0),
        )
    )


@dataclass(frozen=True)
class Analyzer:
    """Callable turning one text into its terms (unigrams and n-grams); picklable."""

    ngram_max: int = 2

    def __call__(self, text: str) -> list[str]:
        """Return the terms of ``text`` in order, n-grams after unigrams per segment."""
        terms: list[str] = []
        for segment in _SEGMENT.split(normalise(text)):
            words = [stem(w) for w in _TOKEN.findall(segment) if _keep(w)]
            terms.extend(words)
            for n in range(2, self.ngram_max + 1):
                terms.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
        return terms


def normalise(text: str) -> str:
    """Lower-case, cap and strip accents (only when needed: most text is ASCII)."""
    text = text[:MAX_FIELD_CHARS].lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _keep(word: str) -> bool:
    # Bare numbers (years, amounts) and one-letter tokens carry no topic.
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit()


_STEMS: dict[str, str] = {}


def stem(word: str) -> str:
    """Strip English plural endings only (Harman's S-stemmer), so terms stay readable."""
    cached = _STEMS.get(word)
    if cached is None:
        cached = _STEMS[word] = _s_stem(word)
    return cached


def _s_stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]  # boxes -> box (Harman would give "boxe")
    if word.endswith("uses"):
        return word  # buses, causes, uses: no safe rule, leave them whole
    if len(word) > 3 and word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


def field_text(item: Item, field_name: str) -> str:
    """Return the text of one field; tags are joined so that n-grams stop at each tag."""
    if field_name == "tags":
        return " ; ".join(item.tags) + " ;"
    return str(getattr(item, field_name) or "")
