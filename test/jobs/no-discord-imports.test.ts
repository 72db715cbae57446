import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const JOBS = join(import.meta.dirname, '../../src/jobs');
const DISCORD_PACKAGE = /^(?:discord\.js|discord-api-types|@discordjs\/)/;
const I18N = join(import.meta.dirname, '../../src/i18n');
/** `import type` and `export type` statements: erased when compiled, they bring no code in. */
const TYPE_ONLY = /\b(?:import|export)\s+type\b[^'";]*?\bfrom\s*['"][^'"]+['"]/g;

/** Every module a source file names: static and type imports, re-exports, bare and dynamic imports. */
function importedModules(source: string): string[] {
  const named = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  return [...source.matchAll(named)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** The modules a source file takes code from: {@link importedModules} but for type-only statements. */
function valueModules(source: string): string[] {
  return importedModules(source.replace(TYPE_ONLY, ''));
}

/** Whether `module`, named in `file` (a path under `src/jobs/`), is one of the catalog's. */
function inI18n(file: string, module: string): boolean {
  return resolve(JOBS, dirname(file), module).startsWith(I18N + sep);
}

function engineFiles(): string[] {
  return readdirSync(JOBS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
}

describe('the job engine', () => {
  it('imports nothing from discord.js or the Discord API types: the chat platform is an adapter', () => {
    const files = engineFiles();
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

  it('takes only types from the catalog: the Discord side words each text once it knows its reader', () => {
    const offending = engineFiles().flatMap((name) =>
      valueModules(readFileSync(join(JOBS, name), 'utf8'))
        .filter((module) => inI18n(name, module))
        .map((module) => `${name} imports ${module}`),
    );
    expect(offending).toEqual([]);
  });

  it('would notice code brought in from the catalog, and lets its types through', () => {
    const values = [
      "import { translator } from '../i18n/translator.js';",
      "import { type Wording, translator } from '../i18n/translator.js';",
      "export { enUS } from '../i18n/en-US.js';",
      "import '../i18n/languages.js';",
      "const { translator } = await import('../i18n/translator.js');",
    ].join('\n');
    const types = [
      "import type { Translator } from '../i18n/translator.js';",
      "import type {\n  Wording,\n} from '../i18n/translator.js';",
      "export type { Wording } from '../i18n/translator.js';",
    ].join('\n');
    expect(valueModules(values).filter((module) => inI18n('job-runner.ts', module))).toHaveLength(5);
    expect(importedModules(types).filter((module) => inI18n('job-runner.ts', module))).toHaveLength(3);
    expect(valueModules(types)).toEqual([]);
  });
});
