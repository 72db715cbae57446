import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A path to `name` in a fresh directory that is deleted when the current test finishes. */
export async function tempFileForTest(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wan-bot-test-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return join(dir, name);
}
