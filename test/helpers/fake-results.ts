// Canned CertInfo and EndpointResult objects for tests that need the shape, not real certificates
// (renderer, table and CSV export tests). For results built from real certificates see results.ts.
import type { CertInfo, EndpointResult } from '../../shared/types.ts';

/** A decoded leaf certificate as the engine reports it: sip.contoso.com from an issuing CA, with SANs, EKUs and CDP. */
export function fakeCert(overrides: Partial<CertInfo> = {}): CertInfo {
  return {
    subject: 'CN=sip.contoso.com, O=Contoso Ltd, L=Redmond, S=Washington, C=US',
    issuer: 'CN=Contoso Issuing CA 01, O=Contoso Ltd, C=US',
    notBefore: '2025-01-15T00:00:00.000Z',
    notAfter: '2026-02-14T23:59:59.000Z',
    serialNumber: '0A1B2C3D4E5F60718293A4B5C6D7E8F9',
    signatureAlgorithm: 'sha256RSA',
    signatureAlgorithmOid: '1.2.840.113549.1.1.11',
    thumbprint: '3F2A9C1D7E5B4A6C8D0E1F2A3B4C5D6E7F809A1B',
    sha256: 'AB'.repeat(32),
    version: 'V3',
    publicKey: { algorithm: 'RSA', size: 2048 },
    san: ['sip.contoso.com', 'sipfed.contoso.com', 'webconf.contoso.com'],
    sanEntries: [
      { type: 'dns', value: 'sip.contoso.com' },
      { type: 'dns', value: 'sipfed.contoso.com' },
      { type: 'dns', value: 'webconf.contoso.com' },
    ],
    commonName: 'sip.contoso.com',
    extensions: [
      { name: 'Key Usage', oid: '2.5.29.15', critical: true, data: 'Digital Signature, Key Encipherment (a0)' },
      {
        name: 'Enhanced Key Usage',
        oid: '2.5.29.37',
        critical: false,
        data: 'Server Authentication (1.3.6.1.5.5.7.3.1)\nClient Authentication (1.3.6.1.5.5.7.3.2)',
      },
      { name: 'Subject Alternative Name', oid: '2.5.29.17', critical: false, data: 'DNS Name=sip.contoso.com\nDNS Name=sipfed.contoso.com\nDNS Name=webconf.contoso.com' },
      {
        name: 'CRL Distribution Points',
        oid: '2.5.29.31',
        critical: false,
        data: '[1]CRL Distribution Point\n     Distribution Point Name:\n          Full Name:\n               URL=http://crl.contoso.com/issuing01.crl',
      },
    ],
    ekus: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    isCA: false,
    pathLength: null,
    selfIssued: false,
    crlUrls: ['http://crl.contoso.com/issuing01.crl'],
    ocspUrls: [],
    caIssuerUrls: ['http://pki.contoso.com/issuing01.crt'],
    subjectKeyId: '1A 2B 3C',
    authorityKeyId: '4D 5E 6F',
    derBase64: Buffer.from('fake certificate DER bytes').toString('base64'),
    parseError: null,
    ...overrides,
  };
}

/** The self-issued root the default chain ends at (trusted under the user's Trusted Roots). */
const FAKE_ROOT_CERT = fakeCert({
  subject: 'CN=Contoso Root CA, O=Contoso Ltd, C=US',
  issuer: 'CN=Contoso Root CA, O=Contoso Ltd, C=US',
  commonName: 'Contoso Root CA',
  thumbprint: '9988776655443322110099887766554433221100',
  isCA: true,
  selfIssued: true,
  san: [],
  sanEntries: [],
});

/**
 * A checked endpoint: the fake leaf served, a chain anchored at FAKE_ROOT_CERT, and one comment of each severity.
 * Tests pass what they depend on as overrides.
 */
export function fakeResult(overrides: Partial<EndpointResult> = {}): EndpointResult {
  const leaf = fakeCert();
  return {
    target: 'sip.contoso.com:5061',
    type: 'DIR',
    host: 'sip.contoso.com',
    ip: '127.0.0.5',
    port: 5061,
    poolMember: false,
    srv: null,
    srvRecord: null,
    poolAddresses: ['127.0.0.5'],
    error: null,
    tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', handshakeMs: 12, handshakeError: null, authorized: false, authorizationError: null },
    served: [leaf],
    certificateSource: 'wire',
    chain: [
      { cert: leaf, source: 'served', valid: true, reason: null },
      { cert: FAKE_ROOT_CERT, source: 'user', valid: true, reason: null },
    ],
    trust: { trusted: true, store: 'user', root: FAKE_ROOT_CERT.subject, reason: null },
    servedChain: { missingIssuer: null, notSentIntermediates: [], unusedIndexes: [], inOrder: true, rootSent: false },
    comments: [
      { id: 'cn-match', severity: 'ok', text: 'Common Name Match found.' },
      { id: 'san-match', severity: 'ok', text: 'FQDN is in SAN list.' },
      { id: 'client-eku-2026', severity: 'warning', text: 'Public CAs stop issuing the Client Authentication EKU in 2026: renewals will break federation.' },
      { id: 'self-test', severity: 'info', text: 'Chain anchored at a root added under Trusted Roots.' },
      { id: 'sha1-ca', severity: 'error', text: 'The issuing CA is signed with SHA-1: current clients refuse it.' },
    ],
    rootLinks: [{ label: 'Get Root Certs here', url: 'https://pki.contoso.com/' }],
    revocation: null,
    checkedAt: '2025-06-01T12:00:00.000Z',
    ...overrides,
  };
}
