"""Turning item text into terms: normalisation, stop lists, light stemming, word n-grams.

Tokenising is the hot loop of a rebuild (tens of millions of tokens), so it is one compiled
regular expression per field plus a dictionary lookup per token: each distinct raw token is
analysed (stop word? stem?) once, then every later occurrence costs one C-level dict hit.
"""

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

# One scan finds words and phrase breaks in order. Sentence ends and blank lines end a
# phrase: n-grams never span them, nor tag boundaries (tags are joined with " ; ").
# Commas do not: measured, splitting there lost quality.
_SCAN = re.compile(r"(?:[.;!?](?:\s|$))+|\n\s*\n|[^\W_]+(?:['\-][^\W_]+)*")
_BREAK_START = frozenset(".;!?\n")

# Token codes besides stem ids (>= 0): dropped entirely, or a position no n-gram spans.
STOP = -1
BREAK = -2


@dataclass(frozen=True)
class TextSettings:
    """How texts become weighted terms; stored in the model so every process agrees."""

    ngram_max: int = 2
    min_df: int = 2
    max_df: float = 0.5
    # Document-frequency pruning needs enough documents to mean anything; below this corpus
    # size every term is kept (a corpus of one item must still match).
    df_pruning_min_docs: int = 20
    # Raw term counts of each field are multiplied by its weight before tf saturation
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
    # BM25 term weighting (Robertson's defaults): tf saturates (k1) and is normalised by the
    # document's length relative to the average (b). Measured on SBIR 2015 it beat sublinear
    # tf-idf in both directions (nDCG@10 +0.03 / +0.02), mostly by not favouring short
    # profiles over long ones that describe the same work among other projects.
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    # Passage evidence (see passages.py): weight of the best-matching parts of two texts
    # beside the whole texts, and the fewest words a paragraph needs to count as a part.
    passage_weight: float = 0.1
    min_passage_words: int = 80


def analyse(token: str) -> str | None:
    """The stem of one raw (lower-cased) token, or None for stop words, numbers, letters."""
    if len(token) < 2 or token in STOP_WORDS or token.isdigit():
        return None
    return _s_stem(token)


class Lexicon(dict):
    """Raw token -> code: a stem id, STOP or BREAK. Unknown tokens are analysed on first sight.

    With ``grow`` (fitting) a new stem gets the next id; otherwise (transforming) a stem the
    model has never seen becomes BREAK: it occupies a position, so no n-gram spans it.
    """

    def __init__(self, stems: dict[str, int], grow: bool) -> None:
        super().__init__()
        self.stems = stems
        self.grow = grow

    def __missing__(self, token: str) -> int:
        if token[0] in _BREAK_START:
            code = BREAK
        else:
            stem = analyse(token)
            if stem is None:
                code = STOP
            elif stem in self.stems:
                code = self.stems[stem]
            elif self.grow:
                code = self.stems[stem] = len(self.stems)
            else:
                code = BREAK
        self[token] = code
        return code

    def adopt(self, stem: str) -> int:
        """The id of ``stem``, numbered next if new (merging another lexicon's stems in)."""
        return self.stems.setdefault(stem, len(self.stems))

    def codes(self, text: str) -> list[int]:
        """Codes of the tokens of ``text`` in order, stop words already dropped."""
        return [c for c in map(self.__getitem__, _SCAN.findall(normalise(text))) if c != STOP]


@dataclass(frozen=True)
class Analyzer:
    """Readable view of the analysis: one text to its terms (unigrams, then n-grams per phrase).

    The engine itself works on integer codes (``Lexicon``); this gives the same terms as text.
    """

    ngram_max: int = 2

    def __call__(self, text: str) -> list[str]:
        """Return the terms of ``text``: all unigrams first, then n-grams within phrases."""
        stems: dict[str, int] = {}
        codes = Lexicon(stems, grow=True).codes(text)
        names = list(stems)
        terms = [names[c] for c in codes if c >= 0]
        for n in range(2, self.ngram_max + 1):
            terms.extend(
                " ".join(names[c] for c in codes[i : i + n])
                for i in range(len(codes) - n + 1)
                if min(codes[i : i + n]) >= 0
            )
        return terms


# For reasons only: a phrase shown to people must occur as written, so here list separators
# (commas, colons, brackets, slashes, dashes), removed stop words and numbers also end a phrase.
_WRITTEN_SCAN = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*|[.;!?,:()\[\]/|•·–—\-\"&+*=<>]+|\n\s*\n")


class WrittenLexicon(Lexicon):
    """A fixed lexicon whose n-grams are only phrases as written: word next to word.

    Used to tell which of the model's n-grams occur as written in a text (for reasons); the
    model's own terms still come from ``Lexicon`` (measured: n-grams across stop words and
    commas rank better, they are just not fit to show).
    """

    def __init__(self, stems: dict[str, int]) -> None:
        super().__init__(stems, grow=False)

    def __missing__(self, token: str) -> int:
        code = BREAK if not token[0].isalnum() else super().__missing__(token)
        self[token] = code
        return code

    def codes(self, text: str) -> list[int]:
        """Codes of the tokens of ``text`` in order, a removed word leaving a break."""
        return [BREAK if c == STOP else c for c in map(self.__getitem__, _WRITTEN_SCAN.findall(normalise(text)))]


def normalise(text: str) -> str:
    """Lower-case, cap and strip accents (only when needed: most text is ASCII)."""
    text = text[:MAX_FIELD_CHARS].lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """Strip English plural endings only (Harman's S-stemmer), so terms stay readable."""
    return _s_stem(word)


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
