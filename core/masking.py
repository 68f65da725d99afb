"""Contact masking: finds e-mails, phone numbers, messenger handles and links however disguised, in linear time.

How it reads a text, in four passes, each a single walk over the text or over its tokens:

1. **Normalize** (``_normalize``): every character is folded on its own (compatibility decomposition, NFKD:
   what NFKC does, full-width ＠ to @, ① to 1, with accents and other combining marks then dropped, lower case, Cyrillic and Greek look-alikes read as Latin letters, any script's
   digits read as 0-9, dashes and dot-like signs unified, zero-width and other invisible characters removed),
   keeping for each folded character the span of the original character it came from, so that what is masked is
   the original text, never the folded copy.
2. **Tokenize** the folded text (runs of letters/digits, runs of spaces, single signs), join spaced or dotted
   single letters ("g m a i l", "g.m.a.i.l"), and read the spelled forms: "at", "arobase", "(at)", "[at]",
   "chez" as an at sign, "dot", "point", "(dot)", "[.]" as a dot; the phone pass reads number words (English
   and French, 0-99: "zero six douze trente-quatre soixante-dix-huit") as digits.
3. **Protect** what looks like a number but is not a phone: dates, times, IPv4 addresses, UUIDs, and the
   references that follow a label ("invoice", "facture n°", "order #", "ISBN"...); prices and quantities are
   recognised by their shape and unit, ISBN-13s by their check digit.
4. **Detect**: e-mails around each at sign; links to messengers (t.me, wa.me, instagram.com, discord.gg...)
   around each slash; handles (``@name``, ``live:name``, ``name#1234``, and a name after a messenger's name:
   "insta: ana.design"); phone numbers as runs of digit groups (digits or number words) joined by spaces, dots,
   dashes, slashes, parentheses or colons, 9 digits or more (8 after a "+").

Every pass looks at a bounded window around each token, so the time is linear in the text's length
(bench/masking.py measures it, adversarial inputs included). Each finding is judged on what it contains,
so masking a masked text finds nothing more.

What it does not read (a determined person still gets through this way; tests/unit/masking_corpus.py keeps
examples as known misses):

* letters spaced with the at and the dot spelled inside the spacing ("b e n a t g m a i l d o t c o m");
* digits split by commas or by words other than number words ("six one two, three four five...");
* number words above 99 ("six cent douze"), "double six", "oh" for zero;
* a name before the messenger's name ("search anadesign on instagram"), or a plain word after it without a
  colon, "my ... is" or a request ("add me on ..."): "discord anadesign" is not read as a handle;
* a reference after its label unless it is shaped like a phone number (a "+", "00", or ten digits from
  0[1-9]): "invoice 612345678" stays; so does a nine-digit number without a leading zero before a currency
  ("612345678 €", read as an amount);
* links to anything but messengers and social networks (a personal website, a portfolio).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from itertools import accumulate, chain, count, repeat

MASK = "[…]"


class Kind(str, Enum):
    EMAIL = "email"
    PHONE = "phone"
    HANDLE = "handle"
    LINK = "link"


@dataclass(frozen=True)
class Finding:
    """One contact detail: what kind, and where it is in the original text (``text[start:end]``)."""

    kind: Kind
    start: int
    end: int


@dataclass(frozen=True)
class Masked:
    """What mask() returns: the text to show, and what was hidden in it."""

    text: str  # the original with every finding replaced by MASK (overlapping or touching ones by one MASK)
    findings: tuple[Finding, ...]  # in order of position; they may overlap (a link can hold a phone number)

    @property
    def hidden(self) -> bool:
        return bool(self.findings)

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """What was found, each kind once, in Kind order: what a moderator is told."""
        found = {f.kind for f in self.findings}
        return tuple(k for k in Kind if k in found)


def mask(text: str) -> Masked:
    """Hides every contact detail in ``text``; says what was hidden and where."""
    norm = _normalize(text)
    lex = _lex(norm.text)
    spans: list[tuple[int, int, Kind]] = []
    emails = _emails(lex, spans)
    _handles(lex, emails, spans)
    _links(lex, spans)
    # what is masked as an e-mail, a handle or a link is gone: it neither labels nor dates a number
    _phones(lex, _guards(norm.text, spans), spans)
    findings = [Finding(kind, *norm.original(s, e)) for s, e, kind in _merged(spans)]
    findings.sort(key=lambda f: (f.start, f.end, f.kind.value))
    return Masked(_replace(text, findings), tuple(findings))


def _merged(spans: list[tuple[int, int, Kind]]) -> list[tuple[int, int, Kind]]:
    """Overlapping spans of one kind as one ("a@b@c" is found twice, from each at sign)."""
    out: list[tuple[int, int, Kind]] = []
    last: dict[Kind, int] = {}  # the index in out of each kind's latest span
    for s, e, kind in sorted(spans):
        k = last.get(kind)
        if k is not None and s < out[k][1]:
            out[k] = (out[k][0], max(e, out[k][1]), kind)
        else:
            last[kind] = len(out)
            out.append((s, e, kind))
    return out


def _replace(text: str, findings: list[Finding]) -> str:
    out: list[str] = []
    at = 0
    for f in findings:  # sorted by start: overlapping and touching spans become one mask
        if f.start < at:
            at = max(at, f.end)
            continue
        if f.start == at and out and out[-1] is MASK:
            at = f.end
            continue
        out.append(text[at:f.start])
        out.append(MASK)
        at = f.end
    out.append(text[at:])
    return "".join(out)


# 1. normalization ------------------------------------------------------------------------------------------------

# letters of other scripts that look like Latin ones ("gmаil" with a Cyrillic а)
_LOOKALIKES = dict(zip(
    "авекмнорстухіјѕԁһӏɡүԛԝαβεικνορτυχωℓ",
    "abekmhopctyxijsdhlgyqwabeikvoptuxwl"))
_DOTS = "。｡·•∙⋅․‧︒﹒"
_DASHES = "‐‑‒–—―−﹘﹣－"
# invisible characters that are not of the Cf category (Hangul fillers, the Braille blank, the Mongolian separator)
_FILLERS = "\u115f\u1160\u3164\uffa0\u2800\u180e"
# ASCII folds to itself but for upper case and spacing controls (same length: the offsets stay the same)
_ASCII = str.maketrans({**{chr(c): " " for c in range(32) if c != 10}, "\x7f": " ",
                        **{chr(c): chr(c + 32) for c in range(65, 91)}})


def _fold(ch: str) -> str:
    """One non-ASCII character as the detectors read it (possibly several characters, possibly none)."""
    if ch in _FILLERS:
        return ""
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width spaces and joiners, bidi controls, soft hyphen, word joiner...
        return ""
    if ch in "\u2028\u2029\x85":
        return "\n"
    if category.startswith("Z"):
        return " "
    # Arabic-Indic, Devanagari, full-width, mathematical, superscript... digits (after this, every character
    # str.isdigit() accepts is one of 0-9)
    digit = unicodedata.digit(ch, None)
    if digit is not None:
        return str(digit)
    out = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).lower()):
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        digit = unicodedata.digit(c, None)
        if digit is not None:
            out.append(str(digit))
        elif c in _LOOKALIKES:
            out.append(_LOOKALIKES[c])
        elif c in _DOTS:
            out.append(".")
        elif c in _DASHES:
            out.append("-")
        elif c in "⁄∕":
            out.append("/")
        elif c == "→":
            out.append(">")
        else:
            out.append(c.lower() if c.isascii() else c)
    return "".join(out)


@dataclass(frozen=True)
class _Normalized:
    text: str
    starts: list[int] | None  # original offset of each folded character; None: the same offsets
    ends: list[int] | None

    def original(self, start: int, end: int) -> tuple[int, int]:
        if self.starts is None or self.ends is None:  # both or neither
            return start, end
        return self.starts[start], self.ends[end - 1]


class _Folding(dict[int, str]):
    """The folding of every character met so far, by code point, for str.translate (which calls __missing__)."""

    LIMIT = 50_000  # characters of other scripts remembered; beyond, the memory is started again

    def __missing__(self, code: int) -> str:
        if len(self) > self.LIMIT:
            self.clear()
            self.update(_ASCII_FOLDING)
        folded = self[code] = _fold(chr(code))
        return folded


_ASCII_FOLDING = {c: _ASCII.get(c, chr(c)) for c in range(128)}
_FOLDING = _Folding(_ASCII_FOLDING)


def _normalize(text: str) -> _Normalized:
    if text.isascii():
        return _Normalized(text.translate(_ASCII), None, None)
    folded = text.translate(_FOLDING)
    lengths = {c: len(_FOLDING[ord(c)]) for c in set(text)}
    if len(folded) == len(text) and set(lengths.values()) == {1}:  # one character each: the same offsets
        return _Normalized(folded, None, None)
    # each original offset, repeated as many times as its character folded into (none for a dropped one)
    starts = list(chain.from_iterable(map(repeat, count(), map(lengths.__getitem__, text))))
    return _Normalized(folded, starts, [k + 1 for k in starts])


# 2. tokens and lexemes ---------------------------------------------------------------------------------------------

# a sign; single letters spaced or dotted ("g m a i l", "g.m.a.i.l": 3 or more, one separator repeated) as one
# token; an alphanumeric run; spaces; spaces with a line break. Spaced digits are left to the phone pass.
_SPACED = "|".join(rf"[^\W\d_](?:{sep}[^\W\d_]){{2,}}(?![^\W_])" for sep in (" ", r"\.", "-", "_"))
_TOKEN = re.compile(rf"[^\w\s]|(?<![^\W_])(?=[^\W\d_][ ._-][^\W\d_](?![^\W_]))(?:{_SPACED})|[^\W_]+|[^\S\n]+|\s+|_")

STRONG_AT = frozenset({"arobase", "arobas", "arrobe", "arroba", "arobaz"})
WEAK_AT = frozenset({"at", "chez"})
DOT_WORDS = frozenset({"dot", "point", "punto", "punkt"})
_OPEN_CLOSE = {"(": ")", "[": "]", "{": "}", "<": ">"}


@dataclass
class _Lexemes:
    """The text as a sequence of lexemes, in parallel lists (index i is one lexeme).

    Kinds: 'w' letters, 'n' digits, 'c' letters and digits, ' ' spaces, '\\n' spaces with a line break,
    '@' an at sign (literal, bracketed or "arobase"), 'A' a spelled at ("at", "chez"), '.' a dot,
    'D' a spelled or bracketed dot; any other sign is its own kind ('-', '/', ':', '#'...).
    """

    kinds: list[str]
    texts: list[str]
    starts: list[int]
    ends: list[int]
    vocabulary: dict[str, str]  # each token's text and its kind, as tokenized (before spelled words are read)

    def __len__(self) -> int:
        return len(self.kinds)


def _alnum_kind(chunk: str) -> str:
    if chunk.isdigit():
        return "n"
    if chunk.isalpha():
        return "w"
    return "c"


def _kind(token: str) -> str:
    first = token[0]
    if first.isspace():
        return "\n" if "\n" in token else " "
    if not first.isalnum():
        return token
    if len(token) > 2 and not token[1].isalnum():
        return "S"  # spaced single letters, read by _tokens
    return _alnum_kind(token)


# a lexeme's kind, text, start and end, kept as four parallel lists
_Columns = tuple[list[str], list[str], list[int], list[int]]


def _tokens(norm: str) -> tuple[list[str], list[str], list[int], list[int], dict[str, str]]:
    texts = _TOKEN.findall(norm)
    kind = {t: _kind(t) for t in set(texts)}
    kinds = [kind[t] for t in texts]
    offsets = list(accumulate(map(len, texts), initial=0))
    starts, ends = offsets[:-1], offsets[1:]
    if "S" not in kind.values():
        return kinds, texts, starts, ends, kind
    columns = (kinds, texts, starts, ends)
    out: _Columns = ([], [], [], [])
    done = 0
    for i in [i for i, k in enumerate(kinds) if k == "S"]:
        _copy(out, columns, done, i)
        word = texts[i][::2]  # "g m a i l" is the word "gmail"
        _copy(out, (["w"], [word], [starts[i]], [ends[i]]), 0, 1)
        kind.setdefault(word, "w")
        done = i + 1
    _copy(out, columns, done, len(texts))
    return *out, kind


def _copy(out: _Columns, columns: _Columns, start: int, stop: int) -> None:
    """Appends to each list of ``out`` its column's items start:stop."""
    out[0].extend(columns[0][start:stop])
    out[1].extend(columns[1][start:stop])
    out[2].extend(columns[2][start:stop])
    out[3].extend(columns[3][start:stop])


