"""Translations of source titles, quotes and notes (data/src/translations): every number of the
original is in its translation, quotes that contain their value still do in English, every
Chinese title and quote the pages cite has an English rendering, and no page shows a note in
the other language."""
from __future__ import annotations

import csv
import re

import pytest

from metrics.citation import (english_rendering, is_language_neutral, shown_note,
                              text_language)
from metrics.load import load_dataset
from metrics.paths import SRC_DIR

FULL_WIDTH = str.maketrans("０１２３４５６７８９．﹒％，", "0123456789..%,")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A month or a day ('5月', '1—5月', '5、6月', '19日') is written as a word in English
# ('May', 'January-May'); a quarter or half year ('Q1', 'H1') as 一季度 or 上半年.
DATE_PART = re.compile(r"\s*(?:[—\-–~至到、一]\s*\d+\s*)?(?:月|日|号|時|时)")
# Addresses, domains and IP numbers are carried over verbatim, not read as figures.
ADDRESS = re.compile(r"https?://\S+|\b\d{1,3}(?:\.\d{1,3}){3}\b"
                     r"|(?<![A-Za-z0-9.-])(?=[A-Za-z0-9.-]*[A-Za-z])[A-Za-z0-9-]+"
                     r"(?:\.[A-Za-z0-9-]+)+")


def _normalise(text: str) -> str:
    text = ADDRESS.sub(" ", text.translate(FULL_WIDTH))
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def numbers_of(text: str) -> list[str]:
    """The figures of a text as written (thousands separators dropped), dates' months and days
    and quarter labels left out."""
    text = _normalise(text)
    found = []
    for m in NUMBER.finditer(text):
        if DATE_PART.match(text, m.end()):
            continue
        if m.start() and text[m.start() - 1] in "QH" and m.group() in "1234":
            continue
        found.append(m.group())
    return found


def missing_numbers(original: str, translation: str) -> list[str]:
    """Figures of ``original`` that ``translation`` does not write."""
    done = _normalise(translation)
    return [n for n in numbers_of(original)
            if not re.search(r"(?<![\d.])" + re.escape(n) + r"(?!\d)", done)]


def test_the_number_check_can_fail():
    assert missing_numbers("增长9.6%，高于全省1.1个百分点", "grew 9.6%, 1.1 points above") == []
    assert missing_numbers("增长9.6%，高于全省1.1个百分点", "grew 9.6%, 1.2 points above") == [
        "1.1"]
    assert missing_numbers("4800多家", "more than 4,800") == []
    assert missing_numbers("1—5月增长19.6%", "January-May: +19.6%") == []
    assert missing_numbers("Q1 2024 +10.0 %", "2024年一季度增长10.0 %") == []
    assert missing_numbers("1196.5亿元", "CNY 119.65 billion") == ["1196.5"]


@pytest.fixture(scope="module")
def rows():
    path = SRC_DIR / "translations" / "translations.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_translation_keeps_every_number(rows):
    bad = [(r["text"][:60], missing_numbers(r["text"], r["translation"])) for r in rows
           if missing_numbers(r["text"], r["translation"])]
    assert not bad, bad[:10]


def test_translations_are_marked_and_go_the_right_way(rows):
    assert len(rows) > 1000
    for r in rows:
        assert r["translator"].strip(), r["text"][:60]
        assert r["translation"].strip() and r["translation"] != r["text"]
        assert text_language(r["translation"]) == r["lang"], r["translation"][:60]
        if r["kind"] in ("title", "quote", "publisher"):
            assert r["lang"] == "en" and text_language(r["text"]) == "zh"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_quotes_that_hold_their_value_still_do_in_english(ds):
    """The dataset's rule (a quote contains the number it gives) holds for the translations."""
    obs = ds["observations"]
    checked = 0
    for _, r in obs.iterrows():
        value = f"{abs(r['value']):g}"
        squashed = re.sub(r"[,，\s]", "", _normalise(r["quote"]))
        english = ds.translation(r["quote"], "en")
        if value in squashed and english:
            assert value in re.sub(r"[,，\s]", "", _normalise(english)), (r["quote"], english)
            checked += 1
    assert checked > 300


def test_every_cited_chinese_title_quote_and_publisher_has_an_english_rendering(ds):
    missing = []
    cited = set()
    for table in ("observations", "entities", "targets"):
        cited |= set(ds[table]["source_id"])
        missing += [q for q in ds[table]["quote"]
                    if text_language(q) == "zh" and not ds.translation(q, "en")]
    src = ds["sources"]
    missing += [t for sid, t in zip(src["source_id"], src["title"])
                if sid in cited and text_language(t) == "zh" and not ds.translation(t, "en")]
    missing += [p for sid, p in zip(src["source_id"], src["publisher"])
                if sid in cited and text_language(p) == "zh" and not ds.translation(p, "en")]
    missing += [c for sid, c in zip(src["source_id"], src["carrier"])
                if sid in cited and c and text_language(c) == "zh" and not ds.translation(c, "en")]
    assert not missing, f"{len(missing)} without translation, e.g. {missing[:5]}"


def test_no_note_in_the_other_language(ds):
    notes = set(ds["observations"]["note"].dropna()) | set(ds["sources"]["note"].dropna())
    shown = {"zh": 0, "en": 0}
    for note in notes:
        for lang, other in (("zh", "en"), ("en", "zh")):
            text = shown_note(note, lang, ds.translation)
            if text is not None:
                assert is_language_neutral(text) or text_language(text) != other, (lang, text)
                shown[lang] += 1
    # nearly every note is shown on both pages (translated where needed)
    assert shown["zh"] > 0.95 * len(notes) and shown["en"] > 0.95 * len(notes)


def test_english_rendering_only_on_english_pages(ds):
    title = "青岛：工业体系更强健，“强市之基”活力足"
    assert english_rendering(title, "zh", ds.translation) is None
    assert english_rendering(title, "en", ds.translation).startswith("Qingdao")
    assert english_rendering("Haier Adds Two More Lighthouse Factories", "en",
                             ds.translation) is None
