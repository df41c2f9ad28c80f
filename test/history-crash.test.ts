// Crash safety and locking of the history file: a recording process killed (SIGKILL) mid-run loses at
// most the endpoint it was writing; a lock and a half-written transaction left by a killed process are
// cleaned up by the next opener; two processes recording at once both get everything in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteConnection, HistoryLockedError } from '../shared/history/sqlite.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { syntheticResult } from './helpers/history-fixtures.ts';

const WRITER = join(import.meta.dirname, 'helpers', 'history-writer.ts');

function writer(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the lines the child printed once `enough` says so (or it exits); bounded by a timeout. */
function readUntil(child: ChildProcess, enough: (lines: string[]) => boolean, timeoutMs = 120_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let partial = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`writer did not get there in ${timeoutMs} ms (${lines.length} lines)`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve([...lines]);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop()!;
      lines.push(...complete);
      if (enough(lines)) done();
    });
    child.on('exit', done);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** Opens the file the way the next run would (after a crash: the next opener), hands it to `check`, closes it. */
function reopen(path: string, check: (store: HistoryStore) => void): void {
  const store = HistoryStore.open(path, { busyTimeoutMs: 5_000 });
  try {
    check(store);
  } finally {
    store.close();
  }
}

function inDataDir(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-history-crash-'));
  return { path: historyPath(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('SIGKILL during a 500-endpoint recorded run loses at most the endpoint being written', async () => {
  const { path, remove } = inDataDir();
  try {
    const child = writer('write', path, '500');
    const killAt = 150 + Math.floor(Math.random() * 200);
    const reported = await readUntil(child, (lines) => lines.length >= killAt);
    child.kill('SIGKILL');
    await exited(child);
    assert.equal(child.signalCode, 'SIGKILL', 'killed mid-run, not finished');
    reopen(path, (store) => {
      assert.equal(store.integrityCheck(), 'ok');
      const [run] = store.runs();
      assert.equal(run!.finished, null, 'the run never finished');
      const stored = store.resultsOfRun(run!.id);
      const targets = new Set(stored.map((r) => r.target));
      const missing = reported.map((line) => line.replace('recorded ', '')).filter((target) => !targets.has(target));
      assert.deepEqual(missing, [], 'every endpoint the writer reported is in the file');
      assert.ok(stored.length < 500);
      assert.deepEqual(stored, Array.from({ length: stored.length }, (_, i) => syntheticResult(i)), 'whole results, in order, none half written');
      // The file takes new runs after the crash.
      const next = store.startRun({ source: 'manual' });
      store.recordEndpoint(next, syntheticResult(999));
      assert.equal(store.resultsOfRun(next).length, 1);
    });
  } finally {
    remove();
  }
});

test('a lock and a half-written transaction left by a killed process are cleaned up by the next opener', async () => {
  const { path, remove } = inDataDir();
  try {
    const child = writer('hold', path);
    await readUntil(child, (lines) => lines.includes('holding'));
    child.kill('SIGKILL');
    await exited(child);
    assert.ok(existsSync(`${path}.lock`), 'the killed process left its lock behind');
    reopen(path, (store) => {
      assert.equal(store.integrityCheck(), 'ok');
      assert.deepEqual(store.runs().map((r) => r.source), ['manual'], 'the uncommitted update was rolled back');
    });
  } finally {
    remove();
  }
});

test('a lock held by a live connection is waited for, then reported, never broken', () => {
  const { path, remove } = inDataDir();
  try {
    HistoryStore.open(path).close();
    const holder = new SqliteConnection(path);
    const waiter = new SqliteConnection(path, { busyTimeoutMs: 300 });
    try {
      holder.transaction(() => {
        holder.run("INSERT INTO runs (started, source, options) VALUES ('2026-12-01', 'manual', '{}')");
        assert.throws(() => waiter.get('SELECT count(*) AS n FROM runs'), HistoryLockedError);
      });
      assert.equal(Number(waiter.get('SELECT count(*) AS n FROM runs')?.n), 1);
    } finally {
      waiter.close();
      holder.close();
    }
  } finally {
    remove();
  }
});

test('two processes recording at the same time both get every endpoint in', async () => {
  const { path, remove } = inDataDir();
  try {
    HistoryStore.open(path).close();
    const children = [writer('write', path, '100'), writer('write', path, '100')];
    const outputs = await Promise.all(children.map((child) => readUntil(child, () => false)));
    assert.deepEqual(children.map((child) => child.exitCode), [0, 0]);
    assert.deepEqual(outputs.map((lines) => lines.length), [100, 100]);
    reopen(path, (store) => {
      assert.equal(store.integrityCheck(), 'ok');
      assert.deepEqual(store.runs().map((r) => [r.endpoints, r.finished !== null]), [[100, true], [100, true]]);
    });
  } finally {
    remove();
  }
});
