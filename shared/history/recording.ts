// Recording by default: the engine wrapped so that every run it does is written to the history file of
// the data folder, endpoint by endpoint as results arrive (one transaction each). Used where results are produced: the CLI,
// the web harness's host, and Electron's check worker. The app's setting (record or not, how much to
// keep) is a small JSON file beside the history, read at the start of every run.
import { readFileSync, mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { runChecks } from '../engine/pipeline.ts';
import type { CheckRequest, EndpointResult } from '../types.ts';
import { DEFAULT_RETENTION, HistoryStore, historyPath, type RetentionPolicy } from './store.ts';

export interface HistorySettings {
  /** Record every run (the default); false: check without keeping anything. */
  record: boolean;
  retention: RetentionPolicy;
}

export const DEFAULT_HISTORY_SETTINGS: HistorySettings = { record: true, retention: DEFAULT_RETENTION };

const MAX_KEEP = 1_000_000;

export function historySettingsPath(dataDir: string): string {
  return join(dataDir, 'history-settings.json');
}

function keepValue(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_KEEP ? value : null;
}

/** Checks settings from the renderer or a file: anything malformed falls back to the default. */
export function normaliseHistorySettings(raw: unknown): HistorySettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as { record?: unknown; retention?: { maxDays?: unknown; maxRuns?: unknown } };
  const retention = value.retention && typeof value.retention === 'object' ? value.retention : DEFAULT_RETENTION;
  const maxDays = keepValue(retention.maxDays);
  const maxRuns = keepValue(retention.maxRuns);
  return {
    record: value.record !== false,
    // Keeping everything forever is not offered: with neither limit, the default applies.
    retention: maxDays === null && maxRuns === null ? DEFAULT_RETENTION : { maxDays, maxRuns },
  };
}

export function readHistorySettings(dataDir: string): HistorySettings {
  try {
    return normaliseHistorySettings(JSON.parse(readFileSync(historySettingsPath(dataDir), 'utf8')));
  } catch {
    return DEFAULT_HISTORY_SETTINGS;
  }
}

export function writeHistorySettings(dataDir: string, settings: unknown): HistorySettings {
  const normalised = normaliseHistorySettings(settings);
  mkdirSync(dataDir, { recursive: true });
  const file = historySettingsPath(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(normalised, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return normalised;
}

export interface RecordingOptions {
  /** The data folder: the history file and its settings are read from here at every run. */
  dataDir: string;
  /** The list's name or 'app'; per request when a function. */
  source: string | ((request: CheckRequest) => string);
  /** Overrides the settings file (the CLI's --no-history / --keep-* options). */
  settings?: HistorySettings;
  /** Where a history that cannot be written is reported; the check itself goes on. */
  warn?: (message: string) => void;
  /** Told the id of each run recorded (the CLI prints its changes). */
  onRecorded?: (runId: number, store: HistoryStore) => void;
}

/**
 * Each result is written as it arrives, in its own transaction, before anyone else hears of it: a killed
 * process loses at most the endpoint being written (the store defers the disk flush to the end of the run).
 */
class EndpointRecorder {
  failed = false;

  constructor(
    private readonly store: HistoryStore,
    private readonly runId: number,
    private readonly warn: (message: string) => void,
  ) {}

  add(result: EndpointResult): void {
    if (this.failed) return;
    try {
      this.store.recordEndpoint(this.runId, result);
    } catch (error) {
      this.failed = true;
      this.warn(`History recording stopped: ${message(error)}`);
    }
  }
}

/** The engine, with every run recorded; a history that cannot be opened or written never fails the check. */
export function recordingEngine(engine: typeof runChecks, options: RecordingOptions): typeof runChecks {
  const warn = options.warn ?? ((text: string) => console.error(text));
  return async (request, hooks = {}) => {
    const settings = options.settings ?? readHistorySettings(options.dataDir);
    if (!settings.record) return engine(request, hooks);
    let store: HistoryStore;
    let runId: number;
    try {
      store = HistoryStore.open(historyPath(options.dataDir), { retention: settings.retention });
      runId = store.startRun({ source: typeof options.source === 'function' ? options.source(request) : options.source, options: request.options });
    } catch (error) {
      warn(`History not recorded: ${message(error)}`);
      return engine(request, hooks);
    }
    const recorder = new EndpointRecorder(store, runId, warn);
    try {
      const results = await engine(request, {
        ...hooks,
        onResult(result) {
          recorder.add(result);
          hooks.onResult?.(result);
        },
      });
      // A cancelled or broken run keeps what it recorded but is not marked finished (nor pruned from).
      if (!recorder.failed && !hooks.signal?.aborted) {
        store.finishRun(runId);
        options.onRecorded?.(runId, store);
      }
      return results;
    } finally {
      store.close();
    }
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
