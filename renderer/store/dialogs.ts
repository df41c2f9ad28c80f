// Notices (the messages over the form), the About dialog and the app info it shows.
import type { AppInfo, ImportError } from '../../shared/ipc.ts';
import type { SliceCreator } from './slice.ts';

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  text: string;
  /** Lines with numbers, e.g. the rows an import rejected. */
  details: ImportError[];
}

export interface DialogsSlice {
  notices: Notice[];
  appInfo: AppInfo | null;
  aboutOpen: boolean;
  dismissNotice(id: number): void;
  dismissAllNotices(): void;
  notify(tone: Notice['tone'], text: string, details?: ImportError[]): void;
  loadAppInfo(): Promise<void>;
  setAboutOpen(open: boolean): void;
}

export const createDialogsSlice: SliceCreator<DialogsSlice> = (api) => (set) => {
  let nextNoticeId = 1;
  return {
    notices: [],
    appInfo: null,
    aboutOpen: false,

    dismissAllNotices() {
      set({ notices: [] });
    },

    dismissNotice(id) {
      set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
    },

    notify(tone, text, details = []) {
      set((state) => ({ notices: [...state.notices, { id: nextNoticeId++, tone, text, details }] }));
    },

    setAboutOpen(open) {
      set({ aboutOpen: open });
    },

    async loadAppInfo() {
      try {
        set({ appInfo: await api.appInfo() });
      } catch {
        // The title falls back to the product name.
      }
    },
  };
};