_SPELLED = frozenset(_OPEN_CLOSE) | STRONG_AT | WEAK_AT | DOT_WORDS


def _lex(norm: str) -> _Lexemes:
    kinds, texts, starts, ends, vocabulary = _tokens(norm)
    n = len(kinds)
    brackets = []
    for i in [i for i, t in enumerate(texts) if t in _SPELLED]:
        t = texts[i]
        if t in _OPEN_CLOSE:
            brackets.append(i)
        elif kinds[i] == "w":
            kinds[i] = "@" if t in STRONG_AT else "A" if t in WEAK_AT else "D"
    columns = (kinds, texts, starts, ends)
    out: _Columns = ([], [], [], [])
    done = 0
    for i in brackets:  # "(at)", "[ at ]", "(.)", "{dot}" become one lexeme
        if i < done:
            continue
        j = i + 1 + (i + 1 < n and kinds[i + 1] == " ")
        if j >= n:
            continue
        inner = texts[j]
        as_kind = ("@" if inner in WEAK_AT or inner in STRONG_AT or inner == "@" else
                   "A" if inner == "a" else  # "(a)" is also how a list is numbered: a spelled at
                   "D" if inner in DOT_WORDS or inner == "." else None)
        close = j + 1 + (j + 1 < n and kinds[j + 1] == " ")
        if as_kind is None or close >= n or texts[close] != _OPEN_CLOSE[texts[i]]:
            continue
        _copy(out, columns, done, i)
        _copy(out, ([as_kind], ["".join(texts[i:close + 1])], [starts[i]], [ends[close]]), 0, 1)
        done = close + 1
    if done == 0:
        return _Lexemes(kinds, texts, starts, ends, vocabulary)
    _copy(out, columns, done, n)
    return _Lexemes(*out, vocabulary)


