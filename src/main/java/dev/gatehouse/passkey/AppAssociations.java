package dev.gatehouse.passkey;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The association files that let native apps use the relying party's passkeys (docs/passkeys.md
 * "Association files"): Digital Asset Links for Android ({@code delegate_permission/common.get_login_creds})
 * and Apple's {@code webcredentials}. Built once from configuration; a malformed entry stops the start.
 */
@Singleton
public class AppAssociations {

    @RegisterForReflection
    public record AssetLink(List<String> relation, Target target) {
    }

    @RegisterForReflection
    public record Target(String namespace, @JsonProperty("package_name") String packageName,
                         @JsonProperty("sha256_cert_fingerprints") List<String> sha256CertFingerprints) {
    }

    @RegisterForReflection
    public record AppleAssociation(WebCredentials webcredentials) {
    }

    @RegisterForReflection
    public record WebCredentials(List<String> apps) {
    }

    private final Optional<List<AssetLink>> assetLinks;
    private final Optional<AppleAssociation> apple;

    AppAssociations(GatehouseConfig config) {
        this.assetLinks = config.passkeys().androidApps().map(AppAssociations::assetLinks).filter(l -> !l.isEmpty());
        this.apple = config.passkeys().appleAppIds().map(AppAssociations::appleIds).filter(l -> !l.isEmpty())
                .map(ids -> new AppleAssociation(new WebCredentials(ids)));
    }

    void checkAtStart(@Observes StartupEvent start) {
        // the constructor has parsed everything: creating the bean at start is the check
    }

    /** Empty when no Android app is configured: the file is then 404. */
    public Optional<List<AssetLink>> assetLinks() {
        return assetLinks;
    }

    /** Empty when no Apple app is configured: the file is then 404. */
    public Optional<AppleAssociation> apple() {
        return apple;
    }

    /** {@code package=fingerprint} entries, grouped by package in the order given. */
    static List<AssetLink> assetLinks(List<String> entries) {
        Map<String, List<String>> byPackage = new LinkedHashMap<>();
        for (String entry : entries) {
            String value = entry.trim();
            if (value.isEmpty()) {
                continue;
            }
            int eq = value.indexOf('=');
            String packageName = eq < 0 ? "" : value.substring(0, eq).trim();
            if (!packageName.matches("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+")) {
                throw new IllegalArgumentException("gatehouse.passkeys.android-apps: expected package.name=SHA-256 "
                        + "fingerprint, got: " + value);
            }
            byPackage.computeIfAbsent(packageName, p -> new ArrayList<>()).add(fingerprint(value.substring(eq + 1)));
        }
        return byPackage.entrySet().stream()
                .map(e -> new AssetLink(List.of("delegate_permission/common.get_login_creds"),
                        new Target("android_app", e.getKey(), List.copyOf(e.getValue()))))
                .toList();
    }

    /** 32 bytes in hex, with or without colons, in the upper-case colon form Digital Asset Links compares. */
    static String fingerprint(String value) {
        String hex = value.trim().replace(":", "");
        if (!hex.matches("[0-9A-Fa-f]{64}")) {
            throw new IllegalArgumentException("gatehouse.passkeys.android-apps: a SHA-256 fingerprint is 64 hex "
                    + "digits (colons allowed), got: " + value.trim());
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes);
    }

    static List<String> appleIds(List<String> entries) {
        List<String> ids = new ArrayList<>();
        for (String entry : entries) {
            String id = entry.trim();
            if (id.isEmpty()) {
                continue;
            }
            if (!id.matches("[A-Z0-9]{10}\\.[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*")) {
                throw new IllegalArgumentException("gatehouse.passkeys.apple-app-ids: expected TEAMID.bundle.id "
                        + "(a 10-character team id), got: " + id);
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }
}
