// The history side of the command line: where the history file is (`--data-dir`, SFB_USER_DATA_DIR,
// else the app's per-user folder), whether a check records (`--no-history`, `--keep-runs`, `--keep-days`),
// and the subcommands `history TARGET`, `diff`, `watch`; `check --record` exits 3 on new errors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckRequest, EndpointResult } from '../shared/types.ts';
import { runChecks } from '../shared/engine/pipeline.ts';
import { UsageError } from '../shared/engine/target.ts';
import { userDataDir } from '../shared/host/data-dir.ts';
import type { ChangeRecord } from '../shared/history/changes.ts';
import { changesOfRun, diffCommand, formatChanges, historyCommand, type HistoryFormat } from '../shared/history/commands.ts';
import { readHistorySettings, recordingEngine, type HistorySettings } from '../shared/history/recording.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { watch } from '../shared/history/watch.ts';

export const HISTORY_USAGE = `  npm run cli -- history TARGET [--type T] [--json | --csv]
  npm run cli -- diff [--since DATE | --run ID] [--json | --csv]
  npm run cli -- watch --import LIST.csv --every 24h [--count N] [--json] [other check options]

  Every check is recorded in history.sqlite in the per-user data folder (beside the trusted roots).
  --data-dir DIR   keep the history there instead (or set SFB_USER_DATA_DIR)
  --no-history     do not record this check
  --keep-runs N / --keep-days N   how much history to keep (default: runs of the last 400 days)
  --record         check: record, print what changed, and exit 3 when the run brought new errors
                   (a change of severity error: lost reachability, trust or Server Authentication,
                   or a new error-level comment)
  history          one target's certificates over time, with the changes between its runs
  diff             what changed: since a date or a run id (--since), in one run (--run), or by the latest run
  watch            check the list again every --every (s, m, h, d) and print each run's changes; Ctrl+C stops`;

export const HISTORY_OPTIONS = {
  'data-dir': { type: 'string' },
  'no-history': { type: 'boolean', default: false },
  'keep-runs': { type: 'string' },
  'keep-days': { type: 'string' },
  record: { type: 'boolean', default: false },
  since: { type: 'string' },
  run: { type: 'string' },
  csv: { type: 'boolean', default: false },
  every: { type: 'string' },
  count: { type: 'string' },
} as const;

export interface HistoryArgs {
  'data-dir'?: string;
  'no-history'?: boolean;
  'keep-runs'?: string;
  'keep-days'?: string;
  record?: boolean;
  since?: string;
  run?: string;
  csv?: boolean;
  json?: boolean;
  type?: string;
  every?: string;
  count?: string;
}

/**
 * The Electron app's name (package.json productName), so the CLI finds the app's data folder. The nearest
 * package.json above this module: cli/ when run from source, dist/cli/ when run as the built bundle.
 */
function appName(): string {
  for (const up of ['..', '../..']) {
    const file = join(fileURLToPath(new URL(up, import.meta.url)), 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; productName?: string };
    return pkg.productName ?? pkg.name;
  }
  throw new Error('package.json not found above the command line');
}

export function dataDirOf(args: HistoryArgs): string {
  return args['data-dir'] ?? userDataDir(appName());
}

function keep(name: string, value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) throw new UsageError(`--${name} takes a whole number from 1 to 1000000.`);
  return Number(value);
}

/** The app's settings file, overridden by the options given. */
export function settingsOf(args: HistoryArgs): HistorySettings {
  if (args['no-history'] && args.record) throw new UsageError('--record and --no-history contradict each other: choose one.');
  const saved = readHistorySettings(dataDirOf(args));
  const maxRuns = keep('keep-runs', args['keep-runs']);
  const maxDays = keep('keep-days', args['keep-days']);
  return {
    record: args.record || (!args['no-history'] && saved.record),
    retention: maxRuns !== null || maxDays !== null ? { maxRuns, maxDays } : saved.retention,
  };
}

/** "New errors": the change records of severity error (a new error-level comment is one of them). */
export function newErrors(changes: ChangeRecord[]): ChangeRecord[] {
  return changes.filter((change) => change.severity === 'error');
}