ATOM = "wnc"


def _where(texts: list[str], words: frozenset[str], vocabulary: dict[str, str] | None = None,
           kinds: str = "") -> list[int]:
    """The indices of the lexemes that are one of ``words`` or, by the vocabulary, of one of ``kinds``."""
    if vocabulary:
        words = words | {t for t, k in vocabulary.items() if k in kinds}
    return [i for i, hit in enumerate(map(words.__contains__, texts)) if hit]


# 3. what is a number but not a phone -------------------------------------------------------------------------------

STRUCTURE, LABEL = 1, 2
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
# not glued to another digit group by a sign ("06/12/34/56/78" is no date); a space is fine ("2026-03-02 12:30")
_ALONE_BEFORE = r"(?=\d|[0-9a-f]{8}-)(?<![\w+])(?<!\d[-/.:])"
_ALONE_AFTER = r"(?![\w])(?![-/.:]\d)"
_STRUCTURES = re.compile(
    _ALONE_BEFORE + r"(?:"
    rf"\d{{4}}([-/.]){_MONTH}\1{_DAY}"  # 2026-03-02
    rf"|{_DAY}([-/.]){_DAY}\2(?:19|20)\d\d"  # 02/03/2026, 03/02/2026
    # 02/03/26: a two-digit year only when no digit group follows, but for a time
    rf"|{_DAY}([-/.]){_DAY}\3\d\d(?=[ ]{{1,3}}\d\d?[:h]\d\d(?!\d)|(?![ ./:-]{{0,3}}\d))"
    r"|(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"  # 12:30, 08:15:00
    r"|(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)"  # 192.168.1.10
    r"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # a UUID
    r")" + _ALONE_AFTER)
# a reference after its label: "invoice 2026-00123", "facture n° 123456789", "order #5ZE48TKF", "ISBN 978-..."
_LABEL_WORDS = ("invoice|facture|order|commande|cmd|ref|reference|ticket|tracking|suivi|colis|parcel|package|"
                "shipment|receipt|recu|transaction|txn|isbn|issn|ean|upc|sku|siret|siren|tva|vat|iban|serial|"
                "devis|quote|dossier|contract|contrat|case|lot|batch|article|item|produit|product|model|modele|"
                "n°|no\\.|nr\\.|#")
