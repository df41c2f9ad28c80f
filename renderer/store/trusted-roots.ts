// The Trusted roots dialog: the user's own roots, kept by the host (shared/host/trusted-roots.ts).
import type { AddTrustedRootsResult, TrustedRoot } from '../../shared/ipc.ts';
import { errorMessage, type SliceCreator } from './slice.ts';

export interface TrustedRootsSlice {
  trustedRoots: TrustedRoot[];
  trustedRootsOpen: boolean;
  trustedRootsError: string | null;
  openTrustedRoots(): Promise<void>;
  closeTrustedRoots(): void;
  addTrustedRootsFromDialog(): Promise<void>;
  addTrustedRootFiles(files: { name: string; contentBase64: string }[]): Promise<void>;
  removeTrustedRoot(thumbprint: string): Promise<void>;
}

export const createTrustedRootsSlice: SliceCreator<TrustedRootsSlice> = (api) => (set) => {
  /** Every change answers with the whole list; a failure is shown in the dialog. */
  const update = async (change: () => Promise<TrustedRoot[]>) => {
    try {
      set({ trustedRoots: await change(), trustedRootsError: null });
    } catch (err) {
      set({ trustedRootsError: errorMessage(err) });
    }
  };
  return {
    trustedRoots: [],
    trustedRootsOpen: false,
    trustedRootsError: null,

    async openTrustedRoots() {
      set({ trustedRootsOpen: true, trustedRootsError: null });
      try {
        set({ trustedRoots: await api.listTrustedRoots() });
      } catch (err) {
        set({ trustedRootsError: errorMessage(err) });
      }
    },

    closeTrustedRoots() {
      set({ trustedRootsOpen: false });
    },

    addTrustedRootsFromDialog: () => update(async () => rootsAdded(await api.addTrustedRootsFromDialog())),
    addTrustedRootFiles: (files) => update(async () => rootsAdded(await api.addTrustedRoots(files))),
    removeTrustedRoot: (thumbprint) => update(() => api.removeTrustedRoot(thumbprint)),
  };
};

/**
 * The list after adding; a selection with a certificate that is not a CA was not added, and the dialog says why.
 * (Until the dialog offers to confirm, the admin adds the root CA certificate instead.)
 */
function rootsAdded(result: AddTrustedRootsResult): TrustedRoot[] {
  if (result.added) return result.roots;
  throw new Error(`Not added: ${result.notCa.map((entry) => entry.reason).join(' ')}`);
}
