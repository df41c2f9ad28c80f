// Test certificates made by the openssl command line, so that tests compare what the engine
// decodes with what an independent tool generated and reports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCert {
  name: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  der: Buffer;
  /** SHA-1 fingerprint as openssl prints it, upper-case hex without colons. */
  thumbprint: string;
  /** Serial as openssl prints it, upper-case hex. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
}

export interface IssueOptions {
  /** Subject common name. */
  cn: string;
  /** Extra subject RDNs before CN, e.g. "/C=US/O=Contoso". */
  subjectPrefix?: string;
  /** SAN entries in openssl syntax: "DNS:sip.contoso.com", "IP:127.0.0.1". */
  sans?: string[];
  /** Issuer; omit for a self-signed certificate. */
  issuer?: IssuedCert;
  ca?: boolean;
  pathLen?: number;
  /** extendedKeyUsage value, e.g. "serverAuth,clientAuth"; null for none. Default serverAuth,clientAuth for leaves. */
  eku?: string | null;
  keyUsage?: string | null;
  /** Digest: sha256 (default), sha1, md5, sha384. */
  md?: string;
  /** RSA-PSS signature. */
  pss?: boolean;
  /** Key spec for genpkey: "rsa:2048" (default), "rsa:1024", "ec:P-256", "ec-explicit:P-256" (curve as explicit parameters). */
  key?: string;
  /** openssl ca date syntax YYYYMMDDHHMMSSZ; default now-1day .. now+days. */
  startDate?: string;
  endDate?: string;
  days?: number;
  crlUrl?: string;
  /** Several CRL distribution points, in order (after crlUrl when both are given). */
  crlUrls?: string[];
  aiaIssuerUrl?: string;
  ocspUrl?: string;
  /** Extra raw extension lines for the openssl config. */
  extraExt?: string[];
  /** Reuse another certificate's key (cross-signing). */
  reuseKeyOf?: IssuedCert;
  /** false: no Authority Key Identifier (openssl 3 adds one by default, hence authorityKeyIdentifier = none). */
  authorityKeyId?: false;
  /** Keep the subject RDNs in the order given (openssl ca otherwise reorders them by its policy). */
  preserveDn?: boolean;
}

/** openssl's date syntax for `ca -startdate/-enddate`. */
export function opensslDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}

