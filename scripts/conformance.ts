// Runs the x509-limbo test vectors (path validation conformance) through buildChain + matchHostname.
// Usage: npm run conformance [-- [suite.json] [--profile client|strict] [--kind SERVER|CLIENT|all] [--json]]
// Reads the December 2023 suite and the current one (limbo-suite.ts). Prints one line per testcase
// whose verdict differs from the expected one and per case slower than 200 ms, then one
// "limbo: M/N (profile)" line per profile (strict and client unless --profile picks one).
import { pemBlocks } from '../shared/bytes.ts';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildChain, chainAllowsPurpose, type ChainOutcome } from '../shared/engine/chain/index.ts';
import { formatIp, parseCertificate, type ParsedCert } from '../shared/engine/chain/cert.ts';
import { matchHostname } from '../shared/engine/chain/hostname.ts';
import { judgeChainAgainstCrls } from '../shared/engine/revocation/index.ts';
import type { SanEntry } from '../shared/types.ts';
import { parseKind, readSuite, selectKind, type ExpectedResult, type KindFilter, type LimboTestcase, type PeerName } from './limbo-suite.ts';

/** The suite in ../shared beside the repository (where every session and CI has it). */
export const DEFAULT_LIMBO_PATH = fileURLToPath(new URL('../../shared/conformance/x509-limbo.json', import.meta.url));

/** strict = RFC 5280 / CA/B Forum profile rules on top of what real clients enforce (shared/chain/profile.ts). */
export type Profile = 'strict' | 'client';
export const PROFILES: readonly Profile[] = ['strict', 'client'];

/** A case slower than this is printed: path building must not blow up on pathological inputs. */
export const SLOW_CASE_MS = 200;

/**
 * Revocation stage hook: given the validated chain and the testcase's CRLs, a reason to reject or null.
 * The default is the engine's own CRL judging (crlRevocationHook); with `null`, cases that carry CRLs
 * are judged on path validation alone and noted "crls ignored".
 */
export type RevocationHook = (input: { chain: ChainOutcome; crls: Uint8Array[]; at: Date }) => Promise<string | null> | string | null;

export interface JudgeOptions {
  profile?: Profile;
  revocation?: RevocationHook | null;
}

/**
 * The revocation stage on the testcase's CRLs (judgeChainAgainstCrls, the code downloaded CRLs go
 * through): a certificate listed on a usable CRL of its issuer is rejected, and so is one whose
 * issuer's CRLs are all unusable (an unusable CRL is no "not revoked"). No CRL from an issuer: not judged.
 */
export const crlRevocationHook: RevocationHook = async ({ chain, crls, at }) => {
  const judged = await judgeChainAgainstCrls(chain.links.map((link) => link.der), crls, at);
  for (const cert of judged.certificates) {
    if (cert.verdict?.status === 'revoked') return `${cert.subject} is revoked${cert.verdict.reason ? ` (${cert.verdict.reason})` : ''}, per its CA's CRL`;
    if (cert.crlsFromIssuer > 0 && !cert.verdict) return `No usable CRL for ${cert.subject}: ${cert.problems.join('; ')}`;
  }
  return null;
};

export interface Verdict {
  /** Why we rejected (null when accepted). */
  reason: string | null;
  /** What this judgement left out, e.g. "crls ignored". */
  notes: string[];
}

export interface CaseResult extends Verdict {
  id: string;
  expected: ExpectedResult;
  actual: ExpectedResult;
  ms: number;
}

