package dev.uqabench.data.csv;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Lines of a UTF-8 file, each decoded on its own with a strict decoder, so that a malformed byte
 * is reported on the line that holds it (a {@code Reader} decodes ahead, and would blame line 1).
 * Line ends: {@code \n} or {@code \r\n}.
 */
final class LineReader implements AutoCloseable {

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buffer = new byte[256];
    private long lines;

    LineReader(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next line without its line end, or null at the end of the file. */
    String readLine() throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, length * 2);
            }
            buffer[length++] = (byte) b;
        }
        if (b < 0 && length == 0) {
            return null;
        }
        lines++;
        if (length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        return decoder.decode(ByteBuffer.wrap(buffer, 0, length)).toString();
    }

    /** Lines read so far (the number of the line last returned or failed). */
    long lines() {
        return lines;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
