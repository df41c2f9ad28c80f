// Two runs of one list against loopback servers, with certificates swapped between them on purpose:
// a federation edge reissued without Client Authentication (FED SRV zone), one member of a pool (one
// name, two A records) given another certificate, and a server taken away. Used by the CLI and the UI tests.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestPki, type IssuedCert } from './pki.ts';
import { freePort, startDnsServer, startTlsServer, type RunningDnsServer, type RunningServer } from './servers.ts';

export const EDGE_IP = '127.0.0.41';
export const POOL_IPS = ['127.0.0.42', '127.0.0.43'] as const;
export const GONE_IP = '127.0.0.44';

export interface HistoryScenario {
  pki: TestPki;
  dns: RunningDnsServer;
  /** Domain,Type,Port list of the three targets. */
  listPath: string;
  listCsv: string;
  ports: { edge: number; pool: number; gone: number };
  certs: { edge: IssuedCert; edgeReissued: IssuedCert; pool: IssuedCert; poolOther: IssuedCert; gone: IssuedCert };
  /** Swap the certificates and take the server away: the state of the second run. */
  change(): Promise<void>;
  close(): Promise<void>;
}

export async function startHistoryScenario(): Promise<HistoryScenario> {
  const pki = new TestPki();
  const root = pki.issue({ cn: 'History Test Root', ca: true });
  const leaf = (cn: string, eku?: string) => pki.issue({ cn, sans: [`DNS:${cn}`], issuer: root, eku });
  const certs = {
    edge: leaf('sip.fabrikam.test'),
    edgeReissued: leaf('sip.fabrikam.test', 'serverAuth'),
    pool: leaf('pool.contoso.test'),
    poolOther: leaf('pool.contoso.test'),
    gone: leaf('gone.contoso.test'),
  };
  const ports = { edge: await freePort(EDGE_IP), pool: await freePort(POOL_IPS[0]), gone: await freePort(GONE_IP) };
  const serve = (host: string, port: number, cert: IssuedCert) => startTlsServer({ host, port, certPem: cert.certPem + root.certPem, keyPem: cert.keyPem });
  const servers: Record<string, RunningServer> = {
    edge: await serve(EDGE_IP, ports.edge, certs.edge),
    pool0: await serve(POOL_IPS[0], ports.pool, certs.pool),
    pool1: await serve(POOL_IPS[1], ports.pool, certs.pool),
    gone: await serve(GONE_IP, ports.gone, certs.gone),
  };
  const dns = await startDnsServer({
    records: {
      srv: { '_sipfederationtls._tcp.fabrikam.test': [{ priority: 0, weight: 0, port: ports.edge, target: 'sip.fabrikam.test' }] },
      a: { 'sip.fabrikam.test': [EDGE_IP], 'pool.contoso.test': [...POOL_IPS] },
    },
  });
  const listCsv = `Domain,Type,Port\r\nfabrikam.test,FED,\r\npool.contoso.test,DIR,${ports.pool}\r\n${GONE_IP},DIR,${ports.gone}\r\n`;
  const listPath = join(pki.dir, 'partners.csv');
  writeFileSync(listPath, listCsv);
  return {
    pki,
    dns,
    listPath,
    listCsv,
    ports,
    certs,
    async change() {
      await servers.edge!.close();
      servers.edge = await serve(EDGE_IP, ports.edge, certs.edgeReissued);
      await servers.pool1!.close();
      servers.pool1 = await serve(POOL_IPS[1], ports.pool, certs.poolOther);
      await servers.gone!.close();
      delete servers.gone;
    },
    async close() {
      await Promise.all([...Object.values(servers).map((s) => s.close()), dns.close()]);
    },
  };
}

/** The change records the second run must bring, as "kind target ip" (sorted). */
export const EXPECTED_CHANGES = [
  `certificate-changed fabrikam.test ${EDGE_IP}`,
  `eku-lost fabrikam.test ${EDGE_IP}`,
  `comment-new fabrikam.test ${EDGE_IP}`,
  // The two members now serve different certificates: both are told so.
  `comment-new pool.contoso.test ${POOL_IPS[0]}`,
  `comment-new pool.contoso.test ${POOL_IPS[1]}`,
  `certificate-changed pool.contoso.test ${POOL_IPS[1]}`,
  `reachability-lost ${GONE_IP} ${GONE_IP}`,
].sort();

/** The rows as Python's csv module reads them (what Excel-bound tooling would see). */
export function pythonCsv(path: string): Record<string, string>[] {
  const script = 'import csv,json,sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<string, string>[];
}