export interface ConformanceReport {
  profile: Profile;
  schema: '2023' | 'current';
  matched: number;
  total: number;
  results: CaseResult[];
  mismatches: CaseResult[];
  slow: CaseResult[];
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

/** Our verdict for one testcase. */
export async function judgeTestcase(testcase: LimboTestcase, options: JudgeOptions = {}): Promise<Verdict> {
  const notes: string[] = [];
  const at = testcase.validation_time ? new Date(testcase.validation_time) : new Date();
  const served = [...pemBlocks(testcase.peer_certificate), ...testcase.untrusted_intermediates.flatMap((pem) => pemBlocks(pem))];
  const anchors = testcase.trusted_certs.flatMap((pem) => pemBlocks(pem)).map((der) => ({ der, store: 'user' as const }));
  const chain = await buildChain({ served, anchors, at, strict: (options.profile ?? 'strict') === 'strict' });
  const reject = (reason: string): Verdict => ({ reason, notes });
  if (!chain.trusted) return reject(chain.reason ?? 'not trusted');

  if (testcase.max_chain_depth !== null) {
    const depth = intermediateDepth(chain);
    if (depth > testcase.max_chain_depth) return reject(`${depth} intermediates exceed the maximum depth ${testcase.max_chain_depth}`);
  }
  for (const name of testcase.extended_key_usage) {
    const purpose = chainAllowsPurpose(chain.links, EKU_OIDS[name] ?? name);
    if (!purpose.ok) return reject(purpose.reason ?? `Not valid for ${name}`);
  }
  const leaf = parseCertificate(served[0]!);
  if (!leaf.ok) return reject(leaf.error);
  for (const usage of testcase.key_usage) {
    if (leaf.cert.keyUsage && !leaf.cert.keyUsage.usages.has(usage)) return reject(`Key usage lacks ${usage}`);
  }
  const wanted = testcase.validation_kind === 'CLIENT' ? testcase.expected_peer_names : testcase.expected_peer_name ? [testcase.expected_peer_name] : [];
  for (const peer of wanted) {
    if (!certificateNames(leaf.cert, peer)) return reject(`The certificate does not name ${peer.value}`);
  }
  if (testcase.crls.length > 0) {
    const crls = testcase.crls.flatMap((pem) => pemBlocks(pem, 'X509 CRL'));
    const revocation = options.revocation === undefined ? crlRevocationHook : options.revocation;
    if (!revocation) notes.push('crls ignored');
    else {
      const revoked = await revocation({ chain, crls, at });
      if (revoked) return reject(revoked);
    }
  }
  return { reason: null, notes };
}

/** Whether the leaf holds the name in its SAN (a CN-only match does not count, as in browsers and webpki). */
function certificateNames(cert: ParsedCert, peer: PeerName): boolean {
  const names = cert.subjectAltName?.names ?? [];
  if (peer.kind === 'RFC822') return names.some((n) => n.type === 'email' && sameMailbox(n.value, peer.value));
  const sanEntries: SanEntry[] = names.flatMap((n): SanEntry[] =>
    n.type === 'dns' ? [{ type: 'dns', value: n.value }] : n.type === 'ip' ? [{ type: 'ip', value: formatIp(n.bytes) }] : [],
  );
  const cn = cert.subject.flat().find((a) => a.oid === '2.5.4.3')?.text ?? null;
  const match = matchHostname(peer.value, { san: sanEntries.map((e) => e.value), sanEntries, commonName: cn });
  return match.matched && match.by !== 'cn';
}

/** RFC 5280 4.2.1.6: the local part compares exactly, the host part case-insensitively. */
function sameMailbox(presented: string, wanted: string): boolean {
  const split = (address: string) => {
    const at = address.lastIndexOf('@');
    return at < 0 ? null : { local: address.slice(0, at), host: address.slice(at + 1).toLowerCase() };
  };
  const a = split(presented);
  const b = split(wanted);
  return a !== null && b !== null && a.local === b.local && a.host === b.host;
}

/** Intermediates on the path, not counting self-issued ones (one logical CA) or the anchor. */
function intermediateDepth(chain: ChainOutcome): number {
  return chain.links.slice(1, -1).filter((link) => {
    const parsed = parseCertificate(link.der);
    return !(parsed.ok && parsed.cert.selfIssued);
  }).length;
}

export interface RunOptions extends JudgeOptions {
  /** Which validation kind to run; default SERVER (the kind a TLS client performs). */
  kind?: KindFilter;
}

/** Runs the suite's testcases of the chosen kind with one profile (default strict). */
export async function runConformance(path = DEFAULT_LIMBO_PATH, options: RunOptions = {}): Promise<ConformanceReport> {
  const suite = readSuite(path);
  const results: CaseResult[] = [];
  for (const testcase of selectKind(suite.testcases, options.kind ?? 'SERVER')) {
    const started = performance.now();
    let verdict: Verdict;
    try {
      verdict = await judgeTestcase(testcase, options);
    } catch (error) {
      verdict = { reason: `harness error: ${(error as Error).message}`, notes: [] };
    }
    const ms = Math.round(performance.now() - started);
    results.push({ id: testcase.id, expected: testcase.expected_result, actual: verdict.reason === null ? 'SUCCESS' : 'FAILURE', ms, ...verdict });
  }
  const mismatches = results.filter((r) => r.actual !== r.expected);
  const slow = results.filter((r) => r.ms > SLOW_CASE_MS);
  return { profile: options.profile ?? 'strict', schema: suite.schema, matched: results.length - mismatches.length, total: results.length, results, mismatches, slow };
}

function parseCli(argv: string[]): { path: string; profiles: readonly Profile[]; kind: KindFilter; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { profile: { type: 'string' }, kind: { type: 'string', default: 'SERVER' }, json: { type: 'boolean', default: false } },
  });
  const profile = values.profile;
  if (profile !== undefined && !PROFILES.includes(profile as Profile)) throw new Error(`--profile must be ${PROFILES.join(' or ')}`);
  const kind = parseKind(values.kind);
  if (positionals.length > 1) throw new Error('at most one suite file');
  return { path: positionals[0] ?? DEFAULT_LIMBO_PATH, profiles: profile ? [profile as Profile] : PROFILES, kind, json: values.json ?? false };
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const reports: ConformanceReport[] = [];
  for (const profile of cli.profiles) reports.push(await runConformance(cli.path, { profile, kind: cli.kind }));
  if (cli.json) {
    console.log(JSON.stringify({ suite: cli.path, schema: reports[0]?.schema, kind: cli.kind, reports }, null, 2));
    return;
  }
  for (const report of reports) {
    for (const miss of report.mismatches) {
      console.log(`MISMATCH (${report.profile}) ${miss.id}: expected ${miss.expected}, got ${miss.actual}${miss.reason ? ` (${miss.reason})` : ''}`);
    }
    for (const slow of report.slow) console.log(`SLOW (${report.profile}) ${slow.id}: ${slow.ms} ms`);
  }
  for (const [note, ids] of casesByNote(reports[0]?.results ?? [])) console.log(`note: ${note} in ${ids.length} cases: ${ids.join(', ')}`);
  for (const report of reports) console.log(`limbo: ${report.matched}/${report.total} (${report.profile})`);
}

/** "crls ignored" -> the ids it applies to. */
function casesByNote(results: CaseResult[]): Map<string, string[]> {
  const byNote = new Map<string, string[]>();
  for (const result of results) for (const note of result.notes) byNote.set(note, [...(byNote.get(note) ?? []), result.id]);
  return byNote;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main().catch((error: Error) => {
    console.error(`conformance: ${error.message}`);
    process.exitCode = 2;
  });
}
