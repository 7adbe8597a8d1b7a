package io.servelink.usage.inactivity;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.activity.ProjectWakeRequested;
import io.servelink.contracts.events.activity.ProjectWoken.WokenBy;
import io.servelink.starter.audit.RequestOrigin;
import io.servelink.starter.kafka.EventRecords;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import io.servelink.starter.outbox.ProcessedEvents;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wakes sleeping projects that visitors reached ({@link ProjectWakeRequested} from any gateway replica, any number per
 * sleep). One transaction per batch records each request's event id ({@code processed_events}, so a redelivered request
 * changes nothing) and wakes each requested project once ({@link ProjectSleeps#wake}: the conditional update lets one
 * waker through per sleep, whatever the number of requests, consumers or owners racing). A request for an awake or
 * unknown project does nothing.
 */
final class WakeRequests implements KafkaBatchConsumer.BatchHandler {

    static final String CONSUMER = "usage-service.wake-requests";
    /** Who the audit trail names for a visitor's wake: the gateway that saw the visitor asked. */
    static final String ACTOR = "gateway";
    private static final Logger log = LoggerFactory.getLogger(WakeRequests.class);

    private final ProcessedEvents processed;
    private final ProjectSleeps sleeps;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Clock clock;

    WakeRequests(ProcessedEvents processed, ProjectSleeps sleeps, TransactionalOperator transactions, EventCodec codec, Clock clock) {
        this.processed = processed;
        this.sleeps = sleeps;
        this.transactions = transactions;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        List<EventEnvelope<ProjectWakeRequested>> requests = decode(codec, records);
        if (requests.isEmpty()) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        return Flux.fromIterable(requests)
                .concatMap(request -> processed.firstDelivery(CONSUMER, request.eventId())
                        .filter(first -> first)
                        .map(first -> request.payload()))
                .collectList()
                .flatMapMany(fresh -> Flux.fromIterable(firstRequestPerProject(fresh).values()))
                .concatMap(request -> sleeps.wake(request.projectId(), waker(request), now))
                .then()
                .as(transactions::transactional);
    }

    private static List<EventEnvelope<ProjectWakeRequested>> decode(EventCodec codec, List<ConsumerRecord<String, byte[]>> records) {
        return EventRecords.decode(codec, records, ProjectWakeRequested.class).stream()
                .filter(request -> {
                    boolean named = !request.payload().projectId().isBlank();
                    if (!named) {
                        log.warn("Skipping wake request {} without project", request.eventId());
                    }
                    return named;
                })
                .toList();
    }

    /** The batch's first new request of each project, in project order (one wake attempt per project and batch). */
    private static Map<String, ProjectWakeRequested> firstRequestPerProject(List<ProjectWakeRequested> fresh) {
        Map<String, ProjectWakeRequested> first = new TreeMap<>();
        fresh.forEach(request -> first.putIfAbsent(request.projectId(), request));
        return first;
    }

    private static ProjectSleeps.Waker waker(ProjectWakeRequested request) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (request.gateway() != null) {
            details.put("gateway", request.gateway());
        }
        if (request.requestedAt() != null) {
            details.put("requested_at", request.requestedAt().toString());
        }
        return new ProjectSleeps.Waker(WokenBy.VISITOR, ACTOR, RequestOrigin.NONE, details);
    }
}
