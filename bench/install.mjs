#!/usr/bin/env node
// `npm run bench` runs this first: the benchmark-only packages (reference server, socket clients,
// the exact MILP solver, esbuild) live in bench/package.json, installed on first use into
// bench/node_modules, where Node resolves them from the bench scripts.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDependencies } from "../scripts/lib/run.mjs";

ensureDependencies(path.dirname(fileURLToPath(import.meta.url)));
