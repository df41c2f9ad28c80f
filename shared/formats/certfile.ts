// Certificate files an admin hands us (extra roots, a partner's chain) and the files we save:
// PEM (one or many blocks, TRUSTED CERTIFICATE, PKCS7), DER .cer/.crt, PKCS#7 .p7b in DER or PEM.
// No Node-only APIs here, so the renderer can use it too. Reading never throws.
import { base64ToBytes } from '../bytes.ts';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { CertInfo } from '../types.ts';
import { decodeTextFile } from './text-file.ts';
import { isDerLimitError, parseDer } from '../engine/decode/der.ts';

export interface ReadCertificatesResult {
  /** Each certificate's DER, in file order. */
  certificates: Uint8Array[];
  /** Sentences for the admin: blocks that were skipped or broken, or why the file is not a certificate file. */
  errors: string[];
}

const OID_PKCS7_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_PKCS7_DATA = '1.2.840.113549.1.7.1';
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PKCS7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

// ---- DER structure checks --------------------------------------------------------------------

type Node = asn1js.AsnType;

function isUniversal(node: Node | undefined, tagNumber: number): boolean {
  return node !== undefined && node.idBlock.tagClass === 1 && node.idBlock.tagNumber === tagNumber;
}

function children(node: Node | undefined): Node[] {
  if (!node || !node.idBlock.isConstructed) return [];
  const value = (node.valueBlock as { value?: unknown }).value;
  return Array.isArray(value) ? (value as Node[]) : [];
}

const SEQUENCE = 16;
const INTEGER = 2;
const BIT_STRING = 3;
const OBJECT_IDENTIFIER = 6;

/** Certificate ::= SEQUENCE { tbs SEQUENCE { [0]? serial, alg, issuer, validity SEQUENCE, ... }, alg, BIT STRING }. */
function looksLikeCertificate(node: Node): boolean {
  const [tbs, algorithm, signature] = children(node);
  if (!isUniversal(node, SEQUENCE) || !isUniversal(tbs, SEQUENCE) || !isUniversal(algorithm, SEQUENCE)) return false;
  if (!isUniversal(signature, BIT_STRING)) return false;
  const fields = children(tbs);
  const offset = fields[0]?.idBlock.tagClass === 3 && fields[0].idBlock.tagNumber === 0 ? 1 : 0;
  // A CRL has the same outer shape; its fourth TBS field is a time, a certificate's is the validity SEQUENCE.
  return isUniversal(fields[offset], INTEGER) && isUniversal(fields[offset + 3], SEQUENCE) && isUniversal(fields[offset + 5], SEQUENCE);
}

function contentTypeOf(node: Node): string | null {
  const [type] = children(node);
  if (!isUniversal(node, SEQUENCE) || !isUniversal(type, OBJECT_IDENTIFIER)) return null;
  return (type as asn1js.ObjectIdentifier).getValue();
}

function looksLikePfx(node: Node): boolean {
  const [version, authSafe] = children(node);
  return isUniversal(version, INTEGER) && contentTypeOf(authSafe as Node) === OID_PKCS7_DATA;
}

/** The certificates of a PKCS#7 SignedData, byte for byte as stored (re-encoding could change thumbprints). */
function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  const contentInfo = new pkijs.ContentInfo({ schema: parseDer(der.slice()) });
  if (contentInfo.contentType !== OID_PKCS7_SIGNED_DATA) {
    throw new Error('it is a PKCS#7 message without signed data');
  }
  // pkijs validates the SignedData structure; the raw certificate bytes come from the same parsed tree.
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const certificateSet = children(contentInfo.content as Node).find(
    (node) => node.idBlock.tagClass === 3 && node.idBlock.tagNumber === 0,
  );
  const raw = children(certificateSet)
    .filter((node) => isUniversal(node, SEQUENCE))
    .map((node) => node.valueBeforeDecodeView.slice());
  if (raw.length === 0 && (signedData.certificates?.length ?? 0) > 0) {
    throw new Error('its certificates could not be read');
  }
  return raw;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '');
}

// ---- Binary (DER) input ----------------------------------------------------------------------

