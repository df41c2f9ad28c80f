// The renderer's state, one vanilla zustand store made of slices (zustand's slices pattern): the form
// and queue, the run and its results, the results view, the trusted roots, notices and dialogs. It is
// made around one CertCheckerApi, so it runs the same with the Electron preload, the browser bridge,
// or a fake in tests; components read it through useApp / useAppStore (../context.ts).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CertCheckerApi } from '../../shared/ipc.ts';
import { createDialogsSlice, type DialogsSlice } from './dialogs.ts';
import { createFormSlice, type FormSlice } from './form.ts';
import { createHistorySlice, type HistorySlice } from './history.ts';
import { createRunSlice, type RunSlice } from './run.ts';
import { createTrustedRootsSlice, type TrustedRootsSlice } from './trusted-roots.ts';
import { createMyCertificateSlice, type MyCertificateSlice } from './my-certificate.ts';
import { createViewSlice, type ViewSlice } from './view.ts';

export type AppState = FormSlice & RunSlice & ViewSlice & TrustedRootsSlice & MyCertificateSlice & DialogsSlice & HistorySlice;
export type AppStore = StoreApi<AppState>;

// What components and tests use besides the store itself.
export { isRunActive, resumableTargets, type RunState } from './run.ts';
export { effectiveView, type ResultsView } from './view.ts';

export function createAppStore(api: CertCheckerApi): AppStore {
  return createStore<AppState>()((...store) => ({
    ...createFormSlice(api)(...store),
    ...createRunSlice(api)(...store),
    ...createViewSlice(api)(...store),
    ...createTrustedRootsSlice(api)(...store),
    ...createMyCertificateSlice(api)(...store),
    ...createDialogsSlice(api)(...store),
    ...createHistorySlice(api)(...store),
  }));
}
