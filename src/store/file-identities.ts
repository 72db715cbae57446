import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Which file a path names. A file deleted and made anew, or replaced by a rename, has another. */
type Identity = { dev: number; ino: number };

/** What {@link FileIdentities.changed} found: the path, and the stat error when it is gone. */
export interface ChangedFile {
  readonly path: string;
  readonly cause?: unknown;
}

/**
 * The files an open connection uses, as they were when it opened them. An open file that is
 * deleted (or whose directory is) stays writable through its descriptor, so SQLite reports
 * nothing: only comparing what the path names now with what was opened tells.
 */
export class FileIdentities {
  readonly #opened: ReadonlyMap<string, Identity>;

  /** Notes the files that exist now among `paths`; one not there yet is not watched. */
  constructor(paths: readonly string[]) {
    const opened = new Map<string, Identity>();
    for (const path of paths) {
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats) opened.set(path, { dev: stats.dev, ino: stats.ino });
    }
    this.#opened = opened;
  }

  /** The first noted file that is gone or is another file now; `undefined` while all are as opened. */
  async changed(): Promise<ChangedFile | undefined> {
    const checks = [...this.#opened].map(async ([path, opened]): Promise<ChangedFile | undefined> => {
      try {
        const now = await stat(path);
        return now.dev === opened.dev && now.ino === opened.ino ? undefined : { path };
      } catch (error) {
        return { path, cause: error };
      }
    });
    return (await Promise.all(checks)).find((change) => change !== undefined);
  }
}
