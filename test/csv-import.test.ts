import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetList } from '../shared/formats/csv-import.ts';

test('the old format: header, quoted or bare values, trailing comma, CRLF, BOM, any-case types', () => {
  const text = '\uFEFFDomain,Type,Port\r\n"microsoft.com","FED","",\r\n"microsoft.com","sip","",\r\ncontoso.com,SipInt,,\r\n"sip.microsoft.com","DIR","5061"\r\n10.0.0.1,,443\r\n\r\n';
  const list = parseTargetList('list.csv', text);
  assert.deepEqual(list.importErrors, []);
  assert.deepEqual(list.rows, [
    { input: 'microsoft.com', type: 'FED', port: null },
    { input: 'microsoft.com', type: 'SIP', port: null },
    { input: 'contoso.com', type: 'SIPINT', port: null },
    { input: 'sip.microsoft.com', type: 'DIR', port: 5061 },
    { input: '10.0.0.1', type: 'DIR', port: 443 },
  ]);
});

test('bad rows are reported with line and reason, every valid row still comes through', () => {
  const text = [
    'Domain,Type,Port',
    'a.com,FED,5061',        // 2: port with an SRV type
    'b.com,DIR,70000',       // 3: port out of range
    'c.com,XYZ,',            // 4: unknown type
    'd.com,DIR,',            // 5: DIR without port
    'e.com,,',               // 6: blank type without port
    'bad host,DIR,443',      // 7: not a host name
    'ok.com,FED,',           // 8: fine
    '"unterminated,FED,',    // 9: unparseable
  ].join('\n');
  const list = parseTargetList('list.csv', text);
  assert.deepEqual(list.rows, [{ input: 'ok.com', type: 'FED', port: null }]);
  assert.deepEqual(list.importErrors.map((e) => e.line), [2, 3, 4, 5, 6, 7, 9]);
  assert.match(list.importErrors[0].message, /Cannot have both Port and Domain type/);
  assert.match(list.importErrors[1].message, /1 to 65535/);
  assert.match(list.importErrors[2].message, /Unknown Type "XYZ"/);
  assert.match(list.importErrors[3].message, /port is required/);
  assert.match(list.importErrors[6].message, /Unreadable line|Quote/i);
});

test('line numbers stay right after a quoted value that spans lines, and a headerless list works', () => {
  const list = parseTargetList('x.csv', 'a.com,FED,\n"b\nc.com",FED,\nd.com,FED,\n');
  assert.deepEqual(list.rows.map((r) => r.input), ['a.com', 'd.com']);
  assert.deepEqual(list.importErrors.map((e) => e.line), [2]);
});

test('a CRLF header followed by LF rows (and old Mac CR rows) imports every row', () => {
  const list = parseTargetList('mixed.csv', 'Domain,Type,Port\r\na.contoso.com,DIR,443\nb.contoso.com,DIR,5061\rc.contoso.com,FED,\n');
  assert.deepEqual(list.importErrors, []);
  assert.deepEqual(list.rows.map((r) => `${r.input}:${r.port}`), ['a.contoso.com:443', 'b.contoso.com:5061', 'c.contoso.com:null']);
});

test('one stray quote in 10,000 rows costs that row only, and says which line', () => {
  const lines = ['Domain,Type,Port'];
  for (let i = 0; i < 10_000; i++) lines.push(i === 4321 ? `"host${i}.contoso.com,DIR,443` : `host${i}.contoso.com,DIR,443`);
  const list = parseTargetList('big.csv', lines.join('\r\n'));
  assert.equal(list.rows.length, 9_999);
  assert.deepEqual(list.importErrors.map((e) => e.line), [4323]);
  assert.match(list.importErrors[0].message, /quote \("\) opens a value that is never closed/);
  // A quote closed with text after it: papaparse's finding, explained.
  const trailing = parseTargetList('t.csv', 'Domain,Type,Port\n"a.com"x,DIR,443\nb.com,DIR,443\n');
  assert.deepEqual(trailing.rows.map((r) => r.input), ['b.com']);
  assert.match(trailing.importErrors[0].message, /text after its closing quote/);
});

test('the header is checked: any case, BOM or not, columns by name; a wrong one says what was expected', () => {
  for (const header of ['Domain,Type,Port', 'domain,type,port', '\uFEFFDOMAIN,TYPE,PORT', '"Domain","Type","Port",', 'Port,Domain,Type']) {
    const row = header.startsWith('Port') ? '443,a.contoso.com,DIR' : 'a.contoso.com,DIR,443';
    const list = parseTargetList('h.csv', `${header}\n${row}\n`);
    assert.deepEqual(list.importErrors, [], header);
    assert.deepEqual(list.rows, [{ input: 'a.contoso.com', type: 'DIR', port: 443 }], header);
  }
  // Excel's "Unicode text" is tab-separated; semicolons where comma is the decimal sign.
  for (const d of ['\t', ';']) assert.equal(parseTargetList('d.csv', `Domain${d}Type${d}Port\na.com${d}DIR${d}443\n`).rows.length, 1);
  for (const wrong of ['Host,Kind\na.com,DIR\n', 'Domain,Kind\na.com,DIR\n', 'Host\na.com\n']) {
    const list = parseTargetList('w.csv', wrong);
    assert.equal(list.rows.length, 0);
    assert.equal(list.importErrors.length, 1);
    assert.equal(list.importErrors[0].line, 1);
    assert.match(list.importErrors[0].message, /^The first line is not the header Domain,Type,Port \(it reads "[^"]+"\)/);
    assert.doesNotMatch(list.importErrors[0].message, /auto-detect|delimit/i, 'no library message');
  }
});

test('error messages quote at most 80 characters of a bad cell, escaped', () => {
  const huge = 'x'.repeat(100_000);
  const list = parseTargetList('l.csv', `Domain,Type,Port\na.com,${huge},\nb.com,DIR,${huge}\n${'h'.repeat(500)}.com\u001b[2J,DIR,443\n`);
  assert.equal(list.importErrors.length, 3);
  for (const e of list.importErrors) {
    assert.ok(e.message.length < 300, `${e.message.length} characters`);
    assert.doesNotMatch(e.message, /\u001b/);
  }
});
