"""``ncts export``: a view of the graph in the format a tool opens (Gephi, yEd, Cytoscape, d3,
Graphviz, a browser, a paper, an RDF store), written atomically.

Network formats are written from :func:`ncts_graph.views.to_networkx`; RDF formats from the
view's CONSTRUCT, or the whole graph with ``view="graph"`` (as ``ncts build`` writes it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..build import atomic_write
from ..errors import NctsError
from .style import DEFAULT_COLOUR, TYPE_COLOURS, colour  # noqa: F401  (the export's public names)

#: format -> (file extension, what opens it)
NETWORK_FORMATS = {
    "graphml": (".graphml", "Gephi, yEd, Cytoscape desktop, networkx"),
    "gexf": (".gexf", "Gephi, networkx"),
    "cytoscape": (".cyjs", "Cytoscape.js / Cytoscape desktop (JSON)"),
    "nodelink": (".json", "d3.js force layouts, networkx node_link_graph"),
    "dot": (".dot", "Graphviz (dot, neato, sfdp), Gephi"),
    "html": (".html", "any web browser, offline"),
    "svg": (".svg", "a figure for a paper (vector)"),
    "png": (".png", "a figure for a paper (raster, 200 dpi)"),
}
RDF_FORMATS = {"ttl": (".ttl", "turtle"), "nt": (".nt", "nt"), "trig": (".trig", "trig"), "jsonld": (".jsonld", "json-ld")}
#: every quote as W3C Web Annotations (ncts_graph.annotations, shared with the /sources pages); the view does not apply
OTHER_FORMATS = {"annotations": (".jsonld", "W3C Web Annotation tools (JSON-LD)")}
FORMATS = [*NETWORK_FORMATS, *RDF_FORMATS, *OTHER_FORMATS]
WHOLE_GRAPH = "graph"  # pseudo-view for RDF formats: ontology + data, one named graph per file

def default_output(view: str, fmt: str) -> Path:
    ext = {**NETWORK_FORMATS, **RDF_FORMATS, **OTHER_FORMATS}[fmt][0]
    return Path(f"ncts-{fmt if fmt in OTHER_FORMATS else view}{ext}")  # ncts-annotations.jsonld


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NctsError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")


def export(graph, view: str, fmt: str, output: Path | None = None, lang: str = "nl",
           provenance: str = "stated") -> Path:
    """Write ``view`` of ``graph`` as ``fmt`` to ``output`` (default ncts-VIEW.EXT), atomically.
    ``provenance``: the partner involvements in the view (stated by the sources, curator, all)."""
    from ..views import _check_lang, _check_provenance, get_view

    check_format(fmt)
    _check_lang(lang)
    _check_provenance(provenance)
    if view == WHOLE_GRAPH:
        if fmt not in RDF_FORMATS:
            raise NctsError(f"view {WHOLE_GRAPH!r} (the whole RDF graph) is only for the RDF formats "
                            f"({', '.join(RDF_FORMATS)}); for {fmt} choose a network view")
    else:
        get_view(view)  # unknown view: one-line error before any work
    output = Path(output) if output is not None else default_output(view, fmt)
    _check_writable(output)
    if fmt == "annotations":
        from ..annotations import write_annotations

        return write_annotations(graph, output)
    if fmt in RDF_FORMATS:
        write_rdf(graph, view, fmt, output, provenance)
        return output
    write_view(prepare(graph, view, fmt, lang, provenance), fmt, output)
    return output


def prepare(graph, view: str, fmt: str, lang: str, provenance: str = "stated"):
    """What a format is written from: the page data for html, else the view's networkx graph."""
    if fmt == "html":
        from ..views import ViewData

        return ViewData(graph, view, lang, provenance)
    return network(graph, view, lang, provenance)


def write_view(prepared, fmt: str, output: Path) -> None:
    """Write a prepared view (see :func:`prepare`) as ``fmt``, atomically."""
    g = prepared
    if fmt == "html":
        from .html import write_html

        atomic_write(output, lambda tmp: write_html(prepared, tmp))
    elif fmt == "graphml":
        atomic_write(output, lambda tmp: write_graphml(g, tmp))
    elif fmt == "gexf":
        atomic_write(output, lambda tmp: write_gexf(g, tmp))
    elif fmt in ("cytoscape", "nodelink"):
        atomic_write(output, lambda tmp: tmp.write_text(json.dumps(
            cytoscape_json(g) if fmt == "cytoscape" else nodelink_json(g), ensure_ascii=False), encoding="utf-8"))
    elif fmt == "dot":
        atomic_write(output, lambda tmp: tmp.write_text(to_dot(g), encoding="utf-8"))
    else:  # svg, png
        from .figure import draw_view

        atomic_write(output, lambda tmp: draw_view(g, tmp, fmt))


def network(graph, view: str, lang: str, provenance: str = "stated"):
    from ..views import to_networkx

    return to_networkx(view, lang=lang, graph=graph, provenance=provenance)


