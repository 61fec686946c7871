package dev.gatehouse.client;

import java.io.IOException;

/**
 * Where {@link GatehouseAuth} keeps the {@link Tokens} between app starts.
 *
 * <p>{@code save} must not return before the tokens are durably written: the client saves each
 * new refresh token before it lets any request continue, so an app killed right after a refresh
 * still holds the newest token (the old one is already rotated on the server). Calls come from
 * OkHttp's threads, one at a time.
 *
 * <p>On Android keep them encrypted with a key from the Android Keystore, for example with
 * Jetpack Security's {@code EncryptedSharedPreferences} ({@code androidx.security:security-crypto};
 * the library is deprecated but works, and any Keystore-backed AES-GCM wrapping of the three
 * strings does the same). Use {@code commit()}, which writes synchronously, never {@code apply()}:
 *
 * <pre>{@code
 * final class KeystoreTokenStore implements TokenStore {
 *     private final SharedPreferences prefs;
 *
 *     KeystoreTokenStore(Context context) throws GeneralSecurityException, IOException {
 *         MasterKey key = new MasterKey.Builder(context)
 *                 .setKeyScheme(MasterKey.KeyScheme.AES256_GCM).build();   // lives in the Android Keystore
 *         prefs = EncryptedSharedPreferences.create(context, "gatehouse_tokens", key,
 *                 EncryptedSharedPreferences.PrefKeyEncryptionScheme.AES256_SIV,
 *                 EncryptedSharedPreferences.PrefValueEncryptionScheme.AES256_GCM);
 *     }
 *
 *     public Tokens load() {
 *         String access = prefs.getString("access", null);
 *         String refresh = prefs.getString("refresh", null);
 *         String session = prefs.getString("session", null);
 *         return access == null || refresh == null || session == null ? null : new Tokens(access, refresh, session);
 *     }
 *
 *     public void save(Tokens tokens) throws IOException {
 *         boolean written = prefs.edit().putString("access", tokens.accessToken())
 *                 .putString("refresh", tokens.refreshToken())
 *                 .putString("session", tokens.sessionId()).commit();
 *         if (!written) throw new IOException("could not write the Gatehouse tokens");
 *     }
 *
 *     public void clear() throws IOException {
 *         if (!prefs.edit().clear().commit()) throw new IOException("could not clear the Gatehouse tokens");
 *     }
 * }
 * }</pre>
 *
 * Exclude the file from Auto Backup ({@code android:fullBackupContent} /
 * {@code android:dataExtractionRules}): a restored copy on another device cannot be decrypted
 * there, and a refresh token belongs to one device.
 */
public interface TokenStore {

    /** The saved tokens, or {@code null} when signed out. */
    Tokens load() throws IOException;

    /** Replaces the saved tokens; returns once they are durably written. */
    void save(Tokens tokens) throws IOException;

    /** Forgets the tokens (logout, or the session ended). */
    void clear() throws IOException;
}
