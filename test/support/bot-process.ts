import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The bot as `npm start` runs it, in its own OS process, so tests can kill it for real. */
export interface BotProcess {
  readonly child: ChildProcess;
  /** Every line it printed (pino JSON on stdout, anything on stderr). */
  readonly lines: string[];
  /** Resolves with the first line (already printed or still to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>;
}

/** Starts `src/main.ts` with exactly `env` (plus PATH), and waits until it has logged in. */
export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const listener of listeners) listener(line);
    });
  }
  const exit = once(child, 'exit').then(([code]) => code as number | null);

  const bot: BotProcess = {
    child,
    lines,
    waitForLine(pattern, timeoutMs = 15_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const done = (error?: Error, line?: string) => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve(line ?? '');
        };
        const listener = (line: string) => pattern.test(line) && done(undefined, line);
        const timer = setTimeout(
          () =>
            done(
              new Error(`bot printed nothing matching ${pattern} in ${timeoutMs} ms:\n${lines.slice(-10).join('\n')}`),
            ),
          timeoutMs,
        );
        listeners.add(listener);
        void exit.then((code) =>
          done(new Error(`bot exited (${code}) before printing ${pattern}:\n${lines.slice(-10).join('\n')}`)),
        );
      });
    },
    exited: () => exit,
  };
  await bot.waitForLine(/"msg":"logged in"/);
  return bot;
}
