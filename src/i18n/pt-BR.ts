import type { Language, Translation } from './language.js';

/** Brazilian Portuguese, addressing members as «você», in Discord's own terms (servidor, canal, cargo, membro). */
const messages = {
  'progress.next_up': '🕒 Na fila do estúdio · o seu é o próximo',
  'progress.waiting': {
    one: '🕒 Na fila do estúdio · {count} vídeo na frente do seu',
    many: '🕒 Na fila do estúdio · {count} de vídeos na frente do seu',
    other: '🕒 Na fila do estúdio · {count} vídeos na frente do seu',
  },
  'progress.submitting': '📨 Enviando seu prompt ao estúdio…',
  'progress.queued': '⏳ Na fila · enviado {sent}',
  'progress.generating': '🎬 Gerando · começou {started}',
  'progress.eta': 'deve ficar pronto {ready}',
  'progress.overdue': 'está demorando mais que o normal',
  'progress.handed_off': 'Isso está demorando: o vídeo será publicado neste canal quando estiver pronto.',
  'progress.handed_off_dm': 'Isso está demorando: o vídeo será enviado a você por DM quando estiver pronto.',
  'request.from_image': '🖼️ A partir da sua imagem',

  'result.from_image': 'A partir de uma imagem',
  'result.from_image_1080p': 'A partir de uma imagem, em 1080p',
  'result.seed': 'semente {seed}',
  'result.random_seed': 'semente aleatória',
  'result.made_in': 'feito em {seconds} s',
  'job.id': 'id `{id}`',
  'job.unknown_id': 'desconhecido',
  'size.832*480': 'Paisagem 832×480',
  'size.480*832': 'Retrato 480×832',
  'size.1920*1080': 'Paisagem 1920×1080',
  'size.1080*1920': 'Retrato 1080×1920',
  'unit.seconds': '{seconds} s',

  'video_link.upload_refused': '📎 O Discord não aceitou o envio ({what}), então aqui está o link do vídeo.',
  'video_link.too_large': '📎 O vídeo ({what}) é maior do que o Discord aceita aqui, então aqui está o link dele.',
  'video_link.over_limit':
    '📎 O vídeo ({what}) passa do limite de envio de {limit} daqui, então aqui está o link dele.',
  'video_link.expires': 'Ele expira {expires}.',

  'failure.moderation':
    '🚫 O filtro de conteúdo rejeitou este prompt. Tente descrevê-lo de outro jeito. Não contou para seus vídeos diários.',
  'failure.invalid_request':
    '⚠️ O serviço de vídeo recusou estas opções. Tente outro prompt ou outra semente. Não contou para seus vídeos diários.',
  'failure.provider_busy':
    '🕐 O serviço de vídeo está sobrecarregado agora. Tente de novo em alguns minutos. Não contou para seus vídeos diários.',
  'failure.provider_unavailable':
    '🛠️ O serviço de vídeo está com problemas agora. Tente de novo mais tarde. Não contou para seus vídeos diários.',
  'failure.no_credit':
    '💳 O crédito de vídeo do bot acabou ou a chave dele foi recusada. Avise um administrador do servidor. Não contou para seus vídeos diários.',
  'failure.timeout': '⌛ O vídeo demorou demais e foi abandonado. Tente de novo. Não contou para seus vídeos diários.',
  'failure.failed': '❌ Não foi possível gerar o vídeo. Tente de novo. Não contou para seus vídeos diários.',
  'failure.submit_unknown':
    '🔄 O bot perdeu o controle deste pedido enquanto o enviava (uma reinicialização ou uma conexão perdida), então não sabe se ele começou. Ele não foi enviado de novo, para não pagar duas vezes. Não contou para seus vídeos diários.',
  'failure.output_unavailable':
    '📭 O vídeo foi feito, mas não foi possível buscá-lo no serviço de vídeo. Tente de novo. Não contou para seus vídeos diários.',
  'failure.image_refused':
    '🖼️ Essa imagem não pode ser usada: ela precisa ser de fato um arquivo PNG, JPEG ou WebP de até 20 MB. Não contou para seus vídeos diários.',
  'failure.image_unavailable':
    '🖼️ Não foi possível buscar sua imagem nem passá-la ao serviço de vídeo. Anexe-a de novo. Não contou para seus vídeos diários.',
  'failure.nsfw_blocked':
    '🔞 O serviço de vídeo marcou este vídeo como impróprio (NSFW), então ele não é publicado neste canal. Ele contou para seus vídeos diários.',
  'failure.cancelled': '✖️ Este vídeo foi cancelado.',
  'failure.link': 'O link dele, mantido pelo serviço de vídeo por 7 dias: {url} · id `{id}`',
  'video_gone.file_gone':
    '📭 O arquivo não é mais mantido: o serviço de vídeo apaga os vídeos 7 dias depois de feitos.',
  'video_gone.posted_at': 'Ele foi publicado pela primeira vez aqui: {link}',
  'video_gone.posted_unknown': 'Não se sabe onde ele foi publicado pela primeira vez.',

  'cancelled.at_provider':
    '✖️ Cancelado. O estúdio já tinha começado este vídeo e não pode pará-lo, então ele não será publicado, mas ainda conta para os vídeos de hoje.',
  'cancelled.at_provider_by':
    '✖️ Cancelado por {user}. O estúdio já tinha começado este vídeo e não pode pará-lo, então ele não será publicado, mas ainda conta para os vídeos de hoje.',
  'cancelled.in_line': '✖️ Cancelado antes de chegar ao estúdio. Nada foi gasto, e não contou para os vídeos de hoje.',
  'cancelled.in_line_by':
    '✖️ Cancelado por {user} antes de chegar ao estúdio. Nada foi gasto, e não contou para os vídeos de hoje.',

  'action_refused.cancel_not_permitted': 'Só quem pediu este vídeo ou um moderador pode cancelá-lo.',
  'action_refused.delete_not_permitted': 'Só quem fez este vídeo ou um moderador pode excluí-lo.',
  'action_refused.unknown_job':
    'O bot não conhece mais este vídeo (os botões dele funcionam por {days} dias), então nada foi feito.',
  'action_refused.finished': 'Este vídeo já está pronto, então não há nada para cancelar.',

  'show_refused.unknown':
    'Nenhum vídeo com esse id foi feito aqui nos últimos {days} dias. Use o id da mensagem do vídeo (`id …`) ou veja os seus com `/vídeo-histórico`.',
  'show_refused.unfinished': 'Esse vídeo ainda está sendo feito: ele será publicado quando estiver pronto.',
  'show_refused.failed': 'Esse pedido terminou sem vídeo ({outcome}), então não há nada para mostrar.',
  'show_refused.nsfw_blocked':
    'Esse vídeo foi marcado como impróprio (NSFW), e este servidor não permite esses vídeos neste canal.',

  'outcome.moderation': '🚫 Recusado pelo filtro de conteúdo',
  'outcome.invalid_request': '⚠️ Opções recusadas pelo estúdio',
  'outcome.provider_busy': '🕐 Estúdio sobrecarregado',
  'outcome.provider_unavailable': '🛠️ Estúdio indisponível',
  'outcome.no_credit': '💳 Sem crédito de vídeo',
  'outcome.timeout': '⌛ Demorou demais',
  'outcome.failed': '❌ Falhou',
  'outcome.submit_unknown': '🔄 Perdido durante o envio',
  'outcome.output_unavailable': '📭 Feito, mas não foi possível buscar',
  'outcome.image_refused': '🖼️ Imagem recusada',
  'outcome.image_unavailable': '🖼️ Não foi possível buscar a imagem',
  'outcome.nsfw_blocked': '🔞 Marcado como NSFW, não publicado',
  'outcome.cancelled': '✖️ Cancelado',
  'outcome.made': '🎬 Feito',
  'outcome.made_not_posted': '📭 Feito, mas não foi possível publicar',
  'outcome.in_the_making': '⏳ Em produção',

  'history.title.server': 'Seus vídeos neste servidor',
  'history.title.dms': 'Seus vídeos em DMs',
  'history.latest.server': {
    one: 'Seu {count} vídeo mais recente neste servidor',
    many: 'Seus {count} de vídeos mais recentes neste servidor',
    other: 'Seus {count} vídeos mais recentes neste servidor',
  },
  'history.latest.dms': {
    one: 'Seu {count} vídeo mais recente em DMs',
    many: 'Seus {count} de vídeos mais recentes em DMs',
    other: 'Seus {count} vídeos mais recentes em DMs',
  },
  'history.none.server': 'Você não fez nenhum vídeo neste servidor nos últimos {days} dias.',
  'history.none.dms': 'Você não fez nenhum vídeo em DMs nos últimos {days} dias.',
  'history.footer': 'Traga um de volta com /vídeo-mostrar e o id dele.',
  'history.not_counted': 'não contado',
  'history.original': 'Mensagem original',
  'history.video': 'Vídeo',

  'quota_refused.user_daily': {
    one: 'Você já usou seu {count} vídeo de hoje. Sua cota é renovada {resets}.',
    many: 'Você já usou seus {count} de vídeos de hoje. Sua cota é renovada {resets}.',
    other: 'Você já usou seus {count} vídeos de hoje. Sua cota é renovada {resets}.',
  },
  'quota_refused.user_daily_1080p': {
    one: 'Você já usou seu {count} vídeo em 1080p de hoje (sua cota de 1080p; vídeos em 1080p também contam para seus vídeos diários). Você ainda pode fazer vídeos em 480p, e a cota é renovada {resets}.',
    many: 'Você já usou seus {count} de vídeos em 1080p de hoje (sua cota de 1080p; vídeos em 1080p também contam para seus vídeos diários). Você ainda pode fazer vídeos em 480p, e a cota é renovada {resets}.',
    other:
      'Você já usou seus {count} vídeos em 1080p de hoje (sua cota de 1080p; vídeos em 1080p também contam para seus vídeos diários). Você ainda pode fazer vídeos em 480p, e a cota é renovada {resets}.',
  },
  'quota_refused.user_concurrent': {
    one: 'Você já tem {count} vídeo sendo feito. Espere ele terminar e tente de novo.',
    many: 'Você já tem {count} de vídeos sendo feitos. Espere um terminar e tente de novo.',
    other: 'Você já tem {count} vídeos sendo feitos. Espere um terminar e tente de novo.',
  },
  'quota_refused.guild_daily': {
    one: 'Este servidor já usou seu {count} vídeo de hoje. A cota é renovada {resets}.',
    many: 'Este servidor já usou seus {count} de vídeos de hoje. A cota é renovada {resets}.',
    other: 'Este servidor já usou seus {count} vídeos de hoje. A cota é renovada {resets}.',
  },
  'quota_refused.budget': 'O bot atingiu o limite de gastos de hoje. Ele é renovado {resets}.',
  channel_refused: 'Não dá para fazer vídeos neste canal. Tente em {channels}.',
  'quality_refused.in_server':
    'Vídeos em {quality} não estão ativados neste servidor, então nada foi iniciado nem gasto. Peça a um administrador do servidor para ativá-los com `/vídeo-admin 1080p`, ou deixe `qualidade` em 480p.',
  'quality_refused.outside_servers':
    'Vídeos em {quality} só são feitos em servidores cujos administradores os ativaram, então nada foi iniciado nem gasto. Aqui, deixe `qualidade` em 480p.',
  prompt_refused: 'Esse prompt não é permitido neste servidor.',
  studio_closed: 'Os vídeos estão indisponíveis agora, então nada foi iniciado nem gasto. Tente de novo mais tarde.',
  member_blocked:
    'Os administradores deste servidor desativaram o /vídeo para você, então nada foi iniciado nem gasto. Fale com eles se achar que é um engano.',
  store_unavailable:
    'O bot não consegue verificar as cotas agora, então nada foi iniciado nem gasto. Tente de novo daqui a um minuto.',
  already_accepted: 'Este pedido já foi aceito; o vídeo está a caminho.',
  'list.separator': ', ',

  'button.reroll': 'Gerar de novo',
  'button.remix': 'Remixar',
  'button.upscale': '1080p',
  'button.delete': 'Excluir',
  'button.cancel': 'Cancelar',
  'remix.title': 'Remixar este vídeo',
  'remix.prompt': 'Prompt',
  'remix.negative_prompt': 'Prompt negativo (o que evitar)',
  'remix.seed': 'Semente (em branco para uma aleatória)',

  'interaction.apology': 'Algo deu errado do nosso lado. Nada foi gasto; tente de novo.',
  'interaction.unknown_command': 'Este bot não tem esse comando (ou não tem mais). Digite `/` para ver os que ele tem.',
  'interaction.unknown_component': 'Isso não faz mais nada aqui.',
  'command.invalid_options': 'Essas opções não são válidas para este comando.',
  'command.guild_only': 'Este comando só funciona em um servidor.',
  'command.wrong_context': 'Este comando não funciona aqui.',
  'command.wrong_install': 'Este comando só funciona em um servidor onde o bot está.',
  'command.missing_permissions': {
    one: 'Você precisa da permissão {permissions} para usar `/{command}`.',
    many: 'Você precisa das permissões {permissions} para usar `/{command}`.',
    other: 'Você precisa das permissões {permissions} para usar `/{command}`.',
  },
  'permission.Administrator': 'Administrador',
  'permission.ManageGuild': 'Gerenciar servidor',

  'video.invalid_options': 'Essas opções não são válidas.',
  'video.prompt.too_long': 'O prompt pode ter no máximo {max} caracteres.',
  'video.prompt.missing': 'Descreva o vídeo que você quer em `prompt` ou anexe uma `imagem` para começar.',
  'video.prompt.missing_1080p_image':
    'Um vídeo em 1080p a partir de uma imagem também precisa de um `prompt`: diga o que acontece nele.',
  'video.image.not_image': 'A imagem precisa ser um arquivo PNG, JPEG ou WebP.',
  'video.image.too_large': 'A imagem pode ter no máximo {max} MB.',
  'video.negative_prompt.too_long': 'O prompt negativo pode ter no máximo {max} caracteres.',
  'video.size.invalid': 'Escolha um dos tamanhos oferecidos.',
  'video.size.not_taken': 'O tamanho vem da imagem; deixe o tamanho de fora.',
  'video.seed.not_whole': 'A semente precisa ser um número inteiro.',
  'video.seed.out_of_range': 'A semente precisa estar entre {min} (aleatória) e {max}.',
  'video.quality.invalid': 'Escolha uma das qualidades oferecidas.',

  'quota.unlimited': 'Aqui você não tem limite diário ({used} feitos hoje).',
  'quota.left': {
    one: 'Vídeos restantes hoje: **{left}** de {count}.',
    many: 'Vídeos restantes hoje: **{left}** de {count}.',
    other: 'Vídeos restantes hoje: **{left}** de {count}.',
  },
  'quota.in_flight': 'Em produção: {in_flight} de {max} ao mesmo tempo.',
  'quota.outside_servers': 'Suas DMs, DMs em grupo e servidores sem o bot compartilham esta cota.',
  'quota.left_1080p':
    '1080p: restam **{left}** de {total} hoje, {price} cada (eles também contam para seus vídeos acima).',
  'quota.guild_left': {
    one: 'Vídeos restantes hoje neste servidor: {left} de {count}.',
    many: 'Vídeos restantes hoje neste servidor: {left} de {count}.',
    other: 'Vídeos restantes hoje neste servidor: {left} de {count}.',
  },
  'quota.spent': 'O bot gastou hoje {spent} dos seus {budget}.',
  'quota.prices': 'Um vídeo custa {text} a partir de texto e {image} a partir de uma imagem.',
  'quota.resets': 'As contagens diárias são renovadas {resets}.',

  'admin.saved': 'Salvo.',
  'admin.nothing_to_change': 'Informe `diário_membro`, `diário_servidor` ou ambos.',
  'admin.granted': {
    one: '{member} pode fazer mais {count} vídeo hoje.',
    many: '{member} pode fazer mais {count} de vídeos hoje.',
    other: '{member} pode fazer mais {count} vídeos hoje.',
  },
  'admin.reset': 'A contagem de hoje de {member} voltou a zero.',
  'admin.invalid_policy': 'Escolha uma das políticas oferecidas.',
  'admin.unknown_subcommand': 'Esse subcomando não existe. Tente `/vídeo-admin ver`.',
  'admin.out_of_range': '`{option}` precisa ser um número inteiro de {min} a {max}.',
  'admin.settings.per_member': {
    one: '**Por membro:** {count} vídeo por dia, {concurrent} ao mesmo tempo',
    many: '**Por membro:** {count} de vídeos por dia, {concurrent} ao mesmo tempo',
    other: '**Por membro:** {count} vídeos por dia, {concurrent} ao mesmo tempo',
  },
  'admin.settings.per_member_default': {
    one: '**Por membro:** {count} vídeo por dia (padrão do bot), {concurrent} ao mesmo tempo',
    many: '**Por membro:** {count} de vídeos por dia (padrão do bot), {concurrent} ao mesmo tempo',
    other: '**Por membro:** {count} vídeos por dia (padrão do bot), {concurrent} ao mesmo tempo',
  },
  'admin.settings.whole_server': {
    one: '**Servidor inteiro:** {count} vídeo por dia',
    many: '**Servidor inteiro:** {count} de vídeos por dia',
    other: '**Servidor inteiro:** {count} vídeos por dia',
  },
  'admin.settings.whole_server_unlimited': '**Servidor inteiro:** sem limite diário',
  'admin.settings.channels': '**Canais:** {channels}',
  'admin.settings.channels_everywhere': '**Canais:** todos',
  'admin.settings.exempt_roles': '**Cargos isentos:** {roles}',
  'admin.settings.exempt_roles_none': '**Cargos isentos:** nenhum',
  'admin.settings.role_allowances': '**Cotas por cargo:** {allowances}',
  'admin.settings.role_allowances_none': '**Cotas por cargo:** nenhuma',
  'admin.settings.role_allowance': '{role} {daily}/dia',
  'admin.settings.nsfw': '**Vídeos marcados como NSFW:** {policy}',
  'admin.settings.nsfw.never': 'nunca são publicados',
  'admin.settings.nsfw.age-restricted': 'são publicados como spoiler só em canais com restrição de idade',
  'admin.settings.nsfw.anywhere': 'são publicados como spoiler em qualquer canal',
  'admin.settings.1080p': '**Vídeos em 1080p:** {state}',
  'admin.settings.1080p.on': 'ativados ({price} cada), {allowance}',
  'admin.settings.1080p.off': 'desativados (quando ativados: {allowance})',
  'admin.settings.1080p.allowance': '{daily} por membro por dia, dentro dos vídeos diários',

  'filter.present.word': 'A palavra {text} já é um filtro aqui.',
  'filter.present.pattern': 'O padrão {text} já é um filtro aqui.',
  'filter.added.word': 'A palavra {text} foi adicionada: o /vídeo agora recusa prompts com ela.',
  'filter.added.pattern': 'O padrão {text} foi adicionado: o /vídeo agora recusa prompts com ele.',
  'filter.absent.word': 'Não há nenhum filtro de palavra {text} aqui.',
  'filter.absent.pattern': 'Não há nenhum filtro de padrão {text} aqui.',
  'filter.removed.word': 'A palavra {text} foi removida.',
  'filter.removed.pattern': 'O padrão {text} foi removido.',
  'filter.unknown_subcommand': 'Esse subcomando não existe. Tente `/vídeo-admin filtro listar`.',
  'filter.invalid_kind': 'Escolha `word` ou `pattern`.',
  'filter.text_length': '`texto` precisa ter de 1 a {max} caracteres.',
  'filter.none': 'Este servidor não tem filtros de prompt. Adicione um com `/vídeo-admin filtro adicionar`.',
  'filter.header': '**Filtros de prompt** ({rules} de {max}), verificados nesta ordem:',
  'filter.line': '{n}. {kind} {text} · adicionado por {user} {date}',
  'filter.kind.word': 'palavra',
  'filter.kind.pattern': 'padrão',
  'filter.not_checked': '⚠️ não verificado: {why}',
  'filter.more': '…e mais {more}: a lista completa está em anexo.',
  'filter.file_added': 'adicionado pelo usuário {user} em {date}',
  'filter.file_not_checked': 'não verificado: {why}',
  'filter.word_too_long': 'Uma palavra pode ter no máximo {max} caracteres.',
  'filter.word_empty': 'Uma palavra precisa de pelo menos uma letra ou um dígito.',
  'filter.pattern_too_long': 'Um padrão pode ter no máximo {max} caracteres.',
  'filter.pattern_matches_empty': 'Esse padrão corresponde a um prompt vazio, então recusaria todos os prompts.',
  'filter.pattern_unsupported':
    'Esse padrão usa lookahead, lookbehind ou uma referência retroativa, que os filtros não suportam.',
  'filter.pattern_invalid': 'Esse padrão não é válido ({error}).',
  'filter.pattern_too_complex':
    'Esse padrão é complexo demais para verificar rápido: use menos repetições, ou repetições menores.',
  'filter.too_many': 'Um servidor pode ter no máximo {max} filtros: remova um antes.',
  'filter.patterns_too_large': 'Os padrões deste servidor já estão no limite de complexidade juntos: remova um antes.',
} as const satisfies Translation;

