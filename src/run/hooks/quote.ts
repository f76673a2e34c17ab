/** Quoting a value as one literal word for the shells dhtl writes scripts for. */

/** POSIX sh / bash / zsh: single quotes, with `'` written as `'\''`. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** fish: single quotes, where only `\` and `'` need a backslash. */
export function fishQuote(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