_LABELS = re.compile(
    rf"(?<![\w#@])(?:{_LABEL_WORDS})"
    r"(?:[ :.°-]{1,3}(?:n°|no|nr|num|numero|number|id|ref|de commande|de suivi|de facture|#)(?![\w]))?"
    r"(?:[ :#°.-]{0,3})"
    # digit groups of 3 to 5 may follow, spaced ("SIRET 123 456 789 00012"); a phone's pairs may not
    r"(?P<ref>[0-9a-z][0-9a-z/_.-]{0,39}(?: \d{3,5}(?![\w])){0,5})")


def _guards(norm: str, found: list[tuple[int, int, Kind]]) -> bytearray:
    """For each folded character: STRUCTURE (a date, time, address...), LABEL (a labelled reference), or 0.
    A structure or a label that was partly ``found`` already protects nothing ("live:12:30": once the Skype id
    is masked, ":30" is no time)."""
    guards = bytearray(len(norm))
    taken = bytearray(len(norm))
    for s, e, _ in _merged(found):
        taken[s:e] = b"\x01" * (e - s)
    for m in _STRUCTURES.finditer(norm):
        s, e = m.span()
        if not any(taken[s:e]):
            guards[s:e] = bytes([STRUCTURE]) * (e - s)
    for m in _LABELS.finditer(norm):
        if taken[m.start()]:
            continue
        s, e = m.span("ref")
        guards[s:e] = guards[s:e].translate(_LABELLED)
    return guards


_LABELLED = bytes([LABEL, STRUCTURE, LABEL]) + bytes(253)  # a structure stays one; anything else becomes a label


# 4. detectors ---------------------------------------------------------------------------------------------------

PROVIDERS = frozenset({"gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "aol",
                       "icloud", "proton", "protonmail", "pm", "gmx", "yandex", "orange", "wanadoo", "free",
                       "laposte", "sfr", "neuf", "bbox", "numericable", "zoho", "tutanota", "tuta", "mailo"})
# top-level domains believed when the at or the dot is spelled (not the ones that are everyday words: "me", "it")
TLDS = frozenset({"com", "net", "org", "fr", "io", "eu", "de", "be", "ch", "uk", "info", "biz", "app", "dev", "xyz",
                  "ca", "co", "ru", "es", "nl", "pt", "pl", "ma", "tn", "dz", "sn", "lu", "mc", "re", "gp", "mq",
                  "gf", "yt", "pf", "nc", "pro", "online", "site", "store", "email", "mail"})
_MAX_LOCAL = 64
_MAX_DOMAIN = 120


def _skip(lex: _Lexemes, i: int, step: int, kinds: str) -> int:
    """The index after at most one lexeme of ``kinds`` at i (moving by step)."""
    K = lex.kinds
    return i + step if 0 <= i < len(K) and K[i] in kinds else i


def _local_part(lex: _Lexemes, j: int, spaced: bool) -> tuple[int, bool] | None:
    """The first lexeme of the e-mail's local part ending at j, and whether it looks like a handle
    (a digit, a sign or a spelled dot in it) rather than an ordinary word. ``spaced``: a literal at sign stood
    between spaces, and so may the dots ("b e n . p r i v a t e @ g m a i l . c o m")."""
    K, T, starts = lex.kinds, lex.texts, lex.starts
    if j < 0 or K[j] not in ATOM:
        return None
    first, handle_like, end = j, not T[j].isalpha(), lex.ends[j]
    while first > 0 and end - starts[first] < _MAX_LOCAL:
        p = first - 1
        if K[p] in "._+-":
            if p > 0 and K[p - 1] in ATOM:  # ana.b, ana_b, ana-b, ana+tag
                first, handle_like = p - 1, True
                continue
        q = p - 1 if K[p] in " _-" else p
        # "ben dot private", "ben (dot) private", and with a spaced at sign "b e n . p r i v a t e"
        if 0 <= q and (K[q] == "D" or (spaced and K[q] == "." and q != p and q > 0 and K[q - 1] == " ")):
            r = q - 2 if q > 1 and K[q - 1] in " _-" else q - 1
            if 0 <= r and K[r] in ATOM:
                first, handle_like = r, True
                continue
        break
    return first, handle_like


def _domains(lex: _Lexemes, k: int) -> list[tuple[int, str, str, bool, bool]]:
    """The domains that start at k, shortest first: each as its last lexeme, its first label, its last label,
    whether a dot was spelled in it, whether a dot in it was followed by a space ("name@gmail. com").
    Every prefix is a candidate, so that what follows an address (masked or not) does not change it."""
    K, T, n = lex.kinds, lex.texts, len(lex)
    if k >= n or K[k] not in ATOM:
        return []
    first_label, label, last, spelled, loose = T[k], T[k], k, False, False
    out = [(k, first_label, "", False, False)]  # one label: no top-level domain
    start, ends = lex.starts[k], lex.ends
    dots = 0
    while last + 2 < n and ends[last] - start < _MAX_DOMAIN:
        j = last + 1
        if K[j] == "-" and K[j + 1] in ATOM:  # my-studio
            label += "-" + T[j + 1]
            last = j + 1
        else:
            d = j + 1 if K[j] in " _-" else j
            if not (d < n and (K[d] == "D" or (K[d] == "." and K[j] in ". "))):  # .com, " .com", _dot_
                break
            after = d + 1
            gap = after < n and K[after] == " "
            if after < n and K[after] in (" _-" if K[d] == "D" else " "):
                after += 1
            if not (after < n and K[after] in ATOM):
                break
            label = T[after]
            spelled |= K[d] == "D"
            loose |= gap and K[d] == "."
            last = after
            dots += 1
        if dots == 0:
            first_label = label
        out.append((last, first_label, label if dots else "", spelled, loose))
    return out


