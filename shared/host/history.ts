// The history methods of the API both hosts serve: read the history file of the data folder (the
// check worker or the host's engine writes it), and the app's setting of whether and how much to record.
import { changesOfRun, diffSince, parseHistoryPoint, targetHistory } from '../history/commands.ts';
import { readHistorySettings, writeHistorySettings } from '../history/recording.ts';
import { HistoryStore, historyPath } from '../history/store.ts';
import type { HistoryChanges, HistorySettingsView, TargetHistory } from '../ipc.ts';
import type { TargetType } from '../types.ts';
import { ApiInputError, LIMITS, requireString } from './validation.ts';

const TARGET_TYPES = new Set(['DIR', 'FED', 'SIP', 'SIPINT']);

export function createHistoryHandlers(dataDir: string) {
  function withStore<T>(use: (store: HistoryStore) => T): T {
    const store = HistoryStore.open(historyPath(dataDir));
    try {
      return use(store);
    } finally {
      store.close();
    }
  }
  const settingsView = (): HistorySettingsView => ({ ...readHistorySettings(dataDir), path: historyPath(dataDir) });

  return {
    historyTimeline(rawTarget: unknown, rawType: unknown): TargetHistory {
      const target = requireString(rawTarget, 'target', LIMITS.fileNameLength);
      if (rawType !== null && !TARGET_TYPES.has(String(rawType))) throw new ApiInputError('type must be DIR, FED, SIP, SIPINT or null.');
      return { target, ...withStore((store) => targetHistory(store, target, (rawType as TargetType | null) ?? undefined)) };
    },

    historyChanges(rawQuery: unknown): HistoryChanges {
      const query = (rawQuery && typeof rawQuery === 'object' ? rawQuery : {}) as { runId?: unknown; since?: unknown };
      return withStore((store) => {
        if (query.since !== undefined) {
          const point = parseHistoryPoint(requireString(query.since, 'since', 64));
          const latest = store.runs().at(-1)?.id ?? null;
          return { runId: latest, since: 'date' in point ? point.date : (store.runs().find((r) => r.id === point.runId)?.started ?? null), changes: diffSince(store, point) };
        }
        if (query.runId !== undefined && !(Number.isInteger(query.runId) && (query.runId as number) > 0)) throw new ApiInputError('runId must be a positive whole number.');
        const runId = (query.runId as number | undefined) ?? store.runs().filter((run) => run.finished !== null).at(-1)?.id;
        if (runId === undefined) return { runId: null, since: null, changes: [] };
        const before = [...store.snapshotBefore(runId).values()].map((entry) => entry.runStarted).sort();
        return { runId, since: before[0] ?? null, changes: changesOfRun(store, runId) };
      });
    },

    historySettings: settingsView,

    setHistorySettings(rawSettings: unknown): HistorySettingsView {
      writeHistorySettings(dataDir, rawSettings);
      return settingsView();
    },
  };
}
