import type { Message } from './message.js';

/**
 * What members read, in US English: the source every language translates, and what a member
 * reads whose client is set to a language the bot does not have. Its keys are the catalog's;
 * see {@link Message} for placeholders and plural forms. Words of the command registrations
 * (names, descriptions, choices) are the builders' own, under `commands/`.
 */
export const enUS = {
  // A job's reply while it is made.
  'progress.next_up': '🕒 In line for the studio · next up',
  'progress.waiting': {
    one: '🕒 In line for the studio · {count} video ahead of yours',
    other: '🕒 In line for the studio · {count} videos ahead of yours',
  },
  'progress.submitting': '📨 Sending your prompt to the studio…',
  'progress.queued': '⏳ Queued · sent {sent}',
  'progress.generating': '🎬 Generating · started {started}',
  'progress.eta': 'likely ready {ready}',
  'progress.overdue': 'taking longer than usual',
  'progress.handed_off': 'This is taking a while: the video will be posted in this channel when it is ready.',
  'progress.handed_off_dm': 'This is taking a while: the video will be sent to you by DM when it is ready.',
  'request.from_image': '🖼️ From your image',

  // The details line under a finished video, its parts joined with ` · `.
  'result.from_image': 'From an image',
  'result.from_image_1080p': 'From an image at 1080p',
  'result.seed': 'seed {seed}',
  'result.random_seed': 'seed random',
  'result.made_in': 'made in {seconds} s',
  'job.id': 'id `{id}`',
  'job.unknown_id': 'unknown',
  'size.832*480': 'Landscape 832×480',
  'size.480*832': 'Portrait 480×832',
  'size.1920*1080': 'Landscape 1920×1080',
  'size.1080*1920': 'Portrait 1080×1920',
  'unit.seconds': '{seconds} s',

  // A finished video posted as its link.
  'video_link.upload_refused': "📎 Discord would not take the upload ({what}), so here is the video's link.",
  'video_link.too_large': '📎 The video ({what}) is more than Discord takes here, so here is its link.',
  'video_link.over_limit': '📎 The video ({what}) is over the {limit} upload limit here, so here is its link.',
  'video_link.expires': 'It expires {expires}.',

  // Why a job ended without a video.
  'failure.moderation':
    '🚫 The content filter rejected this prompt. Try describing it differently. It did not count toward your daily videos.',
  'failure.invalid_request':
    '⚠️ The video service refused these options. Try a different prompt or seed. It did not count toward your daily videos.',
  'failure.provider_busy':
    '🕐 The video service is overloaded right now. Please try again in a few minutes. It did not count toward your daily videos.',
  'failure.provider_unavailable':
    '🛠️ The video service is having trouble right now. Please try again later. It did not count toward your daily videos.',
  'failure.no_credit':
    "💳 The bot's video credit has run out or its key was refused. Please tell a server admin. It did not count toward your daily videos.",
  'failure.timeout':
    '⌛ The video took too long and was abandoned. Please try again. It did not count toward your daily videos.',
  'failure.failed': '❌ The video could not be generated. Please try again. It did not count toward your daily videos.',
  'failure.submit_unknown':
    '🔄 The bot lost track of this request while sending it (a restart or a dropped connection), so it cannot tell whether it started. It was not sent again, to avoid paying twice. It did not count toward your daily videos.',
  'failure.output_unavailable':
    '📭 The video was made but could not be fetched from the video service. Please try again. It did not count toward your daily videos.',
  'failure.image_refused':
    "🖼️ That image can't be used: it must really be a PNG, JPEG or WebP file, of up to 20 MB. It did not count toward your daily videos.",
  'failure.image_unavailable':
    '🖼️ Your image could not be fetched or passed on to the video service. Please attach it again. It did not count toward your daily videos.',
  'failure.nsfw_blocked':
    '🔞 The video service flagged this video as not safe for work, so it is not posted in this channel. It counted toward your daily videos.',
  'failure.cancelled': '✖️ This video was cancelled.',
  'failure.link': 'Its link, kept by the video service for 7 days: {url} · id `{id}`',
  'video_gone.file_gone': '📭 The file is no longer kept: the video service deletes videos 7 days after they are made.',
  'video_gone.posted_at': 'It was first posted here: {link}',
  'video_gone.posted_unknown': 'Where it was first posted is not known.',

  // A cancelled job's reply.
  'cancelled.at_provider':
    "✖️ Cancelled. The studio had already started this video and can't stop it, so it won't be posted, and it still counts toward today's videos.",
  'cancelled.at_provider_by':
    "✖️ Cancelled by {user}. The studio had already started this video and can't stop it, so it won't be posted, and it still counts toward today's videos.",
  'cancelled.in_line':
    "✖️ Cancelled before it reached the studio. Nothing was spent, and it did not count toward today's videos.",
  'cancelled.in_line_by':
    "✖️ Cancelled by {user} before it reached the studio. Nothing was spent, and it did not count toward today's videos.",

  // A press of a job's button that did nothing.
  'action_refused.cancel_not_permitted': 'Only the member who asked for this video or a moderator can cancel it.',
  'action_refused.delete_not_permitted': 'Only the member who made this video or a moderator can delete it.',
  'action_refused.unknown_job':
    'The bot no longer knows this video (its buttons work for {days} days), so nothing was done.',
  'action_refused.finished': 'This video is already finished, so there is nothing left to cancel.',

  // `/video-show` with nothing to post.
  'show_refused.unknown':
    "No video with that id was made here in the last {days} days. Use the id from the video's message (`id …`), or see yours with `/video-history`.",
  'show_refused.unfinished': 'That video is still being made: it will be posted when it is ready.',
  'show_refused.failed': 'That request ended without a video ({outcome}), so there is nothing to show.',
  'show_refused.nsfw_blocked':
    'That video was flagged as not safe for work, and this server keeps such videos out of this channel.',

  // A job's outcome in a few words: `/video-history`'s list, the moderation log's entries.
  'outcome.moderation': '🚫 Refused by the content filter',
  'outcome.invalid_request': '⚠️ Options refused by the studio',
  'outcome.provider_busy': '🕐 Studio overloaded',
  'outcome.provider_unavailable': '🛠️ Studio unavailable',
  'outcome.no_credit': '💳 Out of video credit',
  'outcome.timeout': '⌛ Took too long',
  'outcome.failed': '❌ Failed',
  'outcome.submit_unknown': '🔄 Lost track while sending',
  'outcome.output_unavailable': '📭 Made, but could not be fetched',
  'outcome.image_refused': '🖼️ Image refused',
  'outcome.image_unavailable': '🖼️ Image could not be fetched',
  'outcome.nsfw_blocked': '🔞 Flagged as not safe for work, not posted',
  'outcome.cancelled': '✖️ Cancelled',
  'outcome.made': '🎬 Made',
  'outcome.made_not_posted': '📭 Made, but could not be posted',
  'outcome.in_the_making': '⏳ In the making',
  'history.title.server': 'Your videos in this server',
  'history.title.dms': 'Your videos in DMs',
  'history.latest.server': {
    one: 'Your last {count} video in this server',
    other: 'Your last {count} videos in this server',
  },
  'history.latest.dms': { one: 'Your last {count} video in DMs', other: 'Your last {count} videos in DMs' },
  'history.none.server': 'You have made no videos in this server in the last {days} days.',
  'history.none.dms': 'You have made no videos in DMs in the last {days} days.',
  'history.footer': 'Bring one back with /video-show and its id.',
  'history.not_counted': 'not counted',
  'history.original': 'Original message',
  'history.video': 'Video',

  // Refusals before anything is spent.
  'quota_refused.user_daily': {
    one: 'You have used your {count} video for today. Your allowance resets {resets}.',
    other: 'You have used your {count} videos for today. Your allowance resets {resets}.',
  },
  'quota_refused.user_daily_1080p': {
    one: 'You have used your {count} 1080p video for today (your 1080p allowance; 1080p videos count toward your daily videos too). You can still make 480p ones, and it resets {resets}.',
    other:
      'You have used your {count} 1080p videos for today (your 1080p allowance; 1080p videos count toward your daily videos too). You can still make 480p ones, and it resets {resets}.',
  },
  'quota_refused.user_concurrent': {
    one: 'You already have {count} video in the making. Wait for one to finish, then try again.',
    other: 'You already have {count} videos in the making. Wait for one to finish, then try again.',
  },
  'quota_refused.guild_daily': {
    one: 'This server has used its {count} video for today. The allowance resets {resets}.',
    other: 'This server has used its {count} videos for today. The allowance resets {resets}.',
  },
  'quota_refused.budget': 'The bot has reached its spending limit for today. It resets {resets}.',
  channel_refused: "Videos can't be made in this channel. Try {channels}.",
  'quality_refused.in_server':
    "{quality} videos aren't enabled on this server, so nothing was started or spent. Ask a server admin to turn them on with `/video-admin 1080p`, or leave `quality` at 480p.",
  'quality_refused.outside_servers':
    '{quality} videos are made only in servers whose admins turned them on, so nothing was started or spent. Leave `quality` at 480p here.',
  prompt_refused: "That prompt isn't allowed on this server.",
  studio_closed: 'Video is unavailable right now, so nothing was started or spent. Please try again later.',
  member_blocked:
    "This server's admins have turned off /video for you, so nothing was started or spent. Ask them if you think this is a mistake.",
  store_unavailable:
    "The bot can't check quotas right now, so nothing was started or spent. Please try again in a minute.",
  already_accepted: 'This request was already taken; its video is on the way.',
  /** Between the items of a list in a sentence: channels, roles, permissions. */
  'list.separator': ', ',

  // A job's buttons, and the modal Remix opens (Discord: labels up to 80 characters, modal texts 45).
  'button.reroll': 'Reroll',
  'button.remix': 'Remix',
  'button.upscale': '1080p',
  'button.delete': 'Delete',
  'button.cancel': 'Cancel',
  'remix.title': 'Remix this video',
  'remix.prompt': 'Prompt',
  'remix.negative_prompt': 'Negative prompt (what to avoid)',
  'remix.seed': 'Seed (leave blank for a random one)',

  // The router's own answers, and the checks before a command runs.
  'interaction.apology': 'Something went wrong on our side. Nothing was spent; please try again.',
  'interaction.unknown_command': 'This bot has no such command (any more). Type `/` to see the ones it has.',
  'interaction.unknown_component': 'This no longer does anything here.',
  'command.invalid_options': 'Those options are not valid for this command.',
  'command.guild_only': 'This command works only in a server.',
  'command.wrong_context': 'This command does not work here.',
  'command.wrong_install': 'This command works only in a server the bot is in.',
  'command.missing_permissions': {
    one: 'You need the {permissions} permission to use `/{command}`.',
    other: 'You need the {permissions} permissions to use `/{command}`.',
  },
  'permission.Administrator': 'Administrator',
  'permission.ManageGuild': 'Manage Server',

  // `/video`'s options, as checked before anything is spent.
  'video.invalid_options': 'Those options are not valid.',
  'video.prompt.too_long': 'The prompt can be at most {max} characters.',
  'video.prompt.missing': 'Describe the video you want in `prompt`, or attach an `image` to start from.',
  'video.prompt.missing_1080p_image': 'A 1080p video from an image needs a `prompt` too: say what happens in it.',
  'video.image.not_image': 'The image must be a PNG, JPEG or WebP file.',
  'video.image.too_large': 'The image can be at most {max} MB.',
  'video.negative_prompt.too_long': 'The negative prompt can be at most {max} characters.',
  'video.size.invalid': 'Pick one of the offered sizes.',
  'video.size.not_taken': 'Size comes from the image; leave size out.',
  'video.seed.not_whole': 'The seed must be a whole number.',
  'video.seed.out_of_range': 'The seed must be between {min} (random) and {max}.',
  'video.quality.invalid': 'Pick one of the offered qualities.',

  // `/quota`, one line each.
  'quota.unlimited': 'You have no daily limit here ({used} made today).',
  'quota.left': {
    one: 'You have **{left}** of {count} video left today.',
    other: 'You have **{left}** of {count} videos left today.',
  },
  'quota.in_flight': 'In the making: {in_flight} of {max} at once.',
  'quota.outside_servers': 'Your DMs, group DMs and servers without the bot share this allowance.',
  'quota.left_1080p':
    '1080p: **{left}** of {total} left today, {price} each (they count toward your videos above too).',
  'quota.guild_left': {
    one: 'This server has {left} of {count} video left today.',
    other: 'This server has {left} of {count} videos left today.',
  },
  'quota.spent': 'The bot has spent {spent} of its {budget} for today.',
  'quota.prices': 'A video costs {text} from text, {image} from an image.',
  'quota.resets': 'Daily counts reset {resets}.',

  // `/video-admin`'s replies and refusals.
  'admin.saved': 'Saved.',
  'admin.nothing_to_change': 'Give `user_daily`, `guild_daily` or both.',
  'admin.granted': {
    one: '{member} can make {count} more video today.',
    other: '{member} can make {count} more videos today.',
  },
  'admin.reset': "{member}'s count for today is back to zero.",
  'admin.invalid_policy': 'Pick one of the offered policies.',
  'admin.unknown_subcommand': 'That subcommand is not known. Try `/video-admin show`.',
  'admin.out_of_range': '`{option}` must be a whole number from {min} to {max}.',
  'admin.settings.per_member': {
    one: '**Per member:** {count} video a day, {concurrent} at once',
    other: '**Per member:** {count} videos a day, {concurrent} at once',
  },
  'admin.settings.per_member_default': {
    one: '**Per member:** {count} video a day (bot default), {concurrent} at once',
    other: '**Per member:** {count} videos a day (bot default), {concurrent} at once',
  },
  'admin.settings.whole_server': {
    one: '**Whole server:** {count} video a day',
    other: '**Whole server:** {count} videos a day',
  },
  'admin.settings.whole_server_unlimited': '**Whole server:** no daily limit',
  'admin.settings.channels': '**Channels:** {channels}',
  'admin.settings.channels_everywhere': '**Channels:** everywhere',
  'admin.settings.exempt_roles': '**Exempt roles:** {roles}',
  'admin.settings.exempt_roles_none': '**Exempt roles:** none',
  'admin.settings.role_allowances': '**Role allowances:** {allowances}',
  'admin.settings.role_allowances_none': '**Role allowances:** none',
  'admin.settings.role_allowance': '{role} {daily}/day',
  'admin.settings.nsfw': '**NSFW-flagged videos:** {policy}',
  'admin.settings.nsfw.never': 'never posted',
  'admin.settings.nsfw.age-restricted': 'posted as spoilers in age-restricted channels only',
  'admin.settings.nsfw.anywhere': 'posted as spoilers in any channel',
  'admin.settings.1080p': '**1080p videos:** {state}',
  'admin.settings.1080p.on': 'on ({price} each), {allowance}',
  'admin.settings.1080p.off': 'off (when turned on: {allowance})',
  'admin.settings.1080p.allowance': '{daily} per member a day, within their daily videos',

  // `/video-admin filter`. A sentence about a rule has a form per kind, as languages with
  // grammatical gender need; `{text}` is the rule in a code span.
  'filter.present.word': 'The word {text} is already a filter here.',
  'filter.present.pattern': 'The pattern {text} is already a filter here.',
  'filter.added.word': 'Added the word {text}: /video now refuses prompts with it.',
  'filter.added.pattern': 'Added the pattern {text}: /video now refuses prompts with it.',
  'filter.absent.word': 'There is no word filter {text} here.',
  'filter.absent.pattern': 'There is no pattern filter {text} here.',
  'filter.removed.word': 'Removed the word {text}.',
  'filter.removed.pattern': 'Removed the pattern {text}.',
  'filter.unknown_subcommand': 'That subcommand is not known. Try `/video-admin filter list`.',
  'filter.invalid_kind': 'Pick `word` or `pattern`.',
  'filter.text_length': '`text` must be 1 to {max} characters.',
  'filter.none': 'This server has no prompt filters. Add one with `/video-admin filter add`.',
  'filter.header': '**Prompt filters** ({rules} of {max}), checked in this order:',
  'filter.line': '{n}. {kind} {text} · added by {user} {date}',
  'filter.kind.word': 'word',
  'filter.kind.pattern': 'pattern',
  'filter.not_checked': '⚠️ not checked: {why}',
  'filter.more': '…and {more} more: the whole list is attached.',
  /** The attached list is plain text: ids and dates written out. */
  'filter.file_added': 'added by user {user} on {date}',
  'filter.file_not_checked': 'not checked: {why}',
  // Why a rule cannot be a filter (`src/moderation/prompt-filter.ts`).
  'filter.word_too_long': 'A word can be at most {max} characters.',
  'filter.word_empty': 'A word needs at least one letter or digit.',
  'filter.pattern_too_long': 'A pattern can be at most {max} characters.',
  'filter.pattern_matches_empty': 'That pattern matches an empty prompt, so it would refuse every prompt.',
  'filter.pattern_unsupported':
    'That pattern uses look-ahead, look-behind or a back-reference, which filters do not support.',
  /** `{error}` is RE2's own description of the fault, in English. */
  'filter.pattern_invalid': 'That is not a valid pattern ({error}).',
  'filter.pattern_too_complex': 'That pattern is too complex to check quickly: use fewer or smaller repeats.',
  'filter.too_many': 'A server can have at most {max} filters: remove one first.',
  'filter.patterns_too_large': "This server's patterns are as complex as they can be together: remove one first.",
  // The moderation log: what admins are told about it, and its posts, in the server's language.
  'log.none_to_turn_off': 'This server has no moderation log to turn off. Pick a channel with `/video-admin log`.',
  'log.turned_off': 'The moderation log is off: nothing more is posted in {channel}.',
  'log.channel_type': 'Pick a text or announcement channel for the log.',
  'log.on': 'Every video and refused prompt of this server is now logged in {channel}.',
  'log.saved_unconfirmed':
    'Saved. Discord did not take a first note in {channel} just now; the next entries will try again.',
  'log.saved_unusable':
    'Saved, but {problem}: {channel}. Give the bot View Channel and Send Messages there, then pick it again.',
  'log.problem.missing': 'the channel no longer exists',
  'log.problem.forbidden': "the bot can't post there",
  'admin.settings.log': '**Moderation log:** {log}',
  'admin.settings.log.off': 'off (pick a channel with `/video-admin log`)',
  'admin.settings.log.unusable':
    '⚠️ {channel} is unusable since {since}: {problem}. Fix it, then pick it again with `/video-admin log`.',
  'admin.settings.log.on': '{channel} (picked by {user})',
  'admin.settings.blocked': '**Blocked from /video:** {blocked}',
  'admin.settings.blocked.none': 'nobody',
  'admin.settings.blocked.members': { one: '{count} member: {members}', other: '{count} members: {members}' },
  'admin.settings.blocked.more': '{members} and {more} more',
  'admin.settings.balance': '**WaveSpeed balance:** {balance}',
  'admin.settings.balance.key_refused': 'unknown: WaveSpeed refused the API key',
  'admin.settings.balance.unknown': 'unknown: WaveSpeed did not answer',
  'admin.settings.balance.stale': '{balance} when last read {when} (WaveSpeed did not answer now)',
  'admin.settings.balance.stale_undated': '{balance} when last read (WaveSpeed did not answer now)',
  'admin.settings.video': '**Video for members:** {condition}',
  'admin.settings.video.open': 'open',
  'admin.settings.video.low': 'open; the balance is below the warning level (`BALANCE_WARN_USD`)',
  'admin.settings.video.key_refused':
    "closed: WaveSpeed refused the bot's API key, so members are told video is unavailable. It reopens once a balance check succeeds.",
  'admin.settings.video.no_credit':
    "closed: the WaveSpeed account can't pay for a video, so members are told video is unavailable. It reopens once a balance check finds credit.",
  'log.guild_only': 'These buttons work only in a server.',
  'log.not_permitted': "Only members with the Manage Server permission can use the moderation log's buttons.",
  'log.blocked': '🔒 {member} can no longer use /video here; their videos already in the making finish.',
  'log.already_blocked': '{member} was already blocked from /video.',
  'log.unblocked': '🔓 {member} can use /video again.',
  'log.not_blocked': '{member} was not blocked.',
  'log.reset': "🔄 {member}'s videos for today are back to zero.",
  'log.button.block': 'Block from /video',
  'log.button.unblock': 'Unblock',
  'log.button.reset': 'Reset today',
  'log.cancelled_by': '✖️ **Cancelled** by {user}',
  'log.requester': '{user} in {channel}',
  'log.from_image': '🖼️ From an image, no prompt',
  'log.model': 'model `{model}`',
  'log.prediction': 'prediction `{id}`',
  'log.none': 'none',
  'log.cost': 'cost {cost}',
  'log.refunded': '{cost} (refunded)',
  'log.nsfw': 'NSFW {flag}',
  'log.nsfw.flagged': 'flagged',
  'log.nsfw.no': 'no',
  'log.nsfw.no_video': 'no video',
  'log.prompt_refused': '🚫 **Prompt refused by a filter** · {requester}',
  'log.prompt_refused.word': 'matched the word {text} (added by {user}) · nothing was spent',
  'log.prompt_refused.pattern': 'matched the pattern {text} (added by {user}) · nothing was spent',
  'log.action.block': '🔒 {by} blocked {member} from /video.',
  'log.action.unblock': '🔓 {by} unblocked {member}: /video works for them again.',
  'log.action.reset': "🔄 {by} reset {member}'s videos for today.",
  'log.account.closed':
    '🔒 **Video is closed for members**: {why} Members are told video is unavailable, and nothing is spent. It reopens by itself once a balance check succeeds.',
  'log.account.closed.key_refused':
    "WaveSpeed refused the bot's API key. The bot's operator should check `WAVESPEED_API_KEY`.",
  'log.account.closed.no_credit':
    "the WaveSpeed account can't pay for a video. The bot's operator should top it up at wavespeed.ai.",
  'log.account.open': '🔓 **Video is open again**: WaveSpeed answered a balance check ({balance}).',
  'log.account.low':
    '⚠️ The WaveSpeed balance is {balance}, below the warning level of {warn}. Top it up at wavespeed.ai before videos stop.',
  'log.account.low_unset': '⚠️ The WaveSpeed balance is {balance}. Top it up at wavespeed.ai before videos stop.',
  'log.balance_unknown': 'unknown',
  'log.greeting':
    '📋 This channel is now the moderation log for /video, picked by {user}. Every video made in this server, and every prompt a filter refuses, is posted here, with buttons to block the member or reset their day.',
  'log.unusable':
    "I can't post in the moderation log you picked, {channel}: {problem}. Nothing is logged until that is fixed; `/video-admin show` says how it stands. Fix it, or pick another channel with `/video-admin log`.",
  'log.unusable.forbidden': "I'm not allowed to post there (I need View Channel and Send Messages in it)",
} as const satisfies Record<string, Message>;
