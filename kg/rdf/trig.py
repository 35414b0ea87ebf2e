"""A TriG writer whose bytes depend only on the dataset's content.

rdflib's own TriG serializer orders output by hash and so changes with
PYTHONHASHSEED; golden files and diffs need the same bytes every run. Here
prefixes, graphs, subjects, predicates and objects are all sorted, and every
literal and IRI is escaped, because article text is hostile data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from kg.errors import OutputError
from kg.files import atomic_write, write_bytes
from kg.rdf.namespace import PREFIXES

_INDENT = "    "
# Conservative local names: valid Turtle, and read back alike by every parser.
_SAFE_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SAFE_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_SAFE_BNODE = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_LANGUAGE = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# Characters a quoted string may not hold raw: quotes, backslash, controls and
# lone surrogates (which UTF-8 cannot encode).
_STRING_UNSAFE = re.compile('[\\\\"\x00-\x1f\x7f\ud800-\udfff]')
# Characters IRIREF forbids (plus lone surrogates), written as \u escapes.
_IRI_UNSAFE = re.compile('[\x00-\x20<>"{}|^`\\\\\x7f\ud800-\udfff]')
# One of those, as `escape_iri` writes it.
_IRI_ESCAPE = re.compile(r"\\u([0-9A-F]{4})")

_Triples = dict[Node, dict[Node, set[Node]]]
# What a TriG file may open with that every piece cut from it needs (`trig_chunks`).
_DIRECTIVE = re.compile(rb"\s*(@prefix|@base|prefix|base)\s", re.IGNORECASE)
# rdf:type, looked up once: each `RDF.type` goes through the namespace's __getattr__.
_RDF_TYPE = RDF.type


@dataclass(frozen=True)
class TrigBlock:
    """One named graph written as TriG, with the prefixes its text uses.

    A file assembled from blocks written apart (one document at a time, or kept
    from an earlier build) has exactly the bytes `dumps_trig` gives for the
    whole dataset, so a build need not hold every document's graph at once.
    """

    name: str
    text: str
    prefixes: frozenset[str]
    # A graph named by a blank node sorts after those named by IRIs (kg names every graph by an IRI).
    blank: bool = False


def graph_block(graph: Graph, prefixes: Mapping[str, str] | None = None) -> TrigBlock:
    """The named graph `graph` (its identifier is the name) as a TriG block."""
    return triples_block(graph.identifier, graph.triples((None, None, None)), prefixes)


def triples_block(
    name: Node, triples: Iterable[tuple[Node, Node, Node]], prefixes: Mapping[str, str] | None = None
) -> TrigBlock:
    """The graph named `name` of `triples` (each written once) as a TriG block: for graphs made to be
    written, never queried, which need no rdflib Graph to index them first."""
    writer = _Writer(PREFIXES if prefixes is None else prefixes)
    body = writer.triples(_subjects(triples), indent=_INDENT)
    text = f"{writer.term(name)} {{\n{body}}}\n"
    return TrigBlock(str(name), text, frozenset(writer.used), isinstance(name, BNode))


@dataclass(frozen=True)
class Statement:
    """One subject's triples as `triples_block` writes them (indented, ending with " .\n"), with the prefixes
    the text uses: kept apart, a graph's statements that did not change need not be written again."""

    text: str
    prefixes: frozenset[str]


def subject_statements(
    triples: Iterable[tuple[Node, Node, Node]], prefixes: Mapping[str, str] | None = None
) -> dict[Node, Statement]:
    """The statement of each subject of `triples` (each written once)."""
    writer = _Writer(PREFIXES if prefixes is None else prefixes)
    statements = {}
    for subject, predicates in _subjects(triples).items():
        writer.used = set()
        text = writer.triples({subject: predicates}, indent=_INDENT)
        statements[subject] = Statement(text, frozenset(writer.used))
    return statements


def statements_block(
    name: Node, statements: Mapping[Node, Statement], prefixes: Mapping[str, str] | None = None
) -> TrigBlock:
    """The graph named `name` of `statements` (subject -> its statement): `triples_block` of their triples."""
    writer = _Writer(PREFIXES if prefixes is None else prefixes)
    head = writer.term(name)
    body = "\n".join([statements[subject].text for subject in sorted(statements, key=_sort_key)])
    used = frozenset(writer.used).union(*(statement.prefixes for statement in statements.values()))
    return TrigBlock(str(name), f"{head} {{\n{body}}}\n", used, isinstance(name, BNode))