function readDer(bytes: Uint8Array, what: string, result: ReadCertificatesResult, firstOnly = false): boolean {
  let offset = 0;
  let found = false;
  // Usually one element; some tools concatenate several DER certificates.
  while (offset < bytes.length) {
    const view = bytes.subarray(offset);
    let node: Node;
    try {
      node = parseDer(view);
    } catch (error) {
      // Past the size or element bounds: say so, rather than "not a certificate file".
      if (isDerLimitError(error)) {
        result.errors.push(`${what} could not be read: ${describeError(error)}.`);
        return true;
      }
      if (offset === 0) return false;
      result.errors.push(`${what} has unreadable data after its certificates.`);
      return found;
    }
    const element = view.subarray(0, node.valueBeforeDecodeView.byteLength);
    if (looksLikeCertificate(node)) {
      result.certificates.push(element.slice());
      found = true;
    } else if (contentTypeOf(node) === OID_PKCS7_SIGNED_DATA) {
      try {
        const certificates = certificatesFromPkcs7(element);
        if (certificates.length === 0) result.errors.push(`${what} is a PKCS#7 file that holds no certificates.`);
        result.certificates.push(...certificates);
        found = true;
      } catch (error) {
        result.errors.push(`${what} is a PKCS#7 file that could not be read: ${describeError(error)}.`);
        return true;
      }
    } else if (looksLikePfx(node)) {
      result.errors.push(
        `${what} is a PKCS#12 (.pfx/.p12) file, which holds a private key: export the certificate alone as .cer or .pem.`,
      );
      return true;
    } else {
      if (offset === 0) return false;
      result.errors.push(`${what} has data after its certificates that is not a certificate.`);
      return found;
    }
    if (firstOnly) return found;
    offset += element.byteLength;
  }
  return found;
}

// ---- Text (PEM) input ------------------------------------------------------------------------

function decodeText(bytes: Uint8Array): string | null {
  const text = decodeTextFile(bytes);
  // A NUL in UTF-8 text means binary that is not DER: not a text file at all.
  return bytes[0] !== 0xff && bytes[0] !== 0xfe && text.includes('\u0000') ? null : text;
}

function readPem(text: string, what: string, result: ReadCertificatesResult): boolean {
  let sawBlock = false;
  let index = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    sawBlock = true;
    index++;
    const label = match[1];
    const where = `${what}, block ${index} (${label})`;
    if (!CERTIFICATE_LABELS.has(label) && !PKCS7_LABELS.has(label)) {
      result.errors.push(`Skipped ${where}: it is not a certificate.`);
      continue;
    }
    let der: Uint8Array;
    try {
      // Headers such as "Proc-Type:" (rare, old OpenSSL) come before a blank line.
      const body = match[2].includes(':') ? match[2].replace(/^[\s\S]*?\r?\n\r?\n/, '') : match[2];
      der = base64ToBytes(body);
    } catch {
      result.errors.push(`Skipped ${where}: its base64 text is damaged.`);
      continue;
    }
    const before = result.certificates.length;
    // OpenSSL appends trust settings after the certificate of a TRUSTED CERTIFICATE block.
    const firstOnly = label === 'TRUSTED CERTIFICATE';
    if (!readDer(der, where, result, firstOnly) && result.certificates.length === before) {
      result.errors.push(`Skipped ${where}: its content is not a certificate.`);
    }
  }
  return sawBlock;
}

/**
 * Read every certificate in a file. Never throws: problems come back as sentences in `errors`.
 */
export function readCertificates(bytes: Uint8Array, fileName?: string): ReadCertificatesResult {
  const what = fileName ? `"${fileName}"` : 'The file';
  const result: ReadCertificatesResult = { certificates: [], errors: [] };
  try {
    if (bytes.length === 0) {
      result.errors.push(`${what} is empty.`);
      return result;
    }
    if (bytes[0] === 0x30 && readDer(bytes, what, result)) return result;
    const text = decodeText(bytes);
    if (text !== null) {
      if (readPem(text, what, result)) {
        if (result.certificates.length === 0 && result.errors.length === 0) {
          result.errors.push(`${what} holds no certificates.`);
        }
        return result;
      }
      // Bare base64 without BEGIN/END lines (some portals hand these out).
      const compact = text.replace(/\s+/g, '');
      if (compact.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
        const der = base64ToBytes(compact);
        if (der[0] === 0x30 && readDer(der, what, result)) return result;
      }
    }
    result.errors.push(
      `${what} is not a certificate file: expected PEM (BEGIN CERTIFICATE), DER (.cer/.crt) or PKCS#7 (.p7b).`,
    );
  } catch (error) {
    result.errors.push(`${what} could not be read: ${describeError(error)}.`);
  }
  return result;
}

const WINDOWS_RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * A file name Windows accepts, from the certificate's common name (then first SAN, then thumbprint):
 * "*.contoso.com" becomes "wildcard.contoso.com.cer".
 */
export function certFileName(cert: CertInfo, ext: 'cer' | 'pem'): string {
  const source = cert.commonName || cert.san[0] || cert.thumbprint || 'certificate';
  let name = source
    .replace(/^\*\./, 'wildcard.')
    .replace(/[^A-Za-z0-9._ -]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s._]+|[\s._]+$/g, '')
    .slice(0, 100)
    .replace(/[\s.]+$/, '');
  if (!name) name = cert.thumbprint || 'certificate';
  if (WINDOWS_RESERVED_NAMES.test(name)) name = `_${name}`;
  return `${name}.${ext}`;
}
