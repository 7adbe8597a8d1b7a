package io.servelink.resources.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1LimitRange;
import io.kubernetes.client.openapi.models.V1ResourceQuota;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks objects as the API server stored them (raw JSON) against the Kubernetes API: the schema of the kind, by the
 * official Kubernetes Java client's models (io.kubernetes:client-java-api, generated from the Kubernetes OpenAPI
 * document: unknown fields, missing required ones and wrong types are refused), every quantity by the Kubernetes
 * quantity grammar, and the rules the API server's validation adds for a LimitRange (per resource
 * {@code min <= defaultRequest <= default <= max}; a PersistentVolumeClaim item has no defaults) and a ResourceQuota
 * (no negative amount).
 */
final class KubernetesSchemas {

    private KubernetesSchemas() {
    }

    static List<String> resourceQuotaProblems(String json) {
        JsonElement element = JsonParser.parseString(json);
        List<String> problems = new ArrayList<>(schemaProblems(() -> V1ResourceQuota.validateJsonElement(element)));
        JsonObject hard = element.getAsJsonObject().getAsJsonObject("spec").getAsJsonObject("hard");
        for (Map.Entry<String, JsonElement> entry : hard.entrySet()) {
            BigDecimal amount = quantity(entry.getValue().getAsString(), entry.getKey(), problems);
            if (amount != null && amount.signum() < 0) {
                problems.add("spec.hard." + entry.getKey() + " is negative");
            }
        }
        return problems;
    }

    static List<String> limitRangeProblems(String json) {
        JsonElement element = JsonParser.parseString(json);
        List<String> problems = new ArrayList<>(schemaProblems(() -> V1LimitRange.validateJsonElement(element)));
        for (JsonElement itemElement : element.getAsJsonObject().getAsJsonObject("spec").getAsJsonArray("limits")) {
            JsonObject item = itemElement.getAsJsonObject();
            String type = item.get("type").getAsString();
            if (type.equals("PersistentVolumeClaim") && (item.has("default") || item.has("defaultRequest"))) {
                problems.add("a PersistentVolumeClaim limit has no default or defaultRequest");
            }
            for (String resource : List.of("memory", "cpu", "storage")) {
                BigDecimal min = amount(item, "min", resource, problems);
                BigDecimal defaultRequest = amount(item, "defaultRequest", resource, problems);
                BigDecimal limit = amount(item, "default", resource, problems);
                BigDecimal max = amount(item, "max", resource, problems);
                ordered(type, resource, "min", min, "defaultRequest", defaultRequest, problems);
                ordered(type, resource, "defaultRequest", defaultRequest, "default", limit, problems);
                ordered(type, resource, "default", limit, "max", max, problems);
                ordered(type, resource, "min", min, "max", max, problems);
                ordered(type, resource, "defaultRequest", defaultRequest, "max", max, problems);
            }
        }
        return problems;
    }

    private interface Check {
        void run() throws Exception;
    }

    private static List<String> schemaProblems(Check check) {
        try {
            check.run();
            return List.of();
        } catch (Exception e) {
            return List.of(e.getMessage());
        }
    }

    private static BigDecimal amount(JsonObject item, String field, String resource, List<String> problems) {
        if (!item.has(field) || !item.getAsJsonObject(field).has(resource)) {
            return null;
        }
        return quantity(item.getAsJsonObject(field).get(resource).getAsString(), field + "." + resource, problems);
    }

    private static BigDecimal quantity(String value, String where, List<String> problems) {
        try {
            return Quantity.fromString(value).getNumber();
        } catch (RuntimeException e) {
            problems.add(where + ": '" + value + "' is not a Kubernetes quantity");
            return null;
        }
    }

    private static void ordered(String type, String resource, String lowName, BigDecimal low, String highName, BigDecimal high,
                                List<String> problems) {
        if (low != null && high != null && low.compareTo(high) > 0) {
            problems.add(type + " " + resource + ": " + lowName + " " + low + " is above " + highName + " " + high);
        }
    }
}
