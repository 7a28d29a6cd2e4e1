/**
 * `npm run diagrams`: regenerates README.md's embedded Mermaid diagrams from the machine
 * definitions (after `npm run build`; runs from dist/). Prints which blocks changed.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DIAGRAM_MACHINES } from './machines.js';
import { embeddedBlock, updateReadmeBlocks } from './readmeBlocks.js';

// dist/inspect/diagram/ → the package root, so the script works from any directory.
const readmePath = process.argv[2] ?? fileURLToPath(new URL('../../../README.md', import.meta.url));
const before = readFileSync(readmePath, 'utf8');
const entries = DIAGRAM_MACHINES.filter((entry) => entry.readme);
const after = updateReadmeBlocks(before, entries);
const changed = entries.filter((entry) => embeddedBlock(before, entry.name) !== embeddedBlock(after, entry.name)).map((entry) => entry.name);
if (after !== before) writeFileSync(readmePath, after);
process.stdout.write(changed.length > 0 ? `README.md: regenerated ${changed.join(', ')}\n` : 'README.md: diagrams up to date\n');
