// Drives two npm SPARQL clients against an endpoint, for tests/test_clients.py.
// stdin: {"endpoint": URL, "cases": [{id, client, form, query, method, defaultGraph, namedGraph}]}
// stdout: [{id, value} | {id, error}], values normalised so Python can compare them:
// SELECT -> sorted values of the first variable; ASK -> boolean; graphs -> sorted "s p o" lines.
import { SparqlEndpointFetcher } from 'fetch-sparql-endpoint'
import ParsingClient from 'sparql-http-client/ParsingClient.js'

const input = JSON.parse(await new Promise(resolve => {
  let text = ''
  process.stdin.on('data', chunk => { text += chunk })
  process.stdin.on('end', () => resolve(text))
}))

const term = t => t.termType === 'Literal'
  ? `"${t.value}"` + (t.language ? `@${t.language}` : (t.datatype && t.datatype.value !== 'http://www.w3.org/2001/XMLSchema#string' ? `^^${t.datatype.value}` : ''))
  : (t.termType === 'BlankNode' ? '_' : t.value)
const triple = q => `${term(q.subject)} ${term(q.predicate)} ${term(q.object)}`
const collect = stream => new Promise((resolve, reject) => {
  const items = []
  stream.on('data', x => items.push(x))
  stream.on('error', reject)
  stream.on('end', () => resolve(items))
})
const firstVar = rows => rows.map(r => { const k = Object.keys(r).sort()[0]; return k === undefined ? null : r[k].value })

async function viaFetcher (c) {
  const params = new URLSearchParams()
  for (const g of c.defaultGraph || []) params.append('default-graph-uri', g)
  for (const g of c.namedGraph || []) params.append('named-graph-uri', g)
  const fetcher = new SparqlEndpointFetcher({ method: c.method, additionalUrlParams: params, directPost: !!c.direct, timeout: 30000 })
  if (c.form === 'select') return firstVar(await collect(await fetcher.fetchBindings(input.endpoint, c.query))).sort()
  if (c.form === 'ask') return await fetcher.fetchAsk(input.endpoint, c.query)
  return (await collect(await fetcher.fetchTriples(input.endpoint, c.query))).map(triple).sort()
}

async function viaHttpClient (c) {
  const client = new ParsingClient({ endpointUrl: input.endpoint })
  // ParsingClient passes `parameters` on but drops its defaultGraph/namedGraph options (3.1.0)
  const parameters = {}
  if (c.defaultGraph) parameters['default-graph-uri'] = c.defaultGraph
  if (c.namedGraph) parameters['named-graph-uri'] = c.namedGraph
  const options = { operation: c.method, parameters }
  if (c.form === 'select') return firstVar(await client.query.select(c.query, options)).sort()
  if (c.form === 'ask') return await client.query.ask(c.query, options)
  return [...await client.query.construct(c.query, options)].map(triple).sort()
}

const out = []
for (const c of input.cases) {
  try {
    const value = await (c.client === 'fetch-sparql-endpoint' ? viaFetcher(c) : viaHttpClient(c))
    out.push({ id: c.id, value })
  } catch (err) {
    out.push({ id: c.id, error: String(err && err.message || err).slice(0, 300) })
  }
}
process.stdout.write(JSON.stringify(out))
