import type { Language, Translation } from './language.js';

/** Japanese: polite (です・ます), in the terms Discord's Japanese client uses (サーバー, チャンネル, ロール). */
const messages = {
  'progress.next_up': '🕒 スタジオの順番待ち · 次の番です',
  'progress.waiting': { other: '🕒 スタジオの順番待ち · 前に {count} 本の動画があります' },
  'progress.submitting': '📨 プロンプトをスタジオに送信中…',
  'progress.queued': '⏳ 待機中 · {sent}に送信',
  'progress.generating': '🎬 生成中 · {started}に開始',
  'progress.eta': '{ready}に完成予定',
  'progress.overdue': 'いつもより時間がかかっています',
  'progress.handed_off': '少し時間がかかっています。完成した動画はこのチャンネルに投稿されます。',
  'progress.handed_off_dm': '少し時間がかかっています。完成した動画は DM でお送りします。',
  'request.from_image': '🖼️ あなたの画像から',

  'result.from_image': '画像から',
  'result.from_image_1080p': '画像から（1080p）',
  'result.seed': 'シード {seed}',
  'result.random_seed': 'シード ランダム',
  'result.made_in': '{seconds} 秒で生成',
  'job.id': 'ID `{id}`',
  'job.unknown_id': '不明',
  'size.832*480': '横長 832×480',
  'size.480*832': '縦長 480×832',
  'size.1920*1080': '横長 1920×1080',
  'size.1080*1920': '縦長 1080×1920',
  'unit.seconds': '{seconds} 秒',

  'video_link.upload_refused':
    '📎 Discord がアップロード（{what}）を受け付けなかったため、動画のリンクをお送りします。',
  'video_link.too_large':
    '📎 動画（{what}）がここで Discord が受け付けるサイズを超えているため、リンクをお送りします。',
  'video_link.over_limit':
    '📎 動画（{what}）がここでのアップロード上限 {limit} を超えているため、リンクをお送りします。',
  'video_link.expires': 'リンクは{expires}に期限切れになります。',

  'failure.moderation':
    '🚫 コンテンツフィルターによってこのプロンプトは拒否されました。別の表現を試してください。1日の回数にはカウントされていません。',
  'failure.invalid_request':
    '⚠️ 動画サービスがこれらのオプションを受け付けませんでした。別のプロンプトかシードを試してください。1日の回数にはカウントされていません。',
  'failure.provider_busy':
    '🕐 現在、動画サービスが混み合っています。数分後にもう一度お試しください。1日の回数にはカウントされていません。',
  'failure.provider_unavailable':
    '🛠️ 現在、動画サービスに問題が発生しています。しばらくしてからもう一度お試しください。1日の回数にはカウントされていません。',
  'failure.no_credit':
    '💳 ボットの動画クレジットが尽きたか、キーが拒否されました。サーバーの管理者に知らせてください。1日の回数にはカウントされていません。',
  'failure.timeout':
    '⌛ 動画の生成に時間がかかりすぎたため中止しました。もう一度お試しください。1日の回数にはカウントされていません。',
  'failure.failed': '❌ 動画を生成できませんでした。もう一度お試しください。1日の回数にはカウントされていません。',
  'failure.submit_unknown':
    '🔄 送信中にボットがこのリクエストを見失ったため（再起動または接続の切断）、開始されたかどうか分かりません。二重に支払わないよう、再送信はしていません。1日の回数にはカウントされていません。',
  'failure.output_unavailable':
    '📭 動画は生成されましたが、動画サービスから取得できませんでした。もう一度お試しください。1日の回数にはカウントされていません。',
  'failure.image_refused':
    '🖼️ この画像は使えません。20 MB 以下の、本物の PNG、JPEG、WebP ファイルである必要があります。1日の回数にはカウントされていません。',
  'failure.image_unavailable':
    '🖼️ 画像を取得できなかったか、動画サービスに渡せませんでした。もう一度添付してください。1日の回数にはカウントされていません。',
  'failure.nsfw_blocked':
    '🔞 動画サービスがこの動画を NSFW（職場での閲覧に不適切）と判定したため、このチャンネルには投稿されません。1日の回数にはカウントされています。',
  'failure.cancelled': '✖️ この動画はキャンセルされました。',
  'failure.link': 'リンク（動画サービスで 7 日間保存されます）: {url} · ID `{id}`',
  'video_gone.file_gone': '📭 ファイルはもう保存されていません。動画サービスは作成から 7 日後に動画を削除します。',
  'video_gone.posted_at': '最初の投稿はこちらです: {link}',
  'video_gone.posted_unknown': '最初にどこに投稿されたかは分かりません。',

  'cancelled.at_provider':
    '✖️ キャンセルしました。スタジオはすでにこの動画の制作を始めていて止められないため、投稿はされませんが、今日の回数にはカウントされます。',
  'cancelled.at_provider_by':
    '✖️ {user} さんがキャンセルしました。スタジオはすでにこの動画の制作を始めていて止められないため、投稿はされませんが、今日の回数にはカウントされます。',
  'cancelled.in_line': '✖️ スタジオに届く前にキャンセルしました。費用はかからず、今日の回数にもカウントされていません。',
  'cancelled.in_line_by':
    '✖️ スタジオに届く前に {user} さんがキャンセルしました。費用はかからず、今日の回数にもカウントされていません。',

  'action_refused.cancel_not_permitted':
    'この動画をキャンセルできるのは、リクエストしたメンバーかモデレーターだけです。',
  'action_refused.delete_not_permitted': 'この動画を削除できるのは、作成したメンバーかモデレーターだけです。',
  'action_refused.unknown_job':
    'ボットにはこの動画の記録がもうないため（ボタンが使えるのは {days} 日間です）、何も行いませんでした。',
  'action_refused.finished': 'この動画はすでに完成しているため、キャンセルするものはありません。',

  'show_refused.unknown':
    '過去 {days} 日間に、この ID の動画はここで作られていません。動画のメッセージにある ID（`ID …`）を使うか、`/動画履歴` で自分の動画を確認してください。',
  'show_refused.unfinished': 'その動画はまだ制作中です。完成したら投稿されます。',
  'show_refused.failed': 'そのリクエストは動画なしで終わったため（{outcome}）、表示するものはありません。',
  'show_refused.nsfw_blocked':
    'その動画は NSFW と判定されており、このサーバーではそうした動画をこのチャンネルに投稿しません。',

  'outcome.moderation': '🚫 コンテンツフィルターで拒否',
  'outcome.invalid_request': '⚠️ スタジオがオプションを拒否',
  'outcome.provider_busy': '🕐 スタジオが混雑',
  'outcome.provider_unavailable': '🛠️ スタジオが利用不可',
  'outcome.no_credit': '💳 動画クレジット切れ',
  'outcome.timeout': '⌛ 時間切れ',
  'outcome.failed': '❌ 失敗',
  'outcome.submit_unknown': '🔄 送信中に見失った',
  'outcome.output_unavailable': '📭 生成済みだが取得できず',
  'outcome.image_refused': '🖼️ 画像が使えない',
  'outcome.image_unavailable': '🖼️ 画像を取得できず',
  'outcome.nsfw_blocked': '🔞 NSFW と判定、未投稿',
  'outcome.cancelled': '✖️ キャンセル済み',
  'outcome.made': '🎬 作成済み',
  'outcome.made_not_posted': '📭 作成済みだが投稿できず',
  'outcome.in_the_making': '⏳ 制作中',

  'history.title.server': 'このサーバーでのあなたの動画',
  'history.title.dms': 'DM でのあなたの動画',
  'history.latest.server': { other: 'このサーバーでのあなたの最新 {count} 本の動画' },
  'history.latest.dms': { other: 'DM でのあなたの最新 {count} 本の動画' },
  'history.none.server': '過去 {days} 日間、このサーバーで動画を作っていません。',
  'history.none.dms': '過去 {days} 日間、DM で動画を作っていません。',
  'history.footer': '/動画再投稿 と ID で、もう一度投稿できます。',
  'history.not_counted': 'カウント対象外',
  'history.original': '元のメッセージ',
  'history.video': '動画',

  'quota_refused.user_daily': {
    other: '今日の {count} 本の動画をすべて使いました。利用枠は{resets}にリセットされます。',
  },
  'quota_refused.user_daily_1080p': {
    other:
      '今日の 1080p の動画 {count} 本をすべて使いました（1080p の利用枠です。1080p の動画は1日の回数にもカウントされます）。480p の動画はまだ作れます。利用枠は{resets}にリセットされます。',
  },
  'quota_refused.user_concurrent': {
    other: 'すでに {count} 本の動画を制作中です。どれかが完成してからもう一度お試しください。',
  },
  'quota_refused.guild_daily': {
    other: 'このサーバーは今日の {count} 本の動画をすべて使いました。利用枠は{resets}にリセットされます。',
  },
  'quota_refused.budget': 'ボットは今日の支出上限に達しました。{resets}にリセットされます。',
  channel_refused: 'このチャンネルでは動画を作れません。{channels} でお試しください。',
  'quality_refused.in_server':
    'このサーバーでは {quality} の動画が有効になっていないため、何も開始せず、費用もかかっていません。サーバーの管理者に `/動画管理 1080p` で有効にしてもらうか、`画質` を 480p のままにしてください。',
  'quality_refused.outside_servers':
    '{quality} の動画は、管理者が有効にしたサーバーでのみ作れるため、何も開始せず、費用もかかっていません。ここでは `画質` を 480p のままにしてください。',
  prompt_refused: 'そのプロンプトはこのサーバーでは許可されていません。',
  studio_closed:
    '現在、動画は利用できないため、何も開始せず、費用もかかっていません。しばらくしてからもう一度お試しください。',
  member_blocked:
    'このサーバーの管理者があなたの /動画 の利用を停止しているため、何も開始せず、費用もかかっていません。間違いだと思う場合は管理者に問い合わせてください。',
  store_unavailable:
    'ボットは現在利用枠を確認できないため、何も開始せず、費用もかかっていません。1分ほどしてからもう一度お試しください。',
  already_accepted: 'このリクエストはすでに受け付けています。動画をお待ちください。',
  'list.separator': '、',

  'button.reroll': '再生成',
  'button.remix': 'リミックス',
  'button.upscale': '1080p',
  'button.delete': '削除',
  'button.cancel': 'キャンセル',
  'remix.title': 'この動画をリミックス',
  'remix.prompt': 'プロンプト',
  'remix.negative_prompt': 'ネガティブプロンプト（避けたい要素）',
  'remix.seed': 'シード（空欄でランダム）',

  'interaction.apology': 'こちら側で問題が発生しました。費用はかかっていません。もう一度お試しください。',
  'interaction.unknown_command':
    'このボットにはそのコマンドはありません（もうありません）。`/` を入力すると使えるコマンドが表示されます。',
  'interaction.unknown_component': 'これはもう使えません。',
  'command.invalid_options': 'そのオプションはこのコマンドでは使えません。',
  'command.guild_only': 'このコマンドはサーバー内でのみ使えます。',
  'command.wrong_context': 'このコマンドはここでは使えません。',
  'command.wrong_install': 'このコマンドは、ボットが参加しているサーバーでのみ使えます。',
  'command.missing_permissions': { other: '`/{command}` を使うには {permissions} の権限が必要です。' },
  'permission.Administrator': '管理者',
  'permission.ManageGuild': 'サーバー管理',

  'video.invalid_options': 'そのオプションは無効です。',
  'video.prompt.too_long': 'プロンプトは {max} 文字以内にしてください。',
  'video.prompt.missing': '`プロンプト` に作りたい動画を書くか、元にする `画像` を添付してください。',
  'video.prompt.missing_1080p_image':
    '画像からの 1080p の動画には `プロンプト` も必要です。何が起きるかを書いてください。',
  'video.image.not_image': '画像は PNG、JPEG、WebP のいずれかのファイルにしてください。',
  'video.image.too_large': '画像は {max} MB 以下にしてください。',
  'video.negative_prompt.too_long': 'ネガティブプロンプトは {max} 文字以内にしてください。',
  'video.size.invalid': '表示されたサイズから選んでください。',
  'video.size.not_taken': 'サイズは画像で決まるため、サイズは指定しないでください。',
  'video.seed.not_whole': 'シードは整数にしてください。',
  'video.seed.out_of_range': 'シードは {min}（ランダム）から {max} までにしてください。',
  'video.quality.invalid': '表示された画質から選んでください。',

  'quota.unlimited': 'ここでは1日の上限はありません（今日は {used} 本作成済み）。',
  'quota.left': { other: '今日の残りは **{left}** / {count} 本です。' },
  'quota.in_flight': '制作中: {in_flight} / {max} 本（同時に作れる数）',
  'quota.outside_servers': 'DM、グループ DM、ボットのいないサーバーでは、この利用枠を共有します。',
  'quota.left_1080p': '1080p: 今日の残りは **{left}** / {total} 本、1本 {price}（上の回数にもカウントされます）。',
  'quota.guild_left': { other: 'このサーバーの今日の残りは {left} / {count} 本です。' },
  'quota.spent': 'ボットの今日の支出は {spent} です（上限 {budget}）。',
  'quota.prices': '動画1本の費用は、テキストからが {text}、画像からが {image} です。',
  'quota.resets': '1日の回数は{resets}にリセットされます。',

  'admin.saved': '保存しました。',
  'admin.nothing_to_change': '`メンバー上限` と `サーバー上限` のどちらか、または両方を指定してください。',
  'admin.granted': { other: '{member} さんは今日あと {count} 本多く動画を作れます。' },
  'admin.reset': '{member} さんの今日の回数を0に戻しました。',
  'admin.invalid_policy': '表示されたポリシーから選んでください。',
  'admin.unknown_subcommand': '不明なサブコマンドです。`/動画管理 表示` をお試しください。',
  'admin.out_of_range': '`{option}` には {min} から {max} までの整数を指定してください。',
  'admin.settings.per_member': { other: '**メンバーごと:** 1日 {count} 本、同時に {concurrent} 本' },
  'admin.settings.per_member_default': {
    other: '**メンバーごと:** 1日 {count} 本（ボットの既定値）、同時に {concurrent} 本',
  },
  'admin.settings.whole_server': { other: '**サーバー全体:** 1日 {count} 本' },
  'admin.settings.whole_server_unlimited': '**サーバー全体:** 1日の上限なし',
  'admin.settings.channels': '**チャンネル:** {channels}',
  'admin.settings.channels_everywhere': '**チャンネル:** すべて',
  'admin.settings.exempt_roles': '**除外ロール:** {roles}',
  'admin.settings.exempt_roles_none': '**除外ロール:** なし',
  'admin.settings.role_allowances': '**ロールごとの利用枠:** {allowances}',
  'admin.settings.role_allowances_none': '**ロールごとの利用枠:** なし',
  'admin.settings.role_allowance': '{role} 1日 {daily} 本',
  'admin.settings.nsfw': '**NSFW と判定された動画:** {policy}',
  'admin.settings.nsfw.never': '投稿しない',
  'admin.settings.nsfw.age-restricted': '年齢制限チャンネルでのみスポイラーとして投稿',
  'admin.settings.nsfw.anywhere': 'どのチャンネルでもスポイラーとして投稿',
  'admin.settings.1080p': '**1080p の動画:** {state}',
  'admin.settings.1080p.on': 'オン（1本 {price}）、{allowance}',
  'admin.settings.1080p.off': 'オフ（オンにした場合: {allowance}）',
  'admin.settings.1080p.allowance': 'メンバーごとに1日 {daily} 本（1日の回数の内数）',

  'filter.present.word': '単語 {text} はすでにフィルターに登録されています。',
  'filter.present.pattern': 'パターン {text} はすでにフィルターに登録されています。',
  'filter.added.word': '単語 {text} を追加しました。今後 /動画 はこれを含むプロンプトを拒否します。',
  'filter.added.pattern': 'パターン {text} を追加しました。今後 /動画 はこれに一致するプロンプトを拒否します。',
  'filter.absent.word': '単語フィルター {text} は登録されていません。',
  'filter.absent.pattern': 'パターンフィルター {text} は登録されていません。',
  'filter.removed.word': '単語 {text} を削除しました。',
  'filter.removed.pattern': 'パターン {text} を削除しました。',
  'filter.unknown_subcommand': '不明なサブコマンドです。`/動画管理 フィルター 一覧` をお試しください。',
  'filter.invalid_kind': '`word` か `pattern` を選んでください。',
  'filter.text_length': '`テキスト` は 1〜{max} 文字にしてください。',
  'filter.none': 'このサーバーにはプロンプトフィルターがありません。`/動画管理 フィルター 追加` で追加できます。',
  'filter.header': '**プロンプトフィルター**（{rules} / {max}）。この順に確認します:',
  'filter.line': '{n}. {kind} {text} · {user} さんが {date} に追加',
  'filter.kind.word': '単語',
  'filter.kind.pattern': 'パターン',
  'filter.not_checked': '⚠️ 確認対象外: {why}',
  'filter.more': '…ほか {more} 件。全体のリストを添付しました。',
  'filter.file_added': 'ユーザー {user} が {date} に追加',
  'filter.file_not_checked': '確認対象外: {why}',
  'filter.word_too_long': '単語は {max} 文字以内にしてください。',
  'filter.word_empty': '単語には文字か数字が1つ以上必要です。',
  'filter.pattern_too_long': 'パターンは {max} 文字以内にしてください。',
  'filter.pattern_matches_empty':
    'そのパターンは空のプロンプトにも一致するため、すべてのプロンプトを拒否してしまいます。',
  'filter.pattern_unsupported': 'そのパターンは先読み・後読み・後方参照を使っていますが、フィルターでは使えません。',
  'filter.pattern_invalid': '有効なパターンではありません（{error}）。',
  'filter.pattern_too_complex': 'そのパターンは複雑すぎて素早く確認できません。繰り返しを減らすか小さくしてください。',
  'filter.too_many': '1つのサーバーのフィルターは {max} 個までです。先に1つ削除してください。',
  'filter.patterns_too_large': 'このサーバーのパターンは、合わせてこれ以上複雑にできません。先に1つ削除してください。',
  'log.none_to_turn_off':
    'このサーバーには停止するモデレーションログがありません。`/動画管理 ログ` でチャンネルを選んでください。',
  'log.turned_off': 'モデレーションログを停止しました。{channel} にはもう何も投稿されません。',
  'log.channel_type': 'ログには、テキストチャンネルかアナウンスチャンネルを選んでください。',
  'log.on': 'このサーバーのすべての動画と拒否されたプロンプトは、今後 {channel} に記録されます。',
  'log.saved_unconfirmed':
    '保存しました。Discord が今 {channel} への最初の投稿を受け付けませんでした。次の記録で再度試します。',
  'log.saved_unusable':
    '保存しましたが、{problem}: {channel}。そこでボットに「チャンネルを見る」と「メッセージを送信」の権限を与えてから、もう一度選んでください。',
  'log.problem.missing': 'チャンネルがもう存在しません',
  'log.problem.forbidden': 'ボットはそこに投稿できません',
  'admin.settings.log': '**モデレーションログ:** {log}',
  'admin.settings.log.off': 'オフ（`/動画管理 ログ` でチャンネルを選べます）',
  'admin.settings.log.unusable':
    '⚠️ {channel} は{since}から使えません: {problem}。直してから `/動画管理 ログ` でもう一度選んでください。',
  'admin.settings.log.on': '{channel}（{user} さんが選択）',
  'admin.settings.blocked': '**/動画 をブロック中:** {blocked}',
  'admin.settings.blocked.none': 'なし',
  'admin.settings.blocked.members': { other: '{count} 人: {members}' },
  'admin.settings.blocked.more': '{members} ほか {more} 人',
  'admin.settings.balance': '**WaveSpeed の残高:** {balance}',
  'admin.settings.balance.key_refused': '不明: WaveSpeed が API キーを拒否しました',
  'admin.settings.balance.unknown': '不明: WaveSpeed から応答がありません',
  'admin.settings.balance.stale': '{when}の読み取りでは {balance}（WaveSpeed から今は応答がありません）',
  'admin.settings.balance.stale_undated': '前回の読み取りでは {balance}（WaveSpeed から今は応答がありません）',
  'admin.settings.video': '**メンバー向けの動画:** {condition}',
  'admin.settings.video.open': '利用可能',
  'admin.settings.video.low': '利用可能。残高が警告ラインを下回っています（`BALANCE_WARN_USD`）',
  'admin.settings.video.key_refused':
    '停止中: WaveSpeed がボットの API キーを拒否したため、メンバーには動画が利用できないと伝えています。残高の確認が成功すると再開します。',
  'admin.settings.video.no_credit':
    '停止中: WaveSpeed のアカウントで動画の料金を支払えないため、メンバーには動画が利用できないと伝えています。残高の確認でクレジットが見つかると再開します。',
  'log.guild_only': 'これらのボタンはサーバー内でのみ使えます。',
  'log.not_permitted': 'モデレーションログのボタンを使えるのは、「サーバー管理」の権限を持つメンバーだけです。',
  'log.blocked': '🔒 {member} さんはここで /動画 を使えなくなりました。制作中の動画はそのまま完成します。',
  'log.already_blocked': '{member} さんはすでに /動画 をブロックされています。',
  'log.unblocked': '🔓 {member} さんは再び /動画 を使えます。',
  'log.not_blocked': '{member} さんはブロックされていませんでした。',
  'log.reset': '🔄 {member} さんの今日の動画の回数を0に戻しました。',
  'log.button.block': '/動画 をブロック',
  'log.button.unblock': 'ブロック解除',
  'log.button.reset': '今日の回数をリセット',
  'log.cancelled_by': '✖️ **{user} さんがキャンセル**',
  'log.requester': '{user} さん（{channel}）',
  'log.from_image': '🖼️ 画像から、プロンプトなし',
  'log.model': 'モデル `{model}`',
  'log.prediction': '予測 `{id}`',
  'log.none': 'なし',
  'log.cost': '費用 {cost}',
  'log.refunded': '{cost}（返却済み）',
  'log.nsfw': 'NSFW {flag}',
  'log.nsfw.flagged': '判定あり',
  'log.nsfw.no': 'なし',
  'log.nsfw.no_video': '動画なし',
  'log.prompt_refused': '🚫 **フィルターでプロンプトを拒否** · {requester}',
  'log.prompt_refused.word': '単語 {text} に一致（{user} さんが追加）· 費用はかかっていません',
  'log.prompt_refused.pattern': 'パターン {text} に一致（{user} さんが追加）· 費用はかかっていません',
  'log.action.block': '🔒 {by} さんが {member} さんの /動画 をブロックしました。',
  'log.action.unblock': '🔓 {by} さんが {member} さんのブロックを解除しました。再び /動画 を使えます。',
  'log.action.reset': '🔄 {by} さんが {member} さんの今日の動画の回数をリセットしました。',
  'log.account.closed':
    '🔒 **メンバー向けの動画を停止しました**: {why}メンバーには動画が利用できないと伝え、費用はかかりません。残高の確認が成功すると自動で再開します。',
  'log.account.closed.key_refused':
    'WaveSpeed がボットの API キーを拒否しました。ボットの運営者は `WAVESPEED_API_KEY` を確認してください。',
  'log.account.closed.no_credit':
    'WaveSpeed のアカウントで動画の料金を支払えません。ボットの運営者は wavespeed.ai でチャージしてください。',
  'log.account.open': '🔓 **動画を再開しました**: WaveSpeed が残高の確認に応答しました（{balance}）。',
  'log.account.low':
    '⚠️ WaveSpeed の残高は {balance} で、警告ラインの {warn} を下回っています。動画が止まる前に wavespeed.ai でチャージしてください。',
  'log.account.low_unset':
    '⚠️ WaveSpeed の残高は {balance} です。動画が止まる前に wavespeed.ai でチャージしてください。',
  'log.balance_unknown': '不明',
  'log.greeting':
    '📋 このチャンネルは /動画 のモデレーションログになりました（{user} さんが選択）。このサーバーで作られたすべての動画と、フィルターで拒否されたすべてのプロンプトがここに投稿され、メンバーをブロックしたり、その日の回数をリセットしたりするボタンが付きます。',
  'log.unusable':
    'あなたが選んだモデレーションログ {channel} に投稿できません: {problem}。直るまで何も記録されません。`/動画管理 表示` で状況を確認できます。直すか、`/動画管理 ログ` で別のチャンネルを選んでください。',
  'log.unusable.forbidden':
    'そこに投稿する権限がありません（そのチャンネルで「チャンネルを見る」と「メッセージを送信」の権限が必要です）',
} as const satisfies Translation;

