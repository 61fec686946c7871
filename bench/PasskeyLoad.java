import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The load of bench/passkey.sh (bench/README.md "Passkey sign-in"): passkey sign-ins next to password sign-ins, on
 * the same users, closed loop. A software authenticator built on webauthn4j's model classes and converters (no CBOR
 * by hand): ES256 keys, "none" attestation, flags UP|UV(|AT), a signature counter per credential.
 * <pre>
 *   javac -cp WEBAUTHN4J+JACKSON -d OUT bench/ClosedLoop.java bench/PasskeyLoad.java
 *   java -cp WEBAUTHN4J+JACKSON:OUT PasskeyLoad BASE ORIGIN RP_ID PREFIX USERS PASSWORD SERVER_PID CLK_TCK
 *        CLIENTS SECONDS WARMUP ROUNDS CSV
 * </pre>
 * The users PREFIX-1..USERS@bench.invalid exist with PASSWORD and a verified e-mail. Each signs in and registers
 * one passkey; then a warm-up (WARMUP s of each kind at the largest client count), then for each client count in
 * CLIENTS (comma-separated) ROUNDS x (SECONDS of passkey sign-ins, SECONDS of password sign-ins). Server CPU per
 * sign-in: utime + stime of SERVER_PID over the phase / successful sign-ins (bench/ClosedLoop.java, compiled with
 * this file). Prints a Markdown table, writes CSV.
 */
public class PasskeyLoad {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectConverter CONVERTER = new ObjectConverter();
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64D = Base64.getUrlDecoder();
    static HttpClient http;
    static String base, origin, password;
    static byte[] rpIdHash;

    /** One user and its passkey; owned by one client thread at a time, so the counter needs no lock. */
    static final class Account {
        String email;
        byte[] credentialId, userHandle;
        KeyPair keys;
        long counter;
    }

    public static void main(String[] args) throws Exception {
        base = args[0];
        origin = args[1];
        rpIdHash = MessageDigest.getInstance("SHA-256").digest(args[2].getBytes(StandardCharsets.UTF_8));
        String prefix = args[3];
        int users = Integer.parseInt(args[4]);
        password = args[5];
        ClosedLoop loop = new ClosedLoop(Long.parseLong(args[6]), Long.parseLong(args[7]));
        int[] clientCounts = Arrays.stream(args[8].split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(args[9]), warmup = Integer.parseInt(args[10]), rounds = Integer.parseInt(args[11]);
        Path csv = Path.of(args[12]);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        Account[] accounts = new Account[users];
        for (int i = 0; i < users; i++) {
            accounts[i] = register(prefix + "-" + (i + 1) + "@bench.invalid");
        }
        System.err.println("registered " + users + " passkeys");
        int max = Arrays.stream(clientCounts).max().orElse(1);
        List<String> kinds = List.of("passkey", "password");
        for (String kind : kinds) {
            loop.run(kind, accounts, max, warmup, signIn(kind));
        }
        List<ClosedLoop.Phase> phases = new ArrayList<>();
        for (int clients : clientCounts) {
            for (int r = 0; r < rounds; r++) {
                for (String kind : kinds) {
                    phases.add(loop.run(kind, accounts, clients, seconds, signIn(kind)));
                }
            }
        }
        ClosedLoop.report(phases, clientCounts, kinds, "logins", csv);
    }

    static ClosedLoop.Call<Account> signIn(String kind) {
        return kind.equals("passkey") ? PasskeyLoad::passkeyLogin : PasskeyLoad::passwordLogin;
    }

    // ---- set-up: sign in with the password, then register/options -> authenticator -> register ----

    static Account register(String email) throws Exception {
        Account a = new Account();
        a.email = email;
        JsonNode tokens = post("/api/auth/login", json("email", email, "password", password), null, 200);
        String bearer = tokens.get("accessToken").asText();
        JsonNode options = post("/api/auth/passkeys/register/options", JSON.createObjectNode(), bearer, 200);
        JsonNode pk = options.get("publicKey");
        a.userHandle = B64D.decode(pk.get("user").get("id").asText());
        a.credentialId = new byte[32];
        new SecureRandom().nextBytes(a.credentialId);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        a.keys = generator.generateKeyPair();

        AttestedCredentialData credential = new AttestedCredentialData(AAGUID.ZERO, a.credentialId,
                EC2COSEKey.create((ECPublicKey) a.keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(rpIdHash,
                (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT), 0, credential);
        byte[] attestation = new AttestationObjectConverter(CONVERTER)
                .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
        byte[] clientData = clientData("webauthn.create", pk.get("challenge").asText());

        ObjectNode response = JSON.createObjectNode();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("attestationObject", B64.encodeToString(attestation));
        response.putArray("transports").add("internal");
        ObjectNode body = JSON.createObjectNode();
        body.put("flowId", options.get("flowId").asText());
        body.put("name", "bench");
        body.set("credential", credentialJson(a.credentialId, response));
        post("/api/auth/passkeys/register", body, bearer, 201);
        return a;
    }

    static ObjectNode credentialJson(byte[] id, ObjectNode response) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", B64.encodeToString(id));
        c.put("rawId", B64.encodeToString(id));
        c.put("type", "public-key");
        c.set("response", response);
        c.putObject("clientExtensionResults");
        c.put("authenticatorAttachment", "platform");
        return c;
    }

    static byte[] clientData(String type, String challenge) throws Exception {
        ObjectNode c = JSON.createObjectNode();
        c.put("type", type);
        c.put("challenge", challenge);
        c.put("origin", origin);
        c.put("crossOrigin", false);
        return JSON.writeValueAsBytes(c);
    }

    // ---- the two sign-ins ----

    /** Passkey: login/options, then an assertion over authenticatorData || SHA-256(clientDataJSON), then login. */
    static boolean passkeyLogin(Account a) throws Exception {
        JsonNode options = post("/api/auth/passkeys/login/options", JSON.createObjectNode(), null, 200);
        if (options == null) {
            return false;
        }
        byte[] clientData = clientData("webauthn.get", options.get("publicKey").get("challenge").asText());
        byte[] authData = new AuthenticatorDataConverter(CONVERTER).convert(new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(
                rpIdHash, (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV), ++a.counter));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(a.keys.getPrivate());
        signer.update(authData);
        signer.update(MessageDigest.getInstance("SHA-256").digest(clientData));
        ObjectNode response = JSON.createObjectNode();
        response.put("clientDataJSON", B64.encodeToString(clientData));
        response.put("authenticatorData", B64.encodeToString(authData));
        response.put("signature", B64.encodeToString(signer.sign()));
        response.put("userHandle", B64.encodeToString(a.userHandle));
        ObjectNode body = JSON.createObjectNode();
        body.put("flowId", options.get("flowId").asText());
        body.set("credential", credentialJson(a.credentialId, response));
        return post("/api/auth/passkeys/login", body, null, 200) != null;
    }

    static boolean passwordLogin(Account a) throws Exception {
        return post("/api/auth/login", json("email", a.email, "password", password), null, 200) != null;
    }

    // ---- HTTP ----

    static ObjectNode json(String... kv) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.put(kv[i], kv[i + 1]);
        }
        return n;
    }

    /** The answer's JSON when the status is the expected one, else null (set-up callers fail on null). */
    static JsonNode post(String path, JsonNode body, String bearer, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != expected) {
            if (bearer != null || path.endsWith("/register")) {
                throw new IllegalStateException(path + ": " + response.statusCode() + " " + new String(response.body()));
            }
            return null;
        }
        return JSON.readTree(response.body());
    }
}
