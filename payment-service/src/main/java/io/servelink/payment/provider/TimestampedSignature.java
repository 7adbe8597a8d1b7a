package io.servelink.payment.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook signature header of the form {@code t=<unix seconds>,<scheme>=<hex>[,<scheme>=<hex>...]} where each hex is
 * the HMAC-SHA256, under the endpoint's secret, of {@code t + "." + raw body}: Stripe's {@code Stripe-Signature}
 * (scheme {@code v1}) and FedaPay's {@code X-FEDAPAY-SIGNATURE} (scheme {@code s}). A delivery is valid when any value of
 * the scheme matches (a provider rolling its secret sends several) and {@code t} is within the tolerance of our clock.
 * Values of other schemes are skipped. Compared in constant time.
 */
final class TimestampedSignature {

    private final String scheme;
    private final byte[] secret;
    private final Duration tolerance;

    TimestampedSignature(String scheme, String secret, Duration tolerance) {
        this.scheme = scheme;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.tolerance = tolerance;
    }

    /** The header a provider sends for {@code body} signed at {@code timestamp} (tests and local tools). */
    String sign(long timestamp, byte[] body) {
        return "t=" + timestamp + "," + scheme + "=" + HexFormat.of().formatHex(hmac(timestamp, body));
    }

    SignatureCheck verify(String header, byte[] body, Instant now) {
        if (header == null || header.isBlank()) {
            return SignatureCheck.MISSING;
        }
        Long timestamp = null;
        List<byte[]> presented = new ArrayList<>();
        try {
            for (String item : header.split(",", 20)) {
                String[] pair = item.strip().split("=", 2);
                if (pair.length != 2) {
                    continue;
                }
                if (pair[0].equals("t")) {
                    timestamp = Long.parseLong(pair[1].strip());
                } else if (pair[0].equals(scheme)) {
                    presented.add(HexFormat.of().parseHex(pair[1].strip()));
                }
            }
        } catch (IllegalArgumentException e) {
            return SignatureCheck.MALFORMED;
        }
        if (timestamp == null || presented.isEmpty()) {
            return SignatureCheck.MALFORMED;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return SignatureCheck.STALE;
        }
        byte[] expected = hmac(timestamp, body);
        boolean valid = false;
        for (byte[] candidate : presented) {
            valid |= MessageDigest.isEqual(expected, candidate);
        }
        return valid ? SignatureCheck.VALID : SignatureCheck.MISMATCH;
    }

    private byte[] hmac(long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
