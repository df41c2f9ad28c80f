// `npm run bench -- --profile FILE`: a CPU profile of this process over the bulk run only (node:inspector,
// the same format as node --cpu-prof; open it in Chrome DevTools), and its top functions by self time.
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';
import { round } from './measure.ts';

export interface ProfileEntry {
  function: string;
  /** Where it is: the project's files relative, packages by name, Node's own as node:... */
  location: string;
  selfMs: number;
  percent: number;
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
}

export async function startProfile(): Promise<() => Promise<Profiler.Profile>> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
  await post(session, 'Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: Profiler.Profile }>(session, 'Profiler.stop');
    session.disconnect();
    return profile;
  };
}

function shortLocation(url: string, line: number): string {
  if (!url) return '(native)';
  const packaged = /node_modules\/(.+)$/.exec(url);
  const project = /\/((?:shared|cli|scripts|electron|web)\/.+)$/.exec(url);
  return `${packaged ? packaged[1] : project ? project[1] : url}:${line + 1}`;
}

/** Self time per function, highest first. */
export function topSelfTime(profile: Profiler.Profile, count: number): ProfileEntry[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { entry: Omit<ProfileEntry, 'selfMs' | 'percent'>; us: number }>();
  let total = 0;
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    const frame = nodes.get(id)!.callFrame;
    const us = deltas[i] ?? 0;
    total += us;
    const key = `${frame.functionName} ${frame.url}:${frame.lineNumber}`;
    const row = self.get(key) ?? { entry: { function: frame.functionName || '(anonymous)', location: shortLocation(frame.url, frame.lineNumber) }, us: 0 };
    row.us += us;
    self.set(key, row);
  });
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, count)
    .map(({ entry, us }) => ({ ...entry, selfMs: round(us / 1000, 1), percent: round((100 * us) / Math.max(1, total), 1) }));
}

export function saveProfile(path: string, profile: Profiler.Profile): void {
  writeFileSync(path, JSON.stringify(profile));
}

export function profileLines(entries: ProfileEntry[], path: string): string[] {
  return [`CPU profile of the bulk run (${path}), top functions by self time:`, ...entries.map((e) => `  ${String(e.selfMs).padStart(8)} ms ${String(e.percent).padStart(5)} %  ${e.function}  ${e.location}`)];
}
