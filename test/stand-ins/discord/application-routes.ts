import type { APIApplication, ApplicationFlags, RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { apiErrors } from './http.js';
import type { RouteContext, Router } from './router.js';
import type { Services } from './services.js';

/** Gateway discovery, the application itself and its command lists. */
export function addApplicationRoutes(router: Router, services: Services): void {
  const global = '/applications/:applicationId/commands';
  const guild = '/applications/:applicationId/guilds/:guildId/commands';
  router
    .add('GET', '/gateway', 'none', () => ({ status: 200, body: { url: services.gatewayUrl() } }))
    .add('GET', '/gateway/bot', 'bot', () => ({ status: 200, body: gatewayBot(services) }))
    .add('GET', '/applications/@me', 'bot', () => ({ status: 200, body: application(services) }));
  for (const [template, scope] of [
    [global, globalScope],
    [guild, guildScope],
  ] as const) {
    router
      .add('GET', template, 'bot', (context) => ({
        status: 200,
        body: services.commands.list(scope(services, context)),
      }))
      .add('PUT', template, 'bot', (context) => ({
        status: 200,
        body: services.commands.overwrite(scope(services, context), context.body.json),
      }))
      .add('POST', template, 'bot', (context) => {
        const { command, created } = services.commands.upsert(scope(services, context), context.body.json);
        return { status: created ? 201 : 200, body: command };
      });
  }
}

function gatewayBot(services: Services): RESTGetAPIGatewayBotResult {
  return {
    url: services.gatewayUrl(),
    shards: services.recommendedShards,
    session_start_limit: {
      total: 1000,
      remaining: 1000,
      reset_after: 14_400_000,
      // discord.js spaces identifies 5 s apart per concurrency bucket; a generous
      // max_concurrency lets multi-shard tests connect without that wait.
      max_concurrency: services.maxConcurrency,
    },
  };
}

function application(services: Services): APIApplication {
  const { world } = services;
  return {
    id: world.applicationId,
    name: world.botUser.username,
    icon: null,
    description: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: world.userPayload(world.botUser),
    owner: world.userPayload(world.owner),
    summary: '',
    verify_key: 'c0ffee'.repeat(10).padEnd(64, '0'),
    team: null,
    // No application flag is set; the enum has no zero member.
    flags: 0 as ApplicationFlags,
    flags_new: '0',
  };
}

/** Global command routes: no guild, after checking the application id. */
function globalScope(services: Services, context: RouteContext): undefined {
  if (context.param('applicationId') !== services.world.applicationId) throw apiErrors.unknownApplication();
  return undefined;
}

/** Guild command routes: the guild the path names. */
function guildScope(services: Services, context: RouteContext): string {
  globalScope(services, context);
  const guildId = context.param('guildId');
  // Discord answers Missing Access for a guild the app is not installed in.
  if (guildId === services.world.foreignGuild.id) throw apiErrors.missingAccess();
  if (!services.world.guild(guildId)) throw apiErrors.unknownGuild();
  return guildId;
}
