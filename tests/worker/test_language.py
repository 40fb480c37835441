"""Language detection marks non-English articles instead of letting rules mis-code them."""

from __future__ import annotations

import pytest

from worker.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The foreign minister said on Tuesday that the talks with the delegation from the "
            "neighbouring state had been useful and would continue next month.",
            "en",
        ),
        (
            "Le ministre des affaires étrangères a déclaré mardi que les négociations avec la "
            "délégation du pays voisin avaient été utiles et qu'elles reprendraient.",
            "fr",
        ),
        (
            "El ministro de Asuntos Exteriores dijo el martes que las conversaciones con la "
            "delegación del país vecino fueron útiles y que continuarán el mes que viene.",
            "es",
        ),
        (
            "Der Außenminister sagte am Dienstag, die Gespräche mit der Delegation des "
            "Nachbarlandes seien nützlich gewesen und würden im nächsten Monat fortgesetzt.",
            "de",
        ),
        (
            "Министр иностранных дел заявил во вторник, что переговоры с делегацией "
            "соседней страны были полезными и продолжатся в следующем месяце.",
            "ru",
        ),
        ("外交部长周二表示，与邻国代表团的会谈很有成效，将于下个月继续举行。", "zh"),
        ("Troops paraded.", "en"),
    ],
)
def test_detects_the_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_gibberish_is_undetermined() -> None:
    assert detect_language("qwrt zxvb plmk ghjt wxyz " * 5) == "und"
