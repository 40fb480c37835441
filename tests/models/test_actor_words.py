"""The words of actor names kept for the word scopes, and the filters that are one word."""

from __future__ import annotations

from models.actor_words import filter_word, name_words


def test_name_words_are_runs_of_letters_and_digits_folded_for_ascii_only() -> None:
    assert name_words("Kim Jong-Un") == {"kim", "jong", "un"}
    assert name_words("Kim 1000") == {"kim"}  # digits alone are not kept
    assert name_words("G7 summit of J. Smith") == {"g7", "summit", "of", "smith"}
    assert name_words("MÜLLER") == {"mÜller"}  # as SQLite's lower() and LIKE fold it
    assert name_words("under_score") == {"under", "score"}
    assert name_words("") == frozenset()


def test_a_filter_is_a_word_when_it_is_exactly_one_kept_word() -> None:
    assert filter_word(" Kim ") == "kim"
    assert filter_word("G7") == "g7"
    for not_a_word in ("kim jong", "kim,", "1000", "k", "", None, "%kim"):
        assert filter_word(not_a_word) is None
