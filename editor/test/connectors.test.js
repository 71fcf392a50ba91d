// Editors validate connector files through their "$schema" reference. This test
// proves it with the JSON engine of VS Code (vscode-json-languageservice): the schema
// is loaded from the local file the reference names, the repository's connectors get
// no diagnostics, a misspelt key gets exactly one on its line, and hovering a key
// shows the description generated from the Go doc comments.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs/promises');
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');
const { getLanguageService, TextDocument } = require('vscode-json-languageservice');

const root = path.resolve(__dirname, '..', '..');
const schemaURI = pathToFileURL(path.join(root, 'schema', 'connector.schema.json')).toString();

// newService returns a language service that resolves "$schema" relative to the
// document and reads schemas from disk only, recording what it was asked for.
function newService() {
  const requested = [];
  const ls = getLanguageService({
    schemaRequestService: async (uri) => {
      requested.push(uri);
      if (!uri.startsWith('file:')) {
        throw new Error(`refusing to fetch ${uri}: schemas come from the local file`);
      }
      return fs.readFile(fileURLToPath(uri), 'utf8');
    },
    workspaceContext: {
      resolveRelativePath: (relativePath, resource) => new URL(relativePath, resource).toString(),
    },
  });
  ls.configure({ validate: true, allowComments: false });
  return { ls, requested };
}

async function open(file) {
  const text = await fs.readFile(file, 'utf8');
  const doc = TextDocument.create(pathToFileURL(file).toString(), 'json', 1, text);
  return { doc, text };
}

async function diagnose(ls, file) {
  const { doc, text } = await open(file);
  const json = ls.parseJSONDocument(doc);
  return { diagnostics: await ls.doValidation(doc, json), doc, json, text };
}

test('connectors/*.json have no diagnostics under their $schema', async () => {
  const dir = path.join(root, 'connectors');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.includes('hubspot.json') && files.includes('tiktok.json'), `connectors: ${files}`);
  for (const f of files) {
    const { ls, requested } = newService();
    const { diagnostics } = await diagnose(ls, path.join(dir, f));
    assert.deepEqual(requested, [schemaURI], `${f}: the schema was not loaded through "$schema"`);
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`), [], f);
  }
});

test('a misspelt key gets one diagnostic, on its line', async () => {
  const { ls, requested } = newService();
  const file = path.join(__dirname, '..', 'testdata', 'misspelt.json');
  const { diagnostics, text } = await diagnose(ls, file);
  assert.deepEqual(requested, [schemaURI]);
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics, null, 1));
  const line = text.split('\n').findIndex((l) => l.includes('"acess_token_path"'));
  assert.equal(diagnostics[0].range.start.line, line);
  assert.match(diagnostics[0].message, /acess_token_path/);
});

test('hover over access_token_path shows its description', async () => {
  const { ls } = newService();
  const file = path.join(root, 'connectors', 'tiktok.json');
  const { doc, text } = await open(file);
  const json = ls.parseJSONDocument(doc);
  await ls.doValidation(doc, json); // loads the schema
  const offset = text.indexOf('"access_token_path"') + 3;
  assert.ok(offset > 3);
  const hover = await ls.doHover(doc, doc.positionAt(offset), json);
  assert.ok(hover, 'no hover');
  const contents = [].concat(hover.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
  assert.match(contents, /dot path of the access token in the token response/);
});
