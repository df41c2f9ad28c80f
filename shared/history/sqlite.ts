// The one SQLite connection the history store uses: node-sqlite3-wasm (SQLite compiled to WebAssembly,
// file I/O through node:fs), so the Node 20 CLI, the web harness and Electron's engine process open
// the same file with the same SQLite and the same locking, and nothing native is built or downloaded.
//
// Its file lock is a directory `<file>.lock` created with mkdir (exclusive: one reader or writer at a
// time) and removed when the statement or transaction ends. SQLite itself waits for no lock here, so
// this module retries a busy file, and it removes a lock left behind by a killed process: one whose
// owner is gone from `<file>.users/` (each open connection registers its process id there).
import { mkdirSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import sqliteWasm from 'node-sqlite3-wasm';
import type { BindValues, QueryResult } from 'node-sqlite3-wasm';

export type Row = Record<string, number | bigint | string | Uint8Array | null>;

export interface ConnectionOptions {
  /** How long a statement waits for another process's lock before it fails (ms). */
  busyTimeoutMs?: number;
  /** A lock this old is taken to be abandoned even when its owner cannot be told apart (ms). */
  abandonedLockMs?: number;
}

/** The history file is held by another process for longer than the busy timeout. */
export class HistoryLockedError extends Error {
  constructor(path: string, waitedMs: number) {
    super(`The history database ${path} stayed locked for ${waitedMs} ms by another process of this tool; try again, or delete ${path}.lock if no checker is running.`);
    this.name = 'HistoryLockedError';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** The driver is synchronous, so a wait for another process's lock is synchronous too (a few ms at a time). */
function sleepSync(ms: number): void {
  try {
    Atomics.wait(sleeper, 0, 0, ms);
  } catch {
    // An agent that may not block (reportedly Electron's main process, which reads the history for the
    // window) throws instead: wait by the clock then, a few ms at a time.
    const until = Date.now() + ms;
    while (Date.now() < until);
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

/** Transactions open in this process: a lock while one is open may be ours, so it is never broken. */
let openTransactions = 0;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SqliteConnection {
  readonly path: string;
  private readonly db: InstanceType<typeof sqliteWasm.Database>;
  private readonly usersDir: string;
  private readonly userFile: string;
  private readonly busyTimeoutMs: number;
  private readonly abandonedLockMs: number;

  constructor(path: string, options: ConnectionOptions = {}) {
    this.path = path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.abandonedLockMs = options.abandonedLockMs ?? 10 * 60_000;
    this.usersDir = `${path}.users`;
    this.userFile = join(this.usersDir, `${hostname()}-${process.pid}`);
    mkdirSync(this.usersDir, { recursive: true });
    writeFileSync(this.userFile, '');
    try {
      this.db = new sqliteWasm.Database(path);
      this.retrying(() => this.db.exec('PRAGMA foreign_keys = ON'));
    } catch (error) {
      this.close();
      throw error;
    }
  }

  exec(sql: string): void {
    this.retrying(() => this.db.exec(sql));
  }

  run(sql: string, values?: BindValues): { changes: number; lastInsertRowid: number } {
    const result = this.retrying(() => this.db.run(sql, values));
    return { changes: result.changes, lastInsertRowid: Number(result.lastInsertRowid) };
  }

  get(sql: string, values?: BindValues): Row | null {
    return this.retrying(() => this.db.get(sql, values) as QueryResult | null) as Row | null;
  }

  all(sql: string, values?: BindValues): Row[] {
    return this.retrying(() => this.db.all(sql, values)) as Row[];
  }

  /** `work` inside BEGIN IMMEDIATE ... COMMIT: all of it is on disk, or (after a crash or a throw) none of it. */
  transaction<T>(work: () => T): T {
    this.exec('BEGIN IMMEDIATE');
    openTransactions++;
    try {
      const value = work();
      this.db.exec('COMMIT');
      return value;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      openTransactions--;
    }
  }

  close(): void {
    if (this.db?.isOpen) this.db.close();
    rmSync(this.userFile, { force: true });
  }

  private retrying<T>(work: () => T): T {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return work();
      } catch (error) {
        if (!isBusy(error) || this.db.inTransaction) throw error;
        if (this.removeAbandonedLock()) continue;
        const waited = Date.now() - started;
        if (waited >= this.busyTimeoutMs) throw new HistoryLockedError(this.path, waited);
        sleepSync(Math.min(2 + attempt, 25));
      }
    }
  }

  /** Removes `<file>.lock` when the process that took it is gone; true when it did. */
  private removeAbandonedLock(): boolean {
    const lockDir = `${this.path}.lock`;
    let lockedSince: number;
    try {
      lockedSince = statSync(lockDir).mtimeMs;
    } catch {
      return true; // released meanwhile: try again at once
    }
    const abandoned = Date.now() - lockedSince > this.abandonedLockMs || (openTransactions === 0 && !this.anotherLiveUser());
    if (!abandoned) return false;
    try {
      rmdirSync(lockDir);
    } catch {
      // another process removed or retook it first: the retry will tell
    }
    return true;
  }

  /** Is another live process of this machine registered as having the file open? Prunes entries of dead ones. */
  private anotherLiveUser(): boolean {
    const me = hostname();
    let live = false;
    let entries: string[];
    try {
      entries = readdirSync(this.usersDir);
    } catch {
      return false; // the folder was deleted: nobody is registered
    }
    for (const entry of entries) {
      const dash = entry.lastIndexOf('-');
      const host = entry.slice(0, dash);
      const pid = Number(entry.slice(dash + 1));
      if (host !== me) {
        live = true; // a process on another machine (a shared folder): cannot tell, so assume it is alive
      } else if (pid !== process.pid) {
        if (processAlive(pid)) live = true;
        else rmSync(join(this.usersDir, entry), { force: true });
      }
    }
    return live;
  }
}
