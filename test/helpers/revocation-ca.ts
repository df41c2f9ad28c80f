// Revocation for test CAs: an `openssl ca` database per CA (index.txt) so that `-revoke`, `-gencrl`
// and `openssl ocsp -index` answer the way a real CA would, plus a loopback HTTP server with
// per-path handlers and request counts to publish CRLs, issuer certificates and OCSP answers.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IssuedCert } from './pki.ts';

const execFileAsync = promisify(execFile);

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface RevokedInfo {
  /** The revocation date openssl recorded (whole seconds). */
  revokedAt: Date;
}

/** The database of one CA certificate made by TestPki: register, revoke, publish CRLs, answer OCSP. */
export class RevocationCa {
  readonly dir: string;
  private readonly confPath: string;
  private counter = 0;

  constructor(readonly ca: IssuedCert, dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'sfbrevca-'));
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'crlnumber'), '01\n');
    this.confPath = join(this.dir, 'ca.cnf');
    writeFileSync(
      this.confPath,
      [
        '[ca]',
        'default_ca = revca',
        '[revca]',
        `dir = ${this.dir}`,
        'database = $dir/index.txt',
        'crlnumber = $dir/crlnumber',
        `certificate = ${ca.certPath}`,
        `private_key = ${ca.keyPath}`,
        'default_md = sha256',
        'default_crl_days = 1',
        'unique_subject = no',
        '',
      ].join('\n'),
    );
  }

  get indexPath(): string {
    return join(this.dir, 'index.txt');
  }

  /** Records certificates as valid, so that the OCSP responder answers "good" rather than "unknown". */
  register(...certs: IssuedCert[]): void {
    for (const cert of certs) openssl(['ca', '-config', this.confPath, '-valid', cert.certPath]);
  }

  /** Revokes with an RFC 5280 reason name (keyCompromise, cACompromise, superseded, ...). */
  revoke(cert: IssuedCert, reason = 'keyCompromise'): RevokedInfo {
    openssl(['ca', '-config', this.confPath, '-revoke', cert.certPath, '-crl_reason', reason]);
    const line = readFileSync(this.indexPath, 'utf8')
      .split('\n')
      .find((l) => l.split('\t')[3]?.toUpperCase() === cert.serial);
    const revocationField = line?.split('\t')[2] ?? '';
    return { revokedAt: fromUtcTime(revocationField.split(',')[0]!) };
  }

  /** A CRL of everything revoked so far, signed by this CA. */
  crl(opts: { hours?: number } = {}): { der: Buffer; pem: string } {
    const pemPath = join(this.dir, `crl${++this.counter}.pem`);
    const args = ['ca', '-config', this.confPath, '-gencrl', '-out', pemPath];
    if (opts.hours !== undefined) args.push('-crlhours', String(opts.hours));
    openssl(args);
    const pem = readFileSync(pemPath, 'utf8');
    const der = Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    return { der, pem };
  }

  /** Answers a DER OCSP request from the database, signed by the CA or by a delegated responder. */
  async ocspRespond(request: Buffer, signer?: IssuedCert): Promise<Buffer> {
    const n = ++this.counter;
    const requestPath = join(this.dir, `ocsp-req${n}.der`);
    const responsePath = join(this.dir, `ocsp-resp${n}.der`);
    writeFileSync(requestPath, request);
    const by = signer ?? this.ca;
    await execFileAsync('openssl', [
      'ocsp', '-index', this.indexPath, '-CA', this.ca.certPath, '-rsigner', by.certPath, '-rkey', by.keyPath,
      '-reqin', requestPath, '-respout', responsePath, '-ndays', '1',
    ]);
    return readFileSync(responsePath);
  }

  /** A response for one certificate made ahead of time: what a server staples. */
  async ocspResponseFor(cert: IssuedCert, signer?: IssuedCert): Promise<Buffer> {
    const requestPath = join(this.dir, `staple-req${++this.counter}.der`);
    openssl(['ocsp', '-issuer', this.ca.certPath, '-cert', cert.certPath, '-reqout', requestPath, '-no_nonce']);
    return this.ocspRespond(readFileSync(requestPath), signer);
  }

  /** This CA's certificate as a PKCS#7 certs-only bundle (.p7c), DER. */
  p7c(...extra: IssuedCert[]): Buffer {
    const outPath = join(this.dir, `bundle${++this.counter}.p7c`);
    const args = ['crl2pkcs7', '-nocrl', '-certfile', this.ca.certPath, '-outform', 'DER', '-out', outPath];
    for (const cert of extra) args.push('-certfile', cert.certPath);
    openssl(args);
    return readFileSync(outPath);
  }
}

/** openssl index dates: YYMMDDHHMMSSZ. */
function fromUtcTime(text: string): Date {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`unexpected openssl date ${text}`);
  const year = Number(m[1]) + (Number(m[1]) < 50 ? 2000 : 1900);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export type RouteHandler = (request: http.IncomingMessage, body: Buffer, response: http.ServerResponse) => void | Promise<void>;

export interface RouteServer {
  host: string;
  port: number;
  /** "http://127.0.0.1:PORT" */
  base: string;
  /** Requests received per path (query string excluded). */
  hits: Map<string, number>;
  route(path: string, handler: RouteHandler): void;
  /** Shorthand: always answer 200 with these bytes. */
  serve(path: string, bytes: Buffer | (() => Buffer), contentType?: string): void;
  close(): Promise<void>;
}

/** An HTTP server on loopback, port 0, that counts requests per path; unknown paths give 404. */
export async function startRouteServer(host = '127.0.0.1'): Promise<RouteServer> {
  const routes = new Map<string, RouteHandler>();
  const hits = new Map<string, number>();
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handler = routes.get(path);
      if (!handler) {
        response.statusCode = 404;
        response.end('not found');
        return;
      }
      Promise.resolve(handler(request, Buffer.concat(chunks), response)).catch(() => {
        if (!response.headersSent) response.statusCode = 500;
        response.end();
      });
    });
    response.on('error', () => {});
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    base: `http://${host}:${port}`,
    hits,
    route: (path, handler) => routes.set(path, handler),
    serve: (path, bytes, contentType = 'application/octet-stream') =>
      routes.set(path, (_request, _body, response) => {
        response.setHeader('Content-Type', contentType);
        response.end(typeof bytes === 'function' ? bytes() : bytes);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