function formatOf(args: HistoryArgs): HistoryFormat {
  if (args.json && args.csv) throw new UsageError('--json and --csv are two forms of the same output: choose one.');
  return args.json ? 'json' : args.csv ? 'csv' : 'text';
}

function withStore<T>(args: HistoryArgs, use: (store: HistoryStore) => T): T {
  const store = HistoryStore.open(historyPath(dataDirOf(args)));
  try {
    return use(store);
  } finally {
    store.close();
  }
}

/** `history TARGET` and `diff`: the text to print. */
export function historyReport(command: 'history' | 'diff', args: HistoryArgs, positionals: string[]): string {
  const format = formatOf(args);
  if (command === 'history') {
    if (positionals.length !== 1) throw new UsageError('history needs one target, as it was checked (e.g. sip.contoso.com or contoso.com).');
    return withStore(args, (store) => historyCommand(store, positionals[0]!, format, args.type?.toUpperCase()));
  }
  if (args.since !== undefined && args.run !== undefined) throw new UsageError('diff takes --since or --run, not both.');
  return withStore(args, (store) => {
    if (args.since !== undefined) return diffCommand(store, args.since, format);
    const runId = args.run !== undefined ? keep('run', args.run)! : store.runs().filter((run) => run.finished !== null).at(-1)?.id;
    if (runId === undefined) return format === 'text' ? 'No run recorded yet.\n' : formatChanges([], format);
    return formatChanges(changesOfRun(store, runId), format, `Changes in run ${runId}:`);
  });
}

/** The engine for `check`: recording unless told not to; `onChanges` gets the run's changes once recorded. */
export function checkEngine(args: HistoryArgs, source: string, warn: (text: string) => void, onChanges?: (changes: ChangeRecord[]) => void): typeof runChecks {
  const settings = settingsOf(args);
  if (!settings.record) return runChecks;
  return recordingEngine(runChecks, {
    dataDir: dataDirOf(args),
    source,
    settings,
    warn: (message) => warn(`${message}\n`),
    onRecorded: (runId, store) => onChanges?.(changesOfRun(store, runId)),
  });
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "30m", "90s", "7d" (or plain milliseconds) as milliseconds. */
export function parseInterval(value: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value?.trim() ?? '');
  if (!match) throw new UsageError('watch needs --every with a duration such as 24h, 30m or 90s.');
  const ms = Number(match[1]) * (match[2] && match[2] !== 'ms' ? UNITS[match[2]]! : 1);
  if (ms < 1) throw new UsageError('--every must be longer than nothing.');
  return ms;
}

export interface WatchRun {
  request: CheckRequest;
  source: string;
  out: (text: string) => void;
  err: (text: string) => void;
  signal: AbortSignal;
  /** Tests: the engine (default runChecks) and a bound on runs. */
  engine?: typeof runChecks;
  maxRuns?: number;
}

/** `watch`: every run recorded (whatever --no-history says: that is what watch is for), its changes printed. */
export async function watchCommand(args: HistoryArgs, run: WatchRun): Promise<number> {
  const intervalMs = parseInterval(args.every);
  const maxRuns = run.maxRuns ?? keep('count', args.count) ?? undefined;
  const format = formatOf(args);
  const settings = settingsOf({ ...args, 'no-history': false });
  const store = HistoryStore.open(historyPath(dataDirOf(args)), { retention: settings.retention });
  const engine = run.engine ?? runChecks;
  let sawNewErrors = false;
  try {
    run.err(`Watching ${run.source}: a run every ${args.every}${maxRuns ? `, ${maxRuns} runs` : ''}; Ctrl+C stops.\n`);
    await watch({
      store,
      source: run.source,
      options: run.request.options,
      intervalMs,
      maxRuns,
      signal: run.signal,
      check: async (record, signal) => void (await engine(run.request, { signal, onResult: (result: EndpointResult) => record(result) })),
      onRun: ({ runId, endpoints, changes }) => {
        if (newErrors(changes).length) sawNewErrors = true;
        run.out(formatChanges(changes, format, `${new Date().toISOString()} run ${runId}: ${endpoints} endpoints, ${changes.length} changes`));
      },
    });
  } finally {
    store.close();
  }
  return sawNewErrors ? 3 : 0;
}
