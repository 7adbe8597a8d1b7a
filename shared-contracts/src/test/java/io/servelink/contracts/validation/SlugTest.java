package io.servelink.contracts.validation;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlugTest {

    private static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    private static final Validator VALIDATOR = FACTORY.getValidator();

    record Named(@Slug String slug) {
    }

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "7", "acme", "acme-web", "a-b-c", "0123456789", "a--b"})
    void acceptsLowerCaseDnsLabels(String slug) {
        assertThat(VALIDATOR.validate(new Named(slug))).isEmpty();
    }

    @Test
    void acceptsSixtyThreeCharactersButNotSixtyFour() {
        assertThat(VALIDATOR.validate(new Named("a".repeat(63)))).isEmpty();
        assertThat(VALIDATOR.validate(new Named("a".repeat(64)))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme-", "-acme", "Acme", "ac_me", "ac.me", "ac me", "", " ", "ä", "acme\n"})
    void refusesAnythingElseWithOneViolation(String slug) {
        Set<ConstraintViolation<Named>> violations = VALIDATOR.validate(new Named(slug));

        assertThat(violations).singleElement().satisfies(violation -> {
            assertThat(violation.getPropertyPath()).hasToString("slug");
            assertThat(violation.getMessage()).isEqualTo(
                    "must be 1-63 lower-case letters, digits or inner hyphens, starting and ending with a letter or digit");
        });
    }

    @Test
    void leavesAbsenceToNotNull() {
        assertThat(VALIDATOR.validate(new Named(null))).isEmpty();
    }
}
