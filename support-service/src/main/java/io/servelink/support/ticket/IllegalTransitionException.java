package io.servelink.support.ticket;

import io.servelink.contracts.problem.ProblemTypes;
import io.servelink.starter.ApiProblem;
import org.springframework.http.HttpStatus;

/** A move the ticket state machine refuses: answered as a 409 problem. */
public class IllegalTransitionException extends ApiProblem {

    IllegalTransitionException(TicketStatus from, TicketStatus to) {
        this("A ticket cannot move from " + from.wire() + " to " + to.wire());
        getBody().setProperty("from", from.wire());
        getBody().setProperty("to", to.wire());
    }

    IllegalTransitionException(String detail) {
        super(HttpStatus.CONFLICT, ProblemTypes.CONFLICT, "Illegal ticket transition", detail);
    }
}
