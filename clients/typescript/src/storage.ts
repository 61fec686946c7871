/** What the client keeps between app starts in bearer mode. */
export interface Tokens {
  /** The short-lived JWT sent as `Authorization: Bearer`. */
  accessToken: string;
  /** The opaque `gatehouse_rt_…` token; it rotates on every refresh, so always save the newest one. */
  refreshToken: string;
  /** The session (`sid`) these tokens belong to. */
  sessionId: string;
}

/**
 * Where the client keeps its {@link Tokens} in bearer mode. Not used in cookie mode, where the
 * refresh token lives in an httpOnly cookie and the access token only in memory (docs/api.md "Web (cookie) mode").
 *
 * `save` must not resolve before the tokens are durably written: the client saves each new refresh
 * token before it lets any request continue, so an app killed right after a refresh still holds
 * the newest token (the old one is already rotated on the server).
 *
 * On React Native, keep them in the iOS Keychain / Android Keystore, for example with
 * `react-native-keychain`:
 *
 * ```ts
 * import * as Keychain from 'react-native-keychain';
 *
 * const service = 'gatehouse';
 * export const keychainStorage: TokenStorage = {
 *   async load() {
 *     const entry = await Keychain.getGenericPassword({ service });
 *     return entry ? (JSON.parse(entry.password) as Tokens) : null;
 *   },
 *   async save(tokens) {
 *     await Keychain.setGenericPassword('tokens', JSON.stringify(tokens), {
 *       service,
 *       accessible: Keychain.ACCESSIBLE.AFTER_FIRST_UNLOCK_THIS_DEVICE_ONLY, // never in backups
 *     });
 *   },
 *   async clear() {
 *     await Keychain.resetGenericPassword({ service });
 *   },
 * };
 * ```
 *
 * (`expo-secure-store` works the same way with `getItemAsync`/`setItemAsync`/`deleteItemAsync`.)
 * In a browser prefer cookie mode to any storage a script can read.
 */
export interface TokenStorage {
  /** The saved tokens, or `null` when signed out. */
  load(): Promise<Tokens | null>;
  /** Replaces the saved tokens; resolves once they are durably written. */
  save(tokens: Tokens): Promise<void>;
  /** Forgets the tokens (logout, or the session ended). */
  clear(): Promise<void>;
}

/** The default storage: tokens live only as long as the page or app process. */
export class MemoryTokenStorage implements TokenStorage {
  private tokens: Tokens | null = null;

  async load(): Promise<Tokens | null> {
    return this.tokens === null ? null : { ...this.tokens };
  }

  async save(tokens: Tokens): Promise<void> {
    this.tokens = { ...tokens };
  }

  async clear(): Promise<void> {
    this.tokens = null;
  }
}
