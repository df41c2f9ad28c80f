// The Trusted roots dialog: the user's own roots, kept by the host (shared/host/trusted-roots.ts).
import type { AddTrustedRootsResult, TrustedRoot } from '../../shared/ipc.ts';
import { errorMessage, type SliceCreator } from './slice.ts';

export interface TrustedRootsSlice {
  trustedRoots: TrustedRoot[];
  trustedRootsOpen: boolean;
  trustedRootsError: string | null;
  /** A selection with a certificate that is not a CA, waiting for the admin to confirm or drop it. */
  trustedRootsPending: PendingRoots | null;
  confirmPendingRoots(): Promise<void>;
  dropPendingRoots(): void;
  openTrustedRoots(): Promise<void>;
  closeTrustedRoots(): void;
  addTrustedRootsFromDialog(): Promise<void>;
  addTrustedRootFiles(files: { name: string; contentBase64: string }[]): Promise<void>;
  removeTrustedRoot(thumbprint: string): Promise<void>;
  /** Roots marked "my Edge's root": sent with every check, for the federation profile (kept in this window's storage). */
  myRootThumbprints: string[];
  setMyRoot(thumbprint: string, mine: boolean): void;
}

export type PendingRoots = Extract<AddTrustedRootsResult, { added: false }>;

const MY_ROOTS_KEY = 'myRootThumbprints';

function loadMyRoots(): string[] {
  try {
    const saved: unknown = JSON.parse(globalThis.localStorage?.getItem(MY_ROOTS_KEY) ?? '[]');
    return Array.isArray(saved) ? saved.filter((t): t is string => typeof t === 'string' && /^[0-9A-F]{40}$/.test(t)) : [];
  } catch {
    return [];
  }
}

export const createTrustedRootsSlice: SliceCreator<TrustedRootsSlice> = (api) => (set, get) => {
  /** Every change answers with the whole list; a failure is shown in the dialog. */
  const update = async (change: () => Promise<TrustedRoot[]>) => {
    try {
      set({ trustedRoots: await change(), trustedRootsError: null });
    } catch (err) {
      set({ trustedRootsError: errorMessage(err) });
    }
  };
  /** The list after adding; a selection with a non-CA is held until the admin confirms (nothing was stored). */
  const rootsAdded = (result: AddTrustedRootsResult): TrustedRoot[] => {
    set({ trustedRootsPending: result.added ? null : result });
    return result.roots;
  };
  return {
    trustedRoots: [],
    trustedRootsOpen: false,
    trustedRootsError: null,
    trustedRootsPending: null,

    async confirmPendingRoots() {
      const pending = get().trustedRootsPending;
      if (!pending) return;
      // The host answered with the certificates themselves: send them back, DER as .cer files, confirmed.
      const files = pending.wouldAdd.map((root) => ({ name: `${root.thumbprint}.cer`, contentBase64: root.derBase64 }));
      await update(async () => rootsAdded(await api.addTrustedRoots(files, { confirm: true })));
    },

    dropPendingRoots() {
      set({ trustedRootsPending: null });
    },

    async openTrustedRoots() {
      set({ trustedRootsOpen: true, trustedRootsError: null });
      try {
        set({ trustedRoots: await api.listTrustedRoots() });
      } catch (err) {
        set({ trustedRootsError: errorMessage(err) });
      }
    },

    closeTrustedRoots() {
      set({ trustedRootsOpen: false, trustedRootsPending: null });
    },

    addTrustedRootsFromDialog: () => update(async () => rootsAdded(await api.addTrustedRootsFromDialog())),
    addTrustedRootFiles: (files) => update(async () => rootsAdded(await api.addTrustedRoots(files))),
    removeTrustedRoot: (thumbprint) => update(() => api.removeTrustedRoot(thumbprint)),

    myRootThumbprints: loadMyRoots(),
    setMyRoot(thumbprint, mine) {
      const next = [...get().myRootThumbprints.filter((t) => t !== thumbprint), ...(mine ? [thumbprint] : [])];
      set({ myRootThumbprints: next });
      try {
        globalThis.localStorage?.setItem(MY_ROOTS_KEY, JSON.stringify(next));
      } catch {
        // Storage refused (private mode): the mark lasts for this window only.
      }
    },
  };
};
