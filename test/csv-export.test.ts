import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsToCsv, excelDate, EXPORT_COLUMNS } from '../shared/formats/csv-export.ts';
import { spreadsheetCell } from '../shared/formats/safe-text.ts';
import { fakeCert, fakeResult } from './helpers/fake-results.ts';

test('formula cells are neutralised, numbers are left alone', () => {
  for (const bad of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.equal(spreadsheetCell(bad)[0], "'");
  // What LibreOffice and Excel still read as a formula: a NUL or other control first, spaces first, full-width signs.
  for (const bad of ['\u0000=3+3', '\u0001\u0002=WEBSERVICE("http://x")', '  =HYPERLINK("http://x")', '\u0000 @SUM(A1)', '\uff1d3+3', '\uff0b1', '\uff0d1', '\uff20SUM(A1)', '\u001b=1']) {
    const cell = spreadsheetCell(bad);
    assert.equal(cell[0], "'", JSON.stringify(bad));
    assert.doesNotMatch(cell, /[\u0000-\u0009\u000b-\u001f]/, 'controls are escaped');
  }
  assert.equal(spreadsheetCell('\u0000=3+3'), "'\\x00=3+3");
  assert.equal(spreadsheetCell('a\u0000b'), 'a\\x00b');
  assert.equal(spreadsheetCell('line one\nline two'), 'line one\nline two');
  assert.equal(spreadsheetCell('-30'), '-30');
  assert.equal(spreadsheetCell('CN=x'), 'CN=x');
  assert.match(resultsToCsv([fakeResult({ served: [fakeCert({ subject: '\u0000=3+3' })] })]), /"'\\x00=3\+3"/, 'the export uses it');
  // A Not After that named no valid time (invalid-validity-date) is an empty cell, never "NaN".
  assert.doesNotMatch(resultsToCsv([fakeResult({ served: [fakeCert({ notAfter: '' })] })]), /NaN/);
  assert.equal(excelDate('2026-12-01T12:30:00.000Z'), '2026-12-01 12:30:00');
});

test('export: BOM, CRLF, quoting, fixed columns, read back by Python csv', () => {
  const hostile = fakeCert({ subject: '=cmd|\' /C calc\'!A0, CN="quoted, name"', san: ['a.contoso.com', '@evil'] });
  // Only the first row's comment breaks a line inside a cell (the CRLF check below allows just that one).
  const rows = [
    fakeResult({
      served: [fakeCert({ notAfter: '2026-12-01T12:30:00.000Z' })],
      comments: [{ id: 'expired', severity: 'error', text: 'Line one\nline "two", with comma' }],
    }),
    fakeResult({ served: [hostile], poolMember: true, comments: [] }),
    // No comments: the worst severity comes from the error alone.
    fakeResult({ served: [], certificateSource: null, comments: [], error: { code: 'CONNECT_REFUSED', message: 'Connection refused by 127.0.0.9:5061.' } }),
  ];
  rows[1]!.certificateSource = 'node-peer-chain';
  rows[1]!.tls = { ...rows[1]!.tls, versions: { SSLv3: true, TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': false } };
  const csv = resultsToCsv(rows, new Date('2026-11-21T00:00:00Z'));
  assert.ok(csv.startsWith('\uFEFF"Target","Type"'));
  assert.ok(csv.endsWith('\r\n'));
  assert.ok(!/[^\r]\n(?!line)/.test(csv.replace(/Line one\nline/, '')), 'record separators are CRLF');
  const dir = mkdtempSync(join(tmpdir(), 'csvx-'));
  const file = join(dir, 'out.csv');
  writeFileSync(file, csv);
  const parsed = JSON.parse(
    execFileSync('python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))', file], { encoding: 'utf8' }),
  ) as string[][];
  assert.equal(parsed.length, 4);
  for (const row of parsed) assert.equal(row.length, EXPORT_COLUMNS.length);
  const col = (name: string) => parsed[0].indexOf(name);
  assert.equal(parsed[1][col('Comments')], '[error] Line one\nline "two", with comma');
  assert.equal(parsed[1][col('Days Left')], '10');
  assert.equal(parsed[1][col('Not After (UTC)')], '2026-12-01 12:30:00');
  assert.ok(parsed[2][col('Subject')].startsWith("'="), 'formula neutralised');
  assert.equal(parsed[2][col('Pool Member')], 'Yes');
  assert.match(parsed[3][col('Error')], /^CONNECT_REFUSED: /);
  assert.equal(parsed[3][col('Worst Severity')], 'error');
  // New columns are appended (Certificates From, then the SIP columns), so older column positions stay put.
  assert.deepEqual(parsed[0].slice(-6), ['Certificates From', 'SIP OPTIONS Status', 'SIP Server', 'SIP Round Trip (ms)', 'SIP ms-diagnostics', 'Client Certificate']);
  assert.deepEqual(parsed.slice(1).map((row) => row[col('Certificates From')]), ['wire', 'node-peer-chain', '']);
  assert.equal(parsed[2][col('TLS Versions Accepted')], 'SSLv3; TLSv1; TLSv1.2');
});
