/** The benchmark's results: the machine they were taken on, the table printed, the JSON kept. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { LogEntry } from './bot-log.js';

/** One measured figure. Every target is an upper bound. */
export interface Figure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** Decimals shown in the table. */
  readonly digits: number;
  readonly target?: number;
}

/** What a scenario measured, and what the bot logged while it ran. */
export interface Measurement {
  readonly figures: Figure[];
  /** Context for the figures and anything odd seen on the way. */
  readonly notes: string[];
  /** The bot's log lines at `warn` and above, grouped. */
  readonly botLog: LogEntry[];
  /** Per-job values behind the figures, by name; kept in the JSON only. */
  readonly samples?: Readonly<Record<string, readonly number[]>>;
}

/** One scenario's entry in the report. */
export type ScenarioReport = { readonly id: string; readonly title: string; readonly seconds: number } & (
  | ({ readonly ok: true } & Measurement)
  | { readonly ok: false; readonly error: string }
);

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ramMb: number;
  /** One-minute load average when the run started: other work on the machine skews every figure. */
  readonly loadAverage: number;
}

/** Everything one `npm run bench` found; written as `bench-results/latest.json`. */
export interface Report {
  /** ISO 8601, when the run started. */
  readonly date: string;
  readonly machine: Machine;
  readonly node: string;
  /** The commit measured, with `+ uncommitted changes to the bot` when its sources differed from it. */
  readonly source: string;
  /** Durations (and poll interval) in the delivery scenarios (lag, webhook) were divided by this. */
  readonly timeScale: number;
  readonly scenarios: ScenarioReport[];
}

export function describeMachine(): Machine {
  const all = cpus();
  return {
    cpu: all[0]?.model.trim() ?? 'unknown',
    cores: all.length,
    ramMb: Math.round(totalmem() / 2 ** 20),
    loadAverage: loadavg()[0] ?? 0,
  };
}

/** What `npm run build` compiles, so what decides the bot that is measured. */
const BOT_SOURCES = ['src', 'commands', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** The commit checked out in `root`, and whether the bot's sources in the working tree differ from it. */
export function describeSource(root: string): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown (not a git checkout)';
  const dirty = git('status', '--porcelain', '--', ...BOT_SOURCES).stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes to the bot' : ''}`;
}

/** The report as a plain-text table, one figure a line, with its target and verdict. */
export function formatReport(report: Report): string {
  const { machine } = report;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${(machine.ramMb / 1024).toFixed(1)} GiB RAM, load ${machine.loadAverage.toFixed(2)} at start · Node ${report.node}`,
    `Source: ${report.source} · ${report.date}`,
  ];
  if (report.timeScale !== 1) {
    lines.push(
      `Time scale ${report.timeScale}: generation durations and the poll interval were divided by ${report.timeScale}; delivery figures are not comparable with their targets.`,
    );
  }
  const rows: string[][] = [['scenario', 'figure', 'value', 'target', '']];
  for (const scenario of report.scenarios) {
    if (!scenario.ok) {
      rows.push([scenario.id, 'FAILED (see below)', '', '', '']);
      continue;
    }
    for (const figure of scenario.figures) {
      const verdict = figure.target === undefined ? '' : figure.value <= figure.target ? 'ok' : 'MISSED';
      rows.push([
        scenario.id,
        figure.label,
        `${figure.value.toFixed(figure.digits)} ${figure.unit}`,
        figure.target === undefined ? '' : `≤ ${figure.target} ${figure.unit}`,
        verdict,
      ]);
    }
  }
  lines.push('', ...table(rows));
  for (const scenario of report.scenarios) {
    lines.push('', `${scenario.id}: ${scenario.title} (${scenario.seconds.toFixed(0)} s)`);
    if (!scenario.ok) {
      lines.push(`  FAILED: ${scenario.error.replaceAll('\n', '\n    ')}`);
      continue;
    }
    for (const note of scenario.notes) lines.push(`  · ${note}`);
    if (scenario.botLog.length === 0) lines.push('  · the bot logged nothing at warn or above');
    for (const entry of scenario.botLog) {
      const example = entry.example ? ` (${entry.example})` : '';
      lines.push(`  · bot ${entry.level} ×${entry.count}: ${entry.msg}${example}`);
    }
  }
  return lines.join('\n');
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function writeReport(report: Report, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
