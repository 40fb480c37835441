"""Compare eventwire's date resolver and language guess with dateparser and py3langid.

Issue 11 point 7: replace ``worker/extraction/dates.py`` by dateparser, or
``worker/language.py`` by py3langid, only if the library is faster *and* at least as right.

Dates: every gold event with a date (data/gold/*.gold.json and ../shared/seed) gives its
evidence sentence, the article's publication date and the expected date (``2023-07-27``,
``2023-07`` or ``2023``). Each resolver reads the sentence alone (the extractor also uses the
article's context date, so these are sentence-level numbers for both). A resolver is right
when its date, cut to the gold precision, equals the gold date. dateparser has no notion of
precision, so cutting to the gold's is generous to it. Times are per sentence, best of
``--repeat`` runs.

Language: the sample and gold articles (all English) and short paragraphs in eleven other
languages; right when English is told from not-English (what the worker needs: an article
is extracted or marked). Times are per article over the English articles, best of runs.

    python bench/compare_parsers.py [--repeat 5] [--json bench/results/compare_parsers.json]

Needs ``pip install dateparser py3langid`` (not dependencies of eventwire).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from common.dates import date_text  # noqa: E402
from worker.extraction.dates import resolve  # noqa: E402
from worker.language import detect_language  # noqa: E402

#: Paragraphs that are not English (the worker must mark these, not extract from them).
OTHER_LANGUAGES = {
    "fr": "Le ministre des affaires étrangères a déclaré mardi que les négociations avec la "
    "délégation du pays voisin avaient été utiles et qu'elles reprendraient le mois prochain.",
    "es": "El ministro de Asuntos Exteriores dijo el martes que las conversaciones con la "
    "delegación del país vecino fueron útiles y que continuarán el mes que viene.",
    "de": "Der Außenminister sagte am Dienstag, die Gespräche mit der Delegation des "
    "Nachbarlandes seien nützlich gewesen und würden im nächsten Monat fortgesetzt.",
    "it": "Il ministro degli Esteri ha detto martedì che i colloqui con la delegazione del "
    "paese vicino sono stati utili e che continueranno il mese prossimo.",
    "pt": "O ministro dos Negócios Estrangeiros disse na terça-feira que as conversações com a "
    "delegação do país vizinho foram úteis e que continuarão no próximo mês.",
    "nl": "De minister van Buitenlandse Zaken zei dinsdag dat de gesprekken met de delegatie "
    "van het buurland nuttig waren en volgende maand worden voortgezet.",
    "ru": "Министр иностранных дел заявил во вторник, что переговоры с делегацией соседней "
    "страны были полезными и продолжатся в следующем месяце.",
    "zh": "外交部长周二表示，与邻国代表团的会谈很有成效，将于下个月继续举行。",
    "ar": "قال وزير الخارجية يوم الثلاثاء إن المحادثات مع وفد الدولة المجاورة كانت مفيدة "
    "وستستمر الشهر المقبل.",
    "pl": "Minister spraw zagranicznych powiedział we wtorek, że rozmowy z delegacją "
    "sąsiedniego kraju były przydatne i będą kontynuowane w przyszłym miesiącu.",
    "tr": "Dışişleri bakanı salı günü yaptığı açıklamada, komşu ülke heyetiyle yapılan "
    "görüşmelerin faydalı olduğunu ve gelecek ay devam edeceğini söyledi.",
}


def gold_dates() -> list[tuple[str, date | None, str]]:
    """(sentence, published, expected date text) for every dated gold event."""
    files = sorted((REPO / "data" / "gold").glob("*.gold.json"))
    seed = REPO.parent / "shared" / "seed" / "parade-article.gold.json"
    if seed.exists():
        files.append(seed)
    cases = []
    for path in files:
        doc = json.loads(path.read_text(encoding="utf-8"))
        published = date.fromisoformat(doc["published"]) if doc.get("published") else None
        for event in doc.get("events", []):
            if event.get("date") and event.get("sentence"):
                cases.append((event["sentence"], published, str(event["date"])))
    return cases


def english_articles() -> list[str]:
    """The texts of the sample corpus and of the gold articles."""
    texts = [
        p.read_text(encoding="utf-8") for p in sorted((REPO / "data" / "sample").glob("*.txt"))
    ]
    for path in sorted((REPO / "data" / "gold").glob("*.gold.json")):
        texts.append(json.loads(path.read_text(encoding="utf-8"))["text"])
    return texts


def eventwire_date(sentence: str, published: date | None) -> str | None:
    """dates.resolve on the sentence, cut to its own precision."""
    found = resolve(sentence, published)
    return date_text(found.value, found.precision) if found and found.value else None


def make_dateparser_date() -> Callable[[str, date | None], date | None]:
    """dateparser.search.search_dates on the sentence: the first date it finds."""
    from datetime import datetime

    from dateparser.search import search_dates

    def parse(sentence: str, published: date | None) -> date | None:
        settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
        if published:
            settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
        found = search_dates(sentence, languages=["en"], settings=settings)
        return found[0][1].date() if found else None

    return parse


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def compare_dates(repeat: int) -> dict[str, Any]:
    """Accuracy and time per sentence of both date resolvers on the gold sentences."""
    cases = gold_dates()
    dateparser_date = make_dateparser_date()
    right = {"eventwire": 0, "dateparser": 0}
    for sentence, published, expected in cases:
        if eventwire_date(sentence, published) == expected:
            right["eventwire"] += 1
        found = dateparser_date(sentence, published)
        if found is not None and found.isoformat()[: len(expected)] == expected:
            right["dateparser"] += 1
    seconds = {
        "eventwire": best_time(lambda: [eventwire_date(s, p) for s, p, _ in cases], repeat),
        "dateparser": best_time(lambda: [dateparser_date(s, p) for s, p, _ in cases], repeat),
    }
    return {
        "cases": len(cases),
        **{
            name: {"right": right[name], "ms_per_sentence": 1000 * seconds[name] / len(cases)}
            for name in right
        },
    }


def compare_languages(repeat: int) -> dict[str, Any]:
    """English-or-not accuracy and time per article of both language guessers."""
    import py3langid

    english = english_articles()
    others = list(OTHER_LANGUAGES.values())

    def langid(text: str) -> str:
        return str(py3langid.classify(text)[0])

    guessers: dict[str, Callable[[str], str]] = {"eventwire": detect_language, "py3langid": langid}
    langid("warm up")  # the model loads on first use: not part of the per-article time
    result: dict[str, Any] = {"english": len(english), "other": len(others)}
    for name, guess in guessers.items():
        right = sum(guess(t) == "en" for t in english) + sum(guess(t) != "en" for t in others)
        seconds = best_time(lambda g=guess: [g(t) for t in english], repeat)
        result[name] = {
            "right": right,
            "ms_per_article": 1000 * seconds / len(english),
            "wrong": [t[:40] for t in english if guess(t) != "en"]
            + [code for code, t in OTHER_LANGUAGES.items() if guess(t) == "en"],
        }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run both comparisons, print a table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    dates = compare_dates(args.repeat)
    languages = compare_languages(args.repeat)
    print(f"dates: {dates['cases']} dated gold sentences")
    for name in ("eventwire", "dateparser"):
        d = dates[name]
        print(f"  {name:10} right {d['right']:3}/{dates['cases']}  {d['ms_per_sentence']:8.3f} ms")
    total = languages["english"] + languages["other"]
    print(f"language: {languages['english']} English articles, {languages['other']} others")
    for name in ("eventwire", "py3langid"):
        d = languages[name]
        print(f"  {name:10} right {d['right']:3}/{total}  {d['ms_per_article']:8.3f} ms  "
              f"wrong: {d['wrong']}")  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"dates": dates, "language": languages}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