def assemble_trig(blocks: Iterable[TrigBlock], prefixes: Mapping[str, str] | None = None) -> str:
    """TriG text of named graphs: the prefixes used, then the blocks in the order of their names."""
    return "".join(trig_parts(blocks, prefixes))


def differing_statements(old: Iterable[TrigBlock], new: Iterable[TrigBlock]) -> tuple[list[TrigBlock], list[TrigBlock]]:
    """`old` and `new` (blocks of `triples_block`) cut down to the statements, one subject's triples each, that
    are not in the other's block of the same name, word for word; a block with none left is left out.

    A statement written alike in both holds the same triples, so what replacing `old` by `new` changes is
    what the cut blocks hold: with one article in 1,000 changed, a few dozen statements of kgd:facts and
    kgd:summaries, whose 34,000 triples each build writes again. Blank nodes are not named alike in two
    parses: blocks holding one are kept whole (a literal holding "_:" is too, which only costs time), as are
    blocks in another layout.
    """
    old_by_name = {block.name: block for block in old}
    new_by_name = {block.name: block for block in new}
    cut_old: list[TrigBlock] = []
    cut_new: list[TrigBlock] = []
    for name in sorted(old_by_name.keys() | new_by_name.keys()):
        before, after = old_by_name.get(name), new_by_name.get(name)
        old_layout, new_layout = _cuttable(before), _cuttable(after)
        if before is None or after is None or old_layout is None or new_layout is None:
            cut_old += [before] if before is not None else []
            cut_new += [after] if after is not None else []
            continue
        (head, written), (_, rewritten) = old_layout, new_layout
        common = set(written) & set(rewritten)
        for block, statements, cut in ((before, written, cut_old), (after, rewritten, cut_new)):
            kept = [statement for statement in statements if statement not in common]
            if kept:
                text = f"{head} {{\n" + "\n\n".join(kept) + "\n}\n"
                cut.append(TrigBlock(block.name, text, block.prefixes, block.blank))
    return cut_old, cut_new


def _cuttable(block: TrigBlock | None) -> tuple[str, list[str]] | None:
    """The statements of `block` (`block_statements`), if it holds no blank node."""
    return block_statements(block.text) if block is not None and "_:" not in block.text else None


def statement_subjects(blocks: Iterable[TrigBlock], prefixes: Mapping[str, str] | None = None) -> set[str]:
    """The IRIs of the subjects of the statements of `blocks` (from `triples_block` with `prefixes`, the
    project's by default), as written: blank nodes are left out."""
    namespaces = PREFIXES if prefixes is None else prefixes
    subjects: set[str] = set()
    for block in blocks:
        layout = block_statements(block.text)
        if layout is None:
            raise ValueError(f"{block.name}: not a block in the layout of triples_block")
        for statement in layout[1]:
            term = subject_term(statement)
            if term.startswith("<"):
                subjects.add(_IRI_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), term[1:-1]))
            elif not term.startswith("_:"):
                prefix, _, local = term.partition(":")
                subjects.add(str(namespaces[prefix]) + local)
    return subjects


def block_statements(text: str) -> tuple[str, list[str]] | None:
    """The graph name as written and the statements of a graph block in `triples_block`'s layout (each ends
    with " ." and no line break; they are apart by an empty line, which no statement holds: line breaks in
    strings are escaped); None for a text in another layout."""
    head, brace, body = text.partition(" {\n")
    if not brace or "\n" in head or not body.endswith("}\n"):
        return None
    return head, [statement.rstrip("\n") for statement in body.removesuffix("}\n").split("\n\n") if statement]


def subject_term(statement: str) -> str:
    """The subject of a statement of `block_statements`, as written."""
    return statement.lstrip().split(" ", 1)[0]


