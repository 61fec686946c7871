package dev.gatehouse.support;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.PropertiesConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Points the Quarkus test app's mailer at {@link TestSmtp}, the JVM's one GreenMail, and really sends (the mailer
 * mocks in tests otherwise). Test profile only; below application.properties, so a test profile can still override.
 */
public class TestSmtpConfigSourceFactory implements ConfigSourceFactory {

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (!context.getProfiles().contains("test")) {
            return List.of();
        }
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", String.valueOf(TestSmtp.port()),
                "quarkus.mailer.mock", "false",
                "gatehouse.mail.link-base-url", TestSmtp.LINK_BASE_URL), "gatehouse-test-smtp", 200));
    }
}
