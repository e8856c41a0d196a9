package dev.uqabench.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A stop request is honoured at the next safe point, with the signal's exit status. */
class StopRequestTest {

    @Test
    void aRequestStopsTheNextCheckNamingTheSignalAndThePlace() {
        StopRequest.check("nothing asked yet");
        try {
            StopRequest.request("SIGTERM", 143);
            StopRequest.Stopped stopped = assertThrows(StopRequest.Stopped.class, () -> StopRequest.check("llm step 7 of 30"));
            assertEquals(143, stopped.exitStatus());
            assertTrue(stopped.getMessage().startsWith("stopped by SIGTERM at llm step 7 of 30; rerun"), stopped.getMessage());
        } finally {
            StopRequest.clear();
        }
        StopRequest.check("cleared");
    }
}
