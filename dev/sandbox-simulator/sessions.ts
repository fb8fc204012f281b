import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** One session: a folder that is its /mnt/data, kept until deleted or idle for the cooldown period. */
export interface Session {
  readonly identifier: string;
  readonly pool: string;
  readonly dir: string;
  readonly createdAt: Date;
  lastAccessedAt: Date;
}

/**
 * Sessions by pool and identifier, allocated on first use as the service does. A pool holds at most
 * `maxSessions` at once (past that the service answers 404); idle ones go after `cooldownMs`.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly root: string,
    private readonly options: { cooldownMs: number; maxSessions: number },
  ) {
    this.#timer = setInterval(
      () => {
        this.sweep();
      },
      Math.min(options.cooldownMs, 30_000),
    );
    this.#timer.unref();
  }

  #key(pool: string, identifier: string): string {
    return `${pool}\n${identifier}`;
  }

  /** The session, allocated when new; 'full' when the pool has no room for another. */
  open(pool: string, identifier: string): Session | 'full' {
    const key = this.#key(pool, identifier);
    const existing = this.#sessions.get(key);
    if (existing !== undefined) {
      existing.lastAccessedAt = new Date();
      return existing;
    }
    const inPool = [...this.#sessions.values()].filter((session) => session.pool === pool).length;
    if (inPool >= this.options.maxSessions) return 'full';
    const hash = createHash('sha256').update(identifier).digest('hex').slice(0, 32);
    const dir = join(this.root, pool, hash);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const session: Session = { identifier, pool, dir, createdAt: new Date(), lastAccessedAt: new Date() };
    this.#sessions.set(key, session);
    return session;
  }

  get(pool: string, identifier: string): Session | undefined {
    return this.#sessions.get(this.#key(pool, identifier));
  }

  delete(pool: string, identifier: string): boolean {
    const key = this.#key(pool, identifier);
    const session = this.#sessions.get(key);
    if (session === undefined) return false;
    this.#sessions.delete(key);
    rmSync(session.dir, { recursive: true, force: true });
    return true;
  }

  get size(): number {
    return this.#sessions.size;
  }

  sweep(now = Date.now()): void {
    for (const session of [...this.#sessions.values()]) {
      if (now - session.lastAccessedAt.getTime() > this.options.cooldownMs) {
        this.delete(session.pool, session.identifier);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const session of [...this.#sessions.values()]) this.delete(session.pool, session.identifier);
  }
}
