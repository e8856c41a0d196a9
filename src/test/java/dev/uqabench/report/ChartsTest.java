package dev.uqabench.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, "not a readable PNG");
        return image;
    }

    @Test
    void shortCategoriesStayLevelLongVariantNamesGetRoomToSlant() throws IOException {
        List<String> subtasks = List.of("All tasks", "df", "mf", "ip", "ap", "li", "si", "it");
        List<Double> values = subtasks.stream().map(s -> 40.0).toList();
        Charts.Bars one = new Charts.Bars("All tasks", values, values.stream().map(v -> 2.0).toList());
        BufferedImage level = decode(Charts.bars("t", "sub-task", "accuracy (%)", subtasks, List.of(one)));
        List<String> variants = List.of("sasrec-meanpool", "gru4rec-meanpool", "hstu-meanpool", "trmplus-meanpool",
                "mamba-meanpool", "sasrec-qformer", "sasrec-meanpool-tuned", "sasrec-meanpool-sideinfo");
        BufferedImage slanted = decode(Charts.bars("t", "variant", "accuracy (%)", variants, List.of(one)));
        assertEquals(level.getWidth(), slanted.getWidth());
        assertTrue(slanted.getHeight() > level.getHeight(), "slanted labels need a taller chart");
    }

    @Test
    void pointsChartsRenderWithAndWithoutLines() throws IOException {
        BufferedImage image = decode(Charts.points("t", "tokens (log)", "accuracy (%)", true, List.of(
                new Charts.Points("text", List.of(125.0, 206.0, 367.0), List.of(52.6, 55.2, 55.4), List.of(2.4, 2.4, 2.4), true),
                new Charts.Points("embedding", List.of(41.2, 41.2, 56.2), List.of(39.6, 36.2, 38.8), List.of(2.3, 2.3, 2.3), false))));
        assertTrue(image.getWidth() > 0 && image.getHeight() > 0);
    }
}
