// Synthetic endpoint results for the history tests: distinct certificates built from fake-results.ts,
// so a test can swap one certificate, drop an EKU or take a pool member away on purpose.
import { createHash } from 'node:crypto';
import type { CertInfo, EndpointResult } from '../../shared/types.ts';
import { fakeCert, fakeResult } from './fake-results.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** A leaf whose DER, SHA-1 and SHA-256 all follow from `seed`, so different seeds are different certificates. */
export function leafCert(seed: string, overrides: Partial<CertInfo> = {}): CertInfo {
  const der = Buffer.from(`certificate ${seed}`);
  return fakeCert({
    subject: `CN=${seed}`,
    commonName: seed,
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    derBase64: der.toString('base64'),
    notAfter: '2027-06-30T23:59:59.000Z',
    ekus: [SERVER_AUTH, CLIENT_AUTH],
    ...overrides,
  });
}

export const ROOT = leafCert('Contoso Root CA', { issuer: 'CN=Contoso Root CA', isCA: true, selfIssued: true, ekus: null });

/** A reached endpoint serving `leaf`, its chain ending at `root`. */
export function endpointResult(overrides: Partial<EndpointResult>, leaf: CertInfo, root: CertInfo = ROOT): EndpointResult {
  return fakeResult({
    served: [leaf],
    chain: [
      { cert: leaf, source: 'served', valid: true, reason: null },
      { cert: root, source: 'store', valid: true, reason: null },
    ],
    trust: { trusted: true, store: 'mozilla', root: root.subject, reason: null },
    comments: [{ id: 'san-match', severity: 'ok', text: 'FQDN is in SAN list.' }],
    ...overrides,
  });
}

/** Endpoint number i of a large synthetic list (for the crash and benchmark runs). */
export function syntheticResult(i: number): EndpointResult {
  const host = `sip.partner-${i}.example`;
  return endpointResult({ target: `partner-${i}.example`, type: 'FED', host, ip: `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 5061 }, leafCert(host));
}
