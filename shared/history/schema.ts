// The history database's tables, as forward migrations: migration i brings PRAGMA user_version from i
// to i + 1. Never edit a released migration; append a new one (a file written by an older version is
// brought forward when opened, and a file from a newer version is refused rather than misread).
import type { SqliteConnection } from './sqlite.ts';

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,              -- ISO 8601 UTC
    finished TEXT,                      -- null while running, or when the run was cut short
    source TEXT NOT NULL,               -- the imported list's name, or 'manual'
    options TEXT NOT NULL               -- CheckOptions as JSON
  );
  CREATE INDEX runs_started ON runs (started);

  -- Each certificate's DER once, by its SHA-256.
  CREATE TABLE certificates (
    sha256 TEXT PRIMARY KEY,
    thumbprint TEXT NOT NULL,           -- SHA-1, as Windows shows it
    subject TEXT NOT NULL,
    issuer TEXT NOT NULL,
    not_after TEXT NOT NULL,
    der BLOB NOT NULL
  );

  -- Each decoded CertInfo once, by the SHA-256 of its JSON (DER left out when it is in certificates).
  CREATE TABLE certificate_infos (
    id TEXT PRIMARY KEY,
    sha256 TEXT REFERENCES certificates (sha256),
    info TEXT NOT NULL
  );
  CREATE INDEX certificate_infos_sha256 ON certificate_infos (sha256);

  CREATE TABLE endpoint_results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    endpoint_key TEXT NOT NULL,         -- target, type, host, ip, port as JSON: what "the same endpoint" means
    target TEXT NOT NULL,
    type TEXT NOT NULL,
    host TEXT NOT NULL,
    ip TEXT,
    port INTEGER,
    srv TEXT,
    pool_member INTEGER NOT NULL,
    error_code TEXT,
    leaf_thumbprint TEXT,
    leaf_sha256 TEXT,
    subject TEXT,
    issuer TEXT,
    not_after TEXT,
    ekus TEXT,                          -- JSON array of OIDs; null when absent (any usage) or no certificate
    root TEXT,
    trusted INTEGER,
    protocol TEXT,
    worst_severity TEXT,
    comment_ids TEXT NOT NULL,          -- JSON array
    checked_at TEXT NOT NULL,
    result TEXT NOT NULL                -- the EndpointResult as JSON, each certificate replaced by its certificate_infos id
  );
  CREATE INDEX endpoint_results_run ON endpoint_results (run_id);
  CREATE INDEX endpoint_results_target ON endpoint_results (target, type, run_id);
  CREATE INDEX endpoint_results_key ON endpoint_results (endpoint_key, run_id);

  -- Which certificates a result holds (served and built chain), so none is pruned while in use.
  CREATE TABLE result_certificates (
    result_id INTEGER NOT NULL REFERENCES endpoint_results (id) ON DELETE CASCADE,
    info_id TEXT NOT NULL REFERENCES certificate_infos (id),
    PRIMARY KEY (result_id, info_id)
  ) WITHOUT ROWID;
  CREATE INDEX result_certificates_info ON result_certificates (info_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file to SCHEMA_VERSION, one transaction per migration. */
export function migrate(db: SqliteConnection): void {
  for (;;) {
    const done = db.transaction(() => {
      const version = Number(db.get('PRAGMA user_version')?.user_version ?? 0);
      if (version > SCHEMA_VERSION) {
        throw new Error(`The history database ${db.path} was written by a newer version of this tool (schema ${version}, this one knows ${SCHEMA_VERSION}).`);
      }
      if (version === SCHEMA_VERSION) return true;
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      return false;
    });
    if (done) return;
  }
}
