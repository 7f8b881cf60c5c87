import { Router } from 'express';
import { openApiDocument } from './spec';

/**
 * GET /openapi.json and a browsable reference at GET /docs. The page is self-contained (no
 * CDN: deployments may be offline) and its script is a same-origin file, so helmet's CSP
 * (`script-src 'self'`) applies unchanged.
 */
export function openApiRoutes(): Router {
  const r = Router();
  const document = JSON.stringify(openApiDocument());
  r.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(document);
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  r.get('/docs/reference.js', (_req, res) => {
    res.type('text/javascript').send(SCRIPT);
  });
  return r;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyward API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
  main { max-width: 1000px; margin: 0 auto; padding: 24px; }
  h2 { margin-top: 40px; border-bottom: 1px solid #ddd; }
  details.op { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 8px 0; padding: 8px 12px; }
  summary { cursor: pointer; }
  .method { display: inline-block; min-width: 60px; font-weight: 700; font-family: ui-monospace, monospace; text-transform: uppercase; }
  .get { color: #0a7d32; } .post { color: #0b5cad; } .patch { color: #a35c00; } .delete { color: #b3261e; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f3f3f3; padding: 8px; overflow-x: auto; border-radius: 4px; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
</style>
</head>
<body>
<main>
<h1>Keyward API reference</h1>
<p>Generated from the server's own schemas. Raw document: <a href="/openapi.json">/openapi.json</a>.</p>
<div id="reference">Loading…</div>
</main>
<script src="/docs/reference.js"></script>
</body>
</html>
`;

/** Renders /openapi.json with DOM text nodes only, never innerHTML, so no schema text can inject markup. */
const SCRIPT = `(async () => {
  const root = document.getElementById('reference');
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  };
  const json = (value) => el('pre', {}, JSON.stringify(value, null, 2));
  const spec = await (await fetch('/openapi.json')).json();
  const schemes = spec.components.securitySchemes;
  const auth = (security) => security.map((alt) => Object.keys(alt).join(' + ') || 'none').join(' | ');
  root.textContent = '';
  root.append(el('h2', {}, 'Authentication'));
  const table = el('table', {});
  for (const [name, s] of Object.entries(schemes)) {
    table.append(el('tr', {}, el('th', {}, el('code', {}, name)), el('td', {}, [s.type, s.scheme, s.in, s.name].filter(Boolean).join(' ')), el('td', {}, s.description || '')));
  }
  root.append(table);
  const byTag = new Map();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  for (const [tag, ops] of byTag) {
    root.append(el('h2', {}, tag));
    for (const { path, method, op } of ops) {
      const body = el('div', {}, el('p', {}, op.summary || ''), el('p', {}, 'Authentication: ', el('code', {}, auth(op.security || []))));
      if (op.parameters && op.parameters.length) {
        const params = el('table', {}, el('tr', {}, el('th', {}, 'parameter'), el('th', {}, 'in'), el('th', {}, 'required'), el('th', {}, 'schema')));
        for (const p of op.parameters) {
          params.append(el('tr', {}, el('td', {}, el('code', {}, p.name)), el('td', {}, p.in), el('td', {}, p.required ? 'yes' : 'no'), el('td', {}, el('code', {}, JSON.stringify(p.schema)))));
        }
        body.append(el('h4', {}, 'Parameters'), params);
      }
      if (op.requestBody) body.append(el('h4', {}, 'Request body'), json(op.requestBody.content['application/json'].schema));
      for (const [status, r] of Object.entries(op.responses)) {
        body.append(el('h4', {}, 'Response ' + status + ': ' + r.description), json(r.content['application/json'].schema));
      }
      const id = op.operationId || method + path;
      root.append(el('details', { class: 'op', id }, el('summary', {}, el('span', { class: 'method ' + method }, method), ' ', el('code', {}, path)), body));
    }
  }
})().catch((err) => {
  document.getElementById('reference').textContent = 'Could not load /openapi.json: ' + err;
});
`;
