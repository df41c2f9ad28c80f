// Text from strangers never acts on the admin's terminal, clipboard or spreadsheet: the text report,
// the CLI, the card's "Copy" text and the CSV export all escape control characters (shared/safe-text.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeControls, quoteExcerpt } from '../shared/formats/safe-text.ts';
import { resultsText } from '../shared/formats/text-report.ts';
import { cardSections, cardText } from '../renderer/format.ts';
import { main } from '../cli/main.ts';
import { TestPki } from './helpers/pki.ts';
import { fakeCert, fakeResult } from './helpers/fake-results.ts';

// Clear the screen, set the window title, go back to the start of the line and print a fake verdict.
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\r\u001b[32mOK: trusted\u001b[0m\u202e';
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

test('escapeControls writes controls out and keeps only the line breaks asked for', () => {
  assert.equal(escapeControls('a\u001b[31mb'), 'a\\x1b[31mb');
  assert.equal(escapeControls('tab\there\r\nnext'), 'tab\\there\\r\\nnext');
  assert.equal(escapeControls('one\ntwo\r', { keepNewlines: true }), 'one\ntwo\\r');
  assert.equal(escapeControls('\u0085\u007f\u202e\u2066'), '\\u0085\\u007f\\u202e\\u2066');
  assert.equal(escapeControls('Zürich, 東京, CN=plain'), 'Zürich, 東京, CN=plain');
  const escapedJson = escapeControls(JSON.stringify({ cn: `x\u0085\u007f\u202e${HOSTILE}` }), { keepNewlines: true });
  assert.equal(JSON.parse(escapedJson).cn, `x\u0085\u007f\u202e${HOSTILE}`, 'escaped JSON stays the same JSON');
  assert.equal(quoteExcerpt('a'.repeat(200)).length < 120, true);
  assert.match(quoteExcerpt('a'.repeat(200)), /… \(200 characters\)$/);
});

test('the text report and the card text escape every field, keep their own lines, and say when a date or serial is missing', () => {
  const cert = fakeCert({ subject: `CN=${HOSTILE}`, san: [`x\ny.contoso.com`], notBefore: '', serialNumber: '' });
  const result = fakeResult({ served: [cert], comments: [{ id: 'expired', severity: 'error', text: `bad ${HOSTILE}` }] });
  for (const text of [resultsText([result], { advanced: true, rootChain: true }), cardText(cardSections(result, { showAdvanced: true, showRootChain: true, testPool: true }))]) {
    assert.doesNotMatch(text, RAW_CONTROL);
    assert.match(text, /^Subject: CN=\\x1b\[2J\\x1b\]0;owned\\x07\\r\\x1b\[32mOK: trusted\\x1b\[0m\\u202e$/m);
    assert.doesNotMatch(text, /^y\.contoso\.com/m, 'a line break inside a field cannot start a line of its own');
    assert.ok(text.split('\n').length > 10, 'the report keeps its own line breaks');
    assert.match(text, /^Not Before: \(not a valid time: see (the comments|Comments)\)$/m, 'a field that names no time is said so');
    assert.match(text, /^Serial Number: \(empty: see (the comments|Comments)\)$/m);
  }
});

test('the CLI prints a hostile certificate name escaped, on stdout and stderr', async () => {
  const pki = new TestPki();
  const cert = pki.issue({ cn: `evil${HOSTILE.replace(/\u202e/, '')}.contoso.com` });
  const file = join(pki.dir, 'evil.pem');
  writeFileSync(file, cert.certPem);
  let out = '';
  let err = '';
  await main(['inspect', file, '--chain'], (t) => (out += t), (t) => (err += t));
  assert.match(out, /evil\\x1b\[2J\\x1b\]0;owned\\x07\\r\\x1b\[32mOK/);
  assert.doesNotMatch(out, RAW_CONTROL);
  await main(['inspect', join(pki.dir, `missing\u001b[2J.pem`)], () => {}, (t) => (err += t));
  assert.match(err, /missing\\x1b\[2J\.pem/);
  assert.doesNotMatch(err, RAW_CONTROL);
  const json = { out: '' };
  await main(['inspect', file, '--json'], (t) => (json.out += t), () => {});
  assert.match(JSON.parse(json.out).results[0].served[0].subject, /\u001b\[2J/, '--json keeps the exact value, JSON-escaped');
});
