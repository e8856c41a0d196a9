package dev.uqabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EncodersCommandTest {

    @Test
    void listsEveryEncoderWithPaperParameterCounts() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured));
        int exit;
        try {
            exit = new CommandLine(new EncodersCommand()).execute();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString();
        assertEquals(0, exit);
        for (String name : new String[] {"sasrec", "hstu", "trmplus", "gru4rec", "mamba"}) {
            assertTrue(out.contains(name), name + " missing:\n" + out);
        }
        // SASRec at paper: 512 x 512 positions + 6 blocks x 2,627,584 (qkv 787,968, out 262,656,
        // FFN 787,968 + 786,944, two norms 2,048) + final norm 1,024
        assertTrue(out.matches("(?s).*paper\\s+512\\s+16,028,672.*"), out);
    }

    @Test
    void rejectsANonPositiveMaxLength() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EncodersCommand());
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("--max-length", "0");
        assertTrue(exit != 0);
        assertTrue(err.toString().contains("--max-length must be positive, got 0"), err.toString());
    }
}
