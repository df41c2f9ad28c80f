// OpenSSL's verdicts on an x509-limbo suite, as a yardstick for ours (npm run conformance).
// Usage: tsx scripts/openssl-limbo.ts [suite.json] [--kind SERVER|CLIENT|all] [--harness-flags] [--json]
// Runs the system `openssl verify` once per testcase (once per expected name for CLIENT cases): the
// trusted certificates as -CAfile and nothing else trusted, the intermediates as -untrusted, the
// validation time as -attime, the peer name as -verify_hostname/-verify_ip/-verify_email, CRLs with
// -crl_check_all. By default -purpose follows the validation kind and -partial_chain is off; with
// --harness-flags it sets what x509-limbo's own OpenSSL harness sets (-x509_strict, -partial_chain,
// -auth_level 2, a purpose only from the testcase's EKU list), which reproduces its published figures.
// Prints each mismatch, then "openssl: M/N".
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { DEFAULT_LIMBO_PATH } from './conformance.ts';
import { parseKind, readSuite, selectKind, type ExpectedResult, type KindFilter, type LimboTestcase, type PeerName } from './limbo-suite.ts';

const execFileAsync = promisify(execFile);
const VERIFY_TIMEOUT_MS = 20_000;

const PURPOSES: Record<string, string> = { serverAuth: 'sslserver', clientAuth: 'sslclient', anyExtendedKeyUsage: 'any' };

export interface OpensslResult {
  id: string;
  expected: ExpectedResult;
  actual: ExpectedResult;
  /** openssl's error line when it rejected, or why the case could not be put to it. */
  reason: string | null;
}

function peerFlags(peer: PeerName | null): string[] {
  if (!peer) return [];
  if (peer.kind === 'DNS') return ['-verify_hostname', peer.value];
  if (peer.kind === 'IP') return ['-verify_ip', peer.value];
  return ['-verify_email', peer.value];
}

/** The `openssl verify` arguments for a testcase, with its PEM files written under dir. */
function verifyArgs(testcase: LimboTestcase, dir: string, harnessFlags: boolean): string[] {
  const file = (name: string, pems: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, pems.join('\n'));
    return path;
  };
  const args = ['verify', '-no-CApath', '-no-CAstore'];
  args.push(...(testcase.trusted_certs.length > 0 ? ['-CAfile', file('trusted.pem', testcase.trusted_certs)] : ['-no-CAfile']));
  if (testcase.untrusted_intermediates.length > 0) args.push('-untrusted', file('untrusted.pem', testcase.untrusted_intermediates));
  if (testcase.validation_time) args.push('-attime', String(Math.floor(Date.parse(testcase.validation_time) / 1000)));
  else if (harnessFlags) args.push('-no_check_time');
  const ekuPurpose = testcase.extended_key_usage.map((eku) => PURPOSES[eku]).find(Boolean);
  const kindPurpose = testcase.validation_kind === 'CLIENT' ? 'sslclient' : 'sslserver';
  const purpose = harnessFlags ? ekuPurpose : (ekuPurpose ?? kindPurpose);
  if (purpose) args.push('-purpose', purpose);
  if (testcase.max_chain_depth !== null) args.push('-verify_depth', String(testcase.max_chain_depth));
  if (testcase.crls.length > 0) args.push('-crl_check_all', '-CRLfile', file('crls.pem', testcase.crls));
  if (harnessFlags) args.push('-x509_strict', '-partial_chain', '-auth_level', '2');
  args.push(file('peer.pem', [testcase.peer_certificate]));
  return args;
}

/** null when openssl accepts, else its first error line. */
async function opensslRejects(args: string[]): Promise<string | null> {
  try {
    await execFileAsync('openssl', args, { timeout: VERIFY_TIMEOUT_MS, encoding: 'utf8' });
    return null;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    const line = `${stderr}\n${stdout}`.split('\n').find((l) => /error \d+ at/.test(l)) ?? stderr.split('\n').find(Boolean) ?? message;
    return line.replace(/^.*?error (\d+ at)/, 'error $1').trim();
  }
}

export async function judgeWithOpenssl(testcase: LimboTestcase, harnessFlags = false): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'limbo-openssl-'));
  try {
    const args = verifyArgs(testcase, dir, harnessFlags);
    const names = testcase.validation_kind === 'CLIENT' ? testcase.expected_peer_names : [testcase.expected_peer_name];
    for (const name of names.length > 0 ? names : [null]) {
      const reason = await opensslRejects([...args.slice(0, -1), ...peerFlags(name), ...args.slice(-1)]);
      if (reason) return reason;
    }
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runOpenssl(path: string, options: { kind?: KindFilter; harnessFlags?: boolean } = {}): Promise<OpensslResult[]> {
  const results: OpensslResult[] = [];
  for (const testcase of selectKind(readSuite(path).testcases, options.kind ?? 'SERVER')) {
    const reason = await judgeWithOpenssl(testcase, options.harnessFlags);
    results.push({ id: testcase.id, expected: testcase.expected_result, actual: reason === null ? 'SUCCESS' : 'FAILURE', reason });
  }
  return results;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { kind: { type: 'string', default: 'SERVER' }, 'harness-flags': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  const kind = parseKind(values.kind);
  const path = positionals[0] ?? DEFAULT_LIMBO_PATH;
  const results = await runOpenssl(path, { kind, harnessFlags: values['harness-flags'] });
  const mismatches = results.filter((r) => r.actual !== r.expected);
  if (values.json) {
    console.log(JSON.stringify({ suite: path, kind, harnessFlags: values['harness-flags'], results }, null, 2));
    return;
  }
  for (const miss of mismatches) console.log(`MISMATCH ${miss.id}: expected ${miss.expected}, got ${miss.actual}${miss.reason ? ` (${miss.reason})` : ''}`);
  console.log(`openssl: ${results.length - mismatches.length}/${results.length}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main().catch((error: Error) => {
    console.error(`openssl-limbo: ${error.message}`);
    process.exitCode = 2;
  });
}
