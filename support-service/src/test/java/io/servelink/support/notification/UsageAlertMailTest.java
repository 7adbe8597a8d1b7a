package io.servelink.support.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.contracts.events.usage.UsageMetric;
import io.servelink.contracts.events.usage.UsageThresholdCrossed;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class UsageAlertMailTest {

    private static final UsageThresholdCrossed STORAGE_95 = new UsageThresholdCrossed("acme", null, UsageMetric.STORAGE, 95,
            950_000_000L, 1_000_000_000L, "2026-02");

    @Test
    void writesSizesBelowAGigabyteInMegabytesWithTheLanguagesUnitsAndMonthNames() {
        PlatformEventNotifications.Letter french = UsageAlertMail.render(STORAGE_95, Locale.FRENCH);
        PlatformEventNotifications.Letter english = UsageAlertMail.render(STORAGE_95, Locale.ENGLISH);

        assertThat(french.subject()).isEqualTo("Alerte d'utilisation : stockage à 95 % de la limite");
        assertThat(french.body()).startsWith("Bonjour,\n\n")
                .contains("L'équipe acme a utilisé 950 Mo de sa limite de stockage de 1 Go en février 2026 (95 %).")
                .doesNotContain("La limite est atteinte.");
        assertThat(english.subject()).isEqualTo("Usage alert: storage at 95 % of the limit");
        assertThat(english.body()).contains("Team acme has used 950 MB of its 1 GB storage limit in February 2026 (95 %).");
    }

    @Test
    void aLanguageWithoutTemplatesGetsEnglishWhateverTheMachinesDefaultLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.FRENCH);
        try {
            PlatformEventNotifications.Letter german = UsageAlertMail.render(STORAGE_95, Locale.GERMAN);
            assertThat(german.subject()).isEqualTo("Usage alert: storage at 95 % of the limit");
            assertThat(german.body()).contains("950 MB of its 1 GB storage limit in February 2026");
        } finally {
            Locale.setDefault(before);
        }
    }
}