const RULE_OPTIONS = {
  kind: { name: 'tipo', description: 'Uma palavra (buscada inteira, como quer que seja escrita) ou um padrão' },
  word: { name: 'Palavra ou frase' },
  pattern: { name: 'Padrão (expressão regular, sintaxe RE2)' },
  text: { name: 'texto', description: 'A palavra, frase ou padrão' },
};

export default {
  locale: 'pt-BR',
  discordLocales: ['pt-BR'],
  messages,
  commands: {
    video: {
      name: 'vídeo',
      description: 'Cria um vídeo de 5 segundos a partir de um prompt de texto ou de uma imagem',
    },
    'video.prompt': { name: 'prompt', description: 'O que acontece no vídeo: tema, ação, câmera, luz' },
    'video.image': {
      name: 'imagem',
      description: 'Uma imagem para dar vida em vez de partir de texto (PNG, JPEG ou WebP, até 20 MB)',
    },
    'video.negative_prompt': { name: 'prompt_negativo', description: 'O que o vídeo deve evitar' },
    'video.size': { name: 'tamanho', description: 'Formato do quadro (paisagem por padrão)' },
    'video.size.832*480': { name: 'Paisagem 832×480, ou 1920×1080 em 1080p' },
    'video.size.480*832': { name: 'Retrato 480×832, ou 1080×1920 em 1080p' },
    'video.seed': {
      name: 'semente',
      description: 'A mesma semente e o mesmo prompt geram um vídeo parecido; -1 escolhe uma ao acaso',
    },
    'video.prompt_expansion': {
      name: 'expandir_prompt',
      description: 'Deixa o modelo enriquecer um prompt curto (desativado por padrão)',
    },
    'video.quality': { name: 'qualidade', description: 'Nitidez: 480p (padrão) ou 1080p onde este servidor permitir' },
    'video.quality.480p': { name: '480p ($0.05; $0.20 a partir de uma imagem)' },
    'video.quality.1080p': { name: '1080p ($0.80)' },
    'video-show': {
      name: 'vídeo-mostrar',
      description: 'Publica de novo um vídeo feito aqui, com os botões, pelo id da mensagem dele',
    },
    'video-show.id': { name: 'id', description: 'O id que o vídeo mostra (id `…`) ou um do /vídeo-histórico' },
    'video-history': {
      name: 'vídeo-histórico',
      description: 'Seus últimos 10 vídeos aqui, com sementes e links (só você vê)',
    },
    quota: { name: 'cota', description: 'Quantos vídeos você ainda pode fazer hoje' },
    'video-admin': {
      name: 'vídeo-admin',
      description: 'Gerencia limites, configurações, filtros de prompt e registro de moderação de vídeo do servidor',
    },
    'video-admin.show': { name: 'ver', description: 'Mostra as configurações de vídeo deste servidor' },
    'video-admin.limits': { name: 'limites', description: 'Define os limites diários' },
    'video-admin.limits.user_daily': { name: 'diário_membro', description: 'Vídeos por membro por dia' },
    'video-admin.limits.guild_daily': {
      name: 'diário_servidor',
      description: 'Vídeos por dia para o servidor inteiro; -1 para sem limite',
    },
    'video-admin.channel': {
      name: 'canal',
      description: 'Permite ou bloqueia o /vídeo em um canal (se nenhum for permitido, funciona em todos)',
    },
    'video-admin.channel.channel': { name: 'canal', description: 'O canal' },
    'video-admin.channel.allowed': { name: 'permitido', description: 'Se o /vídeo funciona lá' },
    'video-admin.exempt-role': {
      name: 'cargo-isento',
      description: 'Isenta um cargo do limite diário, ou desfaz isso',
    },
    'video-admin.exempt-role.role': { name: 'cargo', description: 'O cargo' },
    'video-admin.exempt-role.exempt': { name: 'isento', description: 'Se o cargo é isento' },
    'video-admin.role-allowance': {
      name: 'cota-cargo',
      description: 'Dá a um cargo sua própria cota diária; -1 a remove',
    },
    'video-admin.role-allowance.role': { name: 'cargo', description: 'O cargo' },
    'video-admin.role-allowance.daily': { name: 'diário', description: 'Vídeos por membro por dia' },
    'video-admin.grant': { name: 'conceder', description: 'Dá a um membro vídeos extras para hoje' },
    'video-admin.grant.member': { name: 'membro', description: 'O membro' },
    'video-admin.grant.videos': { name: 'vídeos', description: 'Quantos' },
    'video-admin.reset': { name: 'zerar', description: 'Zera a contagem e os vídeos concedidos de hoje de um membro' },
    'video-admin.reset.member': { name: 'membro', description: 'O membro' },
    'video-admin.nsfw': { name: 'nsfw', description: 'Onde os vídeos marcados como NSFW podem ser publicados' },
    'video-admin.nsfw.policy': { name: 'política', description: 'Para onde vão os vídeos marcados' },
    'video-admin.nsfw.policy.never': { name: 'Em nenhum lugar' },
    'video-admin.nsfw.policy.age-restricted': { name: 'Canais com restrição de idade, como spoiler' },
    'video-admin.nsfw.policy.anywhere': { name: 'Qualquer canal, como spoiler' },
    'video-admin.1080p': {
      name: '1080p',
      description: 'Permite vídeos em 1080p ($0.80 cada) neste servidor, com uma cota diária de 1080p por membro',
    },
    'video-admin.1080p.enabled': { name: 'ativado', description: 'Se os membros podem pedir 1080p' },
    'video-admin.1080p.user_daily': {
      name: 'diário_membro',
      description: 'Vídeos em 1080p por membro por dia (eles também contam para os vídeos diários)',
    },
    'video-admin.log': {
      name: 'registro',
      description: 'Escolhe o canal onde cada vídeo e prompt recusado é registrado; deixe vazio para parar',
    },
    'video-admin.log.channel': {
      name: 'canal',
      description: 'O canal do registro de moderação; deixe vazio para desativar o registro',
    },
    'video-admin.filter': { name: 'filtro', description: 'Palavras e padrões que o /vídeo recusa em um prompt' },
    'video-admin.filter.add': { name: 'adicionar', description: 'Recusa prompts com uma palavra ou um padrão' },
    'video-admin.filter.add.kind': RULE_OPTIONS.kind,
    'video-admin.filter.add.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.add.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.add.text': RULE_OPTIONS.text,
    'video-admin.filter.remove': { name: 'remover', description: 'Para de recusar uma palavra ou um padrão' },
    'video-admin.filter.remove.kind': RULE_OPTIONS.kind,
    'video-admin.filter.remove.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.remove.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.remove.text': RULE_OPTIONS.text,
    'video-admin.filter.list': { name: 'listar', description: 'Lista os filtros de prompt deste servidor' },
  },
} satisfies Language;
