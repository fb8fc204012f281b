import type { AppConfig } from '../config/settings';
import { settings } from '../config/settings';
import { keysOf } from '../typed-object';

export type Redact = (text: string) => string;

const MASK = '[redacted]';
// Credentials that may sit inside other text (connection strings, auth headers, URLs with SAS).
const EMBEDDED = [
  /(AccountKey=)[^;"'\s]+/gi,
  /(SharedAccessSignature=)[^;"'\s]+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  /([?&]sig=)[^&"'\s]+/gi,
];

/** Builds a function that masks every secret setting's value, and embedded credentials, in a text. */
export function createRedactor(config: Partial<AppConfig>): Redact {
  const secrets = keysOf(settings)
    .filter((name) => settings[name].secret === true)
    .map((name) => config[name])
    .filter((value): value is string => typeof value === 'string' && value.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join(MASK);
    for (const pattern of EMBEDDED) out = out.replace(pattern, `$1${MASK}`);
    return out;
  };
}
