package dev.uqabench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and encoded as PNG. */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int PLOT_WIDTH = WIDTH * 3 / 4;   // what the legend and axis leave
    private static final int PIXELS_PER_CHAR = 7;

    private Charts() {
    }

    /** One named series of a bar chart: a value (and 95 % half-width) per category. */
    public record Bars(String name, List<Double> values, List<Double> errors) {
    }

    /**
     * One named series of points; {@code connected} draws a line through them (for a series that is
     * one quantity varied, such as N of textN), otherwise markers only.
     */
    public record Points(String name, List<Double> x, List<Double> y, List<Double> errors, boolean connected) {
    }

    public static byte[] bars(String title, String xTitle, String yTitle, List<String> categories, List<Bars> series) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        boolean slanted = longest * PIXELS_PER_CHAR > PLOT_WIDTH / categories.size();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(slanted ? HEIGHT + 6 * longest : HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setErrorBarsColor(java.awt.Color.DARK_GRAY);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // Long category names (variant names) would overwrite each other side by side: slant them.
        if (slanted) {
            chart.getStyler().setXAxisLabelRotation(30);
        }
        chart.getStyler().setLegendVisible(series.size() > 1);
        for (Bars s : series) {
            chart.addSeries(s.name(), categories, s.values(), s.errors());
        }
        return png(chart);
    }

    public static byte[] points(String title, String xTitle, String yTitle, boolean logX, List<Points> series) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLogarithmic(logX);
        // Over a short range label 20, 50, 200 ... too; over many decades those labels would collide.
        double low = series.stream().flatMap(p -> p.x().stream()).mapToDouble(Double::doubleValue).min().orElse(1);
        double high = series.stream().flatMap(p -> p.x().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(high > 30 * low);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setErrorBarsColor(java.awt.Color.DARK_GRAY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendVisible(series.size() > 1);
        for (Points p : series) {
            XYSeries s = chart.addSeries(p.name(), p.x(), p.y(), p.errors());
            s.setMarker(SeriesMarkers.CIRCLE);
            if (p.x().size() == 1 || !p.connected()) {
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
        return png(chart);
    }

    private static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode chart '" + chart.getTitle() + "'", e);
        }
    }
}
