import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetList } from '../shared/csv-import.ts';

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
