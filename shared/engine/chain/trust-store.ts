// Trusted roots: Mozilla's bundle (shipped with Node/Electron), the operating system's store where the
// runtime exposes it, and roots the admin added.
import { pemBlocks } from '../../bytes.ts';
import tls from 'node:tls';
import type { TrustAnchor } from './index.ts';
import type { TrustStoreName } from '../../types.ts';

let mozillaAnchors: TrustAnchor[] | null = null;
let systemAnchors: TrustAnchor[] | null = null;

function fromPemList(pems: readonly string[], store: TrustStoreName): TrustAnchor[] {
  return pems.flatMap((pem) => pemBlocks(pem)).map((der) => ({ der, store }));
}

/** Mozilla's roots as bundled with the runtime; decoded once per process. */
export function mozillaTrustAnchors(): TrustAnchor[] {
  mozillaAnchors ??= fromPemList(tls.rootCertificates, 'mozilla');
  return mozillaAnchors;
}

/** The OS store (tls.getCACertificates: Node 22.15+/23.10+ and recent Electron); empty where absent. */
export function systemTrustAnchors(): TrustAnchor[] {
  if (systemAnchors) return systemAnchors;
  const getCACertificates = (tls as unknown as { getCACertificates?: (type: string) => string[] }).getCACertificates;
  try {
    systemAnchors = typeof getCACertificates === 'function' ? fromPemList(getCACertificates('system'), 'system') : [];
  } catch {
    systemAnchors = [];
  }
  return systemAnchors;
}

/**
 * Every trust anchor for chain building: Mozilla, then the system store, then the user's roots.
 * A root present in several stores is listed once, under the first of those stores.
 */
export function loadTrustAnchors(opts: { userRootsDer?: Uint8Array[]; includeSystem?: boolean } = {}): TrustAnchor[] {
  const user = (opts.userRootsDer ?? []).map((der) => ({ der, store: 'user' as const }));
  const candidates = [...mozillaTrustAnchors(), ...(opts.includeSystem === false ? [] : systemTrustAnchors()), ...user];
  const seen = new Set<string>();
  return candidates.filter((anchor) => {
    const key = Buffer.from(anchor.der).toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
