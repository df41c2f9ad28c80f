// The CLI's progress on stderr: one line, rewritten in place, when stderr is a terminal (or --progress).
// The report on stdout is written between redraws, so the two never mix on one line.
import type { RunProgress } from '../shared/types.ts';
import { progressText } from '../shared/formats/progress-text.ts';

type Writer = (text: string) => void;

const REDRAW_MS = 250;
const CLEAR_LINE = '\r\u001b[K';

export interface ProgressLine {
  update(progress: RunProgress): void;
  /** Write report text with the progress line out of its way. */
  around(write: Writer): Writer;
  end(): void;
}

/**
 * rawErr receives control characters of our own (carriage return, erase line): only text from
 * progressText, which escapes every name, is written with them. A non-terminal (--progress into a
 * file) gets one plain line per redraw instead.
 */
export function createProgressLine(rawErr: Writer, terminal: boolean, now: () => number = Date.now): ProgressLine {
  const startedAt = now();
  let last: RunProgress | null = null;
  let shown = false;
  let drawnAt = 0;
  let timer: NodeJS.Timeout | null = null;
  let trailing: NodeJS.Timeout | null = null;

  const draw = () => {
    if (!last) return;
    drawnAt = now();
    const text = progressText(last, drawnAt - startedAt, drawnAt);
    rawErr(terminal ? `${CLEAR_LINE}${text}` : `${text}\n`);
    shown = terminal;
  };
  const clear = () => {
    if (shown) rawErr(CLEAR_LINE);
    shown = false;
  };

  return {
    update(progress) {
      last = progress;
      const wait = drawnAt + REDRAW_MS - now();
      if (wait <= 0) draw();
      else if (!trailing) {
        // Too soon to redraw: show the newest state once the interval is over.
        trailing = setTimeout(() => {
          trailing = null;
          draw();
        }, wait);
        trailing.unref();
      }
      // The waiting time of the slowest endpoint keeps counting between events.
      if (terminal && !timer) {
        timer = setInterval(draw, 1000);
        timer.unref();
      }
    },
    around(write) {
      return (text) => {
        const wasShown = shown;
        clear();
        write(text);
        if (wasShown) draw();
      };
    },
    end() {
      if (timer) clearInterval(timer);
      if (trailing) clearTimeout(trailing);
      timer = trailing = null;
      clear();
    },
  };
}
