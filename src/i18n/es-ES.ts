import type { Language, Translation } from './language.js';

/**
 * Spanish, addressing members as «tú», in the terms Discord's Spanish client uses (servidor,
 * canal, rol, miembro). Spanish from Latin America reads it too: «vídeo» is Spain's spelling.
 */
const messages = {
  'progress.next_up': '🕒 En la cola del estudio · el tuyo es el siguiente',
  'progress.waiting': {
    one: '🕒 En la cola del estudio · {count} vídeo por delante del tuyo',
    many: '🕒 En la cola del estudio · {count} de vídeos por delante del tuyo',
    other: '🕒 En la cola del estudio · {count} vídeos por delante del tuyo',
  },
  'progress.submitting': '📨 Enviando tu prompt al estudio…',
  'progress.queued': '⏳ En cola · enviado {sent}',
  'progress.generating': '🎬 Generando · empezó {started}',
  'progress.eta': 'probablemente listo {ready}',
  'progress.overdue': 'está tardando más de lo habitual',
  'progress.handed_off': 'Esto está tardando: el vídeo se publicará en este canal cuando esté listo.',
  'progress.handed_off_dm': 'Esto está tardando: el vídeo se te enviará por MD cuando esté listo.',
  'request.from_image': '🖼️ A partir de tu imagen',

  'result.from_image': 'A partir de una imagen',
  'result.from_image_1080p': 'A partir de una imagen, en 1080p',
  'result.seed': 'semilla {seed}',
  'result.random_seed': 'semilla aleatoria',
  'result.made_in': 'hecho en {seconds} s',
  'job.id': 'id `{id}`',
  'job.unknown_id': 'desconocido',
  'size.832*480': 'Horizontal 832×480',
  'size.480*832': 'Vertical 480×832',
  'size.1920*1080': 'Horizontal 1920×1080',
  'size.1080*1920': 'Vertical 1080×1920',
  'unit.seconds': '{seconds} s',

  'video_link.upload_refused': '📎 Discord no aceptó la subida ({what}), así que aquí tienes el enlace del vídeo.',
  'video_link.too_large': '📎 El vídeo ({what}) supera lo que Discord acepta aquí, así que aquí tienes su enlace.',
  'video_link.over_limit':
    '📎 El vídeo ({what}) supera el límite de subida de {limit} de aquí, así que aquí tienes su enlace.',
  'video_link.expires': 'Caduca {expires}.',

  'failure.moderation':
    '🚫 El filtro de contenido ha rechazado este prompt. Prueba a describirlo de otra manera. No ha contado para tus vídeos diarios.',
  'failure.invalid_request':
    '⚠️ El servicio de vídeo ha rechazado estas opciones. Prueba con otro prompt u otra semilla. No ha contado para tus vídeos diarios.',
  'failure.provider_busy':
    '🕐 El servicio de vídeo está saturado ahora mismo. Vuelve a intentarlo en unos minutos. No ha contado para tus vídeos diarios.',
  'failure.provider_unavailable':
    '🛠️ El servicio de vídeo tiene problemas ahora mismo. Vuelve a intentarlo más tarde. No ha contado para tus vídeos diarios.',
  'failure.no_credit':
    '💳 El crédito de vídeo del bot se ha agotado o se ha rechazado su clave. Avisa a un administrador del servidor. No ha contado para tus vídeos diarios.',
  'failure.timeout':
    '⌛ El vídeo tardaba demasiado y se ha abandonado. Vuelve a intentarlo. No ha contado para tus vídeos diarios.',
  'failure.failed': '❌ No se ha podido generar el vídeo. Vuelve a intentarlo. No ha contado para tus vídeos diarios.',
  'failure.submit_unknown':
    '🔄 El bot perdió el rastro de esta solicitud mientras la enviaba (un reinicio o una conexión caída), así que no sabe si llegó a empezar. No se ha vuelto a enviar, para no pagar dos veces. No ha contado para tus vídeos diarios.',
  'failure.output_unavailable':
    '📭 El vídeo se hizo, pero no se ha podido descargar del servicio de vídeo. Vuelve a intentarlo. No ha contado para tus vídeos diarios.',
  'failure.image_refused':
    '🖼️ Esa imagen no se puede usar: tiene que ser de verdad un archivo PNG, JPEG o WebP de hasta 20 MB. No ha contado para tus vídeos diarios.',
  'failure.image_unavailable':
    '🖼️ No se ha podido descargar tu imagen ni pasarla al servicio de vídeo. Vuelve a adjuntarla. No ha contado para tus vídeos diarios.',
  'failure.nsfw_blocked':
    '🔞 El servicio de vídeo ha marcado este vídeo como no apto para el trabajo (NSFW), así que no se publica en este canal. Ha contado para tus vídeos diarios.',
  'failure.cancelled': '✖️ Este vídeo se ha cancelado.',
  'failure.link': 'Su enlace, que el servicio de vídeo guarda 7 días: {url} · id `{id}`',
  'video_gone.file_gone':
    '📭 El archivo ya no se conserva: el servicio de vídeo borra los vídeos 7 días después de hacerlos.',
  'video_gone.posted_at': 'Se publicó por primera vez aquí: {link}',
  'video_gone.posted_unknown': 'No se sabe dónde se publicó por primera vez.',

  'cancelled.at_provider':
    '✖️ Cancelado. El estudio ya había empezado este vídeo y no puede detenerlo, así que no se publicará, pero sigue contando para los vídeos de hoy.',
  'cancelled.at_provider_by':
    '✖️ Cancelado por {user}. El estudio ya había empezado este vídeo y no puede detenerlo, así que no se publicará, pero sigue contando para los vídeos de hoy.',
  'cancelled.in_line':
    '✖️ Cancelado antes de llegar al estudio. No se ha gastado nada y no ha contado para los vídeos de hoy.',
  'cancelled.in_line_by':
    '✖️ Cancelado por {user} antes de llegar al estudio. No se ha gastado nada y no ha contado para los vídeos de hoy.',

  'action_refused.cancel_not_permitted': 'Solo quien pidió este vídeo o un moderador pueden cancelarlo.',
  'action_refused.delete_not_permitted': 'Solo quien hizo este vídeo o un moderador pueden eliminarlo.',
  'action_refused.unknown_job':
    'El bot ya no conoce este vídeo (sus botones funcionan durante {days} días), así que no se ha hecho nada.',
  'action_refused.finished': 'Este vídeo ya está terminado, así que no queda nada que cancelar.',

  'show_refused.unknown':
    'Aquí no se ha hecho ningún vídeo con ese id en los últimos {days} días. Usa el id del mensaje del vídeo (`id …`) o mira los tuyos con `/vídeo-historial`.',
  'show_refused.unfinished': 'Ese vídeo aún se está haciendo: se publicará cuando esté listo.',
  'show_refused.failed': 'Esa solicitud terminó sin vídeo ({outcome}), así que no hay nada que mostrar.',
  'show_refused.nsfw_blocked':
    'Ese vídeo se marcó como no apto para el trabajo (NSFW), y este servidor no permite esos vídeos en este canal.',

  'outcome.moderation': '🚫 Rechazado por el filtro de contenido',
  'outcome.invalid_request': '⚠️ Opciones rechazadas por el estudio',
  'outcome.provider_busy': '🕐 Estudio saturado',
  'outcome.provider_unavailable': '🛠️ Estudio no disponible',
  'outcome.no_credit': '💳 Sin crédito de vídeo',
  'outcome.timeout': '⌛ Tardó demasiado',
  'outcome.failed': '❌ Falló',
  'outcome.submit_unknown': '🔄 Se perdió el rastro al enviarlo',
  'outcome.output_unavailable': '📭 Hecho, pero no se pudo descargar',
  'outcome.image_refused': '🖼️ Imagen rechazada',
  'outcome.image_unavailable': '🖼️ No se pudo descargar la imagen',
  'outcome.nsfw_blocked': '🔞 Marcado como NSFW, no publicado',
  'outcome.cancelled': '✖️ Cancelado',
  'outcome.made': '🎬 Hecho',
  'outcome.made_not_posted': '📭 Hecho, pero no se pudo publicar',
  'outcome.in_the_making': '⏳ En preparación',

  'history.title.server': 'Tus vídeos en este servidor',
  'history.title.dms': 'Tus vídeos en MD',
  'history.latest.server': {
    one: 'Tu {count} vídeo más reciente en este servidor',
    many: 'Tus {count} de vídeos más recientes en este servidor',
    other: 'Tus {count} vídeos más recientes en este servidor',
  },
  'history.latest.dms': {
    one: 'Tu {count} vídeo más reciente en MD',
    many: 'Tus {count} de vídeos más recientes en MD',
    other: 'Tus {count} vídeos más recientes en MD',
  },
  'history.none.server': 'No has hecho ningún vídeo en este servidor en los últimos {days} días.',
  'history.none.dms': 'No has hecho ningún vídeo en MD en los últimos {days} días.',
  'history.footer': 'Recupera uno con /vídeo-mostrar y su id.',
  'history.not_counted': 'no contado',
  'history.original': 'Mensaje original',
  'history.video': 'Vídeo',

  'quota_refused.user_daily': {
    one: 'Ya has usado tu {count} vídeo de hoy. Tu cupo se restablece {resets}.',
    many: 'Ya has usado tus {count} de vídeos de hoy. Tu cupo se restablece {resets}.',
    other: 'Ya has usado tus {count} vídeos de hoy. Tu cupo se restablece {resets}.',
  },
  'quota_refused.user_daily_1080p': {
    one: 'Ya has usado tu {count} vídeo en 1080p de hoy (tu cupo de 1080p; los vídeos en 1080p también cuentan para tus vídeos diarios). Aún puedes hacer vídeos en 480p, y el cupo se restablece {resets}.',
    many: 'Ya has usado tus {count} de vídeos en 1080p de hoy (tu cupo de 1080p; los vídeos en 1080p también cuentan para tus vídeos diarios). Aún puedes hacer vídeos en 480p, y el cupo se restablece {resets}.',
    other:
      'Ya has usado tus {count} vídeos en 1080p de hoy (tu cupo de 1080p; los vídeos en 1080p también cuentan para tus vídeos diarios). Aún puedes hacer vídeos en 480p, y el cupo se restablece {resets}.',
  },
  'quota_refused.user_concurrent': {
    one: 'Ya tienes {count} vídeo en preparación. Espera a que termine y vuelve a intentarlo.',
    many: 'Ya tienes {count} de vídeos en preparación. Espera a que termine alguno y vuelve a intentarlo.',
    other: 'Ya tienes {count} vídeos en preparación. Espera a que termine alguno y vuelve a intentarlo.',
  },
  'quota_refused.guild_daily': {
    one: 'Este servidor ya ha usado su {count} vídeo de hoy. El cupo se restablece {resets}.',
    many: 'Este servidor ya ha usado sus {count} de vídeos de hoy. El cupo se restablece {resets}.',
    other: 'Este servidor ya ha usado sus {count} vídeos de hoy. El cupo se restablece {resets}.',
  },
  'quota_refused.budget': 'El bot ha alcanzado su límite de gasto de hoy. Se restablece {resets}.',
  channel_refused: 'En este canal no se pueden hacer vídeos. Prueba en {channels}.',
  'quality_refused.in_server':
    'Los vídeos en {quality} no están activados en este servidor, así que no se ha empezado ni gastado nada. Pide a un administrador del servidor que los active con `/vídeo-admin 1080p`, o deja `calidad` en 480p.',
  'quality_refused.outside_servers':
    'Los vídeos en {quality} solo se hacen en servidores cuyos administradores los han activado, así que no se ha empezado ni gastado nada. Aquí, deja `calidad` en 480p.',
  prompt_refused: 'Ese prompt no está permitido en este servidor.',
  studio_closed:
    'Los vídeos no están disponibles ahora mismo, así que no se ha empezado ni gastado nada. Vuelve a intentarlo más tarde.',
  member_blocked:
    'Los administradores de este servidor te han desactivado /vídeo, así que no se ha empezado ni gastado nada. Pregúntales si crees que es un error.',
  store_unavailable:
    'El bot no puede comprobar los cupos ahora mismo, así que no se ha empezado ni gastado nada. Vuelve a intentarlo en un minuto.',
  already_accepted: 'Esta solicitud ya se había aceptado; su vídeo está en camino.',
  'list.separator': ', ',

  'button.reroll': 'Regenerar',
  'button.remix': 'Remezclar',
  'button.upscale': '1080p',
  'button.delete': 'Eliminar',
  'button.cancel': 'Cancelar',
  'remix.title': 'Remezclar este vídeo',
  'remix.prompt': 'Prompt',
  'remix.negative_prompt': 'Prompt negativo (lo que hay que evitar)',
  'remix.seed': 'Semilla (vacía para una aleatoria)',

  'interaction.apology': 'Algo ha fallado por nuestra parte. No se ha gastado nada; vuelve a intentarlo.',
  'interaction.unknown_command':
    'Este bot no tiene ese comando (o ya no lo tiene). Escribe `/` para ver los que tiene.',
  'interaction.unknown_component': 'Esto ya no hace nada aquí.',
  'command.invalid_options': 'Esas opciones no son válidas para este comando.',
  'command.guild_only': 'Este comando solo funciona en un servidor.',
  'command.wrong_context': 'Este comando no funciona aquí.',
  'command.wrong_install': 'Este comando solo funciona en un servidor en el que esté el bot.',
  'command.missing_permissions': {
    one: 'Necesitas el permiso {permissions} para usar `/{command}`.',
    many: 'Necesitas los permisos {permissions} para usar `/{command}`.',
    other: 'Necesitas los permisos {permissions} para usar `/{command}`.',
  },
  'permission.Administrator': 'Administrador',
  'permission.ManageGuild': 'Gestionar servidor',

  'video.invalid_options': 'Esas opciones no son válidas.',
  'video.prompt.too_long': 'El prompt puede tener como máximo {max} caracteres.',
  'video.prompt.missing': 'Describe el vídeo que quieres en `prompt` o adjunta una `imagen` de la que partir.',
  'video.prompt.missing_1080p_image':
    'Un vídeo en 1080p a partir de una imagen también necesita un `prompt`: di qué pasa en él.',
  'video.image.not_image': 'La imagen tiene que ser un archivo PNG, JPEG o WebP.',
  'video.image.too_large': 'La imagen puede ocupar como máximo {max} MB.',
  'video.negative_prompt.too_long': 'El prompt negativo puede tener como máximo {max} caracteres.',
  'video.size.invalid': 'Elige uno de los tamaños ofrecidos.',
  'video.size.not_taken': 'El tamaño lo da la imagen; no indiques el tamaño.',
  'video.seed.not_whole': 'La semilla debe ser un número entero.',
  'video.seed.out_of_range': 'La semilla debe estar entre {min} (aleatoria) y {max}.',
  'video.quality.invalid': 'Elige una de las calidades ofrecidas.',

  'quota.unlimited': 'Aquí no tienes límite diario (hoy llevas {used}).',
  'quota.left': {
    one: 'Vídeos que te quedan hoy: **{left}** de {count}.',
    many: 'Vídeos que te quedan hoy: **{left}** de {count}.',
    other: 'Vídeos que te quedan hoy: **{left}** de {count}.',
  },
  'quota.in_flight': 'En preparación: {in_flight} de {max} a la vez.',
  'quota.outside_servers': 'Tus MD, tus MD grupales y los servidores sin el bot comparten este cupo.',
  'quota.left_1080p':
    '1080p: te quedan **{left}** de {total} hoy, a {price} cada uno (también cuentan para tus vídeos de arriba).',
  'quota.guild_left': {
    one: 'Vídeos que le quedan hoy a este servidor: {left} de {count}.',
    many: 'Vídeos que le quedan hoy a este servidor: {left} de {count}.',
    other: 'Vídeos que le quedan hoy a este servidor: {left} de {count}.',
  },
  'quota.spent': 'El bot ha gastado hoy {spent} de sus {budget}.',
  'quota.prices': 'Un vídeo cuesta {text} a partir de texto y {image} a partir de una imagen.',
  'quota.resets': 'Los recuentos diarios se restablecen {resets}.',

  'admin.saved': 'Guardado.',
  'admin.nothing_to_change': 'Indica `diario_miembro`, `diario_servidor` o ambos.',
  'admin.granted': {
    one: '{member} puede hacer {count} vídeo más hoy.',
    many: '{member} puede hacer {count} de vídeos más hoy.',
    other: '{member} puede hacer {count} vídeos más hoy.',
  },
  'admin.reset': 'El recuento de hoy de {member} ha vuelto a cero.',
  'admin.invalid_policy': 'Elige una de las políticas ofrecidas.',
  'admin.unknown_subcommand': 'Ese subcomando no existe. Prueba `/vídeo-admin ver`.',
  'admin.out_of_range': '`{option}` debe ser un número entero de {min} a {max}.',
  'admin.settings.per_member': {
    one: '**Por miembro:** {count} vídeo al día, {concurrent} a la vez',
    many: '**Por miembro:** {count} de vídeos al día, {concurrent} a la vez',
    other: '**Por miembro:** {count} vídeos al día, {concurrent} a la vez',
  },
  'admin.settings.per_member_default': {
    one: '**Por miembro:** {count} vídeo al día (valor predeterminado del bot), {concurrent} a la vez',
    many: '**Por miembro:** {count} de vídeos al día (valor predeterminado del bot), {concurrent} a la vez',
    other: '**Por miembro:** {count} vídeos al día (valor predeterminado del bot), {concurrent} a la vez',
  },
  'admin.settings.whole_server': {
    one: '**Todo el servidor:** {count} vídeo al día',
    many: '**Todo el servidor:** {count} de vídeos al día',
    other: '**Todo el servidor:** {count} vídeos al día',
  },
  'admin.settings.whole_server_unlimited': '**Todo el servidor:** sin límite diario',
  'admin.settings.channels': '**Canales:** {channels}',
  'admin.settings.channels_everywhere': '**Canales:** todos',
  'admin.settings.exempt_roles': '**Roles exentos:** {roles}',
  'admin.settings.exempt_roles_none': '**Roles exentos:** ninguno',
  'admin.settings.role_allowances': '**Cupos por rol:** {allowances}',
  'admin.settings.role_allowances_none': '**Cupos por rol:** ninguno',
  'admin.settings.role_allowance': '{role} {daily}/día',
  'admin.settings.nsfw': '**Vídeos marcados como NSFW:** {policy}',
  'admin.settings.nsfw.never': 'nunca se publican',
  'admin.settings.nsfw.age-restricted': 'se publican como spoiler solo en canales con restricción de edad',
  'admin.settings.nsfw.anywhere': 'se publican como spoiler en cualquier canal',
  'admin.settings.1080p': '**Vídeos en 1080p:** {state}',
  'admin.settings.1080p.on': 'activados ({price} cada uno), {allowance}',
  'admin.settings.1080p.off': 'desactivados (al activarlos: {allowance})',
  'admin.settings.1080p.allowance': '{daily} por miembro al día, dentro de sus vídeos diarios',

  'filter.present.word': 'La palabra {text} ya es un filtro aquí.',
  'filter.present.pattern': 'El patrón {text} ya es un filtro aquí.',
  'filter.added.word': 'Se ha añadido la palabra {text}: /vídeo ahora rechaza los prompts que la contengan.',
  'filter.added.pattern': 'Se ha añadido el patrón {text}: /vídeo ahora rechaza los prompts que lo contengan.',
  'filter.absent.word': 'Aquí no hay ningún filtro de palabra {text}.',
  'filter.absent.pattern': 'Aquí no hay ningún filtro de patrón {text}.',
  'filter.removed.word': 'Se ha quitado la palabra {text}.',
  'filter.removed.pattern': 'Se ha quitado el patrón {text}.',
  'filter.unknown_subcommand': 'Ese subcomando no existe. Prueba `/vídeo-admin filtro lista`.',
  'filter.invalid_kind': 'Elige `word` o `pattern`.',
  'filter.text_length': '`texto` debe tener entre 1 y {max} caracteres.',
  'filter.none': 'Este servidor no tiene filtros de prompts. Añade uno con `/vídeo-admin filtro añadir`.',
  'filter.header': '**Filtros de prompts** ({rules} de {max}), comprobados en este orden:',
  'filter.line': '{n}. {kind} {text} · añadido por {user} {date}',
  'filter.kind.word': 'palabra',
  'filter.kind.pattern': 'patrón',
  'filter.not_checked': '⚠️ no se comprueba: {why}',
  'filter.more': '…y {more} más: la lista completa va adjunta.',
  'filter.file_added': 'añadido por el usuario {user} el {date}',
  'filter.file_not_checked': 'no se comprueba: {why}',
  'filter.word_too_long': 'Una palabra puede tener como máximo {max} caracteres.',
  'filter.word_empty': 'Una palabra necesita al menos una letra o un dígito.',
  'filter.pattern_too_long': 'Un patrón puede tener como máximo {max} caracteres.',
  'filter.pattern_matches_empty': 'Ese patrón coincide con un prompt vacío, así que rechazaría todos los prompts.',
  'filter.pattern_unsupported':
    'Ese patrón usa búsqueda hacia delante, hacia atrás o una referencia inversa, y los filtros no lo admiten.',
  'filter.pattern_invalid': 'Ese patrón no es válido ({error}).',
  'filter.pattern_too_complex':
    'Ese patrón es demasiado complejo para comprobarlo rápido: usa menos repeticiones, o más pequeñas.',
  'filter.too_many': 'Un servidor puede tener como máximo {max} filtros: quita uno antes.',
  'filter.patterns_too_large':
    'Los patrones de este servidor ya son todo lo complejos que pueden ser juntos: quita uno antes.',
  'log.none_to_turn_off':
    'Este servidor no tiene registro de moderación que desactivar. Elige un canal con `/vídeo-admin registro`.',
  'log.turned_off': 'El registro de moderación está desactivado: ya no se publica nada en {channel}.',
  'log.channel_type': 'Elige un canal de texto o de anuncios para el registro.',
  'log.on': 'Todos los vídeos y prompts rechazados de este servidor se registran ahora en {channel}.',
  'log.saved_unconfirmed':
    'Guardado. Discord no ha aceptado ahora mismo una primera nota en {channel}; las próximas entradas lo volverán a intentar.',
  'log.saved_unusable':
    'Guardado, pero {problem}: {channel}. Da al bot los permisos Ver canal y Enviar mensajes allí y vuelve a elegirlo.',
  'log.problem.missing': 'el canal ya no existe',
  'log.problem.forbidden': 'el bot no puede publicar allí',
  'admin.settings.log': '**Registro de moderación:** {log}',
  'admin.settings.log.off': 'desactivado (elige un canal con `/vídeo-admin registro`)',
  'admin.settings.log.unusable':
    '⚠️ {channel} no se puede usar desde {since}: {problem}. Arréglalo y vuelve a elegirlo con `/vídeo-admin registro`.',
  'admin.settings.log.on': '{channel} (elegido por {user})',
  'admin.settings.blocked': '**Bloqueados en /vídeo:** {blocked}',
  'admin.settings.blocked.none': 'nadie',
  'admin.settings.blocked.members': {
    one: '{count} miembro: {members}',
    many: '{count} de miembros: {members}',
    other: '{count} miembros: {members}',
  },
  'admin.settings.blocked.more': '{members} y {more} más',
  'admin.settings.balance': '**Saldo de WaveSpeed:** {balance}',
  'admin.settings.balance.key_refused': 'desconocido: WaveSpeed ha rechazado la clave de API',
  'admin.settings.balance.unknown': 'desconocido: WaveSpeed no ha respondido',
  'admin.settings.balance.stale': '{balance} en la última lectura, {when} (WaveSpeed no ha respondido ahora)',
  'admin.settings.balance.stale_undated': '{balance} en la última lectura (WaveSpeed no ha respondido ahora)',
  'admin.settings.video': '**Vídeos para los miembros:** {condition}',
  'admin.settings.video.open': 'disponibles',
  'admin.settings.video.low': 'disponibles; el saldo está por debajo del nivel de aviso (`BALANCE_WARN_USD`)',
  'admin.settings.video.key_refused':
    'no disponibles: WaveSpeed ha rechazado la clave de API del bot, así que a los miembros se les dice que los vídeos no están disponibles. Vuelven cuando una comprobación del saldo sale bien.',
  'admin.settings.video.no_credit':
    'no disponibles: la cuenta de WaveSpeed no puede pagar un vídeo, así que a los miembros se les dice que los vídeos no están disponibles. Vuelven cuando una comprobación del saldo encuentra crédito.',
  'log.guild_only': 'Estos botones solo funcionan en un servidor.',
  'log.not_permitted':
    'Solo los miembros con el permiso Gestionar servidor pueden usar los botones del registro de moderación.',
  'log.blocked': '🔒 {member} ya no puede usar /vídeo aquí; sus vídeos que ya están en preparación se terminarán.',
  'log.already_blocked': '{member} ya estaba bloqueado en /vídeo.',
  'log.unblocked': '🔓 {member} puede volver a usar /vídeo.',
  'log.not_blocked': '{member} no estaba bloqueado.',
  'log.reset': '🔄 Los vídeos de hoy de {member} han vuelto a cero.',
  'log.button.block': 'Bloquear en /vídeo',
  'log.button.unblock': 'Desbloquear',
  'log.button.reset': 'Restablecer hoy',
  'log.cancelled_by': '✖️ **Cancelado** por {user}',
  'log.requester': '{user} en {channel}',
  'log.from_image': '🖼️ A partir de una imagen, sin prompt',
  'log.model': 'modelo `{model}`',
  'log.prediction': 'predicción `{id}`',
  'log.none': 'ninguna',
  'log.cost': 'coste {cost}',
  'log.refunded': '{cost} (devuelto)',
  'log.nsfw': 'NSFW {flag}',
  'log.nsfw.flagged': 'marcado',
  'log.nsfw.no': 'no',
  'log.nsfw.no_video': 'sin vídeo',
  'log.prompt_refused': '🚫 **Prompt rechazado por un filtro** · {requester}',
  'log.prompt_refused.word': 'coincidió con la palabra {text} (añadida por {user}) · no se gastó nada',
  'log.prompt_refused.pattern': 'coincidió con el patrón {text} (añadido por {user}) · no se gastó nada',
  'log.action.block': '🔒 {by} ha bloqueado a {member} en /vídeo.',
  'log.action.unblock': '🔓 {by} ha desbloqueado a {member}: /vídeo vuelve a funcionarle.',
  'log.action.reset': '🔄 {by} ha restablecido los vídeos de hoy de {member}.',
  'log.account.closed':
    '🔒 **Los vídeos están cerrados para los miembros**: {why} A los miembros se les dice que los vídeos no están disponibles, y no se gasta nada. Se reabren solos cuando una comprobación del saldo sale bien.',
  'log.account.closed.key_refused':
    'WaveSpeed ha rechazado la clave de API del bot. Quien opera el bot debe revisar `WAVESPEED_API_KEY`.',
  'log.account.closed.no_credit':
    'la cuenta de WaveSpeed no puede pagar un vídeo. Quien opera el bot debe recargarla en wavespeed.ai.',
  'log.account.open':
    '🔓 **Los vídeos vuelven a estar abiertos**: WaveSpeed ha respondido a una comprobación del saldo ({balance}).',
  'log.account.low':
    '⚠️ El saldo de WaveSpeed es {balance}, por debajo del nivel de aviso de {warn}. Recárgalo en wavespeed.ai antes de que se paren los vídeos.',
  'log.account.low_unset':
    '⚠️ El saldo de WaveSpeed es {balance}. Recárgalo en wavespeed.ai antes de que se paren los vídeos.',
  'log.balance_unknown': 'desconocido',
  'log.greeting':
    '📋 Este canal es ahora el registro de moderación de /vídeo, elegido por {user}. Aquí se publican todos los vídeos hechos en este servidor y todos los prompts que rechaza un filtro, con botones para bloquear al miembro o restablecer su día.',
  'log.unusable':
    'No puedo publicar en el registro de moderación que elegiste, {channel}: {problem}. No se registra nada hasta que se arregle; `/vídeo-admin ver` dice cómo está. Arréglalo o elige otro canal con `/vídeo-admin registro`.',
  'log.unusable.forbidden': 'no tengo permiso para publicar allí (necesito Ver canal y Enviar mensajes en él)',
} as const satisfies Translation;

