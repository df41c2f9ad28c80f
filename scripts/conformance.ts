// Runs the x509-limbo test vectors (path validation conformance) through buildChain + matchHostname.
// Usage: npm run conformance [-- path/to/x509-limbo.json]
// Prints one line per testcase whose verdict differs from the expected one, then "limbo: M/N".
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildChain, chainAllowsPurpose, type ChainOutcome } from '../shared/chain.ts';
import { formatIp, parseCertificate } from '../shared/chain/cert.ts';
import { matchHostname } from '../shared/hostname.ts';
import { pemToDer } from '../shared/trust-store.ts';
import type { SanEntry } from '../shared/types.ts';

/** The suite in ../shared beside the repository (where every session and CI has it). */
export const DEFAULT_LIMBO_PATH = fileURLToPath(new URL('../../shared/conformance/x509-limbo.json', import.meta.url));

interface LimboTestcase {
  id: string;
  validation_kind: string;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  extended_key_usage: string[] | null;
  key_usage: string[] | null;
  max_chain_depth: number | null;
  expected_result: 'SUCCESS' | 'FAILURE';
}

export interface CaseResult {
  id: string;
  expected: 'SUCCESS' | 'FAILURE';
  actual: 'SUCCESS' | 'FAILURE';
  /** Why we rejected (null when accepted). */
  reason: string | null;
}

export interface ConformanceReport {
  matched: number;
  total: number;
  results: CaseResult[];
  mismatches: CaseResult[];
}

const EKU_OIDS: Record<string, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  OCSPSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

/** Our verdict for one testcase: null when accepted, else the reason for rejecting it. */
export async function judgeTestcase(testcase: LimboTestcase, strict = true): Promise<string | null> {
  const at = testcase.validation_time ? new Date(testcase.validation_time) : new Date();
  const served = [...pemToDer(testcase.peer_certificate), ...testcase.untrusted_intermediates.flatMap(pemToDer)];
  const anchors = testcase.trusted_certs.flatMap(pemToDer).map((der) => ({ der, store: 'user' as const }));
  const chain = await buildChain({ served, anchors, at, strict });
  if (!chain.trusted) return chain.reason ?? 'not trusted';

  if (testcase.max_chain_depth !== null) {
    const depth = intermediateDepth(chain);
    if (depth > testcase.max_chain_depth) return `${depth} intermediates exceed the maximum depth ${testcase.max_chain_depth}`;
  }
  for (const name of testcase.extended_key_usage ?? []) {
    const oid = EKU_OIDS[name] ?? name;
    const purpose = chainAllowsPurpose(chain.links, oid);
    if (!purpose.ok) return purpose.reason;
  }
  const leaf = parseCertificate(served[0]!);
  if (!leaf.ok) return leaf.error;
  for (const usage of testcase.key_usage ?? []) {
    if (leaf.cert.keyUsage && !leaf.cert.keyUsage.usages.has(usage)) return `Key usage lacks ${usage}`;
  }
  const peer = testcase.expected_peer_name;
  if (peer && (peer.kind === 'DNS' || peer.kind === 'IP')) {
    const sanEntries: SanEntry[] = (leaf.cert.subjectAltName?.names ?? []).flatMap((n): SanEntry[] =>
      n.type === 'dns' ? [{ type: 'dns', value: n.value }] : n.type === 'ip' ? [{ type: 'ip', value: formatIp(n.bytes) }] : [],
    );
    const cn = leaf.cert.subject.flat().find((a) => a.oid === '2.5.4.3')?.text ?? null;
    const match = matchHostname(peer.value, { san: sanEntries.map((e) => e.value), sanEntries, commonName: cn });
    // Modern clients (browsers, webpki) ignore the CN; matchHostname reports a CN match so we can refuse it here.
    if (!match.matched || match.by === 'cn') return `The certificate does not name ${peer.value}`;
  }
  return null;
}

/** Intermediates on the path, not counting self-issued ones (one logical CA) or the anchor. */
function intermediateDepth(chain: ChainOutcome): number {
  return chain.links.slice(1, -1).filter((link) => {
    const parsed = parseCertificate(link.der);
    return !(parsed.ok && parsed.cert.selfIssued);
  }).length;
}

/** Runs every testcase; `strict` (default) adds the RFC 5280 / CA/B Forum profile rules to path validation. */
export async function runConformance(path = DEFAULT_LIMBO_PATH, options: { strict?: boolean } = {}): Promise<ConformanceReport> {
  const suite = JSON.parse(readFileSync(path, 'utf8')) as { testcases: LimboTestcase[] };
  const results: CaseResult[] = [];
  for (const testcase of suite.testcases) {
    let reason: string | null;
    try {
      reason = await judgeTestcase(testcase, options.strict ?? true);
    } catch (error) {
      reason = `harness error: ${(error as Error).message}`;
    }
    results.push({ id: testcase.id, expected: testcase.expected_result, actual: reason === null ? 'SUCCESS' : 'FAILURE', reason });
  }
  const mismatches = results.filter((r) => r.actual !== r.expected);
  return { matched: results.length - mismatches.length, total: results.length, results, mismatches };
}

async function main(): Promise<void> {
  const report = await runConformance(process.argv[2] ?? DEFAULT_LIMBO_PATH);
  for (const miss of report.mismatches) {
    console.log(`MISMATCH ${miss.id}: expected ${miss.expected}, got ${miss.actual}${miss.reason ? ` (${miss.reason})` : ''}`);
  }
  console.log(`limbo: ${report.matched}/${report.total}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
