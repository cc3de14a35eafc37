"""The ``ncts`` command: a thin layer over the Python API, one subcommand per verb.

Heavy libraries (rdflib, owlready2) are imported inside the commands, so
``ncts --help`` starts instantly. Every user error is one line and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_friendly import friendly as _friendly
from .errors import EXIT_FAIL


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ncts-graph")
def main():
    """ncts-graph: a sourced knowledge graph of the Dutch National Counterterrorism Strategy 2022-2026."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--sources", type=click.Path(path_type=Path), default=None,
              help="Folder of source texts (default: $NCTS_SOURCES or ../shared/sources).")
@click.option("--anchor", is_flag=True,
              help="Compute each quote's oa:TextPositionSelector and oa:prefix/oa:suffix from the source "
                   "texts and write them into the files (default: the bundled data/*.ttl).")
@_friendly
def quotes(files, sources, anchor):
    """Check that every quote occurs verbatim in its source document, and its stored position too.

    Without FILES, checks the whole bundled graph; with FILES, only the quotes in
    those files (source documents are looked up in the bundled data/sources.ttl).
    Exit 1: a quote is not verbatim; 3: all are, but a stored position does not fit.
    """
    from . import paths, terms
    from .errors import EXIT_ANCHOR
    from .load import load
    from .quotes import check_files, check_quotes

    if anchor:
        from .anchors import anchor_bundled, anchor_files

        reports = anchor_files(files, sources or paths.sources_dir()) if files else \
            anchor_bundled(sources or paths.sources_dir())
        for r in reports:
            for line in r.problems:
                click.echo(line)
        failed = any(r.problems for r in reports)
        click.echo(f"{sum(r.quotes for r in reports)} quotes anchored in {len(reports)} files, "
                   f"{sum(r.changed for r in reports)} changed, "
                   f"{sum(len(r.problems) for r in reports)} left as they were", err=failed)
        sys.exit(EXIT_FAIL if failed else 0)

    def verdict(problems):
        return EXIT_FAIL if any(p.kind == "verbatim" for p in problems) else EXIT_ANCHOR if problems else 0

    if not files:
        count, problems = check_quotes(load(), sources or paths.sources_dir(), require_anchors=True)
        for problem in problems:
            click.echo(str(problem))
        bad = sum(p.kind == "verbatim" for p in problems)
        click.echo(f"{count} quotes checked in the bundled graph, {bad} not verbatim, "
                   f"{len(problems) - bad} with a wrong or missing position", err=bool(problems))
        sys.exit(verdict(problems))
    per_file, problems, unknown, graph = check_files(files, sources or paths.sources_dir())
    for problem in problems:
        click.echo(str(problem))
    from rdflib import URIRef

    from .locate import Locator

    locator, prefixes = Locator(graph, "en"), terms.declared_prefixes(files)
    for u in unknown:
        where = locator.where_used(u.subject, URIRef(u.iri))
        click.echo(f"{where.file}:{where.line or '?'}: unknown term: {u.messages(prefixes)['en']}")
    empty = [f for f, n in per_file.items() if not n]
    for f in empty:
        click.echo(f"{f}: no quotes to check (a quote is [ a ncts:Quote ; oa:hasSource src:... ; "
                   "oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact \"...\"@nl ] ])")
    checked = ", ".join(f"{n} in {f}" for f, n in per_file.items())
    failed = bool(problems or unknown or empty)
    bad = sum(p.kind == "verbatim" for p in problems)
    wrong = f", {len(problems) - bad} with a wrong position" if len(problems) > bad else ""
    click.echo(f"quotes checked: {checked}; {bad} not verbatim{wrong}, {len(unknown)} unknown terms", err=failed)
    if failed:
        sys.exit(EXIT_FAIL if bad or unknown or empty else EXIT_ANCHOR)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Language of labels.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def info(fmt, lang, files):
    """Counts per class, per pillar and per source document; namespaces.

    FILES are added to the bundled graph (e.g. your own measures).
    """
    import json

    from .info import info as compute, render_text
    from .load import load

    data = compute(load(files), lang=lang)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        render_text(data, Console())


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; the format follows the extension: .ttl .nt .trig .nq .jsonld")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def build(output, files):
    """Write the merged graph (ontology + data [+ FILES]) to OUTPUT, atomically."""
    from .build import build as write
    from .load import load

    graph = load(files)
    write(graph, output)
    click.echo(f"wrote {len(graph)} triples to {output}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Embedded SPARQL engine.")