_LOCAL_GOES_ON = "._+- D"  # before a local part's first lexeme: a joiner, a (spaced) spelled dot
_DOMAIN_GOES_ON = "._- D"  # after a domain's first label: a hyphen, a dot (spaced, spelled)


def _emails(lex: _Lexemes, spans: list[tuple[int, int, Kind]]) -> set[int]:
    """Finds the e-mails; returns the at signs that were part of one."""
    K, T, n = lex.kinds, lex.texts, len(lex)
    found = set()
    for a in [a for a, kind in enumerate(K) if kind in "@A"]:
        kind = K[a]
        literal = T[a] == "@"
        if literal and 0 < a < n - 1 and K[a - 1] in ATOM and K[a + 1] in ATOM \
                and (a + 2 >= n or K[a + 2] not in _DOMAIN_GOES_ON) and (a < 2 or K[a - 2] not in _LOCAL_GOES_ON):
            # "ana@studio" with nothing around that could extend it: what the walk below would decide, at once
            if T[a + 1] in PROVIDERS or (K[a - 1] != "n" and not T[a + 1].isdigit()):
                spans.append((lex.starts[a - 1], lex.ends[a + 1], Kind.EMAIL))
                found.add(a)
            continue
        gaps = " " if literal else " _-"
        before = a - 2 if a > 0 and K[a - 1] in gaps else a - 1
        local = _local_part(lex, before, literal and before != a - 1)
        if local is None:
            continue
        after = a + 2 if a + 1 < n and K[a + 1] in gaps else a + 1
        first, handle_like = local
        glued = literal and before == a - 1 and after == a + 1  # ben@x: nothing spaced
        for last, domain, tld, spelled, loose in reversed(_domains(lex, after)):  # the longest that is one
            proper_tld = tld.isalpha() and 2 <= len(tld) <= 24
            provider = domain in PROVIDERS
            if glued:
                ok = proper_tld or provider or (not domain.isdigit() and ("w" in K[first:a] or "c" in K[first:a]))
            elif kind == "@":  # "ben @ gmail.com", "ben(at)studio.fr", "ben arobase gmail point com"
                ok = (proper_tld and (not loose or tld in TLDS)) or provider
            else:  # a spelled "at": an ordinary word unless the rest is clearly an address
                ok = tld in TLDS and (provider or spelled or handle_like)
            if ok:
                spans.append((lex.starts[first], lex.ends[last], Kind.EMAIL))
                found.add(a)
                break
    return found


_HANDLE_SIGNS = "._-"
_NOT_HANDLES = frozenset({"everyone", "here", "channel", "all"})


def _glued(lex: _Lexemes, i: int, j: int) -> bool:
    """Lexemes i to j touch one another (no space, nothing dropped between them)."""
    return all(lex.ends[k] == lex.starts[k + 1] for k in range(i, j))


def _glued_name(lex: _Lexemes, i: int, signs: str = _HANDLE_SIGNS) -> int:
    """The last lexeme of a name glued together from i: atoms and signs, no space, not ending on a sign."""
    K, n = lex.kinds, len(lex)
    last = i
    j = i + 1
    start = lex.starts[i]
    while j < n and lex.ends[j] - start <= 64 and (K[j] in ATOM or K[j] in signs) \
            and lex.starts[j] == lex.ends[j - 1]:
        if K[j] in ATOM:
            last = j
        j += 1
    return last


# messengers and social networks whose name, followed by a name, gives a handle ("insta: ana.design")
MESSENGERS = frozenset({"instagram", "insta", "ig", "snapchat", "snap", "discord", "telegram", "tg", "tlg",
                        "whatsapp", "whatsap", "watsap", "wechat", "signal", "skype", "messenger", "facebook", "fb",
                        "tiktok", "twitter", "viber", "kik", "threads", "linkedin", "teams"})
_HANDLE_WORDS = MESSENGERS | {"live", "@", "#"}
_POSSESSIVES = frozenset({"my", "mon", "ma", "our", "notre", "mes"})
_ASKING = frozenset({"add", "ajoute", "ajoutez", "ajouter", "follow", "suis", "suivez", "contact", "contacte",
                     "contactez", "write", "ecris", "ecrivez", "dm", "message", "text", "ping", "find", "trouve",
                     "trouvez", "retrouve", "retrouvez", "join", "rejoins", "rejoignez", "call", "appelle",
                     "appelez", "reach", "joindre", "hit"})
_FILLER = frozenset({"is", "est", "c", "s", "my", "mon", "ma", "me", "moi", "on", "sur", "id", "pseudo",
                     "username", "user", "name", "nom", "handle", "account", "compte", "profile", "profil", "tag",
                     "the", "le", "la", "de", "du", "it", "its", "called", "m", "am", "i", "je", "suis"})
_COPULAS = frozenset({"is", "est"})
# what follows a messenger's name that is no name ("my discord is down", "message me on whatsapp instead");
# the fillers above are skipped before a name is looked for
_NOT_NAMES = frozenset({
    "and", "or", "et", "ou", "if", "si", "to", "for", "pour", "so", "too", "aussi", "please", "plz", "pls", "svp",
    "stp", "instead", "plutot", "then", "puis", "now", "maintenant", "asap", "vite", "later", "tomorrow", "demain",
    "today", "tonight", "soir", "down", "up", "broken", "dead", "closed", "open", "private", "public", "blocked",
    "banned", "new", "old", "same", "mine", "yours", "here", "there", "fine", "ok", "okay", "good", "great",
    "better", "best", "bad", "free", "full", "empty", "gone", "off", "busy", "slow", "fast", "working", "works",
    "bloque", "ferme", "ouvert", "prive", "nouveau", "nouvelle", "mort", "casse", "pareil", "ici", "bien",
    "mieux", "plein", "vide", "lent", "rapide", "a", "an", "les", "un", "une", "des", "with", "avec", "not", "pas",
    "no", "non", "yes", "oui", "also", "only", "seulement", "either", "server", "serveur", "group", "groupe",
    "channel", "canal", "app", "appli", "application", "story", "stories", "post", "posts", "page", "link", "lien",
    "us", "nous", "you", "vous", "them", "eux", "directly", "directement", "privately", "dm", "mp"})


