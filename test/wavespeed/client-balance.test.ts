import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MalformedResponseError, ProviderAuthError, ProviderUnavailableError } from '../../src/provider/errors.js';
import { WaveSpeedClient } from '../../src/wavespeed/client.js';
import { startWaveSpeedStandIn, type WaveSpeedStandIn } from '../stand-ins/wavespeed.js';

/** The account's balance through the real client, against the stand-in over loopback HTTP. */

let standIn: WaveSpeedStandIn;
let waits: number[];

beforeEach(async () => {
  standIn = await startWaveSpeedStandIn({ balance: 12.34 });
  waits = [];
});
afterEach(() => standIn.close());

function connect(apiKey = standIn.apiKey): WaveSpeedClient {
  return new WaveSpeedClient({
    baseUrl: standIn.baseUrl,
    apiKey,
    outputHosts: [],
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
}

describe('WaveSpeedClient.balance', () => {
  it('reads the balance in US dollars', async () => {
    expect(await connect().balance()).toBe(12.34);
    standIn.setBalance(0);
    expect(await connect().balance()).toBe(0);
    expect(standIn.balanceCalls).toBe(2);
  });

  it('refuses a key the provider refuses, without trying again', async () => {
    await expect(connect('wrong-key').balance()).rejects.toBeInstanceOf(ProviderAuthError);
    expect(standIn.balanceCalls).toBe(1);
  });

  it('tries a transient failure once more, and gives up after that', async () => {
    standIn.fault('balance', { status: 503 });
    expect(await connect().balance()).toBe(12.34);
    standIn.fault('balance', { status: 503, times: 2 });
    await expect(connect().balance()).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(standIn.balanceCalls).toBe(4);
    expect(waits).toHaveLength(2);
  });

  it('calls an answer without a balance malformed', async () => {
    standIn.fault('balance', { malformed: 'wrong_shape', times: 2 });
    await expect(connect().balance()).rejects.toBeInstanceOf(MalformedResponseError);
  });
});
