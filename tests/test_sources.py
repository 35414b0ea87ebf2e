"""Reading articles: formats, offsets, and every kind of unreadable input."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.sources import read_sources


def _read(paths: list[Path]) -> tuple[list, list[str]]:
    problems: list[str] = []
    articles = list(read_sources(paths, on_error=lambda e: problems.append(e.message)))
    return articles, problems


def test_sources_txt_date_header_is_blanked_keeping_offsets(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text(" date 2023-02 La France a livré des chars.", encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == []
    assert article.id == "a.txt" and article.date == "2023-02"
    assert article.text.strip() == "La France a livré des chars."
    assert article.text.index("La France") == path.read_text(encoding="utf-8").index("La France")


def test_sources_jsonl_reads_good_lines_and_reports_bad_ones(tmp_path: Path):
    path = tmp_path / "b.jsonl"
    path.write_text(
        '{"id": "x1", "text": "Un texte.", "date": "2024-05", "url": "http://example.org/x"}\n'
        "{not json\n"
        '{"id": "x2"}\n'
        '{"id": "x3", "text": "Un autre."}\n',
        encoding="utf-8",
    )
    articles, problems = _read([path])
    assert [a.id for a in articles] == ["x1", "x3"]
    assert articles[0].url == "http://example.org/x"
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:2: malformed JSON")
    assert problems[1].startswith(f"{path}:3: missing or empty 'text'")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("latin1.txt", "La défense antiaérienne".encode("latin-1"), "not UTF-8"),
        ("other.pdf", b"%PDF-1.4", "unsupported file type"),
    ],
)
def test_sources_unreadable_file_is_one_line_naming_it(tmp_path: Path, name: str, content: bytes, problem: str):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("Un texte lisible.", encoding="utf-8")
    articles, problems = _read([bad, good])
    assert [a.id for a in articles] == ["good.txt"]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith(str(bad)) and problem in problems[0]


def test_sources_folder_is_read_recursively_in_sorted_order(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.txt", "sub/c.txt"):
        (tmp_path / name).write_text("Texte.", encoding="utf-8")
    articles, problems = _read([tmp_path])
    assert [a.id for a in articles] == ["a.txt", "b.txt", "c.txt"] and problems == []


def test_sources_missing_path_raises_by_default(tmp_path: Path):
    with pytest.raises(SourceError, match="no such file"):
        list(read_sources([tmp_path / "nope.txt"]))


PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Livraisons d'armes | Le Quotidien</title>
<link rel="canonical" href="https://example.org/monde/2024/03/livraisons">
<meta property="article:published_time" content="2024-03-05T08:00:00+01:00">
</head><body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>La Pologne livre des chars</h1>
<p>La Pologne a livré des chars à l'Ukraine au début du mois, a annoncé le ministère de la Défense à Varsovie.</p>
<p>Selon le ministre, d'autres véhicules blindés suivront dans les prochaines semaines si la situation le permet.</p>
</article><footer>Tous droits réservés. Mentions légales.</footer></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML"])
def test_sources_html_page_gives_main_text_title_date_and_url(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text(PAGE, encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == []
    assert article.id == name
    assert "La Pologne a livré des chars à l'Ukraine" in article.text
    assert "Mentions légales" not in article.text and "Accueil" not in article.text
    assert article.title == "La Pologne livre des chars"
    assert article.date == "2024-03-05"
    assert article.url == "https://example.org/monde/2024/03/livraisons"


def test_sources_html_charset_declared_in_the_page_is_honoured(tmp_path: Path):
    path = tmp_path / "ancien.html"
    path.write_bytes(PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("latin-1"))
    (article,), problems = _read([path])
    assert problems == [] and "ministère de la Défense" in article.text


def test_sources_html_without_text_is_one_line_and_the_rest_goes_on(tmp_path: Path):
    empty_page = tmp_path / "vide.html"
    empty_page.write_text(
        '<html><head><title>Appli</title></head><body><div id="app"></div><script>start()</script></body></html>',
        encoding="utf-8",
    )
    (tmp_path / "image.htm").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)))
    (tmp_path / "bon.html").write_text(PAGE, encoding="utf-8")
    articles, problems = _read([tmp_path])
    assert [a.id for a in articles] == ["bon.html"]
    assert problems == [
        f"{tmp_path / 'image.htm'}: no article text found in the HTML page",
        f"{empty_page}: no article text found in the HTML page",
    ]


def test_sources_folder_skips_the_assets_a_browser_saves_beside_a_page(tmp_path: Path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "pub.htm").write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    articles, problems = _read([tmp_path])
    assert [a.id for a in articles] == ["page.html"] and problems == []


def test_sources_jsonl_gz_is_streamed_and_reports_bad_lines_by_number(tmp_path: Path):
    import gzip

    path = tmp_path / "corpus.jsonl.gz"
    lines = [
        '{"id": "g1", "text": "La France a livré des obus.", "date": "2023-11-02"}',
        "{pas du json",
        '{"id": "g2", "text": "L\'Iran a fourni des drones."}',
    ]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    articles, problems = _read([path])
    assert [(a.id, a.date) for a in articles] == [("g1", "2023-11-02"), ("g2", None)]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:2: malformed JSON")


def test_sources_txt_gz_keeps_the_header_date_and_drops_gz_from_the_id(tmp_path: Path):
    import gzip

    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(" date 2022-05 La France a livré des canons.".encode()))
    (article,), problems = _read([path])
    assert problems == [] and article.id == "a.txt" and article.date == "2022-05"


def test_sources_corrupt_gzip_is_one_line_and_nothing_from_it(tmp_path: Path):
    import gzip

    good = "".join(f'{{"id": "d{i}", "text": "Phrase numéro {i} sur les obus livrés."}}\n' for i in range(2000))
    truncated = tmp_path / "coupe.jsonl.gz"
    truncated.write_bytes(gzip.compress(good.encode("utf-8"), compresslevel=1)[:-200])
    not_gzip = tmp_path / "faux.jsonl.gz"
    not_gzip.write_bytes(b'{"id": "x", "text": "Pas compress\xc3\xa9."}\n')
    articles, problems = _read([truncated, not_gzip])
    assert articles == []  # its checksum is verified before any line is used (issue 25)
    assert len(problems) == 2
    assert problems[0].startswith(f"{truncated}:") and "corrupt gzip" in problems[0]
    assert problems[1] == f"{not_gzip}: not a gzip file"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_sources_text_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str):
    path = tmp_path / "bom.txt"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + " date 2024-01 La défense antiaérienne.".encode(encoding))
    (article,), problems = _read([path])
    assert problems == [] and article.date == "2024-01"
    assert article.text.strip() == "La défense antiaérienne."


def test_sources_utf16_jsonl_is_decoded(tmp_path: Path):
    path = tmp_path / "u.jsonl"
    path.write_bytes('{"id": "u1", "text": "Des obus livrés à Kiev."}\r\n'.encode("utf-16"))
    (article,), problems = _read([path])
    assert problems == [] and article.text == "Des obus livrés à Kiev."


def test_sources_jsonl_line_separator_inside_a_string_does_not_split_the_line(tmp_path: Path):
    path = tmp_path / "sep.jsonl"
    path.write_text('{"id": "s1", "text": "Premier\u2028second\u0085troisième."}\n', encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == []
    assert article.text == "Premier\nsecond\ntroisième."


def test_sources_control_characters_become_spaces_keeping_offsets(tmp_path: Path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"id": "c1", "text": "La\\u0007 France\\u000c a livré\\u001b des \\ud800obus.\\u007f"}\n', encoding="utf-8"
    )
    (article,), problems = _read([path])
    assert problems == []
    assert article.text == "La  France\n a livré  des \ufffdobus. "


def test_sources_long_line_is_broken_at_sentence_ends_keeping_offsets(tmp_path: Path):
    from kg.sources import LINE_LIMIT

    sentence = "La France a livré des chars Leclerc à l'Ukraine. "
    original = sentence * (3 * LINE_LIMIT // len(sentence))
    path = tmp_path / "long.txt"
    path.write_text(original, encoding="utf-8")
    (article,), problems = _read([path])
    assert problems == [] and len(article.text) == len(original)
    lines = article.text.split("\n")
    assert len(lines) >= 3 and max(map(len, lines)) <= LINE_LIMIT
    assert all(line.endswith(".") for line in lines[:-1])
    assert article.text.replace("\n", " ") == original


def test_sources_run_without_any_space_is_refused_as_not_prose(tmp_path: Path):
    from kg.sources import MAX_WORD

    blob = tmp_path / "blob.txt"
    blob.write_text("Texte. " + "A" * (MAX_WORD + 1), encoding="utf-8")
    articles, problems = _read([blob])
    assert articles == [] and problems == [f"{blob}: {MAX_WORD + 1} characters without a space at offset 7: not prose"]
