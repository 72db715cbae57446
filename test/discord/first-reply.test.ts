import { DiscordAPIError, RESTJSONErrorCodes, type RepliableInteraction } from 'discord.js';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replyFirst } from '../../src/discord/first-reply.js';

const API = 'http://discord.test/api';
const CALLBACK = '/api/v10/interactions/111/tok/callback';

/** The parts of an interaction and its client's REST that the first reply uses. */
function interactionOn(agent: MockAgent) {
  const post = vi.fn(async () => undefined);
  const interaction = {
    id: '111',
    token: 'tok',
    replied: false,
    ephemeral: null as boolean | null,
    client: { rest: { options: { api: API, version: '10', userAgentAppendix: '', timeout: 5_000 }, agent, post } },
  };
  return { interaction, asDiscord: interaction as unknown as RepliableInteraction, post };
}

const agents: MockAgent[] = [];
function mockDiscord(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  return agent;
}

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.close();
});

describe('replyFirst', () => {
  it('posts a public message as the callback and leaves the interaction replied, as reply() does', async () => {
    const agent = mockDiscord();
    let sent: unknown;
    agent
      .get('http://discord.test')
      .intercept({ path: CALLBACK, method: 'POST' })
      .reply(204, (request) => {
        sent = JSON.parse(String(request.body));
        return '';
      });
    const { interaction, asDiscord, post } = interactionOn(agent);

    await replyFirst(asDiscord, { content: 'In line', allowed_mentions: { parse: [] } });

    expect(sent).toStrictEqual({ type: 4, data: { content: 'In line', allowed_mentions: { parse: [] } } });
    expect(interaction).toMatchObject({ replied: true, ephemeral: false });
    expect(post).not.toHaveBeenCalled();
  });

  it("throws Discord's refusal as a DiscordAPIError with its code, and leaves the interaction unanswered", async () => {
    const agent = mockDiscord();
    agent
      .get('http://discord.test')
      .intercept({ path: CALLBACK, method: 'POST' })
      .reply(404, { message: 'Unknown interaction', code: RESTJSONErrorCodes.UnknownInteraction });
    const { interaction, asDiscord, post } = interactionOn(agent);

    const refusal = await replyFirst(asDiscord, { content: 'In line' }).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(DiscordAPIError);
    expect(refusal).toMatchObject({ code: RESTJSONErrorCodes.UnknownInteraction, status: 404 });
    expect(interaction.replied).toBe(false);
    expect(post).not.toHaveBeenCalled();
  });

  it.each([429, 502])("sends an answer Discord did not take (%i) again through discord.js's REST", async (status) => {
    const agent = mockDiscord();
    agent.get('http://discord.test').intercept({ path: CALLBACK, method: 'POST' }).reply(status, '');
    const { interaction, asDiscord, post } = interactionOn(agent);

    await replyFirst(asDiscord, { content: 'In line' });

    expect(post).toHaveBeenCalledWith('/interactions/111/tok/callback', {
      body: { type: 4, data: { content: 'In line' } },
      auth: false,
    });
    expect(interaction.replied).toBe(true);
  });
});