@click.option("--all", "report_all", is_flag=True,
              help="With FILES: also report findings about the bundled data (curation-only checks never apply to FILES).")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def check(fmt, fail_on, engine, report_all, files):
    """Run the hygiene checks (queries/hygiene/*.rq) on the graph [+ FILES].

    With FILES, only findings about nodes FILES define are reported (unless --all), and a
    file that defines nothing to check, or uses an unknown project term, is an error.
    """
    import json

    from .hygiene import check as run, summary
    from .load import load
    from .terms import user_files

    graph = load(user_files(files))  # a bundled file given again would duplicate its blank nodes
    findings = run(graph, engine=engine, files=files, everything=report_all)
    if fmt == "json":
        click.echo(json.dumps([{"check": f.check, "severity": f.severity, "message": f.message,
                                "rows": [{k: (str(v) if v is not None else None) for k, v in r.items()} for r in f.rows]}
                               for f in findings], indent=2, ensure_ascii=False))
    else:
        for f in findings:
            for line in f.lines():
                click.echo(line)
        click.echo(summary(graph, findings, files))
    failing = {"error"} if fail_on == "error" else {"error", "warning"}
    if any(f.severity in failing for f in findings):
        sys.exit(EXIT_FAIL)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--shapes", "extra_shapes", multiple=True, type=click.Path(path_type=Path),
              help="Extra shapes file or folder of .ttl files (repeatable).")
@click.option("--no-bundled-shapes", is_flag=True, help="Use only the --shapes given, replacing the bundled shapes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True,
              help="ttl is the standard SHACL validation report graph.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of messages and labels.")
@click.option("--as-of", default=None, metavar="DATE",
              help="Reference date (YYYY-MM-DD) for the rule that a measure's legal basis is in force [default: today].")
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Expand the data graph before validating.")
@click.option("--fail-on", type=click.Choice(["violation", "warning", "info"]), default="violation", show_default=True,
              help="Lowest severity that makes the exit code 1.")
@click.option("--all", "report_all", is_flag=True,
              help="With FILES: also report results about the bundled data, not only about nodes in FILES.")
@click.option("-q", "--quiet", is_flag=True, help="Text format: only the summary line.")
@_friendly
def validate(files, extra_shapes, no_bundled_shapes, fmt, lang, as_of, inference, fail_on, report_all, quiet):
    """Validate measure definitions against the SHACL shapes (shapes/*.ttl).

    Without FILES, validates the bundled graph. FILES are validated together with the
    ontology and the bundled data, so they can point at existing partners, laws and
    threats; only results about nodes defined in FILES are reported (unless --all).
    Exit code 0: conforms at the --fail-on level; 1: does not; 2: bad input.
    """
    from .errors import NctsError
    from .validate import render_json, render_text, render_ttl, summary, validate as run

    if no_bundled_shapes and not extra_shapes:
        raise NctsError("--no-bundled-shapes needs at least one --shapes FILE or folder")
    report = run(files, shapes=extra_shapes, bundled_shapes=not no_bundled_shapes, lang=lang, as_of=as_of,
                 inference=inference, fail_on=fail_on, scope="all" if report_all or not files else "files")
    text = (lambda r: summary(r, lang)) if quiet else (lambda r: render_text(r, lang))
    render = {"text": text, "json": render_json, "ttl": render_ttl}[fmt]
    click.echo(render(report).rstrip("\n"))  # rendered whole first: never half a report
    if not report.conforms:
        sys.exit(EXIT_FAIL)


@main.command()
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_friendly
def queries(lang, fmt):
    """List the library of named questions (queries/*.rq): name, title, parameters."""
    import json

    from .library import library

    items = library()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "title": q.title(lang), "description": q.description(lang),
                                "params": [{"name": p.name, "type": p.type, "default": p.default,
                                            "description": p.description, **({"choices": list(p.choices)} if p.choices else {})}
                                           for p in q.params],
                                "example": q.meta.get("example")} for q in items], indent=2, ensure_ascii=False))
        return
    from .results import _table

    rows = [[q.name, q.title(lang), " ".join(f"{p.name}:{'|'.join(p.choices) or p.type}={p.default if p.default is not None else '(required)'}"
                                              for p in q.params)] for q in items]
    click.echo(_table(["name", "title", "parameters"], rows, width=90))


def _params(pairs) -> dict:
    from .errors import NctsError

    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise NctsError(f"-p {pair!r}: use -p NAME=VALUE")
        out[name.strip()] = value
    return out


@main.command()
@click.argument("name", required=False)
@click.option("-e", "--expression", metavar="SPARQL", help="SPARQL text to run instead of a named query.")
@click.option("-p", "--param", "pairs", multiple=True, metavar="NAME=VALUE",
              help="A parameter, bound as an RDF term (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md", "ttl", "nt", "jsonld", "xml"]),
              default=None, help="SELECT/ASK: table (default), csv, tsv, json, md; CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld, xml.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of labels (the 'lang' parameter of library queries).")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="A persistent Oxigraph store folder (filled with the graph on first use).")