const RULE_OPTIONS = {
  kind: { name: 'tipo', description: 'Una palabra (se busca entera, se escriba como se escriba) o un patrón' },
  word: { name: 'Palabra o frase' },
  pattern: { name: 'Patrón (expresión regular, sintaxis RE2)' },
  text: { name: 'texto', description: 'La palabra, frase o patrón' },
};

export default {
  locale: 'es-ES',
  discordLocales: ['es-ES', 'es-419'],
  messages,
  commands: {
    video: { name: 'vídeo', description: 'Crea un vídeo de 5 segundos a partir de un prompt de texto o una imagen' },
    'video.prompt': { name: 'prompt', description: 'Qué pasa en el vídeo: sujeto, acción, cámara, luz' },
    'video.image': {
      name: 'imagen',
      description: 'Una imagen a la que dar vida en lugar de partir de texto (PNG, JPEG o WebP, hasta 20 MB)',
    },
    'video.negative_prompt': { name: 'prompt_negativo', description: 'Lo que el vídeo debe evitar' },
    'video.size': { name: 'tamaño', description: 'Forma del encuadre (horizontal por defecto)' },
    'video.size.832*480': { name: 'Horizontal 832×480, o 1920×1080 en 1080p' },
    'video.size.480*832': { name: 'Vertical 480×832, o 1080×1920 en 1080p' },
    'video.seed': {
      name: 'semilla',
      description: 'La misma semilla y el mismo prompt dan un vídeo parecido; -1 elige una al azar',
    },
    'video.prompt_expansion': {
      name: 'ampliar_prompt',
      description: 'Deja que el modelo enriquezca un prompt corto (desactivado por defecto)',
    },
    'video.quality': {
      name: 'calidad',
      description: 'Nitidez: 480p (por defecto) o 1080p donde este servidor lo permita',
    },
    'video.quality.480p': { name: '480p ($0.05; $0.20 a partir de una imagen)' },
    'video.quality.1080p': { name: '1080p ($0.80)' },
    'video-show': {
      name: 'vídeo-mostrar',
      description: 'Vuelve a publicar un vídeo hecho aquí, con sus botones, por el id de su mensaje',
    },
    'video-show.id': { name: 'id', description: 'El id que muestra el vídeo (id `…`) o uno de /vídeo-historial' },
    'video-history': {
      name: 'vídeo-historial',
      description: 'Tus últimos 10 vídeos aquí, con sus semillas y enlaces (solo lo ves tú)',
    },
    quota: { name: 'cupo', description: 'Cuántos vídeos te quedan hoy' },
    'video-admin': {
      name: 'vídeo-admin',
      description: 'Gestiona los límites, ajustes, filtros de prompts y registro de moderación de vídeo del servidor',
    },
    'video-admin.show': { name: 'ver', description: 'Muestra los ajustes de vídeo de este servidor' },
    'video-admin.limits': { name: 'límites', description: 'Establece los límites diarios' },
    'video-admin.limits.user_daily': { name: 'diario_miembro', description: 'Vídeos por miembro al día' },
    'video-admin.limits.guild_daily': {
      name: 'diario_servidor',
      description: 'Vídeos al día para todo el servidor; -1 para no poner límite',
    },
    'video-admin.channel': {
      name: 'canal',
      description: 'Permite o bloquea /vídeo en un canal (si no hay ninguno permitido, funciona en todos)',
    },
    'video-admin.channel.channel': { name: 'canal', description: 'El canal' },
    'video-admin.channel.allowed': { name: 'permitido', description: 'Si /vídeo funciona allí' },
    'video-admin.exempt-role': { name: 'rol-exento', description: 'Exime a un rol del límite diario, o lo deshace' },
    'video-admin.exempt-role.role': { name: 'rol', description: 'El rol' },
    'video-admin.exempt-role.exempt': { name: 'exento', description: 'Si el rol está exento' },
    'video-admin.role-allowance': { name: 'cupo-rol', description: 'Da a un rol su propio cupo diario; -1 lo quita' },
    'video-admin.role-allowance.role': { name: 'rol', description: 'El rol' },
    'video-admin.role-allowance.daily': { name: 'diario', description: 'Vídeos por miembro al día' },
    'video-admin.grant': { name: 'conceder', description: 'Da a un miembro vídeos extra para hoy' },
    'video-admin.grant.member': { name: 'miembro', description: 'El miembro' },
    'video-admin.grant.videos': { name: 'vídeos', description: 'Cuántos' },
    'video-admin.reset': {
      name: 'restablecer',
      description: 'Borra el recuento y los vídeos concedidos de hoy de un miembro',
    },
    'video-admin.reset.member': { name: 'miembro', description: 'El miembro' },
    'video-admin.nsfw': { name: 'nsfw', description: 'Dónde se pueden publicar los vídeos marcados como NSFW' },
    'video-admin.nsfw.policy': { name: 'política', description: 'Adónde van los vídeos marcados' },
    'video-admin.nsfw.policy.never': { name: 'A ningún sitio' },
    'video-admin.nsfw.policy.age-restricted': { name: 'Canales con restricción de edad, como spoiler' },
    'video-admin.nsfw.policy.anywhere': { name: 'Cualquier canal, como spoiler' },
    'video-admin.1080p': {
      name: '1080p',
      description: 'Permite vídeos en 1080p ($0.80 cada uno) en este servidor, con un cupo diario por miembro',
    },
    'video-admin.1080p.enabled': { name: 'activado', description: 'Si los miembros pueden pedir 1080p' },
    'video-admin.1080p.user_daily': {
      name: 'diario_miembro',
      description: 'Vídeos en 1080p por miembro al día (también cuentan para los vídeos diarios)',
    },
    'video-admin.log': {
      name: 'registro',
      description: 'Elige el canal donde se registra cada vídeo y prompt rechazado; déjalo vacío para parar',
    },
    'video-admin.log.channel': {
      name: 'canal',
      description: 'El canal del registro de moderación; déjalo vacío para desactivar el registro',
    },
    'video-admin.filter': { name: 'filtro', description: 'Palabras y patrones que /vídeo rechaza en un prompt' },
    'video-admin.filter.add': { name: 'añadir', description: 'Rechaza los prompts con una palabra o un patrón' },
    'video-admin.filter.add.kind': RULE_OPTIONS.kind,
    'video-admin.filter.add.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.add.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.add.text': RULE_OPTIONS.text,
    'video-admin.filter.remove': { name: 'quitar', description: 'Deja de rechazar una palabra o un patrón' },
    'video-admin.filter.remove.kind': RULE_OPTIONS.kind,
    'video-admin.filter.remove.kind.word': RULE_OPTIONS.word,
    'video-admin.filter.remove.kind.pattern': RULE_OPTIONS.pattern,
    'video-admin.filter.remove.text': RULE_OPTIONS.text,
    'video-admin.filter.list': { name: 'lista', description: 'Muestra los filtros de prompts de este servidor' },
  },
} satisfies Language;
