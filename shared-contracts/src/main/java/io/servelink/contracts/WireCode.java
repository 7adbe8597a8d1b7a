package io.servelink.contracts;

import java.util.Optional;

/**
 * An enum that crosses a boundary (event and API JSON, a database column, a token claim, a query parameter) as one
 * stable string, its wire code. Every such enum reads the same:
 * <pre>{@code
 * public enum TicketStatus implements WireCode {
 *     OPEN("open"), IN_PROGRESS("in_progress");
 *
 *     private final String wire;
 *
 *     TicketStatus(String wire) { this.wire = wire; }
 *
 *     @JsonValue                     // Jackson writes and reads the code
 *     @Override
 *     public String wire() { return wire; }
 *
 *     public static Optional<TicketStatus> fromWire(String wire) { return WireCode.fromWire(values(), wire); }
 * }
 * }</pre>
 * Code never crosses a boundary with {@code name()} or {@code valueOf}: a constant may be renamed without changing what
 * is stored or sent.
 */
public interface WireCode {

    /** This constant's code on every wire it crosses. */
    String wire();

    /** The constant whose code is {@code wire} (exactly, case included), or empty. */
    static <E extends Enum<E> & WireCode> Optional<E> fromWire(E[] constants, String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        for (E constant : constants) {
            if (constant.wire().equals(wire)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
