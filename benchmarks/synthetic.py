"""A synthetic graph of many measures for the benchmarks and the HTML scale test (tests import it from here):
the bundled graph plus N generated measures that reuse its partners, laws, threats and
pillars, shaped like curated ones (labels nl/en, pillar, threat, two involvements with
roles, a legal basis, a quote). Deterministic for a given N."""

from __future__ import annotations


def synthetic(n_measures: int, base=None):
    """The bundled graph (or ``base``) plus ``n_measures`` generated measures in graph <…/graph/synthetic>."""
    import random

    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from ncts_graph.load import GRAPH_BASE, load
    from ncts_graph.namespaces import BASE, NCTS, PREFIXES
    from ncts_graph.sparql import select

    ds = base if base is not None else load()
    pick = lambda q: [r["x"] for r in select(ds, q)]  # noqa: E731
    partners = pick("SELECT ?x WHERE { ?x a ncts:Partner } ORDER BY ?x")
    laws = pick("SELECT ?x WHERE { ?x a/rdfs:subClassOf* ncts:LegalBasis } ORDER BY ?x")
    threats = pick("SELECT ?x WHERE { ?x a ncts:Threat } ORDER BY ?x")
    pillars = pick("SELECT ?x WHERE { ?x a ncts:Pillar ; ncts:strategy strategy:ncts-2022-2026 } ORDER BY ?x")
    roles = [URIRef(PREFIXES["role"] + r) for r in ("lead", "coordinating", "contributing")]
    src = URIRef(PREFIXES["src"] + "ncts-2022-2026")
    strategy = URIRef(PREFIXES["strategy"] + "ncts-2022-2026")
    n = lambda local: URIRef(NCTS + local)  # noqa: E731
    oa = "http://www.w3.org/ns/oa#"
    rng = random.Random(n_measures)
    g = ds.graph(URIRef(GRAPH_BASE + "synthetic"))
    quads = []
    for i in range(n_measures):
        m = URIRef(f"{BASE}measure/synthetic-{i:06d}")
        add = lambda s, p, o: quads.append((s, p, o, g))  # noqa: E731
        add(m, RDF.type, n("Measure"))
        add(m, RDFS.label, Literal(f"Synthetische maatregel {i}", lang="nl"))
        add(m, RDFS.label, Literal(f"Synthetic measure {i}", lang="en"))
        add(m, n("strategy"), strategy)
        add(m, n("pillar"), rng.choice(pillars))
        add(m, n("addressesThreat"), rng.choice(threats))
        add(m, n("statedLegalBasis"), rng.choice(laws))
        for partner in rng.sample(partners, 2):
            inv = BNode()
            add(m, n("involvement"), inv)
            add(inv, RDF.type, n("PartnerInvolvement"))
            add(inv, n("partner"), partner)
            add(inv, n("role"), rng.choice(roles))
        q, sel = BNode(), BNode()
        add(m, n("evidence"), q)
        add(q, RDF.type, n("Quote"))
        add(q, URIRef(oa + "hasSource"), src)
        add(q, URIRef(oa + "hasSelector"), sel)
        add(sel, URIRef(oa + "exact"), Literal(f"Synthetisch citaat {i}.", lang="nl"))
    g.addN(quads)
    return ds
