"""English as economists write it (issue 11 item 8): amounts in CNY billions or trillions, no
doubled units, no internal source ids in source details."""
from __future__ import annotations

import re

from components.labels import format_value
from components.provenance import readable_note
from metrics.load import load_dataset
from tests.apptest import run_page

YUAN = {"unit_en": "100 million yuan", "unit_zh": "亿元"}


def test_amounts_in_billions_and_trillions():
    assert format_value(1300, "", YUAN, "en") == "CNY 130 billion"
    assert format_value(13000, "~", YUAN, "en") == "about CNY 1.3 trillion"
    assert format_value(2656.77, "", YUAN, "en") == "CNY 265.677 billion"
    assert format_value(45, ">", {"unit_en": "10 thousand vehicles", "unit_zh": "万辆"},
                        "en") == "more than 450,000 vehicles"
    assert format_value(13000, "~", YUAN, "zh") == "约13,000亿元"  # Chinese as written


def test_overview_tiles_in_english_have_no_doubled_or_multiplier_units():
    at = run_page("dashboard.py", lang="en")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Operating revenue of above-scale industry"] == "about CNY 1.3 trillion"
    assert "Above-scale industrial enterprises" in labels  # not '... (enterprises)'
    assert not any("100 million" in k or "(enterprises)" in k for k in labels)


def test_notes_name_sources_by_publisher_not_by_id():
    ds = load_dataset()
    ids = set(ds.sources_by_id)
    for note in ds["observations"]["note"].dropna():
        shown = readable_note(ds, note)
        assert not any(token in ids for token in re.findall(r"[a-z0-9][a-z0-9_-]{5,}", shown))
