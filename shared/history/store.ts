// Run history: every recorded run and every endpoint result, kept in one SQLite file in the per-user
// data folder. One transaction per endpoint, so a crash (or a kill) mid-run loses at most the endpoint
// being written. Each certificate is stored once (certificates.ts); results keep their JSON, referring to it.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChainItem, CheckOptions, EndpointResult } from '../types.ts';
import { worstSeverity } from '../formats/summary.ts';
import { CertificateReader, deleteUnusedCertificates, storeCertificate } from './certificates.ts';
import { endpointKey, targetKey } from './changes.ts';
import { migrate } from './schema.ts';
import { SqliteConnection, type ConnectionOptions, type Row } from './sqlite.ts';

/** The history file of a data folder (beside `trusted-roots/`; `--data-dir` and SFB_USER_DATA_DIR move both). */
export function historyPath(dataDir: string): string {
  return join(dataDir, 'history.sqlite');
}

/** How much history is kept: runs older than maxDays and runs beyond the newest maxRuns are deleted. */
export interface RetentionPolicy {
  maxDays: number | null;
  maxRuns: number | null;
}
export const DEFAULT_RETENTION: RetentionPolicy = { maxDays: 400, maxRuns: null };

export interface RunInfo {
  id: number;
  started: string;
  finished: string | null;
  source: string;
  options: Partial<CheckOptions>;
  endpoints: number;
}

/** A result as recorded, with the run it belongs to. */
export interface StoredResult {
  runId: number;
  runStarted: string;
  result: EndpointResult;
}

/** The latest recorded run of each target: what "the state at that time" is for a diff. */
export type TargetSnapshot = Map<string, { runId: number; runStarted: string; results: EndpointResult[] }>;

/** Where a diff starts: a run id (the state after it) or an ISO date (the state at that moment). */
export type HistoryPoint = { runId: number } | { date: string };

export interface HistoryStoreOptions extends ConnectionOptions {
  retention?: RetentionPolicy;
}

const DAY_MS = 86_400_000;

export class HistoryStore {
  readonly path: string;
  readonly retention: RetentionPolicy;
  private readonly db: SqliteConnection;

  private constructor(path: string, options: HistoryStoreOptions) {
    this.path = path;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    mkdirSync(dirname(path), { recursive: true });
    this.db = new SqliteConnection(path, options);
    try {
      migrate(this.db);
    } catch (error) {
      this.db.close();
      throw unreadable(path, error);
    }
  }