@click.option("--data", "files", multiple=True, type=click.Path(path_type=Path),
              help="Extra RDF files to query with the bundled graph (repeatable).")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL 1.1 endpoint instead.")
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for an endpoint.")
@click.option("--user", default=None, help="Endpoint user name (password from $NCTS_ENDPOINT_PASSWORD).")
@_friendly
def query(name, expression, pairs, fmt, lang, engine, store, files, endpoint, timeout, user):
    """Run a named question (see `ncts queries`), a .rq FILE, or -e 'SPARQL'.

    Exit code 0 with the answer; 2 for a syntax error (file:line:column), an unknown
    query or parameter, or an unreachable endpoint.
    """
    import os

    from .errors import NctsError
    from .namespaces import compact
    from .query import resolve, run
    from .results import output_format, render
    from .sparql import query_form

    if bool(name) == bool(expression):
        raise NctsError("give a query NAME (or FILE.rq) or -e 'SPARQL', not both")
    q = resolve(name) if name else resolve(expression if "{" in expression else expression + " {}")
    fmt = output_format(query_form(q.text), fmt)  # refused before the query runs
    auth = (user, os.environ.get("NCTS_ENDPOINT_PASSWORD", "")) if user else None
    result = run(q, _params(pairs), engine=engine, endpoint=endpoint, store=store, files=files, lang=lang,
                 timeout=timeout, auth=auth)
    click.echo(render(result, fmt, compact=lambda t: compact(t.value)))


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL of the store, e.g. http://localhost:7878/store")
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help="Named graph to load into (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@click.option("--data", "files", multiple=True, type=click.Path(path_type=Path), help="Extra RDF files to push along.")
@click.option("--timeout", type=float, default=60, show_default=True)
@click.option("--user", default=None, help="User name (password from $NCTS_ENDPOINT_PASSWORD).")
@_friendly
def push(endpoint, graph_iri, append, files, timeout, user):
    """Load the graph into a remote triple store (SPARQL 1.1 Graph Store Protocol)."""
    import os

    from .push import push as send

    auth = (user, os.environ.get("NCTS_ENDPOINT_PASSWORD", "")) if user else None
    count = send(endpoint, graph_iri, files, replace=not append, timeout=timeout, auth=auth)
    click.echo(f"pushed {count} triples to {endpoint} ({'graph <' + graph_iri + '>' if graph_iri else 'default graph'})")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=float, default=10, show_default=True, help="Seconds a query may run.")
@click.option("--max-rows", type=int, default=10000, show_default=True, help="Largest result returned, in rows.")
@click.option("--max-bytes", type=int, default=10_000_000, show_default=True, help="Largest result returned, in bytes.")
@click.option("--max-query-bytes", type=int, default=262_144, show_default=True, help="Longest query text accepted.")
@click.option("--queue", type=int, default=32, show_default=True,
              help="Queries that may wait for one of the two query slots; more get 503 (Retry-After).")
@click.option("--idle-timeout", type=float, default=10, show_default=True,
              help="Seconds before an idle or slow connection is closed.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="Allow SERVICE (federated query) to this endpoint (repeatable); refused otherwise.")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="Also accept requests for this host name (repeatable); by default only the bound host and loopback names.")
@click.option("--data", "files", multiple=True, type=click.Path(path_type=Path), help="Extra RDF files to serve.")
@click.option("--store", type=click.Path(path_type=Path), default=None, help="Serve a persistent Oxigraph store.")
@_friendly
def serve(host, port, timeout, max_rows, max_bytes, max_query_bytes, queue, idle_timeout, allow_service, allow_host,
          files, store):
    """A local read-only SPARQL endpoint (/sparql) and query page (/) for the graph."""
    from .query import oxigraph_store
    from .serve import Settings, make_server, serve_until_stopped

    limits = dict(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes, max_query_bytes=max_query_bytes,
                  queue=queue, idle_timeout=idle_timeout, allow_service=allow_service, allow_hosts=allow_host)
    Settings(None, **limits)  # bad options are refused before the graph is loaded
    server = make_server(oxigraph_store(files, store), host, port, **limits)
    url = f"http://{host}:{server.server_address[1]}/"
    click.echo(f"ncts-graph SPARQL endpoint: {url}sparql   query page: {url}   (Ctrl+C stops)", err=False)
    sys.stdout.flush()
    serve_until_stopped(server)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@_friendly
def reason(files):
    """Check OWL 2 DL consistency of the graph [+ FILES] with the HermiT reasoner (needs Java)."""
    from .load import load
    from .reason import check_consistency

    result = check_consistency(load(files))
    click.echo(result.message)
    for iri in result.unsatisfiable_classes:
        click.echo(f"unsatisfiable: {iri}")
    if not result.consistent or result.unsatisfiable_classes:
        sys.exit(EXIT_FAIL)


from .cli_export import analyze, export  # noqa: E402  (commands defined in their own module)

main.add_command(export)
main.add_command(analyze)

if __name__ == "__main__":  # pragma: no cover
    main()
