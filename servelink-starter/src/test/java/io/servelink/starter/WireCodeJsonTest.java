package io.servelink.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonValue;
import io.servelink.contracts.WireCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The wire-code convention of enums, with the JSON mapper every service configures. */
class WireCodeJsonTest {

    enum Phase implements WireCode {
        IN_PROGRESS("in_progress"), DONE("done");

        private final String wire;

        Phase(String wire) {
            this.wire = wire;
        }

        @JsonValue
        @Override
        public String wire() {
            return wire;
        }

        static Optional<Phase> fromWire(String wire) {
            return WireCode.fromWire(values(), wire);
        }
    }

    record Task(Phase phase) {
    }

    private static final JsonMapper JSON = servicesMapper();

    /** Configured as Spring Boot configures every service's mapper, with the shared customizer. */
    private static JsonMapper servicesMapper() {
        JsonMapper.Builder builder = JsonMapper.builder();
        new ServelinkAutoConfiguration.Json().enumsByWireCodeOnly().customize(builder);
        return builder.build();
    }

    @Test
    void findsAConstantByItsExactCode() {
        assertThat(Phase.fromWire("in_progress")).contains(Phase.IN_PROGRESS);
        assertThat(Phase.fromWire("IN_PROGRESS")).isEmpty();
        assertThat(Phase.fromWire("In_Progress")).isEmpty();
        assertThat(Phase.fromWire("")).isEmpty();
        assertThat(Phase.fromWire(null)).isEmpty();
    }

    @Test
    void jsonCarriesTheCodeBothWays() {
        assertThat(JSON.writeValueAsString(new Task(Phase.IN_PROGRESS))).isEqualTo("{\"phase\":\"in_progress\"}");
        assertThat(JSON.readValue("{\"phase\":\"done\"}", Task.class)).isEqualTo(new Task(Phase.DONE));
    }

    @Test
    void jsonRefusesTheConstantsNameAnIndexAndAnythingElse() {
        for (String phase : new String[] {"\"IN_PROGRESS\"", "\"DONE\"", "1", "\"\"", "\"later\"", "true"}) {
            assertThatThrownBy(() -> JSON.readValue("{\"phase\":" + phase + "}", Task.class)).as(phase)
                    .isInstanceOf(JacksonException.class);
        }
    }
}
