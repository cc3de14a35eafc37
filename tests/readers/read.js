// Reads a GraphML or GEXF file with graphology (a reader the project did not write) and prints
// what it found as JSON: directed or not, node and edge counts, every node's and edge's attributes.
"use strict";
const fs = require("fs");
const { MultiGraph } = require("graphology");
const [file] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
const parser = file.endsWith(".gexf") ? require("graphology-gexf") : require("graphology-graphml");
const graph = parser.parse(MultiGraph, text);
const nodes = {};
graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
const edges = [];
graph.forEachEdge((key, attrs, source, target) => { edges.push({ key, source, target, attrs }); });
process.stdout.write(JSON.stringify({ order: graph.order, size: graph.size, nodes, edges }));
