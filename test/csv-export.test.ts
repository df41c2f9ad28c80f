import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultsToCsv, neutraliseFormula, excelDate, EXPORT_COLUMNS } from '../shared/csv-export.ts';
import type { CertInfo, EndpointResult } from '../shared/types.ts';

function cert(subject: string, extra: Partial<CertInfo> = {}): CertInfo {
  return {
    subject, issuer: 'CN=Issuing CA', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-12-01T12:30:00.000Z', serialNumber: '01AB',
    signatureAlgorithm: 'sha256RSA', signatureAlgorithmOid: '1.2.840.113549.1.1.11', thumbprint: 'AA'.repeat(20), sha256: 'BB'.repeat(32), version: 'V3',
    publicKey: { algorithm: 'RSA', size: 2048, curve: null }, san: ['sip.contoso.com'], sanEntries: [{ type: 'dns', value: 'sip.contoso.com' }],
    commonName: 'sip.contoso.com', extensions: [], ekus: ['1.3.6.1.5.5.7.3.1'], keyUsage: null, isCA: false, pathLength: null, selfIssued: false,
    crlUrls: [], ocspUrls: [], caIssuerUrls: [], subjectKeyId: null, authorityKeyId: null, derBase64: '', parseError: null, ...extra,
  };
}

function result(extra: Partial<EndpointResult>): EndpointResult {
  return {
    target: 'contoso.com', type: 'FED', host: 'sip.contoso.com', ip: '127.0.0.2', port: 5061, poolMember: false, srv: null, srvRecord: null, poolAddresses: ['127.0.0.2'],
    error: null, tls: { protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', handshakeMs: 3, handshakeError: null, authorized: true, authorizationError: null },
    served: [cert('CN=sip.contoso.com')], chain: [], trust: null, servedChain: null, comments: [], rootLinks: [], revocation: null, checkedAt: '2026-11-21T10:00:00.000Z', ...extra,
  };
}

test('formula cells are neutralised, numbers are left alone', () => {
  for (const bad of ['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutraliseFormula(bad)[0], "'");
  assert.equal(neutraliseFormula('-30'), '-30');
  assert.equal(neutraliseFormula('CN=x'), 'CN=x');
  assert.equal(excelDate('2026-12-01T12:30:00.000Z'), '2026-12-01 12:30:00');
});

test('export: BOM, CRLF, quoting, fixed columns, read back by Python csv', () => {
  const hostile = cert('=cmd|\' /C calc\'!A0, CN="quoted, name"', { san: ['a.contoso.com', '@evil'] });
  const rows = [
    result({ comments: [{ id: 'expired', severity: 'error', text: 'Line one\nline "two", with comma' }] }),
    result({ served: [hostile], poolMember: true }),
    result({ served: [], error: { code: 'CONNECT_REFUSED', message: 'Connection refused by 127.0.0.9:5061.' } }),
  ];
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
});
