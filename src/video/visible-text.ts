/** What counts as text in a member's prompt: what is stripped, and what shows nothing at all. */

// Line breaks and tabs still separate words; other control characters (NUL above all) and
// lone surrogate halves are no text the model should receive.
const LINE_OR_TAB = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const CONTROL = /[\p{Cc}\p{Cs}]/gu;

/** Control characters out: breaks and tabs become spaces, the rest go. */
export function withoutControls(text: string): string {
  return text.replace(LINE_OR_TAB, ' ').replace(CONTROL, '');
}

// What draws nothing on screen: format and control characters, spaces, default-ignorable code
// points (zero-width spaces, Hangul fillers, variation selectors, tags), combining marks with
// no base, and the blank look-alikes outside those classes (Braille blank, null notehead).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Z}\s\p{Default_Ignorable_Code_Point}\p{M}\u2800\u{1D159}]/gu;

/** Whether `text` shows anything at all once what renders as nothing is taken out. */
export function hasVisibleText(text: string): boolean {
  return text.replace(INVISIBLE, '') !== '';
}
