import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const JOBS = join(import.meta.dirname, '../../src/jobs');
const DISCORD_PACKAGE = /^(?:discord\.js|discord-api-types|@discordjs\/)/;

/** Every module a source file names: static and type imports, re-exports, bare and dynamic imports. */
function importedModules(source: string): string[] {
  const named = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...source.matchAll(named)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

describe('the job engine', () => {
  it('imports nothing from discord.js or the Discord API types: the chat platform is an adapter', () => {
    const files = readdirSync(JOBS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const offending = files.flatMap((name) =>
      importedModules(readFileSync(join(JOBS, name), 'utf8'))
        .filter((module) => DISCORD_PACKAGE.test(module))
        .map((module) => `${name} imports ${module}`),
    );
    expect(offending).toEqual([]);
  });

  it('would notice such an import, in each form a module can be named', () => {
    const messages = readFileSync(join(import.meta.dirname, '../../src/discord/messages.ts'), 'utf8');
    expect(importedModules(messages)).toContain('discord.js');
    const forms = [
      "import {\n  time,\n} from 'discord.js';",
      'import type { APIMessage } from "discord-api-types/v10";',
      "export { REST } from '@discordjs/rest';",
      "import 'discord.js';",
      "const { Client } = await import('discord.js');",
    ].join('\n');
    expect(importedModules(forms).filter((module) => DISCORD_PACKAGE.test(module))).toHaveLength(5);
  });
});
