"""Period codes: grammar per basis, order, labels in both languages."""
import pytest

from metrics.periods import is_valid_period, label_period, parse_period


@pytest.mark.parametrize("code,basis,zh,en", [
    ("2024-05", "cumulative", "2024年1-5月", "Jan-May 2024"),
    ("2024-02", "cumulative", "2024年1-2月", "Jan-Feb 2024"),
    ("2024", "cumulative", "2024年", "2024"),
    ("2024-05", "month", "2024年5月", "May 2024"),
    ("2022Q2", "quarter", "2022年第2季度", "Q2 2022"),
    ("2024-07", "as_of", "截至2024年7月", "as of Jul 2024"),
    ("2024-07-02", "as_of", "截至2024年7月2日", "as of 2 Jul 2024"),
    ("2021/2025", "multi_year", "2021-2025年", "2021-2025"),
])
def test_labels(code, basis, zh, en):
    assert label_period(code, basis, "zh") == zh
    assert label_period(code, basis, "en") == en


@pytest.mark.parametrize("code,basis", [
    ("2024-01", "cumulative"),   # January is released with February
    ("2024-12", "cumulative"),   # the full year is written 2024
    ("2024-13", "month"),
    ("2024", "month"),
    ("2024Q5", "quarter"),
    ("24-05", "as_of"),
    ("2024-05", "annual"),
    ("2024", "nonsense"),
])
def test_invalid(code, basis):
    assert not is_valid_period(code, basis)
    with pytest.raises(ValueError):
        parse_period(code, basis)


def test_order_full_year_after_months():
    keys = [parse_period(c, "cumulative").sort_key for c in ("2024", "2024-05", "2023", "2024-02")]
    assert sorted(keys) == [(2023, 12, 0), (2024, 2, 0), (2024, 5, 0), (2024, 12, 0)]
