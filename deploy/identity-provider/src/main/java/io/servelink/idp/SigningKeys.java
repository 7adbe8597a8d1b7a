package io.servelink.idp;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.UUID;
import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;

/** The provider's RS256 key: loaded from PEM files when configured, otherwise generated for this run only. */
final class SigningKeys {

    private SigningKeys() {
    }

    static RSAKey of(IdentityProviderSettings.SigningKey configured) {
        return configured == null ? generated() : loaded(configured);
    }

    /** A fresh 2048-bit key: tokens signed before a restart are refused afterwards, which suits the local stack. */
    static RSAKey generated() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return rsaKey((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate(), "generated-" + UUID.randomUUID());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM cannot generate RSA keys", e);
        }
    }

    private static RSAKey loaded(IdentityProviderSettings.SigningKey configured) {
        RSAPrivateKey privateKey = read(configured.privateKey(), RsaKeyConverters.pkcs8()::convert);
        RSAPublicKey publicKey = read(configured.publicKey(), RsaKeyConverters.x509()::convert);
        return rsaKey(publicKey, privateKey, configured.keyId());
    }

    private static RSAKey rsaKey(RSAPublicKey publicKey, RSAPrivateKey privateKey, String keyId) {
        return new RSAKey.Builder(publicKey).privateKey(privateKey).keyID(keyId)
                .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build();
    }

    private static <K> K read(Resource pem, java.util.function.Function<InputStream, K> converter) {
        try (InputStream in = pem.getInputStream()) {
            return converter.apply(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the signing key " + pem.getDescription(), e);
        }
    }
}