function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export class TestPki {
  readonly dir: string;
  private counter = 0;

  constructor(dir?: string) {
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'sfbpki-'));
  }

  issue(opts: IssueOptions): IssuedCert {
    const name = `c${++this.counter}-${opts.cn.replace(/[^a-z0-9.-]/gi, '_')}`;
    const base = join(this.dir, name);
    const keyPath = `${base}.key`;
    if (opts.reuseKeyOf) {
      writeFileSync(keyPath, opts.reuseKeyOf.keyPem);
    } else {
      const [kind, param] = (opts.key ?? 'rsa:2048').split(':');
      const keyArgs =
        kind === 'ec' || kind === 'ec-explicit'
          ? ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${param}`, ...(kind === 'ec-explicit' ? ['-pkeyopt', 'ec_param_enc:explicit'] : [])]
          : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${param}`];
      openssl(['genpkey', ...keyArgs, '-out', keyPath]);
    }
    const subject = `${opts.subjectPrefix ?? ''}/CN=${opts.cn}`;
    const isCa = opts.ca ?? false;
    const ext: string[] = [];
    ext.push(
      isCa
        ? `basicConstraints = critical, CA:true${opts.pathLen !== undefined ? `, pathlen:${opts.pathLen}` : ''}`
        : 'basicConstraints = CA:false',
    );
    const ku = opts.keyUsage !== undefined ? opts.keyUsage : isCa ? 'critical, keyCertSign, cRLSign' : 'critical, digitalSignature, keyEncipherment';
    if (ku) ext.push(`keyUsage = ${ku}`);
    const eku = opts.eku !== undefined ? opts.eku : isCa ? null : 'serverAuth, clientAuth';
    if (eku) ext.push(`extendedKeyUsage = ${eku}`);
    if (opts.sans?.length) ext.push(`subjectAltName = ${opts.sans.join(', ')}`);
    ext.push('subjectKeyIdentifier = hash');
    if (opts.issuer) ext.push(opts.authorityKeyId === false ? 'authorityKeyIdentifier = none' : 'authorityKeyIdentifier = keyid:always');
    const crlUrls = [...(opts.crlUrl ? [opts.crlUrl] : []), ...(opts.crlUrls ?? [])];
    if (crlUrls.length) ext.push(`crlDistributionPoints = ${crlUrls.map((url) => `URI:${url}`).join(', ')}`);
    const aia: string[] = [];
    if (opts.aiaIssuerUrl) aia.push(`caIssuers;URI:${opts.aiaIssuerUrl}`);
    if (opts.ocspUrl) aia.push(`OCSP;URI:${opts.ocspUrl}`);
    if (aia.length) ext.push(`authorityInfoAccess = ${aia.join(', ')}`);
    ext.push(...(opts.extraExt ?? []));

    const caDir = join(this.dir, `${name}.ca`);
    mkdirSync(join(caDir, 'new'), { recursive: true });
    writeFileSync(join(caDir, 'index.txt'), '');
    const serialHex = randomSerial();
    writeFileSync(join(caDir, 'serial'), `${serialHex}\n`);
    const conf = [
      '[ca]',
      'default_ca = testca',
      '[testca]',
      `dir = ${caDir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/new',
      'serial = $dir/serial',
      'policy = anything',
      'email_in_dn = no',
      'unique_subject = no',
      'copy_extensions = none',
      `default_md = ${opts.md ?? 'sha256'}`,
      '[anything]',
      'commonName = supplied',
      'countryName = optional',
      'organizationName = optional',
      'organizationalUnitName = optional',
      'stateOrProvinceName = optional',
      'localityName = optional',
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      '[ext]',
      ...ext,
      '',
    ].join('\n');
    const confPath = `${base}.cnf`;
    writeFileSync(confPath, conf);
    const csrPath = `${base}.csr`;
    openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csrPath, '-config', confPath]);
    const certPath = `${base}.pem`;
    const start = opts.startDate ?? opensslDate(daysFromNow(-1));
    const end = opts.endDate ?? opensslDate(daysFromNow(opts.days ?? 365));
    const signArgs = [
      'ca', '-batch', '-config', confPath, '-in', csrPath, '-out', certPath, '-notext',
      '-extensions', 'ext', '-startdate', start, '-enddate', end, '-md', opts.md ?? 'sha256',
    ];
    if (opts.issuer) signArgs.push('-cert', opts.issuer.certPath, '-keyfile', opts.issuer.keyPath);
    else signArgs.push('-selfsign', '-keyfile', keyPath);
    if (opts.preserveDn) signArgs.push('-preserveDN');
    if (opts.pss) signArgs.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32');
    openssl(signArgs);
    return loadIssued(name, certPath, keyPath);
  }

  /** A root, an issuing CA under it, and helpers for leaves: the usual public-CA shape. */
  hierarchy(prefix = 'Test'): { root: IssuedCert; ca: IssuedCert } {
    const root = this.issue({ cn: `${prefix} Root CA`, subjectPrefix: '/O=Contoso Test', ca: true, days: 3650 });
    const ca = this.issue({ cn: `${prefix} Issuing CA`, subjectPrefix: '/O=Contoso Test', ca: true, issuer: root, days: 1825 });
    return { root, ca };
  }
}

export function loadIssued(name: string, certPath: string, keyPath: string): IssuedCert {
  const certPem = readFileSync(certPath, 'utf8').replace(/^[\s\S]*?(-----BEGIN CERTIFICATE-----)/, '$1');
  writeFileSync(certPath, certPem);
  const fields = openssl(['x509', '-in', certPath, '-noout', '-fingerprint', '-sha1', '-serial', '-startdate', '-enddate', '-subject', '-nameopt', 'RFC2253']);
  const get = (key: string) => {
    const line = fields.split('\n').find((l) => l.toLowerCase().startsWith(key.toLowerCase()));
    if (!line) throw new Error(`openssl did not print ${key}`);
    return line.slice(line.indexOf('=') + 1).trim();
  };
  const der = Buffer.from(certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return {
    name,
    certPath,
    keyPath,
    certPem,
    keyPem: readFileSync(keyPath, 'utf8'),
    der,
    thumbprint: get('SHA1 Fingerprint').replace(/:/g, '').toUpperCase(),
    serial: get('serial').toUpperCase(),
    notBefore: new Date(get('notBefore')),
    notAfter: new Date(get('notAfter')),
    subject: fields.split('\n').find((l) => l.startsWith('subject='))!.slice('subject='.length).trim(),
  };
}

function randomSerial(): string {
  // 16 hex digits with a non-zero leading nibble so openssl prints it unpadded.
  const hex = Array.from({ length: 16 }, () => '0123456789ABCDEF'[Math.floor(Math.random() * 16)]).join('');
  return `${'123456789ABCDEF'[Math.floor(Math.random() * 15)]}${hex.slice(1)}`;
}

/** PEM bundle of several certificates, in the given order. */
export function bundle(...certs: IssuedCert[]): string {
  return certs.map((c) => c.certPem.trim()).join('\n') + '\n';
}
