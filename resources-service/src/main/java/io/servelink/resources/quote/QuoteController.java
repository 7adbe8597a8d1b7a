package io.servelink.resources.quote;

import io.servelink.starter.openapi.ConflictResponse;
import io.servelink.contracts.events.payments.PaymentPurpose;
import io.servelink.starter.ApiProblem;
import io.servelink.starter.TeamGuard;
import io.servelink.contracts.validation.Slug;
import io.servelink.resources.ResourcesSettings;
import io.servelink.resources.addon.Addon;
import io.servelink.resources.addon.AddonStatus;
import io.servelink.resources.addon.Addons;
import io.servelink.resources.catalog.Catalog;
import io.servelink.resources.catalog.Plan;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.Locale;
import java.util.UUID;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The price of a payment, asked by payment-service (which never takes amounts from clients). It relays the payer's
 * token, so any member of the team may ask; the renewal job's service token (scope {@code resources:quote}) may ask
 * for renewals only.
 * <ul>
 *   <li>{@code plan_upgrade} or {@code renewal} of {@code plan:pro}: the Pro plan's price</li>
 *   <li>{@code addon} of {@code addon:<id>}: quantity × unit price of the team's pending add-on</li>
 *   <li>{@code renewal} of {@code addon:<id>}: the same for the team's active add-on</li>
 * </ul>
 * An unknown reference, or another team's add-on, is a 404.
 */
@RestController
class QuoteController {

    static final String SERVICE_SCOPE = "SCOPE_resources:quote";

    private final TeamGuard guard;
    private final Catalog catalog;
    private final Addons addons;
    private final ResourcesSettings settings;

    QuoteController(TeamGuard guard, Catalog catalog, Addons addons, ResourcesSettings settings) {
        this.guard = guard;
        this.catalog = catalog;
        this.addons = addons;
        this.settings = settings;
    }

    @ConflictResponse("The add-on named by the reference is not awaiting a payment")
    @GetMapping("/api/resources/{team_slug}/quote")
    Mono<Quote> quote(@PathVariable("team_slug") @Slug String teamSlug, @RequestParam("purpose") @Parameter(schema = @Schema(type = "string", allowableValues = {"plan_upgrade", "addon", "renewal"})) String purpose,
                      @RequestParam("reference") @Size(max = 200) String reference, Principal principal) {
        PaymentPurpose parsed = PaymentPurpose.fromWire(purpose.toUpperCase(Locale.ROOT))
                .orElseThrow(() -> ApiProblem.invalid("purpose", "must be plan_upgrade, addon or renewal"));
        return authorize(teamSlug, parsed, principal).then(Mono.defer(() -> price(teamSlug, parsed, reference)));
    }

    private Mono<Void> authorize(String teamSlug, PaymentPurpose purpose, Principal principal) {
        boolean service = principal instanceof JwtAuthenticationToken token && token.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).anyMatch(SERVICE_SCOPE::equals);
        if (service && purpose == PaymentPurpose.RENEWAL) {
            return Mono.empty();
        }
        return guard.member(teamSlug).then();
    }

    private Mono<Quote> price(String teamSlug, PaymentPurpose purpose, String reference) {
        if ("plan:pro".equals(reference)) {
            if (purpose == PaymentPurpose.ADDON) {
                return Mono.error(ApiProblem.invalid("reference", "an addon payment needs an addon:<id> reference"));
            }
            return catalog.plan(Plan.PRO).map(plan -> new Quote(plan.priceMinor(), plan.currency(),
                    plan.name() + " plan, " + settings.period().toDays() + " days"));
        }
        UUID addonId = addonId(reference);
        if (purpose == PaymentPurpose.PLAN_UPGRADE) {
            return Mono.error(ApiProblem.invalid("reference", "a plan_upgrade payment needs the reference plan:pro"));
        }
        AddonStatus payable = purpose == PaymentPurpose.ADDON ? AddonStatus.PENDING : AddonStatus.ACTIVE;
        return addons.find(teamSlug, addonId)
                .switchIfEmpty(Mono.error(() -> unknown(reference)))
                .filter(addon -> addon.status() == payable)
                .switchIfEmpty(Mono.error(() -> ApiProblem.conflict("Add-on " + addonId + " is not awaiting a "
                        + purpose.wire().toLowerCase(Locale.ROOT) + " payment")))
                .map(this::addonQuote);
    }

    private Quote addonQuote(Addon addon) {
        return new Quote(addon.priceMinor(), addon.currency(), "Add-on " + addon.resourceType() + " × " + addon.quantity()
                + ", " + settings.period().toDays() + " days");
    }

    private static UUID addonId(String reference) {
        if (reference.startsWith("addon:")) {
            try {
                return UUID.fromString(reference.substring("addon:".length()));
            } catch (IllegalArgumentException e) {
                throw unknown(reference);
            }
        }
        throw unknown(reference);
    }

    private static ApiProblem unknown(String reference) {
        return ApiProblem.notFound("Nothing to pay is known as '" + reference + "'");
    }
}
