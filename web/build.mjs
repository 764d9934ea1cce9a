// Builds the web client into web/dist: one JavaScript bundle and one stylesheet under assets/, named by their
// content hash (the server lets browsers keep those for a year), and index.html pointing at them.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, 'dist');

await rm(dist, { recursive: true, force: true });
const result = await esbuild.build({
  entryPoints: { app: join(web, 'src/main.js'), style: join(web, 'src/style.css') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  entryNames: 'assets/[name]-[hash]',
  outdir: dist,
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const named = (entry) => {
  const found = outputs.find(([, o]) => o.entryPoint && o.entryPoint.endsWith(entry));
  if (!found) throw new Error(`no output for ${entry}`);
  return '/' + found[0].slice(found[0].indexOf('assets/'));
};
let html = await readFile(join(web, 'index.html'), 'utf8');
html = html.replace('/assets/app.js', named('src/main.js')).replace('/assets/app.css', named('src/style.css'));
await mkdir(dist, { recursive: true });
await writeFile(join(dist, 'index.html'), html);
await copyFile(join(web, 'favicon.svg'), join(dist, 'favicon.svg'));
console.log(`web: built ${outputs.map(([name]) => basename(name)).filter((n) => !n.endsWith('.map')).join(', ')}`);
