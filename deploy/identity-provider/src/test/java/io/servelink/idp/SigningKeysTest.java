package io.servelink.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;

/** The signing key: generated for the local stack, or read from PEM files for anything else. */
class SigningKeysTest {

    @Test
    void generatesAFreshRs256KeyWhenNoneIsConfigured() {
        RSAKey first = SigningKeys.of(null);
        RSAKey second = SigningKeys.of(null);

        assertThat(first.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(first.isPrivate()).isTrue();
        assertThat(first.size()).isEqualTo(2048);
        assertThat(first.getKeyID()).isNotEqualTo(second.getKeyID());
        assertThat(first.getModulus()).isNotEqualTo(second.getModulus());
    }

    @Test
    void readsAConfiguredKeyPairFromPemFiles(@TempDir Path directory) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path privateKey = pem(directory.resolve("idp.key"), "PRIVATE KEY", pair.getPrivate().getEncoded());
        Path publicKey = pem(directory.resolve("idp.pub"), "PUBLIC KEY", pair.getPublic().getEncoded());

        RSAKey key = SigningKeys.of(new IdentityProviderSettings.SigningKey(new FileSystemResource(privateKey),
                new FileSystemResource(publicKey), "idp-2026-12"));

        assertThat(key.getKeyID()).isEqualTo("idp-2026-12");
        assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(key.toRSAPublicKey()).isEqualTo(pair.getPublic());
        assertThat(key.toRSAPrivateKey().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void refusesAMissingKeyFileNamingIt(@TempDir Path directory) {
        FileSystemResource missing = new FileSystemResource(directory.resolve("missing.key"));

        assertThatThrownBy(() -> SigningKeys.of(new IdentityProviderSettings.SigningKey(missing, missing, "k")))
                .hasMessageContaining("missing.key");
    }

    private static Path pem(Path file, String type, byte[] der) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
