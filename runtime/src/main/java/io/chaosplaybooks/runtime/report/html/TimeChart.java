package io.chaosplaybooks.runtime.report.html;

import java.util.ArrayList;
import java.util.List;

import static io.chaosplaybooks.runtime.report.html.Svg.esc;
import static io.chaosplaybooks.runtime.report.html.Svg.label;
import static io.chaosplaybooks.runtime.report.html.Svg.n;

/**
 * One chart over a scenario's time, as inline SVG: the phases shaded behind, fault changes as
 * vertical lines, then either lines (one polyline per series) or lanes of states (one row per
 * server, coloured by breaker state). Axes with ticks, x in seconds from the run's start,
 * a legend on the right.
 */
final class TimeChart {
    static final int WIDTH = 1100;
    static final int LEFT = 64;
    static final int RIGHT = 170;
    static final int TOP = 30;
    static final int BOTTOM = 34;

    record Series(String name, String color, boolean dashed, boolean thick, double[] xs, double[] ys) {}

    record Lane(String name, List<double[]> spans, List<String> states) {}

    record Marker(double ms, boolean applied, String label) {}

    static String phaseColor(String phase) {
        return switch (phase) {
            case "stabilize" -> "#dbe9fb";
            case "inject" -> "#fbdcdc";
            case "recover" -> "#dcf3df";
            default -> "#ececec";
        };
    }

    static String stateColor(String state) {
        return switch (state) {
            case "closed" -> "#3a9d4a";
            case "half-open" -> "#e0b020";
            case "open" -> "#d0392b";
            default -> "#999999";
        };
    }

    private final String title;
    private final String unit;
    private final double fromMs;
    private final double toMs;
    private final int height;
    private final List<RunJournal.Phase> phases;
    private final List<Marker> markers;
    private final List<Series> series = new ArrayList<>();
    private final List<Lane> lanes = new ArrayList<>();

    TimeChart(String title, String unit, double fromMs, double toMs, int height, List<RunJournal.Phase> phases, List<Marker> markers) {
        this.title = title;
        this.unit = unit;
        this.fromMs = fromMs;
        this.toMs = toMs > fromMs ? toMs : fromMs + 1000;
        this.height = height;
        this.phases = phases;
        this.markers = markers;
    }

    TimeChart add(Series s) {
        series.add(s);
        return this;
    }

    TimeChart add(Lane l) {
        lanes.add(l);
        return this;
    }

    private double x(double ms) {
        return LEFT + (ms - fromMs) / (toMs - fromMs) * (WIDTH - LEFT - RIGHT);
    }

    String render() {
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = height - TOP - BOTTOM;
        double bottom = TOP + plotH;
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(height)
            .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\">\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"14\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">").append(esc(title))
            .append(unit.isEmpty() ? "" : " (" + esc(unit) + ")").append("</text>\n");

        // Phases behind everything, named at the top of their band.
        for (RunJournal.Phase p : phases) {
            double x0 = Math.max(LEFT, x(p.startMs()));
            double x1 = Math.min(LEFT + plotW, x(p.endMs()));
            if (!(x1 > x0)) continue;
            b.append("<rect class=\"phase phase-").append(esc(p.name())).append("\" data-phase=\"").append(esc(p.label()))
                .append("\" x=\"").append(n(x0)).append("\" y=\"").append(TOP).append("\" width=\"").append(n(x1 - x0))
                .append("\" height=\"").append(n(plotH)).append("\" fill=\"").append(phaseColor(p.name())).append("\"><title>")
                .append(esc(p.label())).append("</title></rect>\n");
            b.append("<text class=\"phase-label\" x=\"").append(n(x0 + 4)).append("\" y=\"").append(TOP + 12)
                .append("\" font-size=\"11\" fill=\"#555\">").append(esc(p.label())).append("</text>\n");
        }

