import esES from './es-ES.js';
import ja from './ja.js';
import type { Language } from './language.js';
import ptBR from './pt-BR.js';
import zhCN from './zh-CN.js';

/**
 * The languages the bot speaks besides US English, the catalog's source. To add one, write its
 * file beside these (its messages, typed by the source, and its command names) and list it here;
 * the catalog's tests then hold it to every key, placeholder, plural form and command part.
 */
export const LANGUAGES: readonly Language[] = [zhCN, ja, esES, ptBR];
