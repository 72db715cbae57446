/**
 * `npm run bench`: builds the bot, runs each scenario against a fresh compiled bot process
 * between the Discord and WaveSpeed stand-ins, prints the figures next to their targets and
 * writes them to `bench-results/latest.json`. Exits non-zero if a scenario could not finish.
 *
 *   --only ack,lag,…                    run only these scenarios: ack, lag, webhook, memory,
 *                                       delivery-memory, refusals, cpu, startup, reservations,
 *                                       eta, buttons, reroll, buttons-memory
 *   --time-scale N                      divide the delivery scenarios' durations and poll interval by N
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  describeMachine,
  describeSource,
  formatReport,
  type Report,
  type ScenarioReport,
  writeReport,
} from './report.js';
import type { Scenario } from './scenario.js';
import { ack } from './scenarios/ack.js';
import { buttons } from './scenarios/buttons.js';
import { buttonsMemory } from './scenarios/buttons-memory.js';
import { cpu } from './scenarios/cpu.js';
import { deliveryMemory } from './scenarios/delivery-memory.js';
import { eta } from './scenarios/eta.js';
import { lag } from './scenarios/lag.js';
import { memory } from './scenarios/memory.js';
import { refusals } from './scenarios/refusals.js';
import { reroll } from './scenarios/reroll.js';
import { reservations } from './scenarios/reservations.js';
import { startup } from './scenarios/startup.js';
import { webhook } from './scenarios/webhook.js';

/** Every scenario, in the order they run. */
const SCENARIOS: readonly Scenario[] = [
  ack,
  lag,
  webhook,
  memory,
  deliveryMemory,
  refusals,
  cpu,
  startup,
  reservations,
  eta,
  buttons,
  reroll,
  buttonsMemory,
];
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RESULTS = join(ROOT, 'bench-results', 'latest.json');

const { only, timeScale } = parseCommandLine();
// Before the build, whose own load would show in the load average.
const machine = describeMachine();
build();

const report: Report = {
  date: new Date().toISOString(),
  machine,
  node: process.version,
  source: describeSource(ROOT),
  timeScale,
  scenarios: [],
};
for (const scenario of only) {
  console.log(`▶ ${scenario.id}: ${scenario.title}`);
  report.scenarios.push(await runScenario(scenario));
}

console.log(`\n${formatReport(report)}\n`);
writeReport(report, RESULTS);
console.log(`Written to ${RESULTS}`);
const failed = report.scenarios.filter((scenario) => !scenario.ok).map((scenario) => scenario.id);
if (failed.length > 0) console.error(`\n${failed.length} scenario(s) could not finish: ${failed.join(', ')}`);
// Exit explicitly: a stray handle left by a failed scenario must not keep the bench alive.
process.exit(failed.length > 0 ? 1 : 0);

async function runScenario(scenario: Scenario): Promise<ScenarioReport> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  try {
    const measured = await scenario.run({ timeScale });
    console.log(`  done in ${elapsed().toFixed(0)} s`);
    return { id: scenario.id, title: scenario.title, seconds: elapsed(), ok: true, ...measured };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`  FAILED after ${elapsed().toFixed(0)} s: ${message}`);
    return { id: scenario.id, title: scenario.title, seconds: elapsed(), ok: false, error: message };
  }
}

function parseCommandLine(): { only: Scenario[]; timeScale: number } {
  const { values } = parseArgs({ options: { only: { type: 'string' }, 'time-scale': { type: 'string' } } });
  const ids = values.only?.split(',').map((id) => id.trim()) ?? SCENARIOS.map((scenario) => scenario.id);
  const unknown = ids.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  const timeScale = Number(values['time-scale'] ?? 1);
  const problems = [
    ...(unknown.length > 0 ? [`--only: unknown scenario(s) ${unknown.join(', ')}`] : []),
    ...(Number.isFinite(timeScale) && timeScale >= 1 ? [] : ['--time-scale: must be a number ≥ 1']),
  ];
  if (problems.length > 0) {
    console.error(
      `${problems.join('\n')}\nUsage: npm run bench -- [--only ${SCENARIOS.map((scenario) => scenario.id).join(',')}] [--time-scale N]`,
    );
    process.exit(2);
  }
  return { only: SCENARIOS.filter((scenario) => ids.includes(scenario.id)), timeScale };
}

/** Compiles the bot (`npm run build`), so what is measured is the current source as `node` runs it. */
function build(): void {
  console.log('Building the bot (npm run build)…');
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status === 0) return;
  console.error(`npm run build failed:\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`);
  process.exit(1);
}