const RULE_OPTIONS = {
  kind: { name: '種類', description: '単語（表記ゆれも含め、単語全体で一致）またはパターン' },
  word: { name: '単語またはフレーズ' },
  pattern: { name: 'パターン（正規表現、RE2 構文）' },
  text: { name: 'テキスト', description: '単語、フレーズ、またはパターン' },
};

export default {
  locale: 'ja',
  discordLocales: ['ja'],
  messages,
  commands: {
    video: { name: '動画', description: 'テキストのプロンプトか画像から5秒の動画を作ります' },
    'video.prompt': { name: 'プロンプト', description: '動画の内容: 被写体、動き、カメラ、光' },
    'video.image': { name: '画像', description: 'テキストの代わりに動かす画像（PNG、JPEG、WebP、20 MB まで）' },
    'video.negative_prompt': { name: 'ネガティブプロンプト', description: '動画で避けたい要素' },
    'video.size': { name: 'サイズ', description: '画面の向き（既定は横長）' },
    'video.size.832*480': { name: '横長 832×480（1080p では 1920×1080）' },
    'video.size.480*832': { name: '縦長 480×832（1080p では 1080×1920）' },
    'video.seed': { name: 'シード', description: '同じシードとプロンプトなら似た動画になります。-1 でランダム' },
    'video.prompt_expansion': {
      name: 'プロンプト拡張',
      description: '短いプロンプトをモデルが膨らませます（既定はオフ）',
    },
    'video.quality': { name: '画質', description: '画質: 480p（既定）、またはサーバーが許可していれば 1080p' },
    'video.quality.480p': { name: '480p（$0.05、画像からは $0.20）' },
    'video.quality.1080p': { name: '1080p（$0.80）' },
    'video-show': {
      name: '動画再投稿',
      description: 'メッセージにある ID で、ここで作った動画をボタン付きでもう一度投稿します',
    },
    'video-show.id': { name: 'id', description: '動画に表示される ID（id `…`）、または /動画履歴 にある ID' },
    'video-history': {
      name: '動画履歴',
      description: 'ここで作った直近 10 本の動画と、そのシードとリンク（あなたにだけ表示）',
    },
    quota: { name: '残り回数', description: '今日あと何本動画を作れるか' },
    'video-admin': {
      name: '動画管理',
      description: 'このサーバーの動画の上限、設定、プロンプトフィルター、モデレーションログを管理します',
    },
    'video-admin.show': { name: '表示', description: 'このサーバーの動画設定を表示します' },
    'video-admin.limits': { name: '上限', description: '1日の上限を設定します' },
    'video-admin.limits.user_daily': { name: 'メンバー上限', description: 'メンバー1人あたりの1日の本数' },
    'video-admin.limits.guild_daily': { name: 'サーバー上限', description: 'サーバー全体の1日の本数。-1 で無制限' },
    'video-admin.channel': {
      name: 'チャンネル',
      description: 'チャンネルで /動画 を許可または停止します（許可が1つもなければすべてのチャンネルで使えます）',
    },
    'video-admin.channel.channel': { name: 'チャンネル', description: '対象のチャンネル' },
    'video-admin.channel.allowed': { name: '許可', description: 'そこで /動画 を使えるかどうか' },
    'video-admin.exempt-role': { name: '除外ロール', description: 'ロールを1日の上限から除外、または元に戻します' },
    'video-admin.exempt-role.role': { name: 'ロール', description: '対象のロール' },
    'video-admin.exempt-role.exempt': { name: '除外', description: 'ロールを除外するかどうか' },
    'video-admin.role-allowance': {
      name: 'ロール利用枠',
      description: 'ロールに専用の1日の利用枠を設定します。-1 で削除',
    },
    'video-admin.role-allowance.role': { name: 'ロール', description: '対象のロール' },
    'video-admin.role-allowance.daily': { name: '1日の本数', description: 'メンバー1人あたりの1日の本数' },
    'video-admin.grant': { name: '付与', description: 'メンバーに今日だけ追加の本数を付与します' },
    'video-admin.grant.member': { name: 'メンバー', description: '対象のメンバー' },
    'video-admin.grant.videos': { name: '本数', description: '何本か' },
    'video-admin.reset': { name: 'リセット', description: 'メンバーの今日の回数と付与をリセットします' },
    'video-admin.reset.member': { name: 'メンバー', description: '対象のメンバー' },
    'video-admin.nsfw': { name: 'nsfw', description: 'NSFW と判定された動画を投稿できる場所' },
    'video-admin.nsfw.policy': { name: 'ポリシー', description: '判定された動画の扱い' },
    'video-admin.nsfw.policy.never': { name: 'どこにも投稿しない' },
    'video-admin.nsfw.policy.age-restricted': { name: '年齢制限チャンネルにスポイラーとして' },
    'video-admin.nsfw.policy.anywhere': { name: 'どのチャンネルでもスポイラーとして' },
    'video-admin.1080p': {
      name: '1080p',
      description: 'このサーバーで 1080p の動画（1本 $0.80）を許可し、メンバーごとの1日の 1080p 枠を設定します',
    },
    'video-admin.1080p.enabled': { name: '有効', description: 'メンバーが 1080p を選べるかどうか' },
    'video-admin.1080p.user_daily': {
      name: 'メンバー上限',
      description: 'メンバー1人あたりの1日の 1080p の本数（1日の回数にもカウントされます）',
    },
    'video-admin.log': {
      name: 'ログ',
      description: 'すべての動画と拒否されたプロンプトを記録するチャンネルを選びます。省略すると停止します',
    },
    'video-admin.log.channel': {
      name: 'チャンネル',
      description: 'モデレーションログのチャンネル。省略するとログをオフにします',
    },
    'video-admin.filter': { name: 'フィルター', description: '/動画 がプロンプト内で拒否する単語とパターン' },
    'video-admin.filter.add': { name: '追加', description: '単語やパターンを含むプロンプトを拒否します' },
    'video-admin.filter.add.kind': RULE_OPTIONS.kind,
    'video-admin.filter.add.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.add.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.add.text': RULE_OPTIONS.text,
    'video-admin.filter.remove': { name: '削除', description: '単語やパターンの拒否をやめます' },
    'video-admin.filter.remove.kind': RULE_OPTIONS.kind,
    'video-admin.filter.remove.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.remove.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.remove.text': RULE_OPTIONS.text,
    'video-admin.filter.list': { name: '一覧', description: 'このサーバーのプロンプトフィルターを一覧表示します' },
  },
} satisfies Language;
