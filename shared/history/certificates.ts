// Certificates in the history, each kept once: the DER by SHA-256 (certificates), and the decoded
// CertInfo by the SHA-256 of its JSON (certificate_infos), so a result refers to what it showed, exactly
// as recorded, while a partner's certificate checked every week for a year is stored one time.
import { createHash } from 'node:crypto';
import type { CertInfo } from '../types.ts';
import type { SqliteConnection } from './sqlite.ts';

/** Stores the certificate (inside the caller's transaction) and returns the id a result refers to it by. */
export function storeCertificate(db: SqliteConnection, cert: CertInfo): string {
  const derKept = Boolean(cert.sha256 && cert.derBase64);
  if (derKept) {
    db.run('INSERT OR IGNORE INTO certificates (sha256, thumbprint, subject, issuer, not_after, der) VALUES (?, ?, ?, ?, ?, ?)', [
      cert.sha256,
      cert.thumbprint,
      cert.subject,
      cert.issuer,
      cert.notAfter,
      Buffer.from(cert.derBase64, 'base64'),
    ]);
  }
  const info = JSON.stringify(derKept ? { ...cert, derBase64: '' } : cert);
  const id = createHash('sha256').update(info).digest('hex');
  db.run('INSERT OR IGNORE INTO certificate_infos (id, sha256, info) VALUES (?, ?, ?)', [id, derKept ? cert.sha256 : null, info]);
  return id;
}

/** Reads certificates back by id, DER included; caches, so one query's results share each lookup. */
export class CertificateReader {
  private readonly cache = new Map<string, CertInfo>();

  constructor(private readonly db: SqliteConnection) {}

  read(id: string): CertInfo {
    let cert = this.cache.get(id);
    if (!cert) {
      const row = this.db.get('SELECT i.info, c.der FROM certificate_infos i LEFT JOIN certificates c ON c.sha256 = i.sha256 WHERE i.id = ?', [id]);
      if (!row) throw new Error(`The history database lacks certificate ${id}`);
      cert = JSON.parse(String(row.info)) as CertInfo;
      if (row.der) cert.derBase64 = Buffer.from(row.der as Uint8Array).toString('base64');
      this.cache.set(id, cert);
    }
    return cert;
  }
}

/** Deletes certificates no recorded result refers to any more (after runs were pruned). */
export function deleteUnusedCertificates(db: SqliteConnection): void {
  db.run('DELETE FROM certificate_infos WHERE id NOT IN (SELECT info_id FROM result_certificates)');
  db.run('DELETE FROM certificates WHERE sha256 NOT IN (SELECT sha256 FROM certificate_infos WHERE sha256 IS NOT NULL)');
}
