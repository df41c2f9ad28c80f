// The SIP OPTIONS and client-certificate rules (shared/engine/rules/sip.ts) on canned facts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIP_RULES } from '../shared/engine/rules/sip.ts';
import type { RuleContext } from '../shared/engine/rules/types.ts';
import type { EndpointResult, SipOptionsResult } from '../shared/types.ts';
import { fakeResult } from './helpers/fake-results.ts';

const PARTNER_ROOT = 'CN=Partner Root CA, O=Contoso Test';

function sipFact(overrides: Partial<SipOptionsResult> = {}): SipOptionsResult {
  return {
    requestUri: 'sip:sbc.contoso.com:5061;transport=tls',
    domain: 'contoso.com',
    outcome: 'answered',
    statusCode: 200,
    reasonPhrase: 'OK',
    server: 'kamailio (5.6.3 (x86_64/linux))',
    userAgent: null,
    allow: [],
    supported: [],
    diagnostics: [],
    roundTripMs: 12,
    tlsProtocol: 'TLSv1.2',
    alert: null,
    error: null,
    clientCertificate: null,
    ...overrides,
  };
}

const ours = { subject: 'CN=sbc.partner.test', issuer: 'CN=Partner Issuing CA, O=Contoso Test', thumbprint: 'AB'.repeat(20), notAfter: '2027-01-01T00:00:00.000Z', issuerNames: ['CN=Partner Issuing CA, O=Contoso Test', PARTNER_ROOT] };

function comments(sip: SipOptionsResult, overrides: Partial<EndpointResult> = {}) {
  const result = fakeResult({ sip, comments: [], ...overrides });
  const ctx: RuleContext = { result, pool: [result], ipTarget: false, now: new Date(result.checkedAt) };
  return SIP_RULES.flatMap((rule) => rule.check(ctx));
}

describe('SIP rules', () => {
  it('say nothing when no OPTIONS was sent', () => {
    const result = fakeResult({ comments: [] });
    assert.deepEqual(SIP_RULES.flatMap((rule) => rule.check({ result, pool: [result], ipTarget: false, now: new Date() })), []);
  });

  it('sip-options-ok: the status, the round trip and the server', () => {
    const [comment, ...rest] = comments(sipFact());
    assert.equal(rest.length, 0);
    assert.equal(comment!.id, 'sip-options-ok');
    assert.equal(comment!.severity, 'ok');
    assert.match(comment!.text, /200 OK in 12 ms \(kamailio/);
  });

  it('sip-options-refused: a 403 with ms-diagnostics 1047 explained', () => {
    const fact = sipFact({
      outcome: 'refused',
      statusCode: 403,
      reasonPhrase: 'Forbidden',
      diagnostics: [{ header: 'ms-diagnostics', code: 1047, reason: 'Failed to complete TLS negotiation with a federated peer', source: 'edge.contoso.com', raw: '1047;...' }],
    });
    const [comment] = comments(fact);
    assert.equal(comment!.id, 'sip-options-refused');
    assert.equal(comment!.severity, 'warning');
    assert.match(comment!.text, /403 Forbidden; ms-diagnostics 1047 \("Failed to complete TLS negotiation with a federated peer" from edge\.contoso\.com\): .*trust the other's root/);
  });

  it('sip-options-refused: 1034 and 504 explained, on a 5xx', () => {
    const fact = sipFact({
      outcome: 'server-error',
      statusCode: 504,
      reasonPhrase: 'Server Time-out',
      diagnostics: [
        { header: 'ms-diagnostics-public', code: 1034, reason: null, source: null, raw: '1034' },
        { header: 'ms-diagnostics', code: 504, reason: null, source: null, raw: '504' },
      ],
    });
    const text = comments(fact)[0]!.text;
    assert.match(text, /1034: the previous hop/);
    assert.match(text, /504: server time-out/);
  });

  it('sip-no-response: silence, and a far end that wants a client certificate', () => {
    const silent = comments(sipFact({ outcome: 'no-response', statusCode: null, reasonPhrase: null, error: { code: 'PROTOCOL_ERROR', message: 'x did not answer the SIP OPTIONS within 5000 ms.' } }));
    assert.deepEqual(silent.map((c) => [c.id, c.severity]), [['sip-no-response', 'error']]);
    assert.match(silent[0]!.text, /within 5000 ms\. .*SIP service runs/);
    const wants = comments(sipFact({ outcome: 'tls-refused', statusCode: null, alert: 'certificate_required', error: { code: 'TLS_ALERT', message: 'x ended the TLS session.' } }));
    assert.match(wants[0]!.text, /demands a client certificate .*My certificate/);
  });

  it('sip-no-response stays quiet when the endpoint could not be reached at all (its error says so)', () => {
    const fact = sipFact({ outcome: 'not-connected', statusCode: null, error: { code: 'CONNECT_REFUSED', message: 'refused' } });
    assert.deepEqual(comments(fact, { error: { code: 'CONNECT_REFUSED', message: 'refused' } }), []);
  });

  it('sip-client-cert-accepted: names our CA when the far end lists it', () => {
    const fact = sipFact({ clientCertificate: { ...ours, verdict: 'accepted' } });
    const result = comments(fact, { tls: { ...fakeResult().tls, clientCertRequested: true, acceptableCAs: [PARTNER_ROOT] } });
    const accepted = result.find((c) => c.id === 'sip-client-cert-accepted')!;
    assert.equal(accepted.severity, 'ok');
    assert.match(accepted.text, /accepted your certificate sbc\.partner\.test .*lists your CA Partner Root CA/);
  });

  it('sip-client-cert-refused: the alert explained and the CAs the far end accepts, no sip-no-response', () => {
    const fact = sipFact({ outcome: 'tls-refused', statusCode: null, alert: 'unknown_ca', clientCertificate: { ...ours, verdict: 'refused' } });
    const result = comments(fact, { tls: { ...fakeResult().tls, clientCertRequested: true, acceptableCAs: ['CN=Other Root, O=Fabrikam'] } });
    assert.deepEqual(result.map((c) => c.id), ['sip-client-cert-refused']);
    assert.match(result[0]!.text, /alert unknown_ca: it does not trust the CA .*accepts are: Other Root; none issued your certificate/);
  });

  it('every SIP rule id is explained in the README rules table', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const rule of SIP_RULES) assert.ok(readme.includes(`| \`${rule.id}\` | ${rule.severity} |`), rule.id);
  });
});
