package io.servelink.payment.webhook;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature of docs/PAYMENT_BACKEND_SPEC.md: header {@code X-Servelink-Signature: sha256=<hex>} with
 * the HMAC-SHA256 of {@code <timestamp> + "." + <raw body>} under the shared secret, and
 * {@code X-Servelink-Timestamp} (unix seconds) within a tolerance of our clock, which bounds replays.
 *
 * <p>The hex is sent in lower case and read in either case. During a rotation of the secret the provider sends one
 * {@code sha256=} value per secret, separated by commas; the receiver holds the new secret and the one being retired,
 * and a delivery is valid when any value matches under either. Values of other schemes are skipped.
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "X-Servelink-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Servelink-Signature";
    private static final String PREFIX = "sha256=";

    /** Why a delivery was or was not accepted. */
    public enum Verdict implements WireCode {
        VALID("valid"), MISSING("missing"), MALFORMED("malformed"), STALE("stale"), MISMATCH("mismatch");

        private final String wire;

        Verdict(String wire) {
            this.wire = wire;
        }

        @JsonValue
        @Override
        public String wire() {
            return wire;
        }

        public static Optional<Verdict> fromWire(String wire) {
            return WireCode.fromWire(values(), wire);
        }
    }

    private final List<byte[]> secrets;
    private final Duration tolerance;

    public WebhookSignature(String secret, Duration tolerance) {
        this(secret, null, tolerance);
    }

    /** A receiver during a rotation: signatures under the new {@code secret} or the {@code previous} one are valid. */
    public WebhookSignature(String secret, String previous, Duration tolerance) {
        List<byte[]> keys = new ArrayList<>();
        keys.add(secret.getBytes(StandardCharsets.UTF_8));
        if (previous != null && !previous.isBlank()) {
            keys.add(previous.getBytes(StandardCharsets.UTF_8));
        }
        this.secrets = List.copyOf(keys);
        this.tolerance = tolerance;
    }

    /**
     * The signature header value for a body signed at {@code timestamp} (what the provider sends): one value per
     * secret this signer holds, the current one first.
     */
    public String sign(long timestamp, byte[] body) {
        StringBuilder header = new StringBuilder();
        for (byte[] secret : secrets) {
            header.append(header.isEmpty() ? "" : ",").append(PREFIX).append(HexFormat.of().formatHex(hmac(secret, timestamp, body)));
        }
        return header.toString();
    }

    public Verdict verify(String timestampHeader, String signatureHeader, byte[] body, Instant now) {
        if (timestampHeader == null || timestampHeader.isBlank() || signatureHeader == null || signatureHeader.isBlank()) {
            return Verdict.MISSING;
        }
        long timestamp;
        List<byte[]> presented = new ArrayList<>();
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
            for (String value : signatureHeader.split(",", 10)) {
                String candidate = value.strip();
                if (candidate.startsWith(PREFIX)) {
                    presented.add(HexFormat.of().parseHex(candidate.substring(PREFIX.length())));
                }
            }
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        if (presented.isEmpty()) {
            return Verdict.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return Verdict.STALE;
        }
        boolean valid = false;
        for (byte[] secret : secrets) {
            byte[] expected = hmac(secret, timestamp, body);
            for (byte[] candidate : presented) {
                valid |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return valid ? Verdict.VALID : Verdict.MISMATCH;
    }

    private static byte[] hmac(byte[] secret, long timestamp, byte[] body) {
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
