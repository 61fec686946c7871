import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';

/**
 * Device-bound refresh tokens (docs/dpop.md): with a prover the client signs a DPoP proof (RFC 9449) for every
 * sign-in, refresh and logout, and Gatehouse binds the session's refresh tokens to the prover's key. A refresh
 * token copied off the device is then useless without that key.
 *
 * {@link WebCryptoDpopProver} is the one to use in browsers and Node; a React Native app that has no WebCrypto
 * implements this interface over the platform's keystore (Android Keystore, Secure Enclave).
 */
export interface DpopProver {
  /** A fresh proof for one request: `htm` the method, `htu` the URL without query and fragment. */
  proof(method: string, url: string): Promise<string>;
  /**
   * Called when the session ends (logout, session over, account deleted): drop the key, so that the next
   * sign-in gets a new one and sessions cannot be linked by their key.
   */
  reset(): Promise<void>;
}

/** Where a {@link WebCryptoDpopProver} keeps its key pair between app starts. */
export interface DpopKeyStore {
  load(): Promise<CryptoKeyPair | null>;
  save(keys: CryptoKeyPair): Promise<void>;
  clear(): Promise<void>;
}

/** Keeps the key pair in this object only: a restarted app signs in again. The default outside browsers. */
export class MemoryDpopKeyStore implements DpopKeyStore {
  private keys: CryptoKeyPair | null = null;

  async load(): Promise<CryptoKeyPair | null> {
    return this.keys;
  }

  async save(keys: CryptoKeyPair): Promise<void> {
    this.keys = keys;
  }

  async clear(): Promise<void> {
    this.keys = null;
  }
}

/**
 * Keeps the key pair in IndexedDB, the default in browsers. IndexedDB stores the `CryptoKey` objects themselves
 * (structured clone), and a non-extractable private key stays non-extractable there: script on the page can ask
 * it to sign, but can never read it out.
 */
export class IndexedDbDpopKeyStore implements DpopKeyStore {
  constructor(private readonly database = 'gatehouse-dpop', private readonly entry = 'device-key') {
  }

  async load(): Promise<CryptoKeyPair | null> {
    const keys = await this.request('readonly', (store) => store.get(this.entry));
    return (keys as CryptoKeyPair | undefined) ?? null;
  }

  async save(keys: CryptoKeyPair): Promise<void> {
    await this.request('readwrite', (store) => store.put(keys, this.entry));
  }

  async clear(): Promise<void> {
    await this.request('readwrite', (store) => store.delete(this.entry));
  }

  private async request(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(this.database, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('keys');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      return await new Promise((resolve, reject) => {
        const request = run(db.transaction('keys', mode).objectStore('keys'));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    } finally {
      db.close();
    }
  }
}

/** IndexedDB where there is one (browsers), else memory. */
export function defaultDpopKeyStore(): DpopKeyStore {
  return typeof indexedDB === 'undefined' ? new MemoryDpopKeyStore() : new IndexedDbDpopKeyStore();
}

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}

/**
 * Proofs signed with an ECDSA P-256 key made by WebCrypto as non-extractable (docs/dpop.md "How clients keep
 * their key"); signed by jose. The key is made on the first proof and kept in `store`.
 */
export class WebCryptoDpopProver implements DpopProver {
  private key: Promise<Key> | null = null;

  constructor(private readonly store: DpopKeyStore = defaultDpopKeyStore()) {
  }

  async proof(method: string, url: string): Promise<string> {
    const { privateKey, jwk } = await this.currentKey();
    return new SignJWT({ htm: method, htu: url })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setJti(randomId())
      .setIssuedAt()
      .sign(privateKey);
  }

  async reset(): Promise<void> {
    this.key = null;
    await this.store.clear();
  }

  /** One key for every caller, even those asking at once (a parallel sign-in and refresh). */
  private currentKey(): Promise<Key> {
    if (this.key === null) {
      const made = this.loadOrMake();
      made.catch(() => {
        if (this.key === made) {
          this.key = null; // a failed store is tried again next time
        }
      });
      this.key = made;
    }
    return this.key;
  }

  private async loadOrMake(): Promise<Key> {
    let keys = await this.store.load();
    if (keys === null) {
      keys = await generateKeyPair('ES256', { extractable: false });
      await this.store.save(keys);
    }
    const { kty, crv, x, y } = await exportJWK(keys.publicKey);
    return { privateKey: keys.privateKey, jwk: { kty, crv, x, y } };
  }
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
