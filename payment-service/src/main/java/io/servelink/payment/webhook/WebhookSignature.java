package io.servelink.payment.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature of docs/PAYMENT_BACKEND_SPEC.md: header {@code X-Servelink-Signature: sha256=<hex>} with
 * the HMAC-SHA256 of {@code <timestamp> + "." + <raw body>} under the shared secret, and
 * {@code X-Servelink-Timestamp} (unix seconds) within a tolerance of our clock, which bounds replays.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-Servelink-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Servelink-Signature";
    private static final String PREFIX = "sha256=";

    /** Why a delivery was or was not accepted. */
    public enum Verdict {
        VALID, MISSING, MALFORMED, STALE, MISMATCH
    }

    private final byte[] secret;
    private final Duration tolerance;

    public WebhookSignature(String secret, Duration tolerance) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.tolerance = tolerance;
    }

    /** The signature header value for a body signed at {@code timestamp} (what the provider sends). */
    public String sign(long timestamp, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(timestamp, body));
    }

    public Verdict verify(String timestampHeader, String signatureHeader, byte[] body, Instant now) {
        if (timestampHeader == null || timestampHeader.isBlank() || signatureHeader == null || signatureHeader.isBlank()) {
            return Verdict.MISSING;
        }
        long timestamp;
        byte[] presented;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
            String value = signatureHeader.strip();
            if (!value.startsWith(PREFIX)) {
                return Verdict.MALFORMED;
            }
            presented = HexFormat.of().parseHex(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return Verdict.STALE;
        }
        return MessageDigest.isEqual(hmac(timestamp, body), presented) ? Verdict.VALID : Verdict.MISMATCH;
    }

    private byte[] hmac(long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
