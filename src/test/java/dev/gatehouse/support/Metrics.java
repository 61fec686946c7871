package dev.gatehouse.support;

import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;

/** Reading the Prometheus text of the management interface (docs/operations.md "Metrics"). */
public final class Metrics {

    private Metrics() {
    }

    public static String scrape(URL metricsUrl) {
        return given().get(metricsUrl).then().statusCode(200).extract().asString();
    }

    /** Sum of every sample of a metric whose labels contain {@code labelPart} ("" for any). */
    public static double value(String text, String name, String labelPart) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            if (labels.contains(labelPart)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Whether a sample of the metric with exactly these labels (in Prometheus order) exists. */
    public static boolean has(String text, String name, String labels) {
        return Pattern.compile("(?m)^" + Pattern.quote(name + labels) + " [0-9.eE+-]+$").matcher(text).find();
    }
}