def _handles(lex: _Lexemes, emails: set[int], spans: list[tuple[int, int, Kind]]) -> None:
    K, T, n = lex.kinds, lex.texts, len(lex)
    for i in _where(T, _HANDLE_WORDS):
        kind = K[i]
        if kind == "@" and T[i] == "@" and i + 1 < n and i not in emails:
            j = i + 1 + (i + 2 < n and K[i + 1] == "!")
            if j < n and K[j] == "n" and len(T[j]) >= 15:  # a Discord mention: <@123456789012345678>
                spans.append((lex.starts[i], lex.ends[j], Kind.HANDLE))
                continue
            j = i + 1 + (i + 2 < n and K[i + 1] == "_")
            if j < n and K[j] in ATOM and _glued(lex, i, j):
                last = _glued_name(lex, j)
                name = "".join(T[i + 1:last + 1])
                if len(name) >= 3 and (name[0].isalpha() or name[0] == "_") and name not in _NOT_HANDLES:
                    spans.append((lex.starts[i], lex.ends[last], Kind.HANDLE))
        elif kind == "w" and T[i] == "live" and i + 2 < n and K[i + 1] == ":":  # Skype: live:ana.b, live:.cid.12
            j = i + 2
            while j < n - 1 and K[j] in "._":
                j += 1
            if K[j] in ATOM and _glued(lex, i, j):
                spans.append((lex.starts[i], lex.ends[_glued_name(lex, j)], Kind.HANDLE))
        elif kind == "#" and i > 0 and K[i - 1] in ("w", "c") and i + 1 < n and K[i + 1] == "n" \
                and len(T[i + 1]) == 4 and _glued(lex, i - 1, i + 1):  # ana#1234 (Discord's old tags)
            spans.append((lex.starts[i - 1], lex.ends[i + 1], Kind.HANDLE))
        elif kind == "w" and T[i] in MESSENGERS:
            _named_on(lex, i, spans)


def _named_on(lex: _Lexemes, i: int, spans: list[tuple[int, int, Kind]]) -> None:
    """A name given after a messenger's name: "insta: ana.design", "mon snap c'est anad", "add me on tg anad"."""
    K, T, n = lex.kinds, lex.texts, len(lex)
    words_before = [T[p] for p in range(max(0, i - 8), i) if K[p] in ATOM]
    possessive = bool(words_before) and words_before[-1] in _POSSESSIVES
    asking = any(w in _ASKING for w in words_before[-4:])
    marked = False
    j, seen = i + 1, 0
    while j < n and seen < 8:
        k, t = K[j], T[j]
        if k in ":=>":
            marked = True
        elif k in ATOM and t in _COPULAS and possessive:
            marked = True
        elif not (k in " -()'" or (k in ATOM and t in _FILLER)):
            break
        j += 1
        seen += 1
    if j >= n or K[j] not in ATOM or T[j] in MESSENGERS:
        return
    last = _glued_name(lex, j, "._-#")
    name = "".join(T[j:last + 1])
    if len(name) < 3 or name.isdigit() or not any(c.isalpha() for c in name):
        return
    if name != T[j] or any(c.isdigit() for c in name):  # ana.design, ana_d, ana#1234, anad92
        spans.append((lex.starts[j], lex.ends[last], Kind.HANDLE))
        return
    if not (marked or asking) or name in _NOT_NAMES:
        return
    # a plain word is a name when the sentence ends there, not when it goes on ("my discord is down today")
    nxt = _skip(lex, last + 1, 1, " ")
    if nxt >= n or K[nxt] in "\n.,;!?)" or T[nxt] in ("and", "et", "or", "ou", "if", "si"):
        spans.append((lex.starts[j], lex.ends[last], Kind.HANDLE))


# domains whose links lead to a person; a path prefix when only some paths do (discord.com/invite/...)
LINK_DOMAINS = {
    "t.me": (), "telegram.me": (), "telegram.dog": (), "telegram.org": ("k/", "a/", "z/"), "wa.me": (),
    "whatsapp.com": (), "instagram.com": (), "instagr.am": (), "snapchat.com": (), "discord.gg": (),
    "discord.com": ("invite", "users"), "discordapp.com": ("invite", "users"), "discord.me": (),
    "facebook.com": (), "fb.com": (), "fb.me": (), "m.me": (), "messenger.com": (), "signal.me": (),
    "signal.group": (), "tiktok.com": (), "twitter.com": (), "x.com": (), "linkedin.com": ("in",),
    "skype.com": (), "linktr.ee": (), "kik.me": (), "viber.com": (), "line.me": (), "threads.net": (),
    "wechat.com": (), "vk.com": (), "ok.ru": ()}
_SLASHES = frozenset({"/", "slash"})
_SUBDOMAINS = frozenset({"www", "m", "web", "chat", "api", "vm", "mobile", "join", "open", "my", "fr", "en"})
_PATH_SIGNS = "._-@+=?&%~#/:!"


