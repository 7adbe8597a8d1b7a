package io.servelink.usage.projects;

import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.projects.ProjectChanged;
import io.servelink.starter.kafka.KafkaBatchConsumer;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps usage-service's project → team map in step with the compacted projects topic. A record is applied only
 * when it is newer (by partition offset) than what the row holds, so a replay after a crash or a rebalance never
 * moves a project back in time. A tombstone marks the project deleted; its usage history keeps its team.
 */
final class ProjectDirectory implements KafkaBatchConsumer.BatchHandler {

    private static final Logger log = LoggerFactory.getLogger(ProjectDirectory.class);

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final EventCodec codec;
    private final Clock clock;

    ProjectDirectory(DatabaseClient db, TransactionalOperator transactions, EventCodec codec, Clock clock) {
        this.clock = clock;
        this.db = db;
        this.transactions = transactions;
        this.codec = codec;
    }

    @Override
    public Mono<Void> handle(List<ConsumerRecord<String, byte[]>> records) {
        return Flux.fromIterable(records).concatMap(this::apply).then().as(transactions::transactional);
    }

    private Mono<Void> apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            log.warn("Skipping project record without key at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return Mono.empty();
        }
        if (record.value() == null) {
            return markDeleted(record);
        }
        try {
            EventEnvelope<ProjectChanged> envelope = codec.decode(record.value(), ProjectChanged.class);
            return upsert(envelope.payload(), record);
        } catch (EventCodec.MalformedEventException e) {
            log.warn("Skipping malformed project record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return Mono.empty();
        }
    }

    private Mono<Void> upsert(ProjectChanged project, ConsumerRecord<String, byte[]> record) {
        return db.sql("INSERT INTO projects (project_id, team_slug, hosts, status, source_partition, source_offset, updated_at, deleted_at, "
                        + "registered_at) VALUES (:id, :team, CAST(:hosts AS text[]), :status, :partition, :offset, :now, NULL, :now) "
                        + "ON CONFLICT (project_id) DO UPDATE SET team_slug = EXCLUDED.team_slug, hosts = EXCLUDED.hosts, "
                        + "status = EXCLUDED.status, source_partition = EXCLUDED.source_partition, source_offset = EXCLUDED.source_offset, "
                        + "updated_at = EXCLUDED.updated_at, deleted_at = NULL "
                        + "WHERE projects.source_partition <> EXCLUDED.source_partition OR projects.source_offset < EXCLUDED.source_offset")
                .bind("id", record.key())
                .bind("team", project.teamSlug())
                .bind("hosts", project.hosts().toArray(String[]::new))
                .bind("status", project.status().wire())
                .bind("partition", record.partition())
                .bind("offset", record.offset())
                .bind("now", clock.instant())
                .then();
    }

    private Mono<Void> markDeleted(ConsumerRecord<String, byte[]> record) {
        return db.sql("UPDATE projects SET deleted_at = :now, source_partition = :partition, source_offset = :offset, updated_at = :now "
                        + "WHERE project_id = :id AND (source_partition <> :partition OR source_offset < :offset)")
                .bind("id", record.key())
                .bind("partition", record.partition())
                .bind("offset", record.offset())
                .bind("now", clock.instant())
                .then();
    }
}