  /** Opens (creating when absent) the history file and brings its schema up to date. */
  static open(path: string, options: HistoryStoreOptions = {}): HistoryStore {
    return new HistoryStore(path, options);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Opens a run. Until finishRun, commits are not flushed to the disk one by one (synchronous = OFF): a
   * commit then costs about a millisecond instead of an fsync's ten, so every endpoint gets its own
   * transaction. A killed process loses nothing committed (the operating system holds it); only an
   * operating-system crash or power cut during a run could damage the file. finishRun flushes everything.
   */
  startRun(run: { source: string; options?: Partial<CheckOptions>; started?: string }): number {
    this.db.exec('PRAGMA synchronous = OFF');
    const started = run.started ?? new Date().toISOString();
    // Extra roots are PEM text the admin already keeps in trusted-roots/: their count is enough here.
    const { extraRootsPem, ...options } = run.options ?? {};
    const recorded = extraRootsPem ? { ...options, extraRoots: extraRootsPem.length } : options;
    return this.db.run('INSERT INTO runs (started, source, options) VALUES (?, ?, ?)', [started, run.source, JSON.stringify(recorded)]).lastInsertRowid;
  }

  /** Writes one endpoint's result in its own transaction. */
  recordEndpoint(runId: number, result: EndpointResult): void {
    this.db.transaction(() => this.insertEndpoint(runId, result));
  }

  /**
   * Writes several results in one transaction: one commit (and its fsync) for all of them, which is what
   * makes recording cheap next to a bulk run. All of them are on disk, or (after a kill) none.
   */
  recordEndpoints(runId: number, results: EndpointResult[]): void {
    if (results.length) this.db.transaction(() => results.forEach((result) => this.insertEndpoint(runId, result)));
  }

  private insertEndpoint(runId: number, result: EndpointResult): void {
    const leaf = result.served[0];
    {
      const served = result.served.map((cert) => storeCertificate(this.db, cert));
      const chain = result.chain.map((item) => ({ ...item, cert: storeCertificate(this.db, item.cert) }));
      const stored = JSON.stringify({ ...result, served, chain });
      const id = this.db.run(
        `INSERT INTO endpoint_results (run_id, endpoint_key, target, type, host, ip, port, srv, pool_member, error_code,
           leaf_thumbprint, leaf_sha256, subject, issuer, not_after, ekus, root, trusted, protocol, worst_severity,
           comment_ids, checked_at, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          runId,
          endpointKey(result),
          result.target,
          result.type,
          result.host,
          result.ip,
          result.port,
          result.srv,
          result.poolMember ? 1 : 0,
          result.error?.code ?? null,
          leaf?.thumbprint ?? null,
          leaf?.sha256 || null,
          leaf?.subject ?? null,
          leaf?.issuer ?? null,
          leaf?.notAfter ?? null,
          leaf?.ekus ? JSON.stringify(leaf.ekus) : null,
          result.trust?.root ?? null,
          result.trust ? (result.trust.trusted ? 1 : 0) : null,
          result.tls.protocol,
          worstSeverity(result),
          JSON.stringify(result.comments.map((c) => c.id)),
          result.checkedAt,
          stored,
        ],
      ).lastInsertRowid;
      for (const infoId of new Set([...served, ...chain.map((item) => item.cert)])) {
        this.db.run('INSERT INTO result_certificates (result_id, info_id) VALUES (?, ?)', [id, infoId]);
      }
    }
  }

  /** Marks the run finished (a flushed commit: everything the run wrote is then on the disk) and applies the retention policy. */
  finishRun(runId: number, finished: string = new Date().toISOString()): void {
    this.db.exec('PRAGMA synchronous = FULL');
    this.db.run('UPDATE runs SET finished = ? WHERE id = ?', [finished, runId]);
    this.prune(this.retention, new Date(finished), runId);
  }

  /** Deletes runs the policy does not keep (never `keepRunId`), one transaction per run, then unused certificates. */
  prune(policy: RetentionPolicy = this.retention, now: Date = new Date(), keepRunId: number | null = null): number {
    const doomed = new Set<number>();
    if (policy.maxDays !== null) {
      const cutoff = new Date(now.getTime() - policy.maxDays * DAY_MS).toISOString();
      for (const row of this.db.all('SELECT id FROM runs WHERE started < ?', [cutoff])) doomed.add(Number(row.id));
    }
    if (policy.maxRuns !== null) {
      for (const row of this.db.all('SELECT id FROM runs ORDER BY id DESC LIMIT -1 OFFSET ?', [policy.maxRuns])) doomed.add(Number(row.id));
    }
    doomed.delete(keepRunId ?? -1);
    for (const id of doomed) this.db.transaction(() => this.db.run('DELETE FROM runs WHERE id = ?', [id]));
    if (doomed.size) {
      this.db.transaction(() => deleteUnusedCertificates(this.db));
    }
    return doomed.size;
  }

  runs(): RunInfo[] {
    return this.db
      .all('SELECT r.*, (SELECT count(*) FROM endpoint_results e WHERE e.run_id = r.id) AS endpoints FROM runs r ORDER BY r.id')
      .map((row) => ({
        id: Number(row.id),
        started: String(row.started),
        finished: row.finished === null ? null : String(row.finished),
        source: String(row.source),
        options: JSON.parse(String(row.options)) as Partial<CheckOptions>,
        endpoints: Number(row.endpoints),
      }));
  }

  resultsOfRun(runId: number): EndpointResult[] {
    return this.hydrate(this.db.all('SELECT e.run_id, r.started, e.result FROM endpoint_results e JOIN runs r ON r.id = e.run_id WHERE e.run_id = ? ORDER BY e.id', [runId])).map((s) => s.result);
  }

  /** Every recorded result of one target (as typed; any type unless given), oldest first. */
  targetTimeline(target: string, type?: string): StoredResult[] {
    return this.hydrate(
      this.db.all(
        `SELECT e.run_id, r.started, e.result FROM endpoint_results e JOIN runs r ON r.id = e.run_id
         WHERE e.target = ? AND (? IS NULL OR e.type = ?) ORDER BY e.run_id, e.id`,
        [target, type ?? null, type ?? null],
      ),
    );
  }

  /**
   * For each target, the results of its latest run at `point` (the run itself, or the last one started
   * at or before the date); without a point, its latest run of all.
   */
  snapshot(point?: HistoryPoint): TargetSnapshot {
    const [where, values] =
      point === undefined ? ['1 = 1', []] : 'runId' in point ? ['run_id <= ?', [point.runId]] : ['run_id IN (SELECT id FROM runs WHERE started <= ?)', [point.date]];
    const rows = this.db.all(
      `WITH last AS (SELECT target, type, max(run_id) AS run_id FROM endpoint_results WHERE ${where} GROUP BY target, type)
       SELECT e.run_id, r.started, e.result FROM endpoint_results e JOIN last USING (target, type, run_id) JOIN runs r ON r.id = e.run_id
       ORDER BY e.target, e.type, e.id`,
      values,
    );
    const snapshot: TargetSnapshot = new Map();
    for (const stored of this.hydrate(rows)) {
      const key = targetKey(stored.result);
      const entry = snapshot.get(key) ?? { runId: stored.runId, runStarted: stored.runStarted, results: [] };
      entry.results.push(stored.result);
      snapshot.set(key, entry);
    }
    return snapshot;
  }

  /** The snapshot just before `runId`, restricted to the targets that run checked: what that run is compared with. */
  snapshotBefore(runId: number): TargetSnapshot {
    const checked = new Set(this.db.all('SELECT DISTINCT target, type FROM endpoint_results WHERE run_id = ?', [runId]).map((row) => JSON.stringify([row.target, row.type])));
    const before = this.snapshot({ runId: runId - 1 });
    for (const key of before.keys()) if (!checked.has(key)) before.delete(key);
    return before;
  }

  /** Bytes the file takes now (page count x page size). */
  fileBytes(): number {
    const pages = Number(this.db.get('PRAGMA page_count')?.page_count ?? 0);
    return pages * Number(this.db.get('PRAGMA page_size')?.page_size ?? 0);
  }

  /** `PRAGMA integrity_check`: 'ok', or SQLite's list of what is wrong. */
  integrityCheck(): string {
    return this.db.all('PRAGMA integrity_check').map((row) => String(row.integrity_check)).join('\n');
  }

  /** Results as recorded: each certificate id replaced by the certificate, DER included. */
  private hydrate(rows: Row[]): StoredResult[] {
    const certificates = new CertificateReader(this.db);
    return rows.map((row) => {
      const stored = JSON.parse(String(row.result)) as Omit<EndpointResult, 'served' | 'chain'> & { served: string[]; chain: (Omit<ChainItem, 'cert'> & { cert: string })[] };
      const result: EndpointResult = {
        ...stored,
        served: stored.served.map((id) => certificates.read(id)),
        chain: stored.chain.map((item) => ({ ...item, cert: certificates.read(item.cert) })),
      };
      return { runId: Number(row.run_id), runStarted: String(row.started), result };
    });
  }
}

/** SQLite's own errors ("file is not a database") said with the file's name and what to do. */
function unreadable(path: string, error: unknown): unknown {
  if (!(error instanceof Error) || error.name !== 'SQLite3Error') return error;
  return new Error(`The history database ${path} cannot be read (${error.message}); move it aside to start a new history.`);
}