def _links(lex: _Lexemes, spans: list[tuple[int, int, Kind]]) -> None:
    K, T, n = lex.kinds, lex.texts, len(lex)
    done = -1
    for s in _where(T, _SLASHES):
        if s <= done:  # inside the path of the link just found
            continue
        # the domain before the slash, dots possibly spelled or spaced: t.me/, t.me /, t . me/, t dot me slash
        labels: list[str] = []
        firsts: list[int] = []
        j = _skip(lex, s - 1, -1, " ")
        while j >= 0 and K[j] in ATOM and len(labels) < 5:
            labels.insert(0, T[j])
            firsts.insert(0, j)
            d = _skip(lex, j - 1, -1, " ")
            if d >= 0 and K[d] in ".D":
                j = _skip(lex, d - 1, -1, " ")
                continue
            break
        if len(labels) < 2:
            continue
        size = next((size for size in (2, 3) if ".".join(labels[-size:]) in LINK_DOMAINS), None)
        if size is None:
            continue
        domain = ".".join(labels[-size:])
        while size < len(labels) and labels[-size - 1] in _SUBDOMAINS:  # www.instagram.com, chat.whatsapp.com
            size += 1
        p = _skip(lex, s + 1, 1, " ")
        if p >= n or not (K[p] in ATOM or K[p] in "@_"):
            continue
        last, j = p, p + 1
        while j < n and lex.ends[j] - lex.starts[p] <= 100 and (K[j] in ATOM or K[j] in _PATH_SIGNS) \
                and lex.starts[j] == lex.ends[j - 1]:
            if K[j] in ATOM:
                last = j
            j += 1
        path = "".join(T[p:last + 1])
        if last + 1 < n and K[last + 1] == "/" and _glued(lex, last, last + 1):  # instagram.com/ana/
            last += 1
        prefixes = LINK_DOMAINS[domain]
        if prefixes and not path.startswith(prefixes):
            continue
        first = firsts[-size]
        if first >= 4 and K[first - 1] == "/" and K[first - 2] == "/" and K[first - 3] == ":" \
                and T[first - 4] in ("http", "https"):
            first -= 4
        spans.append((lex.starts[first], lex.ends[last], Kind.LINK))
        done = last


# number words, English and French, 0-99 ("zero six douze trente-quatre cinquante-six soixante-dix-huit")
UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
         "neuf": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
         "quatorze": 14, "quinze": 15, "seize": 16}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
        "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}
NUMBER_WORDS = frozenset(UNITS) | frozenset(TEENS) | frozenset(TENS)


def _next_word(lex: _Lexemes, j: int) -> int | None:
    """The word after a joiner at j inside a number: '-', one space, or ' et '."""
    K, T, n = lex.kinds, lex.texts, len(lex)
    if j + 1 < n and (K[j] == "-" or (K[j] == " " and T[j] == " ")) and K[j + 1] == "w":
        if T[j + 1] == "et" and j + 3 < n and K[j + 2] in "- " and K[j + 3] == "w":
            return j + 3
        return j + 1
    return None


def _teen(lex: _Lexemes, j: int) -> tuple[int, int] | None:
    t = lex.texts[j]
    if t not in TEENS:
        return None
    if t == "dix":
        k = _next_word(lex, j + 1)
        if k is not None and lex.texts[k] in ("sept", "huit", "neuf"):
            return 10 + UNITS[lex.texts[k]], k + 1
    return TEENS[t], j + 1


def _spelled_number(lex: _Lexemes, i: int) -> tuple[str, int] | None:
    """The number spelled from lexeme i (its digits), and the index after it."""
    T = lex.texts
    t = T[i]
    tens = TENS.get(t)
    if t == "quatre":
        k = _next_word(lex, i + 1)
        if k is not None and T[k] in ("vingt", "vingts"):
            tens, i = 80, k
    if tens is not None:
        k = _next_word(lex, i + 1)
        if k is not None and tens in (60, 80):  # soixante-dix-huit, quatre-vingt-onze
            teen = _teen(lex, k)
            if teen is not None:
                return str(tens + teen[0]), teen[1]
        if k is not None and T[k] in UNITS and UNITS[T[k]] > 0:
            return str(tens + UNITS[T[k]]), k + 1
        return str(tens), i + 1
    teen = _teen(lex, i)
    if teen is not None:
        return str(teen[0]), teen[1]
    if t in UNITS:
        return str(UNITS[t]), i + 1
    return None


_PHONE_SEPARATORS = frozenset(" .-/():_|~*")
_LEET = re.compile(r"[0-9o]*\d[0-9o]*")  # O for 0 in a number: o6 12 34 56 78
# what makes a thousands-grouped number an amount or a quantity, not a phone
UNITS_AFTER = frozenset({"€", "$", "£", "¥", "₹", "₽", "%", "eur", "euro", "euros", "usd", "dollar", "dollars",
                         "gbp", "chf", "cad", "k", "m", "ht", "ttc", "views", "vues", "followers", "abonnes",
                         "users", "utilisateurs", "pieces", "pcs", "units", "unites", "exemplaires", "copies",
                         "words", "mots", "characters", "caracteres", "px", "pixels", "bytes", "octets", "ko",
                         "mo", "go", "kb", "mb", "gb", "tb", "km", "kg", "g", "l", "ml", "times", "fois", "stars",
                         "etoiles", "lines", "lignes", "rows", "points", "pts", "likes", "streams", "downloads",
                         "telechargements", "visitors", "visiteurs", "impressions", "clicks", "clics"})
CURRENCIES_BEFORE = frozenset({"€", "$", "£", "¥", "₹", "₽", "eur", "usd", "gbp", "chf", "cad"})


@dataclass(slots=True)
class _Item:
    first: int  # lexemes
    last: int
    digits: str
    guard: int
    separator: str  # what joins it to the item before ("" for the first)


