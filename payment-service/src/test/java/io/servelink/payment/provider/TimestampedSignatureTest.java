package io.servelink.payment.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The {@code t=…,<scheme>=…} signatures of Stripe (https://docs.stripe.com/webhooks#verify-manually: HMAC-SHA256 of
 * {@code t + "." + payload}, hex, scheme {@code v1}, other schemes ignored, several values while a secret rolls) and
 * FedaPay (https://github.com/fedapay/fedapay-php/blob/master/lib/WebhookSignature.php: the same with scheme {@code s}).
 */
class TimestampedSignatureTest {

    private static final byte[] BODY = "{\"id\": \"evt_1\", \"object\": \"event\"}".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    private static final TimestampedSignature STRIPE = new TimestampedSignature("v1", "whsec_test", Duration.ofMinutes(5));

    /** The HMAC computed independently of the class under test. */
    private static String hmac(String secret, long t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void acceptsTheHmacOfTheTimestampAndRawBody() throws Exception {
        long t = NOW.getEpochSecond();
        assertThat(STRIPE.verify("t=" + t + ",v1=" + hmac("whsec_test", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void acceptsWhenAnyValueOfTheSchemeMatchesAndSkipsOtherSchemes() throws Exception {
        long t = NOW.getEpochSecond();
        String header = "t=" + t + ",v0=" + hmac("whsec_test", t, BODY) + ",v1=" + hmac("whsec_old", t, BODY)
                + ",v1=" + hmac("whsec_test", t, BODY);
        assertThat(STRIPE.verify(header, BODY, NOW)).isEqualTo(SignatureCheck.VALID);
        assertThat(STRIPE.verify("t=" + t + ",v0=" + hmac("whsec_test", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.MALFORMED);
    }

    @Test
    void refusesAnotherSecretAnotherBodyOrAnotherTimestamp() throws Exception {
        long t = NOW.getEpochSecond();
        assertThat(STRIPE.verify("t=" + t + ",v1=" + hmac("whsec_other", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.MISMATCH);
        assertThat(STRIPE.verify("t=" + t + ",v1=" + hmac("whsec_test", t, BODY), "{}".getBytes(StandardCharsets.UTF_8), NOW))
                .isEqualTo(SignatureCheck.MISMATCH);
        assertThat(STRIPE.verify("t=" + (t - 1) + ",v1=" + hmac("whsec_test", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.MISMATCH);
    }

    @Test
    void refusesATimestampOutsideTheToleranceEitherWay() throws Exception {
        long old = NOW.minusSeconds(301).getEpochSecond();
        long ahead = NOW.plusSeconds(301).getEpochSecond();
        long edge = NOW.minusSeconds(300).getEpochSecond();
        assertThat(STRIPE.verify("t=" + old + ",v1=" + hmac("whsec_test", old, BODY), BODY, NOW)).isEqualTo(SignatureCheck.STALE);
        assertThat(STRIPE.verify("t=" + ahead + ",v1=" + hmac("whsec_test", ahead, BODY), BODY, NOW)).isEqualTo(SignatureCheck.STALE);
        assertThat(STRIPE.verify("t=" + edge + ",v1=" + hmac("whsec_test", edge, BODY), BODY, NOW)).isEqualTo(SignatureCheck.VALID);
    }

    @Test
    void tellsAMissingHeaderFromAMalformedOne() {
        assertThat(STRIPE.verify(null, BODY, NOW)).isEqualTo(SignatureCheck.MISSING);
        assertThat(STRIPE.verify(" ", BODY, NOW)).isEqualTo(SignatureCheck.MISSING);
        assertThat(STRIPE.verify("v1=abcd", BODY, NOW)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(STRIPE.verify("t=soon,v1=abcd", BODY, NOW)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(STRIPE.verify("t=1700000000,v1=not-hex", BODY, NOW)).isEqualTo(SignatureCheck.MALFORMED);
    }

    @Test
    void fedapaySignsWithSchemeS() throws Exception {
        TimestampedSignature fedapay = new TimestampedSignature("s", "wh_sandbox", Duration.ofMinutes(5));
        long t = NOW.getEpochSecond();
        assertThat(fedapay.verify("t=" + t + ",s=" + hmac("wh_sandbox", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.VALID);
        assertThat(fedapay.verify("t=" + t + ",v1=" + hmac("wh_sandbox", t, BODY), BODY, NOW)).isEqualTo(SignatureCheck.MALFORMED);
        assertThat(fedapay.sign(t, BODY)).isEqualTo("t=" + t + ",s=" + hmac("wh_sandbox", t, BODY));
    }
}
