// Which of a few TLS 1.2 suites does the server accept? One hello per suite, each offering TLS 1.2 and
// that suite alone, all at once: bounded like any raw handshake (connect, then the first flight).
// Run only under a profile that names required suites (Direct Routing), so normal checks cost nothing.
import type { Endpoint } from '../../types.ts';
import { rawHandshake } from './tls/raw-client.ts';
import { cipherSuiteName } from './tls/constants.ts';

export interface SuiteProbeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** IANA suite name -> accepted, in the order given. */
export async function probeSuites(endpoint: Pick<Endpoint, 'ip' | 'port' | 'host'>, suites: readonly number[], options: SuiteProbeOptions): Promise<Record<string, boolean>> {
  const servername = endpoint.host === endpoint.ip ? null : endpoint.host;
  const answers = await Promise.all(
    suites.map((suite) =>
      rawHandshake({ ip: endpoint.ip, port: endpoint.port, servername, versions: ['TLSv1.2'], cipherSuites: [suite], timeoutMs: options.timeoutMs, signal: options.signal }),
    ),
  );
  return Object.fromEntries(suites.map((suite, i) => [cipherSuiteName(suite), answers[i]!.version === 'TLSv1.2' && answers[i]!.cipherSuiteId === suite]));
}