def _check_writable(output: Path) -> None:
    """Fail early, in one line, on a path that cannot be written (before minutes of work)."""
    import os

    directory = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        raise NctsError(f"{output}: is a directory")
    if not directory.is_dir():
        raise NctsError(f"{output}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK):
        raise NctsError(f"{output}: cannot write (directory {directory} is not writable)")


# --- network formats -----------------------------------------------------------------------

_NMTOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")


def with_xml_ids(g):
    """A copy of ``g`` whose node ids are XML NMTOKENs (the CURIE where it is one, else n0, n1, ...)
    with the IRI kept as the node attribute ``iri``, and whose multigraph edge keys are unique
    (e0, e1, ...; the predicate stays in ``predicate``): GraphML's schema takes neither IRIs as ids
    nor a repeated edge id, and GEXF readers key edges by id."""
    import networkx as nx

    ids, used = {}, set()
    for i, (n, d) in enumerate(g.nodes(data=True)):
        curie = str(d.get("curie", ""))
        ids[n] = curie if _NMTOKEN.match(curie) and curie not in used else f"n{i}"
        used.add(ids[n])
    h = g.__class__()
    h.graph.update({k: v for k, v in g.graph.items() if isinstance(v, (str, int, float, bool))})  # XML takes scalars
    h.add_nodes_from((ids[n], {**d, "iri": str(n)}) for n, d in g.nodes(data=True))
    if g.is_multigraph():
        h.add_edges_from((ids[u], ids[v], f"e{i}", dict(d)) for i, (u, v, d) in enumerate(g.edges(data=True)))
    else:
        h.add_edges_from((ids[u], ids[v], dict(d)) for u, v, d in g.edges(data=True))
    return h


def write_graphml(g, path: Path) -> None:
    """GraphML valid against graphml.xsd: NMTOKEN ids (see :func:`with_xml_ids`), unique edge ids,
    one <key> per attribute name and domain (ids d0, d1, ...; the name is in attr.name)."""
    import networkx as nx

    nx.write_graphml(with_xml_ids(g), str(path), encoding="utf-8", named_key_ids=False)


def write_gexf(g, path: Path) -> None:
    """GEXF 1.2 (the 1.2draft namespace networkx and Gephi read) valid against its schema: the same
    ids as the GraphML export (:func:`with_xml_ids`), the view's title in <meta><description>
    rather than a ``name`` on <graph> (the schema has none). No viz:color: the official XSD
    declares color/position/size in the GEXF namespace, so it rejects the viz elements Gephi
    writes; colour by the ``type`` attribute in Gephi instead (Appearance, Partition)."""
    from xml.etree.ElementTree import SubElement

    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", version="1.2draft")
    writer.add_graph(with_xml_ids(g))
    writer.xml.find("graph").attrib.pop("name", None)
    if g.graph.get("title"):
        SubElement(writer.xml.find("meta"), "description").text = str(g.graph["title"])
    with open(path, "wb") as fh:
        writer.write(fh)


def cytoscape_json(g) -> dict:
    """Cytoscape.js elements JSON (networkx's cytoscape_data; read back with cytoscape_graph)."""
    import networkx as nx

    data = nx.cytoscape_data(g, name="name", ident="id")
    for node in data["elements"]["nodes"]:
        node["data"]["name"] = node["data"].get("label", node["data"]["name"])
    return data


def nodelink_json(g) -> dict:
    """d3-style node-link JSON ({"nodes": [...], "links": [...]})."""
    import networkx as nx

    return nx.node_link_data(g, edges="links")


def _dot_id(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(g) -> str:
    """Graphviz DOT text: labels, colours by type, every attribute kept (dot ignores unknown ones)."""
    kind, arrow = ("digraph", "->") if g.is_directed() else ("graph", "--")
    lines = [f"{kind} {_dot_id(g.graph.get('name', 'ncts'))} {{",
             f"  graph [label={_dot_id(g.graph.get('title', ''))}, overlap=false, splines=true, fontname=\"Helvetica\"];",
             "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, fontcolor=\"white\"];",
             "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#888888\"];"]
    for n, d in g.nodes(data=True):
        attrs = {**d, "fillcolor": colour(d.get("type", "")), "tooltip": d.get("curie", n)}
        lines.append(f"  {_dot_id(n)} [" + ", ".join(f"{k}={_dot_id(v)}" for k, v in attrs.items()) + "];")
    edges = g.edges(data=True, keys=True) if g.is_multigraph() else ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, _key, d in edges:
        attrs = dict(d)
        if not g.is_directed():
            attrs["penwidth"] = str(min(1 + d.get("weight", 1), 8))
        lines.append(f"  {_dot_id(u)} {arrow} {_dot_id(v)} [" + ", ".join(f"{k}={_dot_id(x)}" for k, x in attrs.items()) + "];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- RDF formats ---------------------------------------------------------------------------

def write_rdf(graph, view: str, fmt: str, output: Path, provenance: str = "stated") -> None:
    """The whole graph (view ``graph``: as ``ncts build``) or a view's CONSTRUCT; TriG puts the
    view in a named graph called after it."""
    from ..views import VIEW_NS, view_rdf

    rdf_format = RDF_FORMATS[fmt][1]
    if view == WHOLE_GRAPH:
        from ..build import union_graph

        g = union_graph(graph)
        target = graph if fmt == "trig" and hasattr(graph, "graphs") else g
    else:
        g = view_rdf(graph, view, provenance)
        target = g
        if fmt == "trig":
            from rdflib import Dataset, URIRef

            target = Dataset()
            for p, ns in g.namespaces():
                target.bind(p, ns, override=True)
            named = target.graph(URIRef(VIEW_NS.rstrip("#") + "/" + view))
            named.addN((s, p, o, named) for s, p, o in g)
    from ..namespaces import PREFIXES

    kwargs = {"context": {**PREFIXES, "nv": VIEW_NS}} if fmt == "jsonld" else {}
    atomic_write(output, lambda tmp: target.serialize(destination=str(tmp), format=rdf_format, encoding="utf-8", **kwargs))
