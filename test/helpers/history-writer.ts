// A separate process for the history tests: `write DB COUNT` records a run of COUNT synthetic endpoints
// and prints "recorded TARGET" after each one is committed; `hold DB` opens a transaction, writes into it,
// prints "holding" and waits to be killed; `dump DB` prints every run and its results as JSON.
import { SqliteConnection } from '../../shared/history/sqlite.ts';
import { HistoryStore } from '../../shared/history/store.ts';
import { syntheticResult } from './history-fixtures.ts';

const [mode, path, count] = process.argv.slice(2);
const store = HistoryStore.open(path!);
if (mode === 'write') {
  const runId = store.startRun({ source: 'partners.csv', options: { timeoutMs: 5000 } });
  for (let i = 0; i < Number(count); i++) {
    const result = syntheticResult(i);
    store.recordEndpoint(runId, result);
    process.stdout.write(`recorded ${result.target}\n`);
  }
  store.finishRun(runId);
  store.close();
} else if (mode === 'hold') {
  const runId = store.startRun({ source: 'manual' });
  store.close();
  // Left the way a crash leaves it: a transaction begun, half written, never committed, the file lock held.
  const db = new SqliteConnection(path!);
  db.transaction(() => {
    db.run('UPDATE runs SET source = ? WHERE id = ?', ['half-written', runId]);
    process.stdout.write('holding\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  });
} else if (mode === 'dump') {
  const runs = store.runs();
  process.stdout.write(JSON.stringify({ runs, results: runs.map((run) => store.resultsOfRun(run.id)) }));
  store.close();
}
