import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One process, as `/proc` shows it. */
export interface TreeProcess {
  readonly pid: number;
  /** The command line, the program as it was named (`node`, not `/usr/bin/node`). */
  readonly argv: readonly string[];
  /** Its working directory. */
  readonly cwd: string;
}

/**
 * `root` and every process below it, parents first, read from `/proc` (Linux): what a command
 * such as `npm start` left running. Processes that end while it reads are left out.
 */
export function processTree(root: number): TreeProcess[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const parent = statField(Number(name), 1);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const tree: TreeProcess[] = [];
  for (const pending = [root]; pending.length > 0; ) {
    const pid = pending.shift() ?? root;
    const argv = readProc(pid, 'cmdline')?.split('\0').filter(Boolean);
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (!argv) continue;
    tree.push({ pid, argv: argv.map((arg, index) => (index === 0 ? arg.replace(/^.*\//, '') : arg)), cwd });
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * A numeric field of `/proc/<pid>/stat`, counted from the state (the stat file's field 3) as 0:
 * 1 is the parent's pid, 19 the start time in clock ticks after boot. Undefined once the process is gone.
 */
export function statField(pid: number, index: number): number | undefined {
  const stat = readProc(pid, 'stat');
  // The command name before it may hold spaces and parentheses: fields start after the last ')'.
  const value = stat === undefined ? Number.NaN : Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[index]);
  return Number.isFinite(value) ? value : undefined;
}

/** A `/proc/<pid>` file, or undefined once the process is gone. */
export function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}