def _item_at(lex: _Lexemes, i: int, guards: bytearray) -> _Item | None:
    K, T = lex.kinds, lex.texts
    k = K[i]
    if k == "n":
        return _Item(i, i, T[i], guards[lex.starts[i]], "")
    if k in "wc" and _LEET.fullmatch(T[i]):
        return _Item(i, i, T[i].replace("o", "0"), guards[lex.starts[i]], "")
    if k == "w" and T[i] in NUMBER_WORDS:
        spelled = _spelled_number(lex, i)
        if spelled is not None:
            return _Item(i, spelled[1] - 1, spelled[0], 0, "")
    return None


def _phones(lex: _Lexemes, guards: bytearray, spans: list[tuple[int, int, Kind]]) -> None:
    K, T, n = lex.kinds, lex.texts, len(lex)
    done = 0
    for i in _where(T, NUMBER_WORDS, lex.vocabulary, "nc"):
        if i < done:
            continue
        if K[i] == "c" and not _LEET.fullmatch(T[i]):
            _digits_in_code(lex, i, guards, spans)
            continue
        item = _item_at(lex, i, guards)
        if item is None:
            continue
        plus = i > 0 and K[i - 1] == "+" or (i > 1 and K[i - 1] == " " and K[i - 2] == "+")
        run = [item]
        j = item.last + 1
        while j < n:
            k, seps = j, 0
            while k < n and seps < 3 and K[k] in _PHONE_SEPARATORS:
                k += 1
                seps += 1
            nxt = _item_at(lex, k, guards) if k < n and k > j else None
            if nxt is None:
                break
            nxt.separator = "".join(T[j:k])
            run.append(nxt)
            j = nxt.last + 1
        done = j
        if sum(len(item.digits) for item in run) < 8:  # too short to be a phone number, however it is cut
            continue
        for piece in _phone_pieces(lex, run, plus):
            first, last = piece[0].first, piece[-1].last
            if piece[0] is run[0] and plus:
                first = i - 1 if K[i - 1] == "+" else i - 2
            if first > 0 and K[first - 1] == "(" and any(K[x] == ")" for x in range(first, last + 1)):
                first -= 1
            spans.append((lex.starts[first], lex.ends[last], Kind.PHONE))


def _split(items: list[_Item], cut: Callable[[_Item], bool]) -> list[list[_Item]]:
    pieces: list[list[_Item]] = []
    piece: list[_Item] = []
    for item in items:
        if cut(item):
            if piece:
                pieces.append(piece)
            piece = []
        else:
            piece.append(item)
    if piece:
        pieces.append(piece)
    return pieces


def _phone_pieces(lex: _Lexemes, run: list[_Item], plus: bool) -> list[list[_Item]]:
    out = []
    for piece in _split(run, lambda item: item.guard == STRUCTURE):
        digits = "".join(item.digits for item in piece)
        leading = plus and piece[0] is run[0]
        if (leading and len(digits) >= 8) or (digits.startswith("00") and len(digits) >= 10) \
                or (len(digits) == 10 and digits[0] == "0" and digits[1] != "0"):
            out.append(piece)  # shaped like a phone number: a label in front does not make it a reference
            continue
        for sub in _split(piece, lambda item: item.guard == LABEL):
            digits = "".join(item.digits for item in sub)
            if len(digits) >= 9 and not (_isbn13(digits) or _decimals(sub) or _amount(lex, sub)):
                out.append(sub)
    return out


def _isbn13(digits: str) -> bool:
    if len(digits) != 13 or not digits.startswith(("978", "979")):
        return False
    return sum(int(d) * (1 if k % 2 == 0 else 3) for k, d in enumerate(digits)) % 10 == 0


def _decimals(items: list[_Item]) -> bool:
    """'12.50 13.20 14.80': decimal numbers in a row, not a phone number written with dots."""
    if len(items) < 4 or len(items) % 2:
        return False
    return all(items[k + 1].separator == "." and items[k + 1].digits.isdigit() and len(items[k + 1].digits) <= 2
               and (k == 0 or items[k].separator.isspace()) for k in range(0, len(items), 2))


def _amount(lex: _Lexemes, items: list[_Item]) -> bool:
    """'1 000 000 000 €', '$ 2.500.000.000', '1 200 000 000 views', '1 400 000 000': an amount or a quantity,
    by its shape (thousands grouped) and a unit, a currency or round thousands."""
    head = items[0].digits
    if not head.isdigit() or len(head) > 3 and len(items) > 1 or head.startswith("0"):
        return False
    separators = {item.separator for item in items[1:]}
    if len(separators) > 1 or not separators <= {" ", ".", "'"} or any(len(item.digits) != 3 for item in items[1:]):
        return False
    K, T, n = lex.kinds, lex.texts, len(lex)
    after = _skip(lex, items[-1].last + 1, 1, " ")
    before = _skip(lex, items[0].first - 1, -1, " ")
    return ((after < n and T[after] in UNITS_AFTER) or (before >= 0 and T[before] in CURRENCIES_BEFORE)
            or (len(items) > 1 and items[-1].digits == "000"))


_LONG_DIGITS = re.compile(r"\d{9,}")


def _digits_in_code(lex: _Lexemes, i: int, guards: bytearray, spans: list[tuple[int, int, Kind]]) -> None:
    """'tel0612345678': nine digits or more glued to letters are still a phone number, but in a hash or a UUID."""
    t = lex.texts[i]
    if guards[lex.starts[i]] or (len(t) >= 16 and all(c in "0123456789abcdef" for c in t)):
        return
    if _LONG_DIGITS.search(t):
        spans.append((lex.starts[i], lex.ends[i], Kind.PHONE))
