// The command line's arguments, read with node:util parseArgs, and its mistakes in words an admin can
// act on: parseArgs' own messages (and its raw text) never reach the user.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../shared/engine/target.ts';
import { escapeControls } from '../shared/formats/safe-text.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The valid option nearest to what was typed, when one is near enough to be a typo. */
export function nearestOption(typed: string, options: Options): string | null {
  const name = typed.replace(/^-+/, '').split('=')[0].toLowerCase();
  let best: { option: string; score: number } | null = null;
  for (const option of Object.keys(options)) {
    const score = option.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, option);
    if (!best || score < best.score) best = { option, score };
  }
  return best && best.score <= Math.max(2, Math.floor(name.length / 3)) ? `--${best.option}` : null;
}

/** The option as typed, quoted safely (it may hold anything a shell passes). */
function shown(text: string): string {
  return `"${escapeControls(text.length > 60 ? `${text.slice(0, 60)}…` : text)}"`;
}

function typedOption(args: string[], options: Options): string {
  return args.find((arg) => arg.startsWith('-') && arg !== '-' && arg !== '--' && !(arg.replace(/^-+/, '').split('=')[0] in options)) ?? '';
}

/** parseArgs, with its errors turned into UsageErrors that name the option and what to do. */
export function readArgs<const T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true as const });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const typed = typedOption(args, options);
      const near = nearestOption(typed, options);
      throw new UsageError(`Unknown option ${shown(typed)}${near ? `: did you mean ${near}?` : '.'}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const named = /'--([\w-]+)/.exec((err as Error).message)?.[1];
      const option = Object.entries(options).find(([name]) => name === named);
      if (option?.[1].type === 'string') throw new UsageError(`--${option[0]} needs a value, e.g. --${option[0]} VALUE.`);
      if (option) throw new UsageError(`--${option[0]} is a switch and takes no value.`);
      throw new UsageError('An option is missing its value, or a switch was given one.');
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError('Unexpected argument.');
    throw err;
  }
}
