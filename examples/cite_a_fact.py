"""Cite a fact: which measures rest on the Tijdelijke wet bestuurlijke maatregelen
terrorismebestrijding, and the verbatim passage and document each rests on.

Run: .venv/bin/python examples/cite_a_fact.py
"""

import ncts_graph

QUERY = """
SELECT ?label ?lawLabel ?docTitle ?file ?exact WHERE {
  ?measure a ncts:Measure ; rdfs:label ?label ; ?basis ?law ; ncts:evidence ?q .
  ?basis rdfs:subPropertyOf ncts:legalBasis .
  VALUES ?law { law:twbmt }
  ?law rdfs:label ?lawLabel .
  ?q oa:hasSource ?doc ; oa:hasSelector/oa:exact ?exact .
  ?doc dcterms:title ?docTitle ; ncts:sourceFile ?file .
  FILTER(LANG(?label) = "en" && LANG(?lawLabel) = "nl")
}
ORDER BY ?label
"""

graph = ncts_graph.load()
for row in ncts_graph.select(graph, QUERY):
    print(f"{row['label']} ({row['lawLabel']})")
    print(f"  \u201c{row['exact']}\u201d")
    print(f"  \u2014 {row['docTitle']} [{row['file']}]")
