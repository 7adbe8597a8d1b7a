package io.servelink.usage.limits;

import io.servelink.starter.audit.AuditEntry;
import io.servelink.starter.audit.AuditLog;
import io.servelink.starter.audit.RequestOrigin;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Alert thresholds in percent: 80, 95 and 100 for every team, plus each team's own. Changes are audited. */
@Component
class AlertThresholds {

    static final SortedSet<Integer> FIXED = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(80, 95, 100)));
    static final String CHANGED = "alert_thresholds.changed";

    private final DatabaseClient db;
    private final AuditLog audit;
    private final TransactionalOperator transactions;
    private final Clock clock;

    AlertThresholds(DatabaseClient db, AuditLog audit, TransactionalOperator transactions, Clock clock) {
        this.db = db;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** The team's own thresholds (without the fixed ones). */
    Mono<SortedSet<Integer>> custom(String teamSlug) {
        return db.sql("SELECT thresholds FROM team_alert_thresholds WHERE team_slug = :team")
                .bind("team", teamSlug)
                .map(row -> toSet(row.get("thresholds", Integer[].class)))
                .one()
                .defaultIfEmpty(new TreeSet<>());
    }

    /** Every team's thresholds in force: the fixed ones plus its own. */
    Mono<Map<String, SortedSet<Integer>>> effective(Collection<String> teamSlugs) {
        return db.sql("SELECT team_slug, thresholds FROM team_alert_thresholds WHERE team_slug = ANY(CAST(:teams AS text[]))")
                .bind("teams", teamSlugs.toArray(String[]::new))
                .map(row -> Map.entry(row.get("team_slug", String.class), toSet(row.get("thresholds", Integer[].class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .map(custom -> {
                    Map<String, SortedSet<Integer>> all = new HashMap<>();
                    for (String team : teamSlugs) {
                        all.put(team, withFixed(custom.getOrDefault(team, new TreeSet<>())));
                    }
                    return all;
                });
    }

    /**
     * Replaces the team's own thresholds (fixed ones given are not stored: they always apply) and audits the change
     * (before and after) in the same transaction; the team's row is locked so that concurrent changes audit in order.
     */
    Mono<SortedSet<Integer>> replace(String teamSlug, SortedSet<Integer> thresholds, String updatedBy, RequestOrigin origin) {
        SortedSet<Integer> own = new TreeSet<>(thresholds);
        own.removeAll(FIXED);
        return lockedCustom(teamSlug)
                .flatMap(before -> store(teamSlug, own, updatedBy)
                        .then(audit.record(new AuditEntry(updatedBy, CHANGED, teamSlug, null, origin, changeDetails(before, own)))))
                .thenReturn(own)
                .as(transactions::transactional);
    }

    private Mono<SortedSet<Integer>> lockedCustom(String teamSlug) {
        return db.sql("SELECT thresholds FROM team_alert_thresholds WHERE team_slug = :team FOR UPDATE")
                .bind("team", teamSlug)
                .map(row -> toSet(row.get("thresholds", Integer[].class)))
                .one()
                .defaultIfEmpty(new TreeSet<>());
    }

    private static Map<String, Object> changeDetails(SortedSet<Integer> before, SortedSet<Integer> after) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("custom_before", new ArrayList<>(before));
        details.put("custom", new ArrayList<>(after));
        return details;
    }

    private Mono<Void> store(String teamSlug, SortedSet<Integer> own, String updatedBy) {
        return db.sql("INSERT INTO team_alert_thresholds (team_slug, thresholds, updated_at, updated_by) "
                        + "VALUES (:team, CAST(:thresholds AS int[]), :now, :by) "
                        + "ON CONFLICT (team_slug) DO UPDATE SET thresholds = EXCLUDED.thresholds, "
                        + "updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")
                .bind("team", teamSlug)
                .bind("thresholds", own.toArray(Integer[]::new))
                .bind("now", clock.instant())
                .bind("by", updatedBy)
                .fetch().rowsUpdated()
                .then();
    }

    static SortedSet<Integer> withFixed(SortedSet<Integer> own) {
        SortedSet<Integer> all = new TreeSet<>(FIXED);
        all.addAll(own);
        return all;
    }

    private static SortedSet<Integer> toSet(Integer[] values) {
        SortedSet<Integer> set = new TreeSet<>();
        if (values != null) {
            Collections.addAll(set, values);
        }
        return set;
    }
}
