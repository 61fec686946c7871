/**
 * Passkeys in the browser (docs/passkeys.md): the WebAuthn Level 3 JSON that Gatehouse speaks, turned
 * into `navigator.credentials` arguments and back. Browsers with the Level 3 helpers
 * (`PublicKeyCredential.parseCreationOptionsFromJSON`, `parseRequestOptionsFromJSON`, `toJSON()`)
 * use them; older ones get the same result from the small base64url conversion here.
 */

/** A passkey as Gatehouse lists it: never its key or credential id. */
export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
}

/** What the client needs of the platform: `navigator.credentials` and the `PublicKeyCredential` class. */
export interface WebAuthnPlatform {
  credentials: Pick<CredentialsContainer, 'create' | 'get'>;
  PublicKeyCredential?: PublicKeyCredentialStatics;
}

/** The static Level 3 helpers, where the browser has them. */
export interface PublicKeyCredentialStatics {
  parseCreationOptionsFromJSON?: (options: unknown) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (options: unknown) => PublicKeyCredentialRequestOptions;
}

/** The global platform, or `undefined` where there is none (Node, React Native without a polyfill). */
export function defaultPlatform(): WebAuthnPlatform | undefined {
  const global = globalThis as unknown as { navigator?: { credentials?: WebAuthnPlatform['credentials'] };
    PublicKeyCredential?: PublicKeyCredentialStatics };
  const credentials = global.navigator?.credentials;
  return credentials && typeof credentials.create === 'function'
    ? { credentials, PublicKeyCredential: global.PublicKeyCredential } : undefined;
}

type Json = Record<string, unknown>;

/** `PublicKeyCredentialCreationOptionsJSON` to what `navigator.credentials.create` takes. */
export function creationOptions(json: Json, platform: WebAuthnPlatform): PublicKeyCredentialCreationOptions {
  const parse = platform.PublicKeyCredential?.parseCreationOptionsFromJSON;
  if (typeof parse === 'function') {
    return parse.call(platform.PublicKeyCredential, json);
  }
  const user = json.user as Json;
  return {
    ...(json as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromBase64url(json.challenge as string),
    user: { ...(user as unknown as PublicKeyCredentialUserEntity), id: fromBase64url(user.id as string) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

/** `PublicKeyCredentialRequestOptionsJSON` to what `navigator.credentials.get` takes. */
export function requestOptions(json: Json, platform: WebAuthnPlatform): PublicKeyCredentialRequestOptions {
  const parse = platform.PublicKeyCredential?.parseRequestOptionsFromJSON;
  if (typeof parse === 'function') {
    return parse.call(platform.PublicKeyCredential, json);
  }
  const options: PublicKeyCredentialRequestOptions = {
    ...(json as unknown as PublicKeyCredentialRequestOptions),
    challenge: fromBase64url(json.challenge as string),
  };
  if (json.allowCredentials !== undefined) {
    options.allowCredentials = descriptors(json.allowCredentials);
  }
  return options;
}

/** A `PublicKeyCredential` to its `RegistrationResponseJSON` or `AuthenticationResponseJSON`. */
export function credentialJson(credential: PublicKeyCredential): Json {
  const withJson = credential as PublicKeyCredential & { toJSON?: () => Json };
  if (typeof withJson.toJSON === 'function') {
    return withJson.toJSON();
  }
  const response = credential.response as AuthenticatorResponse & Partial<AuthenticatorAttestationResponse>
    & Partial<AuthenticatorAssertionResponse>;
  const body: Json = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if (response.attestationObject !== undefined) {
    body.attestationObject = toBase64url(response.attestationObject);
    body.transports = typeof response.getTransports === 'function' ? response.getTransports() : [];
  } else {
    body.authenticatorData = toBase64url(response.authenticatorData as ArrayBuffer);
    body.signature = toBase64url(response.signature as ArrayBuffer);
    if (response.userHandle) {
      body.userHandle = toBase64url(response.userHandle);
    }
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: body,
    authenticatorAttachment: (credential as PublicKeyCredential & { authenticatorAttachment?: string | null })
      .authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] {
  return Array.isArray(list)
    ? list.map((d: Json) => ({ ...(d as unknown as PublicKeyCredentialDescriptor), id: fromBase64url(d.id as string) }))
    : [];
}

export function toBase64url(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let binary = '';
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes.buffer;
}