def write_trig_blocks(blocks: Iterable[TrigBlock], path: Path, prefixes: Mapping[str, str] | None = None) -> Path:
    """Write `assemble_trig(blocks)` to `path` atomically, piece by piece (never the whole text in memory).

    Raises:
        OutputError: the file cannot be written.
    """
    try:
        with atomic_write(Path(path), "wb") as handle:
            for part in trig_parts(blocks, prefixes):
                handle.write(part.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return Path(path)


def trig_parts(
    blocks: Iterable[TrigBlock], prefixes: Mapping[str, str] | None = None, default: TrigBlock | None = None
) -> Iterator[str]:
    """The pieces of `assemble_trig`'s text, in order: the prefixes used, the default graph's triples
    (`default`, unindented, outside braces) if any, then the named graphs by name."""
    ordered = ([default] if default else []) + sorted(blocks, key=lambda block: (block.blank, block.name))
    namespaces = PREFIXES if prefixes is None else prefixes
    used = sorted({p for block in ordered for p in block.prefixes})
    header = "".join(f"@prefix {p}: <{escape_iri(namespaces[p])}> .\n" for p in used)
    parts = iter(([header] if header else []) + [block.text for block in ordered])
    first = next(parts, None)
    if first is not None:
        yield first
    for part in parts:
        yield "\n"
        yield part


def dumps_trig(dataset: Graph, prefixes: Mapping[str, str] | None = None) -> str:
    """The dataset as TriG text, identical for identical content.

    Args:
        dataset: a Dataset (named graphs kept) or a plain Graph (written as
            the default graph).
        prefixes: prefix -> namespace to abbreviate IRIs with; the project's
            prefixes by default. Only the prefixes used are declared.
    """
    if isinstance(dataset, Dataset):
        graphs = list(dataset.graphs())
        named = [g for g in graphs if g.identifier != DATASET_DEFAULT_GRAPH_ID]
        defaults = [g for g in graphs if g.identifier == DATASET_DEFAULT_GRAPH_ID]
    else:
        named, defaults = [], [dataset]
    default = None
    for graph in defaults:
        if len(graph):
            writer = _Writer(PREFIXES if prefixes is None else prefixes)
            text = writer.triples(_subjects(graph.triples((None, None, None))), indent="")
            default = TrigBlock("", text, frozenset(writer.used))
    return "".join(trig_parts([graph_block(g, prefixes) for g in named if len(g)], prefixes, default))


def write_trig(dataset: Graph, path: str | Path, prefixes: Mapping[str, str] | None = None) -> Path:
    """Write `dumps_trig(dataset)` to `path` atomically (temp file in the same folder, then rename).

    Raises:
        OutputError: the file cannot be written.
    """
    return write_bytes(Path(path), dumps_trig(dataset, prefixes).encode("utf-8"))


def _subjects(triples: Iterable[tuple[Node, Node, Node]]) -> _Triples:
    """subject -> predicate -> objects of one graph's triples."""
    subjects: _Triples = {}
    for s, p, o in triples:
        subjects.setdefault(s, {}).setdefault(p, set()).add(o)
    return subjects


def _sort_key(term: Node | None) -> tuple[int, str, str, str]:
    if isinstance(term, Literal):
        return (2, str(term), str(term.datatype or ""), term.language or "")
    if isinstance(term, BNode):
        return (1, str(term), "", "")
    return (0, str(term), "", "")


def _predicate_key(term: Node) -> tuple[int, str]:
    return (0 if term == _RDF_TYPE else 1, str(term))


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _STRING_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _escape_string(text: str) -> str:
    return _STRING_UNSAFE.sub(_escape_char, text)


def escape_iri(iri: str) -> str:
    """`iri` with what an IRIREF may not hold raw (spaces, controls, angle brackets, quotes, braces, pipe,
    caret, backtick, backslash, lone surrogates) written as `\\u` escapes, which Turtle, TriG and SPARQL all
    read back."""
    return _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04X}", iri)


