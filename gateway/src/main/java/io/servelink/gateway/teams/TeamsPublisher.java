package io.servelink.gateway.teams;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.teams.TeamChanged;
import io.servelink.gateway.topics.CompactedTopicWriter;
import io.servelink.starter.KafkaClients;
import java.time.Clock;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes team changes to the compacted teams topic (key: team slug) and completes once the broker has acknowledged
 * them; a removal is a tombstone.
 */
@Component
class TeamsPublisher implements DisposableBean {

    private final CompactedTopicWriter writer;
    private final EventCodec codec;
    private final Clock clock;

    TeamsPublisher(KafkaClients kafka, TopicNames topics, EventCodec codec, TeamsSettings settings, Clock clock) {
        this.writer = new CompactedTopicWriter(kafka, "teams-admin", topics.teams(), "teams", settings.sendTimeout(),
                settings.retryAfter());
        this.codec = codec;
        this.clock = clock;
    }

    Mono<TeamChanged> publish(TeamChanged team) {
        return Mono.fromSupplier(() -> codec.encode(EventEnvelope.of(team, clock.instant())))
                .flatMap(value -> writer.put(team.teamSlug(), value))
                .thenReturn(team);
    }

    Mono<Void> remove(String teamSlug) {
        return writer.remove(teamSlug);
    }

    @Override
    public void destroy() {
        writer.close();
    }
}
