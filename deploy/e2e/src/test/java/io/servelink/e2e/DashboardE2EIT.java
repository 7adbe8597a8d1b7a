package io.servelink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.servelink.contracts.events.EventCodec;
import io.servelink.contracts.events.EventEnvelope;
import io.servelink.contracts.events.TopicNames;
import io.servelink.contracts.events.traffic.TrafficRecorded;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The customer dashboard in headless Chromium (Debian's chromium and chromedriver, never a downloaded browser)
 * against the local stack: the demo owner signs in with the local token, sees usage move after traffic, upgrades
 * to Pro through the simulated provider, buys an add-on and sees the limits grow, opens a ticket and sees the
 * agent's reply arrive live, pays by card through the simulated provider's checkout page and lands on the payment's
 * outcome page. Saves screenshots of the main pages to docs/screenshots/ (and of further states of the outcome page to
 * target/screenshots/, for looking at).
 *
 * <p>The stack is started by the test (the README's launcher) unless {@code -De2e.base-url} points at a running one.
 * The steps build on each other (one team, one browser session), so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardE2EIT {

    private static final Duration UI_WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Path root;
    static String baseUrl;
    static LocalStackProcess stack;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path profile;

    @BeforeAll
    static void startStackAndBrowser() throws Exception {
        root = Path.of(System.getProperty("e2e.root", "../..")).toAbsolutePath().normalize();
        baseUrl = System.getProperty("e2e.base-url", "");
        if (baseUrl.isBlank()) {
            baseUrl = "http://localhost:8080";
            stack = LocalStackProcess.start(root, Duration.ofMinutes(6));
        }
        profile = Files.createTempDirectory("e2e-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("e2e.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--lang=en-US", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(System.getProperty("e2e.chromedriver", "/usr/bin/chromedriver")).toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        // The usage page re-renders every 5 s, so an element found a moment ago may be replaced: look again.
        wait = new WebDriverWait(browser, UI_WAIT, Duration.ofMillis(250));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void demoOwnerSignsInWithTheLocalToken() {
        browser.get(baseUrl + "/");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        WebElement demo = wait.until(ExpectedConditions.elementToBeClickable(By.id("demo-sign-in")));
        demo.click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Usage this month"));
        assertThat(browser.findElement(By.id("who")).getText()).contains("dev-demo-owner");
        assertThat(text("team-traffic")).contains("Traffic");
        assertThat(text("limits")).contains("Plan: Free");

        // The meters' levels: warning from 80 %, danger from 95 %, with the alert in words (the demo is far below).
        Object levels = browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/app/views/common.js').then((m) => {
                  const at = (used) => { const e = m.meter('Traffic', used, 1000, 'x'); return e.dataset.level + '|' + e.textContent; };
                  done([at(799), at(800), at(949), at(950), at(1200)].join('\\n'));
                });
                """);
        assertThat(levels.toString().lines()).satisfiesExactly(
                line -> assertThat(line).startsWith("ok|").contains("79.9 % of the limit used"),
                line -> assertThat(line).startsWith("warning|").contains("Warning: Traffic has reached 80.0 % of the limit"),
                line -> assertThat(line).startsWith("warning|").contains("94.9 %"),
                line -> assertThat(line).startsWith("danger|").contains("Danger: Traffic has reached 95.0 % of the limit"),
                line -> assertThat(line).startsWith("danger|").contains("Over the limit: Traffic is at 120.0 %"));
    }

    @Test
    @Order(2)
    void usageMovesAfterTrafficIsSentToTheDemoProject() throws Exception {
        long before = Long.parseLong(attribute("team-traffic", "data-used"));
        int sent = 0;
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/bytes?n=1000000"))
                    .header("Host", "hello.apps.localhost").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            sent += response.body().length;
        }
        long expected = before + sent;

        // The gateway reports every 5 s; usage-service adds it up; the page refreshes every 5 s.
        wait.until(driver -> Long.parseLong(attribute("team-traffic", "data-used")) >= expected);
        assertThat(text("project-hello-traffic")).contains("MB");
        screenshot("usage");

        browser.manage().window().setSize(new Dimension(390, 844));
        wait.until(driver -> visible("team-traffic").isDisplayed());
        screenshot("usage-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    @Order(3)
    void upgradesToProThroughTheSimulatedMobileMoneyProvider() {
        navigate("billing", "Plan & payments");
        assertThat(attribute("current-plan", "data-plan")).isEqualTo("free");

        visible("upgrade").click();
        visible("method-mobile_money").click();
        visible("phone").sendKeys("+237670000001");
        visible("pay-upgrade").click();

        // The provider's next action is shown while the payment is pending.
        wait.until(driver -> !text("next-action").isBlank());
        assertThat(text("next-action")).startsWith("Next step:");
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("now-pro")));
        assertThat(attribute("current-plan", "data-plan")).isEqualTo("pro");
        assertThat(text("payment-status")).contains("completed");
        wait.until(driver -> text("history").contains("Pro plan"));
        screenshot("billing");
    }

    @Test
    @Order(4)
    void buysAnAddonAndSeesTheLimitsGrow() {
        navigate("addons", "Add-ons");
        long before = Long.parseLong(attribute("limit-totals", "data-traffic-bytes"));
        assertThat(before).isEqualTo(100_000_000_000L);

        new Select(visible("addon-type")).selectByValue("traffic");
        WebElement quantity = visible("addon-quantity");
        quantity.clear();
        quantity.sendKeys("2");
        visible("buy-addon").findElement(By.cssSelector("[data-testid='method-mobile_money']")).click();
        visible("buy-addon").findElement(By.cssSelector("[data-testid='phone']")).sendKeys("+237670000002");
        visible("buy").click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("addon-active")));
        long after = Long.parseLong(attribute("limit-totals", "data-traffic-bytes"));
        assertThat(after).isEqualTo(before + 20_000_000_000L);
        assertThat(text("limits")).contains("Add-on Traffic +10 GB / month × 2");
        wait.until(driver -> visible("addon-list").findElements(By.cssSelector("[data-testid='addon-row'][data-status='active']")).size() == 1);
        screenshot("addons");
    }

    @Test
    @Order(5)
    void opensATicketAndSeesTheAgentsReplyArriveLive() throws Exception {
        navigate("support", "Support");
        visible("new-ticket").click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "New ticket"));
        visible("ticket-subject").sendKeys("My payment failed");
        wait.until(driver -> !browser.findElements(testId("suggestion")).isEmpty());
        visible("ticket-description").sendKeys("The card payment for an add-on failed. What can I do?");
        new Select(visible("ticket-category")).selectByValue("billing");
        visible("create-ticket").click();

        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "My payment failed"));
        wait.until(ExpectedConditions.attributeToBe(testId("live-state"), "data-state", "open"));
        String ticketId = browser.getCurrentUrl().replaceAll(".*#/support/", "");
        String reply = "Hello from support " + UUID.randomUUID();

        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/api/support/demo/tickets/" + ticketId + "/messages"))
                .header("Authorization", "Bearer " + devToken("roles=support_agent&sub=agent-alice"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\": \"" + reply + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(201);

        // No reload: the message comes through the ticket's event stream, and the status follows (agent reply → waiting).
        wait.until(driver -> text("messages").contains(reply));
        assertThat(browser.findElements(By.cssSelector("[data-testid='message'][data-author-kind='agent']"))).hasSize(1);
        wait.until(driver -> text("ticket-status").contains("waiting"));
        screenshot("ticket");
    }

    @Test
    @Order(6)
    void analyticsDrawsChartsAndSwitchesToFrench() {
        navigate("analytics", "Analytics");
        wait.until(driver -> ((Number) browser.executeScript(
                "return document.querySelectorAll('canvas').length && window.Chart ? Object.keys(window.Chart.instances).length : 0")).intValue() == 3);
        assertThat(text("forecast")).contains("expected by month end");
        screenshot("analytics");

        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Analyses"));
        navigate("usage", "Consommation du mois");
        screenshot("usage-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
    }

    @Test
    @Order(7)
    void paysByCardAndLandsOnThePaymentsOutcomePage() {
        navigate("billing", "Plan & payments");
        visible("upgrade").click();
        visible("method-credit_card").click();
        visible("pay-upgrade").click();

        // The provider's checkout page opens in this tab; its Pay button completes the payment and sends the browser
        // (303) to the payment's return_url, /billing/payments/{payment_id} on the gateway.
        visible("checkout-link").click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Simulated card checkout"));
        browser.findElement(By.cssSelector("form button[type='submit']")).click();
        wait.until(ExpectedConditions.urlMatches("^" + baseUrl + "/billing/payments/[0-9a-f-]{36}$"));

        // Still signed in (the token is kept per tab); the status may need a moment (the provider's webhook).
        wait.until(ExpectedConditions.attributeToBe(testId("payment-outcome"), "data-status", "completed"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Payment received");
        assertThat(text("outcome-message")).contains("Payment received for Pro plan, 30 days.")
                .contains("Your team moves to the Pro plan");
        assertThat(text("outcome-description")).isEqualTo("Pro plan, 30 days");
        assertThat(text("outcome-amount")).isEqualTo("€9.00");
        assertThat(text("outcome-method")).isEqualTo("Card");
        assertThat(text("outcome-status")).isEqualTo("completed");
        assertThat(text("outcome-reference")).isEqualTo(browser.getCurrentUrl().replaceAll(".*/", ""));
        assertNoMissingValues();
        screenshot("payment-outcome");

        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Paiement reçu"));
        assertThat(text("outcome-message")).contains("Paiement reçu pour Pro plan, 30 days.");
        assertThat(text("outcome-amount")).matches("9,00[\\s\\u00a0\\u202f]€");
        assertThat(text("outcome-method")).isEqualTo("Carte");
        assertThat(text("outcome-status")).isEqualTo("effectué");
        assertThat(text("back-to-billing")).isEqualTo("Retour à Offre et paiements");
        assertNoMissingValues();
        screenshot("payment-outcome-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Payment received"));

        browser.manage().window().setSize(new Dimension(390, 844));
        wait.until(driver -> visible("outcome-amount").isDisplayed());
        assertThat((Boolean) browser.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at phone width").isTrue();
        assertNoMissingValues();
        screenshot("payment-outcome-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        visible("back-to-billing").click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Plan & payments"));
        wait.until(driver -> visible("history").findElements(By.cssSelector("[data-testid='payment-row'][data-status='completed']"))
                .stream().anyMatch(row -> row.getText().contains("Card")));
        assertNoMissingValues();
    }

    @Test
    @Order(8)
    void theOutcomePageFollowsAnOpenPaymentUntilItEnds() throws Exception {
        String started = startUpgrade("{\"payment_method\": \"credit_card\"}");
        String paymentId = JsonPath.read(started, "$.payment_id");
        String checkout = JsonPath.read(started, "$.next_action.url");

        browser.get(baseUrl + "/billing/payments/" + paymentId);
        wait.until(ExpectedConditions.attributeToBe(testId("payment-outcome"), "data-status", "pending"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Waiting for confirmation");
        assertThat(text("outcome-message")).contains("Waiting for the payment provider to confirm your payment");
        assertThat(text("outcome-checked")).startsWith("Last checked at");
        assertNoMissingValues();
        extraScreenshot("payment-outcome-waiting");

        // The payer pays on the provider's page (its Pay button posts this); the open page sees it without a reload.
        browser.executeScript("window.e2eSamePage = true;");
        HttpResponse<String> paid = HTTP.send(HttpRequest.newBuilder(URI.create(checkout + "/confirm"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(303);
        assertThat(paid.headers().firstValue("Location")).hasValue(baseUrl + "/billing/payments/" + paymentId);
        wait.until(ExpectedConditions.attributeToBe(testId("payment-outcome"), "data-status", "completed"));
        assertThat(browser.executeScript("return window.e2eSamePage === true")).isEqualTo(true);
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Payment received");
        assertNoMissingValues();
    }

    @Test
    @Order(9)
    void aPayerWhoIsNotSignedInSignsInFirstAndSeesWhyThePaymentFailed() throws Exception {
        // Mobile Money to a number ending in 0000: the simulated provider declines it after a few seconds.
        String paymentId = JsonPath.read(startUpgrade("{\"payment_method\": \"mobile_money\", \"phone\": \"+237670000000\"}"),
                "$.payment_id");
        String original = browser.getWindowHandle();
        browser.switchTo().newWindow(WindowType.TAB); // a tab of its own: no token in its session storage
        try {
            browser.get(baseUrl + "/billing/payments/" + paymentId);
            assertThat(text("signin-reason")).isEqualTo("Sign in to see the outcome of your payment.");
            assertNoMissingValues();
            extraScreenshot("payment-outcome-signin");
            wait.until(ExpectedConditions.elementToBeClickable(By.id("demo-sign-in"))).click();

            wait.until(ExpectedConditions.attributeToBe(testId("payment-outcome"), "data-status", "failed"));
            assertThat(browser.getCurrentUrl()).isEqualTo(baseUrl + "/billing/payments/" + paymentId);
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Payment failed");
            assertThat(text("outcome-message"))
                    .contains("The payment did not go through: you declined the payment or did not confirm it.")
                    .contains("You can start a new payment from Plan & payments.");
            assertThat(text("outcome-method")).isEqualTo("Mobile Money");
            assertNoMissingValues();
            extraScreenshot("payment-outcome-failed");

            browser.get(baseUrl + "/billing/payments/" + UUID.randomUUID());
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Payment not found"));
            assertThat(text("outcome-message")).startsWith("There is no such payment in your teams.");
            assertNoMissingValues();
            extraScreenshot("payment-outcome-not-found");
            browser.get(baseUrl + "/billing/payments/not-a-payment");
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Payment not found"));

            // Another team's payment does not exist for its caller.
            browser.executeScript("sessionStorage.setItem('servelink.token', arguments[0]);", devToken("team=someone-else&role=owner"));
            browser.get(baseUrl + "/billing/payments/" + paymentId);
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Payment not found"));
            assertNoMissingValues();
        } finally {
            browser.close();
            browser.switchTo().window(original);
        }
    }

    @Test
    @Order(10)
    void theProOwnerSetsAHardCapAndAMemberSeesItReadOnly() throws Exception {
        browser.get(baseUrl + "/#/billing");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Plan & payments"));
        wait.until(ExpectedConditions.attributeToBe(testId("spend-control"), "data-policy", "soft"));
        assertThat(attribute("hard-cap", "data-percent")).isEmpty();
        assertThat(text("hard-cap")).isEqualTo("No hard cap.");

        WebElement percent = visible("hard-cap-input");
        percent.clear();
        percent.sendKeys("150");
        visible("hard-cap-save").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("hard-cap-saved")));
        wait.until(ExpectedConditions.attributeToBe(testId("hard-cap"), "data-percent", "150"));
        assertThat(text("hard-cap")).isEqualTo("Hard cap: serving stops at 150 % of the monthly traffic limit.");
        assertNoMissingValues();
        screenshot("spend-control");

        // Saved on the server: a reload shows it, and usage-service follows (the Usage view's policy line).
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(testId("hard-cap"), "data-percent", "150"));
        navigate("usage", "Usage this month");
        wait.until(driver -> text("traffic-policy").contains("150 %"));
        assertNoMissingValues();

        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        navigate("billing", "Offre et paiements");
        assertThat(text("hard-cap")).contains("150 %");
        assertNoMissingValues();
        screenshot("spend-control-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Plan & payments"));

        // A member sees the cap, not the form.
        String owner = (String) browser.executeScript("return sessionStorage.getItem('servelink.token');");
        signInAs(devToken("team=demo&role=member"), "/#/billing", "Plan & payments");
        assertThat(text("hard-cap")).contains("150 %");
        assertThat(text("spend-control")).contains("Only the team’s owner can change the hard cap.");
        assertThat(browser.findElements(testId("hard-cap-input"))).isEmpty();
        assertNoMissingValues();

        signInAs(owner, "/#/billing", "Plan & payments");
        wait.until(ExpectedConditions.attributeToBe(testId("hard-cap"), "data-percent", "150"));
        visible("hard-cap-remove").click();
        wait.until(ExpectedConditions.attributeToBe(testId("hard-cap"), "data-percent", ""));
        assertThat(text("hard-cap")).isEqualTo("No hard cap.");
        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(testId("hard-cap"), "data-percent", ""));
        assertNoMissingValues();
    }

    @Test
    @Order(11)
    void aFreeTeamOverItsLimitIsStoppedAndServedAgainAfterUpgrading() throws Exception {
        String team = "over-" + UUID.randomUUID().toString().substring(0, 8);
        String project = team + "-site";
        String host = project + ".apps.localhost";
        registerTeamAndProject(team, project);
        String owner = devToken("team=" + team + "&role=owner");

        // Just over the Free plan's 10 GB, as the gateway's metering reports it, in three steps (80 %, 95 %, 100 %).
        long total = 0;
        for (long bytes : new long[] {8_200_000_000L, 1_400_000_000L, 500_000_000L}) {
            total += bytes;
            publishTraffic(project, bytes);
            long expected = total;
            await().atMost(Duration.ofSeconds(30)).until(() -> teamTrafficBytes(team, owner) >= expected);
        }

        // The project's host: 402, with the page in the visitor's language; nothing of the project.
        await().atMost(Duration.ofSeconds(30)).until(() -> projectStatus(host, "en") == 402);
        browser.get("http://" + host + ":8080/");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "This project has reached its traffic limit"));
        assertThat(browser.findElement(By.tagName("body")).getText()).contains(host).doesNotContain("Hello from the demo project");
        assertNoMissingValues();
        screenshot("over-limit-page");
        visitInLanguage("fr-FR,fr", () -> {
            browser.get("http://" + host + ":8080/");
            wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Ce projet a atteint sa limite de trafic"));
            assertNoMissingValues();
            screenshot("over-limit-page-fr");
        });

        // The owner: the blocked notice with the way out, and the alert history.
        signInAs(owner, "/#/usage", "Usage this month");
        wait.until(ExpectedConditions.attributeToBe(testId("traffic-state"), "data-blocked", "true"));
        assertThat(attribute("traffic-state", "data-policy")).isEqualTo("stop");
        assertThat(text("traffic-blocked")).contains("Your projects are not being served: traffic reached 100 % of this month’s limit.")
                .contains("Upgrade to Pro");
        assertThat(browser.findElements(testId("way-addon"))).as("add-ons are for Pro teams").isEmpty();
        wait.until(driver -> thresholds().containsAll(java.util.List.of("80", "95", "100")));
        assertThat(text("alert-history")).contains("Traffic · team total");
        assertNoMissingValues();
        screenshot("usage-over-limit");

        browser.manage().window().setSize(new Dimension(390, 844));
        wait.until(driver -> visible("traffic-blocked").isDisplayed());
        assertThat((Boolean) browser.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
                .as("no sideways scrolling at phone width").isTrue();
        assertNoMissingValues();
        screenshot("usage-over-limit-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Consommation du mois"));
        wait.until(driver -> text("traffic-blocked").contains("Vos projets ne sont plus servis"));
        assertThat(text("traffic-blocked")).contains("Passer à Pro");
        assertThat(text("alert-history")).contains("Historique des alertes").contains("Trafic · total de l’équipe");
        assertNoMissingValues();
        screenshot("usage-over-limit-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Usage this month"));

        // The way out: upgrade through the simulated provider; the host is served again within seconds.
        visible("way-upgrade").click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Plan & payments"));
        visible("upgrade").click();
        visible("method-mobile_money").click();
        visible("phone").sendKeys("+237670000003");
        visible("pay-upgrade").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("now-pro")));

        await().atMost(Duration.ofSeconds(20)).until(() -> projectStatus(host, "en") == 200);
        browser.get("http://" + host + ":8080/");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Hello from the demo project"));

        browser.get(baseUrl + "/#/usage");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Usage this month"));
        wait.until(ExpectedConditions.attributeToBe(testId("traffic-state"), "data-blocked", "false"));
        assertThat(attribute("traffic-state", "data-policy")).isEqualTo("soft");
        assertThat(browser.findElements(testId("traffic-blocked"))).isEmpty();
        assertNoMissingValues();
    }

    @Test
    @Order(12)
    void aQuietFreeProjectSleepsTheOwnerWakesItAndAVisitorWakesAnother() throws Exception {
        String team = "nap-" + UUID.randomUUID().toString().substring(0, 8);
        String first = team + "-one";
        String second = team + "-two";
        registerTeamAndProject(team, first);
        registerTeamAndProject(team, second);
        String owner = devToken("team=" + team + "&role=owner");
        // A visit each (so they show on the Usage view), then quiet: the operator runs the job until both sleep
        // (the stack runs with servelink.usage.inactivity.after = 20 s).
        assertThat(projectStatus(first + ".apps.localhost", "en")).isEqualTo(200);
        assertThat(projectStatus(second + ".apps.localhost", "en")).isEqualTo(200);
        String operator = devToken("roles=operator");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(5)).until(() -> {
            HttpResponse<String> ran = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/usage/admin/jobs/inactive-projects"))
                    .header("Authorization", "Bearer " + operator).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ran.statusCode()).as(ran.body()).isBetween(200, 299);
            String usage = get("/api/usage/" + team, owner);
            return JsonPath.<java.util.List<Boolean>>read(usage, "$.projects[?(@.sleeping == true)].sleeping").size() == 2;
        });

        signInAs(owner, "/#/usage", "Usage this month");
        wait.until(ExpectedConditions.visibilityOfElementLocated(testId("project-" + first + "-asleep")));
        assertThat(text("project-" + first + "-sleeping")).startsWith("Asleep since");
        assertNoMissingValues();
        screenshot("usage-sleeping");
        browser.manage().window().setSize(new Dimension(390, 844));
        wait.until(driver -> visible("wake-" + first).isDisplayed());
        assertNoMissingValues();
        screenshot("usage-sleeping-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));
        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Consommation du mois"));
        wait.until(driver -> text("wake-" + first).equals("Réveiller"));
        assertNoMissingValues();
        screenshot("usage-sleeping-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Usage this month"));

        visible("wake-" + first).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(testId("project-" + first + "-asleep")));
        assertThat(browser.findElements(testId("wake-" + first))).isEmpty();
        assertThat(browser.findElements(testId("project-" + second + "-asleep"))).hasSize(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> projectStatus(first + ".apps.localhost", "en") == 200);

        // A visitor of the second: the waking page, which reloads by itself until the project is served.
        browser.get("http://" + second + ".apps.localhost:8080/");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "This project is waking up"));
        assertNoMissingValues();
        screenshot("waking-page");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Hello from the demo project"));
        assertThat(JsonPath.<java.util.List<Boolean>>read(get("/api/usage/" + team, owner), "$.projects[?(@.sleeping == true)].sleeping"))
                .isEmpty();
    }

    @Test
    @Order(14)
    void theDemoProjectsStorageBarMovesWhenAFileIsWrittenInItsDataDirectoryAndTheJobRuns() throws Exception {
        String owner = devToken("team=demo&role=owner");
        signInAs(owner, "/#/usage", "Usage this month");
        long before = Long.parseLong(visible("project-hello-storage").getAttribute("data-used"));
        assertThat(before).as("the demo project's data measured at start").isPositive();
        Path file = root.resolve(".local-stack/storage/hello/e2e-" + UUID.randomUUID() + ".bin");
        byte[] megabyte = new byte[1 << 20];
        new java.util.Random(7).nextBytes(megabyte);
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 50; i++) {
                out.write(megabyte);
            }
        }
        try {
            assertThat(runStorageJob().statusCode()).isEqualTo(200);
            browser.navigate().refresh();
            wait.until(driver -> Long.parseLong(visible("project-hello-storage").getAttribute("data-used")) >= before + 50L * (1 << 20));
            String width = visible("project-hello-storage").findElement(By.cssSelector(".bar > span")).getAttribute("style");
            assertThat(width).contains("width: ").doesNotContain("width: 0.00%");
            assertNoMissingValues();
            extraScreenshot("usage-storage-grown");
        } finally {
            Files.delete(file);
            runStorageJob();
        }
    }

    private HttpResponse<String> runStorageJob() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/usage/admin/jobs/storage-measurement"))
                .header("Authorization", "Bearer " + devToken("roles=operator")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(13)
    void aStorageFigureTheLastRunCouldNotMeasureShowsStaleSinceInEnglishAndFrench() throws Exception {
        String team = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        String project = team + "-web";
        registerTeamAndProject(team, project);
        String owner = devToken("team=" + team + "&role=owner");
        // The local stack measures each project's data directory under .local-stack/storage: with the directory gone,
        // a run measures nothing, so every live project keeps its last figure (none yet for this one) and is stale.
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/usage/" + team, owner).contains(project));
        Path storage = root.resolve(".local-stack/storage");
        Path away = root.resolve(".local-stack/storage-away");
        Files.move(storage, away);
        HttpResponse<String> ran;
        try {
            ran = runStorageJob();
        } finally {
            Files.move(away, storage);
        }
        assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(ran.body(), "$.result.outcome")).isEqualTo("degraded");
        assertThat(JsonPath.<Integer>read(ran.body(), "$.result.figures.projects_stale")).isPositive();
        String staleSince = JsonPath.read(get("/api/usage/" + team, owner), "$.projects[0].storage_month.stale_since");

        signInAs(owner, "/#/usage", "Usage this month");
        WebElement marker = visible("project-" + project + "-storage-stale");
        assertThat(marker.getText()).startsWith("stale since ");
        assertThat(marker.getAttribute("data-stale-since")).isEqualTo(staleSince);
        assertThat(text("team-storage-stale")).startsWith("stale since ");
        assertThat(text("project-" + project + "-storage-detail")).contains("GB-days this month", "not measured yet");
        assertNoMissingValues();
        screenshot("usage-storage-stale");
        new Select(byTestIdOrId("lang-select")).selectByValue("fr");
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Consommation du mois"));
        wait.until(driver -> text("project-" + project + "-storage-stale").startsWith("pas à jour depuis le "));
        assertThat(text("project-" + project + "-storage-detail")).contains("Go-jours ce mois-ci", "pas encore mesuré");
        assertNoMissingValues();
        screenshot("usage-storage-stale-fr");
        new Select(byTestIdOrId("lang-select")).selectByValue("en");
        // the directory back: the next run measures every project again and the marks go
        assertThat(JsonPath.<Integer>read(runStorageJob().body(), "$.result.figures.projects_stale")).isZero();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Usage this month"));
    }

    /** Team (its owner, so alerts have someone to reach) and project through the gateway's operator APIs. */
    private static void registerTeamAndProject(String team, String project) throws Exception {
        String operator = devToken("roles=operator");
        HttpResponse<String> teamPut = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/admin/teams/" + team))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + team + "\", \"members\": [{\"email\": \"owner@" + team
                        + ".example\", \"role\": \"owner\", \"language\": \"en\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(teamPut.statusCode()).as(teamPut.body()).isEqualTo(200);
        HttpResponse<String> projectPut = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/admin/projects/" + project))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"team_slug\": \"" + team + "\", \"hosts\": [\"" + project
                        + ".apps.localhost\"], \"upstream_uri\": \"http://127.0.0.1:8090\", \"status\": \"active\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(projectPut.statusCode()).as(projectPut.body()).isEqualTo(200);
        // The gateway serves it once its registry follows; usage-service knows the project's team once it consumed it.
        await().atMost(Duration.ofSeconds(30)).until(() -> projectStatus(project + ".apps.localhost", "en") == 200);
        String owner = devToken("team=" + team + "&role=owner");
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/usage/" + team, owner).contains("\"" + project + "\""));
    }

    /** What the gateway's metering publishes, for bytes that were not worth sending for real (10 GB on this machine). */
    private static void publishTraffic(String project, long bytes) throws Exception {
        Instant now = Instant.now();
        TrafficRecorded recorded = new TrafficRecorded(project, now.minusSeconds(5), now, 0, bytes, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(new TopicNames("").traffic(), project,
                    new EventCodec().encode(EventEnvelope.of(recorded, now)))).get(30, TimeUnit.SECONDS);
        }
    }

    private static String kafkaBootstrapServers() throws IOException {
        String given = System.getProperty("e2e.kafka", "");
        return given.isBlank() ? stack.kafkaBootstrapServers() : given;
    }

    private static long teamTrafficBytes(String team, String token) throws Exception {
        return ((Number) JsonPath.read(get("/api/usage/" + team, token), "$.traffic.bytes")).longValue();
    }

    private static String get(String path, String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    /** A browser's request to a project host (HTML preferred) through the gateway; its status. */
    private static int projectStatus(String host, String language) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/")).header("Host", host)
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").header("Accept-Language", language).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The alert history's thresholds, as shown. */
    private static java.util.List<String> thresholds() {
        return browser.findElements(testId("alert-row")).stream().map(row -> row.getAttribute("data-threshold")).toList();
    }

    /** Browses with another Accept-Language (as a browser set to that language sends it), then back to English. */
    private static void visitInLanguage(String acceptLanguage, ThrowingRunnable visit) throws Exception {
        String agent = (String) browser.executeScript("return navigator.userAgent;");
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", acceptLanguage));
        try {
            visit.run();
        } finally {
            browser.executeCdpCommand("Network.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", "en-US,en"));
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Another tab session's token: stored as the sign-in stores it, then the page loaded afresh. */
    private static void signInAs(String token, String route, String heading) {
        browser.get("about:blank");
        browser.get(baseUrl + "/app/style.css"); // a page of the dashboard's origin, to reach its session storage
        browser.executeScript("sessionStorage.setItem('servelink.token', arguments[0]); sessionStorage.removeItem('servelink.team');", token);
        browser.get(baseUrl + route);
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), heading));
    }

    /** Starts a Pro payment of the demo team through the API, as the owner; answers resources-service's 202 body. */
    private static String startUpgrade(String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/resources/demo/upgrade"))
                .header("Authorization", "Bearer " + devToken("team=demo&role=owner"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.body();
    }

    /** What the page shows (and its title) has no value missing from its data: no "null", "undefined", "NaN", no key. */
    private static void assertNoMissingValues() {
        String shown = (String) browser.executeScript("return document.title + '\\n' + document.body.innerText;");
        assertThat(shown).doesNotContainPattern("\\b(null|undefined|NaN)\\b")
                .doesNotContainPattern("\\b(outcome|reason|status|pay|signin|common|usage|alerts|spend|limits|addons|billing)\\.[a-z_.]+");
    }

    private static void navigate(String route, String heading) {
        browser.findElement(By.cssSelector("#nav a[data-route='" + route + "']")).click();
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), heading));
    }

    private static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    private static WebElement visible(String id) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(testId(id)));
    }

    /** Read in the wait, so a re-rendered element is simply found again. */
    private static String attribute(String id, String name) {
        return wait.until(driver -> driver.findElement(testId(id)).getAttribute(name));
    }

    private static String text(String id) {
        return wait.until(driver -> {
            WebElement element = driver.findElement(testId(id));
            return element.isDisplayed() ? element.getText() : null;
        });
    }

    private static WebElement byTestIdOrId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    private static String devToken(String query) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/dev/token?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.token");
    }

    private static void screenshot(String name) {
        saveScreenshot(root.resolve("docs/screenshots"), name);
    }

    /** A state worth looking at but not shown in the docs: deploy/e2e/target/screenshots/. */
    private static void extraScreenshot(String name) {
        saveScreenshot(Path.of("target/screenshots").toAbsolutePath(), name);
    }

    private static void saveScreenshot(Path directory, String name) {
        try {
            Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
            Path target = Files.createDirectories(directory).resolve(name + ".png");
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("Could not save the screenshot " + name, e);
        }
    }
}
