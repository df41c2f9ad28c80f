// A certificate's notBefore / notAfter read from the bytes as sent. asn1js (under pkijs and
// @peculiar/asn1-x509) turns garbage into a date: "abcdefghijklZ" and "" became 1899-11-30, month 13
// rolled into the next year, year 0000 became 1900, "+2359" moved the date by 6 days. OpenSSL rejects
// such certificates ("format error in certificate's notBefore field"); so do we, and never show another date.
import * as asn1js from 'asn1js';
import { quoteExcerpt } from '../../formats/safe-text.ts';

const UTC_TIME_TAG = 23;
const GENERALIZED_TIME_TAG = 24;

export type ValidityField = 'notBefore' | 'notAfter';

export interface CertificateTime {
  /** The instant, when the text names one unambiguously (also for forms RFC 5280 forbids); else null. */
  date: Date | null;
  /** The characters as sent (latin1, so every byte shows); escape before printing. */
  raw: string;
  /** Why the field breaks RFC 5280 4.1.2.5 (null when it is YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ and a real time). */
  problem: string | null;
}

/** Both validity times of a certificate, from the TBS Validity SEQUENCE. */
export interface ValidityTimes {
  notBefore: CertificateTime;
  notAfter: CertificateTime;
}

/** The content octets of a primitive element, as received. */
function contentOf(node: asn1js.AsnType): Uint8Array {
  const whole = new Uint8Array(node.valueBeforeDecodeView);
  return whole.subarray(node.idBlock.blockLength + node.lenBlock.blockLength);
}

// X.680 allows more than RFC 5280: minutes or seconds left out, fractions, local time, offsets.
const UTC_FORM = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/;
const GENERALIZED_FORM = /^(\d{4})(\d{2})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{4})?$/;
/** Longer than any time X.680 allows, fraction included: only the start is shown. */
const MAX_TIME_LENGTH = 40;
const RFC5280_UTC = /^\d{12}Z$/;
const RFC5280_GENERALIZED = /^\d{14}Z$/;

/** A UTC instant from calendar fields, or null when a field is out of range (month 13, 31 April, 24:00). */
function instant(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offset: string): Date | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return null;
  date.setUTCHours(hour, minute, second, ms);
  if (offset !== 'Z') {
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(3, 5));
    if (hours > 23 || minutes > 59) return null;
    const shift = (hours * 60 + minutes) * 60_000;
    date.setTime(date.getTime() - (offset[0] === '+' ? shift : -shift));
  }
  return date;
}

function readUtcTime(raw: string): Date | null {
  const m = UTC_FORM.exec(raw);
  if (!m) return null;
  const yy = Number(m[1]);
  // RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
  return instant(yy >= 50 ? 1900 + yy : 2000 + yy, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), 0, m[7]!);
}

function readGeneralizedTime(raw: string): Date | null {
  const m = GENERALIZED_FORM.exec(raw);
  // Without Z or an offset it is local time somewhere: no instant.
  if (!m || m[8] === undefined) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  return instant(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0), ms, m[8]);
}

/** Read one Time element (UTCTime or GeneralizedTime) strictly. Never throws. */
export function readCertificateTime(node: asn1js.AsnType | undefined): CertificateTime {
  if (!node || node.idBlock.tagClass !== 1 || node.idBlock.isConstructed) return { date: null, raw: '', problem: 'is missing or is not a time' };
  const content = contentOf(node);
  const raw = String.fromCharCode(...content.subarray(0, MAX_TIME_LENGTH));
  if (content.length > MAX_TIME_LENGTH) return { date: null, raw, problem: `is ${content.length} characters long, not a time` };
  const tag = node.idBlock.tagNumber;
  if (tag !== UTC_TIME_TAG && tag !== GENERALIZED_TIME_TAG) return { date: null, raw, problem: 'is neither a UTCTime nor a GeneralizedTime' };
  const utc = tag === UTC_TIME_TAG;
  const date = utc ? readUtcTime(raw) : readGeneralizedTime(raw);
  const form = utc ? 'YYMMDDHHMMSSZ' : 'YYYYMMDDHHMMSSZ';
  if (!date) return { date: null, raw, problem: `is not a valid ${utc ? 'UTCTime' : 'GeneralizedTime'} (RFC 5280 requires ${form})` };
  if (!(utc ? RFC5280_UTC : RFC5280_GENERALIZED).test(raw)) {
    return { date, raw, problem: `is not in the form RFC 5280 requires (${form}: seconds, no fraction, Z for UTC)` };
  }
  return { date, raw, problem: null };
}

/** Both times from the Validity SEQUENCE node; a missing or malformed element is reported, never thrown. */
export function readValidityTimes(validity: asn1js.AsnType | undefined): ValidityTimes {
  const value = validity instanceof asn1js.Sequence ? validity.valueBlock.value : [];
  return { notBefore: readCertificateTime(value[0]), notAfter: readCertificateTime(value[1]) };
}

const FIELD_NAMES: Readonly<Record<ValidityField, string>> = { notBefore: 'Not Before', notAfter: 'Not After' };

/** 'The Not Before date "abcdefghijklZ" is not a valid UTCTime ...' (raw text escaped), or null when the field is fine. */
export function validityProblemText(field: ValidityField, time: CertificateTime): string | null {
  if (time.problem === null) return null;
  return `The ${FIELD_NAMES[field]} date "${quoteExcerpt(time.raw)}" ${time.problem}`;
}