class _Writer:
    """Renders terms, remembering which prefixes were used."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = {p: ns for p, ns in prefixes.items() if _SAFE_PREFIX.fullmatch(p) and ns}
        # Longest namespace first, so the most specific prefix wins; then by name.
        self._order = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.used: set[str] = set()
        # IRI -> its text and the prefix it uses: a graph names the same classes, predicates and actors again
        # and again, and trying every namespace on each was a quarter of writing kgd:facts and kgd:summaries.
        self._iris: dict[str, tuple[str, str | None]] = {}

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, BNode):
            label = str(term)
            if not _SAFE_BNODE.fullmatch(label):
                label = "x" + hashlib.sha1(label.encode("utf-8", "surrogatepass")).hexdigest()
            return "_:" + label
        if isinstance(term, Literal):
            return self.literal(term)
        raise ValueError(f"cannot write {term!r} in TriG")

    def iri(self, iri: str) -> str:
        found = self._iris.get(iri)
        if found is None:
            found = self._iris[iri] = self._abbreviate(iri)
        text, prefix = found
        if prefix is not None:
            self.used.add(prefix)
        return text

    def _abbreviate(self, iri: str) -> tuple[str, str | None]:
        for prefix, namespace in self._order:
            if iri.startswith(namespace) and _SAFE_LOCAL.fullmatch(iri[len(namespace) :]):
                return f"{prefix}:{iri[len(namespace) :]}", prefix
        return f"<{escape_iri(iri)}>", None

    def literal(self, literal: Literal) -> str:
        text = f'"{_escape_string(str(literal))}"'
        if literal.language:
            if not _LANGUAGE.fullmatch(literal.language):
                raise ValueError(f"invalid language tag {literal.language!r}")
            return f"{text}@{literal.language}"
        if literal.datatype is not None:
            return f"{text}^^{self.iri(str(literal.datatype))}"
        return text

    def triples(self, subjects: _Triples, indent: str) -> str:
        lines = []
        for subject in sorted(subjects, key=_sort_key):
            predicates = subjects[subject]
            parts = []
            for predicate in sorted(predicates, key=_predicate_key):
                verb = "a" if predicate == _RDF_TYPE else self.term(predicate)
                objects = " , ".join(self.term(o) for o in sorted(predicates[predicate], key=_sort_key))
                parts.append(f"{verb} {objects}")
            body = f" ;\n{indent}{_INDENT}".join(parts)
            lines.append(f"{indent}{self.term(subject)} {body} .\n")
        return "\n".join(lines)


def trig_chunks(path: Path, size: int) -> Iterator[bytes | None]:
    """A TriG file written here as pieces of about `size` bytes (0: one graph each), each its prefixes and
    whole graphs.

    For what reads graph.trig a piece at a time: Oxigraph's bulk loader holds up to a million quads per
    thread in memory (loading 10,000 articles' graph.trig at once took 1.3 GB, in pieces 0.3 GB), and the
    RDF exports are made graph by graph (`kg.export.rdf`). A file with long strings (not written by kg)
    yields None: load it whole.
    """
    chunk: list[bytes] = []
    length = 0
    header = b""
    for graph in trig_graphs(path):
        if graph is None:
            yield None
            return
        if chunk and graph[0] != header:
            # A directive between graphs (not in kg's files) may rebind a prefix: the graphs before go first.
            yield header + b"".join(chunk)
            chunk, length = [], 0
        header, text = graph
        if not text:
            continue
        chunk.append(text)
        length += len(text)
        if length >= size:
            yield header + b"".join(chunk)
            chunk, length = [], 0
    if chunk or not header:
        yield header + b"".join(chunk)


def trig_graphs(path: Path, block: int = 1 << 22) -> Iterator[tuple[bytes, bytes] | None]:
    """Each graph block of a TriG file written here, with the directives (prefixes, base) read before it;
    None alone when the file has long strings, which may span lines.

    A graph block of kg.rdf.trig ends with a line holding only "}", and no string spans lines (line breaks
    are escaped), so cutting there is safe. Empty lines and directives before a block are not part of it.
    The file is read by blocks of `block` bytes and cut with `bytes.find`: going through its lines in Python
    took longer than the export of the graphs that did not change. A last item with no text gives the
    directives after the last block.
    """
    with Path(path).open("rb") as handle:
        if _has_long_string(handle):
            yield None
            return
        handle.seek(0)
        header = b""
        rest = b""
        while True:
            data = handle.read(block)
            text = rest + data if rest else data
            # A graph longer than a block is searched from where the last search stopped, not from its start.
            start, search = 0, max(len(rest) - 2, 0)
            while (end := text.find(b"\n}\n", search)) >= 0:
                header, graph = _directives_off(header, text[start : end + 3])
                yield header, graph
                start = search = end + 3
            rest = text[start:]
            if not data:
                break
        header, graph = _directives_off(header, rest)
        if graph or header:
            yield header, graph


def _directives_off(header: bytes, text: bytes) -> tuple[bytes, bytes]:
    """`header` with the directives that open `text`, and `text` without them or the empty lines around them."""
    while text:
        line_end = text.find(b"\n") + 1 or len(text)
        line = text[:line_end]
        if line.strip():
            if not _DIRECTIVE.match(line):
                break
            header += line
        text = text[line_end:]
    return header, text


def _has_long_string(handle: IO[bytes], block: int = 1 << 20) -> bool:
    """Whether the file holds a triple quote (a long string may span lines), read by blocks overlapping by two
    bytes, so a quote cut between two blocks is still seen."""
    tail = b""
    while data := handle.read(block):
        data = tail + data
        if b'"""' in data or b"'''" in data:
            return True
        tail = data[-2:]
    return False
