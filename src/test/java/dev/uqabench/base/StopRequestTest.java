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

    @Test
    void aSignalReplacesTheRunsOwnStopRequestAndAWithdrawalThenLeavesIt() {
        try {
            StopRequest.Request own = StopRequest.requestFromRun("the other lane's failure");
            StopRequest.Stopped byRun = assertThrows(StopRequest.Stopped.class, () -> StopRequest.check("step 3"));
            assertEquals(1, byRun.exitStatus());
            assertTrue(byRun.getMessage().startsWith("stopped by the other lane's failure at step 3"), byRun.getMessage());
            StopRequest.request("SIGTERM", 143);          // the user's first signal, not a second one: no halt
            StopRequest.withdraw(own);                   // the run takes back only its own request
            assertEquals(143, assertThrows(StopRequest.Stopped.class, () -> StopRequest.check("step 4")).exitStatus());
        } finally {
            StopRequest.clear();
        }
    }
}
