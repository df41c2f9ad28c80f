// A small world of loopback servers for end-to-end tests: one PKI, TLS servers for the classic
// certificate faults on their own 127.0.0.x addresses, and a DNS server that names them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestPki, bundle, opensslDate, daysFromNow, type IssuedCert } from './pki.ts';
import {
  startTlsServer,
  startDnsServer,
  startSilentServer,
  startHttpServer,
  startRawServer,
  closedPort,
  type RunningServer,
  type RunningDnsServer,
} from './servers.ts';

export interface World {
  pki: TestPki;
  root: IssuedCert;
  ca: IssuedCert;
  /** Certificates by case name. */
  certs: Record<string, IssuedCert>;
  /** Servers by case name. */
  servers: Record<string, RunningServer>;
  dns: RunningDnsServer;
  closedPort: number;
  close(): Promise<void>;
}

/** Every case the engine must report correctly. Each gets its own loopback server. */
export async function startWorld(): Promise<World> {
  const pki = new TestPki();
  const { root, ca } = pki.hierarchy('World');
  const leaf = (cn: string, extra: Parameters<TestPki['issue']>[0] = { cn }) =>
    pki.issue({ sans: [`DNS:${cn}`], issuer: ca, crlUrl: 'http://127.0.0.1:9/world.crl', ...extra, cn });
  const unrelated = pki.issue({ cn: 'Unrelated Extra CA', ca: true });

  const certs: Record<string, IssuedCert> = {
    good: leaf('sip.contoso.com'),
    expired: leaf('expired.contoso.com', { cn: 'expired.contoso.com', startDate: '20200101000000Z', endDate: '20210101000000Z' }),
    selfSigned: pki.issue({ cn: 'self.contoso.com', sans: ['DNS:self.contoso.com'] }),
    wrongName: leaf('other.fabrikam.com'),
    sha1: leaf('sha1.contoso.com', { cn: 'sha1.contoso.com', md: 'sha1' }),
    pool2: leaf('sip.contoso.com'),
    soon: leaf('soon.contoso.com', { cn: 'soon.contoso.com', endDate: opensslDate(daysFromNow(10)) }),
  };
  certs.root = root;
  certs.ca = ca;
  certs.unrelated = unrelated;

  const serve = (cert: IssuedCert, chain: IssuedCert[], host: string, extra: Partial<Parameters<typeof startTlsServer>[0]> = {}) =>
    startTlsServer({ host, certPem: bundle(cert, ...chain), keyPem: cert.keyPem, ...extra });

  // The DNSLB pool: one name, three addresses, one port; the third member has another certificate.
  const good = await serve(certs.good, [ca], '127.0.0.2');
  const servers: Record<string, RunningServer> = {
    good,
    pool2: await serve(certs.good, [ca], '127.0.0.3', { port: good.port }),
    pool3: await serve(certs.pool2, [ca], '127.0.0.4', { port: good.port }),
    expired: await serve(certs.expired, [ca], '127.0.0.5'),
    selfSigned: await serve(certs.selfSigned, [], '127.0.0.6'),
    noIntermediate: await serve(certs.good, [], '127.0.0.7'),
    wrongName: await serve(certs.wrongName, [ca], '127.0.0.8'),
    sha1: await serve(certs.sha1, [ca], '127.0.0.9'),
    clientCert: await serve(certs.good, [ca], '127.0.0.10', { requestCert: true, clientCaPem: root.certPem }),
    tls12: await serve(certs.good, [ca], '127.0.0.11', { maxVersion: 'TLSv1.2' }),
    tls13: await serve(certs.good, [ca], '127.0.0.12', { minVersion: 'TLSv1.3' }),
    wrongOrder: await startTlsServer({ host: '127.0.0.13', certPem: bundle(certs.good, root, ca), keyPem: certs.good.keyPem }),
    extraCert: await serve(certs.good, [ca, unrelated], '127.0.0.14'),
    withRoot: await serve(certs.good, [ca, root], '127.0.0.15'),
    soon: await serve(certs.soon, [ca], '127.0.0.16'),
    silent: await startSilentServer('127.0.0.20'),
    http: await startHttpServer('127.0.0.21'),
    garbage: await startRawServer(Buffer.from('\x16\x03\x01\x00\x05garbage-bytes-that-are-not-tls\r\n'), '127.0.0.22'),
  };
  const closed = await closedPort('127.0.0.23');

  const dns = await startDnsServer({
    records: {
      srv: {
        '_sipfederationtls._tcp.contoso.com': [{ priority: 0, weight: 0, port: servers.good.port, target: 'sip.contoso.com' }],
        '_sip._tls.contoso.com': [{ priority: 0, weight: 0, port: servers.wrongName.port, target: 'wrong.contoso.com' }],
      },
      a: { 'sip.contoso.com': ['127.0.0.2', '127.0.0.3', '127.0.0.4'], 'wrong.contoso.com': ['127.0.0.8'], 'expired.contoso.com': ['127.0.0.5'] },
      silent: ['slow.contoso.com'],
    },
  });

  return {
    pki,
    root,
    ca,
    certs,
    servers,
    dns,
    closedPort: closed,
    close: async () => {
      await Promise.all([...Object.values(servers).map((s) => s.close()), dns.close()]);
    },
  };
}

/** host:port of a world server, for the command line. */
export function at(server: RunningServer): string {
  return `${server.host}:${server.port}`;
}

/** The world's root as a PEM file, for --trust. */
export function trustedRootFile(world: World): string {
  const file = join(world.pki.dir, 'trusted-root.pem');
  writeFileSync(file, world.root.certPem);
  return file;
}
