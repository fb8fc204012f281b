/**
 * Route templates as the Functions host understands them: `conversations/{id}`, optional `{id?}`,
 * catch-all `{*path}`. Literal segments win over parameters, parameters over a catch-all.
 */
export interface Route<T> {
  readonly template: string;
  readonly methods: readonly string[];
  readonly target: T;
}

interface Compiled<T> extends Route<T> {
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly rank: number;
}

export interface RouteMatch<T> {
  readonly target: T;
  readonly params: Record<string, string>;
}

export class RouteTable<T> {
  readonly #routes: Compiled<T>[] = [];

  add(route: Route<T>): void {
    const names: string[] = [];
    let rank = 0;
    const source = route.template
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => {
        const parameter = /^\{(\*)?([A-Za-z_][\w]*)(?::[^}?]+)?(\?)?\}$/.exec(segment);
        if (parameter === null) {
          rank += 3;
          return `/${escape(segment)}`;
        }
        const [, catchAll, name = '', optional] = parameter;
        names.push(name);
        if (catchAll !== undefined) return `(?:/(.*))?`;
        rank += 2;
        return optional === undefined ? `/([^/]+)` : `(?:/([^/]+))?`;
      })
      .join('');
    this.#routes.push({ ...route, pattern: new RegExp(`^${source}/?$`, 'i'), names, rank });
    this.#routes.sort((a, b) => b.rank - a.rank);
  }

  /** The best route for a path and method; `allowed` lists the methods of routes whose path matched. */
  match(path: string, method: string): { found?: RouteMatch<T>; allowed: string[] } {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const match = route.pattern.exec(path);
      if (match === null) continue;
      if (!route.methods.includes(method.toUpperCase())) {
        allowed.push(...route.methods);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        const value = match[index + 1];
        if (value !== undefined) params[name] = safeDecode(value);
      });
      return { found: { target: route.target, params }, allowed };
    }
    return { allowed: [...new Set(allowed)] };
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
