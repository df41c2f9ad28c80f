// The bench's world, planned (pure, so the fleet child and the bench agree on it): servers, DIR and FED
// targets, the DNS zone, and the partner certificates made in-process over each server's key.
import { createHash, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1 from '@peculiar/asn1-x509';
import { toBytes, toPem } from '../../shared/bytes.ts';
import type { TargetInput } from '../../shared/types.ts';
import type { IssuedCert } from '../../test/helpers/pki.ts';
import type { DnsRecords } from '../../test/helpers/servers.ts';

export interface WorldPlan {
  /** Per server: its address, the CA that issues its certificates, and the names it serves (one certificate each). */
  servers: { ip: string; issuer: number; names: string[] }[];
  issuingCas: number;
  /** DIR targets: a host name with one A record, pointing at one server. */
  dir: { name: string; server: number }[];
  /** FED targets: an SRV record to a pool name whose A records point at several servers. */
  fed: { domain: string; pool: string; members: number[] }[];
}

const ZONE = 'bench.test';
/** Where the CAs publish their CRLs (loopback, outside the servers' 127.77.0.0/16). */
export const CRL_HOST = '127.78.0.1';
const FED_SRV_PREFIX = '_sipfederationtls._tcp.';

/** 127.77.0.1, 127.77.0.2 ... 127.77.0.250, 127.77.1.1 ...: loopback addresses no other test uses. */
export function serverIp(index: number): string {
  return `127.77.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/** About half the endpoints come from DIR host:port targets, half from FED pools of three. */
export function planWorld(endpoints: number, servers: number): WorldPlan {
  const poolSize = Math.min(3, servers);
  const fedCount = Math.floor(endpoints / 2 / poolSize);
  const dirCount = endpoints - fedCount * poolSize;
  const issuingCas = Math.min(3, servers);
  const plan: WorldPlan = {
    servers: Array.from({ length: servers }, (_, i) => ({ ip: serverIp(i), issuer: i % issuingCas, names: [] })),
    issuingCas,
    dir: [],
    fed: [],
  };
  for (let j = 0; j < dirCount; j++) {
    const name = `sip.dir${j}.${ZONE}`;
    plan.dir.push({ name, server: j % servers });
    plan.servers[j % servers].names.push(name);
  }
  for (let k = 0; k < fedCount; k++) {
    const pool = `sip.pool${k}.${ZONE}`;
    const members = Array.from({ length: poolSize }, (_, m) => (k * poolSize + m) % servers);
    plan.fed.push({ domain: `fed${k}.${ZONE}`, pool, members });
    for (const member of members) plan.servers[member].names.push(pool);
  }
  return plan;
}

/** The targets in request order, DIR and FED interleaved the way a mixed partner list would be. */
export function benchTargets(plan: WorldPlan, port: number): TargetInput[] {
  const dir: TargetInput[] = plan.dir.map((d) => ({ input: `${d.name}:${port}`, type: 'DIR' }));
  const fed: TargetInput[] = plan.fed.map((f) => ({ input: f.domain, type: 'FED' }));
  const targets: TargetInput[] = [];
  for (let i = 0; i < Math.max(dir.length, fed.length); i++) {
    if (i < dir.length) targets.push(dir[i]);
    if (i < fed.length) targets.push(fed[i]);
  }
  return targets;
}

export function zone(plan: WorldPlan, port: number): DnsRecords {
  const a: Record<string, string[]> = {};
  const srv: NonNullable<DnsRecords['srv']> = {};
  for (const d of plan.dir) a[d.name] = [plan.servers[d.server].ip];
  for (const f of plan.fed) {
    a[f.pool] = f.members.map((m) => plan.servers[m].ip);
    srv[`${FED_SRV_PREFIX}${f.domain}`] = [{ priority: 0, weight: 0, port, target: f.pool }];
  }
  return { a, srv };
}

/** Each name's certificate is made over the key of the server it is "homed" on (a pool's first member). */
export function leafHomes(plan: WorldPlan): { name: string; home: number }[] {
  return [...plan.dir.map((d) => ({ name: d.name, home: d.server })), ...plan.fed.map((f) => ({ name: f.pool, home: f.members[0] }))];
}

// ---- Partner certificates -------------------------------------------------------------------------

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

function extension(extnID: string, critical: boolean, value: unknown): asn1.Extension {
  return new asn1.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

interface Issuer {
  cert: asn1.Certificate;
  keyId: ArrayBuffer | null;
  key: KeyObject;
  pem: string;
}


export function issuerOf(ca: IssuedCert): Issuer {
  const cert = AsnConvert.parse(ca.der, asn1.Certificate);
  const skiExtension = cert.tbsCertificate.extensions?.find((e) => e.extnID === asn1.id_ce_subjectKeyIdentifier);
  const keyId = skiExtension ? AsnConvert.parse(skiExtension.extnValue.buffer, OctetString).buffer : null;
  return { cert, keyId, key: createPrivateKey(ca.keyPem), pem: ca.certPem };
}

/**
 * A partner's server certificate for one name, made in-process (node:crypto signature,
 * @peculiar/asn1-x509 structures): serverAuth + clientAuth, CRL distribution point, signed by
 * `issuer` over the given key. The openssl CLI would take a good fraction of a second per leaf.
 */
export function issueLeaf(name: string, publicKey: KeyObject, issuer: Issuer, crlUrl: string): string {
  const spki = AsnConvert.parse(publicKey.export({ type: 'spki', format: 'der' }), asn1.SubjectPublicKeyInfo);
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x10; // positive, and no leading zero byte
  const algorithm = new asn1.AlgorithmIdentifier({ algorithm: SHA256_WITH_RSA, parameters: null });
  const rdn = (type: string, utf8String: string) => new asn1.RelativeDistinguishedName([new asn1.AttributeTypeAndValue({ type, value: new asn1.AttributeValue({ utf8String }) })]);
  const tbs = new asn1.TBSCertificate({
    version: asn1.Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: algorithm,
    issuer: issuer.cert.tbsCertificate.subject,
    validity: new asn1.Validity({ notBefore: new Date(Date.now() - 86_400_000), notAfter: new Date(Date.now() + 365 * 86_400_000) }),
    subject: new asn1.Name([rdn('2.5.4.10', `Partner ${name.split('.')[1] ?? name}`), rdn('2.5.4.3', name)]),
    subjectPublicKeyInfo: spki,
    extensions: new asn1.Extensions([
      extension(asn1.id_ce_basicConstraints, false, new asn1.BasicConstraints({ cA: false })),
      extension(asn1.id_ce_keyUsage, true, new asn1.KeyUsage(asn1.KeyUsageFlags.digitalSignature | asn1.KeyUsageFlags.keyEncipherment)),
      extension(asn1.id_ce_extKeyUsage, false, new asn1.ExtendedKeyUsage([asn1.id_kp_serverAuth, asn1.id_kp_clientAuth])),
      extension(asn1.id_ce_subjectAltName, false, new asn1.SubjectAlternativeName([new asn1.GeneralName({ dNSName: name })])),
      extension(asn1.id_ce_cRLDistributionPoints, false, new asn1.CRLDistributionPoints([
        new asn1.DistributionPoint({ distributionPoint: new asn1.DistributionPointName({ fullName: [new asn1.GeneralName({ uniformResourceIdentifier: crlUrl })] }) }),
      ])),
      extension(asn1.id_ce_subjectKeyIdentifier, false, new asn1.SubjectKeyIdentifier(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest())),
      ...(issuer.keyId ? [extension(asn1.id_ce_authorityKeyIdentifier, false, new asn1.AuthorityKeyIdentifier({ keyIdentifier: new asn1.KeyIdentifier(issuer.keyId) }))] : []),
    ]),
  });
  const signatureValue = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), issuer.key);
  const cert = new asn1.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signatureValue).buffer });
  return toPem(toBytes(AsnConvert.serialize(cert)));
}
