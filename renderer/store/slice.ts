// What every slice of the store shares: its creator type (zustand's slices pattern: each slice sees the
// whole state, so an action may read or reset another slice's fields) and the one error wording.
import type { StateCreator } from 'zustand/vanilla';
import type { CertCheckerApi } from '../../shared/ipc.ts';
import type { AppState } from './index.ts';

/** A slice made around the store's CertCheckerApi; it returns its own fields and actions. */
export type SliceCreator<Slice> = (api: CertCheckerApi) => StateCreator<AppState, [], [], Slice>;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
