package io.servelink.payment.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.servelink.payment.webhook.WebhookSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final String SECRET = "webhook-secret";
    private static final byte[] BODY = "{\"event_id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private final WebhookSignature signature = new WebhookSignature(SECRET, Duration.ofMinutes(5));

    @Test
    void signsTimestampDotRawBodyWithHmacSha256AsTheSpecSays() throws Exception {
        long ts = NOW.getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal((ts + "." + new String(BODY, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(signature.sign(ts, BODY)).isEqualTo(expected);
    }

    @Test
    void acceptsItsOwnSignatureWithinTheWindow() {
        long ts = NOW.minusSeconds(299).getEpochSecond();
        assertThat(signature.verify(Long.toString(ts), signature.sign(ts, BODY), BODY, NOW)).isEqualTo(Verdict.VALID);
    }

    @Test
    void refusesATimestampOutsideTheFiveMinuteWindowEvenWhenCorrectlySigned() {
        long old = NOW.minusSeconds(301).getEpochSecond();
        long future = NOW.plusSeconds(301).getEpochSecond();
        assertThat(signature.verify(Long.toString(old), signature.sign(old, BODY), BODY, NOW)).isEqualTo(Verdict.STALE);
        assertThat(signature.verify(Long.toString(future), signature.sign(future, BODY), BODY, NOW)).isEqualTo(Verdict.STALE);
    }

    @Test
    void refusesAChangedBodyAnotherSecretOrAMovedTimestamp() {
        long ts = NOW.getEpochSecond();
        String good = signature.sign(ts, BODY);
        byte[] tampered = "{\"event_id\":\"evt_2\"}".getBytes(StandardCharsets.UTF_8);
        String forged = new WebhookSignature("other-secret", Duration.ofMinutes(5)).sign(ts, BODY);

        assertThat(signature.verify(Long.toString(ts), good, tampered, NOW)).isEqualTo(Verdict.MISMATCH);
        assertThat(signature.verify(Long.toString(ts), forged, BODY, NOW)).isEqualTo(Verdict.MISMATCH);
        assertThat(signature.verify(Long.toString(ts + 1), good, BODY, NOW)).isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void refusesMissingOrMalformedHeaders() {
        long ts = NOW.getEpochSecond();
        String good = signature.sign(ts, BODY);
        assertThat(signature.verify(null, good, BODY, NOW)).isEqualTo(Verdict.MISSING);
        assertThat(signature.verify(Long.toString(ts), null, BODY, NOW)).isEqualTo(Verdict.MISSING);
        assertThat(signature.verify("yesterday", good, BODY, NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signature.verify(Long.toString(ts), good.substring("sha256=".length()), BODY, NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signature.verify(Long.toString(ts), "sha256=zz", BODY, NOW)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void signsInLowerCaseHexAndAcceptsUpperCaseHex() {
        long ts = NOW.getEpochSecond();
        String good = signature.sign(ts, BODY);
        String hex = good.substring("sha256=".length());

        assertThat(hex).isEqualTo(hex.toLowerCase(java.util.Locale.ROOT));
        assertThat(signature.verify(Long.toString(ts), "sha256=" + hex.toUpperCase(java.util.Locale.ROOT), BODY, NOW))
                .isEqualTo(Verdict.VALID);
    }

    @Test
    void duringARotationAcceptsEitherSecretAndAHeaderCarryingBothSignatures() {
        long ts = NOW.getEpochSecond();
        WebhookSignature receiver = new WebhookSignature("new-secret", "old-secret", Duration.ofMinutes(5));
        String underOld = new WebhookSignature("old-secret", Duration.ofMinutes(5)).sign(ts, BODY);
        String underNew = new WebhookSignature("new-secret", Duration.ofMinutes(5)).sign(ts, BODY);
        String providerDuringRotation = new WebhookSignature("new-secret", "old-secret", Duration.ofMinutes(5)).sign(ts, BODY);

        assertThat(providerDuringRotation).matches("sha256=[0-9a-f]{64},sha256=[0-9a-f]{64}");
        assertThat(receiver.verify(Long.toString(ts), underOld, BODY, NOW)).isEqualTo(Verdict.VALID);
        assertThat(receiver.verify(Long.toString(ts), underNew, BODY, NOW)).isEqualTo(Verdict.VALID);
        assertThat(receiver.verify(Long.toString(ts), providerDuringRotation, BODY, NOW)).isEqualTo(Verdict.VALID);
        // a receiver that already dropped the old secret still accepts the pair, through the new one
        assertThat(new WebhookSignature("new-secret", Duration.ofMinutes(5)).verify(Long.toString(ts), providerDuringRotation, BODY, NOW))
                .isEqualTo(Verdict.VALID);
        // and one that has not picked up the new secret yet refuses what only the new one signed
        assertThat(new WebhookSignature("old-secret", Duration.ofMinutes(5)).verify(Long.toString(ts), underNew, BODY, NOW))
                .isEqualTo(Verdict.MISMATCH);
    }

    @Test
    void skipsValuesOfOtherSchemesButNeedsOneSha256Value() {
        long ts = NOW.getEpochSecond();
        String good = signature.sign(ts, BODY);

        assertThat(signature.verify(Long.toString(ts), "sha512=abcd, " + good, BODY, NOW)).isEqualTo(Verdict.VALID);
        assertThat(signature.verify(Long.toString(ts), "sha512=abcd", BODY, NOW)).isEqualTo(Verdict.MALFORMED);
    }
}
