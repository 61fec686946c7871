package dev.gatehouse.mail;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.SmallRyeConfig;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.Optional;

/**
 * Whether this instance sends mail, decided and checked at start (docs/mail.md "Configuration"). Mail is used when
 * {@code gatehouse.mail.enabled=true}, or, with {@code enabled} unset, when {@code gatehouse.mail.link-base-url} or
 * {@code quarkus.mailer.host} is set (the host explicitly, not the extension's default). In prod, mail that is used
 * needs both, or the start stops naming the missing property; mail that is not used is one warning, and queued mails
 * age out unsent.
 */
@Startup // a missing property must stop the start, not the first mail
@Singleton
class MailSetup {

    private static final Logger LOG = Logger.getLogger(MailSetup.class);
    static final String HOST = "quarkus.mailer.host";
    static final String LINK_BASE = "gatehouse.mail.link-base-url";
    static final String MOCK = "quarkus.mailer.mock";
    static final String FROM = "quarkus.mailer.from";

    private final boolean sending;

    MailSetup(GatehouseConfig gatehouse) {
        GatehouseConfig.Mail mail = gatehouse.mail();
        SmallRyeConfig config = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        boolean prod = LaunchMode.current() == LaunchMode.NORMAL;
        boolean hostSet = explicitlySet(config.getConfigValue(HOST));
        Optional<String> linkBase = mail.linkBaseUrl().map(String::strip).filter(base -> !base.isEmpty());
        boolean used = mail.enabled().orElse(hostSet || linkBase.isPresent());
        if (!used) {
            if (mail.enabled().isPresent()) {
                LOG.info("Mail is off (gatehouse.mail.enabled=false): queued mails are dropped unsent as they age out");
            } else if (prod) {
                LOG.warn("Mail is off: neither " + LINK_BASE + " nor " + HOST + " is set, so no verification, reset or"
                        + " notice mail is sent, and queued mails are dropped as they age out. Set both to send mail,"
                        + " or gatehouse.mail.enabled=false to say it is meant (docs/mail.md \"Configuration\")");
            }
            sending = false;
            return;
        }
        if (prod && !hostSet) {
            throw new IllegalStateException(HOST + " is required when mail is used (docs/mail.md \"Configuration\")");
        }
        if (linkBase.isEmpty()) {
            throw new IllegalStateException(LINK_BASE + " is required when mail is used (docs/mail.md \"Configuration\")");
        }
        checkLinkBase(linkBase.get());
        if (prod && config.getOptionalValue(MOCK, Boolean.class).orElse(false)) {
            // the mock prints every mail, with its code and link, to the log (docs/mail.md "Configuration")
            throw new IllegalStateException(MOCK + "=true would log every mail with its code and link: not in prod");
        }
        if (prod && config.getOptionalValue(FROM, String.class).filter(from -> !from.isBlank()).isEmpty()) {
            LOG.warn(FROM + " is not set: most SMTP servers refuse mail without a sender address");
        }
        if (mail.lease().compareTo(mail.sendTimeout()) <= 0) {
            // a lease that ends while its mail is still being sent lets a second instance send it too
            throw new IllegalStateException("gatehouse.mail.lease must be longer than gatehouse.mail.send-timeout");
        }
        sending = true;
    }

    /** Whether the sender sends; when false it only drops mails that aged out. */
    boolean sending() {
        return sending;
    }

    /** Set by the operator or a profile, not the extension's own default ({@code localhost}). */
    static boolean explicitlySet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank() && !value.isDefault();
    }

    private static void checkLinkBase(String base) {
        URI uri;
        try {
            uri = new URI(base);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(LINK_BASE + " is not a URL");
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException(LINK_BASE + " must be an absolute http or https URL without query or fragment");
        }
    }
}
