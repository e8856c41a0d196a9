package dev.uqabench.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.base.UqaException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistEnvTest {

    @Test
    void noVariablesMeanOneProcess() {
        DistEnv env = DistEnv.of(Map.of());
        assertFalse(env.distributed());
        assertEquals(0, env.rank());
        assertEquals(1, env.worldSize());
    }

    @Test
    void readsTorchrunVariables() {
        DistEnv env = DistEnv.of(Map.of("RANK", "3", "WORLD_SIZE", "4", "LOCAL_RANK", "1", "MASTER_ADDR", "10.0.0.2",
                "MASTER_PORT", "29600", "UQABENCH_DIST_TIMEOUT", "90"));
        assertEquals(new DistEnv(3, 4, 1, "10.0.0.2", 29600, 90), env);
        assertTrue(env.distributed());
    }

    @Test
    void aMissingMasterAddressIsNamed() {
        UqaException e = assertThrows(UqaException.class, () -> DistEnv.of(Map.of("RANK", "0", "WORLD_SIZE", "2")));
        assertTrue(e.getMessage().startsWith("WORLD_SIZE=2 but MASTER_ADDR is not set"), e.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        assertTrue(assertThrows(UqaException.class, () -> DistEnv.of(Map.of("WORLD_SIZE", "2", "MASTER_ADDR", "h")))
                .getMessage().contains("RANK is not set"));
        assertTrue(assertThrows(UqaException.class, () -> DistEnv.of(Map.of("RANK", "2", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h"))).getMessage().contains("RANK=2 is outside 0..1"));
        assertTrue(assertThrows(UqaException.class, () -> DistEnv.of(Map.of("RANK", "x")))
                .getMessage().contains("RANK must be an integer, got 'x'"));
        assertTrue(assertThrows(UqaException.class, () -> DistEnv.of(Map.of("RANK", "0", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "70000"))).getMessage().contains("MASTER_PORT must be a port"));
    }
}
