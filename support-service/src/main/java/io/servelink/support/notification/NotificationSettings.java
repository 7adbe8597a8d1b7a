package io.servelink.support.notification;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * E-mail notifications ({@code servelink.support.notifications.*}).
 *
 * @param from            sender address of every e-mail
 * @param fallbackAddress recipient of a team's notifications while support-service knows no contact of that team
 * @param supportAddress  the support team's own inbox (SLA breach alerts)
 * @param relayEnabled    whether this replica sends queued e-mails
 * @param relayInterval   how often the relay looks for due e-mails
 * @param batchSize       e-mails claimed per round
 * @param lease           how long a claimed e-mail is left to the replica that claimed it
 * @param maxAttempts     attempts before an e-mail is given up (marked failed)
 */
@Validated
@ConfigurationProperties("servelink.support.notifications")
public record NotificationSettings(
        @DefaultValue("support@servelink.local") @NotBlank @Email String from,
        @DefaultValue("team-contacts@servelink.local") @NotBlank @Email String fallbackAddress,
        @DefaultValue("support-team@servelink.local") @NotBlank @Email String supportAddress,
        @DefaultValue("true") boolean relayEnabled,
        @DefaultValue("2s") Duration relayInterval,
        @DefaultValue("20") @Min(1) int batchSize,
        @DefaultValue("2m") Duration lease,
        @DefaultValue("8") @Min(1) int maxAttempts) {
}