        // Y axis: ticks for values, or one row per lane.
        double yMax = 1;
        if (lanes.isEmpty()) {
            double max = 0;
            for (Series s : series) for (double v : s.ys()) if (Double.isFinite(v)) max = Math.max(max, v);
            double step = Svg.niceStep(max > 0 ? max : 1, 4);
            yMax = Math.max(step, Math.ceil(max / step) * step);
            for (double t = 0; t <= yMax + step / 2; t += step) {
                double y = bottom - t / yMax * plotH;
                b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(n(LEFT + plotW)).append("\" y1=\"").append(n(y)).append("\" y2=\"")
                    .append(n(y)).append("\" stroke=\"#000\" stroke-opacity=\"0.08\"/>\n");
                b.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(n(y + 4)).append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">")
                    .append(label(t)).append("</text>\n");
            }
        }

        // X axis: seconds from the run's start.
        double stepS = Svg.niceStep((toMs - fromMs) / 1000, 10);
        for (double t = Math.ceil(fromMs / 1000 / stepS) * stepS; t * 1000 <= toMs; t += stepS) {
            double xx = x(t * 1000);
            b.append("<line x1=\"").append(n(xx)).append("\" x2=\"").append(n(xx)).append("\" y1=\"").append(n(bottom)).append("\" y2=\"")
                .append(n(bottom + 5)).append("\" stroke=\"#333\"/>\n");
            b.append("<text class=\"tick\" x=\"").append(n(xx)).append("\" y=\"").append(n(bottom + 18)).append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">")
                .append(label(t)).append(" s</text>\n");
        }
        b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(n(LEFT + plotW)).append("\" y1=\"").append(n(bottom)).append("\" y2=\"").append(n(bottom))
            .append("\" stroke=\"#333\"/>\n");
        b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" y2=\"").append(n(bottom))
            .append("\" stroke=\"#333\"/>\n");

        // Lanes: each state a coloured span, the lane's name on the left.
        if (!lanes.isEmpty()) {
            // Below the phase names, which sit at the top of the plot.
            double laneTop = TOP + 16;
            double laneH = (plotH - 16) / lanes.size();
            for (int i = 0; i < lanes.size(); i++) {
                Lane l = lanes.get(i);
                double y = laneTop + i * laneH;
                for (int j = 0; j < l.spans().size(); j++) {
                    double[] span = l.spans().get(j);
                    double x0 = Math.max(LEFT, x(span[0]));
                    double x1 = Math.min(LEFT + plotW, x(span[1]));
                    if (!(x1 > x0)) continue;
                    String state = l.states().get(j);
                    b.append("<rect class=\"state state-").append(esc(state)).append("\" data-lane=\"").append(esc(l.name())).append("\" x=\"").append(n(x0))
                        .append("\" y=\"").append(n(y + laneH * 0.3)).append("\" width=\"").append(n(Math.max(1, x1 - x0))).append("\" height=\"")
                        .append(n(laneH * 0.55)).append("\" fill=\"").append(stateColor(state)).append("\"><title>").append(esc(l.name() + ": " + state))
                        .append("</title></rect>\n");
                }
                b.append("<text class=\"lane\" x=\"").append(LEFT - 6).append("\" y=\"").append(n(y + laneH * 0.62)).append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">")
                    .append(esc(l.name())).append("</text>\n");
            }
        }

        // Series: one polyline each; a gap where a value is missing.
        for (Series s : series) {
            List<String> runs = new ArrayList<>();
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                double v = s.ys()[i];
                if (!Double.isFinite(v) || s.xs()[i] < fromMs || s.xs()[i] > toMs) {
                    if (!pts.isEmpty()) runs.add(pts.toString());
                    pts.setLength(0);
                    continue;
                }
                if (!pts.isEmpty()) pts.append(' ');
                pts.append(n(x(s.xs()[i]))).append(',').append(n(bottom - Math.min(v, yMax) / yMax * plotH));
            }
            if (!pts.isEmpty()) runs.add(pts.toString());
            b.append("<g class=\"series\" data-series=\"").append(esc(s.name())).append("\">");
            for (String r : runs) {
                b.append("<polyline points=\"").append(r).append("\" fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"")
                    .append(s.thick() ? "2.5" : "1.5").append('"').append(s.dashed() ? " stroke-dasharray=\"5,3\"" : "")
                    .append(" stroke-linejoin=\"round\"/>");
                if (!r.contains(" ")) {   // a single point: a dot, so it is seen
                    String[] xy = r.split(",");
                    b.append("<circle cx=\"").append(xy[0]).append("\" cy=\"").append(xy[1]).append("\" r=\"2.5\" fill=\"").append(s.color()).append("\"/>");
                }
            }
            b.append("<title>").append(esc(s.name())).append("</title></g>\n");
        }

        // Fault changes: a vertical line, red when a fault goes in, green when it comes out; labels stagger down.
        int k = 0;
        for (Marker m : markers) {
            if (m.ms() < fromMs || m.ms() > toMs) continue;
            double xx = x(m.ms());
            String color = m.applied() ? "#b3261e" : "#1e7a34";
            b.append("<g class=\"fault ").append(m.applied() ? "fault-applied" : "fault-removed").append("\" data-fault=\"").append(esc(m.label())).append("\">")
                .append("<line x1=\"").append(n(xx)).append("\" x2=\"").append(n(xx)).append("\" y1=\"").append(TOP).append("\" y2=\"").append(n(bottom))
                .append("\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" stroke-dasharray=\"4,2\"/>");
            // Lanes leave no room for labels: the charts above carry them, the line is enough here.
            if (lanes.isEmpty()) b.append("<text x=\"").append(n(xx + 3)).append("\" y=\"").append(n(TOP + 26 + (k % 4) * 12)).append("\" font-size=\"10\" fill=\"").append(color)
                .append("\">").append(esc(m.label())).append("</text>");
            b.append("<title>").append(esc(m.label())).append("</title></g>\n");
            k++;
        }

        // Legend on the right.
        double ly = TOP + 4;
        if (lanes.isEmpty()) {
            for (Series s : series) {
                b.append("<line x1=\"").append(n(LEFT + plotW + 12)).append("\" x2=\"").append(n(LEFT + plotW + 34)).append("\" y1=\"").append(n(ly)).append("\" y2=\"")
                    .append(n(ly)).append("\" stroke=\"").append(s.color()).append("\" stroke-width=\"").append(s.thick() ? "2.5" : "1.5").append('"')
                    .append(s.dashed() ? " stroke-dasharray=\"5,3\"" : "").append("/>");
                b.append("<text class=\"legend\" x=\"").append(n(LEFT + plotW + 40)).append("\" y=\"").append(n(ly + 4)).append("\" font-size=\"11\" fill=\"#222\">")
                    .append(esc(s.name())).append("</text>\n");
                ly += 16;
            }
        } else {
            for (String state : List.of("closed", "half-open", "open")) {
                b.append("<rect x=\"").append(n(LEFT + plotW + 12)).append("\" y=\"").append(n(ly - 5)).append("\" width=\"22\" height=\"10\" fill=\"")
                    .append(stateColor(state)).append("\"/>");
                b.append("<text class=\"legend\" x=\"").append(n(LEFT + plotW + 40)).append("\" y=\"").append(n(ly + 4)).append("\" font-size=\"11\" fill=\"#222\">")
                    .append(state).append("</text>\n");
                ly += 16;
            }
        }
        b.append("</svg>\n");
        return b.toString();
    }
}
