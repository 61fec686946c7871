package dev.gatehouse.client;

import java.util.OptionalLong;

/**
 * The password was right and the account has a second factor (docs/mfa.md "Signing in"): ask the user for the
 * code from their authenticator app (or a recovery code) and call {@link GatehouseAuth#loginMfa} with
 * {@link #mfaToken()}. Nothing is signed in until then. The token lives 5 minutes and takes 5 codes; keep it in
 * memory only. A {@link GatehouseException} with code {@code mfa_required}, so an app that does not know this
 * class still sees a refusal.
 */
public final class MfaRequiredException extends GatehouseException {

    private final transient String mfaToken;

    MfaRequiredException(String detail, String mfaToken) {
        super(403, MFA_REQUIRED, detail, OptionalLong.empty());
        this.mfaToken = mfaToken;
    }

    /** The token of the second step, for {@link GatehouseAuth#loginMfa}. Never part of the message. */
    public String mfaToken() {
        return mfaToken;
    }
}
