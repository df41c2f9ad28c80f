// The fields of a certificate's parsed tree, matched against X.509's structure with pkijs's own schemas
// for each part (algorithm identifiers, times, the key, the extensions) but without building pkijs's
// Certificate: that object also turns every name attribute into objects, and a certificate with
// thousands of subject RDNs (x509-limbo's nc-dos cases) spent most of its decode there. The names are
// read once, by chain/names.ts. pkijs's whole Certificate is built only where its chain engine needs
// it (chain/pkijs-check.ts).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface CertificateFields {
  tbs: asn1js.Sequence;
  /** The version field's value (0 = v1; absent = 0). */
  version: number;
  serialNumber: asn1js.Integer;
  /** The TBS "signature" field. */
  tbsSignature: asn1js.AsnType;
  issuer: asn1js.AsnType;
  validity: asn1js.AsnType;
  subject: asn1js.AsnType;
  subjectPublicKeyInfo: pkijs.PublicKeyInfo;
  /** The SubjectPublicKeyInfo's DER as received. */
  spkiDer: Uint8Array;
  extensions: pkijs.Extension[] | null;
  signatureAlgorithm: pkijs.AlgorithmIdentifier;
  /** The outer signatureAlgorithm's DER as received (to compare with the TBS one, RFC 5280 4.1.1.2). */
  signatureAlgorithmDer: Uint8Array;
  signatureValue: asn1js.BitString;
}

const NAMES = {
  tbs: 'tbs',
  version: 'version',
  serialNumber: 'serialNumber',
  tbsSignature: 'tbsSignature',
  issuer: 'issuer',
  validity: 'validity',
  subject: 'subject',
  subjectPublicKeyInfo: 'subjectPublicKeyInfo',
  extensions: 'extensions',
  signatureAlgorithm: 'signatureAlgorithm',
  signatureValue: 'signatureValue',
} as const;

/** RFC 5280 4.1, as pkijs writes it, with each Name left as one element for chain/names.ts to read. */
function certificateSchema(): asn1js.Sequence {
  const time = (name: string) => pkijs.Time.schema({ names: { utcTimeName: name, generalTimeName: name } });
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        name: NAMES.tbs,
        value: [
          new asn1js.Constructed({ optional: true, idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Integer({ name: NAMES.version })] }),
          new asn1js.Integer({ name: NAMES.serialNumber }),
          pkijs.AlgorithmIdentifier.schema({ names: { blockName: NAMES.tbsSignature } }),
          new asn1js.Any({ name: NAMES.issuer }),
          new asn1js.Sequence({ name: NAMES.validity, value: [time('notBefore'), time('notAfter')] }),
          new asn1js.Any({ name: NAMES.subject }),
          pkijs.PublicKeyInfo.schema({ names: { blockName: NAMES.subjectPublicKeyInfo } }),
          new asn1js.Primitive({ optional: true, idBlock: { tagClass: 3, tagNumber: 1 } }),
          new asn1js.Primitive({ optional: true, idBlock: { tagClass: 3, tagNumber: 2 } }),
          new asn1js.Constructed({
            optional: true,
            idBlock: { tagClass: 3, tagNumber: 3 },
            value: [pkijs.Extensions.schema({ names: { extensions: NAMES.extensions } })],
          }),
        ],
      }),
      pkijs.AlgorithmIdentifier.schema({ names: { blockName: NAMES.signatureAlgorithm } }),
      new asn1js.BitString({ name: NAMES.signatureValue }),
    ],
  });
}

/** The certificate's fields; throws when the tree does not have a certificate's structure. */
export function readCertificateFields(root: asn1js.AsnType): CertificateFields {
  // The matched parts are collected on a fresh object, so the tree (shared with decode/cert-info.ts) is not touched.
  const named = {} as Record<string, unknown>;
  const matched = asn1js.compareSchema(named as unknown as asn1js.AsnType, root, certificateSchema());
  if (!matched.verified) throw new Error('it does not have the structure of an X.509 certificate');
  const node = <T>(name: string) => named[name] as T;
  const version = node<asn1js.Integer | undefined>(NAMES.version);
  const extensions = node<asn1js.AsnType[] | undefined>(NAMES.extensions);
  return {
    tbs: node(NAMES.tbs),
    version: version ? version.valueBlock.valueDec : 0,
    serialNumber: node(NAMES.serialNumber),
    tbsSignature: node(NAMES.tbsSignature),
    issuer: node(NAMES.issuer),
    validity: node(NAMES.validity),
    subject: node(NAMES.subject),
    subjectPublicKeyInfo: new pkijs.PublicKeyInfo({ schema: node(NAMES.subjectPublicKeyInfo) }),
    spkiDer: new Uint8Array(node<asn1js.AsnType>(NAMES.subjectPublicKeyInfo).valueBeforeDecodeView),
    extensions: extensions ? extensions.map((extension) => new pkijs.Extension({ schema: extension })) : null,
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ schema: node(NAMES.signatureAlgorithm) }),
    signatureAlgorithmDer: new Uint8Array(node<asn1js.AsnType>(NAMES.signatureAlgorithm).valueBeforeDecodeView),
    signatureValue: node(NAMES.signatureValue),
  };
}
