/**
 * Imported by the entry point before anything that loads discord.js. In Node the global
 * `FormData` is a lazy getter that loads Node's own bundled copy of undici, and
 * @discordjs/rest reads it as it loads (it builds every upload with it): that second copy
 * costs an idle bot about 10 MB on top of the `undici` package discord.js sends with. The
 * package's own FormData, which its `request` encodes the same way, takes the global's
 * place, so the bundled copy never loads. The bot uses no other fetch global.
 */
import { FormData } from 'undici';

globalThis.FormData = FormData as typeof globalThis.FormData;
