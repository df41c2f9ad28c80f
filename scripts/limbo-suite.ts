// Reads an x509-limbo suite file in either schema it has had: the December 2023 one (nullable
// `extended_key_usage`/`key_usage`, no CRLs) and the current one (always-present lists, `crls`,
// `conflicts_with`, `importance`, `peer_certificate_key`). Both become one normalized shape, so the
// judge never has to ask which version it is reading.
import { readFileSync } from 'node:fs';

export type ValidationKind = 'SERVER' | 'CLIENT';
export type ExpectedResult = 'SUCCESS' | 'FAILURE';

export interface PeerName {
  kind: 'DNS' | 'IP' | 'RFC822';
  value: string;
}

export interface LimboTestcase {
  id: string;
  validation_kind: ValidationKind;
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  /** ISO 8601; null = now. */
  validation_time: string | null;
  /** SERVER validation: the name the client connected to. */
  expected_peer_name: PeerName | null;
  /** CLIENT validation: names the client certificate must hold (e-mail addresses in practice). */
  expected_peer_names: PeerName[];
  extended_key_usage: string[];
  key_usage: string[];
  max_chain_depth: number | null;
  /** PEM CRLs the validation should consult (current schema; empty in 2023). */
  crls: string[];
  /** Optional-behaviour tags, e.g. "has-crl", "pedantic-...". */
  features: string[];
  expected_result: ExpectedResult;
}

export interface LimboSuite {
  /** Which schema the file was written in: "2023" has no `crls` field on its testcases. */
  schema: '2023' | 'current';
  testcases: LimboTestcase[];
}

export type KindFilter = ValidationKind | 'all';

export function readSuite(path: string): LimboSuite {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; testcases?: unknown };
  if (raw.version !== 1 || !Array.isArray(raw.testcases)) throw new Error(`${path}: not an x509-limbo suite (version 1 with testcases)`);
  const testcases = raw.testcases.map((value) => normalizeTestcase(value as Record<string, unknown>));
  const schema = raw.testcases.some((t) => 'crls' in (t as object)) ? 'current' : '2023';
  return { schema, testcases };
}

export function selectKind(testcases: LimboTestcase[], kind: KindFilter): LimboTestcase[] {
  return kind === 'all' ? testcases : testcases.filter((t) => t.validation_kind === kind);
}

/** A --kind command-line value: SERVER, CLIENT (any case) or all. */
export function parseKind(value: string | undefined): KindFilter {
  const kind = value === 'all' ? 'all' : (value ?? 'SERVER').toUpperCase();
  if (kind !== 'SERVER' && kind !== 'CLIENT' && kind !== 'all') throw new Error('--kind must be SERVER, CLIENT or all');
  return kind;
}

function normalizeTestcase(t: Record<string, unknown>): LimboTestcase {
  const id = typeof t.id === 'string' ? t.id : '(no id)';
  const fail = (field: string): never => {
    throw new Error(`testcase ${id}: field ${field} missing or of the wrong type`);
  };
  const text = (field: string): string => (typeof t[field] === 'string' ? (t[field] as string) : fail(field));
  const texts = (field: string, required: boolean): string[] => {
    const value = t[field];
    if (value === undefined || value === null) return required ? fail(field) : [];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : fail(field);
  };
  const kind = text('validation_kind');
  if (kind !== 'SERVER' && kind !== 'CLIENT') fail('validation_kind');
  const expected = text('expected_result');
  if (expected !== 'SUCCESS' && expected !== 'FAILURE') fail('expected_result');
  const time = t.validation_time;
  if (time !== null && time !== undefined && typeof time !== 'string') fail('validation_time');
  const depth = t.max_chain_depth;
  if (depth !== null && depth !== undefined && typeof depth !== 'number') fail('max_chain_depth');
  return {
    id: text('id'),
    validation_kind: kind as ValidationKind,
    trusted_certs: texts('trusted_certs', true),
    untrusted_intermediates: texts('untrusted_intermediates', true),
    peer_certificate: text('peer_certificate'),
    validation_time: (time as string | null | undefined) ?? null,
    expected_peer_name: t.expected_peer_name ? peerName(t.expected_peer_name, fail) : null,
    expected_peer_names: Array.isArray(t.expected_peer_names) ? t.expected_peer_names.map((n) => peerName(n, fail)) : [],
    extended_key_usage: texts('extended_key_usage', false),
    key_usage: texts('key_usage', false),
    max_chain_depth: (depth as number | null | undefined) ?? null,
    crls: texts('crls', false),
    features: texts('features', false),
    expected_result: expected as ExpectedResult,
  };
}

function peerName(value: unknown, fail: (field: string) => never): PeerName {
  const name = value as Partial<PeerName> | null;
  const kindOk = name?.kind === 'DNS' || name?.kind === 'IP' || name?.kind === 'RFC822';
  return kindOk && typeof name?.value === 'string' ? { kind: name.kind!, value: name.value } : fail('expected_peer_name(s)');
}

