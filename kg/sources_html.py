"""Read saved news pages: the main text, title, date and url of an HTML file, extracted by trafilatura.

trafilatura (imported here only, on the first HTML file) drops menus, footers and
boilerplate and reads the metadata (`<title>`/`og:title`, publication date,
canonical link). Character offsets of events are offsets into the extracted
text, not into the HTML.
"""

from __future__ import annotations

import logging
from pathlib import Path

from kg.errors import SourceError
from kg.model import Article

DATE = "%Y-%m-%d"


def read_html_article(path: Path, data: bytes) -> Article:
    """One saved HTML page as one article, its id the file name.

    Raises:
        SourceError: the page holds no extractable main text.
    """
    import trafilatura

    # trafilatura logs every page it finds empty; the caller reports that as one line of its own.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    document = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"outputformat": DATE},
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise SourceError(f"{path}: no article text found in the HTML page")
    date = getattr(document, "date", None) or None
    url = getattr(document, "url", None) or None
    title = getattr(document, "title", None) or None
    return Article(id=path.name, text=text, date=date, url=url, title=title, path=str(path))
