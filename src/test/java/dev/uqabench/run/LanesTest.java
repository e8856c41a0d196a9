package dev.uqabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.StopRequest;
import dev.uqabench.base.UqaException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LanesTest {

    @AfterEach
    void clear() {
        StopRequest.clear();
    }

    @Test
    void twoLanesRunBothChainsAtOnceAndReturnBothResults() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        String[] threads = new String[2];
        Lanes.Both<String, Integer> done = new Lanes(2).both(() -> {
            threads[0] = Thread.currentThread().getName();
            bothStarted.countDown();
            await(bothStarted);
            return "first";
        }, () -> {
            threads[1] = Thread.currentThread().getName();
            bothStarted.countDown();
            await(bothStarted);
            return 2;
        });
        assertEquals("first", done.first());
        assertEquals(2, done.second());
        assertNotEquals(threads[0], threads[1]);
    }

    @Test
    void oneLaneRunsTheChainsOneAfterTheOther() {
        StringBuilder order = new StringBuilder();
        new Lanes(1).both(() -> order.append("a"), () -> order.append("b"));
        assertEquals("ab", order.toString());
    }

    @Test
    void aFailingChainStopsTheOtherAtItsNextSafePointAndItsFailureIsThrown() {
        AtomicInteger safePoints = new AtomicInteger();
        UqaException e = assertThrows(UqaException.class, () -> new Lanes(2).both(() -> {
            throw new UqaException("align: the adapter diverged");
        }, () -> {
            for (int step = 0; step < 10_000; step++) {      // a long chain: stops at a safe point instead
                StopRequest.check("step " + step);
                safePoints.incrementAndGet();
                sleep();
            }
            return null;
        }));
        assertEquals("align: the adapter diverged", e.getMessage());
        assertTrue(safePoints.get() < 10_000, "the other lane ran to the end");
        assertEquals(1, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0] instanceof StopRequest.Stopped, e.getSuppressed()[0].toString());
        StopRequest.check("after the lanes");  // the lanes' own stop request is withdrawn
    }

    @Test
    void aFailureOfTheSecondLaneIsThrownToo() {
        UqaException e = assertThrows(UqaException.class,
                () -> new Lanes(2).both(() -> "fine", () -> {
                    throw new UqaException("eval: no questions");
                }));
        assertEquals("eval: no questions", e.getMessage());
    }

    @Test
    void onlyOneOrTwoLanes() {
        assertThrows(IllegalArgumentException.class, () -> new Lanes(3));
        assertThrows(IllegalArgumentException.class, () -> new Lanes(0));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(20, TimeUnit.SECONDS), "the chains did not run at the same time");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
