"""The ``ncts`` command: a thin layer over the Python API, one subcommand per verb.

Heavy libraries (rdflib, owlready2) are imported inside the commands, so
``ncts --help`` starts instantly. Every user error is one line and exit code 2. The options
the verbs share (--data, --lang, --format, --fail-on, -o) are defined once, in options.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_FAIL
from . import complete
from .friendly import OneLineGroup, friendly as _friendly
from .options import data_option, emit, fail_on_option, fails, format_option, lang_option, output_option


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ncts-graph")
def main():
    """ncts-graph: a sourced knowledge graph of the Dutch National Counterterrorism Strategy 2022-2026."""


@main.command()
@data_option(help="A file whose quotes to check (repeatable; FILES as arguments work too).")
@click.option("--sources", type=click.Path(path_type=Path), default=None,
              help="Folder of source texts (default: $NCTS_SOURCES or ../shared/sources).")
@click.option("--anchor", is_flag=True,
              help="Compute each quote's oa:TextPositionSelector and oa:prefix/oa:suffix from the source "
                   "texts and write them into the files (default: the bundled data/*.ttl).")
@format_option("text", "json", help="json: checked counts, problems, unknown terms and files without quotes.")
@fail_on_option()
@_friendly
def quotes(files, sources, anchor, fmt, fail_on):
    """Check that every quote occurs verbatim in its source document, and its stored position too.

    Without FILES, checks the whole bundled graph; with FILES, only the quotes in
    those files (source documents are looked up in the bundled data/sources.ttl).
    Every problem is a violation (so --fail-on never only reports). Exit 1: a quote is
    not verbatim; 3: all are, but a stored position does not fit.
    """
    import json

    from .. import paths
    from ..quotes import report as check

    if anchor:
        from ..anchors import anchor_bundled, anchor_files

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
    report = check(files, sources)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(report.summary(), err=not report.ok)
    if not report.ok and fails(["violation"], fail_on):
        sys.exit(report.exit_code)


@main.command()
@format_option("text", "json")
@lang_option("Language of labels.")
@data_option()
@_friendly
def info(fmt, lang, files):
    """Counts per class, per pillar and per source document; namespaces.

    FILES are added to the bundled graph (e.g. your own measures).
    """
    import json

    from ..info import info as compute, render_text
    from ..load import load

    data = compute(load(files), lang=lang)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from rich.console import Console

        render_text(data, Console())


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; the format follows the extension: .ttl .nt .trig .nq .jsonld")
@data_option()
@_friendly
def build(output, files):
    """Write the merged graph (ontology + data [+ FILES]) to OUTPUT, atomically."""
    from ..build import build as write
    from ..load import load

    graph = load(files)
    write(graph, output)
    click.echo(f"wrote {len(graph)} triples to {output}")


@main.command()
@format_option("text", "json")
@fail_on_option()
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Embedded SPARQL engine.")
@click.option("--all", "report_all", is_flag=True,
              help="With FILES: also report findings about the bundled data (curation-only checks never apply to FILES).")
@data_option()
@_friendly
def check(fmt, fail_on, engine, report_all, files):
    """Run the hygiene checks (queries/hygiene/*.rq) on the graph [+ FILES].

    A check's severity is error (a violation, for --fail-on) or warning.

    With FILES, only findings about nodes FILES define are reported (unless --all), and a
    file that defines nothing to check, or uses an unknown project term, is an error.
    """
    import json

    from ..hygiene import check as run, summary
    from ..load import load
    from ..terms import user_files

    # a bundled file given again would duplicate its blank nodes; a TriG file's graphs are all its own
    graph = load(user_files(files), merge_graphs=True)
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
    if fails([f.severity for f in findings], fail_on):
        sys.exit(EXIT_FAIL)


@main.command()
@data_option(help="A measure definition file to validate (repeatable; FILES as arguments work too).")
@click.option("--shapes", "extra_shapes", multiple=True, type=click.Path(path_type=Path),
              help="Extra shapes file or folder of .ttl files (repeatable).")
@click.option("--no-bundled-shapes", is_flag=True, help="Use only the --shapes given, replacing the bundled shapes.")
@format_option("text", "json", "ttl", help="ttl is the standard SHACL validation report graph.")
@lang_option("Language of messages and labels.")
@click.option("--as-of", default=None, metavar="DATE",
              help="Reference date (YYYY-MM-DD) for the rule that a measure's legal basis is in force [default: today].")
@click.option("--inference", type=click.Choice(["none", "rdfs", "owlrl"]), default="none", show_default=True,
              help="Expand the data graph before validating.")
@fail_on_option()
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
    from ..errors import NctsError
    from ..validate import render_json, render_text, render_ttl, summary, validate as run

    if no_bundled_shapes and not extra_shapes:
        raise NctsError("--no-bundled-shapes needs at least one --shapes FILE or folder")
    report = run(files, shapes=extra_shapes, bundled_shapes=not no_bundled_shapes, lang=lang, as_of=as_of,
                 inference=inference, fail_on=fail_on, scope="all" if report_all or not files else "files")
    text = (lambda r: summary(r, lang)) if quiet else (lambda r: render_text(r, lang))
    render = {"text": text, "json": render_json, "ttl": render_ttl}[fmt]
    click.echo(render(report).rstrip("\n"))  # rendered whole first: never half a report
    code = 0 if report.conforms else EXIT_FAIL
    from .. import bigload

    if files and bigload.is_big(files):
        bigload.leave(code)
    if code:
        sys.exit(code)


@main.command()
@lang_option("Language of titles.")
@format_option("text", "json")
@_friendly
def queries(lang, fmt):
    """List the library of named questions (queries/*.rq): name, title, parameters."""
    import json

    from ..library import library

    items = library()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "title": q.title(lang), "description": q.description(lang),
                                "params": [{"name": p.name, "type": p.type, "default": p.default,
                                            "description": p.description, **({"choices": list(p.choices)} if p.choices else {})}
                                           for p in q.params],
                                "example": q.meta.get("example")} for q in items], indent=2, ensure_ascii=False))
        return
    from ..results import _table

    rows = [[q.name, q.title(lang), " ".join(f"{p.name}:{'|'.join(p.choices) or p.type}={p.default if p.default is not None else '(required)'}"
                                              for p in q.params)] for q in items]
    click.echo(_table(["name", "title", "parameters"], rows, width=None))  # an id in a default is never cut


def _params(pairs) -> dict:
    from ..errors import NctsError

    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise NctsError(f"-p {pair!r}: use -p NAME=VALUE")
        out[name.strip()] = value
    return out


@main.command()
@click.argument("name", required=False, shell_complete=complete.query_names)
@click.option("-e", "--expression", metavar="SPARQL", help="SPARQL text to run instead of a named query.")
@click.option("-p", "--param", "pairs", multiple=True, metavar="NAME=VALUE", shell_complete=complete.params,
              help="A parameter, bound as an RDF term (repeatable).")
@format_option("text", "csv", "tsv", "json", "md", "ttl", "nt", "jsonld", "xml", default=None,
               help="SELECT/ASK: text (an aligned table; the default), csv, tsv, json, md; "
                    "CONSTRUCT/DESCRIBE: ttl (default), nt, jsonld, xml.")
@lang_option("Language of labels (the 'lang' parameter of library queries).")
@output_option()
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="A persistent Oxigraph store folder (filled with the graph on first use). --data files are "
                   "added to it and stay for later runs (ncts says so on each run; delete the folder to start again).")
@data_option(positional=False, help="An extra RDF file to query with the bundled graph (repeatable).")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL 1.1 endpoint instead.")
@click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for an endpoint.")
@click.option("--user", default=None, help="Endpoint user name (password from $NCTS_ENDPOINT_PASSWORD).")
@click.option("--default-graph", "default_graphs", multiple=True, metavar="IRI",
              help="The default graph is this graph (repeatable: their merge), as the protocol's default-graph-uri; "
                   "replaces the query's FROM. Without it (and without FROM): all graphs.")
@click.option("--named-graph", "named_graphs", multiple=True, metavar="IRI",
              help="A named graph for GRAPH (repeatable), as the protocol's named-graph-uri; replaces FROM NAMED.")
@_friendly
def query(name, expression, pairs, fmt, lang, output, engine, store, files, endpoint, timeout, user, default_graphs,
          named_graphs):
    """Run a named question (see `ncts queries`), a .rq FILE, or -e 'SPARQL'.

    Exit code 0 with the answer; 2 for a syntax error (file:line:column), an unknown
    query or parameter, or an unreachable endpoint.
    """
    import os

    from ..errors import NctsError
    from ..namespaces import compact
    from ..protocol import dataset_from
    from ..query import resolve, run
    from ..results import output_format, render
    from ..sparql import query_form

    if bool(name) == bool(expression):
        raise NctsError("give a query NAME (or FILE.rq) or -e 'SPARQL', not both")
    q = resolve(name) if name else resolve(expression if "{" in expression else expression + " {}")
    fmt = output_format(query_form(q.text), fmt)  # refused before the query runs
    auth = (user, os.environ.get("NCTS_ENDPOINT_PASSWORD", "")) if user else None
    result = run(q, _params(pairs), engine=engine, endpoint=endpoint, store=store, files=files, lang=lang,
                 timeout=timeout, auth=auth, dataset=dataset_from(default_graphs, named_graphs))
    if store is not None and not endpoint:
        _say_store_holds(store, files)
    emit(render(result, fmt, compact=lambda t: compact(t.value)), output)


def _say_store_holds(store: Path, files) -> None:
    """A persistent store keeps what --data added: say so plainly, on every run that uses it."""
    from ..query import added_files

    now = {str(Path(f).resolve()) for f in files}
    for path in added_files(store):
        how = "added now" if path in now else "added by an earlier --data"
        click.echo(f"ncts: note: the store {store} holds {path} ({how}); it stays for later runs "
                   f"(delete {store} to start again)", err=True)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL of the store, e.g. http://localhost:7878/store")
@click.option("--graph", "graph_iri", default=None, metavar="IRI", help="Named graph to load into (default: the default graph).")
@click.option("--append", is_flag=True, help="Add to the graph (POST) instead of replacing it (PUT).")
@data_option(positional=False, help="An extra RDF file to push along (repeatable).")
@click.option("--timeout", type=float, default=60, show_default=True)
@click.option("--user", default=None, help="User name (password from $NCTS_ENDPOINT_PASSWORD).")
@_friendly
def push(endpoint, graph_iri, append, files, timeout, user):
    """Load the graph into a remote triple store (SPARQL 1.1 Graph Store Protocol)."""
    import os

    from ..push import push as send

    auth = (user, os.environ.get("NCTS_ENDPOINT_PASSWORD", "")) if user else None
    count = send(endpoint, graph_iri, files, replace=not append, timeout=timeout, auth=auth)
    click.echo(f"pushed {count} triples to {endpoint} ({'graph <' + graph_iri + '>' if graph_iri else 'default graph'})")
    if graph_iri:  # a store's default graph is often not the union of its graphs (Oxigraph, Virtuoso)
        click.echo(f"query it with: ncts query NAME --endpoint QUERY-URL --default-graph {graph_iri}")


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
@data_option(positional=False, help="An extra RDF file to serve (repeatable).")
@click.option("--store", type=click.Path(path_type=Path), default=None, help="Serve a persistent Oxigraph store.")
@click.option("--max-upload-bytes", type=int, default=1_000_000, show_default=True,
              help="Largest file accepted by the /validate page (413 beyond).")
@click.option("--validate-timeout", type=float, default=30, show_default=True,
              help="Seconds a validation on the /validate page may run.")
@_friendly
def serve(host, port, timeout, max_rows, max_bytes, max_query_bytes, queue, idle_timeout, allow_service, allow_host,
          files, store, max_upload_bytes, validate_timeout):
    """A local read-only SPARQL endpoint (/sparql) and query page (/) for the graph."""
    from ..query import oxigraph_store
    from ..serve import Settings, make_server, serve_until_stopped
    from ..webvalidate import Limits

    checks = Limits(max_upload_bytes, validate_timeout)  # refused before the graph is loaded, as the others
    limits = dict(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes, max_query_bytes=max_query_bytes,
                  queue=queue, idle_timeout=idle_timeout, allow_service=allow_service, allow_hosts=allow_host)
    Settings(None, **limits)  # bad options are refused before the graph is loaded
    server = make_server(oxigraph_store(files, store), host, port, validate=checks, **limits)
    if store is not None:
        _say_store_holds(store, files)
    url = f"http://{host}:{server.server_address[1]}/"
    click.echo(f"ncts-graph SPARQL endpoint: {url}sparql   query page: {url}   browse: {url}browse   (Ctrl+C stops)",
               err=False)
    sys.stdout.flush()
    serve_until_stopped(server)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Folder of the site (replaced whole, atomically, if written by `ncts docs` before).")
@data_option()
@_friendly
def docs(output, files):
    """Write every resource page, the browse pages and the ontology documentation [+ FILES] as a static site."""
    from ..pages import write_site
    from ..query import oxigraph_store

    counts = write_site(output, oxigraph_store(files))
    click.echo(f"wrote {counts['pages']} pages (nl, en) and {counts['data']} data files to {output}; "
               f"open {output / 'index.html'}")


@main.command()
@data_option()
@format_option("text", "json", help="json: consistent, message, unsatisfiable_classes.")
@_friendly
def reason(files, fmt):
    """Check OWL 2 DL consistency of the graph [+ FILES] with the HermiT reasoner (needs Java)."""
    import json
    from dataclasses import asdict

    from ..load import load
    from ..reason import check_consistency

    result = check_consistency(load(files))
    if fmt == "json":
        click.echo(json.dumps(asdict(result), indent=2, ensure_ascii=False))
    else:
        click.echo(result.message)
        for iri in result.unsatisfiable_classes:
            click.echo(f"unsatisfiable: {iri}")
    if not result.consistent or result.unsatisfiable_classes:
        sys.exit(EXIT_FAIL)


@main.command(name="list")
@click.argument("kind", shell_complete=complete.list_kinds)
@lang_option("Language of the labels.")
@format_option("text", "json", "tsv")
@data_option(positional=False, help="An extra RDF file whose things are listed too (repeatable).")
@_friendly
def list_(kind, lang, fmt, files):
    """Ids and labels of KIND: threats, partners, rights, laws, types (of measure), pillars,
    goals, measures (one query each in queries/list/): the ids that -p parameters take."""
    from ..listing import items, render

    click.echo(render(items(kind, lang, files), fmt))


from .export import analyze, export  # noqa: E402  (commands defined in their own module)

main.add_command(export)
main.add_command(analyze)

if __name__ == "__main__":  # pragma: no cover
    main()
